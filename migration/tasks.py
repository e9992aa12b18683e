"""What each DMS task of a stack is: id, type, table mappings and settings, derived from the validated config.

Pure logic shared by the Pulumi pipeline (which turns specs into resources) and the offline tools (plan,
runbook), so the documents a user previews are the documents `pulumi up` sends.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from migration import mappings, task_settings
from migration.config import Stack
from migration.identifiers import StackNames


@dataclass(frozen=True)
class TaskSpec:
    name: str                      # logical name, part of the Pulumi resource name and of the task id
    task_id: str                   # DMS replication task identifier
    migration_type: str
    mappings: dict[str, Any]
    settings: dict[str, Any]
    start: bool
    cdc_start_position: str | None = None
    cdc_start_time: str | None = None
    reasons: tuple[str, ...] = field(default_factory=tuple)

    @property
    def mappings_json(self) -> str:
        return mappings.render_json(self.mappings)

    @property
    def settings_json(self) -> str:
        return task_settings.render_json(self.settings)


def forward_settings(stack: Stack) -> dict[str, Any]:
    m = stack.config.migration
    opts = task_settings.TaskSettingsOptions(
        migration_type=m.type, target_engine="postgresql", target_table_prep_mode=m.target_table_prep_mode,
        lob_mode="limited", lob_max_size_kb=64)
    return task_settings.build_task_settings(opts)


def forward_tasks(stack: Stack) -> list[TaskSpec]:
    """The forward (Oracle -> PostgreSQL) tasks: the explicit `migration.tasks` list, or one task `main`."""
    m = stack.config.migration
    names = StackNames(stack.project, stack.stack)
    settings = forward_settings(stack)
    groups = [(t.name, t.include, [*m.exclude, *t.exclude]) for t in m.tasks] or [("main", m.include, m.exclude)]
    specs = []
    for name, include, exclude in groups:
        doc = mappings.build_forward_mappings(m.schemas, include=include, exclude=exclude,
                                              schema_renames=m.schema_renames)
        specs.append(TaskSpec(name=name, task_id=names.task_id(name), migration_type=m.type, mappings=doc,
                              settings=settings, start=m.start_task))
    return specs
