"""Oracle column defaults and check conditions in PostgreSQL, for the few forms whose meaning is certain.

Anything else (a function call, a PL/SQL-only construct, a name that is not a column of the table) returns None
and the DDL lists the Oracle text for the DBA instead of guessing.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from datetime import datetime, timedelta
from decimal import Decimal

# Oracle default -> PostgreSQL default, for the pseudo-columns with one meaning on both sides. SYSDATE and
# CURRENT_DATE are DATE values, which carry seconds (typemap: timestamp(0)).
_PSEUDO_DEFAULTS = {
    "SYSDATE": "LOCALTIMESTAMP(0)",
    "CURRENT_DATE": "LOCALTIMESTAMP(0)",
    "SYSTIMESTAMP": "CURRENT_TIMESTAMP",
    "CURRENT_TIMESTAMP": "CURRENT_TIMESTAMP",
    "LOCALTIMESTAMP": "LOCALTIMESTAMP",
    "USER": "CURRENT_USER",
}
# Oracle's SYSDATE and SYSTIMESTAMP read the database server's operating-system clock and time zone (Oracle
# Database SQL Language Reference, "SYSDATE"); PostgreSQL's LOCALTIMESTAMP, and CURRENT_TIMESTAMP stored in a
# timestamp column, follow the session's TimeZone setting (PostgreSQL documentation, "Current Date/Time").
SERVER_CLOCK_DEFAULTS = frozenset({"SYSDATE", "SYSTIMESTAMP"})
SERVER_CLOCK_NOTE = (
    "-- Time zone: Oracle's SYSDATE/SYSTIMESTAMP defaults read the Oracle server's OS time zone; their",
    "-- LOCALTIMESTAMP(0)/CURRENT_TIMESTAMP here follow the session TimeZone. Set it to that zone first, e.g.",
    "-- ALTER DATABASE <db> SET timezone = 'Europe/Paris'; or the defaults are off by the difference.",
)
# SYS_GUID() returns RAW(16); gen_random_uuid() is built in from PostgreSQL 13.
_GUID_BY_TYPE = {
    "bytea": "decode(replace(gen_random_uuid()::text, '-', ''), 'hex')",
    "uuid": "gen_random_uuid()",
}
_NUMBER = re.compile(r"[-+]?\d+(\.\d+)?([eE][-+]?\d+)?")
_STRING = re.compile(r"'(?:[^']|'')*'")
_NAME = r'(?:"[^"]+"|[A-Za-z][A-Za-z0-9_$#]*)'
_NEXTVAL = re.compile(rf"(?:({_NAME})\.)?({_NAME})\.\"?NEXTVAL\"?", re.IGNORECASE)


def _unquote(name: str) -> str:
    return name[1:-1] if name.startswith('"') else name.upper()


def _bare(expression: str) -> str:
    text = expression.strip()
    while text.startswith("(") and text.endswith(")"):
        text = text[1:-1].strip()
    return text


def reads_server_clock(expression: str) -> bool:
    """Whether an Oracle default is SYSDATE or SYSTIMESTAMP, whose time zone is the server's (SERVER_CLOCK_NOTE)."""
    return _bare(expression).upper() in SERVER_CLOCK_DEFAULTS


def nextval_sequence(expression: str, owner: str) -> tuple[str, str] | None:
    """(owner, sequence) when an Oracle default is `[owner.]sequence.NEXTVAL`, else None."""
    m = _NEXTVAL.fullmatch(_bare(expression))
    if m is None:
        return None
    return (_unquote(m[1]) if m[1] else owner, _unquote(m[2]))


def translate_default(
    expression: str, pg_type: str | None, owner: str, sequence: Callable[[str, str], str]
) -> str | None:
    """The PostgreSQL DEFAULT for an Oracle DATA_DEFAULT text, or None when its meaning is not certain.
    `sequence(owner, name)` gives a sequence's qualified PostgreSQL name, for `seq.NEXTVAL` defaults."""
    text = _bare(expression)
    upper = text.upper()
    if upper == "NULL":
        return None
    if _NUMBER.fullmatch(text) or _STRING.fullmatch(text):
        return text
    if upper in _PSEUDO_DEFAULTS:
        return _PSEUDO_DEFAULTS[upper]
    if upper.replace(" ", "") == "SYS_GUID()":
        return _GUID_BY_TYPE.get(pg_type or "")
    if fed_by := nextval_sequence(text, owner):
        return f"nextval('{sequence(*fed_by).replace(chr(39), chr(39) * 2)}'::regclass)"
    return None


_TOKEN = re.compile(
    r"""\s*(?:('(?:[^']|'')*')|("[^"]+")|([A-Za-z][A-Za-z0-9_$#]*)|(\d+(?:\.\d+)?)|(<=|>=|<>|!=|[-+*/(),=<>]))"""
)
_KEYWORDS = frozenset({"AND", "OR", "NOT", "IN", "IS", "NULL", "BETWEEN", "LIKE"})


def translate_check(condition: str, columns: Mapping[str, str], quote: Callable[[str], str]) -> str | None:
    """A check condition made of the table's columns, literals, comparisons, IN, BETWEEN, LIKE, IS [NOT] NULL,
    AND/OR/NOT and arithmetic, with each column under its PostgreSQL name; None for anything else (functions)."""
    out: list[str] = []
    pos, text = 0, condition.strip()
    while pos < len(text):
        m = _TOKEN.match(text, pos)
        if m is None:
            return None
        pos = m.end()
        string, quoted, word, number, op = m.groups()
        if string or number or op:
            out.append(string or number or op)
        elif word and word.upper() in _KEYWORDS:
            out.append(word.upper())
        else:
            name = quoted[1:-1] if quoted else word.upper()
            if name not in columns:
                return None
            out.append(quote(columns[name]))
    return " ".join(out).replace("( ", "(").replace(" )", ")").replace(" ,", ",") if out else None


