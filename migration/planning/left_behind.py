"""What the migration does not move, table by table and column by column, why, and how to move it by hand: the
plan prints it (notices coded `left-behind`) and the runbook lists it in its own section."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from functools import cached_property
from typing import NamedTuple

from migration.config import Stack
from migration.inventory.ddl import DdlWriter, quote_ident
from migration.inventory.model import Column, Inventory, Table
from migration.inventory.names import NameMap, build_name_map, quote_oracle
from migration.inventory.objects import Default, SchemaObjects
from migration.inventory.typemap import TypeMapper, oracle_type_text
from migration.notices import Notice, info
from migration.planning.lob_rules import by_hand_hours, by_hand_time
from migration.planning.reverse import LEAVE_OUT_KEY, left_out_of_reverse
from migration.planning.selection import Pair, matches
from migration.planning.spec import TaskSpec
from migration.planning.table_rules import KEYLESS_LOB_NOTE


class LeftBehind(NamedTuple):
    what: str  # OWNER.TABLE or OWNER.TABLE.COLUMN (TYPE)
    why: str
    how: str  # how to move it by hand
    postgres_sql: str = ""  # what to run on PostgreSQL for it (the column or table to add), or a comment
    oracle_sql: str = ""  # the SQL*Plus query that extracts it from Oracle once the forward tasks stopped
    load_sql: str = ""  # the psql lines that load that extract, in one transaction (or a comment)
    # On the way back (reverse.leaveOutColumns): postgres_sql extracts it from PostgreSQL once the applications
    # stop there, oracle_sql loads it into Oracle before Oracle takes production back.
    way_back: bool = False

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
_GENERIC = "once the forward tasks stopped (runbook step 4b), export the column with its key (e.g. a SELECT that converts it to text or JSON) and "
_GENERIC_TAIL = "UPDATE the PostgreSQL rows from that file"
_KEYLESS_LOB = (
    "add a primary key in Oracle before the load, or once the forward tasks stopped (runbook step 4b) copy the "
    "table whole (e.g. SQL*Plus or Data Pump to CSV, then COPY)"
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
            "copy it once the forward tasks stopped (runbook step 4b; Data Pump or CSV, then COPY), or include it"
            + _copy_time(t, stack.config.sizing.window_hours, "include it rather than copy it in the outage"),
            sql.create(t),
            *_whole_table(t, sql),
        )
        for t in inv.tables.values()
        if t.owner in schemas and (t.owner, t.name) not in moved
    ]
    for spec in forward:
        for r in spec.removed_columns:
            table = inv.tables[(r.schema, r.table)]
            col = next(c for c in table.columns if c.name == r.column)
            out.append(_removed(table, col, types, sql, stack.config.sizing.window_hours))
    for v in objects.virtual_columns if objects else ():
        if (v.owner, v.table) in moved:
            out.append(_virtual(v, sql))
    return out + _way_back(stack, inv, forward, moved, sql)


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
        conflicts = self.names.conflicts_among([(t.owner, t.name)])
        if conflicts:
            return f"-- {t.owner}.{t.name}: no CREATE: {conflicts[0].message()}"
        postgis = ["CREATE EXTENSION IF NOT EXISTS postgis;"] if self._writer.needs_postgis([t]) else []
        schema = f"CREATE SCHEMA IF NOT EXISTS {quote_ident(self.names.schema(t.owner))};"
        return "\n".join(line for line in [*postgis, schema, *self._writer.table(t)] if line)

    @cached_property
    def _writer(self) -> DdlWriter:
        """One writer for every CREATE: the inventory's table names reserved once, not once per table left out."""
        return DdlWriter(self.inv, self.names, self.types.number_datatype_scale)

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


