"""`reverse:` the fallback path, PostgreSQL -> Oracle change data capture after cutover."""

from __future__ import annotations

import re

from pydantic import Field, field_validator, model_validator

from migration._model import StrictModel
from migration.config.models.connections import OracleTargetConfig, PostgresSourceConfig
from migration.config.patterns import ORACLE_SCHEMA_30_RE, check_pattern
from migration.dms.positions import StartPositionError, parse_postgres_start

# The reverse task's Oracle user when its name lives in Secrets Manager (prereqs creates it under this name).
DEFAULT_REVERSE_ORACLE_USER = "DMS_REVERSE"


class ReverseConfig(StrictModel):
    """The fallback path: PostgreSQL -> Oracle change data capture after cutover."""

    enabled: bool = Field(
        default=False,
        description="Create the reverse endpoints (from phase replicate) and task (from cutover); needs "
        "postgresSource and oracleTarget; phase fallback needs it.",
    )
    postgres_source: PostgresSourceConfig | None = Field(
        default=None,
        description="The PostgreSQL database the reverse task reads (a user with rds_replication; logical "
        "replication on).",
    )
    oracle_target: OracleTargetConfig | None = Field(
        default=None, description="The original Oracle database the reverse task writes changes back into."
    )
    cdc_start_position: str | None = Field(
        default=None,
        description="Where the reverse task starts: the PostgreSQL LSN captured at cutover (SELECT "
        "pg_current_wal_lsn()) or a checkpoint; required (not now) for phase fallback.",
    )
    target_table_prep_mode: str = Field(
        default="DO_NOTHING",
        description="TargetTablePrepMode of the reverse task: only DO_NOTHING (the Oracle tables hold production data).",
    )
    loopback_prevention: bool = Field(
        default=False,
        description="LoopbackPreventionSettings on the forward and reverse tasks, so changes do not echo back; only "
        "with a CDC forward migration.",
    )
    keep_forward_running: bool = Field(
        default=False,
        description="Keep the forward task running next to the reverse one; needs loopbackPrevention: true.",
    )
    # Where DMS keeps the reverse task's control tables (awsdms_apply_exceptions, status, history, suspended
    # tables): the reverse user's own schema, the one Oracle schema it can create tables in. Default: the user
    # name (oracleTarget.username), or DMS_REVERSE when the name lives in Secrets Manager.
    control_schema: str | None = Field(
        default=None,
        description=f"ControlSchema of the reverse task: the reverse user's own Oracle schema (upper case, at most 30 "
        f"bytes; never a migrated or Oracle-maintained schema). Default: oracleTarget.username, else "
        f"{DEFAULT_REVERSE_ORACLE_USER}.",
    )

    # An acknowledgement, not a default: a LOB column DMS cannot write back (a mixed-case name: no rule but
    # remove-column may name a LOB column, DMS User Guide, Transformation rules and actions: Limitations) stops the
    # plan until the DBA names it here, then it moves forward, stays out of the reverse task, and the runbook's
    # left-behind appendix carries it back by hand (migration.planning.left_behind, "way back").
    leave_out_columns: list[str] = Field(
        default_factory=list,
        description="LOB columns the reverse task leaves out, named OWNER.TABLE.COLUMN as Oracle stores them (e.g. "
        "WMS.PARCELS.LabelPdf), each part also accepted in double quotes as Oracle SQL writes it "
        '(WMS."Parcels"."LabelPdf"): they move forward, and after a fallback they are carried back to Oracle by '
        "hand with the runbook's way-back SQL. The acknowledgement a mixed-case LOB column needs when reverse is "
        "enabled.",
    )

    @field_validator("leave_out_columns")
    @classmethod
    def _leave_out(cls, v: list[str]) -> list[str]:
        v = [_stored(name, i) for i, name in enumerate(v)]
        dup = next((n for i, n in enumerate(v) if n in v[:i]), None)
        if dup is not None:
            raise ValueError(f"{dup!r} is named twice")
        return v

    @field_validator("control_schema")
    @classmethod
    def _control(cls, v: str | None) -> str | None:
        if v is None:
            return None
        return check_pattern(
            v, ORACLE_SCHEMA_30_RE, "must be the reverse user's Oracle schema as stored (upper case, at most 30 bytes)"
        )

    @property
    def oracle_user(self) -> str:
        """The Oracle user the reverse task writes as (upper case, as Oracle stores an unquoted name)."""
        conn = self.oracle_target
        if conn is not None and conn.username:
            return conn.username.upper()
        return self.control_schema or DEFAULT_REVERSE_ORACLE_USER

    @property
    def oracle_control_schema(self) -> str:
        return self.control_schema or self.oracle_user

    @field_validator("target_table_prep_mode")
    @classmethod
    def _prep(cls, v: str) -> str:
        if v != "DO_NOTHING":
            raise ValueError(
                "the reverse task writes into Oracle tables that hold the production data; only "
                f"DO_NOTHING is allowed, got {v!r}"
            )
        return v

    @model_validator(mode="after")
    def _complete(self) -> ReverseConfig:
        if self.enabled and (self.postgres_source is None or self.oracle_target is None):
            raise ValueError("enabled: true needs postgresSource and oracleTarget connections")
        conn = self.oracle_target
        if self.control_schema and conn is not None and conn.username and conn.username.upper() != self.control_schema:
            raise ValueError(
                f"controlSchema {self.control_schema} must be the reverse user's own schema "
                f"({conn.username.upper()}): it is the one Oracle schema that user can create DMS's control tables in"
            )
        if self.keep_forward_running and not self.loopback_prevention:
            raise ValueError(
                "keepForwardRunning runs forward and reverse replication together; that needs "
                "loopbackPrevention: true, or every change would echo back and forth"
            )
        if self.cdc_start_position is not None:
            slot = self.postgres_source.settings.slot_name if self.postgres_source else None
            try:
                parse_postgres_start(self.cdc_start_position, slot_name=slot, field="cdcStartPosition")
            except StartPositionError as exc:
                raise ValueError(str(exc)) from None
        return self


def _stored(name: str, i: int) -> str:
    """OWNER.TABLE.COLUMN as Oracle stores the names: a part in double quotes (as Oracle SQL and the table-pattern
    keys write a mixed-case name) loses its quotes; ValueError in one line for any other shape."""
    parts = re.findall(r'"[^"]+"|[^."]+', name)
    if len(parts) != 3 or ".".join(parts) != name:
        raise ValueError(f"[{i}]: {name!r}: expected OWNER.TABLE.COLUMN, as Oracle stores the names")
    return ".".join(p.strip('"') for p in parts)
