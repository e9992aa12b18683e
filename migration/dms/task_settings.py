"""Builds the complete ReplicationTaskSettings document for a DMS task (DMS User Guide: Specifying task settings; LOB support; Target metadata, Full-load and Data validation task settings).

Why a builder instead of a JSON file per task: DMS accepts contradictory settings (batch apply with loopback
prevention, full LOB mode with batch apply, ValidationOnly with a loading prep mode) and fails only when the
task runs, or silently drops data. Every contradiction here is refused before anything is deployed.

Why every section is spelled out: AWS echoes the whole document back with defaults filled in; sending the
defaults explicitly keeps the desired document close to what AWS stores and makes each choice reviewable.
"""

from __future__ import annotations

import copy
import json
import re
from collections.abc import Mapping
from typing import Any, Literal, NoReturn

from pydantic import Field, model_validator

from migration._model import StrictModel

MigrationType = Literal["full-load", "cdc", "full-load-and-cdc"]
TargetEngine = Literal["postgresql", "oracle"]
PrepMode = Literal["DO_NOTHING", "TRUNCATE_BEFORE_LOAD", "DROP_AND_CREATE"]
LobMode = Literal["limited", "full", "inline", "none"]
LogSeverity = Literal["ERROR", "WARNING", "DEFAULT", "DEBUG", "DETAILED_DEBUG"]

# Reference section 6: the only top-level keys DMS knows.
ALLOWED_SECTIONS = frozenset(
    {
        "TargetMetadata",
        "FullLoadSettings",
        "TTSettings",
        "Logging",
        "ControlTablesSettings",
        "StreamBufferSettings",
        "ChangeProcessingTuning",
        "ChangeProcessingDdlHandlingPolicy",
        "LoopbackPreventionSettings",
        "CharacterSetSettings",
        "BeforeImageSettings",
        "ErrorBehavior",
        "ValidationSettings",
        "PostProcessingRules",
        "ResyncSettings",
        "FailTaskWhenCleanTaskResourceFailed",
    }
)
# AWS fills these; sending them fails on create and diffs forever (terraform-provider-aws issue #21512).
READ_ONLY_FIELDS = frozenset({"Logging.CloudWatchLogGroup", "Logging.CloudWatchLogStream"})

LOG_COMPONENTS = ("SOURCE_UNLOAD", "SOURCE_CAPTURE", "TARGET_LOAD", "TARGET_APPLY", "TASK_MANAGER")
DEFAULT_CONTROL_SCHEMA = {"postgresql": "awsdms_control", "oracle": ""}
_PG_IDENT = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")
_ORA_IDENT = re.compile(r"^[A-Z][A-Z0-9_$#]{0,29}$")
_ANY_IDENT = re.compile(r"^[A-Za-z_][A-Za-z0-9_$#]{0,62}$")
_CDC_TYPES = ("cdc", "full-load-and-cdc")


class TaskSettingsError(ValueError):
    """A contradictory or unsupported combination of task settings; the message names the options."""


class Loopback(StrictModel):
    """Schemas holding the `awsdms_loopback_prevention` marker table, mirrored on the paired task (section 8)."""

    source_schema: str = Field(pattern=_ANY_IDENT.pattern)
    target_schema: str = Field(pattern=_ANY_IDENT.pattern)

    @model_validator(mode="before")
    @classmethod
    def _from_pair(cls, data: Any) -> Any:
        """Also accept the `(source_schema, target_schema)` pair form."""
        if isinstance(data, (tuple, list)):
            if len(data) != 2:
                raise ValueError("loopback must be a (sourceSchema, targetSchema) pair")
            return {"source_schema": data[0], "target_schema": data[1]}
        return data


