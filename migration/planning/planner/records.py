"""The working records of one planning run: tables with their work, bundles, task drafts, the shared context.

The size thresholds that make a table big live here too, since both the split and the recommendation read them."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field

from migration.config import Throughput
from migration.planning.planner.batch import batch_apply_blocker
from migration.planning.planner.model import TableLike
from migration.planning.planner.rates import GB, Rates, vcpus

DEFAULT_MAX_TABLES_PER_TASK = 200  # "a few hundred tables per task"
BIG_TABLE_BYTES = 50 * GB  # tables at least this big always get their own task
MIN_SPLIT_BYTES = 10 * GB  # smaller tables (minutes on one stream) never get their own task or parallel load
# Shared-task kinds, in the order their tasks are built and named: rowapply holds keyed tables batch apply cannot
# take (planner.batch), so the load and lob tasks can apply in batches.
KINDS = ("load", "lob", "rowapply", "nokey")


@dataclass
class Tab:
    key: tuple[str, str]
    label: str
    bytes: int
    work: float
    lob: bool
    keyed: bool
    src: TableLike
    batch: bool = True  # DMS can apply its changes in batch mode (planner.batch)


def make_tab(t: TableLike, r: Rates) -> Tab:
    lob = bool(t.lob_columns)  # filled once by the inventory loader
    return Tab(
        (t.owner, t.name),
        f"{t.owner}.{t.name}",
        t.bytes,
        t.bytes * (r.lob_penalty if lob else 1.0),
        lob,
        bool(t.has_key),
        t,
        batch_apply_blocker(t) is None,
    )


def needs_own_task(t: Tab, target: float) -> bool:
    """A table that always gets its own task, or that is worth splitting and holds more than one stream's share."""
    return t.bytes >= BIG_TABLE_BYTES or (t.bytes >= MIN_SPLIT_BYTES and t.work > target)


@dataclass
class Bundle:
    """Tables that must share a task: one table, or a configured group."""

    tabs: list[Tab]
    work: float
    kind: str  # nokey if any table lacks a key, rowapply if one cannot batch-apply, lob if any has LOBs, else load
    big: bool = False


@dataclass
class Draft:
    kind: str
    tabs: list[Tab] = field(default_factory=list)
    units: list[float] = field(default_factory=list)
    streams_cap: int = 1
    parallel: dict[tuple[str, str], dict] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    name: str = ""
    instance: int = 0
    planned_cap: int = 0  # streams_cap as the split set it, before placement capped it beside a long unit

    @property
    def streams(self) -> int:
        """The streams the draft's units run on: its cap, but never more than its units, and at least one."""
        return max(1, min(self.streams_cap, len(self.units)))


@dataclass(frozen=True)
class Context:
    """The checked options, rates and inventory of one `plan_migration` call, shared by its steps.

    It exists so the steps take one argument instead of a dozen and so every step reads the same totals: the
    sums run once over `tabs` sorted by (owner, name), which keeps them independent of the inventory order."""

    instance_class: str
    throughput: Throughput | None
    window_hours: float
    preloaded: bool
    max_tables: int
    task_cap: int
    rates: Rates
    tabs: tuple[Tab, ...]
    ranges: Mapping[str, tuple[int | float, int | float]]
    instances: int = 1
    # DMS Serverless: each replication config runs on capacity of its own (up to its MaxCapacityUnits), so no task
    # shares a rate with another; the class stands for the size of that capacity.
    serverless: bool = False
    storage_gb: int | None = None  # the allocated storage the stack configures, which the recommendation weighs
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
        return vcpus(self.instance_class)


def minutes(seconds: float) -> float:
    """Seconds rounded up to whole minutes: the estimates are planning guesses, not measurements."""
    return float(math.ceil(seconds / 60 - 1e-9) * 60) if seconds > 0 else 0.0


@dataclass(frozen=True)
class Estimate:
    """The simulated full load, unrounded: seconds per draft task, their maximum and the lower bound."""

    task_seconds: list[float]
    makespan: float
    lower: float

    @property
    def rounded(self) -> float:
        """The makespan the plan shows (whole minutes); the migration-type decision uses this same figure."""
        return minutes(self.makespan)


@dataclass
class Shared:
    """Table count and work per kind of the bundles headed for shared (not big) tasks.

    Demoting a big bundle moves it here, so the task counts and the per-stream level see it."""

    counts: dict[str, int] = field(default_factory=lambda: {k: 0 for k in KINDS})
    works: dict[str, float] = field(default_factory=lambda: {k: 0.0 for k in KINDS})

    def add(self, b: Bundle) -> None:
        self.counts[b.kind] += len(b.tabs)
        self.works[b.kind] += b.work

    def minimal(self, max_tables: int) -> dict[str, int]:
        """Fewest tasks per kind that keep every task within the table limit."""
        return {k: math.ceil(self.counts[k] / max_tables) for k in KINDS}
