"""Typed, validated endpoint settings for the forward (Oracle -> PostgreSQL) and reverse (PostgreSQL -> Oracle)
paths; `to_provider_args()` gives snake_case kwargs for pulumi_aws.dms.EndpointOracleSettingsArgs /
EndpointPostgresSettingsArgs (reference sections 3.1, 3.4, 4.1, 5.1, 5.2).

Why typed: DMS stores unknown or contradictory endpoint settings without complaint and fails (or drops
changes) only when a task runs. Defaults here differ from DMS where DMS's default loses data silently
(LOB truncation) or breaks the fallback (heartbeat, DDL capture).

`to_provider_args()` emits every setting the stack relies on, defaults included (only settings left unset are
left out), in sorted key order so the Pulumi inputs are stable: what AWS stores then does not depend on what a
provider version fills in for an unset one.

ASM settings (asmServer, asmUser, asmPassword, readAheadBlocks, parallelAsmReadThreads, the ASM secret) are
refused: they serve self-managed Oracle on ASM only and RDS for Oracle is not reachable through ASM.
"""

from __future__ import annotations

import re
from typing import Any, Literal

from pydantic import Field, field_validator, model_validator

from migration._model import StrictModel

CharLengthSemantics = Literal["default", "char", "byte"]
PG_IDENTIFIER = r"^[a-z_][a-z0-9_]{0,62}$"
_ORACLE_USER = re.compile(r"^[A-Z][A-Z0-9_$#]{0,127}$")
_ASM_KEYS = {
    "asmServer",
    "asm_server",
    "asmUser",
    "asm_user",
    "asmPassword",
    "asm_password",
    "readAheadBlocks",
    "read_ahead_blocks",
    "parallelAsmReadThreads",
    "parallel_asm_read_threads",
    "secretsManagerOracleAsmSecretId",
    "secrets_manager_oracle_asm_secret_id",
    "secretsManagerOracleAsmAccessRoleArn",
    "secrets_manager_oracle_asm_access_role_arn",
}


def _sorted(args: dict[str, Any]) -> dict[str, Any]:
    """Every setting we rely on, defaults included, sorted; only the settings left unset (None) are left out.

    Why explicit: provider versions around pulumi-aws 6.33 sent every bool/int of a settings block once the block
    existed, an unset number going out as 0 (NumberDatatypeScale=0 drops the decimals of unconstrained NUMBER):
    terraform-provider-aws issue #46676, fix #46689, regression #49468 (../shared/reference/provider-facts.md).
    Sending each value ourselves makes what AWS stores independent of the provider's defaults.
    """
    return dict(sorted((k, v) for k, v in args.items() if v is not None))


def _source_only_lob_truncation(data: Any, where: str) -> Any:
    """FailTasksOnLobTruncation is documented for Oracle and PostgreSQL *source* endpoints only (DMS guide: endpoint
    settings when using Oracle / PostgreSQL as a source); on a target endpoint it does nothing."""
    if isinstance(data, dict) and {"failTasksOnLobTruncation", "fail_tasks_on_lob_truncation"} & set(data):
        raise ValueError(
            f"failTasksOnLobTruncation is a source-endpoint setting in DMS and does nothing on {where}; "
            "set it on the source endpoint that reads the LOBs"
        )
    return data


