"""The whole stack config as one pydantic model, validated once, with one-line errors that name the key.

Keys are the Pulumi config keys of the project (`oracle2pg:network`, `oracle2pg:source`, ...), values camelCase
objects. `load_stack_config` is the single entry point; `migration.config.runtime` feeds it from the Pulumi runtime
and the
offline tools feed it from the stack file (`migration.config.stackfile`).
"""

from __future__ import annotations

import difflib
import ipaddress
import os
import re
from typing import Any, Literal, Mapping, Sequence, get_args

from pydantic import Field, SecretStr, ValidationError, field_validator, model_validator

from migration._model import StrictModel
from migration.dms.endpoint_settings import (
    OracleSourceSettings,
    OracleTargetSettings,
    PostgresSourceSettings,
    PostgresTargetSettings,
)
from migration.dms.engine_versions import DEFAULT_ENGINE_VERSION
from migration.dms.limits import INSTANCE_CLASSES, MAX_FULL_LOAD_SUBTASKS
from migration.dms.monitoring_settings import MonitoringConfig
from migration.dms.positions import StartPositionError, parse_oracle_start, parse_postgres_start

# ---------------------------------------------------------------------------------------------- facts (one place)

MIGRATION_TYPES = ("full-load", "cdc", "full-load-and-cdc")
PREP_MODES = ("DO_NOTHING", "TRUNCATE_BEFORE_LOAD", "DROP_AND_CREATE")
TARGET_ENGINES = ("postgres", "aurora-postgresql")
ORACLE_SSL_MODES = ("none", "verify-ca")  # DMS Oracle endpoints support only these two
POSTGRES_SSL_MODES = ("none", "require", "verify-ca", "verify-full")
PHASES = ("replicate", "cutover", "fallback", "complete")

ENGINE_VERSION_RE = re.compile(r"^\d+\.\d+\.\d+$")
_DAY = r"(?:mon|tue|wed|thu|fri|sat|sun)"
MAINTENANCE_WINDOW_RE = re.compile(rf"^{_DAY}:\d{{2}}:\d{{2}}-{_DAY}:\d{{2}}:\d{{2}}$")
REGION_RE = re.compile(r"^[a-z]{2}(?:-gov|-iso[a-z]?)?-[a-z]+-\d$")
VPC_ID_RE = re.compile(r"^vpc-[0-9a-f]{8}(?:[0-9a-f]{9})?$")
SUBNET_ID_RE = re.compile(r"^subnet-[0-9a-f]{8}(?:[0-9a-f]{9})?$")
SG_ID_RE = re.compile(r"^sg-[0-9a-f]{8}(?:[0-9a-f]{9})?$")
KMS_KEY_ARN_RE = re.compile(r"^arn:aws[a-z-]*:kms:[a-z0-9-]+:\d{12}:key/[A-Za-z0-9-]+$")
KMS_ALIAS_ARN_RE = re.compile(r"^arn:aws[a-z-]*:kms:[a-z0-9-]+:\d{12}:alias/")
SECRET_ARN_RE = re.compile(r"^arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:\d{12}:secret:[A-Za-z0-9/_+=.@-]+$")
CERT_ARN_RE = re.compile(r"^arn:aws[a-z-]*:dms:[a-z0-9-]+:\d{12}:cert:[A-Za-z0-9-]+$")
HOST_RE = re.compile(
    r"^(?=.{1,253}$)[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}"
    r"[A-Za-z0-9])?)*$"
)
ORACLE_NAME_RE = re.compile(r"^[A-Z][A-Z0-9_$#]{0,127}$")
ORACLE_PATTERN_RE = re.compile(r"^[A-Z0-9_$#%]{1,128}$")
PG_NAME_RE = re.compile(r"^[a-z_][a-z0-9_$]{0,62}$")
TASK_NAME_RE = re.compile(r"^[a-z][a-z0-9]*(?:-[a-z0-9]+)*$")
TAG_KEY_RE = re.compile(r"^[\w .:/=+@-]{1,128}$")


RESERVED_TASK_NAMES = ("reverse", "validate")
# Schemas Oracle and RDS maintain: never a place for DMS's control tables.
ORACLE_MAINTAINED_SCHEMAS = frozenset(
    {"SYS", "SYSTEM", "RDSADMIN", "XDB", "OUTLN", "DBSNMP", "AUDSYS", "MDSYS", "CTXSYS"}
)
# The reverse task's Oracle user when its name lives in Secrets Manager (prereqs creates it under this name).
DEFAULT_REVERSE_ORACLE_USER = "DMS_REVERSE"
ORACLE_SCHEMA_30_RE = re.compile(r"^[A-Z][A-Z0-9_$#]{0,29}$")  # DMS supports Oracle names up to 30 bytes


class ConfigError(ValueError):
    """A stack-config problem, as one line: `<project>:<key>.<path>: <what is wrong and what is allowed>`.

    `key` is the config key it belongs to (camelCase, without the project), when one is known: code that groups
    or routes errors reads it, never the message."""

    def __init__(self, message: str, key: str | None = None) -> None:
        super().__init__(message)
        self.key = key


def _starts_now(position: str | None) -> bool:
    """True when a CDC start position means "from whenever the task starts" (absent, or any spelling of now)."""
    return position is None or position.strip().lower() == "now"