# SQL*Plus prints dates and timestamps in the session's NLS formats: the defaults (`02-DEC-26`) drop the time of
# day and are not what PostgreSQL reads. These are ISO forms PostgreSQL's datetime input reads (PostgreSQL docs,
# "Date/Time Input"); TIMESTAMP WITH LOCAL TIME ZONE prints in the session time zone, set to UTC here and in each
# load (Oracle Database Reference, NLS_DATE_FORMAT / NLS_TIMESTAMP_FORMAT / NLS_TIMESTAMP_TZ_FORMAT).
EXTRACT_SESSION = (
    "ALTER SESSION SET NLS_DATE_FORMAT = 'YYYY-MM-DD HH24:MI:SS' NLS_TIMESTAMP_FORMAT = 'YYYY-MM-DD HH24:MI:SS.FF6' "
    "NLS_TIMESTAMP_TZ_FORMAT = 'YYYY-MM-DD HH24:MI:SS.FF6 TZH:TZM' NLS_NUMERIC_CHARACTERS = '.,' TIME_ZONE = '+00:00';"
)


def spool_file(t: Table, column: str | None = None) -> str:
    """The CSV one extract spools: OWNER.TABLE.csv for a whole table, OWNER.TABLE.COLUMN.csv for a column with its
    key, so two extracts of one table never overwrite each other."""
    return f"{t.owner}.{t.name}{f'.{column}' if column else ''}.csv"


def _extract(t: Table, columns: list[str], file: str, expressions: Mapping[str, str] | None = None) -> str:
    """The SQL*Plus query (CSV markup) that spools `columns` of the table, once the forward tasks stopped, into `file`;
    `expressions` replace a column by what SQL*Plus can print of it."""
    cols = ", ".join((expressions or {}).get(c, quote_oracle(c)) for c in columns)
    query = f"SELECT {cols} FROM {quote_oracle(t.owner)}.{quote_oracle(t.name)}"
    if any("bfile_path(" in e for e in (expressions or {}).values()):
        # SQL*Plus cannot print a BFILE: a 12c WITH FUNCTION gives its DIRECTORY/file name (DBMS_LOB.FILEGETNAME,
        # Oracle PL/SQL Packages Reference); a statement with one ends with "/", not ";".
        return f"SPOOL {file}\n{_BFILE_PATH}\n{query}\n/\nSPOOL OFF"
    return f"SPOOL {file}\n{query};\nSPOOL OFF"


def _copy(target: str, columns: list[str], file: str) -> str:
    """psql's client-side COPY of a SQL*Plus CSV extract (no header: PAGESIZE 0; NULL prints as an empty field)."""
    return f"\\copy {target} ({', '.join(columns)}) FROM '{file}' WITH (FORMAT csv)"


def _whole_table(t: Table, sql: _Sql) -> tuple[str, str]:
    """(extract, load) of a whole table: the columns the CREATE makes, TRUNCATE and \\copy in one transaction, so
    a failed copy leaves the table as it was."""
    created = [c for c in t.columns if sql.types.map(c).supported]
    file = spool_file(t)
    target = sql.table(t)
    names = [quote_ident(sql.names.column(t.owner, t.name, c.name)) for c in created]
    hexed = _hex_columns(t, created, sql)
    if hexed:
        load = [
            f"TRUNCATE {target};",
            *_staging(target, names, hexed, file),
            f"INSERT INTO {target} ({', '.join(names)}) SELECT {', '.join(_decoded(n, hexed) for n in names)} "
            "FROM left_behind;",
        ]
    else:
        load = [f"TRUNCATE {target};", _copy(target, names, file)]
    return _extract(t, [c.name for c in created], file), "\n".join(_transaction(load))


def _transaction(lines: list[str]) -> list[str]:
    return ["BEGIN;", "SET LOCAL TimeZone = 'UTC';", *lines, "COMMIT;"]


def _hex_columns(t: Table, columns: Sequence[Column], sql: _Sql) -> set[str]:
    """The PostgreSQL names of the columns that land in bytea: SQL*Plus prints RAW, LONG RAW and BLOB values as bare
    hex digits, which bytea's input would read as text (its hex format wants a leading \\x: PostgreSQL docs,
    "Binary Data Types"), so the load stages them as text and decodes them."""
    return {
        quote_ident(sql.names.column(t.owner, t.name, c.name))
        for c in columns
        if sql.types.map(c).postgres_type == "bytea"
    }


def _staging(target: str, names: list[str], hexed: set[str], file: str) -> list[str]:
    """A temporary table shaped like `names` of the target (bytea columns as text, to decode), filled by \\copy."""
    lines = [f"CREATE TEMP TABLE left_behind ON COMMIT DROP AS SELECT {', '.join(names)} FROM {target} WITH NO DATA;"]
    lines += [f"ALTER TABLE left_behind ALTER COLUMN {n} TYPE text;" for n in names if n in hexed]
    return [*lines, _copy("left_behind", names, file)]


