"""Incremental loading planner: splits an Oracle inventory into DMS tasks and estimates the full load.

Pure logic (no Pulumi). The throughput figures are planning defaults, not AWS numbers: AWS publishes no fixed
rows/s (or MB/s) per replication instance figure (DMS reference section 8), so every estimate here is only as
good as the `Throughput` it is given; replace the defaults with a pilot-load measurement of the largest tables.

Makespan model (the benchmark's lower bound uses the same one):
- a *unit* is a table, or one segment of a parallel-loaded table; its work is its bytes, times `lob_penalty`
  for tables with LOB columns (LOB lookups cost instance time as well as stream time);
- each task runs its units largest-first on `max_full_load_subtasks` streams (greedy onto the least-loaded
  stream, which is what DMS does when `load-order` puts the largest tables first);
- all tasks run at once on one instance: each active stream moves min(per-stream rate, instance rate / active
  streams), so no unit goes faster than one stream and the instance never beats its aggregate rate;
- lower bound = max(largest unit / per-stream rate, total work / instance rate).
"""

from __future__ import annotations

import heapq
import json
import math
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any, Protocol

from migration.config import Throughput
from migration.dms.limits import (
    DEFAULT_FULL_LOAD_SUBTASKS,
    INSTANCE_CLASSES,
    MAX_FULL_LOAD_SUBTASKS,
    MAX_STORAGE_GB,
    MAX_TASKS_PER_INSTANCE,
)

MB = 1_000_000
GB = 1_000_000_000

# Planning defaults per family: (full-load MB/s per stream, instance full-load MB/s per vCPU, CDC apply MB/s per
# vCPU). Source: none -- AWS publishes no fixed rows/s per instance figure (DMS reference section 8, User Guide
# "Best practices: sizing"); these are this project's conservative guesses (one stream = one OCI unload + one
# PostgreSQL COPY; 6i ~15% faster than 5 as AWS states for the EC2 generation; t3 limited by CPU credits; r has
# the memory to apply CDC without spilling). Measure a pilot load and pass a `Throughput`.
FAMILY_RATES: dict[str, tuple[float, float, float]] = {
    "t3": (4.0, 4.0, 0.25),
    "c5": (10.0, 10.0, 0.5),
    "r5": (10.0, 10.0, 1.0),
    "c6i": (12.0, 12.0, 0.6),
    "r6i": (12.0, 12.0, 1.2),
}
INSTANCE_CAP_MB_PER_S = 500.0  # beyond this the source and target databases, not DMS, set the pace (guess)
DEFAULT_LOB_PENALTY = 3.0  # AWS only says limited LOB mode is "significantly faster" than full; no figure exists
DEFAULT_DAILY_CHANGE_FRACTION = 0.02  # share of the migrated bytes changed per day when no change rate is given

DEFAULT_MAX_TABLES_PER_TASK = 200  # "a few hundred tables per task"
MAX_TABLES_PER_TASK_LIMIT = 1000  # TableMappings size (2 MB, fewer with rename rules) caps explicit per-table rules
BIG_TABLE_BYTES = 50 * GB  # tables at least this big always get their own task
MIN_SPLIT_BYTES = 10 * GB  # smaller tables (minutes on one stream) never get their own task or parallel load
BASE_STORAGE_GB = 50  # DMS default allocated storage: task logs, sorter and swap files
CDC_LAG_HOURS = 4  # cdc-only plans keep this many hours of backlog if the target stalls
WINDOW_MARGIN = 0.8  # a full load using more than this share of the window gets a warning

_INTEGER_TYPES = {"INTEGER", "INT", "SMALLINT"}
_NAME_RE = re.compile(r"[^a-z0-9]+")


class PlannerError(ValueError):
    """Bad planner input; the message is one line naming the input and what is allowed."""


class ColumnLike(Protocol):
    @property
    def name(self) -> str: ...
    @property
    def data_type(self) -> str: ...
    @property
    def data_precision(self) -> int | None: ...
    @property
    def data_scale(self) -> int | None: ...


class TableLike(Protocol):
    """What the planner reads from an inventory table (migration.inventory.model.Table satisfies it)."""

    @property
    def owner(self) -> str: ...
    @property
    def name(self) -> str: ...
    @property
    def num_rows(self) -> int: ...
    @property
    def bytes(self) -> int: ...
    @property
    def has_primary_key(self) -> bool: ...
    @property
    def has_unique_key(self) -> bool: ...
    @property
    def partitioned(self) -> bool: ...
    @property
    def lob_columns(self) -> list[str]: ...
    @property
    def key_columns(self) -> list[str]: ...
    @property
    def has_key(self) -> bool: ...
    @property
    def columns(self) -> Sequence[ColumnLike]: ...


def default_throughput(instance_class: str) -> Throughput:
    """The planning defaults for one class (change rate stays empty: it depends on the inventory)."""
    vcpu, _ = _instance(instance_class)
    stream, per_vcpu, cdc_per_vcpu = FAMILY_RATES[instance_class.split(".")[1]]
    return Throughput(
        full_load_mb_per_s_per_stream=stream,
        instance_full_load_mb_per_s=min(INSTANCE_CAP_MB_PER_S, vcpu * per_vcpu),
        max_streams=DEFAULT_FULL_LOAD_SUBTASKS,
        lob_penalty=DEFAULT_LOB_PENALTY,
        cdc_apply_mb_per_s=vcpu * cdc_per_vcpu,
    )


@dataclass(frozen=True)
class PlannedTask:
    name: str
    tables: tuple[tuple[str, str], ...]
    bytes: int
    estimated_seconds: float
    parallel_load: dict[tuple[str, str], dict]
    max_full_load_subtasks: int
    reason: str
    instance: int = 0  # which replication instance runs it (0-based), when the plan uses several

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "instance": self.instance,
            "tables": [list(t) for t in self.tables],
            "bytes": self.bytes,
            "estimated_seconds": self.estimated_seconds,
            "parallel_load": {f"{o}.{n}": v for (o, n), v in self.parallel_load.items()},
            "max_full_load_subtasks": self.max_full_load_subtasks,
            "reason": self.reason,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> PlannedTask:
        tables = tuple((str(o), str(n)) for o, n in data["tables"])
        by_label = {f"{o}.{n}": (o, n) for o, n in tables}
        return cls(
            name=data["name"],
            tables=tables,
            bytes=int(data["bytes"]),
            estimated_seconds=float(data["estimated_seconds"]),
            parallel_load={by_label[k]: dict(v) for k, v in data["parallel_load"].items()},
            max_full_load_subtasks=int(data["max_full_load_subtasks"]),
            reason=data["reason"],
            instance=int(data.get("instance", 0)),  # plans frozen before several instances existed: instance 0
        )


