"""What the live commands look at: the stack's deterministic resource ids and the thresholds it was deployed with.

A small typed input on purpose: the CLI builds it in one adapter from the offline program, and the live modules
never reach into the planner or the task builder.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from migration.config.models.monitoring import DEFAULT_SLOT_LAG_MB

Direction = Literal["forward", "reverse"]
Phase = Literal["cutover", "fallback", "complete"]
PHASES: tuple[Phase, ...] = ("cutover", "fallback", "complete")


@dataclass(frozen=True)
class TaskTarget:
    task_id: str  # replication task identifier (DMS Serverless: the replication config identifier)
    direction: Direction
    migration_type: str  # full-load | cdc | full-load-and-cdc
    planned_full_load_seconds: float | None = None  # the plan's estimate, when the stack has one

    @property
    def cdc(self) -> bool:
        return self.migration_type != "full-load"

    @property
    def full_load(self) -> bool:
        return self.migration_type != "cdc"


@dataclass(frozen=True)
class EndpointTarget:
    endpoint_id: str
    role: str  # oracle-source | postgres-target | postgres-source | oracle-target
    direction: Direction


@dataclass(frozen=True)
class Thresholds:
    """The stack's monitoring thresholds (monitoring.* in the stack file): readiness uses the same numbers the
    CloudWatch alarms do."""

    cdc_latency_source_seconds: int = 600
    cdc_latency_target_seconds: int = 900
    window_minutes: int = 15  # CDC latency must stay under the thresholds this long
    free_storage_gb: int = 10
    freeable_memory_mb: int = 1024
    slot_lag_mb: int = DEFAULT_SLOT_LAG_MB  # monitoring.slotLagMb: the slot lag alarm's threshold


@dataclass(frozen=True)
class Targets:
    stack: str
    region: str
    instance_ids: tuple[str, ...]  # empty: DMS Serverless
    tasks: tuple[TaskTarget, ...]
    endpoints: tuple[EndpointTarget, ...]
    thresholds: Thresholds = field(default_factory=Thresholds)
    reverse_source_db_instance: str | None = None  # reverse.postgresSource.dbInstanceIdentifier: its slot lag
    stack_phase: str = "replicate"  # the stack file's phase: replicate | cutover | fallback | complete
    reverse_enabled: bool = False  # reverse.enabled: reverse endpoints from phase replicate, the task from cutover

    @property
    def serverless(self) -> bool:
        return not self.instance_ids

    def forward(self) -> tuple[TaskTarget, ...]:
        return tuple(t for t in self.tasks if t.direction == "forward")

    def reverse(self) -> tuple[TaskTarget, ...]:
        return tuple(t for t in self.tasks if t.direction == "reverse")
