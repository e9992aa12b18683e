"""What every part of the target DDL reads (ddl_parts, ddl_cutover): the chosen tables under their PostgreSQL
names, their schema objects looked up by table and column, and the names of sequences, indexes and constraints."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from migration.inventory.ddl import quote_ident, schema_renames
from migration.inventory.lobs import choose_lob_mode
from migration.inventory.model import Inventory, InventoryError, Table
from migration.inventory.names import NameMap, build_name_map, is_plain, shortened
from migration.inventory.objects import Default, Identity, SchemaObjects, Sequence
from migration.inventory.typemap import identifier_too_long, oracle_to_postgres

BIGINT = (-(2**63), 2**63 - 1)  # PostgreSQL sequences are bigint; Oracle's default bounds lie beyond it


def object_name(oracle: str) -> str:
    """A sequence's, index's or constraint's PostgreSQL name: folded to lower case when it is plain upper case
    (as tables are), shortened past 63 bytes."""
    folded = oracle.lower() if is_plain(oracle) else oracle
    return shortened(folded, oracle) if identifier_too_long(folded) else folded


@dataclass
class Scope:
    """What every part reads: the tables chosen, their names, their objects by table and the LOB columns that
    stay nullable until after the load."""

    inv: Inventory
    objects: SchemaObjects
    names: NameMap
    chosen: list[Table]
    scale: int
    identities: dict[tuple[str, str, str], Identity] = field(default_factory=dict)
    defaults: dict[tuple[str, str, str], Default] = field(default_factory=dict)
    sequences: dict[tuple[str, str], Sequence] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.identities = {(i.owner, i.table, i.column): i for i in self.objects.identities}
        self.defaults = {(d.owner, d.table, d.column): d for d in self.objects.defaults if not d.virtual}
        self.sequences = {(s.owner, s.name): s for s in self.objects.sequences}

    @property
    def owners(self) -> list[str]:
        return list(dict.fromkeys(t.owner for t in self.chosen))

    @property
    def keys(self) -> set[tuple[str, str]]:
        return {(t.owner, t.name) for t in self.chosen}

    def table(self, owner: str, name: str) -> str:
        return f"{quote_ident(self.names.schema(owner))}.{quote_ident(self.names.table(owner, name))}"

    def sequence(self, owner: str, name: str) -> str:
        schema = self.names.schema(owner) if owner in self.owners else object_name(owner)
        return f"{quote_ident(schema)}.{quote_ident(object_name(name))}"

    def created_columns(self, table: Table) -> dict[str, str]:
        """Oracle column -> PostgreSQL column, for the columns the DDL creates."""
        return {
            c.name: self.names.column(table.owner, table.name, c.name)
            for c in table.columns
            if oracle_to_postgres(c, self.scale).supported
        }

    def standalone_sequences(self) -> list[Sequence]:
        """The schemas' sequences that are not an identity column's own (PostgreSQL creates those itself)."""
        backing = {(i.owner, i.sequence) for i in self.objects.identities}
        owners = set(self.owners)
        return [s for s in self.objects.sequences if s.owner in owners and (s.owner, s.name) not in backing]


def relaxed_lob_columns(table: Table) -> list[str]:
    """NOT NULL LOB columns of a table DMS moves in full LOB mode: nullable until the after-load part."""
    choice = choose_lob_mode(table)
    if choice is None or choice.mode != "unlimited":
        return []
    return [c.name for c in table.columns if c.name in table.lob_columns and not c.nullable]


def scope(
    inv: Inventory,
    objects: SchemaObjects,
    *,
    schema_map: Mapping[str, str] | None = None,
    number_datatype_scale: int = 10,
    names: NameMap | None = None,
    tables: Iterable[tuple[str, str]] | None = None,
) -> Scope:
    if names is None:
        names = build_name_map(inv, schema_renames(inv, schema_map))
    chosen = [inv.tables[k] for k in tables] if tables is not None else list(inv.tables.values())
    conflicts = names.conflicts_among((t.owner, t.name) for t in chosen)
    if conflicts:
        raise InventoryError(conflicts[0].message())
    return Scope(inv, objects, names, chosen, number_datatype_scale)


def missing_note(objects: SchemaObjects) -> list[str]:
    if not objects.missing:
        return []
    names = ", ".join(f"{m}.csv" for m in objects.missing)
    return [f"-- Not in this export: {names}; what they hold is not created (re-run oracle_inventory.sql)."]