def _kms_key_arn(value: str | None) -> str | None:
    """Key ARNs only. DMS stores and returns the key ARN, so an alias ARN differs from what a refresh reads back,
    and `kms_key_arn` is ForceNew on the instance and the endpoints: a replace (a reload) on every `pulumi up`
    (pulumi-aws issue #2671; ../shared/reference/provider-facts.md). An IAM policy naming an alias ARN does not
    grant use of the key either."""
    if value is None:
        return None
    if KMS_ALIAS_ARN_RE.match(value):
        raise ValueError(
            f"must be a KMS key ARN (…:key/<id>), not an alias ARN: DMS reads back the key ARN, so an alias would "
            f"replace the resource on every pulumi up; find it with `aws kms describe-key --key-id {value}`"
        )
    return _pattern(value, KMS_KEY_ARN_RE, "must be a KMS key ARN like arn:aws:kms:eu-west-1:111122223333:key/<id>")


def _pattern(value: str, regex: re.Pattern[str], what: str) -> str:
    if not regex.match(value):
        if re.search(r"://[^/@]*@", value):  # a URL carrying credentials: never echo it
            raise ValueError(f"{what}, got a URL with credentials in it")
        raise ValueError(f"{what}, got {value!r}")
    return value


def _distinct(values: list[str], regex: re.Pattern[str], what: str, twice: str) -> list[str]:
    """A list of names that each match `regex` (else `what`) and are all different (else `twice`)."""
    for v in values:
        _pattern(v, regex, what)
    if len(set(values)) != len(values):
        raise ValueError(twice)
    return values


# ------------------------------------------------------------------------------------------------------ sections


class NetworkConfig(StrictModel):
    """Where the replication instance lives and which database addresses it may reach."""

    vpc_id: str
    subnet_ids: list[str] = Field(min_length=2)
    database_cidrs: list[str] = Field(default_factory=list)
    database_security_group_ids: list[str] = Field(default_factory=list)
    extra_security_group_ids: list[str] = Field(default_factory=list)

    @field_validator("vpc_id")
    @classmethod
    def _vpc(cls, v: str) -> str:
        return _pattern(v, VPC_ID_RE, "must be a VPC id like vpc-0a1b2c3d4e5f60718")

    @field_validator("subnet_ids")
    @classmethod
    def _subnets(cls, v: list[str]) -> list[str]:
        return _distinct(
            v,
            SUBNET_ID_RE,
            "must be subnet ids like subnet-0a1b2c3d4e5f60718",
            "subnet ids must be distinct (DMS needs subnets in at least two AZs)",
        )

    @field_validator("database_cidrs")
    @classmethod
    def _cidrs(cls, v: list[str]) -> list[str]:
        out = []
        for c in v:
            if not isinstance(c, str) or "/" not in c:
                raise ValueError(f"must be CIDR blocks with a prefix length like 10.20.0.0/16, got {c!r}")
            try:
                net = ipaddress.ip_network(c, strict=True)
            except ValueError:
                try:  # the usual slip: an address inside the network instead of the network itself
                    loose = ipaddress.ip_network(c, strict=False)
                except ValueError:
                    raise ValueError(f"must be CIDR blocks like 10.20.0.0/16, got {c!r}") from None
                raise ValueError(f"{c} has host bits set; did you mean {loose}?") from None
            if net.prefixlen == 0:
                raise ValueError(f"{c} opens the databases' ports to the whole internet; name the database subnets")
            out.append(str(net))
        return out

    @field_validator("database_security_group_ids", "extra_security_group_ids")
    @classmethod
    def _sgs(cls, v: list[str]) -> list[str]:
        for s in v:
            _pattern(s, SG_ID_RE, "must be security group ids like sg-0a1b2c3d4e5f60718")
        return v

    @model_validator(mode="after")
    def _reachable(self) -> NetworkConfig:
        if not self.database_cidrs and not self.database_security_group_ids:
            raise ValueError(
                "set databaseCidrs or databaseSecurityGroupIds: the replication instance must be "
                "allowed to reach the databases"
            )
        return self


class ReplicationInstanceConfig(StrictModel):
    instance_class: str = "dms.t3.medium"
    allocated_storage: int = Field(default=50, ge=5, le=6144)
    engine_version: str = DEFAULT_ENGINE_VERSION
    multi_az: bool = False
    publicly_accessible: bool = False
    kms_key_arn: str | None = None
    auto_minor_version_upgrade: bool = False
    preferred_maintenance_window: str | None = None
    # Class/storage changes wait for the maintenance window unless this is on (then they reboot the instance now,
    # interrupting running tasks briefly; multi-AZ fails over).
    apply_immediately: bool = False

    @field_validator("instance_class")
    @classmethod
    def _class(cls, v: str) -> str:
        if v not in INSTANCE_CLASSES:
            families = sorted({c.split(".")[1] for c in INSTANCE_CLASSES})
            raise ValueError(
                f"must be a DMS instance class dms.<family>.<size>, family one of {', '.join(families)} "
                f"(e.g. dms.r6i.large), got {v!r}{did_you_mean(v, list(INSTANCE_CLASSES))}"
            )
        return v

    @field_validator("engine_version", mode="before")
    @classmethod
    def _engine(cls, v: Any) -> Any:
        if isinstance(v, float):  # YAML reads 3.6 as a number
            raise ValueError(f"must be a pinned DMS engine version like 3.6.1 in quotes, got the number {v}")
        return (
            v
            if not isinstance(v, str)
            else _pattern(v, ENGINE_VERSION_RE, "must be a pinned DMS engine version like 3.5.4")
        )

    @field_validator("kms_key_arn")
    @classmethod
    def _kms(cls, v: str | None) -> str | None:
        return _kms_key_arn(v)

    @field_validator("preferred_maintenance_window")
    @classmethod
    def _window(cls, v: str | None) -> str | None:
        if v is None:
            return None
        v = _pattern(v.lower(), MAINTENANCE_WINDOW_RE, "must look like sun:03:00-sun:04:00 (UTC, at least 30 minutes)")
        days = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
        minutes = []
        for part in v.split("-"):
            day, hh, mm = part.split(":")
            if int(hh) > 23 or int(mm) > 59:
                raise ValueError(f"{part} is not a time of day (hh 00-23, mm 00-59)")
            minutes.append(days.index(day) * 1440 + int(hh) * 60 + int(mm))
        if (minutes[1] - minutes[0]) % (7 * 1440) < 30:
            raise ValueError(f"must last at least 30 minutes, got {v}")
        return v


