"""Which tables a DMS selection picks: `%`/`_` LIKE patterns, exact names, excludes over includes.

Pure logic shared by the task scope checks (forward, over Oracle names) and the reverse task (over PostgreSQL
names), so both read a mapping the way DMS does. Linear in the number of tables: exact names are set look-ups and
patterns match without backtracking (class Like), so a name full of `%` cannot make matching exponential.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence

from migration.config import split_table_pattern
from migration.dms.mappings import Selection

Pair = tuple[str, str]  # (schema, table)


class Like:
    """One DMS/SQL LIKE pattern (`%` any run, `_` one character), matched without a backtracking regular
    expression: the pattern is cut at its `%` runs into fixed-length pieces (`_` matches any one character); the
    first piece must start the name, the last end it, and each one between is found leftmost after the one
    before. That greedy scan is exact for `%`-only wildcards and costs at most len(name) x len(pattern), so a name
    such as `%%%%%%%%Q` next to a long one cannot make matching exponential."""

    def __init__(self, pattern: str) -> None:
        self.pattern = pattern
        self.pieces = [_Piece(p) for p in pattern.split("%")]  # one piece: no `%` at all
        self.anything = bool(pattern) and not pattern.strip("%")  # `%`, `%%`: every name
        # The usual shapes (APP_%, %_LOG, an exact name) have at most one run of `%`: one `.*` in a regular expression
        # backtracks at most len(name) steps, and C-speed matching keeps a million names fast.
        self.test: Callable[[str], object] = self._scan
        if len([p for p in pattern.split("%") if p]) + ("%" in pattern) <= 2 and not re.search("[^%]%+[^%]", pattern):
            body = "".join(".*" if c == "%" else "." if c == "_" else re.escape(c) for c in re.sub("%+", "%", pattern))
            self.test = re.compile(body + r"\Z", re.DOTALL).match

    def match(self, text: str) -> bool:
        return bool(self.test(text))

    def _scan(self, text: str) -> bool:
        if self.anything:
            return True
        pieces = self.pieces
        if len(pieces) == 1:
            return len(text) == pieces[0].width and pieces[0].at(text, 0)
        first, last = pieces[0], pieces[-1]
        if first.width + last.width > len(text) or not first.at(text, 0):
            return False
        end = len(text) - last.width
        if not last.at(text, end):
            return False
        pos = first.width
        for piece in pieces[1:-1]:
            found = piece.find(text, pos, end)
            if found < 0:
                return False
            pos = found + piece.width
        return True


class _Piece:
    """A run of a LIKE pattern between two `%`: literal characters and `_`, of a fixed width."""

    def __init__(self, text: str) -> None:
        self.width = len(text)
        self.literal = text if "_" not in text else None  # plain characters: string methods, no regex
        self.regex = re.compile("".join("." if c == "_" else re.escape(c) for c in text), re.DOTALL)

    def at(self, text: str, pos: int) -> bool:
        if self.literal is not None:
            return text.startswith(self.literal, pos)
        return self.regex.match(text, pos) is not None

    def find(self, text: str, start: int, end: int) -> int:
        """The leftmost position >= start where the piece fits wholly before `end`, or -1."""
        if self.literal is not None:
            return text.find(self.literal, start, end)
        found = self.regex.search(text, start, end)  # no quantifier inside: at most len(text) x width steps
        return -1 if found is None else found.start()


def like(pattern: str) -> Like:
    """The LIKE pattern as a matcher: `like(p).match(name)`."""
    return Like(pattern)


def matches(patterns: Sequence[str], owner: str, table: str) -> bool:
    """Config patterns (`TABLE` in any schema, `SCHEMA.TABLE`) against one table."""
    for p in patterns:
        schema, tab = split_table_pattern(p)
        if (schema is None or like(schema).match(owner)) and like(tab).match(table):
            return True
    return False


def selected(rules: Iterable[Selection], pairs: Sequence[Pair]) -> set[Pair]:
    """The pairs the selection rules pick (includes minus excludes). Locators without `%` are exact names (a set
    look-up) plus, as DMS reads `_` as one character, the names of the same length that `_` lets them match
    (PAY_LOG also selects PAY$LOG); the rest are matched pattern by pattern (class Like: no backtracking)."""
    sides: dict[bool, list[tuple[Like, Like]]] = {True: [], False: []}
    exact: dict[bool, set[Pair]] = {True: set(), False: set()}
    for rule in rules:
        side = rule.action != "exclude"
        schema, table = rule.schema, rule.table
        if "%" not in schema + table:
            exact[side].add((schema, table))
            continue
        sides[side].append((Like(schema), Like(table)))
    known = set(pairs)
    _widen_underscores(exact, pairs)
    if not sides[True] and not sides[False]:
        return (exact[True] & known) - exact[False]
    included = (exact[True] & known) | _matching(sides[True], pairs)
    return included - exact[False] - _matching(sides[False], pairs)


def _matching(patterns: Sequence[tuple[Like, Like]], pairs: Sequence[Pair]) -> set[Pair]:
    """The pairs any of the (schema, table) patterns match: each schema pattern is tried once per schema."""
    schemas = {owner for owner, _ in pairs} if patterns else set()
    hit: set[Pair] = set()
    for schema_like, table_like in patterns:
        owners = {owner for owner in schemas if schema_like.match(owner)}
        if not owners:
            continue
        if table_like.anything:
            hit.update(p for p in pairs if p[0] in owners)
        else:
            match = table_like.test
            hit.update(p for p in pairs if p[0] in owners and p not in hit and match(p[1]))
    return hit


def _widen_underscores(exact: dict[bool, set[Pair]], pairs: Sequence[Pair]) -> None:
    """Add to each side the known pairs an exact locator with `_` also matches in DMS (`_` is one character).
    A candidate matches when it equals the locator everywhere but at the locator's `_` positions: locators are
    grouped by those positions, and each group is answered by one pass over the names of that length, keyed by
    the characters that must be equal (linear per group; real schemas have few distinct groups)."""
    wild = {side: [p for p in names if "_" in p[0] + p[1]] for side, names in exact.items()}
    if not wild[True] and not wild[False]:
        return
    by_len: dict[int, list[Pair]] = {}
    for pair in pairs:
        by_len.setdefault(len(pair[0]) + 1 + len(pair[1]), []).append(pair)
    groups: dict[tuple[int, tuple[int, ...]], list[tuple[bool, Pair]]] = {}
    for side, locators in wild.items():
        for pair in locators:
            text = f"{pair[0]}\x00{pair[1]}"
            positions = tuple(i for i, c in enumerate(text) if c == "_")
            groups.setdefault((len(text), positions), []).append((side, pair))
    for (length, positions), members in groups.items():
        keep = [i for i in range(length) if i not in set(positions)]
        index: dict[str, list[Pair]] = {}
        for cand in by_len.get(length, ()):
            text = f"{cand[0]}\x00{cand[1]}"
            index.setdefault("".join(text[i] for i in keep), []).append(cand)
        for side, pair in members:
            text = f"{pair[0]}\x00{pair[1]}"
            exact[side].update(index.get("".join(text[i] for i in keep), ()))