def _decoded(name: str, hexed: set[str], prefix: str = "") -> str:
    return f"decode({prefix}{name}, 'hex')" if name in hexed else f"{prefix}{name}"


def _by_key(t: Table, col: Column, sql: _Sql, file: str, *, created: bool) -> str:
    """The load of one column extracted with its key: a staging table shaped like those columns, then one UPDATE
    by key, in one transaction. Commented out when the column is not created (no PostgreSQL type): to run once it
    is added as text."""
    table = sql.table(t)
    keys = [quote_ident(sql.names.column(t.owner, t.name, k)) for k in t.key_columns]
    name = quote_ident(sql.names.column(t.owner, t.name, col.name))
    key_columns = [c for c in t.columns if c.name in t.key_columns]
    hexed = _hex_columns(t, [*key_columns, col], sql) if created else set()
    lines = _transaction(
        [
            *_staging(table, [*keys, name], hexed, file),
            f"UPDATE {table} AS t SET {name} = {_decoded(name, hexed, 's.')} FROM left_behind AS s WHERE "
            + " AND ".join(f"t.{k} = {_decoded(k, hexed, 's.')}" for k in keys)
            + ";",
        ]
    )
    if created:
        return "\n".join(lines)
    note = f"-- {t.owner}.{t.name}.{col.name}: once added as text (ADD COLUMN {name} text), load it with:"
    return "\n".join([note, *(f"-- {line}" for line in lines)])


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


def _copy_time(t: Table, window_hours: float | None, instead: str) -> str:
    """A whole-table copy in the outage, timed against the downtime window (one MB/s for every copy by hand), with
    what to do `instead` when it does not fit."""
    over = window_hours is not None and by_hand_hours(t.bytes) > window_hours
    return f"; the copy: {by_hand_time(t.bytes, window_hours)}{': ' + instead if over else ''}"


def _removed(table: Table, col: Column, types: TypeMapper, sql: _Sql, window_hours: float | None) -> LeftBehind:
    what = f"{table.owner}.{table.name}.{col.name} ({col.data_type})"
    mapping = types.map(col)
    add = sql.add_column(table, col)
    if mapping.supported and mapping.is_lob and not table.has_key:
        # No key to match rows by: the whole table is copied again (TRUNCATE, then COPY of the extract).
        how = _KEYLESS_LOB + _copy_time(table, window_hours, "add the key rather than copy it in the outage")
        return LeftBehind(what, KEYLESS_LOB_NOTE, how, add, *_whole_table(table, sql))
    how = _BY_HAND.get(col.data_type.upper(), _GENERIC + _GENERIC_TAIL)
    as_text = _AS_TEXT.get(col.data_type.upper())
    file = spool_file(table, col.name)
    extract = _extract(
        table,
        [*table.key_columns, col.name],
        file,
        {col.name: as_text.format(quote_oracle(col.name))} if as_text else None,
    )
    load = _by_key(table, col, sql, file, created=mapping.supported)
    return LeftBehind(what, mapping.note or f"{col.data_type} is not moved by DMS", how, add, extract, load)


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


def _way_back(
    stack: Stack, inv: Inventory, forward: Sequence[TaskSpec], moved: Mapping[Pair, str], sql: _Sql
) -> list[LeftBehind]:
    """The LOB columns the reverse task leaves out (reverse.leaveOutColumns), each with the SQL that carries it
    back to Oracle by hand after a fallback; a column the forward tasks already leave behind needs none."""
    removed = {(r.schema, r.table, r.column) for spec in forward for r in spec.removed_columns}
    staging = stack.config.reverse.oracle_control_schema  # the one Oracle schema the reverse user creates tables in
    out = []
    for o, t, c in left_out_of_reverse(stack, inv, moved):
        if (o, t, c) not in removed:
            table = inv.tables[(o, t)]
            column = next(col for col in table.columns if col.name == c)
            out.append(_carried_back(table, column, sql, staging, stack.config.sizing.window_hours))
    return out


