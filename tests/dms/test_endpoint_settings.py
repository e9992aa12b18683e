import inspect

import pulumi_aws.dms as aws_dms
import pytest
from pydantic import ValidationError

from migration.config import (
    OracleSourceSettings,
    OracleTargetSettings,
    PostgresSourceSettings,
    PostgresTargetSettings,
)

ORACLE_KWARGS = set(inspect.signature(aws_dms.EndpointOracleSettingsArgs.__init__).parameters) - {"__self__", "self"}
POSTGRES_KWARGS = set(inspect.signature(aws_dms.EndpointPostgresSettingsArgs.__init__).parameters) - {
    "__self__",
    "self",
}


ORACLE_SOURCE_DEFAULTS = {
    "add_supplemental_logging": False,
    "archived_logs_only": False,
    "char_length_semantics": "default",
    "convert_timestamp_with_zone_to_utc": False,
    "fail_task_on_lob_truncation": True,
    "number_datatype_scale": 10,
    "open_transaction_window": 0,
    "trim_space_in_char": True,
    "use_bfile": False,
    "use_logminer_reader": True,
}


def test_oracle_source_sends_every_setting_it_relies_on_defaults_included():
    """numberDatatypeScale 10 must reach AWS as 10: a provider that fills an unset number with 0 drops decimals."""
    s = OracleSourceSettings()
    assert s.to_provider_args() == ORACLE_SOURCE_DEFAULTS
    assert s.archive_log_retention_hours == 24
    assert s.extra_connection_attributes() is None


def test_binary_reader_args():
    args = OracleSourceSettings(reader="binary-reader").to_provider_args()
    assert args == {**ORACLE_SOURCE_DEFAULTS, "use_bfile": True, "use_logminer_reader": False}


def test_binary_reader_on_legacy_rds_rewrites_redo_paths():
    s = OracleSourceSettings.model_validate(
        {"reader": "binary-reader", "rdsOracleVersionLegacy": True, "dbName": "orcl"}
    )
    assert s.to_provider_args() == {
        **ORACLE_SOURCE_DEFAULTS,
        "access_alternate_directly": False,
        "oracle_path_prefix": "/rdsdbdata/db/ORCL_A/",
        "replace_path_prefix": True,
        "use_alternate_folder_for_online": True,
        "use_bfile": True,
        "use_logminer_reader": False,
        "use_path_prefix": "/rdsdbdata/log/",
    }


def test_oracle_source_values_are_emitted_sorted():
    s = OracleSourceSettings.model_validate(
        {
            "addSupplementalLogging": True,
            "archivedLogDestId": 1,
            "additionalArchivedLogDestId": 2,
            "archivedLogsOnly": True,
            "numberDatatypeScale": -2,
            "charLengthSemantics": "char",
            "failTasksOnLobTruncation": False,
            "openTransactionWindow": 30,
            "convertTimestampWithZoneToUtc": True,
            "trimSpaceInChar": False,
            "spatialDataOptionToGeoJsonFunctionName": "MY_SDO2GEOJSON",
        }
    )
    args = s.to_provider_args()
    assert args == {
        "add_supplemental_logging": True,
        "additional_archived_log_dest_id": 2,
        "archived_log_dest_id": 1,
        "archived_logs_only": True,
        "char_length_semantics": "char",
        "convert_timestamp_with_zone_to_utc": True,
        "fail_task_on_lob_truncation": False,
        "number_datatype_scale": -2,
        "open_transaction_window": 30,
        "spatial_data_option_to_geo_json_function_name": "MY_SDO2GEOJSON",
        "trim_space_in_char": False,
        "use_bfile": False,
        "use_logminer_reader": True,
    }
    assert list(args) == sorted(args)


def test_filter_transactions_of_user_is_the_only_extra_connection_attribute():
    s = OracleSourceSettings(filter_transactions_of_user=["DMS_REVERSE", "APP$SYNC"])
    assert s.extra_connection_attributes() == "filterTransactionsOfUser=DMS_REVERSE,APP$SYNC"
    assert "filter_transactions_of_user" not in s.to_provider_args()


def test_postgres_target_sends_its_settings_explicitly():
    assert PostgresTargetSettings().to_provider_args() == {
        "after_connect_script": "SET session_replication_role = 'replica'",
        "execute_timeout": 3600,
        "map_boolean_as_boolean": False,
        "max_file_size": 32768,
    }
    s = PostgresTargetSettings.model_validate(
        {"afterConnectScript": None, "executeTimeout": 60, "maxFileSize": 65536, "mapBooleanAsBoolean": True}
    )
    assert s.to_provider_args() == {"execute_timeout": 60, "map_boolean_as_boolean": True, "max_file_size": 65536}


@pytest.mark.parametrize("model", [PostgresTargetSettings, OracleTargetSettings])
def test_lob_truncation_is_refused_on_targets_where_dms_does_not_document_it(model):
    with pytest.raises(ValidationError, match="failTasksOnLobTruncation is a source-endpoint setting"):
        model.model_validate({"failTasksOnLobTruncation": True})


