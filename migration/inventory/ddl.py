"""PostgreSQL DDL for the inventory, so DMS runs with DO_NOTHING / TRUNCATE_BEFORE_LOAD into tables we designed.

Names come from the inventory's name map (`names.py`), the same map the task mappings rename by, so DMS finds every
table and column, and the fallback finds its way back; types are the recommended ones from `typemap`; columns DMS
cannot move are left out with the reason beside them. Primary and unique keys are both kept: DMS applies changes by
a unique key when a table has no primary key.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

from migration.inventory.model import Inventory, InventoryError, Table
from migration.inventory.names import (
    KEEPS_SOURCE_SPELLING,
    LOB_FOLD_ONLY,
    PG_SYSTEM_COLUMNS,
    NameMap,
    build_name_map,
    dms_cannot_transform,
    is_plain,
    shortened,
)
from migration.inventory.names import quote_postgres as quote_ident
from migration.inventory.typemap import TypeMapper, identifier_too_long


def schema_renames(inv: Inventory, schema_map: Mapping[str, str] | None) -> dict[str, str]:
    """{Oracle owner: PostgreSQL schema} from a user's map, whose keys may be spelled in any case when the owner
    is upper case (APP=app_new and app=app_new both rename APP)."""
    owners = inv.schemas()
    by_upper = {o.upper(): o for o in owners if o == o.upper()}
    renames: dict[str, str] = {}
    for key, value in (schema_map or {}).items():
        owner = key if key in owners else by_upper.get(key.upper())
        if owner is None:
            raise InventoryError(f"schema_map: {key} not in the inventory; known schemas: {', '.join(owners)}")
        if not value or identifier_too_long(value):
            raise InventoryError(f"schema_map: {key}: target schema name must be 1..63 bytes, got {value!r}")
        renames[owner] = value
    return renames


def object_name(oracle: str) -> str:
    """A sequence's, index's, constraint's or partition's PostgreSQL name: folded to lower case like every table
    (`"OrderLines_PK"` -> `orderlines_pk`, names.py), so it reads unquoted; shortened past 63 bytes. Two Oracle names
    that fold alike (`"DocSeq"`, `DOCSEQ`) are told apart by Namespace.claim."""
    folded = oracle.lower()
    return shortened(folded, oracle) if identifier_too_long(folded) else folded


class Namespace:
    """The names the DDL gives in each PostgreSQL schema. Tables, partitions, sequences and indexes share one
    namespace per schema (pg_class), a primary or unique key is an index of its own name (PostgreSQL documentation,
    CREATE TABLE, "CONSTRAINT constraint_name"), and constraints keep unique names per schema too, so the DBA finds
    each by one name: a name already given gets `_2`, `_3` ... (shortened past 63 bytes), never a collision."""

    def __init__(self) -> None:
        self.taken: dict[str, set[str]] = {}
        self.stepped_aside: dict[tuple[str, str], str] = {}  # (schema, name given) -> the name that was taken

    def reserve(self, schema: str, name: str) -> None:
        """A name that is the name map's (a table's): fixed, the others step aside."""
        self.taken.setdefault(schema, set()).add(name)

    def claim(self, schema: str, wanted: str, oracle: str) -> str:
        """`wanted`, or the first free `wanted_n`; `oracle` (the Oracle object) salts a shortened name."""
        taken = self.taken.setdefault(schema, set())
        name, n = wanted, 1
        while name in taken:
            n += 1
            name = f"{wanted}_{n}"
            if identifier_too_long(name):
                name = shortened(wanted, oracle, n)
        if name != wanted:
            self.stepped_aside[(schema, name)] = wanted
        taken.add(name)
        return name


def key_names(space: Namespace, schema: str, table: Table, pg_table: str) -> dict[tuple[str, ...], str]:
    """PostgreSQL names of a table's primary and unique keys, by their Oracle columns: the Oracle constraint's name
    (keys.csv CONSTRAINT_NAME), or without it PostgreSQL's own pattern (`table_pkey`, `table_col_key`)."""
    out: dict[tuple[str, ...], str] = {}
    if table.has_primary_key and table.key_columns:
        wanted = object_name(table.key_name) if table.key_name else f"{pg_table}_pkey"
        out[tuple(table.key_columns)] = space.claim(schema, wanted, table.key_name or wanted)
    names = table.unique_key_names or ("",) * len(table.unique_keys)
    uniques = [*zip(table.unique_keys, names, strict=False), (table.key_columns, "")]  # the load key, unexported
    for cols, oracle in uniques:
        if not cols:
            continue
        if tuple(cols) not in out:
            wanted = object_name(oracle) if oracle else f"{pg_table}_{'_'.join(c.lower() for c in cols)}_key"
            wanted = wanted if not identifier_too_long(wanted) else shortened(wanted, oracle or wanted)
            out[tuple(cols)] = space.claim(schema, wanted, oracle or wanted)
    return out


