import json

import pytest
from pydantic import ValidationError

from migration.dms.task_settings import (
    ALLOWED_SECTIONS,
    READ_ONLY_FIELDS,
    TaskSettingsError,
    TaskSettingsOptions,
    build_task_settings,
    merge_overrides,
    render_json,
    strip_read_only,
)

DMS_DEFAULT_ERRORS = {
    "DataErrorPolicy": "LOG_ERROR",
    "DataTruncationErrorPolicy": "LOG_ERROR",
    "DataErrorEscalationPolicy": "SUSPEND_TABLE",
    "DataErrorEscalationCount": 0,
    "TableErrorPolicy": "SUSPEND_TABLE",
    "TableErrorEscalationPolicy": "STOP_TASK",
    "TableErrorEscalationCount": 0,
    "RecoverableErrorCount": -1,
    "RecoverableErrorInterval": 5,
    "RecoverableErrorThrottling": True,
    "RecoverableErrorThrottlingMax": 1800,
    "RecoverableErrorStopRetryAfterThrottlingMax": True,
    "ApplyErrorDeletePolicy": "IGNORE_RECORD",
    "ApplyErrorInsertPolicy": "LOG_ERROR",
    "ApplyErrorUpdatePolicy": "LOG_ERROR",
    "ApplyErrorEscalationPolicy": "LOG_ERROR",
    "ApplyErrorEscalationCount": 0,
    "ApplyErrorFailOnTruncationDdl": False,
    "FailOnNoTablesCaptured": True,
    "FailOnTransactionConsistencyBreached": False,
    "FullLoadIgnoreConflicts": True,
    "EventErrorPolicy": "IGNORE",
}


def dev_options(**kw):
    base = {
        "migration_type": "full-load",
        "target_table_prep_mode": "DO_NOTHING",
        "lob_mode": "limited",
        "lob_max_size_kb": 64,
        "strict_errors": False,
    }
    return TaskSettingsOptions(**{**base, **kw})


def prod_options(**kw):
    base = {
        "migration_type": "full-load-and-cdc",
        "strict_errors": True,
        "validation": True,
        "batch_apply": False,
        "lob_mode": "limited",
        "lob_max_size_kb": 1024,
    }
    return TaskSettingsOptions(**{**base, **kw})


def reverse_options(**kw):
    base = {"migration_type": "cdc", "target_engine": "oracle", "loopback": ("app", "APP")}
    return TaskSettingsOptions(**{**base, **kw})


def test_dev_document_is_complete_and_uses_dms_defaults():
    doc = build_task_settings(dev_options())
    assert set(doc) == {
        "TargetMetadata",
        "FullLoadSettings",
        "Logging",
        "ControlTablesSettings",
        "StreamBufferSettings",
        "ChangeProcessingTuning",
        "ChangeProcessingDdlHandlingPolicy",
        "ErrorBehavior",
        "ValidationSettings",
    }
    assert doc["TargetMetadata"] == {
        "TargetSchema": "",
        "SupportLobs": True,
        "FullLobMode": False,
        "LimitedSizeLobMode": True,
        "LobMaxSize": 64,
        "LobChunkSize": 64,
        "InlineLobMaxSize": 0,
        "LoadMaxFileSize": 0,
        "BatchApplyEnabled": False,
        "TaskRecoveryTableEnabled": False,
    }
    assert doc["FullLoadSettings"] == {
        "TargetTablePrepMode": "DO_NOTHING",
        "CreatePkAfterFullLoad": False,
        "StopTaskCachedChangesApplied": False,
        "StopTaskCachedChangesNotApplied": False,
        "MaxFullLoadSubTasks": 8,
        "TransactionConsistencyTimeout": 600,
        "CommitRate": 10000,
    }
    assert doc["Logging"] == {
        "EnableLogging": True,
        "LogComponents": [
            {"Id": i, "Severity": "LOGGER_SEVERITY_DEFAULT"}
            for i in ("SOURCE_UNLOAD", "SOURCE_CAPTURE", "TARGET_LOAD", "TARGET_APPLY", "TASK_MANAGER")
        ],
    }
    assert doc["ControlTablesSettings"] == {
        "ControlSchema": "awsdms_control",
        "HistoryTimeslotInMinutes": 5,
        "HistoryTableEnabled": True,
        "StatusTableEnabled": True,
        "SuspendedTablesTableEnabled": True,
    }
    assert doc["StreamBufferSettings"] == {
        "StreamBufferCount": 3,
        "StreamBufferSizeInMB": 8,
        "CtrlStreamBufferSizeInMB": 5,
    }
    assert doc["ChangeProcessingTuning"] == {
        "MinTransactionSize": 1000,
        "CommitTimeout": 1,
        "MemoryLimitTotal": 1024,
        "MemoryKeepTime": 60,
        "StatementCacheSize": 50,
    }
    assert doc["ChangeProcessingDdlHandlingPolicy"] == {
        "HandleSourceTableDropped": True,
        "HandleSourceTableTruncated": True,
        "HandleSourceTableAltered": True,
    }
    assert doc["ErrorBehavior"] == DMS_DEFAULT_ERRORS
    assert doc["ValidationSettings"] == {
        "EnableValidation": False,
        "ValidationMode": "ROW_LEVEL",
        "ThreadCount": 5,
        "PartitionSize": 10000,
        "FailureMaxCount": 10000,
        "TableFailureMaxCount": 1000,
        "RecordFailureDelayInMinutes": 5,
        "RecordSuspendDelayInMinutes": 30,
        "RecordFailureDelayLimitInMinutes": 0,
        "MaxKeyColumnSize": 8096,
        "ValidationOnly": False,
        "HandleCollationDiff": False,
        "SkipLobColumns": False,
        "ValidationPartialLobSize": 0,
        "ValidationQueryCdcDelaySeconds": 0,
    }


