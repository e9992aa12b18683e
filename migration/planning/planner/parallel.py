"""Parallel load for one big table: partitions, else ranges on a single integer key with measured bounds.

DMS table-mapping "table-settings" parallel-load (AWS DMS User Guide, "Table and collection settings rules and
operations"): `partitions-auto` for a partitioned table, `ranges` with boundaries on key columns otherwise."""

from __future__ import annotations

import math

from migration.dms.limits import MAX_FULL_LOAD_SUBTASKS
from migration.notices import Notice, warning
from migration.planning.planner.fmt import fmt_gb, fmt_time
from migration.planning.planner.model import TableLike
from migration.planning.planner.records import Tab, minutes

_INTEGER_TYPES = {"INTEGER", "INT", "SMALLINT"}

Settings = tuple[dict, int, str]  # parallel-load settings, segment count, the reason


def integer_key(t: TableLike) -> str | None:
    """The single numeric key column usable for parallel-load ranges, or None."""
    if len(t.key_columns) != 1:
        return None
    col = next((c for c in t.columns if c.name == t.key_columns[0]), None)
    if col is None:
        return None
    dtype = col.data_type.upper()
    if dtype in _INTEGER_TYPES or (dtype == "NUMBER" and col.data_scale in (0, None)):
        return col.name
    return None


def parallel_load(
    t: Tab,
    target: float,
    key_range: tuple[int | float, int | float] | None,
    warnings: list[Notice],
    stream_rate: float | None = None,
) -> Settings:
    """parallel-load settings for one big table, its segment count and the reason.

    Picks the first method that applies: partitions, then ranges on a single integer key with measured bounds;
    otherwise the table loads on one stream and a warning says what to change."""
    want = min(MAX_FULL_LOAD_SUBTASKS, max(2, math.ceil(t.work / target)))
    if t.src.partitioned:
        return (
            {"type": "partitions-auto"},
            want,
            (
                f"{t.label} is partitioned: parallel-load partitions-auto, estimated as {want} equal segments "
                f"(fewer or skewed partitions load slower; check ALL_TAB_PARTITIONS)"
            ),
        )
    col = integer_key(t.src)
    if col is None:
        keyed = ", ".join(f"{c.name} {c.data_type}" for c in t.src.columns if c.name in t.src.key_columns)
        alone = f" (about {fmt_time(minutes(t.work / stream_rate))})" if stream_rate else ""
        warnings.append(
            warning(
                "big-table-without-split-key",
                f"{t.label} ({fmt_gb(t.bytes)} GB) loads on one stream{alone}: not partitioned and no single "
                f"NUMBER(p,0)/INTEGER key for parallel-load ranges (key: {keyed or 'none'}); partition it (DMS then "
                "loads partitions or subpartitions in parallel) or pre-load it natively",
            )
        )
        return {"type": "none"}, 1, f"{t.label}: no partitions and no single integer key, so no parallel load"
    if key_range is None:
        warnings.append(
            warning(
                "key-range-needed",
                f"{t.label} ({fmt_gb(t.bytes)} GB) loads on one stream until you run SELECT MIN({col}), MAX({col}) "
                f"FROM {t.label} and pass it in key_ranges",
            )
        )
        return (
            {"type": "none"},
            1,
            (
                f"{t.label}: ranges on {col} need real key bounds (a dense key can't be assumed from num_rows); "
                f"measure SELECT MIN({col}), MAX({col}) FROM {t.label} to split it into {want} ranges"
            ),
        )
    return parallel_ranges(t, col, key_range, want, warnings)


def range_bounds(lo: int | float, hi: int | float, want: int) -> list[int | float]:
    """Up to `want - 1` evenly spaced, increasing boundaries b with lo <= b < hi.

    Integer bounds give integer boundaries (valid values of an integer key); boundaries that repeat on a narrow
    range are dropped, so such a range yields fewer segments, or none."""
    bounds: list[int | float] = []
    for i in range(1, want):
        b: int | float
        if isinstance(lo, int) and isinstance(hi, int):
            b = lo + (hi - lo) * i // want
        else:
            b = lo + (hi - lo) * i / want
        if lo <= b < hi and (not bounds or b > bounds[-1]):
            bounds.append(b)
    return bounds


def parallel_ranges(
    t: Tab, col: str, key_range: tuple[int | float, int | float], want: int, warnings: list[Notice]
) -> Settings:
    """parallel-load `ranges` on the integer key `col` from measured bounds, as `parallel_load` returns them.

    Kept apart because it is the only method that can still fail (a one-value range) or lose rows (a key from
    a unique constraint may be NULL), and both need a warning."""
    lo, hi = key_range
    bounds = range_bounds(lo, hi, want)
    if not bounds:
        text = f"{t.label} ({fmt_gb(t.bytes)} GB) loads on one stream: key range {lo}..{hi} has one value"
        warnings.append(warning("key-range-too-narrow", text))
        return {"type": "none"}, 1, f"{t.label}: key range {lo}..{hi} is too narrow to split"
    note = "" if t.src.has_primary_key else f"; {col} comes from a unique key: rows with NULL {col} are not loaded"
    if note:
        text = f"{t.label}: parallel-load ranges skip rows whose {col} is NULL; check the column is NOT NULL"
        warnings.append(warning("ranges-skip-null-keys", text))
    settings = {"type": "ranges", "columns": [col], "boundaries": [[str(b)] for b in bounds]}
    return (
        settings,
        len(bounds) + 1,
        (
            f"{t.label}: parallel-load ranges on {col} in {len(bounds) + 1} segments, evenly spaced over {lo}..{hi} "
            f"(assumes keys spread evenly; use NTILE boundaries if skewed){note}"
        ),
    )