class TaskSettingsOptions(StrictModel):
    """What a task needs decided; ranges are checked here, cross-option rules in `build_task_settings`."""

    migration_type: MigrationType
    target_engine: TargetEngine = "postgresql"
    target_table_prep_mode: PrepMode = "DO_NOTHING"
    # LOBs (DMS User Guide: Setting LOB support for source databases in an AWS DMS task). Mode-specific sizes stay None unless that mode uses them.
    lob_mode: LobMode = "limited"
    lob_max_size_kb: int | None = Field(default=None, ge=1, le=102400)
    lob_chunk_size_kb: int | None = Field(default=None, ge=1, le=64)  # > 64 KB can fail tasks (section 2.1)
    inline_lob_max_size_kb: int | None = Field(default=None, ge=1, le=102400)
    # Full load.
    max_full_load_subtasks: int = Field(default=8, ge=1, le=49)
    commit_rate: int = Field(default=10000, ge=1, le=50000)
    create_pk_after_full_load: bool = False
    stop_task_cached_changes_applied: bool = False
    stop_task_cached_changes_not_applied: bool = False
    transaction_consistency_timeout: int = Field(default=600, ge=0)
    # Change processing.
    batch_apply: bool = False
    # Batch-apply tuning (DMS User Guide: Change processing tuning settings); emitted only with batch_apply.
    batch_apply_timeout_min: int = Field(default=1, ge=1)
    batch_apply_timeout_max: int = Field(default=30, ge=1)
    batch_apply_memory_limit_mb: int = Field(default=500, ge=1)
    batch_split_size: int = Field(default=0, ge=0)  # 0: no limit on the changes in one batch
    ddl_handling: bool | None = None  # None: on for a PostgreSQL target, off for the reverse (Oracle) target
    loopback: Loopback | None = None
    strict_errors: bool = True
    fail_on_no_tables_captured: bool = True
    # Validation (DMS User Guide: Data validation task settings).
    validation: bool = False
    validation_only: bool = False
    validation_threads: int = Field(default=5, ge=1)
    validation_partial_lob_size_kb: int | None = Field(default=None, ge=0)
    skip_lob_columns: bool = False
    # GROUP_LEVEL from engine 3.5.4 on the paths data resync lists (Oracle -> PostgreSQL); ROW_LEVEL elsewhere.
    validation_mode: Literal["ROW_LEVEL", "GROUP_LEVEL"] = "ROW_LEVEL"
    handle_collation_diff: bool = False  # character keys sort differently on Oracle and PostgreSQL
    # Data resync (DMS User Guide: Data resync settings): repairs validation failures from the source.
    resync: bool = False
    resync_schedule: str | None = None  # cron; required with CDC, not allowed without
    max_resync_minutes: int | None = Field(default=None, ge=5, le=14400)
    # The task's per-table LOB settings (table-settings rules): each LOB table's bulk-max-size in KB, 0 for a table
    # in full LOB mode. Validation then compares as much of each LOB as the tables carry, not LobMaxSize.
    table_lob_sizes_kb: tuple[int, ...] = ()
    # Operations.
    log_severity: LogSeverity = "DEFAULT"
    control_schema: str | None = None  # None: "awsdms_control" on PostgreSQL, the target user's schema on Oracle
    stream_buffer_size_mb: int = Field(default=8, ge=1)


def _fail(message: str) -> NoReturn:
    raise TaskSettingsError(message)


def check_options(opts: TaskSettingsOptions) -> None:
    """Refuse option combinations DMS would reject at run time or that would lose data silently."""
    for check in (_check_lobs, _check_stops, _check_batch_apply, _check_targets, _check_validation, _check_names):
        check(opts)


def _check_lobs(opts: TaskSettingsOptions) -> None:
    """LOB sizes belong to exactly one mode; a stray size means the user expected a different mode."""
    if opts.lob_max_size_kb is not None and opts.lob_mode != "limited":
        _fail(f"lobMaxSizeKb only applies to lobMode limited (lobMode is {opts.lob_mode})")
    if opts.lob_chunk_size_kb is not None and opts.lob_mode not in ("full", "inline"):
        _fail(f"lobChunkSizeKb only applies to lobMode full or inline (lobMode is {opts.lob_mode})")
    if opts.inline_lob_max_size_kb is not None and opts.lob_mode != "inline":
        _fail(f"inlineLobMaxSizeKb only applies to lobMode inline (lobMode is {opts.lob_mode})")
    if opts.lob_mode == "inline" and opts.inline_lob_max_size_kb is None:
        _fail("lobMode inline needs inlineLobMaxSizeKb (1..102400)")


def _check_stops(opts: TaskSettingsOptions) -> None:
    """The pauses around the cached changes exist only between a full load and CDC."""
    if opts.stop_task_cached_changes_applied or opts.stop_task_cached_changes_not_applied:
        if opts.migration_type != "full-load-and-cdc":
            _fail("stopTaskCachedChangesApplied/NotApplied only apply to migrationType full-load-and-cdc")
        if opts.stop_task_cached_changes_applied and opts.stop_task_cached_changes_not_applied:
            _fail("stopTaskCachedChangesApplied and stopTaskCachedChangesNotApplied are mutually exclusive")