class _Connection(StrictModel):
    """Connection fields shared by every endpoint: credentials come from a Pulumi secret or Secrets Manager."""

    host: str | None = None
    port: int = Field(ge=1, le=65535)
    database_name: str = Field(min_length=1, max_length=128)
    username: str | None = Field(default=None, min_length=1, max_length=128)
    password: SecretStr | None = Field(default=None, min_length=1)
    secrets_manager_secret_arn: str | None = None
    ssl_mode: str = "none"
    certificate_arn: str | None = None
    secrets_kms_key_arn: str | None = None  # customer-managed key of the secret: the access role may decrypt with it
    ca_bundle_file: str | None = None  # PEM CA bundle (e.g. the RDS global bundle): the stack imports it into DMS

    @field_validator("host")
    @classmethod
    def _host(cls, v: str | None) -> str | None:
        return None if v is None else _pattern(v, HOST_RE, "must be a DNS name or IP address of the database")

    @field_validator("secrets_manager_secret_arn")
    @classmethod
    def _secret(cls, v: str | None) -> str | None:
        return None if v is None else _pattern(v, SECRET_ARN_RE, "must be a Secrets Manager secret ARN")

    @field_validator("secrets_kms_key_arn")
    @classmethod
    def _secret_kms(cls, v: str | None) -> str | None:
        return _kms_key_arn(v)

    @field_validator("certificate_arn")
    @classmethod
    def _cert(cls, v: str | None) -> str | None:
        return None if v is None else _pattern(v, CERT_ARN_RE, "must be a DMS certificate ARN")

    @model_validator(mode="after")
    def _credentials(self) -> _Connection:
        if self.secrets_manager_secret_arn:
            # username may stay: it names the DMS user in the prerequisites SQL and must match the secret's.
            if self.password is not None or self.host is not None:
                raise ValueError(
                    "with secretsManagerSecretArn the secret holds host and password; remove host/password here "
                    "(username may stay: the prerequisites SQL uses it, and it must match the secret's)"
                )
        elif self.host is None:
            raise ValueError("host is required (or secretsManagerSecretArn whose secret holds it)")
        elif self.password is None or self.username is None:
            raise ValueError(
                "credentials missing: set username and password (pulumi config set --secret --path "
                "<key>.password) or secretsManagerSecretArn"
            )
        if self.secrets_kms_key_arn and not self.secrets_manager_secret_arn:
            raise ValueError("secretsKmsKeyArn only applies with secretsManagerSecretArn")
        if self.certificate_arn and self.ca_bundle_file:
            raise ValueError("give certificateArn (a certificate already in DMS) or caBundleFile, not both")
        if self.ssl_mode in ("verify-ca", "verify-full") and not (self.certificate_arn or self.ca_bundle_file):
            raise ValueError(
                f"sslMode {self.ssl_mode} needs certificateArn or caBundleFile (the CA that signed the "
                "database certificate)"
            )
        return self

    @property
    def uses_secrets_manager(self) -> bool:
        return self.secrets_manager_secret_arn is not None


class _OracleConnection(_Connection):
    port: int = Field(default=1521, ge=1, le=65535)

    @field_validator("ca_bundle_file")
    @classmethod
    def _no_pem(cls, v: str | None) -> str | None:
        if v is not None:
            raise ValueError(
                "DMS verifies Oracle SSL with an Oracle wallet, not a PEM bundle: import the wallet "
                "as a DMS certificate and set certificateArn"
            )
        return v

    @field_validator("ssl_mode")
    @classmethod
    def _ssl(cls, v: str) -> str:
        if v not in ORACLE_SSL_MODES:
            raise ValueError(f"DMS Oracle endpoints support sslMode none or verify-ca, got {v!r}")
        return v


class _PostgresConnection(_Connection):
    port: int = Field(default=5432, ge=1, le=65535)
    ssl_mode: str = "require"

    @model_validator(mode="before")
    @classmethod
    def _verify_with_bundle(cls, data: Any) -> Any:
        """A CA bundle means the server certificate can be verified fully: default sslMode to verify-full."""
        if isinstance(data, dict) and data.get("caBundleFile") and "sslMode" not in data:
            return {**data, "sslMode": "verify-full"}
        return data

    @field_validator("ssl_mode")
    @classmethod
    def _ssl(cls, v: str) -> str:
        if v not in POSTGRES_SSL_MODES:
            raise ValueError(f"must be one of {', '.join(POSTGRES_SSL_MODES)}, got {v!r}")
        return v


class OracleSourceConfig(_OracleConnection):
    """The RDS for Oracle database the forward tasks read."""

    settings: OracleSourceSettings = Field(default_factory=OracleSourceSettings)


class PostgresTargetConfig(_PostgresConnection):
    """The RDS / Aurora PostgreSQL database the forward tasks write."""

    engine: Literal["postgres", "aurora-postgresql"] = "postgres"
    settings: PostgresTargetSettings = Field(default_factory=PostgresTargetSettings)


class PostgresSourceConfig(_PostgresConnection):
    """PostgreSQL read by the reverse task (a user with rds_replication; logical replication on)."""

    settings: PostgresSourceSettings = Field(default_factory=PostgresSourceSettings)


class OracleTargetConfig(_OracleConnection):
    """The original Oracle database the reverse task writes changes back into."""

    settings: OracleTargetSettings = Field(default_factory=OracleTargetSettings)


