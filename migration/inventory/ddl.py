"""PostgreSQL DDL for the inventory, so DMS runs with DO_NOTHING / TRUNCATE_BEFORE_LOAD into tables we designed.

Names are lower-cased exactly like the `convert-lowercase` transformation rules do, so DMS finds the tables;
types are the recommended ones from `typemap`; columns DMS cannot move are left out with the reason beside them.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from migration.inventory.model import Inventory, InventoryError, Table
from migration.inventory.typemap import (
    PG_MAX_IDENTIFIER_BYTES,
    identifier_too_long,
    is_reserved_postgres_word,
    oracle_to_postgres,
)

_PLAIN_IDENTIFIER = re.compile(r"[a-z_][a-z0-9_]*")


def _truncate(name: str) -> str:
    """What PostgreSQL itself does to a long name (byte-wise, never splitting a character); DMS's statements are
    truncated the same way, so both sides agree."""
    raw = name.encode("utf-8")[:PG_MAX_IDENTIFIER_BYTES]
    return raw.decode("utf-8", errors="ignore")


def quote_ident(name: str) -> str:
    """Quote only when PostgreSQL needs it: reserved word or anything but a plain lower-case identifier."""
    if _PLAIN_IDENTIFIER.fullmatch(name) and not is_reserved_postgres_word(name):
        return name
    return '"' + name.replace('"', '""') + '"'


def postgres_name(oracle_name: str) -> str:
    """The PostgreSQL name DMS's convert-lowercase rule produces, truncated as PostgreSQL would."""
    name = oracle_name.lower()
    return _truncate(name) if identifier_too_long(name) else name


def render_ddl(inv: Inventory, *, schema_map: Mapping[str, str] | None = None, number_datatype_scale: int = 10) -> str:
    """CREATE SCHEMA / CREATE TABLE statements, in inventory order, identical for identical input."""
    renames = {k.upper(): v for k, v in (schema_map or {}).items()}
    for k, v in renames.items():
        if not v or identifier_too_long(v):
            raise InventoryError(f"schema_map: {k}: target schema name must be 1..63 bytes, got {v!r}")
    unknown = sorted(set(renames) - set(inv.schemas()))
    if unknown:
        raise InventoryError(
            f"schema_map: {', '.join(unknown)} not in the inventory; known schemas: {', '.join(inv.schemas())}"
        )
    target = {owner: renames.get(owner, postgres_name(owner)) for owner in inv.schemas()}
    out = [
        "-- PostgreSQL DDL generated from the Oracle inventory (migration.ddl): review before applying.",
        f"-- Unconstrained NUMBER columns assume the Oracle endpoint setting NumberDatatypeScale="
        f"{number_datatype_scale}.",
    ]
    if any(oracle_to_postgres(c).postgres_type == "geometry" for t in inv.tables.values() for c in t.columns):
        out.append("CREATE EXTENSION IF NOT EXISTS postgis;")
    for owner in inv.schemas():
        out.append(f"CREATE SCHEMA IF NOT EXISTS {quote_ident(target[owner])};")
    for table in inv.tables.values():
        out.append("")
        out.extend(_table_ddl(table, target[table.owner], number_datatype_scale))
    return "\n".join(out) + "\n"


def _table_ddl(table: Table, schema: str, number_datatype_scale: int) -> list[str]:
    qualified = f"{quote_ident(schema)}.{quote_ident(postgres_name(table.name))}"
    lines: list[str] = []
    if identifier_too_long(table.name.lower()):
        lines.append(f"-- {table.owner}.{table.name}: longer than 63 bytes, truncated as PostgreSQL does")
    body: list[str] = []
    names: dict[str, str] = {}
    for col in table.columns:
        mapping = oracle_to_postgres(col, number_datatype_scale)
        if not mapping.supported:
            lines.append(f"-- {table.owner}.{table.name}.{col.name} ({col.data_type}) left out: {mapping.note}")
            continue
        name = postgres_name(col.name)
        if name in names:
            raise InventoryError(
                f"{table.owner}.{table.name}: columns {names[name]} and {col.name} both become "
                f"{name!r} in PostgreSQL (63-byte limit); rename one with a DMS rename rule"
            )
        names[name] = col.name
        if name != col.name.lower():
            lines.append(f"-- {table.owner}.{table.name}.{col.name}: longer than 63 bytes, truncated to {name}")
        body.append(f"    {quote_ident(name)} {mapping.postgres_type}{'' if col.nullable else ' NOT NULL'}")
    if not body:
        lines.append(f"-- {table.owner}.{table.name} skipped: none of its columns can be migrated")
        return lines
    key = [postgres_name(c) for c in table.key_columns if postgres_name(c) in names]
    if key and len(key) == len(table.key_columns):
        kind = "PRIMARY KEY" if table.has_primary_key else "UNIQUE"
        body.append(f"    {kind} ({', '.join(quote_ident(k) for k in key)})")
    elif table.key_columns:
        lines.append(
            f"-- {table.owner}.{table.name}: key ({', '.join(table.key_columns)}) uses a column that "
            "cannot be migrated: no key created"
        )
    elif table.has_primary_key:
        lines.append(
            f"-- {table.owner}.{table.name}: has a primary key but its columns are unknown (pass the keys file)"
        )
    elif not table.has_key:
        lines.append(f"-- {table.owner}.{table.name}: no primary or unique key (CDC and LOB lookups need one)")
    lines.append(f"CREATE TABLE {qualified} (")
    lines.append(",\n".join(body))
    lines.append(");")
    return lines
