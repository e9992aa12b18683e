"""`migration:` what moves (schemas, table patterns, explicit tasks) and how the forward tasks load and apply it."""

from __future__ import annotations

from typing import Any, get_args

from pydantic import Field, field_validator, model_validator

from migration._model import StrictModel
from migration.config.patterns import (
    ORACLE_NAME_RE,
    PG_NAME_RE,
    TASK_NAME_RE,
    check_distinct,
    check_pattern,
    normalise_table_pattern,
    split_table_pattern,
)
from migration.dms.limits import MAX_REPLICATION_INSTANCES
from migration.dms.positions import StartPositionError, parse_oracle_start
from migration.dms.task_settings import MigrationType, PrepMode

MIGRATION_TYPES: tuple[str, ...] = get_args(MigrationType)
RESERVED_TASK_NAMES = ("reverse", "validate")


class TaskConfig(StrictModel):
    """One explicit migration task: a name and the tables it owns (`SCHEMA.TABLE` patterns, `%` wildcards)."""

    name: str = Field(
        min_length=1,
        max_length=40,
        description=f"The task's name: lower-case letters, digits and single hyphens, unique; "
        f"{' and '.join(RESERVED_TASK_NAMES)} are reserved. Part of the DMS task identifier.",
    )
    include: list[str] = Field(
        min_length=1,
        description="TABLE or SCHEMA.TABLE patterns of the tables it loads, written like migration.include (upper "
        'case, % wildcards; a mixed-case name in double quotes: LEDGER."Invoice").',
    )
    exclude: list[str] = Field(
        default_factory=list, description="Patterns of tables left out of this task, written like include."
    )
    # With capacity.instances N: the instance (1..N) the task runs on. Unset: chosen from the task's name, so
    # editing the task list never moves another task (a move stops the task).
    instance: int | None = Field(
        default=None,
        ge=1,
        le=MAX_REPLICATION_INSTANCES,
        description="With capacity.instances N: the instance (1..N) the task runs on. Default: chosen from the "
        "task's name, so editing the task list never moves another task (a move stops the task).",
    )

    @field_validator("include", "exclude")
    @classmethod
    def _patterns(cls, v: list[str]) -> list[str]:
        return [normalise_table_pattern(p) for p in v]  # one form for every table-pattern key

    @field_validator("name")
    @classmethod
    def _name(cls, v: str) -> str:
        if v in RESERVED_TASK_NAMES:
            raise ValueError(f"{v!r} is reserved for the stack's own {v} task; pick another name")
        return check_pattern(v, TASK_NAME_RE, "must be lower-case letters, digits and single hyphens, e.g. orders")