class TaskConfig(StrictModel):
    """One explicit migration task: a name and the tables it owns (`SCHEMA.TABLE` patterns, `%` wildcards)."""

    name: str = Field(min_length=1, max_length=40)
    include: list[str] = Field(min_length=1)
    exclude: list[str] = Field(default_factory=list)
    # With capacity.instances N: the instance (1..N) the task runs on. Unset: chosen from the task's name, so
    # editing the task list never moves another task (a move stops the task).
    instance: int | None = Field(default=None, ge=1, le=60)

    @field_validator("name")
    @classmethod
    def _name(cls, v: str) -> str:
        if v in RESERVED_TASK_NAMES:
            raise ValueError(f"{v!r} is reserved for the stack's own {v} task; pick another name")
        return _pattern(v, TASK_NAME_RE, "must be lower-case letters, digits and single hyphens, e.g. orders")


def split_table_pattern(pattern: str) -> tuple[str | None, str]:
    """`APP.ORDERS%` -> ("APP", "ORDERS%"); `ORDERS` -> (None, "ORDERS") meaning every configured schema."""
    schema, _, table = pattern.rpartition(".")
    return (schema or None), table


class MigrationConfig(StrictModel):
    type: Literal["full-load", "cdc", "full-load-and-cdc"]
    schemas: list[str] = Field(min_length=1)
    schema_renames: dict[str, str] = Field(default_factory=dict)
    include: list[str] = Field(default_factory=lambda: ["%"])
    exclude: list[str] = Field(default_factory=list)
    tasks: list[TaskConfig] = Field(default_factory=list)
    target_table_prep_mode: Literal["DO_NOTHING", "TRUNCATE_BEFORE_LOAD", "DROP_AND_CREATE"] = "DO_NOTHING"
    target_is_disposable: bool = False
    start_task: bool = True
    cdc_start_position: str | None = None
    validation: bool = False
    validation_only_task: bool = False
    # Every data, table and apply error stops the task (default). false = DMS's own defaults, which log and skip
    # bad rows: only for throw-away loads.
    strict_errors: bool = True
    # With LogMiner, DMS does not replicate UPDATEs that change only LOB columns: a CDC stack names here exactly the
    # LOB tables it accepts that for (SCHEMA.TABLE), or uses source.settings.reader: binary-reader.
    lob_updates_not_replicated: list[str] = Field(default_factory=list)
    # Escape hatch: a partial ReplicationTaskSettings document deep-merged over the built one. Unknown sections
    # and the read-only CloudWatch fields are refused.
    task_settings_overrides: dict[str, Any] = Field(default_factory=dict)

    @field_validator("cdc_start_position", mode="before")
    @classmethod
    def _start(cls, v: Any) -> Any:
        if v is None:
            return None
        try:
            parse_oracle_start(v)
        except StartPositionError as exc:
            raise ValueError(str(exc).removeprefix("cdcStartPosition: ")) from None
        return str(v)

    @field_validator("schemas")
    @classmethod
    def _schemas(cls, v: list[str]) -> list[str]:
        return _distinct(
            v,
            ORACLE_NAME_RE,
            "must be Oracle schema names as stored (upper case, e.g. APP)",
            "schemas are listed twice",
        )

    @field_validator("schema_renames")
    @classmethod
    def _renames(cls, v: dict[str, str]) -> dict[str, str]:
        for src, dst in v.items():
            _pattern(src, ORACLE_NAME_RE, "keys must be Oracle schema names (upper case)")
            _pattern(dst, PG_NAME_RE, "values must be lower-case PostgreSQL schema names")
        return v

    @field_validator("lob_updates_not_replicated")
    @classmethod
    def _tables(cls, v: list[str]) -> list[str]:
        for name in v:
            schema, table = split_table_pattern(name)
            if schema is None or not ORACLE_NAME_RE.match(schema) or not table:
                raise ValueError(
                    f"must be SCHEMA.TABLE names as Oracle stores them (% for any characters, e.g. APP.%), got {name!r}"
                )
        return v

    @field_validator("include", "exclude")
    @classmethod
    def _patterns(cls, v: list[str]) -> list[str]:
        for p in v:
            schema, table = split_table_pattern(p)
            if (schema is not None and not ORACLE_PATTERN_RE.match(schema)) or not ORACLE_PATTERN_RE.match(table):
                raise ValueError(f"must be TABLE or SCHEMA.TABLE patterns in upper case with % wildcards, got {p!r}")
        return v

    @model_validator(mode="after")
    def _consistent(self) -> MigrationConfig:
        known = set(self.schemas)
        for src in self.schema_renames:
            if src not in known:
                raise ValueError(f"schemaRenames names {src}, which is not in schemas")
        targets: dict[str, str] = {}
        for schema in self.schemas:
            pg = self.schema_renames.get(schema, schema.lower())
            if pg in targets:
                raise ValueError(
                    f"schemas {targets[pg]} and {schema} would both land in PostgreSQL schema {pg}: tables could "
                    "collide and the fallback could not tell them apart; give each its own schemaRenames entry"
                )
            targets[pg] = schema
        patterns = [*self.include, *self.exclude] + [p for t in self.tasks for p in (*t.include, *t.exclude)]
        for p in patterns:
            named, _ = split_table_pattern(p)
            if named is not None and named not in known:
                raise ValueError(
                    f"pattern {p!r} names schema {named}, which is not in schemas (schema parts take no wildcards: "
                    "a pattern without a schema applies to every listed schema)"
                )
        names = [t.name for t in self.tasks]
        if len(set(names)) != len(names):
            raise ValueError("task names must be unique")
        if not self.strict_errors and not self.target_is_disposable:
            raise ValueError(
                "strictErrors: false lets DMS log and skip rows it cannot write; allowed only with "
                "targetIsDisposable: true"
            )
        if self.validation_only_task and self.target_table_prep_mode != "DO_NOTHING":
            raise ValueError("validationOnlyTask needs targetTablePrepMode DO_NOTHING (DMS refuses anything else)")
        if self.cdc_start_position is not None and self.type != "cdc":
            raise ValueError(
                "cdcStartPosition applies to type: cdc only (a full-load-and-cdc task captures changes "
                "from the start of its full load)"
            )
        if self.target_table_prep_mode == "DROP_AND_CREATE" and not self.target_is_disposable:
            raise ValueError(
                "targetTablePrepMode DROP_AND_CREATE drops target tables with their data, indexes and "
                "grants; use DO_NOTHING or TRUNCATE_BEFORE_LOAD, or set targetIsDisposable: true for a "
                "throw-away target"
            )
        return self

    @property
    def has_cdc(self) -> bool:
        return self.type != "full-load"

    @property
    def has_full_load(self) -> bool:
        return self.type != "cdc"


