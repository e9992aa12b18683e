"""LOB buffers that fit the replication instance: CommitRate and stream buffers per task. Pure logic.

DMS's own rules (AWS DMS User Guide):
- "Setting LOB support for source databases in an AWS DMS task": during a full load DMS pre-allocates memory of
  Max LOB size (KB) x CommitRate x the number of LOB columns; when it cannot, it swaps (or fails). CommitRate
  defaults to 10,000 rows, at most 50,000 ("Full-load task settings").
- "Stream buffer task settings": with LOBs, size the stream buffers as
  [Max LOB size (or LOB chunk size)] x [LOB columns] x [stream buffers] x [tables loading in parallel
  (MaxFullLoadSubTasks)] x 3. The formula already counts the buffers, so it is read here as the task's total
  stream-buffer memory, and StreamBufferSizeInMB is that total over StreamBufferCount (3).
How this module applies them: a table's LOB row weight is its LOB limit (the table's bulk-max-size in limited mode,
the LOB chunk size in full LOB mode) times its LOB columns; a task commits rows of its `MaxFullLoadSubTasks`
heaviest tables at once. All tasks of a stack run together on one instance (as the planner assumes), and their LOB
and stream buffers may use LOB_MEMORY_SHARE of the instance's memory; the rest is the engine's, the sorter's and
CDC's. On DMS Serverless each replication config has capacity of its own (its MaxCapacityUnits), so each LOB task
is fitted alone against that budget, not pooled with the others. One CommitRate for every LOB task keeps the choice explainable; tasks without LOBs keep 10,000.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from migration.config import DCU_VALUES
from migration.dms.limits import (
    DEFAULT_COMMIT_RATE,
    DEFAULT_STREAM_BUFFER_MB,
    INSTANCE_CLASSES,
    STREAM_BUFFER_COUNT,
)

LOB_MEMORY_SHARE = 0.5  # planning choice: half the instance for LOB and stream buffers, half for everything else
MIN_COMMIT_RATE = 100  # below this a LOB table loads a hundred rows per commit: bigger class instead
GIB = 1024**3
KIB = 1024


class MemoryFitError(ValueError):
    """The tasks' LOB buffers cannot fit the instance at any useful CommitRate; names the class that fits."""


@dataclass(frozen=True)
class LobTable:
    label: str  # OWNER.TABLE
    limit_kb: int  # bulk-max-size (limited mode) or the LOB chunk size (full LOB mode)
    lob_columns: int

    @property
    def row_kb(self) -> int:
        return self.limit_kb * self.lob_columns


@dataclass(frozen=True)
class TaskLobs:
    task: str
    subtasks: int  # MaxFullLoadSubTasks: tables (or segments) loading at once
    tables: tuple[LobTable, ...]

    @property
    def row_kb(self) -> int:
        """KB of LOB buffer one committed row costs across the tables loading at once."""
        heaviest = sorted((t.row_kb for t in self.tables), reverse=True)[: self.subtasks]
        return sum(heaviest)

    @property
    def stream_total_mb(self) -> int:
        """The guide's stream-buffer formula for this task, in MB (at least the DMS default buffers)."""
        heaviest_row_mb = max((t.row_kb for t in self.tables), default=0) / KIB
        total = heaviest_row_mb * STREAM_BUFFER_COUNT * self.subtasks * 3
        return max(STREAM_BUFFER_COUNT * DEFAULT_STREAM_BUFFER_MB, math.ceil(total))


@dataclass(frozen=True)
class TaskBuffers:
    commit_rate: int
    stream_buffer_size_mb: int
    lob_buffer_bytes: int  # CommitRate x row weight: what DMS pre-allocates for the full load
    stream_buffer_bytes: int


@dataclass(frozen=True)
class MemoryPlan:
    instance_class: str
    memory_bytes: int
    budget_bytes: int
    tasks: Mapping[str, TaskBuffers]
    default_demand_bytes: int  # what the same tasks would pre-allocate at DMS's default CommitRate
    where: str = ""  # which instance (or Serverless replication) the budget is, when a stack has several

    @property
    def used_bytes(self) -> int:
        return sum(b.lob_buffer_bytes + b.stream_buffer_bytes for b in self.tasks.values())

    def summary(self) -> str:
        gib = GIB
        where = f" on {self.where}" if self.where else ""
        return (
            f"LOB buffers{where}: {self.used_bytes / gib:.1f} GiB of the {self.budget_bytes / gib:.1f} GiB allowed on "
            f"{self.instance_class} ({self.memory_bytes / gib:.0f} GiB); at the default CommitRate "
            f"{DEFAULT_COMMIT_RATE} they would take {self.default_demand_bytes / gib:.1f} GiB"
        )


def memory_bytes(instance_class: str) -> int:
    return INSTANCE_CLASSES[instance_class][1] * GIB