def _check_batch_apply(opts: TaskSettingsOptions) -> None:
    """Batch apply only where DMS supports it."""
    cdc = opts.migration_type in _CDC_TYPES
    if opts.batch_apply:
        if not cdc:
            _fail("batchApply needs migrationType cdc or full-load-and-cdc (full-load applies no changes)")
        if opts.target_engine != "postgresql":
            _fail("batchApply is only allowed on a postgresql target (the reverse task applies transactionally)")
        if opts.loopback is not None:
            _fail("batchApply cannot be combined with loopback (loopback prevention needs BatchApplyEnabled=false)")
        if opts.batch_apply_timeout_min > opts.batch_apply_timeout_max:
            _fail("BatchApplyTimeoutMin must not exceed BatchApplyTimeoutMax")
        if opts.lob_mode in ("full", "inline"):
            _fail(
                f"batchApply cannot be combined with lobMode {opts.lob_mode} (batch apply supports limited LOB "
                "mode only)"
            )


def _check_targets(opts: TaskSettingsOptions) -> None:
    """Loopback needs CDC; the reverse task (an Oracle target) only applies changes, into tables it must not touch."""
    cdc = opts.migration_type in _CDC_TYPES
    if opts.loopback is not None and not cdc:
        _fail("loopback needs migrationType cdc or full-load-and-cdc")
    if opts.target_engine == "oracle":
        # The reverse task writes into the original Oracle tables (DMS User Guide: Full-load task settings, TargetTablePrepMode; Using an Oracle database as a target).
        if opts.migration_type != "cdc":
            _fail("an oracle target (reverse task) must use migrationType cdc: only the forward task loads data")
        if opts.target_table_prep_mode != "DO_NOTHING":
            _fail("an oracle target (reverse task) needs targetTablePrepMode DO_NOTHING to protect the original tables")
        if opts.ddl_handling:
            _fail("ddlHandling must be false on an oracle target (no DDL flows back on the reverse path)")


def _check_validation(opts: TaskSettingsOptions) -> None:
    """Resync repairs what validation finds; validation-only tasks compare and never write; partial LOB validation within what the task carries."""
    cdc = opts.migration_type in _CDC_TYPES
    if opts.resync:
        if not opts.validation or opts.validation_only:
            _fail("data resync repairs what validation finds: it needs validation on a task that writes")
        if cdc and (opts.resync_schedule is None or opts.max_resync_minutes is None):
            _fail("data resync on a CDC task needs ResyncSchedule and MaxResyncTime (Data resync settings)")
    if opts.validation_only:
        if not opts.validation:
            _fail("validationOnly needs validation: true")
        if opts.target_table_prep_mode != "DO_NOTHING":
            _fail("validationOnly needs targetTablePrepMode DO_NOTHING")
        if opts.migration_type not in ("full-load", "cdc"):
            _fail("validationOnly needs migrationType full-load or cdc")
    partial = opts.validation_partial_lob_size_kb
    if partial is not None:
        if opts.skip_lob_columns:
            _fail("validationPartialLobSizeKb has no effect with skipLobColumns: true")
        carried = _carried_lob_kb(opts)
        if opts.lob_mode == "limited" and carried and partial > carried:
            tables = f" or the largest table bulk-max-size ({carried})" if opts.table_lob_sizes_kb else ""
            _fail(
                f"validationPartialLobSizeKb ({partial}) must not exceed lobMaxSizeKb ({_lob_max(opts)}){tables}: "
                "truncated LOBs would fail validation"
            )


def _check_names(opts: TaskSettingsOptions) -> None:
    """Control and loopback schemas must be names the target engine accepts."""
    schema = _control_schema(opts)
    pattern = _PG_IDENT if opts.target_engine == "postgresql" else _ORA_IDENT
    kind = (
        "lower-case letters, digits, _ (max 63)"
        if opts.target_engine == "postgresql"
        else "upper-case letters, digits, _ $ # (max 30)"
    )
    if schema and not pattern.match(schema):
        _fail(f"controlSchema {schema!r} is not a valid {opts.target_engine} schema name: use {kind}")
    if opts.loopback is not None and not pattern.match(opts.loopback.target_schema):
        _fail(
            f"loopback.targetSchema {opts.loopback.target_schema!r} is not a valid {opts.target_engine} "
            f"schema name: use {kind}"
        )


def _lob_max(opts: TaskSettingsOptions) -> int:
    return opts.lob_max_size_kb if opts.lob_max_size_kb is not None else 32