class Throughput(StrictModel):
    """Throughput assumptions; a field left empty takes the instance-class default from FAMILY_RATES.

    Set the fields from a pilot load (CloudWatch FullLoadThroughputBandwidthTarget, CDCThroughputBandwidthTarget)
    and the source change volume (archived redo per hour from V$ARCHIVED_LOG is an upper bound).
    """

    full_load_mb_per_s_per_stream: float | None = Field(default=None, gt=0, allow_inf_nan=False)
    instance_full_load_mb_per_s: float | None = Field(default=None, gt=0, allow_inf_nan=False)
    max_streams: int | None = Field(default=None, ge=1, le=MAX_FULL_LOAD_SUBTASKS)  # MaxFullLoadSubTasks
    lob_penalty: float | None = Field(default=None, ge=1, allow_inf_nan=False)
    cdc_apply_mb_per_s: float | None = Field(default=None, gt=0, allow_inf_nan=False)
    change_rate_mb_per_s: float | None = Field(default=None, ge=0, allow_inf_nan=False)


class InventoryConfig(StrictModel):
    """CSV exports of the Oracle inventory (migration/sql/oracle_inventory.sql), relative to the project root."""

    columns: str = Field(min_length=1)
    tables: str = Field(min_length=1)
    lobs: str | None = None
    keys: str | None = None
    unsupported_columns: Literal["fail", "remove-column", "exclude-table"] = "fail"


class SizingConfig(StrictModel):
    """`mode: auto` lets the planner split the tables into tasks from their sizes and the downtime window."""

    mode: Literal["manual", "auto"] = "manual"
    window_hours: float | None = Field(default=None, gt=0, le=24 * 30)
    preloaded: bool = False
    groups: list[list[str]] = Field(default_factory=list)
    max_tables_per_task: int = Field(default=200, ge=1, le=1000)
    throughput: dict[str, float] = Field(default_factory=dict)
    key_ranges: dict[str, list[int]] = Field(default_factory=dict)
    # A migration-plan.json written by `plan` and committed: the task split stays as deployed even when the
    # inventory, the instance class or the throughput figures change (moving a table between running tasks
    # reloads it).
    plan_file: str | None = Field(default=None, min_length=1)

    @field_validator("key_ranges")
    @classmethod
    def _ranges(cls, v: dict[str, list[int]]) -> dict[str, list[int]]:
        for table, bounds in v.items():
            bad_type = any(isinstance(b, bool) for b in bounds)
            if bad_type or "." not in table or len(bounds) != 2 or bounds[0] >= bounds[1]:
                raise ValueError(
                    f"{table}: give SCHEMA.TABLE: [min, max] with min < max (from SELECT MIN(key), MAX(key))"
                )
        return v

    @model_validator(mode="after")
    def _auto(self) -> SizingConfig:
        if self.mode == "auto" and self.window_hours is None:
            raise ValueError("mode auto needs windowHours (the allowed downtime in hours)")
        if self.throughput:
            try:
                Throughput.model_validate(self.throughput)
            except ValidationError as exc:
                err = exc.errors()[0]
                raise ValueError(f"throughput.{'.'.join(str(x) for x in err['loc'])}: {err['msg']}") from None
        return self


class AssessmentConfig(StrictModel):
    """Where premigration assessment results go (used by the runbook's filled-in AWS CLI commands)."""

    result_bucket: str | None = Field(default=None, pattern=r"^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$")
    service_access_role_arn: str | None = Field(default=None, pattern=r"^arn:aws[a-z-]*:iam::\d{12}:role/[\w+=,.@/-]+$")


class IamConfig(StrictModel):
    create_dms_roles: bool = True