class MigrationConfig(StrictModel):
    """What the forward (Oracle -> PostgreSQL) tasks move and how they load and apply it."""

    type: MigrationType = Field(description="MigrationType of the forward tasks.")
    schemas: list[str] = Field(
        min_length=1, description="The Oracle schemas to migrate, as stored (upper case), each listed once."
    )
    schema_renames: dict[str, str] = Field(
        default_factory=dict,
        description="Oracle schema -> PostgreSQL schema (lower case). Default: the lower-cased Oracle name; no two "
        "schemas may land in the same PostgreSQL schema.",
    )
    include: list[str] = Field(
        default_factory=lambda: ["%"],
        description="TABLE or SCHEMA.TABLE patterns (upper case, % wildcards) of the tables to migrate; a pattern "
        "without a schema applies to every listed schema. A mixed-case name is written as Oracle SQL writes it, in "
        'double quotes: LEDGER."Invoice" (in YAML: \'LEDGER."Invoice"\') selects exactly the table stored as Invoice.',
    )
    exclude: list[str] = Field(
        default_factory=list,
        description='Patterns of tables left out, written like include (LEDGER."Invoice" for a mixed-case name).',
    )
    tasks: list[TaskConfig] = Field(
        default_factory=list,
        description="Explicit tasks (sizing.mode manual). Default: one task for every selected table.",
    )
    target_table_prep_mode: PrepMode = Field(
        default="DO_NOTHING",
        description="TargetTablePrepMode: DROP_AND_CREATE needs targetIsDisposable; only DO_NOTHING once phase is "
        "past replicate or with validationOnlyTask.",
    )
    target_is_disposable: bool = Field(
        default=False,
        description="The target holds nothing to keep: allows DROP_AND_CREATE and strictErrors: false.",
    )
    start_task: bool = Field(
        default=False,
        description="Start the forward tasks after creating them (phase replicate). Off by default: the first pulumi "
        "up creates them stopped, for the endpoint tests and the premigration assessment (runbook); then set it true.",
    )
    cdc_start_position: str | None = Field(
        default=None,
        description="type cdc only: where CDC starts, an Oracle SCN (CdcStartPosition), a UTC time with zone "
        "(CdcStartTime) or now.",
    )
    validation: bool = Field(default=False, description="ValidationSettings.EnableValidation on the forward tasks.")
    validation_only_task: bool = Field(
        default=False,
        description="Add a ValidationOnly task comparing source and target; needs targetTablePrepMode DO_NOTHING.",
    )
    batch_apply: bool = Field(
        default=True,
        description="TargetMetadata.BatchApplyEnabled on the forward CDC tasks whose every table DMS can apply in "
        "batches (a primary or unique key but not both, 2 x columns + key columns <= 999, no XMLTYPE, limited LOB "
        "mode) and that run without loopback prevention; the others apply changes one by one. false: every task "
        "applies one by one.",
    )
    data_resync: bool | None = Field(
        default=None,
        description="ResyncSettings.EnableResync on the validating forward tasks: DMS re-reads the rows validation "
        "found different from the source and rewrites them (engine 3.6.1+, Oracle -> RDS/Aurora PostgreSQL). "
        "Default: on where supported; true where it is not is refused.",
    )
    resync_schedule: str = Field(
        default="0 2 ? * *",
        description="ResyncSchedule (cron: minute hour day-of-month month day-of-week, UTC) of a CDC task's data "
        "resync: replication and validation pause while it runs, so keep it out of the cutover window.",
    )
    max_resync_minutes: int = Field(
        default=60, ge=5, le=14400, description="MaxResyncTime: the longest a scheduled data resync runs, in minutes."
    )
    ddl_handling: bool = Field(
        default=False,
        description="ChangeProcessingDdlHandlingPolicy on the forward tasks: true lets a source DROP/TRUNCATE/ALTER "
        "TABLE reach PostgreSQL (a DROP drops the target table; an ADD COLUMN lands with DMS's default type, not "
        "the mapped one). Default false: apply source DDL to the target by hand.",
    )
    # Every data, table and apply error stops the task (default). false = DMS's own defaults, which log and skip
    # bad rows: only for throw-away loads.
    strict_errors: bool = Field(
        default=True,
        description="ErrorBehavior: every data, table and apply error stops the task. false (DMS's defaults: log "
        "and skip bad rows) needs targetIsDisposable.",
    )
    # With LogMiner, DMS does not replicate UPDATEs that change only LOB columns: a CDC stack names here exactly the
    # LOB tables it accepts that for (SCHEMA.TABLE), or uses source.settings.reader: binary-reader.
    lob_updates_not_replicated: list[str] = Field(
        default_factory=list,
        description="With LogMiner, DMS does not replicate UPDATEs changing only LOB columns: a CDC stack names here "
        "the SCHEMA.TABLE names (% wildcards) it accepts that for, or uses source.settings.reader: binary-reader. "
        'Written like migration.include: a mixed-case name in double quotes, SHOP."OrderLines".',
    )
    # Escape hatch: a partial ReplicationTaskSettings document deep-merged over the built one. Unknown sections
    # and the read-only CloudWatch fields are refused.
    task_settings_overrides: dict[str, Any] = Field(
        default_factory=dict,
        description="A partial ReplicationTaskSettings document deep-merged over the built one; unknown sections, "
        "read-only fields and guarded settings are refused.",
    )

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
        return check_distinct(
            v,
            ORACLE_NAME_RE,
            "must be Oracle schema names as stored (upper case, e.g. APP)",
            "schemas are listed twice",
        )

    @field_validator("schema_renames")
    @classmethod
    def _renames(cls, v: dict[str, str]) -> dict[str, str]:
        for src, dst in v.items():
            check_pattern(src, ORACLE_NAME_RE, "keys must be Oracle schema names (upper case)")
            check_pattern(dst, PG_NAME_RE, "values must be lower-case PostgreSQL schema names")
        return v

    @field_validator("lob_updates_not_replicated")
    @classmethod
    def _tables(cls, v: list[str]) -> list[str]:
        return [normalise_table_pattern(p, qualified=True) for p in v]  # the form include/exclude take

    @field_validator("include", "exclude")
    @classmethod
    def _patterns(cls, v: list[str]) -> list[str]:
        return [normalise_table_pattern(p) for p in v]  # LEDGER."Invoice": the name as stored, LEDGER.Invoice

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