@dataclass(frozen=True)
class MigrationPlan:
    """Estimates are rounded up to whole minutes: the inputs are planning guesses, not measurements.

    `fits_window` means the estimated full load finishes inside the window (always true for `cdc`).
    """

    migration_type: str
    tasks: tuple[PlannedTask, ...]
    estimated_makespan_seconds: float
    lower_bound_seconds: float
    window_hours: float
    fits_window: bool
    recommended_instance_class: str
    recommended_storage_gb: int
    reasons: tuple[str, ...]
    warnings: tuple[str, ...]
    instance_class: str = ""
    catch_up_seconds: float | None = None
    assumptions: dict[str, float] = field(default_factory=dict)
    instances: int = 1  # replication instances the tasks are spread over

    def to_dict(self) -> dict[str, Any]:
        return {
            "migration_type": self.migration_type,
            "instances": self.instances,
            "instance_class": self.instance_class,
            "tasks": [t.to_dict() for t in self.tasks],
            "estimated_makespan_seconds": self.estimated_makespan_seconds,
            "lower_bound_seconds": self.lower_bound_seconds,
            "catch_up_seconds": self.catch_up_seconds,
            "window_hours": self.window_hours,
            "fits_window": self.fits_window,
            "recommended_instance_class": self.recommended_instance_class,
            "recommended_storage_gb": self.recommended_storage_gb,
            "assumptions": dict(self.assumptions),
            "reasons": list(self.reasons),
            "warnings": list(self.warnings),
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> MigrationPlan:
        return cls(
            migration_type=data["migration_type"],
            instance_class=data["instance_class"],
            tasks=tuple(PlannedTask.from_dict(t) for t in data["tasks"]),
            estimated_makespan_seconds=float(data["estimated_makespan_seconds"]),
            lower_bound_seconds=float(data["lower_bound_seconds"]),
            catch_up_seconds=None if data["catch_up_seconds"] is None else float(data["catch_up_seconds"]),
            window_hours=float(data["window_hours"]),
            fits_window=bool(data["fits_window"]),
            recommended_instance_class=data["recommended_instance_class"],
            recommended_storage_gb=int(data["recommended_storage_gb"]),
            assumptions={k: float(v) for k, v in data["assumptions"].items()},
            reasons=tuple(data["reasons"]),
            warnings=tuple(data["warnings"]),
            instances=int(data.get("instances", 1)),
        )

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), indent=2, sort_keys=True)


# ---------------------------------------------------------------------------------------------------------------
# internal model


@dataclass(frozen=True)
class _Rates:
    stream: float  # bytes/s per stream
    instance: float  # bytes/s for the whole instance
    max_streams: int
    lob_penalty: float
    cdc_apply: float  # bytes/s
    change: float  # bytes/s of source changes to the migrated tables
    change_assumed: bool


@dataclass
class _Tab:
    key: tuple[str, str]
    label: str
    bytes: int
    work: float
    lob: bool
    keyed: bool
    src: TableLike


@dataclass
class _Bundle:
    """Tables that must share a task: one table, or a configured group."""

    tabs: list[_Tab]
    work: float
    kind: str  # nokey if any table lacks a key, else lob if any has LOBs, else load
    big: bool = False


@dataclass
class _Draft:
    kind: str
    tabs: list[_Tab] = field(default_factory=list)
    units: list[float] = field(default_factory=list)
    streams_cap: int = 1
    parallel: dict[tuple[str, str], dict] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    name: str = ""
    instance: int = 0
    planned_cap: int = 0  # streams_cap as the split set it, before placement capped it beside a long unit


_KINDS = ("load", "lob", "nokey")  # shared-task kinds, in the order their tasks are built and named


@dataclass(frozen=True)
class _Context:
    """The checked options, rates and inventory of one `plan_migration` call, shared by its steps.

    It exists so the steps take one argument instead of a dozen and so every step reads the same totals: the
    sums run once over `tabs` sorted by (owner, name), which keeps them independent of the inventory order."""

    instance_class: str
    throughput: Throughput | None
    window_hours: float
    preloaded: bool
    max_tables: int
    task_cap: int
    rates: _Rates
    tabs: tuple[_Tab, ...]
    ranges: Mapping[str, tuple[int | float, int | float]]
    instances: int = 1
    total_bytes: int = field(init=False)
    total_work: float = field(init=False)
    target: float = field(init=False)

    def __post_init__(self) -> None:
        total_work = sum(t.work for t in self.tabs)
        object.__setattr__(self, "total_bytes", sum(t.bytes for t in self.tabs))
        object.__setattr__(self, "total_work", total_work)
        # Target work per stream: half of what one stream moves during the ideal makespan (total / instance rate),
        # i.e. about twice the streams needed to saturate the instance, so stragglers don't leave it idle.
        object.__setattr__(self, "target", total_work * self.rates.stream / (2 * self.capacity))

    @property
    def capacity(self) -> float:
        """Bytes/s of every instance together: what the task split plans for."""
        return self.rates.instance * self.instances

    @property
    def window_s(self) -> float:
        return self.window_hours * 3600

    @property
    def vcpu(self) -> int:
        return _instance(self.instance_class)[0]


@dataclass(frozen=True)
class _Estimate:
    """The simulated full load, unrounded: seconds per draft task, their maximum and the lower bound."""

    task_seconds: list[float]
    makespan: float
    lower: float

    @property
    def rounded(self) -> float:
        """The makespan the plan shows (whole minutes); the migration-type decision uses this same figure."""
        return _minutes(self.makespan)


@dataclass
class _Shared:
    """Table count and work per kind of the bundles headed for shared (not big) tasks.

    Demoting a big bundle moves it here, so the task counts and the per-stream level see it."""

    counts: dict[str, int] = field(default_factory=lambda: {k: 0 for k in _KINDS})
    works: dict[str, float] = field(default_factory=lambda: {k: 0.0 for k in _KINDS})

    def add(self, b: _Bundle) -> None:
        self.counts[b.kind] += len(b.tabs)
        self.works[b.kind] += b.work

    def minimal(self, max_tables: int) -> dict[str, int]:
        """Fewest tasks per kind that keep every task within the table limit."""
        return {k: math.ceil(self.counts[k] / max_tables) for k in _KINDS}


def _instance(instance_class: object) -> tuple[int, int]:
    if not isinstance(instance_class, str) or instance_class not in INSTANCE_CLASSES:
        families = sorted({c.rsplit(".", 1)[0] for c in INSTANCE_CLASSES})
        raise PlannerError(
            f"instance_class {instance_class!r} is not a known DMS class; allowed: {', '.join(families)} "
            f"with sizes large..24xlarge (t3: micro..large), e.g. dms.r6i.xlarge"
        )
    return INSTANCE_CLASSES[instance_class]


def _rates(
    instance_class: str, throughput: Throughput | None, total_bytes: int, scale_from: str | None = None
) -> _Rates:
    """Class defaults overlaid with the given throughput; instance-bound overrides scale by vCPU when the
    rates are wanted for another class than the one they were measured on (`scale_from`)."""
    base = default_throughput(instance_class)
    given = throughput or Throughput()
    factor = 1.0
    if scale_from is not None:
        factor = _instance(instance_class)[0] / _instance(scale_from)[0]
    inst = given.instance_full_load_mb_per_s
    cdc = given.cdc_apply_mb_per_s
    change = given.change_rate_mb_per_s
    return _Rates(
        stream=(given.full_load_mb_per_s_per_stream or base.full_load_mb_per_s_per_stream or 0.0) * MB,
        instance=(inst * factor if inst else base.instance_full_load_mb_per_s or 0.0) * MB,
        max_streams=given.max_streams or base.max_streams or DEFAULT_FULL_LOAD_SUBTASKS,
        lob_penalty=given.lob_penalty or base.lob_penalty or DEFAULT_LOB_PENALTY,
        cdc_apply=(cdc * factor if cdc else base.cdc_apply_mb_per_s or 0.0) * MB,
        change=change * MB if change is not None else total_bytes * DEFAULT_DAILY_CHANGE_FRACTION / 86400,
        change_assumed=change is None,
    )