def test_postgres_source_defaults_keep_slot_alive_and_ddl_out():
    assert PostgresSourceSettings().to_provider_args() == {
        "capture_ddls": False,
        "fail_tasks_on_lob_truncation": True,
        "heartbeat_enable": True,
        "heartbeat_frequency": 5,
        "heartbeat_schema": "public",
        "map_boolean_as_boolean": False,
        "map_jsonb_as_clob": False,
        "plugin_name": "test-decoding",
    }
    s = PostgresSourceSettings.model_validate(
        {
            "pluginName": "pglogical",
            "slotName": "dms_rev_1",
            "heartbeatFrequency": 1,
            "heartbeatSchema": "awsdms_heartbeat",
            "captureDdls": True,
            "ddlArtifactsSchema": "awsdms_ddl",
            "mapBooleanAsBoolean": True,
            "mapJsonbAsClob": True,
        }
    )
    assert s.to_provider_args() == {
        "capture_ddls": True,
        "ddl_artifacts_schema": "awsdms_ddl",
        "fail_tasks_on_lob_truncation": True,
        "heartbeat_enable": True,
        "heartbeat_frequency": 1,
        "heartbeat_schema": "awsdms_heartbeat",
        "map_boolean_as_boolean": True,
        "map_jsonb_as_clob": True,
        "plugin_name": "pglogical",
        "slot_name": "dms_rev_1",
    }
    off = PostgresSourceSettings(heartbeat_enable=False).to_provider_args()
    assert off["heartbeat_enable"] is False and "heartbeat_frequency" not in off


def test_oracle_target_defaults_turn_direct_path_off():
    assert OracleTargetSettings().to_provider_args() == {
        "char_length_semantics": "default",
        "direct_path_no_log": False,
        "direct_path_parallel_load": False,
        "use_direct_path_full_load": False,
    }
    s = OracleTargetSettings(
        use_direct_path_full_load=True,
        direct_path_parallel_load=True,
        direct_path_no_log=True,
        char_length_semantics="byte",
        retry_interval=10,
    )
    assert s.to_provider_args() == {
        "char_length_semantics": "byte",
        "direct_path_no_log": True,
        "direct_path_parallel_load": True,
        "retry_interval": 10,
        "use_direct_path_full_load": True,
    }


@pytest.mark.parametrize(
    "settings",
    [
        OracleSourceSettings(),
        OracleSourceSettings(reader="binary-reader", rds_oracle_version_legacy=True, db_name="X"),
        OracleSourceSettings(
            add_supplemental_logging=True,
            archived_log_dest_id=1,
            additional_archived_log_dest_id=2,
            archived_logs_only=True,
            number_datatype_scale=0,
            char_length_semantics="byte",
            open_transaction_window=1,
            convert_timestamp_with_zone_to_utc=True,
            trim_space_in_char=False,
            spatial_data_option_to_geo_json_function_name="F",
        ),
        OracleTargetSettings(
            use_direct_path_full_load=True,
            direct_path_parallel_load=True,
            direct_path_no_log=True,
            char_length_semantics="char",
            retry_interval=5,
        ),
    ],
)
def test_oracle_args_are_provider_kwargs(settings):
    args = settings.to_provider_args()
    assert set(args) <= ORACLE_KWARGS
    built = aws_dms.EndpointOracleSettingsArgs(**args)
    assert built.use_logminer_reader == args.get("use_logminer_reader")


@pytest.mark.parametrize(
    "settings",
    [
        PostgresTargetSettings(),
        PostgresTargetSettings(max_file_size=1, map_boolean_as_boolean=True, execute_timeout=5),
        PostgresSourceSettings(
            slot_name="s",
            capture_ddls=True,
            ddl_artifacts_schema="d",
            map_boolean_as_boolean=True,
            map_jsonb_as_clob=True,
        ),
    ],
)
def test_postgres_args_are_provider_kwargs(settings):
    args = settings.to_provider_args()
    assert set(args) <= POSTGRES_KWARGS
    built = aws_dms.EndpointPostgresSettingsArgs(**args)
    assert built.map_boolean_as_boolean == args["map_boolean_as_boolean"]