def render_ddl(
    inv: Inventory,
    *,
    schema_map: Mapping[str, str] | None = None,
    number_datatype_scale: int = 10,
    names: NameMap | None = None,
    tables: Iterable[tuple[str, str]] | None = None,
    reverse_path: bool = False,
) -> str:
    """CREATE SCHEMA / CREATE TABLE statements, in inventory order, identical for identical input.

    `names` (built from `schema_map` when not given) names every object; `tables` limits the DDL to those tables
    (a stack's selection); `reverse_path`: the stack has a reverse task, whose mapping renames back what the
    forward one renamed (the rename comments say "both ways" only then). Two Oracle names that would share a PostgreSQL name stop it with one line naming both."""
    if names is None:
        names = build_name_map(inv, schema_renames(inv, schema_map))
    chosen = [inv.tables[k] for k in tables] if tables is not None else list(inv.tables.values())
    conflicts = names.conflicts_among((t.owner, t.name) for t in chosen)
    if conflicts:
        raise InventoryError(conflicts[0].message())
    out = [
        "-- PostgreSQL DDL generated from the Oracle inventory (migration.ddl): review before applying.",
        f"-- Unconstrained NUMBER columns assume the Oracle endpoint setting NumberDatatypeScale="
        f"{number_datatype_scale}.",
    ]
    writer = DdlWriter(inv, names, number_datatype_scale, reverse_path=reverse_path)
    if writer.needs_postgis(chosen):
        out.append("CREATE EXTENSION IF NOT EXISTS postgis;")
    for owner in dict.fromkeys(t.owner for t in chosen):
        out.append(f"CREATE SCHEMA IF NOT EXISTS {quote_ident(names.schema(owner))};")
    for table in chosen:
        out.append("")
        out.extend(writer.table(table))
    return "\n".join(out) + "\n"


class DdlWriter:
    """The CREATE TABLE statements of one inventory, table by table: every table name reserved once (key and index
    names step aside from them), each type signature mapped once (a million columns, a few hundred types)."""

    def __init__(self, inv: Inventory, names: NameMap, number_datatype_scale: int = 10, *, reverse_path: bool = False):
        self.names = names
        self.types = TypeMapper(number_datatype_scale)
        self.renamed = RENAMED_BOTH_WAYS if reverse_path else RENAMED_FORWARD
        self.space = Namespace()
        for owner, name in inv.tables:
            self.space.reserve(names.schema(owner), names.table(owner, name))

    def needs_postgis(self, tables: Iterable[Table]) -> bool:
        return any(self.types.map(c).postgres_type == "geometry" for t in tables for c in t.columns)

    def table(self, table: Table) -> list[str]:
        """The table's comments and CREATE TABLE (with its keys)."""
        return _table_ddl(table, self.names, self.types, self.space, self.renamed)


# Which mappings carry a table's or column's rename rule (migration.planning.naming: forward_renames, and
# reverse_renames only when the stack has a reverse task).
RENAMED_FORWARD = "(the forward task mappings rename it)"
RENAMED_BOTH_WAYS = "(the task mappings rename it both ways)"


