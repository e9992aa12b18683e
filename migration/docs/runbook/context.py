"""What a runbook describes: the stack's facts (`RunbookContext`), checked for consistency before anything renders.

The context is filled from a validated stack by `migration.docs.stack_docs.runbook_context`; tests build it directly.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Literal, NamedTuple

from migration.config import MIGRATION_TYPES, PHASES
from migration.dms.identifiers import StackNames


class RunbookError(ValueError):
    """A context the runbook cannot describe truthfully; one line naming the field."""


class LobReconciliation(NamedTuple):
    """One table's LogMiner LOB-only reconciliation (migration.docs.runbook.lob_sql)."""

    table: str  # OWNER.TABLE
    oracle_extract: str  # SQL*Plus, the SCN as &1: key and LOBs of the rows changed since
    postgres_load: str  # psql: the CSV into a temporary table, then an UPDATE of the rows that differ


@dataclass(frozen=True)
class EndpointIds:
    """The DMS endpoint identifiers of a stack (migration.dms.identifiers.StackNames)."""

    source: str
    target: str
    reverse_source: str
    reverse_target: str

    @classmethod
    def of(cls, project: str, stack: str) -> EndpointIds:
        names = StackNames(project, stack)
        return cls(
            names.source_endpoint_id,
            names.target_endpoint_id,
            names.reverse_source_endpoint_id,
            names.reverse_target_endpoint_id,
        )


class LeftBehindItem(NamedTuple):
    """A table or column the migration does not move (migration.planning.left_behind)."""

    what: str
    why: str
    how: str
    postgres_sql: str = ""  # to run on PostgreSQL (ADD COLUMN, CREATE TABLE) or a comment saying why not
    oracle_sql: str = ""  # the SQL*Plus extract, after the freeze
    load_sql: str = ""  # the psql lines loading that extract in one transaction (or a comment)
    way_back: bool = False  # left out of the reverse task: postgres_sql extracts, oracle_sql loads (fallback)


@dataclass(frozen=True)
class SchemaObjectFacts:
    """What the schema objects DMS does not move mean for the runbook (migration.inventory.objects)."""

    paused_task_ids: Sequence[str] = ()  # forward tasks that stop after the full load, before the cached changes
    post_load_hours: float = 0.0  # estimated build time of the after-load DDL part
    window_hours: float | None = None  # sizing.windowHours, beside the estimate
    post_load_objects: int = 0  # indexes, foreign keys and checks the after-load part builds
    sequences_exported: bool = False  # sequences.csv is given: the cutover DDL part moves every sequence
    # Oracle identity columns (OWNER.TABLE.COLUMN) the reverse task writes, by generation: ALWAYS must become
    # BY DEFAULT before it starts; both are moved past PostgreSQL's values at take-back.
    identity_always: Sequence[str] = ()
    identity_by_default: Sequence[str] = ()
    # Sequences (PostgreSQL names) tied to no column, and the check that warns when a key is already past one.
    untied_sequences: Sequence[str] = ()
    untied_check: str = ""
    # (PostgreSQL schema, PostgreSQL name, Oracle owner, Oracle name) of every sequence the before-load part
    # creates: the take-back script moves each under its exact Oracle name.
    sequence_names: Sequence[tuple[str, str, str, str]] = ()
    # Key columns (qualified PostgreSQL names) an Oracle trigger fed from a sequence: the cutover part gives each
    # that sequence as its default.
    trigger_fed_keys: Sequence[str] = ()
    # The plan's change rate of the source and CDC apply rate (MB/s; None without a plan): the catch-up after the
    # pause, when every paused task resumes at once with what it cached while the others loaded.
    change_mb_per_s: float | None = None
    cdc_apply_mb_per_s: float | None = None
    # LOB columns (qualified PostgreSQL names) Oracle declares NOT NULL: the cutover part adds a CHECK NOT VALID on
    # each, the after-switch step validates it online and sets NOT NULL without a scan.
    lob_not_null_columns: Sequence[str] = ()
    # How many foreign keys the after-load part adds NOT VALID: the after-switch DDL part validates them online.
    foreign_keys_to_validate: int = 0
    # Bytes the cutover part reads to add the partitioned tables' foreign keys (checked there, inside the window).
    partitioned_fk_bytes: int = 0
    # The read-only query listing rows in interval tables' DEFAULT partitions (ddl_parts.default_partition_check):
    # run during CDC, not only in the cutover part.
    default_partition_check: str = ""


class MigratedTable(NamedTuple):
    """A table a forward task migrates, under its exact name on each side (the inventory's name map)."""

    oracle_owner: str
    oracle_table: str
    postgres_schema: str
    postgres_table: str


