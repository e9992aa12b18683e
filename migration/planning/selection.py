"""Which tables a DMS selection picks: `%`/`_` LIKE patterns, exact names, excludes over includes.

Pure logic shared by the task scope checks (forward, over Oracle names) and the reverse task (over PostgreSQL
names), so both read a mapping the way DMS does. Linear in the number of tables: exact names are set look-ups and
the patterns of one side run as one combined regular expression.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from migration.config.model import split_table_pattern

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


def selected(rules: Iterable[Mapping[str, Any]], pairs: Sequence[Pair]) -> set[Pair]:
    """The pairs the selection rules among `rules` pick (includes minus excludes). Locators without `%` are taken as
    exact names (a set look-up; DMS would also read `_` as one character, a known gap left as it is); the rest go
    through one combined expression per side."""
    sides: dict[bool, list[str]] = {True: [], False: []}
    exact: dict[bool, set[Pair]] = {True: set(), False: set()}
    for rule in rules:
        if rule["rule-type"] != "selection":
            continue
        loc = rule["object-locator"]
        side = rule["rule-action"] != "exclude"
        schema, table = loc["schema-name"], loc["table-name"]
        if "%" not in schema + table:
            exact[side].add((schema, table))
            continue
        sides[side].append(f"{like_body(schema)}\\x00{like_body(table)}")
    known = set(pairs)
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