@pytest.mark.parametrize(
    ("model", "data", "loc", "message"),
    [
        (OracleSourceSettings, {"useLogminerReader": False}, ("useLogminerReader",), "Extra inputs are not permitted"),
        (OracleSourceSettings, {"reader": "binary"}, ("reader",), "'logminer' or 'binary-reader'"),
        (OracleSourceSettings, {"numberDatatypeScale": 39}, ("numberDatatypeScale",), "less than or equal to 38"),
        (OracleSourceSettings, {"numberDatatypeScale": -3}, ("numberDatatypeScale",), "greater than or equal to -2"),
        (OracleSourceSettings, {"openTransactionWindow": 241}, ("openTransactionWindow",), "less than or equal to 240"),
        (OracleSourceSettings, {"archiveLogRetentionHours": 0}, ("archiveLogRetentionHours",), "greater than or equal"),
        (OracleSourceSettings, {"archiveLogRetentionHours": 169}, ("archiveLogRetentionHours",), "less than or equal"),
        (OracleSourceSettings, {"archivedLogDestId": 32}, ("archivedLogDestId",), "less than or equal to 31"),
        (
            OracleSourceSettings,
            {"charLengthSemantics": "CHAR"},
            ("charLengthSemantics",),
            "'default', 'char' or 'byte'",
        ),
        (OracleSourceSettings, {"dbName": "1ORCL"}, ("dbName",), "should match pattern"),
        (
            OracleSourceSettings,
            {"filterTransactionsOfUser": ["dms_user"]},
            ("filterTransactionsOfUser",),
            "'dms_user' is not an upper-case Oracle user name",
        ),
        (OracleSourceSettings, {"filterTransactionsOfUser": []}, ("filterTransactionsOfUser",), "at least one user"),
        (OracleSourceSettings, {"filterTransactionsOfUser": ["A", "A"]}, ("filterTransactionsOfUser",), "unique"),
        (PostgresTargetSettings, {"executeTimeout": 0}, ("executeTimeout",), "greater than or equal to 1"),
        (PostgresTargetSettings, {"maxFileSize": 0}, ("maxFileSize",), "greater than or equal to 1"),
        (PostgresTargetSettings, {"afterConnectScript": "SET a=1;\nSET b=2"}, ("afterConnectScript",), "single"),
        (PostgresTargetSettings, {"afterConnectScript": "   "}, ("afterConnectScript",), "single non-blank line"),
        (PostgresTargetSettings, {"mapBooleanAsBool": True}, ("mapBooleanAsBool",), "Extra inputs are not permitted"),
        (PostgresSourceSettings, {"pluginName": "test_decoding"}, ("pluginName",), "'test-decoding', 'pglogical'"),
        (PostgresSourceSettings, {"slotName": "Dms-Slot"}, ("slotName",), "should match pattern"),
        (PostgresSourceSettings, {"slotName": "s" * 64}, ("slotName",), "should match pattern"),
        (PostgresSourceSettings, {"heartbeatFrequency": 0}, ("heartbeatFrequency",), "greater than or equal to 1"),
        (PostgresSourceSettings, {"heartbeatSchema": "Public"}, ("heartbeatSchema",), "should match pattern"),
        (OracleTargetSettings, {"retryInterval": 0}, ("retryInterval",), "greater than or equal to 1"),
        (OracleTargetSettings, {"charLengthSemantics": "chars"}, ("charLengthSemantics",), "'default', 'char'"),
    ],
)
def test_invalid_values_name_the_field(model, data, loc, message):
    with pytest.raises(ValidationError) as err:
        model.model_validate(data)
    error = err.value.errors()[0]
    assert error["loc"] == loc
    assert message in error["msg"]


@pytest.mark.parametrize(
    ("model", "data", "message"),
    [
        (
            OracleSourceSettings,
            {"rdsOracleVersionLegacy": True, "dbName": "ORCL"},
            "rdsOracleVersionLegacy is a binary-reader-only option: it needs reader: binary-reader",
        ),
        (
            OracleSourceSettings,
            {"reader": "binary-reader", "rdsOracleVersionLegacy": True},
            "rdsOracleVersionLegacy needs dbName",
        ),
        (OracleSourceSettings, {"dbName": "ORCL"}, "dbName is only used with rdsOracleVersionLegacy: true"),
        (
            OracleSourceSettings,
            {"reader": "binary-reader", "filterTransactionsOfUser": ["DMS"]},
            "filterTransactionsOfUser works with reader: logminer only",
        ),
        (
            OracleSourceSettings,
            {"additionalArchivedLogDestId": 2},
            "additionalArchivedLogDestId needs archivedLogDestId",
        ),
        (OracleSourceSettings, {"archivedLogDestId": 2, "additionalArchivedLogDestId": 2}, "must differ"),
        (
            OracleSourceSettings,
            {"asmServer": "10.0.0.1:1521/+ASM", "readAheadBlocks": 2000},
            "asmServer, readAheadBlocks: ASM settings are for self-managed Oracle only",
        ),
        (OracleSourceSettings, {"parallel_asm_read_threads": 4}, "parallel_asm_read_threads: ASM settings"),
        (
            PostgresSourceSettings,
            {"heartbeatEnable": False, "heartbeatFrequency": 5},
            "heartbeatFrequency/heartbeatSchema need heartbeatEnable: true",
        ),
        (PostgresSourceSettings, {"ddlArtifactsSchema": "public"}, "ddlArtifactsSchema needs captureDdls: true"),
        (
            OracleTargetSettings,
            {"directPathNoLog": True},
            "directPathParallelLoad/directPathNoLog need useDirectPathFull",
        ),
    ],
)
def test_cross_field_errors(model, data, message):
    with pytest.raises(ValidationError) as err:
        model.model_validate(data)
    assert message in err.value.errors()[0]["msg"]
    assert "\n" not in err.value.errors()[0]["msg"]


def test_models_are_frozen():
    s = OracleSourceSettings()
    with pytest.raises(ValidationError):
        s.reader = "binary-reader"  # type: ignore[misc]