def _carried_lob_kb(opts: TaskSettingsOptions) -> int:
    """The most of one LOB a limited-mode task carries: LobMaxSize or a larger per-table bulk-max-size; 0 when a
    table is in full LOB mode (every LOB whole)."""
    if 0 in opts.table_lob_sizes_kb:
        return 0
    return max((_lob_max(opts), *opts.table_lob_sizes_kb))


def _control_schema(opts: TaskSettingsOptions) -> str:
    return DEFAULT_CONTROL_SCHEMA[opts.target_engine] if opts.control_schema is None else opts.control_schema


def _target_metadata(opts: TaskSettingsOptions) -> dict[str, Any]:
    """Exactly one of FullLobMode/LimitedSizeLobMode when LOBs are on. Sizes a mode ignores keep DMS defaults
    (LobMaxSize 32, LobChunkSize 64, InlineLobMaxSize 0) so the document equals what AWS stores."""
    mode = opts.lob_mode
    return {
        "TargetSchema": "",
        "SupportLobs": mode != "none",
        "FullLobMode": mode in ("full", "inline"),
        "LimitedSizeLobMode": mode == "limited",
        "LobMaxSize": _lob_max(opts),
        "LobChunkSize": opts.lob_chunk_size_kb if opts.lob_chunk_size_kb is not None else 64,
        "InlineLobMaxSize": opts.inline_lob_max_size_kb if mode == "inline" else 0,
        "LoadMaxFileSize": 0,
        "BatchApplyEnabled": opts.batch_apply,
        "TaskRecoveryTableEnabled": False,
    }


def _full_load(opts: TaskSettingsOptions) -> dict[str, Any]:
    return {
        "TargetTablePrepMode": opts.target_table_prep_mode,
        "CreatePkAfterFullLoad": opts.create_pk_after_full_load,
        "StopTaskCachedChangesApplied": opts.stop_task_cached_changes_applied,
        "StopTaskCachedChangesNotApplied": opts.stop_task_cached_changes_not_applied,
        "MaxFullLoadSubTasks": opts.max_full_load_subtasks,
        "TransactionConsistencyTimeout": opts.transaction_consistency_timeout,
        "CommitRate": opts.commit_rate,
    }


def _logging(opts: TaskSettingsOptions) -> dict[str, Any]:
    """Logging always on: a failed task without logs cannot be diagnosed. CloudWatchLogGroup/Stream are never
    emitted (AWS owns them)."""
    ids = LOG_COMPONENTS + (("VALIDATOR_EXT",) if opts.validation else ())
    severity = f"LOGGER_SEVERITY_{opts.log_severity}"
    return {"EnableLogging": True, "LogComponents": [{"Id": i, "Severity": severity} for i in ids]}


def _change_tuning(opts: TaskSettingsOptions) -> dict[str, Any]:
    """Transactional-apply and memory fields always (DMS defaults); batch fields only when batch apply is on.
    BatchApplyPreserveTransaction is never sent: DMS reads it only for Oracle targets with BatchApplyEnabled true
    (Target metadata task settings), and batch apply is refused on the (Oracle) reverse target."""
    doc: dict[str, Any] = {
        "MinTransactionSize": 1000,
        "CommitTimeout": 1,
        "MemoryLimitTotal": 1024,
        "MemoryKeepTime": 60,
        "StatementCacheSize": 50,
    }
    if opts.batch_apply:
        doc.update(
            {
                "BatchApplyTimeoutMin": opts.batch_apply_timeout_min,
                "BatchApplyTimeoutMax": opts.batch_apply_timeout_max,
                "BatchApplyMemoryLimit": opts.batch_apply_memory_limit_mb,
                "BatchSplitSize": opts.batch_split_size,
            }
        )
    return doc