def test_prod_document_is_strict_and_validates():
    doc = build_task_settings(
        prod_options(
            stop_task_cached_changes_applied=True, max_full_load_subtasks=16, commit_rate=5000, log_severity="WARNING"
        )
    )
    assert doc["TargetMetadata"]["BatchApplyEnabled"] is False
    assert doc["TargetMetadata"]["LobMaxSize"] == 1024
    assert doc["FullLoadSettings"] == {
        "TargetTablePrepMode": "DO_NOTHING",
        "CreatePkAfterFullLoad": False,
        "StopTaskCachedChangesApplied": True,
        "StopTaskCachedChangesNotApplied": False,
        "MaxFullLoadSubTasks": 16,
        "TransactionConsistencyTimeout": 600,
        "CommitRate": 5000,
    }
    assert [c["Id"] for c in doc["Logging"]["LogComponents"]][-1] == "VALIDATOR_EXT"
    assert {c["Severity"] for c in doc["Logging"]["LogComponents"]} == {"LOGGER_SEVERITY_WARNING"}
    assert doc["ErrorBehavior"] == {
        **DMS_DEFAULT_ERRORS,
        "DataErrorPolicy": "STOP_TASK",
        "DataTruncationErrorPolicy": "STOP_TASK",
        "DataErrorEscalationPolicy": "STOP_TASK",
        "TableErrorPolicy": "STOP_TASK",
        "ApplyErrorDeletePolicy": "STOP_TASK",
        "ApplyErrorInsertPolicy": "STOP_TASK",
        "ApplyErrorUpdatePolicy": "STOP_TASK",
        "ApplyErrorEscalationPolicy": "STOP_TASK",
        "FailOnTransactionConsistencyBreached": True,
    }
    validation = doc["ValidationSettings"]
    assert validation["EnableValidation"] is True and validation["ValidationOnly"] is False
    assert validation["ValidationPartialLobSize"] == 1024  # = LobMaxSize: truncated LOBs are not mismatches
    assert "LoopbackPreventionSettings" not in doc
    assert "BatchApplyTimeoutMin" not in doc["ChangeProcessingTuning"]
    assert "BatchApplyPreserveTransaction" not in doc["ChangeProcessingTuning"]


def test_strict_errors_never_ignore_a_record():
    behavior = build_task_settings(prod_options())["ErrorBehavior"]
    assert "IGNORE_RECORD" not in behavior.values()
    assert "LOG_ERROR" not in behavior.values()


def test_no_parallel_load_or_apply_keys_for_pg_and_oracle_targets():
    for opts in (dev_options(), prod_options(), reverse_options()):
        assert not [k for k in build_task_settings(opts)["TargetMetadata"] if k.startswith("Parallel")]


def test_render_is_canonical_and_byte_identical():
    doc = build_task_settings(prod_options())
    text = render_json(doc)
    assert text == render_json(build_task_settings(prod_options()))
    assert text == render_json(json.loads(text))
    reordered = {k: doc[k] for k in reversed(list(doc))}
    assert render_json(reordered) == text
    assert " " not in text.replace("LOGGER_SEVERITY", "")
    assert text.startswith('{"ChangeProcessingDdlHandlingPolicy":{"HandleSourceTableAltered":true,')


