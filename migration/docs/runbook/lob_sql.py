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
- Chunks: ORA_HASH(key, N-1) = i splits a table into N disjoint parts, each spooled to its own file and loaded in
  its own transaction, so no step holds a whole 400 GB table.
"""

from __future__ import annotations

import math
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


# Chunks of about this many bytes of the export's BYTES (ORA_HASH of the key, one spool file and one transaction
# each), so a 400 GB table is never one temporary table and one UPDATE. Each chunk scans the table again for its
# hash bucket (out-of-line LOBs are read only for the rows picked), so chunks are large rather than many.
LOB_CHUNK_BYTES = 4 * 2**30


def lob_chunks(table: Table) -> int:
    """How many chunks the reconciliation splits a table into (at least one)."""
    return max(1, math.ceil(table.bytes / LOB_CHUNK_BYTES))


def lob_reconciliation_sql(
    table: Table, lob_columns: Sequence[str], names: NameMap, types: TypeMapper
) -> LobReconciliation:
    """The extract (run in SQL*Plus with the SCN as &1) and the load (psql) for one table's moved LOB columns, in
    chunks by ORA_HASH of the key (Oracle SQL Language Reference, ORA_HASH: buckets 0..max_bucket)."""
    o, t = table.owner, table.name
    by_name = {c.name: c for c in table.columns}
    keys = [by_name[k] for k in table.key_columns]
    lobs = [by_name[c] for c in lob_columns]
    select = ", ".join([*(f"t.{quote_oracle(k.name)}" for k in keys), *(_oracle_value(c) for c in lobs)])
    query = f"SELECT {select} FROM {quote_oracle(o)}.{quote_oracle(t)} t WHERE ORA_ROWSCN > &1"
    n = lob_chunks(table)
    hashed = " || '|' || ".join(f"t.{quote_oracle(k.name)}" for k in keys)
    blob = any(normalise_oracle_type(c.data_type) == "BLOB" for c in lobs)
    extracts, loads = [], []
    for i in range(n):
        csv = f"{o}.{t}.lobs.{i}.csv"
        chunk = f"{query} AND ORA_HASH({hashed}, {n - 1}) = {i}" if n > 1 else query
        body = f"{_LOB_HEX}\n{chunk}\n/" if blob else f"{chunk};"
        extracts.append(f"SPOOL {csv}\n{body}\nSPOOL OFF")
        loads.append(_load(table, keys, lobs, csv, names, types))
    return LobReconciliation(f"{o}.{t}", "\n".join(extracts), "\n".join(loads))


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
    """One chunk in its own transaction: a temporary table of text columns k1.. (keys) and v1.. (LOBs) that takes
    the chunk's CSV and is dropped at its commit, then one UPDATE by key of the rows whose LOBs differ."""
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
            "BEGIN;",
            f"CREATE TEMP TABLE lob_fix ({', '.join(staged)}) ON COMMIT DROP;",
            f"\\copy lob_fix FROM '{csv}' (FORMAT csv)",
            f"UPDATE {target} AS t SET {', '.join(f'{col} = {value}' for col, value, _ in values)} FROM lob_fix AS s "
            f"WHERE {match} AND ({differs});",
            "COMMIT;",
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