class ReverseConfig(StrictModel):
    """The fallback path: PostgreSQL -> Oracle change data capture after cutover."""

    enabled: bool = False
    postgres_source: PostgresSourceConfig | None = None
    oracle_target: OracleTargetConfig | None = None
    cdc_start_position: str | None = None
    target_table_prep_mode: str = "DO_NOTHING"
    loopback_prevention: bool = False
    keep_forward_running: bool = False
    # Where DMS keeps the reverse task's control tables (awsdms_apply_exceptions, status, history, suspended
    # tables): the reverse user's own schema, the one Oracle schema it can create tables in. Default: the user
    # name (oracleTarget.username), or DMS_REVERSE when the name lives in Secrets Manager.
    control_schema: str | None = None

    @field_validator("control_schema")
    @classmethod
    def _control(cls, v: str | None) -> str | None:
        if v is None:
            return None
        return _pattern(
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


# DMS Serverless capacity units (DCU; one DCU is 2 GB of memory): the values ReplicationConfig accepts
# (pulumi-aws ReplicationConfigComputeConfig; DMS API ComputeConfig).
DCU_VALUES = (1, 2, 4, 8, 16, 32, 64, 128, 192, 256, 384)


class CapacityConfig(StrictModel):
    """Where the tasks run: `instances` replication instances of replicationInstance.instanceClass (auto: the
    fewest the planner finds meeting sizing.windowHours), or DMS Serverless replication configs."""

    mode: Literal["instances", "serverless"] = "instances"
    instances: int | Literal["auto"] = Field(default=1)
    min_dcu: int | None = None  # serverless: the planner's estimate unless set
    max_dcu: int | None = None

    @field_validator("instances")
    @classmethod
    def _count(cls, v: int | str) -> int | str:
        if isinstance(v, int) and not 1 <= v <= 60:
            raise ValueError(f"must be 1..60 (DMS quota: replication instances per region) or auto, got {v}")
        return v

    @field_validator("min_dcu", "max_dcu")
    @classmethod
    def _dcu(cls, v: int | None) -> int | None:
        if v is not None and v not in DCU_VALUES:
            raise ValueError(f"must be one of {', '.join(map(str, DCU_VALUES))} (DMS capacity units), got {v}")
        return v

    def instances_or(self, default: int) -> int:
        """The configured count, or `default` for auto."""
        return default if self.instances == "auto" else int(self.instances)

    @model_validator(mode="before")
    @classmethod
    def _count_words(cls, data: Any) -> Any:
        """One line for a count that is neither a number nor auto (pydantic would report both union arms)."""
        if isinstance(data, dict) and "instances" in data:
            v = data["instances"]
            if isinstance(v, bool) or not (isinstance(v, int) or v == "auto"):
                raise ValueError(f"instances: must be 1..60 or auto, got {v!r}")
        return data

    @model_validator(mode="after")
    def _consistent(self) -> CapacityConfig:
        if self.mode == "serverless" and self.instances != 1:
            raise ValueError("instances applies to mode: instances; serverless sizes itself in DCU (minDcu, maxDcu)")
        if self.mode == "instances" and (self.min_dcu is not None or self.max_dcu is not None):
            raise ValueError("minDcu/maxDcu apply to mode: serverless")
        if self.min_dcu is not None and self.max_dcu is not None and self.min_dcu > self.max_dcu:
            raise ValueError(f"minDcu {self.min_dcu} is above maxDcu {self.max_dcu}")
        if self.min_dcu is not None and self.max_dcu is None and self.min_dcu > 16:
            raise ValueError(f"minDcu {self.min_dcu} needs maxDcu at least as large (the default follows the class)")
        return self


class StackConfig(StrictModel):
    """Everything a stack declares. Field aliases are the Pulumi config keys (without the project prefix)."""

    network: NetworkConfig
    replication_instance: ReplicationInstanceConfig = Field(default_factory=ReplicationInstanceConfig)
    source: OracleSourceConfig
    target: PostgresTargetConfig
    migration: MigrationConfig
    iam: IamConfig = Field(default_factory=IamConfig)
    tags: dict[str, str] = Field(default_factory=dict)
    phase: Literal["replicate", "cutover", "fallback", "complete"] = "replicate"
    # A one-off: lets this `pulumi up` take the phase back from the deployed phase named here (checked against the
    # stack's own outputs at up time: migration.planning.transitions).
    allow_phase_back: Literal["cutover", "fallback", "complete"] | None = None
    protect: bool = False
    require_ssl: bool = False
    reverse: ReverseConfig = Field(default_factory=ReverseConfig)
    monitoring: MonitoringConfig = Field(default_factory=MonitoringConfig)
    inventory: InventoryConfig | None = None
    sizing: SizingConfig = Field(default_factory=SizingConfig)
    assessment: AssessmentConfig = Field(default_factory=AssessmentConfig)
    capacity: CapacityConfig = Field(default_factory=CapacityConfig)

    @model_validator(mode="after")
    def _capacity(self) -> StackConfig:
        """What DMS Serverless cannot do for this migration, and what the planner needs to choose a count."""
        cap = self.capacity
        for task in self.migration.tasks:
            if task.instance is not None and (cap.mode == "serverless" or task.instance > cap.instances_or(1)):
                raise ValueError(
                    f"migration.tasks: task {task.name} asks for instance {task.instance}; the stack runs "
                    + ("on DMS Serverless" if cap.mode == "serverless" else f"{cap.instances_or(1)} instance(s)")
                )
        if cap.instances == "auto" and self.sizing.mode != "auto":
            raise ValueError(
                "capacity.instances: auto lets the planner choose the count from the inventory and the window; it "
                "needs sizing.mode: auto"
            )
        if cap.mode == "serverless":
            # DMS guide, "Limitations of DMS Serverless": custom CDC start points are not supported.
            if self.reverse.enabled:
                raise ValueError(
                    "capacity.mode: serverless cannot run the reverse task: the fallback starts from the LSN captured "
                    "at cutover, and DMS Serverless does not support custom CDC start points; use mode: instances, or "
                    "reverse.enabled: false"
                )
            if self.migration.type == "cdc" and not _starts_now(self.migration.cdc_start_position):
                raise ValueError(
                    "capacity.mode: serverless does not support custom CDC start points (DMS Serverless "
                    "limitations); migration.cdcStartPosition must be now, or use mode: instances"
                )
        return self

    @model_validator(mode="after")
    def _lifecycle(self) -> StackConfig:
        """Guards that keep every phase change free of a data-loss path."""
        past_replicate = self.phase != "replicate"
        if past_replicate and self.migration.target_table_prep_mode != "DO_NOTHING":
            raise ValueError(
                f"phase: {self.phase} means PostgreSQL now holds production writes; "
                f"migration.targetTablePrepMode {self.migration.target_table_prep_mode} would empty "
                "its tables on any reload of a forward task; set it to DO_NOTHING"
            )
        if self.phase == "fallback" and self.reverse.enabled and _starts_now(self.reverse.cdc_start_position):
            raise ValueError(
                "phase: fallback starts the reverse task; set reverse.cdcStartPosition to the PostgreSQL LSN captured "
                "at cutover (SELECT pg_current_wal_lsn()), not now: changes written since cutover would never reach "
                "Oracle"
            )
        if self.phase == "fallback" and not self.reverse.enabled:
            raise ValueError(
                "phase: fallback runs the reverse PostgreSQL -> Oracle task; set reverse.enabled: true "
                "with its postgresSource and oracleTarget"
            )
        rev_source = self.reverse.postgres_source if self.reverse.enabled else None
        if (
            rev_source is not None
            and self.source.settings.fail_tasks_on_lob_truncation
            and not rev_source.settings.fail_tasks_on_lob_truncation
        ):
            raise ValueError(
                "reverse.postgresSource.settings.failTasksOnLobTruncation: false lets the fallback truncate LOBs the "
                "forward path refuses to truncate (source.settings.failTasksOnLobTruncation: true); set it true"
            )
        if self.require_ssl:
            conns: list[tuple[str, _Connection | None]] = [
                ("source", self.source),
                ("target", self.target),
                ("reverse.postgresSource", self.reverse.postgres_source if self.reverse.enabled else None),
                ("reverse.oracleTarget", self.reverse.oracle_target if self.reverse.enabled else None),
            ]
            for key, conn in conns:
                if conn is not None and conn.ssl_mode == "none":
                    raise ValueError(
                        f"{key}.sslMode: requireSsl is on, so every endpoint must encrypt; use "
                        "require/verify-full (PostgreSQL) or verify-ca with a wallet certificate (Oracle)"
                    )
        if self.sizing.mode == "auto":
            if self.inventory is None:
                raise ValueError("sizing: mode auto plans from table sizes; set inventory.columns and inventory.tables")
            if self.migration.tasks:
                raise ValueError(
                    "sizing: mode auto builds the task list itself; remove migration.tasks or use mode manual"
                )
        self._check_reverse_user()
        if self.reverse.loopback_prevention and self.reverse.enabled and not self.migration.has_cdc:
            raise ValueError(
                "reverse.loopbackPrevention only matters when the forward task replicates changes "
                "(migration.type cdc or full-load-and-cdc)"
            )
        return self

    def _check_reverse_user(self) -> None:
        """The reverse user's control schema is its own, never a migrated or an Oracle-maintained schema; and the
        forward LogMiner filter names the user the reverse task writes as, or its changes would flow forward."""
        rev = self.reverse
        if not rev.enabled:
            return
        control = rev.oracle_control_schema
        if control in self.migration.schemas or control in ORACLE_MAINTAINED_SCHEMAS:
            raise ValueError(
                f"reverse.controlSchema: {control} is a migrated or Oracle-maintained schema; DMS's control tables "
                "belong in the reverse user's own schema"
            )
        users = self.source.settings.filter_transactions_of_user
        if users and rev.oracle_user not in users:
            raise ValueError(
                f"source.settings.filterTransactionsOfUser: lists {', '.join(users)}, but the reverse task writes as "
                f"{rev.oracle_user}; name that user, or its changes would be captured forward again"
            )

    @field_validator("tags")
    @classmethod
    def _tags(cls, v: dict[str, str]) -> dict[str, str]:
        for k, val in v.items():
            if not TAG_KEY_RE.match(k) or k.lower().startswith("aws:"):
                raise ValueError(f"tag key {k!r} is not allowed (1-128 chars, no aws: prefix)")
            if len(val) > 256:
                raise ValueError(f"tag {k} value is longer than 256 characters")
        return dict(sorted(v.items()))


class Stack(StrictModel):
    """The validated config plus the identity of the stack it belongs to."""

    project: str
    stack: str
    region: str
    config: StackConfig
    root: str = "."  # project directory: relative inventory paths start here

    @property
    def prefix(self) -> str:
        return f"{self.project}-{self.stack}"


# ------------------------------------------------------------------------------------------------------ loading

CONFIG_KEYS = tuple(f.alias or n for n, f in StackConfig.model_fields.items())
_SECRET_FIELDS = {"password"}


def did_you_mean(word: str, known: Sequence[str]) -> str:
    """` (did you mean requireSsl?)` for the nearest known key or value, else empty. Case slips first (requireSSL),
    then spelling (requirSsl)."""
    folded = {k.lower(): k for k in known}
    match = folded.get(word.lower()) or next(iter(difflib.get_close_matches(word, list(known), n=1, cutoff=0.75)), None)
    return f" (did you mean {match}?)" if match else ""


def known_keys_at(loc: Sequence[str]) -> list[str]:
    """The camelCase keys allowed at `loc` (a validation error location, list indexes included) in StackConfig."""
    model: Any = StackConfig
    for part in loc:
        if part.isdigit():
            continue
        fields = {f.alias or n: f for n, f in model.model_fields.items()}
        field = fields.get(part)
        if field is None:
            return []
        model = _model_in(field.annotation)
        if model is None:
            return []
    return [f.alias or n for n, f in model.model_fields.items()]


def _model_in(annotation: Any) -> Any:
    """The pydantic model inside `X`, `X | None`, `list[X]` or `dict[str, X]`, if any."""
    if isinstance(annotation, type) and issubclass(annotation, StrictModel):
        return annotation
    for arg in get_args(annotation):
        found = _model_in(arg)
        if found is not None:
            return found
    return None


def _format_error(project: str, err: Mapping[str, Any]) -> str:
    loc = [str(p) for p in err.get("loc", ())]
    if not loc:  # model-level guard: its message starts with the key it is about
        return f"{project}:" + str(err.get("msg", "invalid config")).removeprefix("Value error, ")
    key = f"{project}:{loc[0]}"
    for part in loc[1:]:
        key += f"[{part}]" if part.isdigit() else f".{part}"
    msg = str(err.get("msg", "invalid value")).removeprefix("Value error, ")
    kind = err.get("type", "")
    value = err.get("input")
    # A whole connection given as text ("user/pw@host") may carry a password: never echo top-level values.
    if kind in ("too_short", "string_too_short") and loc[-1] in _SECRET_FIELDS:
        msg = "must not be empty"
    elif kind == "missing":
        msg = "required key is missing"
    elif kind == "literal_error" and isinstance(value, str):
        options = re.findall(r"'([^']*)'", str(err.get("ctx", {}).get("expected", "")))
        msg += f", got {value!r}{did_you_mean(value, options)}"
    elif kind == "extra_forbidden":
        hint = did_you_mean(loc[-1], known_keys_at(loc[:-1]))
        msg = f"unknown key{hint or ' (check the spelling; keys are camelCase)'}"
    elif (
        len(loc) > 1
        and not set(loc) & _SECRET_FIELDS
        and isinstance(value, (str, int, float, bool))
        and "got" not in msg
        and repr(value) not in msg
        and not re.search(r"://[^/@]*@", str(value))  # a URL with credentials in it is never echoed
    ):
        msg += f", got {value!r}"
    return f"{key}: {msg}"


def load_stack_config(
    raw: Mapping[str, Any],
    *,
    project: str,
    stack: str,
    region: str | None,
    secret_keys: frozenset[str] | set[str] = frozenset(),
    root: str = ".",
    secret_paths: frozenset[str] | set[str] | None = None,
) -> Stack:
    """Validate the raw config objects (keys without project prefix) and return the stack, or raise ConfigError.

    `secret_keys` are the (un-prefixed) keys Pulumi holds as secrets; a password in a key that is not secret was
    written in plain text into the stack file, which we refuse. When the stack file itself is at hand,
    `secret_paths` names every encrypted leaf (`reverse.oracleTarget.password`), so each password is checked on
    its own: one secure value makes Pulumi mark the whole key secret, the plain one next to it included.
    """
    unknown = sorted(set(raw) - set(CONFIG_KEYS))
    if unknown:
        hint = did_you_mean(unknown[0], CONFIG_KEYS)
        raise ConfigError(f"{project}:{unknown[0]}: unknown config key{hint}; known keys: {', '.join(CONFIG_KEYS)}")
    if not region:
        raise ConfigError("aws:region: required key is missing (pulumi config set aws:region eu-west-1)")
    if not isinstance(region, str) or not REGION_RE.match(region):
        raise ConfigError(f"aws:region: must be an AWS region like eu-west-1, got {region!r}")
    for key, value in raw.items():
        for path in password_paths(value):
            plain = f"{key}{path}" not in secret_paths if secret_paths is not None else key not in secret_keys
            if not plain:
                continue
            raise ConfigError(
                f"{project}:{key}{path}: stored in plain text; set it with "
                f"`pulumi config set --secret --path {key}{path} <value>`"
            )
    try:
        config = StackConfig.model_validate(dict(raw))
    except ValidationError as exc:
        # An unknown key first: a typo (`nmae`) also shows up as a missing key, and the typo is the cause.
        errors = sorted(exc.errors(), key=lambda e: e.get("type") != "extra_forbidden")
        line = _format_error(project, errors[0])
        if len(errors) > 1:
            line += f" (and {len(errors) - 1} more problem{'s' if len(errors) > 2 else ''})"
        raise ConfigError(line) from None
    topic = config.monitoring.sns_topic_arn
    if topic and topic.split(":")[3] != region:
        raise ConfigError(
            f"{project}:monitoring.snsTopicArn: the topic is in {topic.split(':')[3]} but the stack deploys to "
            f"{region}; CloudWatch alarms and DMS events can only notify a topic in their own region"
        )
    return Stack(project=project, stack=stack, region=region, config=config, root=root)


def check_secret_leaves(project: str, secret_paths: frozenset[str] | set[str]) -> None:
    """Only passwords may be `secure:` values: the program keeps nothing else secret, so any other encrypted leaf
    would reach resource inputs and state in plain text."""
    for leaf in sorted(secret_paths):
        if not leaf.endswith(".password"):
            raise ConfigError(
                f"{project}:{leaf}: only passwords are kept secret by this program; this value would reach "
                "resource inputs and state in plain text. Store it plainly, or put the credentials in Secrets "
                "Manager (secretsManagerSecretArn)"
            )


def password_paths(value: Any, path: str = "") -> list[str]:
    """The paths (`.source.password`) of every password set inside `value`."""
    found: list[str] = []
    if isinstance(value, Mapping):
        for k, v in value.items():
            if k == "password" and v is not None:
                found.append(f"{path}.password")
            else:
                found.extend(password_paths(v, f"{path}.{k}"))
    return found


def read_ca_bundle(stack: Stack, key: str, conn: _Connection | None) -> str | None:
    """The PEM text of a connection's caBundleFile (relative to the project root), checked to look like PEM."""
    if conn is None or not conn.ca_bundle_file:
        return None
    path = os.path.join(stack.root, conn.ca_bundle_file)
    try:
        with open(path, encoding="utf-8") as fh:
            text = fh.read()
    except OSError:
        raise ConfigError(f"{stack.project}:{key}.caBundleFile: cannot read {path}") from None
    if "-----BEGIN CERTIFICATE-----" not in text:
        raise ConfigError(f"{stack.project}:{key}.caBundleFile: {path} holds no PEM certificate")
    return text