@pytest.mark.parametrize(
    "opts", [dev_options(), prod_options(), reverse_options(), dev_options(log_severity="DETAILED_DEBUG")]
)
def test_no_cloudwatch_fields_anywhere(opts):
    text = render_json(build_task_settings(opts))
    assert "CloudWatchLogGroup" not in text and "CloudWatchLogStream" not in text


def test_reverse_task_has_loopback_and_oracle_only_fields():
    doc = build_task_settings(reverse_options())
    assert doc["LoopbackPreventionSettings"] == {
        "EnableLoopbackPrevention": True,
        "SourceSchema": "app",
        "TargetSchema": "APP",
    }
    # DMS reads BatchApplyPreserveTransaction only with BatchApplyEnabled true (Target metadata task settings)
    assert "BatchApplyPreserveTransaction" not in doc["ChangeProcessingTuning"]
    assert doc["TargetMetadata"]["BatchApplyEnabled"] is False
    assert doc["ChangeProcessingDdlHandlingPolicy"] == {
        "HandleSourceTableDropped": False,
        "HandleSourceTableTruncated": False,
        "HandleSourceTableAltered": False,
    }
    assert doc["ControlTablesSettings"]["ControlSchema"] == ""  # Oracle: the target user's schema, DMS creates none
    assert doc["FullLoadSettings"]["TargetTablePrepMode"] == "DO_NOTHING"
    # documented for Oracle sources; the reverse task reads PostgreSQL, so the key is absent, not false
    assert "FailOnTransactionConsistencyBreached" not in doc["ErrorBehavior"]


def test_forward_task_with_loopback_uses_mapping_form():
    doc = build_task_settings(
        TaskSettingsOptions.model_validate(
            {"migrationType": "full-load-and-cdc", "loopback": {"sourceSchema": "APP", "targetSchema": "app"}}
        )
    )
    assert doc["LoopbackPreventionSettings"] == {
        "EnableLoopbackPrevention": True,
        "SourceSchema": "APP",
        "TargetSchema": "app",
    }


def test_lob_modes():
    full = build_task_settings(dev_options(lob_mode="full", lob_max_size_kb=None, lob_chunk_size_kb=32))
    assert (full["TargetMetadata"]["FullLobMode"], full["TargetMetadata"]["LimitedSizeLobMode"]) == (True, False)
    assert full["TargetMetadata"]["LobChunkSize"] == 32
    inline = build_task_settings(dev_options(lob_mode="inline", lob_max_size_kb=None, inline_lob_max_size_kb=512))
    assert inline["TargetMetadata"]["FullLobMode"] is True and inline["TargetMetadata"]["InlineLobMaxSize"] == 512
    assert inline["TargetMetadata"]["LobChunkSize"] == 64
    none = build_task_settings(dev_options(lob_mode="none", lob_max_size_kb=None))
    assert none["TargetMetadata"]["SupportLobs"] is False
    assert none["TargetMetadata"]["FullLobMode"] is False and none["TargetMetadata"]["LimitedSizeLobMode"] is False
    default_limited = build_task_settings(dev_options(lob_max_size_kb=None))
    assert default_limited["TargetMetadata"]["LobMaxSize"] == 32


def test_batch_apply_emits_batch_tuning():
    doc = build_task_settings(prod_options(batch_apply=True))
    assert doc["TargetMetadata"]["BatchApplyEnabled"] is True
    tuning = doc["ChangeProcessingTuning"]
    assert (
        tuning["BatchApplyTimeoutMin"],
        tuning["BatchApplyTimeoutMax"],
        tuning["BatchApplyMemoryLimit"],
        tuning["BatchSplitSize"],
    ) == (1, 30, 500, 0)


def test_validation_only_cdc_waits_for_changes_and_partial_lob_is_explicit():
    doc = build_task_settings(
        dev_options(
            migration_type="cdc",
            validation=True,
            validation_only=True,
            validation_threads=8,
            validation_partial_lob_size_kb=16,
        )
    )
    v = doc["ValidationSettings"]
    assert (
        v["ValidationOnly"],
        v["ThreadCount"],
        v["ValidationPartialLobSize"],
        v["ValidationQueryCdcDelaySeconds"],
    ) == (True, 8, 16, 180)
    skip = build_task_settings(prod_options(skip_lob_columns=True))["ValidationSettings"]
    assert (skip["SkipLobColumns"], skip["ValidationPartialLobSize"]) == (True, 0)


