"""The schema objects DMS does not move, as exported by oracle_inventory.sql: sequences, identity columns, defaults,
virtual columns, secondary indexes, foreign keys, check constraints, triggers and partitioning.

DMS creates tables, rows and primary keys, nothing else (DMS User Guide, "Best practices: Migration planning"):
these are what `inventory ddl --part before-load|after-load|cutover` turns into PostgreSQL DDL, and what the plan
and the runbook place in the lifecycle. Data only; the loader is `load_objects`, the DDL `ddl_parts`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

# The optional object exports, by the inventory config key that names each file (and its usual file name).
OBJECT_FILES = (
    "sequences",
    "identity",
    "defaults",
    "indexes",
    "foreign_keys",
    "checks",
    "triggers",
    "partitions",
    "partition_bounds",
)


@dataclass(frozen=True)
class Sequence:
    owner: str
    name: str
    last_number: int  # the next value Oracle writes to its dictionary: every value handed out is below it
    increment_by: int
    cache_size: int
    min_value: int
    max_value: int
    cycle: bool


@dataclass(frozen=True)
class Identity:
    owner: str
    table: str
    column: str
    always: bool  # GENERATED ALWAYS (else BY DEFAULT): the reverse task cannot insert into it
    sequence: str  # the backing ISEQ$$_n sequence (its LAST_NUMBER is in sequences.csv)
    options: str  # Oracle's IDENTITY_OPTIONS text, for the reader


@dataclass(frozen=True)
class Default:
    owner: str
    table: str
    column: str
    expression: str  # Oracle's DATA_DEFAULT text
    virtual: bool  # a virtual column (not in columns.csv): the expression computes it
    data_type: str = ""


@dataclass(frozen=True)
class IndexColumn:
    name: str  # the table's column; for an expression, Oracle's hidden SYS_NC column
    descending: bool
    # Oracle's expression (ALL_IND_EXPRESSIONS) when the column is one, e.g. UPPER("FULL_NAME"); empty for a table
    # column, including a DESC column, which Oracle records as the expression "COL" (the loader resolves it)
    expression: str = ""


@dataclass(frozen=True)
class Index:
    owner: str
    table: str
    name: str
    unique: bool
    index_type: str  # NORMAL, BITMAP, FUNCTION-BASED NORMAL, DOMAIN, ...
    columns: tuple[IndexColumn, ...]
    bytes: int  # the index segments: sizes the build between full load and CDC catch-up

    @property
    def function_based(self) -> bool:
        """Indexes on an expression (beyond a plain DESC column) and domain indexes: listed, never guessed."""
        return self.index_type.upper() == "DOMAIN" or any(c.expression for c in self.columns)


@dataclass(frozen=True)
class ForeignKey:
    owner: str
    table: str
    name: str
    columns: tuple[str, ...]
    ref_owner: str
    ref_table: str
    ref_columns: tuple[str, ...]
    delete_rule: str  # NO ACTION, CASCADE or SET NULL


@dataclass(frozen=True)
class Check:
    owner: str
    table: str
    name: str
    condition: str  # Oracle's SEARCH_CONDITION text


@dataclass(frozen=True)
class Trigger:
    owner: str
    table: str
    name: str
    trigger_type: str  # e.g. BEFORE EACH ROW
    event: str  # e.g. INSERT OR UPDATE
    enabled: bool
    # From the dictionary, not the PL/SQL (older exports: empty): the sequences the trigger references
    # (ALL_DEPENDENCIES, as OWNER.NAME) and the :NEW columns it assigns (ALL_TRIGGER_COLS, usage NEW ... OUT). One
    # of each is the usual `:NEW.id := seq.NEXTVAL` key feed, which the cutover part checks against the loaded rows.
    sequences: tuple[str, ...] = ()
    assigns: tuple[str, ...] = ()


# How many partitions past the exported ones an interval-partitioned table gets (inventory.intervalPartitionsAhead,
# whose default this is): a monthly interval covers a year, a migration's usual span; a daily one needs more.
INTERVAL_PARTITIONS_AHEAD = 12


@dataclass(frozen=True)
class Partitioning:
    owner: str
    table: str
    kind: str  # RANGE, LIST, HASH, REFERENCE, SYSTEM
    subkind: str  # NONE or the subpartitioning type
    count: int
    columns: tuple[str, ...]
    interval: str = ""  # ALL_PART_TABLES.INTERVAL: Oracle adds a partition per interval as rows arrive


@dataclass(frozen=True)
class PartitionBound:
    """One partition of a RANGE or LIST partitioned table, as ALL_TAB_PARTITIONS lists it."""

    owner: str
    table: str
    name: str
    position: int
    high_value: str  # Oracle's HIGH_VALUE text: the range's upper bound (exclusive) or the list's values


@dataclass(frozen=True)
class SchemaObjects:
    """Everything the object exports hold, in export order; `missing` names the exports that were not given (an
    older export), so the plan can say once what it cannot place."""

    sequences: tuple[Sequence, ...] = ()
    identities: tuple[Identity, ...] = ()
    defaults: tuple[Default, ...] = ()
    indexes: tuple[Index, ...] = ()
    foreign_keys: tuple[ForeignKey, ...] = ()
    checks: tuple[Check, ...] = ()
    triggers: tuple[Trigger, ...] = ()
    partitions: tuple[Partitioning, ...] = ()
    partition_bounds: tuple[PartitionBound, ...] = ()
    missing: tuple[str, ...] = field(default=OBJECT_FILES)

    @property
    def virtual_columns(self) -> tuple[Default, ...]:
        return tuple(d for d in self.defaults if d.virtual)

    def post_load_tables(self) -> list[tuple[str, str]]:
        """The (owner, table) of every object the after-load part builds by reading its table (indexes, checks),
        once per object: a table with several appears several times. Foreign keys are not among them: that part
        adds them NOT VALID, without reading a row, and the after-switch part validates them online."""
        return [*((i.owner, i.table) for i in self.indexes), *((c.owner, c.table) for c in self.checks)]

    def post_load_count(self, tables: set[tuple[str, str]] | None = None) -> int:
        """How many objects the after-load part builds on `tables` (all when None): a forward task pauses before
        its cached changes when its tables have any."""
        return sum(tables is None or pair in tables for pair in self.post_load_tables())
