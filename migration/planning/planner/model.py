"""The planner's public records: its error, what it reads from an inventory table, and the plan it returns.

`MigrationPlan` is also the plan file (plan/<stack>/migration-plan.json, frozen by `sizing.planFile`): its JSON
format is fixed, so `to_dict`/`from_dict` keep the field names and shapes of plans already committed."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from migration.notices import Notice, warning

# The code of a warning read back from a plan file: the file keeps the warning's text only.
PLAN_FILE_WARNING = "plan-file-warning"


class PlannerError(ValueError):
    """Bad planner input; the message is one line naming the input and what is allowed.

    `field` is the planner argument the error is about (`"key_ranges"`, `"groups"`, `"tables"`, `"max_tasks"`,
    `"instance_class"`), or None when the message does not start with one; `detail` is the rest of the message,
    so `str(exc) == (exc.field or "") + exc.detail` (e.g. field "groups", detail "[0]: unknown table ...")."""

    def __init__(self, field: str | None, detail: str) -> None:
        super().__init__(f"{field or ''}{detail}")
        self.field = field
        self.detail = detail


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
    def lob_columns(self) -> Sequence[str]: ...
    @property
    def key_columns(self) -> Sequence[str]: ...
    @property
    def has_key(self) -> bool: ...
    @property
    def columns(self) -> Sequence[ColumnLike]: ...


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

    `fits_window` means the estimated full load finishes inside the window (always true for `cdc`). `warnings`
    are warning notices with stable codes; the plan file keeps their text only, and a plan read back from it
    gives each the code PLAN_FILE_WARNING."""

    migration_type: str
    tasks: tuple[PlannedTask, ...]
    estimated_makespan_seconds: float
    lower_bound_seconds: float
    window_hours: float
    fits_window: bool
    recommended_instance_class: str
    recommended_storage_gb: int
    reasons: tuple[str, ...]
    warnings: tuple[Notice, ...]
    instance_class: str = ""
    catch_up_seconds: float | None = None
    assumptions: dict[str, float] = field(default_factory=dict)
    instances: int = 1  # replication instances the tasks are spread over
    # DMS Serverless: each task is a replication config on capacity of its own, and recommended_instance_class
    # names the size the plan assumed for each (the MaxCapacityUnits recommendation is in recommended_dcu)
    serverless: bool = False
    recommended_dcu: int | None = None
    configured_storage_gb: int | None = None  # the stack's allocated storage, weighed against the need

    def to_dict(self) -> dict[str, Any]:
        # the serverless and storage keys appear only when set, so plans frozen before them read back unchanged
        extra = {
            k: v
            for k, v in (
                ("serverless", self.serverless or None),
                ("recommended_dcu", self.recommended_dcu),
                ("configured_storage_gb", self.configured_storage_gb),
            )
            if v is not None
        }
        return extra | {
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
            "warnings": [w.text for w in self.warnings],
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
            warnings=tuple(warning(PLAN_FILE_WARNING, str(text)) for text in data["warnings"]),
            instances=int(data.get("instances", 1)),
            serverless=bool(data.get("serverless", False)),
            recommended_dcu=None if data.get("recommended_dcu") is None else int(data["recommended_dcu"]),
            configured_storage_gb=(
                None if data.get("configured_storage_gb") is None else int(data["configured_storage_gb"])
            ),
        )

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), indent=2, sort_keys=True)