def _carried_back(table: Table, col: Column, sql: _Sql, staging: str, window_hours: float | None) -> LeftBehind:
    """Every row's value, by key: PostgreSQL prints it (bytea as hex) into a CSV, SQL*Loader puts the CSV into a
    staging table in the reverse user's schema, and an UPDATE by key writes it into the Oracle column."""
    o, t, c = table.owner, table.name, col.name
    binary = sql.types.map(col).postgres_type == "bytea"
    pg_keys = ", ".join(quote_ident(sql.names.column(o, t, k)) for k in table.key_columns)
    pg_col = quote_ident(sql.names.column(o, t, c))
    value = f"encode({pg_col}, 'hex')" if binary else pg_col
    csv = f"{o}.{t}.{c}.csv"
    extract = f"\\copy (SELECT {pg_keys}, {value} FROM {sql.table(table)} ORDER BY {pg_keys}) TO '{csv}' (FORMAT csv)"
    stage = f"{quote_oracle(staging)}.WAY_BACK_{hashlib.sha1(f'{o}.{t}.{c}'.encode()).hexdigest()[:8].upper()}"
    keys = [next(k for k in table.columns if k.name == name) for name in table.key_columns]
    load = [
        f"CREATE TABLE {stage} ({', '.join(f'{quote_oracle(k.name)} {oracle_type_text(k)}' for k in keys)}, V CLOB);",
        f"-- sqlldr control file: LOAD DATA INFILE '{csv}' INTO TABLE {stage} FIELDS CSV WITH EMBEDDED "
        f"({', '.join(quote_oracle(k.name) for k in keys)}, V CHAR(2147483647))",
        _update_from_stage(table, col, stage, binary),
        f"DROP TABLE {stage} PURGE;",
    ]
    return LeftBehind(
        f"{o}.{t}.{c} ({col.data_type}), on the way back",
        f"{LEAVE_OUT_KEY}: the reverse task leaves it out, so a fallback does not carry its changes",
        "once the applications stop on PostgreSQL, extract it there and load it into Oracle by key (every row: "
        "which ones changed is not known), before Oracle takes production back; in the fallback's outage: at most "
        f"{by_hand_time(table.bytes, window_hours)} (time it on a restored copy: the Oracle load updates row by "
        "row)",
        extract,
        "\n".join(load),
        way_back=True,
    )


def _update_from_stage(table: Table, col: Column, stage: str, binary: bool) -> str:
    """The UPDATE by key from the staging table; a BLOB is decoded from hex in 16,000-byte pieces (HEXTORAW takes
    at most 32,767 characters in PL/SQL), a CLOB is copied as is."""
    target = f"{quote_oracle(table.owner)}.{quote_oracle(table.name)}"
    match = " AND ".join(f"{quote_oracle(k)} = r.{quote_oracle(k)}" for k in table.key_columns)
    if not binary:
        return (
            f"BEGIN FOR r IN (SELECT * FROM {stage}) LOOP UPDATE {target} SET {quote_oracle(col.name)} = r.V "
            f"WHERE {match}; END LOOP; COMMIT; END;\n/"
        )
    return (
        "DECLARE b BLOB; c RAW(16000); n PLS_INTEGER;\n"
        f"BEGIN FOR r IN (SELECT * FROM {stage}) LOOP\n"
        "  b := NULL;\n"
        "  IF r.V IS NOT NULL THEN\n"
        "    DBMS_LOB.CREATETEMPORARY(b, TRUE); n := 1;\n"
        "    WHILE n <= DBMS_LOB.GETLENGTH(r.V) LOOP\n"
        "      c := HEXTORAW(DBMS_LOB.SUBSTR(r.V, 32000, n)); DBMS_LOB.WRITEAPPEND(b, UTL_RAW.LENGTH(c), c); "
        "n := n + 32000;\n"
        "    END LOOP;\n"
        "  END IF;\n"
        f"  UPDATE {target} SET {quote_oracle(col.name)} = b WHERE {match};\n"
        "END LOOP; COMMIT; END;\n/"
    )


def left_behind_notices(items: Sequence[LeftBehind]) -> list[Notice]:
    return [info("left-behind", f"left behind: {item.line}") for item in items]
