"""What every part of the target DDL reads (ddl_parts, ddl_cutover): the chosen tables under their PostgreSQL
names, their schema objects looked up by table and column, and the names of sequences, indexes and constraints."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from migration.inventory.ddl import RENAMED_FORWARD, Namespace, key_names, object_name, quote_ident, schema_renames
from migration.inventory.model import Inventory, InventoryError, Table
from migration.inventory.names import NameMap, build_name_map, shortened
from migration.inventory.objects import (
    Check,
    Default,
    ForeignKey,
    Identity,
    Index,
    PartitionBound,
    Partitioning,
    SchemaObjects,
    Sequence,
)
from migration.inventory.oracle_expr import interval_bounds, partition_values
from migration.inventory.typemap import TypeMapper, identifier_too_long

BIGINT = (-(2**63), 2**63 - 1)  # PostgreSQL sequences are bigint; Oracle's default bounds lie beyond it


@dataclass
class TableObjects:
    """One table's objects the parts build or list."""

    indexes: list[Index] = field(default_factory=list)
    foreign_keys: list[ForeignKey] = field(default_factory=list)
    checks: list[Check] = field(default_factory=list)
    virtual_columns: list[Default] = field(default_factory=list)
    partitioning: Partitioning | None = None
    bounds: list[PartitionBound] = field(default_factory=list)  # by position