def fit_lob_buffers(
    tasks: Sequence[TaskLobs], instance_class: str, serverless_dcu: int | None = None, where: str = ""
) -> MemoryPlan:
    """One CommitRate for the LOB tasks such that every task's LOB and stream buffers fit LOB_MEMORY_SHARE of the
    instance (or of DMS Serverless at `serverless_dcu`, 2 GiB each), capped at DMS's default; raise MemoryFitError
    naming a class (or a DCU maximum) that fits when none does here. `where` names the instance (or replication)
    in the summary."""
    lob_tasks = [t for t in tasks if t.tables]
    memory = serverless_dcu * 2 * GIB if serverless_dcu else memory_bytes(instance_class)
    label = f"DMS Serverless at {serverless_dcu} DCU" if serverless_dcu else instance_class
    budget = int(memory * LOB_MEMORY_SHARE)
    streams = sum(t.stream_total_mb for t in lob_tasks) * KIB * KIB
    row_bytes = sum(t.row_kb for t in lob_tasks) * KIB
    default_demand = row_bytes * DEFAULT_COMMIT_RATE + streams
    commit = DEFAULT_COMMIT_RATE if row_bytes == 0 else min(DEFAULT_COMMIT_RATE, (budget - streams) // row_bytes)
    if lob_tasks and commit < MIN_COMMIT_RATE:
        need = row_bytes * MIN_COMMIT_RATE + streams
        if serverless_dcu:
            dcu = next((v for v in DCU_VALUES if v * 2 * GIB * LOB_MEMORY_SHARE >= need), None)
            fix = f"set capacity.maxDcu to {dcu}" if dcu else "no DCU maximum is big enough: use replication instances"
            raise MemoryFitError(
                f"the LOB buffers need {need / GIB:.1f} GiB even at CommitRate {MIN_COMMIT_RATE}, more than "
                f"{LOB_MEMORY_SHARE:.0%} of {label}; {fix}"
            )
        raise MemoryFitError(_needs_bigger(instance_class, need, lob_tasks))
    buffers = {
        t.task: TaskBuffers(
            commit_rate=int(commit),
            stream_buffer_size_mb=math.ceil(t.stream_total_mb / STREAM_BUFFER_COUNT),
            lob_buffer_bytes=int(commit) * t.row_kb * KIB,
            stream_buffer_bytes=t.stream_total_mb * KIB * KIB,
        )
        for t in lob_tasks
    }
    return MemoryPlan(label, memory, budget, buffers, default_demand, where)


def serverless_dcu_holding(tasks: Sequence[TaskLobs]) -> int | None:
    """The smallest DCU value whose memory holds the LOB buffers of `tasks` (one replication config's) as
    `fit_lob_buffers` fits them, or None when no DCU value does."""

    def fits(dcu: int) -> bool:
        try:
            fit_lob_buffers(tasks, "", serverless_dcu=dcu)
        except MemoryFitError:
            return False
        return True

    return next((v for v in DCU_VALUES if fits(v)), None)


def _needs_bigger(instance_class: str, need_bytes: int, lob_tasks: Sequence[TaskLobs]) -> str:
    heaviest = max(lob_tasks, key=lambda t: t.row_kb)
    fits = smallest_class_with(need_bytes / LOB_MEMORY_SHARE, prefer_family=instance_class.split(".")[1])
    where = f"use {fits}" if fits else "no DMS class is big enough"
    where += (
        ", or give the LOB task fewer subtasks (taskSettingsOverrides FullLoadSettings.MaxFullLoadSubTasks) or its "
        "LOB tables tasks of their own (sizing.groups)"
    )
    return (
        f"the LOB buffers of {len(lob_tasks)} task(s) need {need_bytes / GIB:.1f} GiB even at CommitRate "
        f"{MIN_COMMIT_RATE} (task {heaviest.task}: {heaviest.row_kb:,} KB per committed row), more than "
        f"{LOB_MEMORY_SHARE:.0%} of {instance_class}'s {memory_bytes(instance_class) / GIB:.0f} GiB; {where} "
        "(DMS guide: Setting LOB support; Stream buffer task settings)"
    )


def smallest_class_with(memory_needed: float, prefer_family: str) -> str | None:
    """The smallest offered class with at least `memory_needed` bytes, in the preferred family first."""

    order = {c: i for i, c in enumerate(INSTANCE_CLASSES)}  # later rows are newer generations

    def candidates(family: str | None) -> list[str]:
        return sorted(
            (c for c in INSTANCE_CLASSES if family is None or c.split(".")[1] == family),
            key=lambda c: (INSTANCE_CLASSES[c][1], INSTANCE_CLASSES[c][0], -order[c]),
        )

    for family in (prefer_family, None):
        for cls in candidates(family):
            if INSTANCE_CLASSES[cls][1] * GIB >= memory_needed:
                return cls
    return None