def test_partial_lob_validation_covers_what_the_tables_carry():
    """Per-table bulk-max-size above LobMaxSize: validation compares that much (it compared the first 1024 KB of a
    15 MB document before); a table in full LOB mode: whole LOBs (0)."""

    def partial(**kw):
        return build_task_settings(prod_options(**kw))["ValidationSettings"]["ValidationPartialLobSize"]

    assert partial(table_lob_sizes_kb=(64, 15360)) == 15360
    assert partial(table_lob_sizes_kb=(512,)) == 1024  # LobMaxSize covers it
    assert partial(table_lob_sizes_kb=(15360, 0)) == 0
    assert partial(table_lob_sizes_kb=(15360,), validation_partial_lob_size_kb=4096) == 4096
    with pytest.raises(TaskSettingsError, match=r"\(20000\) must not exceed lobMaxSizeKb \(1024\) or the largest "):
        build_task_settings(prod_options(table_lob_sizes_kb=(15360,), validation_partial_lob_size_kb=20000))


def test_control_schema_and_no_tables_flag():
    doc = build_task_settings(
        dev_options(control_schema="dms_ctl", fail_on_no_tables_captured=False, stream_buffer_size_mb=32)
    )
    assert doc["ControlTablesSettings"]["ControlSchema"] == "dms_ctl"
    assert doc["ErrorBehavior"]["FailOnNoTablesCaptured"] is False
    assert doc["StreamBufferSettings"]["StreamBufferSizeInMB"] == 32


@pytest.mark.parametrize(
    ("opts", "message"),
    [
        (lambda: dev_options(batch_apply=True), "batchApply needs migrationType cdc or full-load-and-cdc"),
        (lambda: reverse_options(batch_apply=True, loopback=None), "batchApply is only allowed on a postgresql target"),
        (
            lambda: prod_options(batch_apply=True, loopback=("APP", "app")),
            "batchApply cannot be combined with loopback",
        ),
        (
            lambda: prod_options(batch_apply=True, lob_mode="full", lob_max_size_kb=None),
            "batchApply cannot be combined with lobMode full",
        ),
        (
            lambda: prod_options(batch_apply=True, lob_mode="inline", lob_max_size_kb=None, inline_lob_max_size_kb=8),
            "batchApply cannot be combined with lobMode inline",
        ),
        (
            lambda: dev_options(stop_task_cached_changes_applied=True),
            "stopTaskCachedChangesApplied/NotApplied only apply to migrationType full-load-and-cdc",
        ),
        (
            lambda: prod_options(stop_task_cached_changes_applied=True, stop_task_cached_changes_not_applied=True),
            "stopTaskCachedChangesApplied and stopTaskCachedChangesNotApplied are mutually exclusive",
        ),
        (lambda: dev_options(validation_only=True), "validationOnly needs validation: true"),
        (
            lambda: dev_options(validation=True, validation_only=True, target_table_prep_mode="TRUNCATE_BEFORE_LOAD"),
            "validationOnly needs targetTablePrepMode DO_NOTHING",
        ),
        (lambda: prod_options(validation_only=True), "validationOnly needs migrationType full-load or cdc"),
        (lambda: dev_options(lob_mode="full"), "lobMaxSizeKb only applies to lobMode limited (lobMode is full)"),
        (lambda: dev_options(lob_chunk_size_kb=32), "lobChunkSizeKb only applies to lobMode full or inline"),
        (lambda: dev_options(inline_lob_max_size_kb=8), "inlineLobMaxSizeKb only applies to lobMode inline"),
        (lambda: dev_options(lob_mode="inline", lob_max_size_kb=None), "lobMode inline needs inlineLobMaxSizeKb"),
        (lambda: dev_options(loopback=("APP", "app")), "loopback needs migrationType cdc or full-load-and-cdc"),
        (
            lambda: reverse_options(migration_type="full-load-and-cdc"),
            "an oracle target (reverse task) must use migrationType cdc",
        ),
        (
            lambda: reverse_options(target_table_prep_mode="TRUNCATE_BEFORE_LOAD"),
            "an oracle target (reverse task) needs targetTablePrepMode DO_NOTHING",
        ),
        (lambda: reverse_options(ddl_handling=True), "ddlHandling must be false on an oracle target"),
        (
            lambda: prod_options(validation_partial_lob_size_kb=2048),
            "validationPartialLobSizeKb (2048) must not exceed lobMaxSizeKb (1024)",
        ),
        (
            lambda: prod_options(validation_partial_lob_size_kb=8, skip_lob_columns=True),
            "validationPartialLobSizeKb has no effect with skipLobColumns: true",
        ),
        (lambda: dev_options(control_schema="DMS"), "controlSchema 'DMS' is not a valid postgresql schema name"),
        (lambda: reverse_options(control_schema="dms"), "controlSchema 'dms' is not a valid oracle schema name"),
        (
            lambda: reverse_options(loopback=("APP", "app")),
            "loopback.targetSchema 'app' is not a valid oracle schema name",
        ),
    ],
)
def test_contradictions_raise_one_line_naming_the_option(opts, message):
    with pytest.raises(TaskSettingsError) as err:
        build_task_settings(opts())
    assert str(err.value).startswith(message)
    assert "\n" not in str(err.value)


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("maxFullLoadSubtasks", 50),
        ("maxFullLoadSubtasks", 0),
        ("commitRate", 50001),
        ("lobMaxSizeKb", 102401),
        ("lobChunkSizeKb", 65),
        ("migrationType", "cdc-only"),
        ("targetTablePrepMode", "TRUNCATE"),
        ("logSeverity", "INFO"),
        ("lobMode", "unlimited"),
        ("unknownOption", 1),
    ],
)
def test_out_of_range_values_name_the_field(field, value):
    with pytest.raises(ValidationError) as err:
        TaskSettingsOptions.model_validate({"migrationType": "full-load", field: value})
    assert err.value.errors()[0]["loc"] == (field,)