def _error_behavior(opts: TaskSettingsOptions) -> dict[str, Any]:
    """Strict (prod): nothing is skipped or merely logged; the task stops and waits for a human.

    - DataErrorPolicy / DataTruncationErrorPolicy STOP_TASK, not SUSPEND_TABLE: a suspended table stops
      receiving changes while the task stays "running" and CDC latency stays low, so the cutover gate
      (latency ~0) would pass with one table silently stale. Stopping keeps all tables mutually consistent.
    - TableErrorPolicy STOP_TASK for the same reason.
    - ApplyErrorDelete/Insert/UpdatePolicy STOP_TASK: after full load (whose overlap with cached changes is
      absorbed by FullLoadIgnoreConflicts) an apply conflict means source and target diverged. LOG_ERROR plus
      escalation would rely on ApplyErrorEscalationCount, where 0 means "never escalate" — a swallowed error.
    - Escalation policies STOP_TASK with count 0: unused because the first-level policies already stop.
    - FailOnTransactionConsistencyBreached true on the forward (Oracle-source) tasks: never start a full load past
      a long-open transaction; DMS documents it for Oracle sources, so the reverse task omits it.
    - Recoverable (connection) errors keep DMS's retry-with-throttling defaults: they are transient.
    Non-strict (dev) is exactly the DMS defaults, spelled out.
    """
    strict = opts.strict_errors
    stop, log = "STOP_TASK", "LOG_ERROR"
    doc: dict[str, Any] = {
        "DataErrorPolicy": stop if strict else log,
        "DataTruncationErrorPolicy": stop if strict else log,
        "DataErrorEscalationPolicy": stop if strict else "SUSPEND_TABLE",
        "DataErrorEscalationCount": 0,
        "TableErrorPolicy": stop if strict else "SUSPEND_TABLE",
        "TableErrorEscalationPolicy": stop,
        "TableErrorEscalationCount": 0,
        "RecoverableErrorCount": -1,
        "RecoverableErrorInterval": 5,
        "RecoverableErrorThrottling": True,
        "RecoverableErrorThrottlingMax": 1800,
        "RecoverableErrorStopRetryAfterThrottlingMax": True,
        "ApplyErrorDeletePolicy": stop if strict else "IGNORE_RECORD",
        "ApplyErrorInsertPolicy": stop if strict else log,
        "ApplyErrorUpdatePolicy": stop if strict else log,
        "ApplyErrorEscalationPolicy": stop if strict else log,
        "ApplyErrorEscalationCount": 0,
        "ApplyErrorFailOnTruncationDdl": False,
        "FailOnNoTablesCaptured": opts.fail_on_no_tables_captured,
        "FullLoadIgnoreConflicts": True,
        "EventErrorPolicy": "IGNORE",
    }
    if opts.target_engine == "postgresql":
        # Documented for Oracle sources only (Error handling task settings): the forward tasks carry it; the
        # reverse task (PostgreSQL source, Oracle target) leaves it out rather than write a setting DMS ignores.
        doc["FailOnTransactionConsistencyBreached"] = strict
    return doc


def _validation(opts: TaskSettingsOptions) -> dict[str, Any]:
    """Partial LOB size defaults, in limited mode, to the most of a LOB the task carries: LobMaxSize, or the
    largest per-table bulk-max-size of its tables, so validation compares every byte each table moved and LOBs
    truncated by design don't fail it; 0 (whole LOBs) when a table is in full LOB mode. CDC validation-only tasks
    wait 180 s for changes to settle (DMS User Guide: Data validation task settings)."""
    partial = opts.validation_partial_lob_size_kb
    if partial is None:
        limited = opts.validation and opts.lob_mode == "limited" and not opts.skip_lob_columns
        partial = _carried_lob_kb(opts) if limited else 0
    cdc_delay = 180 if opts.validation_only and opts.migration_type == "cdc" else 0
    return {
        "EnableValidation": opts.validation,
        "ValidationMode": opts.validation_mode,
        "ThreadCount": opts.validation_threads,
        "PartitionSize": 10000,
        "FailureMaxCount": 10000,
        "TableFailureMaxCount": 1000,
        "RecordFailureDelayInMinutes": 5,
        "RecordSuspendDelayInMinutes": 30,
        "RecordFailureDelayLimitInMinutes": 0,
        "MaxKeyColumnSize": 8096,
        "ValidationOnly": opts.validation_only,
        "HandleCollationDiff": opts.handle_collation_diff,
        "SkipLobColumns": opts.skip_lob_columns,
        "ValidationPartialLobSize": partial,
        "ValidationQueryCdcDelaySeconds": cdc_delay,
    }