def _check_tables(tables: object) -> list[TableLike]:
    if isinstance(tables, (str, bytes, Mapping)) or not isinstance(tables, Iterable):
        hint = " (pass inventory.tables.values())" if isinstance(tables, Mapping) else ""
        raise PlannerError(f"tables must be a list of inventory tables, got {type(tables).__name__}{hint}")
    tables = list(tables)
    if not tables:
        raise PlannerError("tables is empty: the inventory selected no tables to migrate")
    seen: set[tuple[str, str]] = set()
    for i, t in enumerate(tables):
        owner, name = getattr(t, "owner", None), getattr(t, "name", None)
        if not isinstance(owner, str) or not owner or not isinstance(name, str) or not name:
            raise PlannerError(f"tables[{i}]: owner and name must be non-empty strings, got {owner!r}.{name!r}")
        for attr in ("bytes", "num_rows"):
            v = getattr(t, attr, None)
            if isinstance(v, bool) or not isinstance(v, int) or v < 0:
                raise PlannerError(f"tables[{i}] {owner}.{name}: {attr} must be an integer >= 0, got {v!r}")
        if (owner, name) in seen:
            raise PlannerError(f"tables[{i}]: {owner}.{name} appears twice in the inventory")
        seen.add((owner, name))
    return tables


def _tab(t: TableLike, r: _Rates) -> _Tab:
    lob = bool(t.lob_columns)  # filled once by the inventory loader
    return _Tab(
        (t.owner, t.name),
        f"{t.owner}.{t.name}",
        t.bytes,
        t.bytes * (r.lob_penalty if lob else 1.0),
        lob,
        bool(t.has_key),
        t,
    )


def _check_int(name: str, value: object, lo: int, hi: int, why: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not lo <= value <= hi:
        raise PlannerError(f"{name} must be an integer {lo}..{hi} ({why}), got {value!r}")
    return value


def _integer_key(t: TableLike) -> str | None:
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


def _check_ranges(key_ranges: object, by_label: Mapping[str, _Tab]) -> dict[str, tuple[int | float, int | float]]:
    if key_ranges is None:
        return {}
    if not isinstance(key_ranges, Mapping):
        raise PlannerError(f"key_ranges must map 'OWNER.TABLE' to (min, max), got {type(key_ranges).__name__}")
    out: dict[str, tuple[int | float, int | float]] = {}
    for label, pair in key_ranges.items():
        tab = by_label.get(label) if isinstance(label, str) else None
        if tab is None:
            raise PlannerError(f"key_ranges: unknown table {label!r}; use OWNER.TABLE exactly as in the inventory")
        ok = (
            isinstance(pair, (tuple, list))
            and len(pair) == 2
            and all(isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v) for v in pair)
        )
        if not ok or pair[0] > pair[1]:
            raise PlannerError(f"key_ranges[{label!r}] must be (min, max) numbers with min <= max, got {pair!r}")
        if _integer_key(tab.src) is None:
            raise PlannerError(
                f"key_ranges[{label!r}]: ranges need a single NUMBER(p,0)/INTEGER key column, table has key "
                f"columns {list(tab.src.key_columns)}"
            )
        out[label] = (pair[0], pair[1])
    return out


def _bundles(tabs: Sequence[_Tab], groups: object, by_label: Mapping[str, _Tab], max_tables: int) -> list[_Bundle]:
    """Union-find over the configured groups: overlapping groups merge, since 'same task' is transitive."""
    if isinstance(groups, (str, bytes)) or not isinstance(groups, Sequence):
        raise PlannerError("groups must be a list of lists of OWNER.TABLE names")
    parent = {t.label: t.label for t in tabs}

    def find(x: str) -> str:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for gi, group in enumerate(groups):
        if isinstance(group, (str, bytes)) or not isinstance(group, Sequence):
            raise PlannerError(f"groups[{gi}] must be a list of OWNER.TABLE names, got {group!r}")
        for label in group:
            if not isinstance(label, str) or label not in by_label:
                hint = next((k for k in by_label if isinstance(label, str) and k.upper() == label.upper()), None)
                more = f" (did you mean {hint!r}? names are case-sensitive)" if hint else ""
                raise PlannerError(f"groups[{gi}]: unknown table {label!r}; use OWNER.TABLE as in the inventory{more}")
            parent[find(label)] = find(group[0])
    members: dict[str, list[_Tab]] = {}
    for t in tabs:
        members.setdefault(find(t.label), []).append(t)
    out = []
    for m in members.values():
        if len(m) > max_tables:
            raise PlannerError(
                f"groups: {len(m)} tables ({m[0].label}, ...) must share one task but max_tables_per_task is "
                f"{max_tables}; split the group or raise max_tables_per_task"
            )
        kind = "nokey" if not all(t.keyed for t in m) else "lob" if any(t.lob for t in m) else "load"
        out.append(_Bundle(m, sum(t.work for t in m), kind))
    out.sort(key=lambda b: (-b.work, b.tabs[0].key))
    return out


def _lpt(works: Sequence[float], bins: int) -> list[float]:
    """Largest first onto the least-loaded bin; returns bin loads."""
    heap = [(0.0, i) for i in range(bins)]
    for w in sorted(works, reverse=True):
        load, i = heapq.heappop(heap)
        heapq.heappush(heap, (load + w, i))
    loads = [0.0] * bins
    for load, i in heap:
        loads[i] = load
    return loads


def _simulate(loads: Sequence[float], stream: float, instance: float) -> list[float]:
    """Finish time of each stream when active streams share the instance rate equally (capped per stream).
    All active streams move at the same speed, so they finish in order of load."""
    finish = [0.0] * len(loads)
    t = done = 0.0
    active = len(loads)
    for i in sorted(range(len(loads)), key=loads.__getitem__):
        if loads[i] > done:
            t += (loads[i] - done) / min(stream, instance / active)
            done = loads[i]
        finish[i] = t
        active -= 1
    return finish


def _minutes(seconds: float) -> float:
    return float(math.ceil(seconds / 60 - 1e-9) * 60) if seconds > 0 else 0.0


def _fmt_time(seconds: float | None) -> str:
    if seconds is None or math.isinf(seconds):
        return "never"
    if seconds <= 0:
        return "0 min"
    if seconds < 90 * 60:
        return f"{max(1, round(seconds / 60))} min"
    hours = seconds / 3600
    return f"{hours:.1f} h" if hours < 10 else f"{hours:.0f} h"


def _fmt_gb(n: float) -> str:
    gb = n / GB
    return "<0.1" if 0 < gb < 0.1 else f"{gb:.1f}" if gb < 10 else f"{gb:.0f}"


def _names(tabs: Sequence[_Tab], limit: int = 5) -> str:
    shown = ", ".join(t.label for t in tabs[:limit])
    return shown + (f" and {len(tabs) - limit} more" if len(tabs) > limit else "")


def _slug(text: str) -> str:
    return _NAME_RE.sub("-", text.lower()).strip("-")[:40].strip("-")


def _parallel_load(
    t: _Tab, target: float, key_range: tuple[int | float, int | float] | None, warnings: list[str]
) -> tuple[dict, int, str]:
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
    col = _integer_key(t.src)
    if col is None:
        warnings.append(
            f"{t.label} ({_fmt_gb(t.bytes)} GB) loads on one stream: not partitioned and no single NUMBER(p,0)/"
            f"INTEGER key for parallel-load ranges; partition it or pre-load it natively"
        )
        return {"type": "none"}, 1, f"{t.label}: no partitions and no single integer key, so no parallel load"
    if key_range is None:
        warnings.append(
            f"{t.label} ({_fmt_gb(t.bytes)} GB) loads on one stream until you run SELECT MIN({col}), MAX({col}) "
            f"FROM {t.label} and pass it in key_ranges"
        )
        return (
            {"type": "none"},
            1,
            (
                f"{t.label}: ranges on {col} need real key bounds (a dense key can't be assumed from num_rows); "
                f"measure SELECT MIN({col}), MAX({col}) FROM {t.label} to split it into {want} ranges"
            ),
        )
    return _parallel_ranges(t, col, key_range, want, warnings)


def _range_bounds(lo: int | float, hi: int | float, want: int) -> list[int | float]:
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