def test_loopback_pair_must_have_two_items():
    with pytest.raises(ValidationError, match="loopback must be a"):
        TaskSettingsOptions(migration_type="cdc", loopback=("APP",))


def test_merge_overrides_deep_merges_and_keeps_base_untouched():
    base = build_task_settings(dev_options())
    merged = merge_overrides(
        base,
        {
            "FullLoadSettings": {"CommitRate": 2000},
            "Logging": {"LogComponents": [{"Id": "TARGET_LOAD", "Severity": "LOGGER_SEVERITY_DEBUG"}]},
            "CharacterSetSettings": {"CharacterReplacements": []},
        },
    )
    assert merged["FullLoadSettings"]["CommitRate"] == 2000
    assert merged["FullLoadSettings"]["MaxFullLoadSubTasks"] == 8
    assert merged["Logging"] == {
        "EnableLogging": True,
        "LogComponents": [{"Id": "TARGET_LOAD", "Severity": "LOGGER_SEVERITY_DEBUG"}],
    }
    assert merged["CharacterSetSettings"] == {"CharacterReplacements": []}
    assert base["FullLoadSettings"]["CommitRate"] == 10000


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        (
            {"TargetMetaData": {}},
            "overrides: unknown task settings section(s) TargetMetaData; allowed: BeforeImageSettings",
        ),
        ({"Logging": {"CloudWatchLogGroup": "g"}}, "overrides: Logging.CloudWatchLogGroup is read-only"),
        ({"Logging": {"CloudWatchLogStream": "s"}}, "overrides: Logging.CloudWatchLogStream is read-only"),
        ({"Logging": True}, "overrides: Logging must be a mapping, got bool"),
        (
            {"FullLoadSettings": {"CommitRate": {"x": 1}}},
            "overrides: FullLoadSettings.CommitRate is a int in the settings",
        ),
        ({"TargetMetadata": {"FullLobMode": True}}, "TargetMetadata: with SupportLobs true exactly one of FullLobMode"),
        (
            {
                "TargetMetadata": {"BatchApplyEnabled": True},
                "LoopbackPreventionSettings": {
                    "EnableLoopbackPrevention": True,
                    "SourceSchema": "A",
                    "TargetSchema": "a",
                },
            },
            "TargetMetadata.BatchApplyEnabled cannot be true with LoopbackPreventionSettings",
        ),
    ],
)
def test_merge_overrides_rejects_bad_overrides(overrides, message):
    with pytest.raises(TaskSettingsError) as err:
        merge_overrides(build_task_settings(dev_options()), overrides)
    assert str(err.value).startswith(message)


def test_read_only_fields_and_sections_constants():
    assert READ_ONLY_FIELDS == {"Logging.CloudWatchLogGroup", "Logging.CloudWatchLogStream"}
    assert {"TargetMetadata", "ErrorBehavior", "LoopbackPreventionSettings"} <= ALLOWED_SECTIONS
    echoed = {
        "Logging": {"EnableLogging": True, "CloudWatchLogGroup": "dms-tasks-x", "CloudWatchLogStream": "y"},
        "FullLoadSettings": {"CommitRate": 1},
    }
    assert strip_read_only(echoed) == {"Logging": {"EnableLogging": True}, "FullLoadSettings": {"CommitRate": 1}}
    assert "CloudWatchLogGroup" in echoed["Logging"]
