"""The task-settings documents of a stack's tasks: forward, reverse and validation-only, with the user's overrides
checked against the guards and DMS's ranges."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from migration.config import ConfigError, Stack, StackConfig
from migration.dms import task_settings
from migration.dms.engine_versions import version_key
from migration.dms.limits import DEFAULT_FULL_LOAD_SUBTASKS, MAX_COMMIT_RATE, MAX_FULL_LOAD_SUBTASKS
from migration.planning.naming import postgres_schema
from migration.planning.planner import DEFAULT_BATCH_APPLY_MEMORY_MB, batch_apply_memory_mb

DEFAULT_LOB_KB = 64  # LobMaxSize of every task; tables with bigger LOBs get their own bulk-max-size
# Task settings the config owns because guards depend on them: an override must not slip past a guard.
GUARDED_SETTINGS = (
    ("FullLoadSettings", "TargetTablePrepMode", "migration.targetTablePrepMode"),
    ("LoopbackPreventionSettings", "*", "reverse.loopbackPrevention"),
    ("ValidationSettings", "ValidationOnly", "migration.validationOnlyTask"),
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


@dataclass(frozen=True)
class BatchApply:
    """Whether a forward task applies changes in batches (TargetMetadata.BatchApplyEnabled), and why.

    The rules, checked against the AWS DMS User Guide: batch apply needs CDC and a PostgreSQL target; loopback
    prevention works only with BatchApplyEnabled false (*Change processing tuning settings*: "For bidirectional
    replication, the following settings apply only when BatchApplyEnabled is false"); with LOB columns only limited
    LOB mode (*Target metadata task settings*); and every table of the task must be one DMS batches
    (migration.planning.planner.batch). `migration.batchApply: false` keeps every task transactional."""

    on: bool
    reason: str
    memory_limit_mb: int = DEFAULT_BATCH_APPLY_MEMORY_MB


def batch_apply(stack: Stack, blockers: Sequence[str], change_mb_per_s: float | None = None) -> BatchApply:
    """The batch-apply choice of a forward task whose tables batch apply cannot take are `blockers`
    ("OWNER.TABLE: why"); `change_mb_per_s` is the task's share of the source change rate, if planned."""
    cfg = stack.config
    m = cfg.migration
    if not m.has_cdc:
        return BatchApply(False, "a full-load task applies no changes")
    if not m.batch_apply:
        return BatchApply(False, "changes applied one by one (migration.batchApply: false)")
    if _loopback(cfg, "forward") is not None:
        return BatchApply(False, "changes applied one by one: loopback prevention needs BatchApplyEnabled false")
    if blockers:
        shown = "; ".join(blockers[:3]) + (f"; +{len(blockers) - 3} more" if len(blockers) > 3 else "")
        return BatchApply(False, f"changes applied one by one, batch apply cannot take {shown}")
    memory = batch_apply_memory_mb(change_mb_per_s)
    rate = f" for {change_mb_per_s:.2g} MB/s of changes" if change_mb_per_s else ""
    return BatchApply(
        True,
        f"batch apply on (BatchApplyEnabled; BatchApplyMemoryLimit {memory} MB{rate}): DMS groups the changes "
        "of up to 30 s and applies each table's net changes in bulk",
        memory,
    )


# AWS DMS User Guide, *Data validation task settings* (ValidationMode): from engine 3.5.4 DMS validates at group
# level on the paths *AWS DMS data resync* lists, which include Oracle -> PostgreSQL / Aurora PostgreSQL; and the
# 3.6.1 release notes introduce data resync for those paths.
GROUP_VALIDATION_FROM = "3.5.4"
DATA_RESYNC_FROM = "3.6.1"
RESYNC_TARGET_ENGINES = ("postgres", "aurora-postgresql")


def resync_supported(stack: Stack) -> bool:
    cfg = stack.config
    return version_key(cfg.replication_instance.engine_version) >= version_key(DATA_RESYNC_FROM) and (
        cfg.target.engine in RESYNC_TARGET_ENGINES
    )


def keyless_task(tables: Sequence[Any]) -> bool:
    """Every table of the task lacks a primary or unique key: "Data validation requires that the table has a
    primary key or unique index" (AWS DMS User Guide, *AWS DMS data validation*, Limitations), so validation on
    such a task would only suspend every table; it is left off there, and with it data resync and the
    validation-failure alarm (which follows EnableValidation)."""
    return bool(tables) and not any(t.has_key for t in tables)


def staggered_schedule(cron: str, slot: int, minutes: int) -> str:
    """The resync cron of the task in `slot` (its place among the forward tasks): replication and validation pause
    while a resync runs (AWS DMS User Guide, *Data resync settings*), so each task starts `minutes` (MaxResyncTime)
    after the one before, from the configured start, on the same days; past midnight the slots wrap to the start of
    that day and, beyond 24 hours of slots, overlap. A schedule whose minute or hour is not one number (a range, a
    list) is the user's own pattern and kept as written."""
    parts = cron.split()
    if slot == 0 or len(parts) != 5 or not (parts[0].isdigit() and parts[1].isdigit()):
        return cron
    start = (int(parts[1]) * 60 + int(parts[0]) + slot * minutes) % 1440
    return " ".join([str(start % 60), str(start // 60), *parts[2:]])


def _validation_options(
    stack: Stack, character_keys: bool, *, writes: bool, validation: bool | None = None, resync_slot: int = 0
) -> dict[str, Any]:
    """Validation settings that follow the engine version: group-level validation from 3.5.4, data resync from
    3.6.1 (on by default where supported, refused where not, on a schedule staggered by `resync_slot`);
    HandleCollationDiff where a key is character data, which Oracle and PostgreSQL may sort differently.
    `validation` is this task's (default: the stack's migration.validation)."""
    cfg = stack.config
    m = cfg.migration
    validation = m.validation if validation is None else validation
    group = version_key(cfg.replication_instance.engine_version) >= version_key(GROUP_VALIDATION_FROM)
    out: dict[str, Any] = {
        # validation off: the DMS default stays, so a stack without validation sees no change
        "validation_mode": "GROUP_LEVEL" if group and (validation or not writes) else "ROW_LEVEL",
        "handle_collation_diff": character_keys,
    }
    if m.data_resync and not resync_supported(stack):
        raise ConfigError(
            f"{stack.project}:migration.dataResync: data resync needs engine {DATA_RESYNC_FROM}+ and an RDS/Aurora "
            f"PostgreSQL target (engine is {cfg.replication_instance.engine_version}, target {cfg.target.engine})",
            key="migration.dataResync",
        )
    if writes and validation and m.data_resync is not False and resync_supported(stack):
        schedule = staggered_schedule(m.resync_schedule, resync_slot, m.max_resync_minutes)
        out.update(resync=True, resync_schedule=schedule, max_resync_minutes=m.max_resync_minutes)
    return out


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
    batch: BatchApply | None = None,
    character_keys: bool = False,
    *,
    resync_slot: int = 0,
    keyless: bool = False,
    **buffers: Any,
) -> dict[str, Any]:
    """A forward task's settings; `table_lob_sizes_kb` are its tables' LOB sizes (validation compares that much),
    `batch` its batch-apply choice (`batch_apply`), `buffers` the CommitRate and StreamBufferSizeInMB that keep its
    LOB buffers in memory (migration.planning.memory); `resync_slot` its place among the forward tasks (staggers
    the resync schedule), `keyless` that none of its tables has a key (no validation: `keyless_task`)."""
    cfg = stack.config
    m = cfg.migration
    batch = batch if batch is not None else BatchApply(False, "not decided: changes applied one by one")
    doc = _settings(
        "migration",
        stack.project,
        migration_type=m.type,
        target_engine="postgresql",
        target_table_prep_mode=m.target_table_prep_mode,
        lob_mode="limited",
        lob_max_size_kb=DEFAULT_LOB_KB,
        validation=m.validation and not keyless,
        loopback=_loopback(cfg, "forward"),
        max_full_load_subtasks=max_full_load_subtasks,
        strict_errors=m.strict_errors,
        table_lob_sizes_kb=table_lob_sizes_kb,
        batch_apply=batch.on,
        batch_apply_memory_limit_mb=batch.memory_limit_mb,
        ddl_handling=m.ddl_handling,
        **_validation_options(
            stack, character_keys, writes=True, validation=m.validation and not keyless, resync_slot=resync_slot
        ),
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
    overrides = _for_this_task(m.task_settings_overrides, batch)
    _check_batch_override(f"{stack.project}:{key}", batch, overrides)
    _check_overrides(f"{stack.project}:{key}", doc, overrides)
    try:
        return task_settings.merge_overrides(doc, overrides)
    except (task_settings.TaskSettingsError, ValueError) as exc:
        raise ConfigError(f"{stack.project}:{key}: {exc}", key=key) from None


BATCH_TUNING_FIELDS = frozenset(
    {"BatchApplyTimeoutMin", "BatchApplyTimeoutMax", "BatchApplyMemoryLimit", "BatchSplitSize"}
)


def _for_this_task(overrides: dict[str, Any], batch: BatchApply) -> dict[str, Any]:
    """The overrides as they apply to one task: batch tuning only reaches the tasks that apply in batches (DMS
    reads it only with BatchApplyEnabled true, Change processing tuning settings)."""
    tuning = overrides.get("ChangeProcessingTuning")
    if batch.on or not isinstance(tuning, dict) or not BATCH_TUNING_FIELDS & set(tuning):
        return overrides
    kept = {k: v for k, v in tuning.items() if k not in BATCH_TUNING_FIELDS}
    return {
        **{k: v for k, v in overrides.items() if k != "ChangeProcessingTuning"},
        **({"ChangeProcessingTuning": kept} if kept else {}),
    }


def _check_batch_override(key: str, batch: BatchApply, overrides: dict[str, Any]) -> None:
    """An override may turn batch apply off, or tune it where it is on; it may not turn it on where a rule keeps
    it off (loopback prevention and full LOB mode are refused again by task_settings.check_document)."""
    wanted = (overrides.get("TargetMetadata") or {}).get("BatchApplyEnabled")
    if wanted is True and not batch.on:
        raise ConfigError(
            f"{key}.TargetMetadata.BatchApplyEnabled: {batch.reason}", key="migration.taskSettingsOverrides"
        )


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
        **_validation_options(stack, True, writes=False),
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