class OracleSourceSettings(StrictModel):
    """RDS for Oracle as the CDC source."""

    reader: Literal["logminer", "binary-reader"] = "logminer"
    # RDS 11.2 / 12.1 with Binary Reader need the redo path rewritten to the RDS directories (section 3.1).
    rds_oracle_version_legacy: bool = False
    db_name: str | None = Field(default=None, pattern=r"^[A-Za-z][A-Za-z0-9]{0,7}$")
    add_supplemental_logging: bool = False
    archived_log_dest_id: int | None = Field(default=None, ge=1, le=31)
    additional_archived_log_dest_id: int | None = Field(default=None, ge=1, le=31)
    archived_logs_only: bool = False
    number_datatype_scale: int = Field(default=10, ge=-2, le=38)
    char_length_semantics: CharLengthSemantics = "default"
    # Limited LOB mode truncates silently (a log warning) unless this is on.
    fail_tasks_on_lob_truncation: bool = True
    open_transaction_window: int = Field(default=0, ge=0, le=240)
    convert_timestamp_with_zone_to_utc: bool = False
    trim_space_in_char: bool = True
    spatial_data_option_to_geo_json_function_name: str | None = Field(default=None, min_length=1)
    # Not an endpoint setting: the prerequisites SQL sets 'archivelog retention hours' from it (section 3.2).
    archive_log_retention_hours: int = Field(default=24, ge=1, le=168)
    # LogMiner only: the ONE extra connection attribute we send; drops the reverse task's writes (section 8).
    filter_transactions_of_user: tuple[str, ...] | None = None

    @model_validator(mode="before")
    @classmethod
    def _refuse_asm(cls, data: Any) -> Any:
        if isinstance(data, dict):
            asm = sorted(k for k in data if k in _ASM_KEYS)
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
            if not _ORACLE_USER.match(user):
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
        binary = self.reader == "binary-reader"
        args: dict[str, Any] = {"use_logminer_reader": not binary, "use_bfile": binary}
        if self.rds_oracle_version_legacy:
            args.update(
                {
                    "access_alternate_directly": False,
                    "use_alternate_folder_for_online": True,
                    "oracle_path_prefix": f"/rdsdbdata/db/{(self.db_name or '').upper()}_A/",
                    "use_path_prefix": "/rdsdbdata/log/",
                    "replace_path_prefix": True,
                }
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
        return _sorted(args)

    def extra_connection_attributes(self) -> str | None:
        if not self.filter_transactions_of_user:
            return None
        return "filterTransactionsOfUser=" + ",".join(self.filter_transactions_of_user)


class PostgresTargetSettings(StrictModel):
    """RDS/Aurora PostgreSQL as the forward target."""

    # Session-level replica role: FK and user triggers don't fire for DMS sessions, so tables can load in any
    # order and application triggers don't double-apply; scoped to DMS, unlike the instance parameter
    # (section 4.2). None disables it (then create FKs after the load).
    after_connect_script: str | None = Field(default="SET session_replication_role = 'replica'", min_length=1)
    # DMS's 60 s statement timeout kills large COPY batches and commits on big tables; an hour is generous
    # yet still catches a hung statement.
    execute_timeout: int = Field(default=3600, ge=1)
    max_file_size: int = Field(default=32768, ge=1, le=1048576)
    map_boolean_as_boolean: bool = False

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
        return _sorted(
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
    plugin_name: Literal["test-decoding", "pglogical", "no-preference"] = "test-decoding"
    slot_name: str | None = Field(default=None, pattern=PG_IDENTIFIER)
    # An idle slot pins WAL until storage fills; the heartbeat keeps restart_lsn moving (section 5.1).
    heartbeat_enable: bool = True
    heartbeat_frequency: int | None = Field(default=None, ge=1, le=1440)
    heartbeat_schema: str | None = Field(default=None, pattern=PG_IDENTIFIER)
    # No DDL flows back on the reverse path; loopback prevention does not cover DDL.
    capture_ddls: bool = False
    ddl_artifacts_schema: str | None = Field(default=None, pattern=PG_IDENTIFIER)
    map_boolean_as_boolean: bool = False
    map_jsonb_as_clob: bool = False
    fail_tasks_on_lob_truncation: bool = True

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
            args["heartbeat_frequency"] = self.heartbeat_frequency if self.heartbeat_frequency is not None else 5
            args["heartbeat_schema"] = self.heartbeat_schema or "public"
        args.update(
            {
                "slot_name": self.slot_name,
                "ddl_artifacts_schema": self.ddl_artifacts_schema,
                "map_boolean_as_boolean": self.map_boolean_as_boolean,
                "map_jsonb_as_clob": self.map_jsonb_as_clob,
                "fail_tasks_on_lob_truncation": self.fail_tasks_on_lob_truncation,
            }
        )
        return _sorted(args)


class OracleTargetSettings(StrictModel):
    """The original Oracle database as the reverse (fallback) target."""

    # Direct path needs LOCK ANY TABLE and only helps full loads; the reverse task is CDC only. Always sent,
    # because DMS's own default is direct path on.
    use_direct_path_full_load: bool = False
    direct_path_parallel_load: bool = False
    direct_path_no_log: bool = False
    char_length_semantics: CharLengthSemantics = "default"
    retry_interval: int | None = Field(default=None, ge=1)

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
        return _sorted(
            {
                "use_direct_path_full_load": self.use_direct_path_full_load,
                "direct_path_parallel_load": self.direct_path_parallel_load,
                "direct_path_no_log": self.direct_path_no_log,
                "char_length_semantics": self.char_length_semantics,
                "retry_interval": self.retry_interval,
            }
        )