@dataclass
class Scope:
    """What every part reads: the tables chosen, their names, and their objects looked up by table and column,
    worked out once per render (a big estate has tens of thousands of tables and indexes)."""

    inv: Inventory
    objects: SchemaObjects
    names: NameMap
    chosen: list[Table]
    scale: int
    ahead: int = 0  # interval partitions created beyond the exported ones (inventory.intervalPartitionsAhead)
    identities: dict[tuple[str, str, str], Identity] = field(default_factory=dict)
    defaults: dict[tuple[str, str, str], Default] = field(default_factory=dict)
    sequences: dict[tuple[str, str], Sequence] = field(default_factory=dict)
    owners: list[str] = field(default_factory=list)  # the chosen tables' owners, in order
    keys: set[tuple[str, str]] = field(default_factory=set)  # the chosen (owner, table) pairs
    standalone: list[Sequence] = field(default_factory=list)  # sequences the before-load part creates
    by_table: dict[tuple[str, str], TableObjects] = field(default_factory=dict)
    with_extras: set[tuple[str, str, str]] = field(default_factory=set)  # columns with an identity or a default
    created: dict[tuple[str, str], dict[str, str]] = field(default_factory=dict)  # see created_columns
    types: TypeMapper = field(init=False)  # the type map, each signature once per render
    # Every name the parts give besides tables and columns, by (owner, table, Oracle name or label): see _name_all.
    given: dict[tuple[str, str, str], str] = field(default_factory=dict)
    space: Namespace = field(init=False)
    key_named: dict[tuple[str, str], dict[tuple[str, ...], str]] = field(default_factory=dict)
    renamed: str = RENAMED_FORWARD  # which mappings carry a rename rule (ddl.RENAMED_*)

    def __post_init__(self) -> None:
        self.types = TypeMapper(self.scale)
        o = self.objects
        self.identities = {(i.owner, i.table, i.column): i for i in o.identities}
        self.defaults = {(d.owner, d.table, d.column): d for d in o.defaults if not d.virtual}
        self.sequences = {(s.owner, s.name): s for s in o.sequences}
        self.with_extras = {*self.identities, *self.defaults}
        self.owners = list(dict.fromkeys(t.owner for t in self.chosen))
        self.keys = {(t.owner, t.name) for t in self.chosen}
        # The schemas' sequences that are not an identity column's own (PostgreSQL creates those itself).
        backing = {(i.owner, i.sequence) for i in o.identities}
        self.standalone = [s for s in o.sequences if s.owner in self.owners and (s.owner, s.name) not in backing]
        for attr, items in (
            ("indexes", o.indexes),
            ("foreign_keys", o.foreign_keys),
            ("checks", o.checks),
            ("virtual_columns", o.virtual_columns),
        ):
            for item in items:
                getattr(self.on(item.owner, item.table), attr).append(item)
        for part in o.partitions:
            self.on(part.owner, part.table).partitioning = part
        for bound in o.partition_bounds:
            self.on(bound.owner, bound.table).bounds.append(bound)
        self._name_all()

    def _name_all(self) -> None:
        """Every sequence, partition, key, index and constraint name, given once in one order for all parts (each
        part renders apart and finds the names the others gave), never two alike in a schema (Namespace)."""
        space = self.space = Namespace()
        for owner, name in self.inv.tables:
            space.reserve(self.names.schema(owner), self.names.table(owner, name))
        for ident in self.identities.values():  # PostgreSQL names an identity's sequence table_column_seq
            if (ident.owner, ident.table) in self.keys:
                pg = self.names.table(ident.owner, ident.table)
                column = self.names.column(ident.owner, ident.table, ident.column)
                space.reserve(self.names.schema(ident.owner), f"{pg}_{column}_seq")
        for seq in self.standalone:
            schema = self.names.schema(seq.owner)
            self.given[(seq.owner, "", seq.name)] = space.claim(schema, object_name(seq.name), seq.name)
        for table in self.chosen:
            self._name_table_objects(space, table)

    def _name_table_objects(self, space: Namespace, table: Table) -> None:
        owner, tname = table.owner, table.name
        schema, pg = self.names.schema(owner), self.names.table(owner, tname)
        objects = self.on(owner, tname)
        count = objects.partitioning.count if objects.partitioning else 0
        parts = [(b.name, b.name.lower()) for b in objects.bounds]
        parts += [("DEFAULT", "default"), *((f"#{i}", f"p{i}") for i in range(count))]  # HASH: by remainder
        parts += [(f"AHEAD {low}", ahead_suffix(low)) for low, _ in self.ahead_ranges(objects)]
        for part, suffix in parts:
            oracle = f"{owner}.{tname}.{part}"
            wanted = f"{pg}_{suffix}"
            wanted = shortened(wanted, oracle) if identifier_too_long(wanted) else wanted
            self.given[(owner, tname, f"PARTITION {part}")] = space.claim(schema, wanted, oracle)
        self.key_named[(owner, tname)] = key_names(space, schema, table, pg)
        for oracle in [*(i.name for i in objects.indexes), *(c.name for c in objects.checks)]:
            self.given[(owner, tname, oracle)] = space.claim(schema, object_name(oracle), oracle)
        for oracle in (k.name for k in objects.foreign_keys):
            self.given[(owner, tname, oracle)] = space.claim(schema, object_name(oracle), oracle)

    def ahead_ranges(self, objects: TableObjects) -> list[tuple[str, str]]:
        """(from, to) of the `ahead` partitions an interval-partitioned table gets past its last exported one, as
        PostgreSQL bound literals: Oracle would add them as rows arrive, PostgreSQL adds none by itself. Empty
        when the table is not interval-partitioned on one column or its interval or last bound does not convert."""
        part = objects.partitioning
        if not (self.ahead and part and part.interval and part.kind == "RANGE" and objects.bounds):
            return []
        last = partition_values(objects.bounds[-1].high_value)
        if not last or len(last) != 1 or len(part.columns) != 1:
            return []
        uppers = interval_bounds(last[0], part.interval, self.ahead) or []
        return list(zip([last[0], *uppers], uppers, strict=False))

    def clash_note(self, owner: str, oracle: str, given: str) -> list[str]:
        """A comment when `given` is not the name `oracle` folds to, because that name was taken in the schema."""
        taken = self.space.stepped_aside.get((self.names.schema(owner), given))
        return [f"-- {owner}.{oracle}: created as {given}: {taken} is taken in the schema"] if taken else []

    def name(self, owner: str, table: str, label: str) -> str:
        """The PostgreSQL name _name_all gave an index, constraint or partition (label: `PARTITION name`)."""
        return self.given[(owner, table, label)]

    def on(self, owner: str, table: str) -> TableObjects:
        """The objects of one table (an empty set for a table without any)."""
        return self.by_table.setdefault((owner, table), TableObjects())

    def table(self, owner: str, name: str) -> str:
        return f"{quote_ident(self.names.schema(owner))}.{quote_ident(self.names.table(owner, name))}"

    def sequence(self, owner: str, name: str) -> str:
        schema = self.names.schema(owner) if owner in self.owners else object_name(owner)
        return f"{quote_ident(schema)}.{quote_ident(self.given.get((owner, '', name)) or object_name(name))}"

    def created_columns(self, table: Table) -> dict[str, str]:
        """Oracle column -> PostgreSQL column, for the columns the DDL creates (worked out once per table and
        render: the after-load part asks again for every index, check and foreign key)."""
        key = (table.owner, table.name)
        if key not in self.created:
            self.created[key] = {
                c.name: self.names.column(table.owner, table.name, c.name)
                for c in table.columns
                if self.types.map(c).supported
            }
        return self.created[key]


