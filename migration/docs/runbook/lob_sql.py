"""The SQL of the LogMiner LOB-only reconciliation (runbook steps 1 and 3): per table, a SQL*Plus extract of the key
and every moved LOB column of the rows whose ORA_ROWSCN is past a given SCN, and the psql load that writes the
values that differ into PostgreSQL.

What each side offers, and what the SQL relies on:
- ORA_ROWSCN (Oracle SQL Language Reference, ORA_ROWSCN Pseudocolumn): the SCN of the latest change to the row's
  block (to the row itself with ROWDEPENDENCIES), at least as late as the row's last commit. So `ORA_ROWSCN > SCN`
  picks every row changed after SCN, plus block neighbours: a superset, which costs copies, never a lost update.
- SQL*Plus prints a CLOB whole with SET LONG, but no BLOB: a 12c `WITH FUNCTION` turns it into hex (RAWTOHEX of
  16,000-byte DBMS_LOB.SUBSTR pieces, within PL/SQL's 32,767-character VARCHAR2), as the left-behind extracts do
  for BFILE. LONG and LONG RAW print as they are (LONG RAW as hex); XMLTYPE through getClobVal().
- PostgreSQL: `decode(text, 'hex')` gives the bytea back; the UPDATE touches only the rows whose value differs
  (IS DISTINCT FROM), so its row count is the number of LOB-only updates that had been lost.
"""

from __future__ import annotations

from collections.abc import Sequence

from migration.docs.runbook.context import LobReconciliation
from migration.inventory.model import Column, Table
from migration.inventory.names import NameMap, quote_oracle, quote_postgres
from migration.inventory.typemap import TypeMapper, normalise_oracle_type

_LOB_HEX = (
    "WITH FUNCTION lob_hex(b BLOB) RETURN CLOB IS h CLOB; n PLS_INTEGER := 1;\n"
    "BEGIN IF b IS NULL THEN RETURN NULL; END IF; DBMS_LOB.CREATETEMPORARY(h, TRUE);\n"
    "  WHILE n <= DBMS_LOB.GETLENGTH(b) LOOP\n"
    "    DBMS_LOB.APPEND(h, TO_CLOB(RAWTOHEX(DBMS_LOB.SUBSTR(b, 16000, n)))); n := n + 16000;\n"
    "  END LOOP; RETURN h; END;"
)
# SQL*Plus settings for the extract script: CSV, no headings, whole LOBs, the SCN passed as &1.
EXTRACT_SETTINGS = (
    "SET MARKUP CSV ON DELIMITER , QUOTE ON",
    "SET FEEDBACK OFF TERMOUT OFF PAGESIZE 0 HEADING OFF LINESIZE 32767 TRIMSPOOL ON VERIFY OFF",
    "SET LONG 2000000000 LONGCHUNKSIZE 32767",
)


def lob_reconciliation_sql(
    table: Table, lob_columns: Sequence[str], names: NameMap, types: TypeMapper
) -> LobReconciliation:
    """The extract (run in SQL*Plus with the SCN as &1) and the load (psql) for one table's moved LOB columns."""
    o, t = table.owner, table.name
    by_name = {c.name: c for c in table.columns}
    keys = [by_name[k] for k in table.key_columns]
    lobs = [by_name[c] for c in lob_columns]
    csv = f"{o}.{t}.lobs.csv"
    select = ", ".join([*(f"t.{quote_oracle(k.name)}" for k in keys), *(_oracle_value(c) for c in lobs)])
    query = f"SELECT {select} FROM {quote_oracle(o)}.{quote_oracle(t)} t WHERE ORA_ROWSCN > &1"
    if any(normalise_oracle_type(c.data_type) == "BLOB" for c in lobs):
        extract = f"SPOOL {csv}\n{_LOB_HEX}\n{query}\n/\nSPOOL OFF"
    else:
        extract = f"SPOOL {csv}\n{query};\nSPOOL OFF"
    return LobReconciliation(f"{o}.{t}", extract, _load(table, keys, lobs, csv, names, types))


def _oracle_value(col: Column) -> str:
    name = f"t.{quote_oracle(col.name)}"
    kind = normalise_oracle_type(col.data_type)
    if kind == "BLOB":
        return f"lob_hex({name})"
    if kind == "XMLTYPE":
        return f"{name}.getClobVal()"
    if kind.startswith("RAW"):  # an extended RAW (> 2000 bytes) moves as a LOB
        return f"RAWTOHEX({name})"
    return name


def _load(
    table: Table, keys: Sequence[Column], lobs: Sequence[Column], csv: str, names: NameMap, types: TypeMapper
) -> str:
    """A temporary table of text columns k1.. (keys) and v1.. (LOBs) that takes the CSV, then one UPDATE by key of
    the rows whose LOBs differ."""
    o, t = table.owner, table.name
    target = f"{quote_postgres(names.schema(o))}.{quote_postgres(names.table(o, t))}"
    staged = [f"k{i} text" for i in range(1, len(keys) + 1)] + [f"v{i} text" for i in range(1, len(lobs) + 1)]
    match = " AND ".join(
        f"t.{quote_postgres(names.column(o, t, k.name))} = {_typed(f's.k{i}', k, types)}" for i, k in enumerate(keys, 1)
    )
    # SQL*Plus prints an empty LOB and a NULL alike: both sides compare with empties as NULL, so only a real
    # difference counts (and is written).
    values = [
        (quote_postgres(names.column(o, t, c.name)), _typed(f"NULLIF(s.v{i}, '')", c, types), _empty(c, types))
        for i, c in enumerate(lobs, 1)
    ]
    differs = " OR ".join(f"NULLIF(t.{col}, {empty}) IS DISTINCT FROM {value}" for col, value, empty in values)
    return "\n".join(
        [
            "DROP TABLE IF EXISTS lob_fix;",
            f"CREATE TEMP TABLE lob_fix ({', '.join(staged)});",
            f"\\copy lob_fix FROM '{csv}' (FORMAT csv)",
            f"UPDATE {target} AS t SET {', '.join(f'{col} = {value}' for col, value, _ in values)} FROM lob_fix AS s "
            f"WHERE {match} AND ({differs});",
        ]
    )


def _empty(col: Column, types: TypeMapper) -> str:
    pg = types.map(col).postgres_type or "text"
    return "''::bytea" if pg == "bytea" else "''"


def _typed(text: str, col: Column, types: TypeMapper) -> str:
    """The staged text as the PostgreSQL column's type: hex decoded for bytea, a cast otherwise."""
    pg = types.map(col).postgres_type or "text"
    if pg == "bytea":
        return f"decode({text}, 'hex')"
    return text if pg == "text" else f"{text}::{pg}"
