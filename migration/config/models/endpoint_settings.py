"""The `settings:` block of each connection: typed, validated endpoint settings for the forward (Oracle ->
PostgreSQL) and reverse (PostgreSQL -> Oracle) paths; `to_provider_args()` gives what DMS receives
(migration.dms.endpoint_settings).

Why typed: DMS stores unknown or contradictory endpoint settings without complaint and fails (or drops
changes) only when a task runs. Defaults here differ from DMS where DMS's default loses data silently
(LOB truncation) or breaks the fallback (heartbeat, DDL capture).
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field, field_validator, model_validator

from migration._model import StrictModel
from migration.config.patterns import ORACLE_NAME_RE
from migration.dms.endpoint_settings import (
    ASM_SETTINGS,
    DEFAULT_HEARTBEAT_FREQUENCY_MIN,
    DEFAULT_HEARTBEAT_SCHEMA,
    LOB_TRUNCATION_SETTING,
    PG_IDENTIFIER,
    CharLengthSemantics,
    filter_transactions_attribute,
    oracle_reader_args,
    provider_settings,
)


def _source_only_lob_truncation(data: Any, where: str) -> Any:
    """FailTasksOnLobTruncation is documented for Oracle and PostgreSQL *source* endpoints only (DMS guide: endpoint
    settings when using Oracle / PostgreSQL as a source); on a target endpoint it does nothing."""
    if isinstance(data, dict) and LOB_TRUNCATION_SETTING & set(data):
        raise ValueError(
            f"failTasksOnLobTruncation is a source-endpoint setting in DMS and does nothing on {where}; "
            "set it on the source endpoint that reads the LOBs"
        )
    return data


class OracleSourceSettings(StrictModel):
    """RDS for Oracle as the CDC source."""

    reader: Literal["logminer", "binary-reader"] = Field(
        default="logminer",
        description="How DMS reads redo: LogMiner (UseLogminerReader) or Binary Reader (UseBFile). With LogMiner, "
        "UPDATEs changing only LOB columns are not replicated (see migration.lobUpdatesNotReplicated).",
    )
    # RDS 11.2 / 12.1 with Binary Reader need the redo path rewritten to the RDS directories (section 3.1).
    rds_oracle_version_legacy: bool = Field(
        default=False,
        description="RDS for Oracle 11.2 / 12.1 with binary-reader: rewrite the redo paths to the RDS directories "
        "(AccessAlternateDirectly, UseAlternateFolderForOnline, OraclePathPrefix, UsePathPrefix, "
        "ReplacePathPrefix). Needs dbName.",
    )
    db_name: str | None = Field(
        default=None,
        pattern=r"^[A-Za-z][A-Za-z0-9]{0,7}$",
        description="The RDS Oracle DB name used in the redo path; only with rdsOracleVersionLegacy: true.",
    )
    add_supplemental_logging: bool = Field(
        default=False, description="AddSupplementalLogging: let DMS enable table-level supplemental logging."
    )
    archived_log_dest_id: int | None = Field(
        default=None, ge=1, le=31, description="ArchivedLogDestId: the archive destination DMS reads redo from."
    )
    additional_archived_log_dest_id: int | None = Field(
        default=None,
        ge=1,
        le=31,
        description="AdditionalArchivedLogDestId: a second destination, different from archivedLogDestId (needs it).",
    )
    archived_logs_only: bool = Field(
        default=False, description="ArchivedLogsOnly: read archived redo only, never the online logs."
    )
    number_datatype_scale: int = Field(
        default=10,
        ge=-2,
        le=38,
        description="NumberDatatypeScale: the scale for NUMBER columns without precision (-1: as a string, -2: as "
        "a float); also used by the PostgreSQL type mapping.",
    )
    char_length_semantics: CharLengthSemantics = Field(
        default="default", description="CharLengthSemantics: whether character column lengths count bytes or chars."
    )
    # Limited LOB mode truncates silently (a log warning) unless this is on.
    fail_tasks_on_lob_truncation: bool = Field(
        default=True,
        description="FailTasksOnLobTruncation: stop the task instead of truncating a LOB larger than the limited "
        "LOB size (which DMS otherwise only logs).",
    )
    open_transaction_window: int = Field(
        default=0, ge=0, le=240, description="OpenTransactionWindow in minutes, for CDC-only tasks."
    )
    convert_timestamp_with_zone_to_utc: bool = Field(
        default=False, description="ConvertTimestampWithZoneToUTC: convert TIMESTAMP WITH TIME ZONE values to UTC."
    )
    trim_space_in_char: bool = Field(
        default=True, description="TrimSpaceInChar: trim trailing spaces of CHAR values (the DMS default)."
    )
    spatial_data_option_to_geo_json_function_name: str | None = Field(
        default=None,
        min_length=1,
        description="SpatialDataOptionToGeoJsonFunctionName: the function converting SDO_GEOMETRY to GeoJSON.",
    )
    # Not an endpoint setting: the prerequisites SQL sets 'archivelog retention hours' from it (section 3.2).
    archive_log_retention_hours: int = Field(
        default=24,
        ge=1,
        le=168,
        description="Not sent to DMS: the prerequisites SQL sets RDS 'archivelog retention hours' to this.",
    )
    # LogMiner only: the ONE extra connection attribute we send; drops the reverse task's writes (section 8).
    filter_transactions_of_user: tuple[str, ...] | None = Field(
        default=None,
        description="filterTransactionsOfUser extra connection attribute (LogMiner only): upper-case Oracle users "
        "whose changes are not captured; must name the reverse task's user when reverse is enabled.",
    )

    @model_validator(mode="before")
    @classmethod
    def _refuse_asm(cls, data: Any) -> Any:
        if isinstance(data, dict):
            asm = sorted(k for k in data if k in ASM_SETTINGS)
            if asm:
                raise ValueError(
                    f"{', '.join(asm)}: ASM settings are for self-managed Oracle only; "
                    "RDS for Oracle is not reachable through ASM"
                )
        return data

    @field_validator("filter_transactions_of_user")
    @classmethod
    def _users(cls, users: tuple[str, ...] | None) -> tuple[str, ...] | None:
        if users is None:
            return None
        if not users:
            raise ValueError("list at least one user or leave it out")
        for user in users:
            if not ORACLE_NAME_RE.match(user):
                raise ValueError(f"{user!r} is not an upper-case Oracle user name (A-Z, 0-9, _ $ #)")
        if len(set(users)) != len(users):
            raise ValueError("user names must be unique")
        return users

    @model_validator(mode="after")
    def _cross(self) -> OracleSourceSettings:
        binary = self.reader == "binary-reader"
        if self.rds_oracle_version_legacy and not binary:
            raise ValueError("rdsOracleVersionLegacy is a binary-reader-only option: it needs reader: binary-reader")
        if self.rds_oracle_version_legacy and self.db_name is None:
            raise ValueError("rdsOracleVersionLegacy needs dbName (the RDS Oracle DB name used in the redo path)")
        if self.db_name is not None and not self.rds_oracle_version_legacy:
            raise ValueError("dbName is only used with rdsOracleVersionLegacy: true")
        if self.filter_transactions_of_user is not None and binary:
            raise ValueError("filterTransactionsOfUser works with reader: logminer only")
        if self.additional_archived_log_dest_id is not None:
            if self.archived_log_dest_id is None:
                raise ValueError("additionalArchivedLogDestId needs archivedLogDestId")
            if self.additional_archived_log_dest_id == self.archived_log_dest_id:
                raise ValueError("additionalArchivedLogDestId must differ from archivedLogDestId")
        return self

    def to_provider_args(self) -> dict[str, Any]:
        args = oracle_reader_args(
            binary_reader=self.reader == "binary-reader",
            legacy_rds_db_name=(self.db_name or "") if self.rds_oracle_version_legacy else None,
        )
        args.update(
            {
                "add_supplemental_logging": self.add_supplemental_logging,
                "archived_log_dest_id": self.archived_log_dest_id,
                "additional_archived_log_dest_id": self.additional_archived_log_dest_id,
                "archived_logs_only": self.archived_logs_only,
                "number_datatype_scale": self.number_datatype_scale,
                "char_length_semantics": self.char_length_semantics,
                "fail_task_on_lob_truncation": self.fail_tasks_on_lob_truncation,
                "open_transaction_window": self.open_transaction_window,
                "convert_timestamp_with_zone_to_utc": self.convert_timestamp_with_zone_to_utc,
                "trim_space_in_char": self.trim_space_in_char,
                "spatial_data_option_to_geo_json_function_name": self.spatial_data_option_to_geo_json_function_name,
            }
        )
        return provider_settings(args)

    def extra_connection_attributes(self) -> str | None:
        return filter_transactions_attribute(self.filter_transactions_of_user)


class PostgresTargetSettings(StrictModel):
    """RDS/Aurora PostgreSQL as the forward target."""

    # Session-level replica role: FK and user triggers don't fire for DMS sessions, so tables can load in any
    # order and application triggers don't double-apply; scoped to DMS, unlike the instance parameter
    # (section 4.2). None disables it (then create FKs after the load).
    after_connect_script: str | None = Field(
        default="SET session_replication_role = 'replica'",
        min_length=1,
        description="AfterConnectScript: one line of SQL run on each DMS session. The default keeps foreign keys and "
        "user triggers from firing for DMS; null disables it (then create foreign keys after the load).",
    )
    # DMS's 60 s statement timeout kills large COPY batches and commits on big tables; an hour is generous
    # yet still catches a hung statement.
    execute_timeout: int = Field(
        default=3600, ge=1, description="ExecuteTimeout in seconds for statements DMS runs (DMS default: 60)."
    )
    max_file_size: int = Field(
        default=32768, ge=1, le=1048576, description="MaxFileSize in KB of the CSV files DMS loads with COPY."
    )
    map_boolean_as_boolean: bool = Field(
        default=False, description="MapBooleanAsBoolean: write booleans as boolean instead of varchar(5)."
    )

    @model_validator(mode="before")
    @classmethod
    def _no_lob_truncation(cls, data: Any) -> Any:
        return _source_only_lob_truncation(data, "a PostgreSQL target")

    @field_validator("after_connect_script")
    @classmethod
    def _one_statement_line(cls, script: str | None) -> str | None:
        if script is not None and ("\n" in script or not script.strip()):
            raise ValueError("must be a single non-blank line of SQL")
        return script

    def to_provider_args(self) -> dict[str, Any]:
        return provider_settings(
            {
                "after_connect_script": self.after_connect_script,
                "execute_timeout": self.execute_timeout,
                "max_file_size": self.max_file_size,
                "map_boolean_as_boolean": self.map_boolean_as_boolean,
            }
        )


class PostgresSourceSettings(StrictModel):
    """PostgreSQL as the reverse (fallback) CDC source."""

    # test-decoding by default: deterministic whatever extensions exist, works with REPLICA IDENTITY FULL and
    # matches a slot pre-created with pg_create_logical_replication_slot(..., 'test_decoding') at cutover.
    plugin_name: Literal["test-decoding", "pglogical", "no-preference"] = Field(
        default="test-decoding",
        description="PluginName: the logical decoding plugin of the replication slot.",
    )
    slot_name: str | None = Field(
        default=None,
        pattern=PG_IDENTIFIER,
        description="SlotName: a logical replication slot created at cutover; reverse.cdcStartPosition is then "
        "checked against it.",
    )
    # An idle slot pins WAL until storage fills; the heartbeat keeps restart_lsn moving (section 5.1).
    heartbeat_enable: bool = Field(
        default=True,
        description="HeartbeatEnable: write a heartbeat so an idle slot does not hold WAL until storage fills.",
    )
    heartbeat_frequency: int | None = Field(
        default=None,
        ge=1,
        le=1440,
        description=f"HeartbeatFrequency in minutes (sent as {DEFAULT_HEARTBEAT_FREQUENCY_MIN} when unset); needs "
        "heartbeatEnable.",
    )
    heartbeat_schema: str | None = Field(
        default=None,
        pattern=PG_IDENTIFIER,
        description=f"HeartbeatSchema for the heartbeat table (sent as {DEFAULT_HEARTBEAT_SCHEMA} when unset); needs "
        "heartbeatEnable.",
    )
    # No DDL flows back on the reverse path; loopback prevention does not cover DDL.
    capture_ddls: bool = Field(
        default=False,
        description="CaptureDdls: capture DDL through event triggers; off because no DDL flows back to Oracle.",
    )
    ddl_artifacts_schema: str | None = Field(
        default=None,
        pattern=PG_IDENTIFIER,
        description="DdlArtifactsSchema for the DDL capture objects; needs captureDdls.",
    )
    map_boolean_as_boolean: bool = Field(default=False, description="MapBooleanAsBoolean: read booleans as booleans.")
    map_jsonb_as_clob: bool = Field(default=False, description="MapJsonbAsClob: read jsonb as a CLOB instead of NCLOB.")
    fail_tasks_on_lob_truncation: bool = Field(
        default=True,
        description="FailTasksOnLobTruncation: stop the reverse task instead of truncating a LOB; must stay true "
        "when source.settings.failTasksOnLobTruncation is true.",
    )

    @model_validator(mode="after")
    def _cross(self) -> PostgresSourceSettings:
        if not self.heartbeat_enable and (self.heartbeat_frequency is not None or self.heartbeat_schema is not None):
            raise ValueError("heartbeatFrequency/heartbeatSchema need heartbeatEnable: true")
        if not self.capture_ddls and self.ddl_artifacts_schema is not None:
            raise ValueError("ddlArtifactsSchema needs captureDdls: true")
        return self

    def to_provider_args(self) -> dict[str, Any]:
        args: dict[str, Any] = {
            "plugin_name": self.plugin_name,
            "heartbeat_enable": self.heartbeat_enable,
            "capture_ddls": self.capture_ddls,
        }
        if self.heartbeat_enable:
            frequency = self.heartbeat_frequency
            args["heartbeat_frequency"] = frequency if frequency is not None else DEFAULT_HEARTBEAT_FREQUENCY_MIN
            args["heartbeat_schema"] = self.heartbeat_schema or DEFAULT_HEARTBEAT_SCHEMA
        args.update(
            {
                "slot_name": self.slot_name,
                "ddl_artifacts_schema": self.ddl_artifacts_schema,
                "map_boolean_as_boolean": self.map_boolean_as_boolean,
                "map_jsonb_as_clob": self.map_jsonb_as_clob,
                "fail_tasks_on_lob_truncation": self.fail_tasks_on_lob_truncation,
            }
        )
        return provider_settings(args)


class OracleTargetSettings(StrictModel):
    """The original Oracle database as the reverse (fallback) target."""

    # Direct path needs LOCK ANY TABLE and only helps full loads; the reverse task is CDC only. Always sent,
    # because DMS's own default is direct path on.
    use_direct_path_full_load: bool = Field(
        default=False,
        description="UseDirectPathFullLoad: direct path load (needs LOCK ANY TABLE, helps full loads only); always "
        "sent because DMS's own default is on.",
    )
    direct_path_parallel_load: bool = Field(
        default=False, description="DirectPathParallelLoad; needs useDirectPathFullLoad."
    )
    direct_path_no_log: bool = Field(
        default=False, description="DirectPathNoLog: load without redo logging; needs useDirectPathFullLoad."
    )
    char_length_semantics: CharLengthSemantics = Field(
        default="default", description="CharLengthSemantics: whether character column lengths count bytes or chars."
    )
    retry_interval: int | None = Field(
        default=None, ge=1, description="RetryInterval in seconds between attempts to reach the Oracle target."
    )

    @model_validator(mode="before")
    @classmethod
    def _no_lob_truncation(cls, data: Any) -> Any:
        return _source_only_lob_truncation(data, "an Oracle target")

    @model_validator(mode="after")
    def _cross(self) -> OracleTargetSettings:
        if (self.direct_path_parallel_load or self.direct_path_no_log) and not self.use_direct_path_full_load:
            raise ValueError("directPathParallelLoad/directPathNoLog need useDirectPathFullLoad: true")
        return self

    def to_provider_args(self) -> dict[str, Any]:
        return provider_settings(
            {
                "use_direct_path_full_load": self.use_direct_path_full_load,
                "direct_path_parallel_load": self.direct_path_parallel_load,
                "direct_path_no_log": self.direct_path_no_log,
                "char_length_semantics": self.char_length_semantics,
                "retry_interval": self.retry_interval,
            }
        )
