"""What one DMS replication task is: the `TaskSpec` the Pulumi program, the plan and the documents all read."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

from migration.dms import mappings, task_settings
from migration.dms.mappings import ColumnRemoval, Selection, TableSettings


@dataclass(frozen=True)
class TaskSpec:
    name: str  # logical name, part of the Pulumi resource name and of the task id
    task_id: str  # DMS replication task identifier
    direction: Literal["forward", "reverse"]
    migration_type: str
    mappings: dict[str, Any]  # the table-mapping document DMS receives
    settings: dict[str, Any]  # the task-settings document DMS receives
    start: bool
    cdc_start_position: str | None = None
    cdc_start_time: str | None = None
    reasons: tuple[str, ...] = field(default_factory=tuple)  # why the task is as it is, for people
    instance: int = 0  # the replication instance it runs on, when the stack has several
    # The typed rules its mapping was built from, for code that needs them (the reverse task, the scope checks)
    selection: tuple[Selection, ...] = ()
    table_settings: tuple[TableSettings, ...] = ()
    removed_columns: tuple[ColumnRemoval, ...] = ()

    @property
    def control_schema(self) -> str:
        """The schema of its control tables on its target (ControlSchema; an override wins over the default), ""
        for the target user's own schema."""
        chosen = self.settings.get("ControlTablesSettings", {}).get("ControlSchema")
        return str(
            chosen or task_settings.DEFAULT_CONTROL_SCHEMA["postgresql" if self.direction == "forward" else "oracle"]
        )

    @property
    def mappings_json(self) -> str:
        return mappings.render_json(self.mappings)

    @property
    def settings_json(self) -> str:
        return task_settings.render_json(self.settings)
