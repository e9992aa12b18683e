"""What each DMS task of a stack is: id, type, table mappings and settings, derived from the validated config.

Pure logic shared by the Pulumi pipeline (which turns specs into resources) and the offline tools (plan,
runbook), so the documents a user previews are the documents `pulumi up` sends. Problems in the derived
documents surface as `ConfigError` lines before any resource is registered.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

from migration import mappings, task_settings
from migration.config import ConfigError, Stack, StackConfig
from migration.identifiers import StackNames
from migration.lifecycle import phase_state
from migration.positions import parse_oracle_start, parse_postgres_start


@dataclass(frozen=True)
class TaskSpec:
    name: str                      # logical name, part of the Pulumi resource name and of the task id
    task_id: str                   # DMS replication task identifier
    direction: Literal["forward", "reverse"]
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


def postgres_schema(cfg: StackConfig, oracle_schema: str) -> str:
    """The PostgreSQL schema an Oracle schema lands in: the configured rename, else its lower-case name."""
    return cfg.migration.schema_renames.get(oracle_schema, oracle_schema.lower())


def _loopback(cfg: StackConfig, direction: str) -> task_settings.Loopback | None:
    """Loopback prevention marks one schema pair on both tasks (mirrored), here the first migrated schema."""
    if not (cfg.reverse.enabled and cfg.reverse.loopback_prevention):
        return None
    ora = cfg.migration.schemas[0]
    pg = postgres_schema(cfg, ora)
    if direction == "forward":
        return task_settings.Loopback(source_schema=ora, target_schema=pg)
    return task_settings.Loopback(source_schema=pg, target_schema=ora)


def _settings(key: str, project: str, **options: Any) -> dict[str, Any]:
    try:
        return task_settings.build_task_settings(task_settings.TaskSettingsOptions(**options))
    except (task_settings.TaskSettingsError, ValueError) as exc:
        raise ConfigError(f"{project}:{key}: {str(exc).splitlines()[0]}") from None


def forward_settings(stack: Stack) -> dict[str, Any]:
    cfg = stack.config
    m = cfg.migration
    return _settings("migration", stack.project, migration_type=m.type, target_engine="postgresql",
                     target_table_prep_mode=m.target_table_prep_mode, lob_mode="limited", lob_max_size_kb=64,
                     validation=m.validation, loopback=_loopback(cfg, "forward"))


def forward_tasks(stack: Stack) -> list[TaskSpec]:
    """The forward (Oracle -> PostgreSQL) tasks: the explicit `migration.tasks` list, or one task `main`."""
    cfg = stack.config
    m = cfg.migration
    names = StackNames(stack.project, stack.stack)
    settings = forward_settings(stack)
    start = parse_oracle_start(m.cdc_start_position)
    running = phase_state(cfg).forward_running
    groups = [(t.name, t.include, [*m.exclude, *t.exclude]) for t in m.tasks] or [("main", m.include, m.exclude)]
    specs = []
    for name, include, exclude in groups:
        try:
            doc = mappings.build_forward_mappings(m.schemas, include=include, exclude=exclude,
                                                  schema_renames=m.schema_renames)
        except mappings.MappingError as exc:
            raise ConfigError(f"{stack.project}:migration: {exc}") from None
        specs.append(TaskSpec(name=name, task_id=names.task_id(name), direction="forward", migration_type=m.type,
                              mappings=doc, settings=settings, start=running,
                              cdc_start_position=start.cdc_start_position, cdc_start_time=start.cdc_start_time))
    return specs


def reverse_task(stack: Stack) -> TaskSpec | None:
    """The fallback task PostgreSQL -> Oracle: CDC only, DO_NOTHING, names turned back to Oracle upper case."""
    cfg = stack.config
    state = phase_state(cfg)
    if not state.reverse_created:
        return None
    rev = cfg.reverse
    assert rev.postgres_source is not None
    names = StackNames(stack.project, stack.stack)
    doc = mappings.build_reverse_mappings({postgres_schema(cfg, s): s for s in cfg.migration.schemas})
    settings = _settings("reverse", stack.project, migration_type="cdc", target_engine="oracle",
                         target_table_prep_mode=rev.target_table_prep_mode, lob_mode="limited", lob_max_size_kb=64,
                         loopback=_loopback(cfg, "reverse"))
    start = parse_postgres_start(rev.cdc_start_position, slot_name=rev.postgres_source.settings.slot_name)
    return TaskSpec(name="reverse", task_id=names.task_id("reverse"), direction="reverse", migration_type="cdc",
                    mappings=doc, settings=settings, start=state.reverse_running,
                    cdc_start_position=start.cdc_start_position, cdc_start_time=start.cdc_start_time)


def all_tasks(stack: Stack) -> list[TaskSpec]:
    specs = forward_tasks(stack)
    rev = reverse_task(stack)
    return specs + ([rev] if rev else [])