def _parallel_ranges(
    t: _Tab, col: str, key_range: tuple[int | float, int | float], want: int, warnings: list[str]
) -> tuple[dict, int, str]:
    """parallel-load `ranges` on the integer key `col` from measured bounds, as `_parallel_load` returns them.

    Kept apart because it is the only method that can still fail (a one-value range) or lose rows (a key from
    a unique constraint may be NULL), and both need a warning."""
    lo, hi = key_range
    bounds = _range_bounds(lo, hi, want)
    if not bounds:
        warnings.append(f"{t.label} ({_fmt_gb(t.bytes)} GB) loads on one stream: key range {lo}..{hi} has one value")
        return {"type": "none"}, 1, f"{t.label}: key range {lo}..{hi} is too narrow to split"
    note = "" if t.src.has_primary_key else f"; {col} comes from a unique key: rows with NULL {col} are not loaded"
    if note:
        warnings.append(f"{t.label}: parallel-load ranges skip rows whose {col} is NULL; check the column is NOT NULL")
    settings = {"type": "ranges", "columns": [col], "boundaries": [[str(b)] for b in bounds]}
    return (
        settings,
        len(bounds) + 1,
        (
            f"{t.label}: parallel-load ranges on {col} in {len(bounds) + 1} segments, evenly spaced over {lo}..{hi} "
            f"(assumes keys spread evenly; use NTILE boundaries if skewed){note}"
        ),
    )


# ---------------------------------------------------------------------------------------------------------------
# public API


def single_task_makespan_seconds(
    tables: Sequence[TableLike], *, instance_class: str, throughput: Throughput | None = None
) -> float:
    """Baseline for comparison: every table in one task, no parallel load, same makespan model."""
    tabs = _check_tables(tables)
    _instance(instance_class)
    r = _rates(instance_class, throughput, sum(t.bytes for t in tabs))
    return _single_task([_tab(t, r).work for t in tabs], r)


def _single_task(works: Sequence[float], r: _Rates) -> float:
    return max(_simulate(_lpt(works, min(r.max_streams, len(works))), r.stream, r.instance))


def plan_migration(
    tables: Sequence[TableLike],
    *,
    window_hours: float,
    instance_class: str,
    throughput: Throughput | None = None,
    preloaded: bool = False,
    groups: Sequence[Sequence[str]] = (),
    key_ranges: Mapping[str, tuple[int | float, int | float]] | None = None,
    max_tables_per_task: int = DEFAULT_MAX_TABLES_PER_TASK,
    max_tasks: int | None = None,
    instances: int | None = 1,
) -> MigrationPlan:
    """Split the inventory into DMS tasks, choose the migration type and size the instance (see module doc).

    `instances` spreads the tasks over that many replication instances of the class (DMS's own scale-out: at most
    200 tasks each, each with its own throughput); None chooses the smallest count whose estimated full load fits
    the window. Steps: check the options and tables, split for the instances' combined capacity, place the tasks
    on the instances, simulate the load, choose the migration type, then explain the split, recommend a class and
    storage and assemble the plan."""
    max_tables, task_cap = _check_options(window_hours, instance_class, throughput, max_tables_per_task, max_tasks)
    count = _check_instances(instances)
    raw = _check_tables(tables)
    r = _rates(instance_class, throughput, sum(t.bytes for t in raw))
    tabs = tuple(sorted((_tab(t, r) for t in raw), key=lambda t: t.key))
    by_label = {t.label: t for t in tabs}
    ranges = _check_ranges(key_ranges, by_label)
    ctx = _Context(instance_class, throughput, window_hours, preloaded, max_tables, task_cap, r, tabs, ranges)
    if count is None:
        ctx, drafts, demoted, est, warnings = _fewest_instances(ctx, groups, by_label)
    else:
        ctx = replace(ctx, instances=count, task_cap=task_cap * count)
        drafts, demoted, est, warnings = _split(ctx, groups, by_label)

    reasons = _throughput_reasons(ctx)
    if ctx.instances > 1 or count is None:
        reasons.append(_instances_reason(ctx, est, chosen=count is None))
    mtype, fits, catch_up = _choose_migration_type(ctx, est, reasons, warnings)
    reasons.append(_split_reason(ctx, drafts, est))
    warnings += _table_warnings(ctx, demoted, drafts)
    rec = _recommend(ctx, mtype, _finest_unit(ctx), reasons, warnings)
    storage = _storage(mtype, r, est.makespan, catch_up, reasons, warnings)

    return MigrationPlan(
        migration_type=mtype,
        tasks=_planned_tasks(ctx, drafts, est),
        estimated_makespan_seconds=est.rounded,
        lower_bound_seconds=_minutes(est.lower),
        window_hours=float(window_hours),
        fits_window=fits,
        recommended_instance_class=rec,
        recommended_storage_gb=storage,
        reasons=tuple(reasons),
        warnings=tuple(warnings),
        instance_class=instance_class,
        catch_up_seconds=None if catch_up is None or math.isinf(catch_up) else _minutes(catch_up),
        assumptions=_assumptions(ctx),
        instances=ctx.instances,
    )


MAX_INSTANCES = 60  # DMS quota: replication instances per account and region (AWS DMS User Guide, Quotas)


def _check_instances(instances: object) -> int | None:
    if instances is None:
        return None
    return _check_int("instances", instances, 1, MAX_INSTANCES, "DMS quota: 60 replication instances per region")


def _split(
    ctx: _Context, groups: Sequence[Sequence[str]], by_label: Mapping[str, _Tab]
) -> tuple[list[_Draft], list[_Tab], _Estimate, list[str]]:
    """Bundle, mark big tables, assign drafts for the combined capacity, name them, place them, estimate."""
    bundles = _bundles(ctx.tabs, groups, by_label, ctx.max_tables)
    warnings: list[str] = []
    if not ctx.preloaded:
        _mark_big(bundles, ctx.target)
    drafts, demoted = _assign(bundles, ctx, warnings)
    _name(drafts)
    _place(drafts, ctx)
    return drafts, demoted, _estimate(drafts, ctx), warnings


def _fewest_instances(
    ctx: _Context, groups: Sequence[Sequence[str]], by_label: Mapping[str, _Tab]
) -> tuple[_Context, list[_Draft], list[_Tab], _Estimate, list[str]]:
    """The smallest instance count whose estimated full load fits the window. It starts at the count the lower
    bound needs (total work over the window) and adds instances until the estimate fits, or until more instances
    stop helping (the largest unit on one stream sets the pace): then the best count found, with its warning."""
    per_instance_cap = ctx.task_cap
    need = ctx.total_work / (ctx.rates.instance * ctx.window_s) if ctx.window_s else 1.0
    n = max(1, min(MAX_INSTANCES, math.ceil(need - 1e-9)))
    best = None
    while True:
        trial = replace(ctx, instances=n, task_cap=per_instance_cap * n)
        drafts, demoted, est, warnings = _split(trial, groups, by_label)
        if best is None or est.makespan < best[3].makespan * 0.99:
            best = (trial, drafts, demoted, est, warnings)
        elif n > best[0].instances + 1:
            break  # two more instances gained nothing: the largest unit, not capacity, sets the pace
        if ctx.preloaded or _minutes(est.makespan) <= ctx.window_s or n >= MAX_INSTANCES:
            if _minutes(est.makespan) <= ctx.window_s:
                best = (trial, drafts, demoted, est, warnings)
            break
        n += 1
    return best


def _instances_reason(ctx: _Context, est: _Estimate, *, chosen: bool) -> str:
    how = "the fewest whose estimated full load fits the window" if chosen else "as configured"
    return (
        f"{ctx.instances} replication instance(s) of {ctx.instance_class} ({how}): the split plans for their "
        f"combined {ctx.capacity / MB:.0f} MB/s, tasks are placed largest first on the least-loaded instance (at "
        f"most {ctx.task_cap // ctx.instances} each); estimated {_fmt_time(_minutes(est.makespan))} against a lower "
        f"bound of {_fmt_time(_minutes(est.lower))}"
    )