# A DATE bound as ALL_TAB_PARTITIONS.HIGH_VALUE spells it: TO_DATE(' 2024-01-01 00:00:00', 'SYYYY-MM-DD HH24:MI:SS',
# 'NLS_CALENDAR=GREGORIAN'), the blank being the sign of a year AD; a TIMESTAMP bound: TIMESTAMP' 2024-01-01 00:00:00'.
_TO_DATE = re.compile(
    r"TO_DATE\(\s*' ?(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d)'\s*,\s*'SYYYY-MM-DD HH24:MI:SS'"
    r"(?:\s*,\s*'NLS_CALENDAR=GREGORIAN')?\s*\)",
    re.IGNORECASE,
)
_TIMESTAMP = re.compile(r"TIMESTAMP\s*' ?(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d(?:\.\d{1,9})?)'", re.IGNORECASE)
_BOUND_WORDS = frozenset({"MAXVALUE", "DEFAULT", "NULL"})


def partition_values(high_value: str) -> list[str] | None:
    """The values of an Oracle partition bound (ALL_TAB_PARTITIONS.HIGH_VALUE: a range's upper bounds, one per key
    column, or a list's values) as PostgreSQL bound values: MAXVALUE, DEFAULT, NULL, numbers, strings and dates
    as literals; None when one of them is anything else (the DDL lists it, never guesses)."""
    items = _top_level_items(high_value)
    values = [_bound_value(item) for item in items] if items else None
    return None if values is None or None in values else [v for v in values if v is not None]


def _bound_value(item: str) -> str | None:
    text = item.strip()
    if text.upper() in _BOUND_WORDS:
        return text.upper()
    if _NUMBER.fullmatch(text) or _STRING.fullmatch(text):
        return text
    m = _TO_DATE.fullmatch(text) or _TIMESTAMP.fullmatch(text)
    return f"'{m[1]}'" if m else None


def _top_level_items(text: str) -> list[str] | None:
    """`text` split at the commas outside quotes and parentheses; None when its quotes or parentheses do not pair."""
    items, depth, start, quoted = [], 0, 0, False
    for i, ch in enumerate(text):
        if ch == "'":
            quoted = not quoted  # '' inside a literal toggles twice
        elif not quoted and ch in "()":
            depth += 1 if ch == "(" else -1
        elif not quoted and ch == "," and depth == 0:
            items.append(text[start:i])
            start = i + 1
        if depth < 0:
            return None
    if quoted or depth:
        return None
    return [*items, text[start:]]


# ALL_PART_TABLES.INTERVAL as Oracle spells it: NUMTOYMINTERVAL(1,'MONTH'), NUMTODSINTERVAL(7,'DAY'), or a number
# for a NUMBER key (Oracle Database VLDB and Partitioning Guide, "Interval Partitioning").
_YM_INTERVAL = re.compile(r"NUMTOYMINTERVAL\s*\(\s*(\d+)\s*,\s*'(YEAR|MONTH)'\s*\)", re.IGNORECASE)
_DS_INTERVAL = re.compile(r"NUMTODSINTERVAL\s*\(\s*(\d+)\s*,\s*'(DAY|HOUR|MINUTE|SECOND)'\s*\)", re.IGNORECASE)
_DS_SECONDS = {"DAY": 86400, "HOUR": 3600, "MINUTE": 60, "SECOND": 1}
_DATE_BOUND = re.compile(r"'(\d{4})-(\d\d)-(\d\d) (\d\d):(\d\d):(\d\d)(?:\.0*)?'")


def interval_bounds(last_bound: str, interval: str, count: int) -> list[str] | None:
    """The upper bounds of the `count` interval partitions Oracle would add after the one ending at `last_bound`
    (a PostgreSQL bound value from partition_values), as PostgreSQL literals; None when the interval or the bound
    does not convert (the DDL lists it)."""
    text = interval.strip()
    ym, ds, date = _YM_INTERVAL.fullmatch(text), _DS_INTERVAL.fullmatch(text), _DATE_BOUND.fullmatch(last_bound)
    if _NUMBER.fullmatch(text) and _NUMBER.fullmatch(last_bound):
        step, low = Decimal(text), Decimal(last_bound)
        return [str(low + step * k) for k in range(1, count + 1)] if step > 0 else None
    if date is None or not (ym or ds):
        return None
    year, month, day, hour, minute, second = (int(g) for g in date.groups())
    start = datetime(year, month, day, hour, minute, second)
    try:
        times = _date_steps(start, ym, ds, count)
    except (OverflowError, ValueError):  # past year 9999
        return None
    return None if times is None else [f"'{t:%Y-%m-%d %H:%M:%S}'" for t in times]


def _date_steps(
    start: datetime, ym: re.Match[str] | None, ds: re.Match[str] | None, count: int
) -> list[datetime] | None:
    if ds:
        seconds = int(ds[1]) * _DS_SECONDS[ds[2].upper()]
        return [start + timedelta(seconds=seconds * k) for k in range(1, count + 1)] if seconds > 0 else None
    assert ym is not None
    months = int(ym[1]) * (12 if ym[2].upper() == "YEAR" else 1)
    if months <= 0 or start.day > 28:  # Oracle refuses a month interval from a day past the 28th
        return None
    return [_add_months(start, months * k) for k in range(1, count + 1)]


def _add_months(when: datetime, months: int) -> datetime:
    total = when.year * 12 + when.month - 1 + months
    return when.replace(year=total // 12, month=total % 12 + 1)