def ahead_suffix(lower: str) -> str:
    """A partition created ahead is named by where it starts: p2025_01_01 (a date), p2025_01_08_060000 (a time of
    day), p1500 (a number; pm500 below zero)."""
    text = lower.strip("'")
    if text[:1].isdigit() and text[4:5] == "-":
        date, time = text.split(" ")
        return "p" + "_".join([*date.split("-"), *([time.replace(":", "")] if time != "00:00:00" else [])])
    return "p" + text.replace("-", "m").replace(".", "_")


def after_load_unique_keys(table: Table) -> list[tuple[str, ...]]:
    """The unique keys the after-load part adds: all but the load key (the primary key, or without one the
    unique key DMS applies changes by, which the before-load part creates)."""
    return [cols for cols in table.unique_keys if cols != table.key_columns]


def relaxed_lob_columns(table: Table) -> list[str]:
    """NOT NULL LOB columns: nullable from the before-load part until the cutover part. DMS inserts the row with
    the LOB NULL and writes the LOB after it in full LOB mode during the load and in either LOB mode during CDC
    ("NOT NULL constraint isn't allowed": AWS Knowledge Center, "How do I resolve the error null value in column
    violates not-null constraint in AWS DMS?"), so the constraint comes back only once the forward tasks stopped.
    A full-load-only task in limited LOB mode would tolerate it; one rule for every table keeps the parts simple."""
    if not table.lob_columns:
        return []
    lobs = set(table.lob_columns)
    return [c.name for c in table.columns if c.name in lobs and not c.nullable]


def scope(
    inv: Inventory,
    objects: SchemaObjects,
    *,
    schema_map: Mapping[str, str] | None = None,
    number_datatype_scale: int = 10,
    names: NameMap | None = None,
    tables: Iterable[tuple[str, str]] | None = None,
    interval_partitions_ahead: int = 0,
) -> Scope:
    if names is None:
        names = build_name_map(inv, schema_renames(inv, schema_map))
    chosen = [inv.tables[k] for k in tables] if tables is not None else list(inv.tables.values())
    conflicts = names.conflicts_among((t.owner, t.name) for t in chosen)
    if conflicts:
        raise InventoryError(conflicts[0].message())
    return Scope(inv, objects, names, chosen, number_datatype_scale, interval_partitions_ahead)


def missing_note(objects: SchemaObjects) -> list[str]:
    if not objects.missing:
        return []
    names = ", ".join(f"{m}.csv" for m in objects.missing)
    return [f"-- Not in this export: {names}; what they hold is not created (re-run oracle_inventory.sql)."]