def _check_options(
    window_hours: object, instance_class: object, throughput: object, max_tables_per_task: object, max_tasks: object
) -> tuple[int, int]:
    """Reject bad scalar options before any work, always in this order so the error shown for several bad
    options is stable; returns (max_tables, task_cap)."""
    if (
        isinstance(window_hours, bool)
        or not isinstance(window_hours, (int, float))
        or not math.isfinite(window_hours)
        or window_hours <= 0
    ):
        raise PlannerError(f"window_hours must be a number of hours > 0 (allowed downtime), got {window_hours!r}")
    _instance(instance_class)
    if throughput is not None and not isinstance(throughput, Throughput):
        raise PlannerError(f"throughput must be a migration.planner.Throughput, got {type(throughput).__name__}")
    max_tables = _check_int(
        "max_tables_per_task",
        max_tables_per_task,
        1,
        MAX_TABLES_PER_TASK_LIMIT,
        "DMS guidance: a few hundred tables per task",
    )
    task_cap = (
        MAX_TASKS_PER_INSTANCE
        if max_tasks is None
        else _check_int(
            "max_tasks", max_tasks, 1, MAX_TASKS_PER_INSTANCE, "DMS quota: 200 tasks per replication instance"
        )
    )
    return max_tables, task_cap


def _needs_own_task(t: _Tab, target: float) -> bool:
    """A table that always gets its own task, or that is worth splitting and holds more than one stream's share."""
    return t.bytes >= BIG_TABLE_BYTES or (t.bytes >= MIN_SPLIT_BYTES and t.work > target)


def _mark_big(bundles: Iterable[_Bundle], target: float) -> None:
    """Flag the bundles holding a table that needs its own task: they become `big` drafts with parallel load
    (if the task budget allows; `_assign` may demote them). Not used for cdc plans, which load nothing."""
    for b in bundles:
        b.big = any(_needs_own_task(t, target) for t in b.tabs)


def _estimate(drafts: Sequence[_Draft], ctx: _Context) -> _Estimate:
    """Simulate the full load with the module's makespan model: each draft's units go largest-first onto its
    streams, then all streams share the instance. Kept apart so the estimate can be checked on given drafts."""
    r = ctx.rates
    task_time = [0.0] * len(drafts)
    for instance in range(ctx.instances):  # instances run side by side; each one's streams share its rate
        stream_loads: list[float] = []
        owner_of: list[int] = []
        for i, d in enumerate(drafts):
            if d.instance != instance:
                continue
            loads = _lpt(d.units, max(1, min(d.streams_cap, len(d.units))))
            stream_loads += loads
            owner_of += [i] * len(loads)
        finish = _simulate(stream_loads, r.stream, r.instance) if not ctx.preloaded else [0.0] * len(stream_loads)
        for i, f in zip(owner_of, finish, strict=True):
            task_time[i] = max(task_time[i], f)
    all_units = [u for d in drafts for u in d.units]
    lower = 0.0 if ctx.preloaded else max(max(all_units, default=0.0) / r.stream, ctx.total_work / ctx.capacity)
    return _Estimate(task_time, max(task_time, default=0.0), lower)


def _place(drafts: Sequence[_Draft], ctx: _Context) -> None:
    """Spread the tasks over the instances: largest work first onto the least-loaded instance that still has room
    under DMS's 200 tasks per instance. A frozen plan keeps its placement: a task moved to another instance is
    stopped and moved (MoveReplicationTask)."""
    if ctx.instances == 1:
        return
    for d in drafts:
        d.planned_cap = d.streams_cap
    per_instance = ctx.task_cap // ctx.instances
    heap = [(0.0, i) for i in range(ctx.instances)]
    counts = [0] * ctx.instances
    for d in sorted(drafts, key=lambda d: (-sum(d.units), d.name)):
        skipped = []
        load, i = heapq.heappop(heap)
        while counts[i] >= per_instance:
            skipped.append((load, i))
            load, i = heapq.heappop(heap)
        d.instance = i
        counts[i] += 1
        heapq.heappush(heap, (load + sum(d.units), i))
        for item in skipped:
            heapq.heappush(heap, item)
    _rebalance(drafts, ctx, per_instance)


def _instance_finish(drafts: Sequence[_Draft], ctx: _Context) -> list[float]:
    """Simulated finish of each instance alone (instances share nothing)."""
    r = ctx.rates
    finish = [0.0] * ctx.instances
    for instance in range(ctx.instances):
        loads = [
            load
            for d in drafts
            if d.instance == instance
            for load in _lpt(d.units, max(1, min(d.streams_cap, len(d.units))))
        ]
        finish[instance] = max(_simulate(loads, r.stream, r.instance), default=0.0)
    return finish


def _rebalance(drafts: Sequence[_Draft], ctx: _Context, per_instance: int) -> None:
    """Balancing work is not enough: a task with one long unit (a table that loads on one stream) is slowed by
    every other stream on its instance. So an instance holding such a long unit runs no more streams than its
    rate feeds at full per-stream speed (the other tasks there get fewer subtasks), and a bounded local search on
    the same simulation the estimate uses then moves tasks from the instance that finishes last to the one that
    finishes first while that shortens the load."""
    _cap_streams_beside_long_units(drafts, ctx)
    finish = _instance_finish(drafts, ctx)
    for _ in range(2 * len(drafts)):
        worst, best = finish.index(max(finish)), finish.index(min(finish))
        if worst == best or sum(d.instance == best for d in drafts) >= per_instance:
            return
        improved = False
        for d in sorted((d for d in drafts if d.instance == worst), key=lambda d: sum(d.units)):
            d.instance = best
            _cap_streams_beside_long_units(drafts, ctx)
            trial = _instance_finish(drafts, ctx)
            if max(trial[worst], trial[best]) < finish[worst] * 0.999:
                finish, improved = trial, True
                break
            d.instance = worst
            _cap_streams_beside_long_units(drafts, ctx)
        if not improved:
            return


