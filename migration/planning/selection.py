"""Which tables a DMS selection picks: `%`/`_` LIKE patterns, exact names, excludes over includes.

Pure logic shared by the task scope checks (forward, over Oracle names) and the reverse task (over PostgreSQL
names), so both read a mapping the way DMS does. Linear in the number of tables: exact names are set look-ups and
the patterns of one side run as one combined regular expression.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Sequence

from migration.config import split_table_pattern
from migration.dms.mappings import Selection

Pair = tuple[str, str]  # (schema, table)


def like_body(pattern: str) -> str:
    """DMS/SQL LIKE as a regular expression body: % any run, _ one character."""
    return "".join(".*" if c == "%" else "." if c == "_" else re.escape(c) for c in pattern)


@functools.lru_cache(maxsize=1024)
def like(pattern: str) -> re.Pattern[str]:
    return re.compile(like_body(pattern) + r"\Z", re.DOTALL)


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
    (PAY_LOG also selects PAY$LOG); the rest go through one combined expression per side."""
    sides: dict[bool, list[str]] = {True: [], False: []}
    exact: dict[bool, set[Pair]] = {True: set(), False: set()}
    for rule in rules:
        side = rule.action != "exclude"
        schema, table = rule.schema, rule.table
        if "%" not in schema + table:
            exact[side].add((schema, table))
            continue
        sides[side].append(f"{like_body(schema)}\\x00{like_body(table)}")
    known = set(pairs)
    _widen_underscores(exact, pairs)
    if not sides[True] and not sides[False]:
        return (exact[True] & known) - exact[False]
    inc = re.compile("(?:" + "|".join(sides[True]) + r")\Z", re.DOTALL) if sides[True] else None
    exc = re.compile("(?:" + "|".join(sides[False]) + r")\Z", re.DOTALL) if sides[False] else None
    chosen = set()
    for pair in pairs:
        key = f"{pair[0]}\x00{pair[1]}"
        if pair in exact[False] or (exc is not None and exc.match(key)):
            continue
        if pair in exact[True] or (inc is not None and inc.match(key)):
            chosen.add(pair)
    return chosen


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