@dataclass(frozen=True)
class RunbookContext:
    project: str
    stack: str
    region: str
    phase: str
    migration_type: str
    forward_task_ids: Sequence[str]
    reverse_task_id: str | None
    instance_id: str
    source_description: str
    target_description: str
    oracle_schemas: Sequence[str]
    postgres_schemas: Sequence[str]
    reverse_slot_name: str | None
    loopback_prevention: bool
    validation_enabled: bool
    # LOB tables whose LOB-only UPDATEs LogMiner does not replicate (migration.lobUpdatesNotReplicated)
    lob_updates_not_replicated: Sequence[str] = ()
    # With an inventory: each of those tables' reconciliation SQL, and what the plan warning says of it (its passes
    # and their time against the downtime window, migration.planning.lob_rules.lob_reconciliation_text).
    lob_reconciliation: Sequence[LobReconciliation] = ()
    lob_reconciliation_note: str = ""
    # (Oracle name, PostgreSQL name) of every migrated table and column whose PostgreSQL name is not the plain
    # case fold, from the inventory's name map; None when the stack has no inventory (names folded by case only).
    renamed: Sequence[tuple[str, str]] | None = None
    # (Oracle name, PostgreSQL name as SQL writes it) of the migrated tables and columns whose PostgreSQL name only
    # works quoted (a reserved word, or a name DMS cannot transform, kept as Oracle spells it).
    quoted: Sequence[tuple[str, str]] = ()
    # Every replication instance of the stack, the first being `instance_id`; empty: `instance_id` alone.
    instance_ids: Sequence[str] = ()
    # Task id (forward and reverse) -> the instance it runs on; a task not listed runs on `instance_id`.
    task_instances: Mapping[str, str] = field(default_factory=dict)
    # DMS Serverless: (min, max) capacity units of the replication configs; the stack then has no instance.
    serverless_dcu: tuple[int, int] | None = None
    # None: the ids StackNames derives from project and stack (what the stack deploys).
    endpoint_ids: EndpointIds | None = None
    # (task id, estimated seconds of its full load) from the migration plan (sizing.mode auto); None without a plan
    # or without a full load.
    full_load_estimates: Sequence[tuple[str, float]] | None = None
    # Every table the forward tasks migrate; None without an inventory (the runbook then counts whole schemas).
    migrated_tables: Sequence[MigratedTable] | None = None
    # The output plugin of the reverse slot, as prereqs creates it (reverse.postgresSource.settings.pluginName).
    reverse_slot_plugin: Literal["test-decoding", "pglogical"] = "test-decoding"
    # Qualified, quoted PostgreSQL names of the migrated tables without a primary key: REPLICA IDENTITY FULL at
    # step 5, once they exist (the prereqs run before they do).
    replica_identity_full: Sequence[str] = ()
    # The schema objects DMS does not move (None: no inventory) and every table and column left behind.
    schema_objects: SchemaObjectFacts | None = None
    left_behind: Sequence[LeftBehindItem] = ()
    # (task name, ResyncSchedule cron in UTC, MaxResyncTime minutes) of each forward task with data resync on CDC
    resync_windows: Sequence[tuple[str, str, int]] = ()

    def __post_init__(self) -> None:
        if self.phase not in PHASES:
            raise RunbookError(f"phase: {self.phase!r} is not a phase; allowed: {', '.join(PHASES)}")
        if self.migration_type not in MIGRATION_TYPES:
            raise RunbookError(
                f"migration_type: {self.migration_type!r} is not allowed; allowed: {', '.join(MIGRATION_TYPES)}"
            )
        if isinstance(self.forward_task_ids, str) or not self.forward_task_ids:
            raise RunbookError("forward_task_ids: give at least one replication task identifier as a list")
        if not self.postgres_schemas or isinstance(self.postgres_schemas, str):
            raise RunbookError("postgres_schemas: give at least one schema as a list")
        if not self.reverse_task_id and self.reverse_slot_name:
            raise RunbookError("reverse_slot_name: a replication slot is set but the stack has no reverse task")
        if not self.reverse_task_id and self.phase == "fallback":
            raise RunbookError("phase: 'fallback' needs a reverse path, and this stack has no reverse task")
        self._check_capacity()
        self._check_estimates()

    def _check_capacity(self) -> None:
        if isinstance(self.instance_ids, str):
            raise RunbookError("instance_ids: give the replication instance identifiers as a list")
        if self.serverless_dcu is not None:
            if self.instance_ids or self.task_instances:
                raise RunbookError("instance_ids: DMS Serverless runs no replication instance; leave them empty")
            if self.reverse_task_id:
                raise RunbookError("reverse_task_id: DMS Serverless cannot run the reverse task (no CDC start point)")
            return
        if self.instance_ids and self.instance_ids[0] != self.instance_id:
            raise RunbookError(f"instance_ids: the first must be instance_id {self.instance_id!r}")
        tasks = {*self.forward_task_ids, *([self.reverse_task_id] if self.reverse_task_id else [])}
        for task, instance in self.task_instances.items():
            if task not in tasks:
                raise RunbookError(f"task_instances: {task!r} is not a task of this runbook")
            if instance not in self.instances:
                raise RunbookError(f"task_instances: {task!r} runs on {instance!r}, which is not an instance listed")

    def _check_estimates(self) -> None:
        for task, seconds in self.full_load_estimates or ():
            if task not in self.forward_task_ids:
                raise RunbookError(f"full_load_estimates: {task!r} is not a forward task")
            if not seconds >= 0:
                raise RunbookError(f"full_load_estimates: {task!r} has a negative estimate")

    @property
    def cdc(self) -> bool:
        return self.migration_type != "full-load"

    @property
    def serverless(self) -> bool:
        return self.serverless_dcu is not None

    @property
    def instances(self) -> list[str]:
        """The replication instances the tasks run on; none on DMS Serverless."""
        if self.serverless:
            return []
        return list(self.instance_ids) or [self.instance_id]

    def instance_of(self, task: str) -> str:
        return self.task_instances.get(task, self.instances[0])

    @property
    def endpoints(self) -> EndpointIds:
        return self.endpoint_ids or EndpointIds.of(self.project, self.stack)