def _cap_streams_beside_long_units(drafts: Sequence[_Draft], ctx: _Context) -> None:
    """On an instance whose longest unit outlasts the rest of its work, keep the streams within what the instance
    feeds at full speed: then that unit is never slowed by its neighbours."""
    r = ctx.rates
    full_speed = max(1, int(r.instance // r.stream))
    for instance in range(ctx.instances):
        mine = [d for d in drafts if d.instance == instance]
        if not mine:
            continue
        for d in mine:
            d.streams_cap = d.planned_cap
        pole = max((u for d in mine for u in d.units), default=0.0)
        work = sum(sum(d.units) for d in mine)
        streams = sum(max(1, min(d.streams_cap, len(d.units))) for d in mine)
        if pole / r.stream <= work / r.instance or streams <= full_speed:
            continue
        holder = next(d for d in mine if pole in d.units)
        others = [d for d in mine if d is not holder]
        budget = max(len(others), full_speed - max(1, min(holder.streams_cap, len(holder.units))))
        scale = budget / max(1, sum(max(1, min(d.streams_cap, len(d.units))) for d in others))
        for d in others:
            d.streams_cap = max(1, math.floor(min(d.streams_cap, len(d.units)) * scale))


def _throughput_reasons(ctx: _Context) -> list[str]:
    """The opening reasons: the rates every figure rests on, and the assumed change rate if none was given, so
    a reader sees first that the plan is only as good as these guesses."""
    r = ctx.rates
    reasons = [
        (
            f"Throughput on {ctx.instance_class}: {r.stream / MB:g} MB/s per stream, {r.instance / MB:g} MB/s per "
            f"instance, {r.max_streams} subtasks per task, LOB tables x{r.lob_penalty:g}, CDC apply "
            f"{r.cdc_apply / MB:g} MB/s. These are planning assumptions: AWS publishes no fixed rows/s per "
            f"instance figure, so replace them with a pilot-load measurement"
        )
    ]
    if r.change_assumed:
        reasons.append(
            f"Source change rate assumed at {DEFAULT_DAILY_CHANGE_FRACTION:.0%} of the migrated bytes per day "
            f"({r.change / MB:.2g} MB/s); measure archived redo per hour in V$ARCHIVED_LOG and set "
            f"change_rate_mb_per_s"
        )
    return reasons


def _choose_migration_type(
    ctx: _Context, est: _Estimate, reasons: list[str], warnings: list[str]
) -> tuple[str, bool, float | None]:
    """cdc for a pre-loaded target, full-load when the rounded estimate fits the window, else full-load-and-cdc;
    returns (migration type, fits window, CDC catch-up seconds or None) and explains the choice."""
    window_s = ctx.window_s
    catch_up: float | None = None
    if ctx.preloaded:
        mtype, fits = "cdc", True
        reasons.append(
            "cdc: the target is pre-loaded (e.g. Data Pump export at FLASHBACK_SCN), so every task only applies "
            "changes, started at that SCN via CdcStartPosition; no full load is estimated"
        )
    elif est.rounded <= window_s:
        mtype, fits = "full-load", True
        reasons.append(
            f"full-load: the estimated full load ({_fmt_time(est.rounded)}) fits the {ctx.window_hours:g} h "
            f"window, so writes can stop for the load and no CDC is needed"
        )
        if est.rounded > WINDOW_MARGIN * window_s:
            warnings.append(
                f"the full load estimate ({_fmt_time(est.rounded)}) uses more than {WINDOW_MARGIN:.0%} of the "
                f"{ctx.window_hours:g} h window; confirm with a pilot load or plan full-load-and-cdc"
            )
    else:
        mtype, fits = "full-load-and-cdc", False
        catch_up, tail = _catch_up(ctx.rates, est.makespan, warnings)
        reasons.append(
            f"full-load-and-cdc: the estimated full load ({_fmt_time(est.rounded)}) exceeds the "
            f"{ctx.window_hours:g} h window; {tail}"
        )
    if not ctx.preloaded and est.lower > window_s:
        warnings.append(
            f"even the lower bound ({_fmt_time(_minutes(est.lower))}) exceeds the {ctx.window_hours:g} h window on "
            f"{ctx.instance_class}: no task split makes an offline full load fit; rely on CDC or a larger class"
        )
    return mtype, fits, catch_up


def _catch_up(r: _Rates, makespan: float, warnings: list[str]) -> tuple[float, str]:
    """Seconds CDC needs to apply the changes cached during a full load of `makespan` seconds (inf if apply is
    not faster than the change rate, with a warning), and the sentence that ends the full-load-and-cdc reason."""
    backlog = r.change * makespan
    if r.cdc_apply > r.change:
        catch_up = backlog / (r.cdc_apply - r.change)
        return catch_up, (
            f"CDC then applies the ~{_fmt_gb(backlog)} GB of changes cached during the load in about "
            f"{_fmt_time(_minutes(catch_up))}, and downtime is only the final cutover"
        )
    warnings.append(
        f"CDC apply ({r.cdc_apply / MB:g} MB/s) is not faster than the change rate ({r.change / MB:.2g} "
        f"MB/s): replication never catches up; use a larger class or fewer tables per instance"
    )
    return math.inf, "CDC cannot catch up at the assumed rates"


def _split_reason(ctx: _Context, drafts: Sequence[_Draft], est: _Estimate) -> str:
    """Why the tables are split the way they are, with the gain over one task holding every table."""
    if ctx.preloaded:
        return (
            f"{len(drafts)} cdc tasks split by table count (<= {ctx.max_tables} tables each), balanced by "
            f"bytes as a stand-in for change volume"
        )
    single = _single_task([t.work for t in ctx.tabs], ctx.rates)
    split = ", ".join(
        f"{sum(d.kind == k for d in drafts)} {k}" for k in ("big", *_KINDS) if any(d.kind == k for d in drafts)
    )
    return (
        f"{len(drafts)} tasks ({split}): tables of {BIG_TABLE_BYTES // GB} GB or more, or too big for one "
        f"stream, in their own task with parallel load; LOB and key-less tables apart; the rest balanced by "
        f"bytes (largest first onto the least-loaded task, <= {ctx.max_tables} tables per task). Estimated "
        f"{_fmt_time(est.rounded)} against {_fmt_time(_minutes(single))} for one task holding every "
        f"table; set load-order so the largest tables start first, as the estimate assumes"
    )


def _table_warnings(ctx: _Context, demoted: Sequence[_Tab], drafts: Sequence[_Draft]) -> list[str]:
    """Warnings about individual tables: key-less tables (CDC and validation can't handle them fully), key-less
    LOB tables (their LOB changes are lost) and big tables demoted to shared tasks by the task limit."""
    warnings = []
    nokey = [t for t in ctx.tabs if not t.keyed]
    if nokey:
        apart = {t.label for d in drafts if d.kind == "nokey" for t in d.tabs}
        where = (
            "they are in their own nokey task(s)"
            if all(t.label in apart for t in nokey)
            else "they share tasks with keyed tables (big tables or groups)"
        )
        warnings.append(
            f"{len(nokey)} table(s) without primary or unique key ({_names(nokey)}): CDC can't apply UPDATE/DELETE "
            f"to them and validation skips them; {where} - add a key or accept a reload at cutover"
        )
    lob_nokey = [t for t in nokey if t.lob]
    if lob_nokey:
        warnings.append(
            f"LOB table(s) without a key ({_names(lob_nokey)}): DMS moves LOB columns only for keyed tables, in "
            f"full load and CDC; inventory.unsupportedColumns decides (remove the column, exclude the table, or fail)"
        )
    if demoted:
        warnings.append(
            f"{len(demoted)} large table(s) ({_names(demoted)}) share tasks without parallel load because of the "
            f"{ctx.task_cap}-task limit"
        )
    return warnings


def _finest_unit(ctx: _Context) -> float:
    """The largest unit of work under the finest split any class could plan.

    The recommendation may pick another class, whose plan would split big tables differently: judge it on the
    finest split possible (49 segments for tables that can be parallel-loaded)."""
    return max(
        t.work / MAX_FULL_LOAD_SUBTASKS
        if t.bytes >= MIN_SPLIT_BYTES and (t.src.partitioned or t.label in ctx.ranges)
        else t.work
        for t in ctx.tabs
    )


def _planned_tasks(ctx: _Context, drafts: Sequence[_Draft], est: _Estimate) -> tuple[PlannedTask, ...]:
    """Drafts -> the public PlannedTask records, with sorted tables and settings so the output is stable; cdc
    tasks keep the full subtask count since they load nothing."""
    return tuple(
        PlannedTask(
            name=d.name,
            tables=tuple(sorted(t.key for t in d.tabs)),
            bytes=sum(t.bytes for t in d.tabs),
            estimated_seconds=_minutes(est.task_seconds[i]),
            parallel_load=dict(sorted(d.parallel.items())),
            max_full_load_subtasks=(
                max(1, min(d.streams_cap, len(d.units))) if not ctx.preloaded else ctx.rates.max_streams
            ),
            reason="; ".join(d.notes),
            instance=d.instance,
        )
        for i, d in enumerate(drafts)
    )


def _assumptions(ctx: _Context) -> dict[str, float]:
    """The rates the plan used, in the units a user sets them in, so a saved plan records its inputs."""
    r = ctx.rates
    return {
        "full_load_mb_per_s_per_stream": r.stream / MB,
        "instance_full_load_mb_per_s": r.instance / MB,
        "max_streams": float(r.max_streams),
        "lob_penalty": r.lob_penalty,
        "cdc_apply_mb_per_s": r.cdc_apply / MB,
        "change_rate_mb_per_s": round(r.change / MB, 3),
        "vcpu": float(ctx.vcpu),
    }


def _assign(bundles: list[_Bundle], ctx: _Context, warnings: list[str]) -> tuple[list[_Draft], list[_Tab]]:
    """Bundles -> task drafts within the task budget; returns the drafts and big tables demoted to shared tasks.

    Active streams share the instance equally, so a stream loaded above the others finishes last: the plan aims
    at one per-stream load `level` everywhere -- big tables are cut into segments of about that size and each
    shared task gets just the subtasks its bytes need at that level."""
    big = [b for b in bundles if b.big]
    shared = _Shared()
    for b in bundles:
        if not b.big:
            shared.add(b)
    demoted = _demote(big, shared, ctx)
    members = {k: [b for b in bundles if not b.big and b.kind == k] for k in _KINDS}
    sizes, leftover, level = _size_shared(members, shared, len(big), ctx)
    drafts = [_big_draft(b, level, ctx, warnings) for b in big]
    for kind in _KINDS:
        if members[kind]:
            tasks, leftover = _pack(kind, members[kind], sizes[kind], leftover, ctx)
            _set_subtasks(tasks, kind, level, ctx)
            drafts += tasks
    return drafts, demoted


def _demote(big: list[_Bundle], shared: _Shared, ctx: _Context) -> list[_Tab]:
    """Give up own tasks for the smallest big bundles until the big tasks plus the fewest shared tasks fit the
    task budget; returns the demoted tables (for a warning). Raises when even no big task at all doesn't fit.

    Updates `big` (popped), the demoted bundles' `big` flag and `shared` in place."""
    demoted: list[_Tab] = []
    while big and len(big) + sum(shared.minimal(ctx.max_tables).values()) > ctx.task_cap:
        b = big.pop()  # bundles are sorted largest first: demote the smallest big one
        b.big = False
        shared.add(b)
        demoted += b.tabs
    need = len(big) + sum(shared.minimal(ctx.max_tables).values())
    if need > ctx.task_cap:
        total = sum(shared.counts.values())
        raise PlannerError(
            f"{total} tables need {need} tasks at max_tables_per_task={ctx.max_tables}, over the {ctx.task_cap}-task "
            f"limit (DMS: 200 tasks per instance); raise max_tables_per_task to at least "
            f"{math.ceil(total / ctx.task_cap)} or split the inventory across replication instances"
        )
    return demoted


def _size_shared(
    members: Mapping[str, Sequence[_Bundle]], shared: _Shared, n_big: int, ctx: _Context
) -> tuple[dict[str, int], int, float]:
    """Task counts per shared kind and the per-stream `level`; returns (sizes, leftover task budget, level).

    Each kind first gets enough tasks for the table limit, then, while the budget lasts, enough streams to
    keep every stream near `target`; a second pass matches every kind to the level the count-bound kinds
    impose. The leftover budget is kept for groups that don't pack."""
    minimal = shared.minimal(ctx.max_tables)
    sizes = {k: min(minimal[k], len(members[k])) for k in _KINDS}
    leftover = ctx.task_cap - (n_big + sum(minimal.values()))
    level = ctx.target
    total_work = sum(shared.works.values())
    for _ in range(2):
        for k in _KINDS:
            if not ctx.preloaded and level > 0 and members[k]:
                want = min(math.ceil(shared.works[k] / (level * ctx.rates.max_streams)), len(members[k]))
                extra = max(0, min(want - sizes[k], leftover))
                leftover -= extra
                sizes[k] += extra
        n_shared = sum(sizes.values())
        if n_shared and total_work > 0:
            level = min(level, total_work / n_shared)
    # Several instances: at least one task per instance where the tables allow, or some would stay idle.
    for k in sorted(_KINDS, key=lambda k: -shared.works[k]):
        deficit = ctx.instances - n_big - sum(sizes.values())
        extra = max(0, min(deficit, leftover, len(members[k]) - sizes[k]))
        sizes[k] += extra
        leftover -= extra
    return sizes, leftover, level


def _big_draft(b: _Bundle, level: float, ctx: _Context, warnings: list[str]) -> _Draft:
    """One own task for a big bundle: its big tables are cut into parallel-load segments of about `level`
    work, the others load whole; the task gets the default subtasks, or more if a table has more segments."""
    r = ctx.rates
    d = _Draft("big", streams_cap=r.max_streams)
    for t in b.tabs:
        d.tabs.append(t)
        if _needs_own_task(t, ctx.target):
            settings, segs, why = _parallel_load(t, level, ctx.ranges.get(t.label), warnings)
            d.parallel[t.key] = settings
            d.units += [t.work / segs] * segs
            d.notes.append(
                f"{t.label} is {_fmt_gb(t.bytes)} GB ({_fmt_time(t.work / r.stream)} alone on a single stream): own "
                f"task; {why}"
            )
            d.streams_cap = max(d.streams_cap, min(MAX_FULL_LOAD_SUBTASKS, segs))
        else:
            d.units.append(t.work)
    if len(b.tabs) > 1:
        d.notes.append(f"keeps group {_names(b.tabs)} together")
    return d


def _pack(kind: str, bundles: Sequence[_Bundle], size: int, leftover: int, ctx: _Context) -> tuple[list[_Draft], int]:
    """Bundles of one kind (largest first) onto the least-loaded of `size` tasks that still has room for the
    whole bundle; a bundle that fits nowhere opens a new task from the leftover budget. Returns the tasks and
    the budget left, which the next kind may use."""
    max_tables = ctx.max_tables
    tasks = [_Draft(kind) for _ in range(max(1, size))]
    heap = [(0.0, i) for i in range(len(tasks))]
    for b in bundles:
        skipped = []
        while heap and len(tasks[heap[0][1]].tabs) + len(b.tabs) > max_tables:
            entry = heapq.heappop(heap)
            if len(tasks[entry[1]].tabs) < max_tables:
                skipped.append(entry)
        if heap:
            load, i = heapq.heappop(heap)
        else:
            if leftover <= 0:
                raise PlannerError(
                    f"groups don't pack into {ctx.task_cap} tasks at max_tables_per_task={max_tables}; raise "
                    f"max_tables_per_task or make the groups smaller"
                )
            leftover -= 1
            tasks.append(_Draft(kind))
            load, i = 0.0, len(tasks) - 1
        tasks[i].tabs += b.tabs
        tasks[i].units += [t.work for t in b.tabs]
        if len(b.tabs) > 1:
            tasks[i].notes.append(f"keeps group {_names(b.tabs)} together")
        heapq.heappush(heap, (load + b.work, i))
        for entry in skipped:
            heapq.heappush(heap, entry)
    return tasks, leftover


def _set_subtasks(tasks: Sequence[_Draft], kind: str, level: float, ctx: _Context) -> None:
    """Give each shared task just the subtasks its work needs at `level` (more would only slow the other
    tasks sharing the instance), or the full count for cdc plans, and put the task's main reason first."""
    r = ctx.rates
    blurb = {
        "load": "balanced by bytes (largest first onto the least-loaded task)",
        "lob": f"with LOB columns, kept apart: LOB lookups are slow (estimated x{r.lob_penalty:g}) and "
        f"need limited/full LOB settings",
        "nokey": "without primary or unique key, kept apart: CDC can't apply UPDATE/DELETE without a key",
    }[kind]
    for d in tasks:
        note = f"{len(d.tabs)} table(s) {blurb}; {len(tasks)} {kind} task(s), <= {ctx.max_tables} tables each"
        if not ctx.preloaded and level > 0:
            d.streams_cap = max(1, min(r.max_streams, math.ceil(sum(d.units) / level - 1e-9)))
            note += (
                f"; {min(d.streams_cap, len(d.units))} subtask(s), enough for its share of the instance "
                f"(more would only slow the others)"
            )
        else:
            d.streams_cap = r.max_streams
        d.notes.insert(0, note)


def _name(drafts: list[_Draft]) -> None:
    used: set[str] = set()
    counters = {"load": 0, "lob": 0, "nokey": 0}
    width = max(2, len(str(len(drafts))))
    for d in drafts:
        if d.kind == "big":
            main = max(d.tabs, key=lambda t: (t.bytes, t.key))
            base = f"big-{_slug(main.src.name)}".rstrip("-")
            name, n = base, 1
            while name in used:
                n += 1
                name = f"{base}-{n}"
        else:
            counters[d.kind] += 1
            name = f"{d.kind}-{counters[d.kind]:0{width}d}"
        used.add(name)
        d.name = name


def _recommend(ctx: _Context, mtype: str, largest: float, reasons: list[str], warnings: list[str]) -> str:
    """Smallest class of the suggested family that meets the plan's need; rates for other classes keep the
    caller's per-stream figures and scale instance-wide overrides by vCPU."""
    family = ctx.instance_class.split(".")[1]
    gen = "5" if family in ("c5", "r5") else "6i"
    kind = "r" if any(t.lob for t in ctx.tabs) or mtype != "full-load" else "c"
    fam = f"dms.{kind}{gen}."
    candidates = sorted((c for c in INSTANCE_CLASSES if c.startswith(fam)), key=lambda c: INSTANCE_CLASSES[c])

    def ok(c: str) -> bool:
        rc = _rates(c, ctx.throughput, ctx.total_bytes, scale_from=ctx.instance_class)
        if mtype == "full-load":
            return max(largest / rc.stream, ctx.total_work / rc.instance) <= ctx.window_s
        return rc.cdc_apply >= 2 * rc.change

    rec = next((c for c in candidates if ok(c)), candidates[-1])
    need = (
        "its full-load lower bound fits the window"
        if mtype == "full-load"
        else "CDC apply is at least twice the change rate"
    )
    why_family = (
        "r (memory) family for LOB tables and CDC"
        if kind == "r"
        else "c (compute) family for a CPU-bound full load without LOBs"
    )
    if ok(rec):
        reasons.append(f"instance: {rec} is the smallest class of the {why_family} where {need}")
    else:
        reasons.append(f"instance: {rec}, the largest class of the {why_family}; none meets the need ({need})")
        if mtype != "full-load":
            warnings.append(
                f"no {fam}* class gives CDC apply twice the change rate; split the tables across "
                f"several replication instances"
            )
    if mtype == "full-load-and-cdc":
        c_cands = sorted(
            (c for c in INSTANCE_CLASSES if c.startswith(f"dms.c{gen}.")), key=lambda c: INSTANCE_CLASSES[c]
        )
        for c in c_cands:
            rc = _rates(c, ctx.throughput, ctx.total_bytes, scale_from=ctx.instance_class)
            if max(largest / rc.stream, ctx.total_work / rc.instance) <= ctx.window_s:
                reasons.append(f"an offline full load would fit the window from {c} upwards (lower bound)")
                break
    return rec


def _storage(
    mtype: str, r: _Rates, makespan: float, catch_up: float | None, reasons: list[str], warnings: list[str]
) -> int:
    """storage = 50 GB (logs, sorter, swap) + 2 x CDC backlog, rounded up to 10 GB, where the backlog is the
    changes cached during full load and catch-up (full-load-and-cdc) or CDC_LAG_HOURS of changes (cdc); the
    factor 2 keeps the DMS 90%-used low-storage event away while swap files grow."""
    if mtype == "full-load":
        backlog = 0.0
        what = "no CDC backlog"
    elif mtype == "cdc":
        backlog = r.change * CDC_LAG_HOURS * 3600
        what = f"{CDC_LAG_HOURS} h of changes in case the target stalls"
    else:
        span = makespan + (catch_up if catch_up is not None and math.isfinite(catch_up) else makespan)
        backlog = r.change * span
        what = "changes cached during full load and catch-up"
    gb = math.ceil((BASE_STORAGE_GB + 2 * backlog / GB) / 10) * 10
    if gb > MAX_STORAGE_GB:
        warnings.append(f"storage need {gb} GB exceeds the {MAX_STORAGE_GB} GB maximum; split the migration")
        gb = MAX_STORAGE_GB
    reasons.append(
        f"storage: {gb} GB = {BASE_STORAGE_GB} GB base + 2 x {_fmt_gb(backlog)} GB backlog ({what}), "
        f"rounded up to 10 GB"
    )
    return gb


def render_plan_text(plan: MigrationPlan) -> str:
    """A readable summary: one row per task, then totals against the window, reasons and warnings."""
    several = plan.instances > 1
    inst = f"{'inst':>4} " if several else ""
    head = f"{'task':<28} {inst}{'tables':>6} {'GB':>9} {'subtasks':>8} {'finishes':>9}  parallel-load"
    where = f"{plan.instances} x {plan.instance_class}" if several else (plan.instance_class or "?")
    title = f"{plan.migration_type} on {where}, window {plan.window_hours:g} h; 'finishes' is when each task ends "
    title += "with the tasks of its instance sharing it" if several else "with every task sharing the instance"
    lines = [title, head, "-" * len(head)]
    for t in plan.tasks:
        pl = (
            ", ".join(
                f"ranges:{len(v['boundaries']) + 1}" if v["type"] == "ranges" else v["type"]
                for v in t.parallel_load.values()
            )
            or "-"
        )
        est = "-" if plan.migration_type == "cdc" else _fmt_time(t.estimated_seconds)
        where = f"{t.instance + 1:>4} " if several else ""
        lines.append(
            f"{t.name:<28} {where}{len(t.tables):>6} {_fmt_gb(t.bytes):>9} {t.max_full_load_subtasks:>8} {est:>9}  {pl}"
        )
    total = sum(t.bytes for t in plan.tasks)
    ntab = sum(len(t.tables) for t in plan.tasks)
    makespan = "-" if plan.migration_type == "cdc" else _fmt_time(plan.estimated_makespan_seconds)
    lines.append(f"{'total':<28} {' ' * len(inst)}{ntab:>6} {_fmt_gb(total):>9} {'':>8} {makespan:>9}")
    if plan.migration_type == "cdc":
        lines.append("No full load (target pre-loaded): CDC only.")
    else:
        verdict = "fits" if plan.fits_window else "does not fit"
        lines.append(
            f"Full load: {_fmt_time(plan.estimated_makespan_seconds)} estimated (lower bound "
            f"{_fmt_time(plan.lower_bound_seconds)}) vs window {plan.window_hours:g} h: {verdict}"
        )
    if plan.catch_up_seconds is not None:
        lines.append(f"CDC catch-up after full load: {_fmt_time(plan.catch_up_seconds)}")
    lines.append(f"Recommended: {plan.recommended_instance_class}, {plan.recommended_storage_gb} GB storage")
    lines.append("Reasons:")
    lines += [f"  - {r}" for r in plan.reasons]
    for t in plan.tasks:
        if t.reason:
            lines.append(f"  - {t.name}: {t.reason}")
    if plan.warnings:
        lines.append("Warnings:")
        lines += [f"  ! {w}" for w in plan.warnings]
    return "\n".join(lines) + "\n"
