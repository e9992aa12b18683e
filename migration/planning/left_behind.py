"""What the migration does not move, table by table and column by column, why, and how to move it by hand: the
plan prints it (notices coded `left-behind`) and the runbook lists it in its own section."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import NamedTuple

from migration.config import Stack
from migration.inventory.ddl import quote_ident, render_ddl
from migration.inventory.model import Column, Inventory, InventoryError, Table
from migration.inventory.names import NameMap, build_name_map, quote_oracle
from migration.inventory.objects import Default, SchemaObjects
from migration.inventory.typemap import TypeMapper
from migration.notices import Notice, info
from migration.planning.selection import Pair, matches
from migration.planning.spec import TaskSpec
from migration.planning.table_rules import KEYLESS_LOB_NOTE


class LeftBehind(NamedTuple):
    what: str  # OWNER.TABLE or OWNER.TABLE.COLUMN (TYPE)
    why: str
    how: str  # how to move it by hand
    postgres_sql: str = ""  # what to run on PostgreSQL for it (the column or table to add), or a comment
    oracle_sql: str = ""  # the SQL*Plus query that extracts it from Oracle after the freeze

    @property
    def line(self) -> str:
        return f"{self.what}: {self.why}; by hand: {self.how}"


# How to move by hand what DMS leaves behind, by Oracle type; other unsupported types take the generic way.
_BY_HAND = {
    "BFILE": "copy the files out of band (DBMS_LOB.FILEOPEN/READ or the file system) into a bytea column or an "
    "object store, and store the path",
    "ROWID": "nothing to move: a ROWID is an Oracle physical address; drop the column or recompute what it served",
    "UROWID": "nothing to move: a UROWID is an Oracle physical address; drop the column or recompute what it served",
}
_GENERIC = "after the freeze, export the column with its key (e.g. a SELECT that converts it to text or JSON) and "
_GENERIC_TAIL = "UPDATE the PostgreSQL rows from that file"
_KEYLESS_LOB = (
    "add a primary key in Oracle before the load, or after the freeze copy the table whole (e.g. SQL*Plus or "
    "Data Pump to CSV, then COPY)"
)


def left_behind(
    stack: Stack,
    inv: Inventory | None,
    objects: SchemaObjects | None,
    forward: Sequence[TaskSpec],
    moved: Mapping[Pair, str],
    names: NameMap | None = None,
) -> list[LeftBehind]:
    """Every table of the stack's schemas no task moves, every column removed from a task, every virtual column;
    each with the SQL to run by hand (`names`: the stack's PostgreSQL names, built from the inventory when None)."""
    if inv is None:
        return []
    schemas = set(stack.config.migration.schemas)
    types = TypeMapper(stack.config.source.settings.number_datatype_scale)  # many columns, few type signatures
    sql = _Sql(inv, names or build_name_map(inv), types)
    out = [
        LeftBehind(
            f"{t.owner}.{t.name}",
            _why_excluded(stack, t, types),
            "copy it after the freeze (Data Pump or CSV, then COPY), or include it",
            sql.create(t),
            _extract(t, [c.name for c in t.columns]),
        )
        for t in inv.tables.values()
        if t.owner in schemas and (t.owner, t.name) not in moved
    ]
    for spec in forward:
        for r in spec.removed_columns:
            table = inv.tables[(r.schema, r.table)]
            col = next(c for c in table.columns if c.name == r.column)
            out.append(_removed(table, col, types, sql))
    for v in objects.virtual_columns if objects else ():
        if (v.owner, v.table) in moved:
            out.append(_virtual(v, sql))
    return out


class _Sql:
    """The PostgreSQL side of the by-hand SQL: names from the stack's name map, types from the forward type map."""

    def __init__(self, inv: Inventory, names: NameMap, types: TypeMapper):
        self.inv, self.names, self.types = inv, names, types

    def table(self, t: Table) -> str:
        return f"{quote_ident(self.names.schema(t.owner))}.{quote_ident(self.names.table(t.owner, t.name))}"

    def create(self, t: Table) -> str:
        """The table's CREATE, as `inventory ddl` writes it (unsupported columns left out, said in a comment),
        without its file header; a comment when its names cannot all exist in PostgreSQL (then excluded, likely
        for that)."""
        try:
            ddl = render_ddl(
                self.inv,
                names=self.names,
                tables=[(t.owner, t.name)],
                number_datatype_scale=self.types.number_datatype_scale,
            )
        except InventoryError as err:
            return f"-- {t.owner}.{t.name}: no CREATE: {err}"
        return "\n".join(line for line in ddl.splitlines()[2:] if line)

    def add_column(self, t: Table, col: Column) -> str:
        mapping = self.types.map(col)
        if not mapping.supported:
            kept = (
                " (to keep what the extract prints as text: ADD COLUMN ... text)"
                if col.data_type.upper() in _AS_TEXT
                else ""
            )
            return f"-- {t.owner}.{t.name}.{col.name}: no PostgreSQL type for {col.data_type}{kept}"
        name = quote_ident(self.names.column(t.owner, t.name, col.name))
        return f"ALTER TABLE {self.table(t)} ADD COLUMN IF NOT EXISTS {name} {mapping.postgres_type};"


def _extract(t: Table, columns: list[str], expressions: Mapping[str, str] | None = None) -> str:
    """The SQL*Plus query (CSV markup) that spools `columns` of the table, after the freeze, into OWNER.TABLE.csv;
    `expressions` replace a column by what SQL*Plus can print of it."""
    cols = ", ".join((expressions or {}).get(c, quote_oracle(c)) for c in columns)
    query = f"SELECT {cols} FROM {quote_oracle(t.owner)}.{quote_oracle(t.name)}"
    if any("bfile_path(" in e for e in (expressions or {}).values()):
        # SQL*Plus cannot print a BFILE: a 12c WITH FUNCTION gives its DIRECTORY/file name (DBMS_LOB.FILEGETNAME,
        # Oracle PL/SQL Packages Reference); a statement with one ends with "/", not ";".
        return f"SPOOL {t.owner}.{t.name}.csv\n{_BFILE_PATH}\n{query}\n/\nSPOOL OFF"
    return f"SPOOL {t.owner}.{t.name}.csv\n{query};\nSPOOL OFF"


_BFILE_PATH = (
    "WITH FUNCTION bfile_path(f BFILE) RETURN VARCHAR2 IS d VARCHAR2(128); n VARCHAR2(2000);\n"
    "BEGIN IF f IS NULL THEN RETURN NULL; END IF; DBMS_LOB.FILEGETNAME(f, d, n); RETURN d || '/' || n; END;"
)
# Oracle-side expressions that turn a column PostgreSQL has no type for into text worth keeping.
_AS_TEXT = {"ROWID": "ROWIDTOCHAR({})", "UROWID": "ROWIDTOCHAR({})", "BFILE": "bfile_path({})"}


def _why_excluded(stack: Stack, table: Table, types: TypeMapper) -> str:
    bad = [c for c in table.columns if not types.map(c).supported]
    if bad:
        return "excluded: unsupported column(s) " + ", ".join(f"{c.name} ({c.data_type})" for c in bad)
    mig, plan_file = stack.config.migration, stack.config.sizing.plan_file
    picked = matches(mig.include, table.owner, table.name) and not matches(mig.exclude, table.owner, table.name)
    if picked and plan_file:  # selected by the patterns, but the frozen split has no task for it
        return f"not in the frozen plan file {plan_file} (sizing.planFile)"
    return "excluded by migration.include/exclude"


def _removed(table: Table, col: Column, types: TypeMapper, sql: _Sql) -> LeftBehind:
    what = f"{table.owner}.{table.name}.{col.name} ({col.data_type})"
    mapping = types.map(col)
    add = sql.add_column(table, col)
    if mapping.supported and mapping.is_lob and not table.has_key:
        # No key to match rows by: the whole table is copied again (TRUNCATE, then COPY of the extract).
        return LeftBehind(what, KEYLESS_LOB_NOTE, _KEYLESS_LOB, add, _extract(table, [c.name for c in table.columns]))
    how = _BY_HAND.get(col.data_type.upper(), _GENERIC + _GENERIC_TAIL)
    as_text = _AS_TEXT.get(col.data_type.upper())
    extract = _extract(
        table, [*table.key_columns, col.name], {col.name: as_text.format(quote_oracle(col.name))} if as_text else None
    )
    return LeftBehind(what, mapping.note or f"{col.data_type} is not moved by DMS", how, add, extract)


def _virtual(v: Default, sql: _Sql) -> LeftBehind:
    """A virtual column: its Oracle expression is not translated, so the ADD COLUMN is a comment to complete."""
    table = sql.inv.tables[(v.owner, v.table)]
    name = quote_ident(sql.names.column(v.owner, v.table, v.column))  # not in columns.csv: its case fold
    expression = " ".join(v.expression.split())
    return LeftBehind(
        f"{v.owner}.{v.table}.{v.column} (virtual)",
        "DMS does not move virtual columns",
        f"add it as GENERATED ALWAYS AS (...) STORED, or compute it in a view: Oracle {v.expression}",
        f"-- ALTER TABLE {sql.table(table)} ADD COLUMN {name} <type> GENERATED ALWAYS AS (<PostgreSQL for: "
        f"{expression}>) STORED;",
        "",
    )


def left_behind_notices(items: Sequence[LeftBehind]) -> list[Notice]:
    return [info("left-behind", f"left behind: {item.line}") for item in items]