def _name_note(
    what: str, oracle: str, postgres: str, renamed: str, column: bool = False, lob: bool = False
) -> str | None:
    """A comment for a name that is not the plain lower-case fold: why PostgreSQL calls it what it does (`lob`: a
    LOB column, which takes the wildcard fold and no rule, LOB_FOLD_ONLY)."""
    if column and dms_cannot_transform(oracle):
        return f"-- {what}: created as Oracle spells it: {KEEPS_SOURCE_SPELLING}"
    if is_plain(oracle) and postgres == oracle.lower():
        return None
    if lob:
        return f"-- {what}: created as {postgres}, no rule of its own: {LOB_FOLD_ONLY}"
    if column and oracle.lower() in PG_SYSTEM_COLUMNS:
        return f"-- {what}: a PostgreSQL system column name: created as {postgres} {renamed}"
    if identifier_too_long(oracle.lower()):
        return f"-- {what}: longer than 63 bytes: created as {postgres} {renamed}"
    return f"-- {what}: created as {postgres} {renamed}"


def _table_ddl(table: Table, names: NameMap, types: TypeMapper, space: Namespace, renamed: str) -> list[str]:
    where = f"{table.owner}.{table.name}"
    pg_table = names.table(table.owner, table.name)
    lines = [n for n in [_name_note(where, table.name, pg_table, renamed)] if n]
    body: list[str] = []
    created: dict[str, str] = {}  # Oracle column -> PostgreSQL column, for the keys
    lobs = set(table.lob_columns)
    for col in table.columns:
        mapping = types.map(col)
        if not mapping.supported:
            lines.append(f"-- {where}.{col.name} ({col.data_type}) left out: {mapping.note}")
            continue
        name = created[col.name] = names.column(table.owner, table.name, col.name)
        note = _name_note(f"{where}.{col.name}", col.name, name, renamed, column=True, lob=col.name in lobs)
        if note:
            lines.append(note)
        body.append(f"    {quote_ident(name)} {mapping.postgres_type}{'' if col.nullable else ' NOT NULL'}")
    if not body:
        lines.append(f"-- {where} skipped: none of its columns can be migrated")
        return lines
    keys, key_notes = _keys(table, created, key_names(space, names.schema(table.owner), table, pg_table))
    body += keys
    lines += key_notes
    lines.append(f"CREATE TABLE {quote_ident(names.schema(table.owner))}.{quote_ident(pg_table)} (")
    lines.append(",\n".join(body))
    lines.append(");")
    return lines


def _keys(
    table: Table,
    created: Mapping[str, str],
    named: Mapping[tuple[str, ...], str],
    uniques: Sequence[Sequence[str]] | None = None,
) -> tuple[list[str], list[str]]:
    """PRIMARY KEY and every UNIQUE constraint (or those of `uniques`) whose columns all exist in PostgreSQL, each
    under its name in `named` (key_names); comments for the rest."""
    where = f"{table.owner}.{table.name}"
    primary = table.key_columns if table.has_primary_key else ()
    if uniques is None:
        uniques = table.unique_keys or ((table.key_columns,) if not table.has_primary_key and table.key_columns else ())
    lines: list[str] = []
    notes: list[str] = []
    for kind, cols in [("PRIMARY KEY", primary), *(("UNIQUE", u) for u in uniques if u != primary)]:
        if not cols:
            continue
        if all(c in created for c in cols):
            name = f"CONSTRAINT {quote_ident(named[tuple(cols)])} " if tuple(cols) in named else ""
            lines.append(f"    {name}{kind} ({', '.join(quote_ident(created[c]) for c in cols)})")
        else:
            notes.append(f"-- {where}: key ({', '.join(cols)}) uses a column that cannot be migrated: no key created")
    if table.has_primary_key and not primary:
        notes.append(f"-- {where}: has a primary key but its columns are unknown (pass the keys file)")
    elif not table.has_key:
        notes.append(f"-- {where}: no primary or unique key (CDC and LOB lookups need one)")
    return lines, notes