def build_task_settings(opts: TaskSettingsOptions) -> dict[str, Any]:
    """The full settings document. ParallelLoad*/ParallelApply* are left out: no effect on PG/Oracle targets.
    The stream buffer is not raised automatically: the LOB column count it depends on isn't known here."""
    check_options(opts)
    ddl = opts.ddl_handling if opts.ddl_handling is not None else opts.target_engine == "postgresql"
    doc: dict[str, Any] = {
        "TargetMetadata": _target_metadata(opts),
        "FullLoadSettings": _full_load(opts),
        "Logging": _logging(opts),
        "ControlTablesSettings": {
            "ControlSchema": _control_schema(opts),
            "HistoryTimeslotInMinutes": 5,
            "HistoryTableEnabled": True,
            "StatusTableEnabled": True,
            "SuspendedTablesTableEnabled": True,
        },
        "StreamBufferSettings": {
            "StreamBufferCount": 3,
            "StreamBufferSizeInMB": opts.stream_buffer_size_mb,
            "CtrlStreamBufferSizeInMB": 5,
        },
        "ChangeProcessingTuning": _change_tuning(opts),
        "ChangeProcessingDdlHandlingPolicy": {
            "HandleSourceTableDropped": ddl,
            "HandleSourceTableTruncated": ddl,
            "HandleSourceTableAltered": ddl,
        },
        "ErrorBehavior": _error_behavior(opts),
        "ValidationSettings": _validation(opts),
    }
    if opts.resync:
        resync: dict[str, Any] = {"EnableResync": True}
        if opts.migration_type in _CDC_TYPES:  # "Cannot be set for tasks without CDC component"
            resync.update({"ResyncSchedule": opts.resync_schedule, "MaxResyncTime": opts.max_resync_minutes})
        doc["ResyncSettings"] = resync
    if opts.loopback is not None:
        doc["LoopbackPreventionSettings"] = {
            "EnableLoopbackPrevention": True,
            "SourceSchema": opts.loopback.source_schema,
            "TargetSchema": opts.loopback.target_schema,
        }
    return doc


def render_json(doc: Mapping[str, Any]) -> str:
    """Canonical text: sorted keys, no whitespace, so equal documents are byte-identical (no perpetual diffs)."""
    return json.dumps(doc, sort_keys=True, separators=(",", ":"))


def strip_read_only(doc: Mapping[str, Any]) -> dict[str, Any]:
    """A copy without the fields AWS owns (e.g. when a document read back from AWS is reused)."""
    out = copy.deepcopy(dict(doc))
    for path in READ_ONLY_FIELDS:
        section, key = path.split(".")
        if isinstance(out.get(section), dict):
            out[section].pop(key, None)
    return out


def check_document(doc: Mapping[str, Any]) -> None:
    """Invariants DMS enforces only at run time, re-checked after user overrides."""
    meta = doc.get("TargetMetadata") or {}
    if meta.get("SupportLobs", True) and bool(meta.get("FullLobMode")) == bool(meta.get("LimitedSizeLobMode", True)):
        _fail("TargetMetadata: with SupportLobs true exactly one of FullLobMode and LimitedSizeLobMode must be true")
    batch = bool(meta.get("BatchApplyEnabled"))
    loop = doc.get("LoopbackPreventionSettings") or {}
    if batch and loop.get("EnableLoopbackPrevention"):
        _fail(
            "TargetMetadata.BatchApplyEnabled cannot be true with LoopbackPreventionSettings.EnableLoopbackPrevention"
        )
    if batch and meta.get("SupportLobs", True) and meta.get("FullLobMode"):
        _fail("TargetMetadata.BatchApplyEnabled cannot be true with FullLobMode (batch apply needs limited LOB mode)")


def _merge(base: dict[str, Any], over: Mapping[str, Any], path: str) -> None:
    for key, value in over.items():
        where = f"{path}.{key}" if path else str(key)
        if where in READ_ONLY_FIELDS:
            _fail(f"overrides: {where} is read-only (AWS sets it; setting it fails on create)")
        current = base.get(key)
        if isinstance(value, Mapping):
            if current is not None and not isinstance(current, dict):
                _fail(f"overrides: {where} is a {type(current).__name__} in the settings, not a mapping")
            _merge(base.setdefault(key, {}) if current is None else current, value, where)
        elif isinstance(current, dict):
            _fail(f"overrides: {where} must be a mapping, got {type(value).__name__}")
        else:
            base[key] = copy.deepcopy(value)


def merge_overrides(doc: Mapping[str, Any], overrides: Mapping[str, Any]) -> dict[str, Any]:
    """Deep-merge the config escape hatch over a built document: mappings merge, everything else replaces."""
    unknown = sorted(str(k) for k in overrides if k not in ALLOWED_SECTIONS)
    if unknown:
        _fail(
            f"overrides: unknown task settings section(s) {', '.join(unknown)}; "
            f"allowed: {', '.join(sorted(ALLOWED_SECTIONS))}"
        )
    out = copy.deepcopy(dict(doc))
    _merge(out, overrides, "")
    check_document(out)
    return out
