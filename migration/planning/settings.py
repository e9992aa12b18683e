"""The task-settings documents of a stack's tasks: forward, reverse and validation-only, with the user's overrides
checked against the guards and DMS's ranges."""

from __future__ import annotations

from typing import Any

from migration.config import ConfigError, Stack, StackConfig
from migration.dms import task_settings
from migration.dms.limits import DEFAULT_FULL_LOAD_SUBTASKS, MAX_COMMIT_RATE, MAX_FULL_LOAD_SUBTASKS
from migration.planning.naming import postgres_schema

DEFAULT_LOB_KB = 64  # LobMaxSize of every task; tables with bigger LOBs get their own bulk-max-size
# Task settings the config owns because guards depend on them: an override must not slip past a guard.
GUARDED_SETTINGS = (
    ("FullLoadSettings", "TargetTablePrepMode", "migration.targetTablePrepMode"),
    ("LoopbackPreventionSettings", "*", "reverse.loopbackPrevention"),
    ("ValidationSettings", "ValidationOnly", "migration.validationOnlyTask"),
    ("TargetMetadata", "BatchApplyEnabled", "batch apply is off: it breaks loopback prevention and full LOB mode"),
    ("ErrorBehavior", "*", "migration.strictErrors"),
    ("TargetMetadata", "SupportLobs", "switching LOB support off drops every LOB column from the tasks"),
)
OVERRIDE_RANGES = {
    ("FullLoadSettings", "MaxFullLoadSubTasks"): (1, MAX_FULL_LOAD_SUBTASKS),
    ("FullLoadSettings", "CommitRate"): (1, MAX_COMMIT_RATE),
}


def _check_overrides(key: str, built: dict[str, Any], overrides: dict[str, Any]) -> None:
    """Each overridden field must be one the document has, with the same type and within DMS's range: a typo or
    a string where DMS wants a boolean would otherwise reach AWS unchecked."""
    for section, fields in overrides.items():
        base = built.get(section)
        if not isinstance(base, dict) or not isinstance(fields, dict):
            continue  # whole sections (or unknown ones) are judged by merge_overrides
        for name, value in fields.items():
            if f"{section}.{name}" in task_settings.READ_ONLY_FIELDS:
                continue  # merge_overrides says why it is refused
            if name not in base:
                known = ", ".join(sorted(base))
                raise ConfigError(
                    f"{key}.{section}.{name}: not a field of {section} (names are case-sensitive): {known}"
                )
            want = type(base[name])
            if base[name] is not None and (type(value) is not want and not (want is float and type(value) is int)):
                raise ConfigError(f"{key}.{section}.{name}: expected {want.__name__}, got {value!r}")
            bounds = OVERRIDE_RANGES.get((section, name))
            if bounds and not bounds[0] <= value <= bounds[1]:
                raise ConfigError(f"{key}.{section}.{name}: must be {bounds[0]}..{bounds[1]}, got {value}")


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
        raise ConfigError(f"{project}:{key}: {str(exc).splitlines()[0]}", key=key) from None


def forward_settings(
    stack: Stack,
    max_full_load_subtasks: int = DEFAULT_FULL_LOAD_SUBTASKS,
    table_lob_sizes_kb: tuple[int, ...] = (),
    **buffers: Any,
) -> dict[str, Any]:
    """A forward task's settings; `table_lob_sizes_kb` are its tables' LOB sizes (validation compares that much),
    `buffers` the CommitRate and StreamBufferSizeInMB that keep its LOB buffers in memory (migration.planning.memory)."""
    cfg = stack.config
    m = cfg.migration
    doc = _settings(
        "migration",
        stack.project,
        migration_type=m.type,
        target_engine="postgresql",
        target_table_prep_mode=m.target_table_prep_mode,
        lob_mode="limited",
        lob_max_size_kb=DEFAULT_LOB_KB,
        validation=m.validation,
        loopback=_loopback(cfg, "forward"),
        max_full_load_subtasks=max_full_load_subtasks,
        strict_errors=m.strict_errors,
        table_lob_sizes_kb=table_lob_sizes_kb,
        **buffers,
    )
    if not m.task_settings_overrides:
        return doc
    key = "migration.taskSettingsOverrides"
    for section, field_name, owner in GUARDED_SETTINGS:
        value = m.task_settings_overrides.get(section)
        if isinstance(value, dict) and (field_name in value or field_name == "*"):
            raise ConfigError(
                f"{stack.project}:{key}.{section}"
                + ("" if field_name == "*" else f".{field_name}")
                + f": set by the stack and guarded ({owner}); overrides cannot change it",
                key=key,
            )
    _check_overrides(f"{stack.project}:{key}", doc, m.task_settings_overrides)
    try:
        return task_settings.merge_overrides(doc, m.task_settings_overrides)
    except (task_settings.TaskSettingsError, ValueError) as exc:
        raise ConfigError(f"{stack.project}:{key}: {exc}", key=key) from None


def reverse_settings(stack: Stack) -> dict[str, Any]:
    """The reverse task's own settings: its control tables in the reverse user's schema (the target schema is not
    writable for it, which is where DMS puts them when ControlSchema is empty), and strict errors whatever the
    forward tasks use: it writes into the production Oracle tables, so a bad row or a truncated LOB stops it."""
    cfg = stack.config
    return _settings(
        "reverse",
        stack.project,
        migration_type="cdc",
        target_engine="oracle",
        target_table_prep_mode=cfg.reverse.target_table_prep_mode,
        lob_mode="limited",
        lob_max_size_kb=DEFAULT_LOB_KB,
        loopback=_loopback(cfg, "reverse"),
        control_schema=cfg.reverse.oracle_control_schema,
        strict_errors=True,
    )


def validation_settings(stack: Stack, migration_type: str, table_lob_sizes_kb: tuple[int, ...]) -> dict[str, Any]:
    """A ValidationOnly task's settings: it compares, never writes (DO_NOTHING)."""
    return _settings(
        "migration",
        stack.project,
        migration_type=migration_type,
        target_engine="postgresql",
        target_table_prep_mode="DO_NOTHING",
        lob_mode="limited",
        lob_max_size_kb=DEFAULT_LOB_KB,
        validation=True,
        validation_only=True,
        table_lob_sizes_kb=table_lob_sizes_kb,
    )


def paused_after_full_load(doc: dict[str, Any]) -> dict[str, Any]:
    """A full-load-and-cdc task's settings with the pause after the full load, before the cached changes are
    applied (FullLoadSettings.StopTaskCachedChangesNotApplied; DMS User Guide, "Full-load task settings"), so the
    secondary indexes, foreign keys and checks are built between the full load and the CDC catch-up (DMS User
    Guide, "Best practices: indexes, triggers and referential integrity"). A task whose overrides already stop it
    after the cached changes (the two are exclusive) is left as it is."""
    full_load = doc.get("FullLoadSettings", {})
    if full_load.get("StopTaskCachedChangesApplied"):
        return doc
    return {**doc, "FullLoadSettings": {**full_load, "StopTaskCachedChangesNotApplied": True}}
