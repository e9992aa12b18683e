"""Part 3 of the target DDL, at cutover: every PostgreSQL sequence and identity moved past what Oracle handed out.

Not only the sequences tied to a column: trigger-fed keys and sequences only the application calls are the usual
Oracle case, and PostgreSQL cannot see which table they feed. The values come from sequences.csv as exported at the
write freeze (migration/sql/oracle_sequences.sql); LAST_NUMBER is above every value handed out, cached ones
included. Identity columns and sequence defaults also look at the loaded rows, whichever is further.
"""

from __future__ import annotations

import re
from pathlib import Path

from migration.inventory.ddl_scope import BIGINT, Scope, missing_note
from migration.inventory.names import quote_postgres as quote_ident
from migration.inventory.objects import Sequence
from migration.inventory.oracle_expr import nextval_sequence

SEQUENCES_SQL = Path(__file__).resolve().parents[1] / "sql" / "oracle_sequences.sql"


def oracle_sequences_query() -> str:
    """The freeze-time Oracle query, as oracle_sequences.sql runs it (that file is its one home)."""
    text = SEQUENCES_SQL.read_text(encoding="utf-8")
    match = re.search(r"^SELECT .*?;", text, re.MULTILINE | re.DOTALL)
    assert match is not None, f"{SEQUENCES_SQL.name} lost its SELECT"
    return match[0]


def _next_value(seq: Sequence) -> int:
    """The value the next nextval() returns: LAST_NUMBER, kept within the sequence's and bigint's bounds."""
    return min(max(seq.last_number, seq.min_value, BIGINT[0]), seq.max_value, BIGINT[1])


def render_cutover(s: Scope) -> str:
    out = [
        "-- Part 3 of 3, at cutover: after the forward tasks stopped and before the applications write to PostgreSQL.",
        "-- Every sequence and identity moves past what Oracle handed out. Its values are those of sequences.csv:",
        "-- export it again at the write freeze (migration/sql/oracle_sequences.sql, this query), point",
        "-- inventory.sequences at it and generate this part again:",
        *(f"--   {line}" for line in oracle_sequences_query().splitlines()),
        *missing_note(s.objects),
    ]
    fed = _columns_fed_by(s)
    for seq in s.standalone:
        name = s.sequence(seq.owner, seq.name).replace("'", "''")
        value = str(_next_value(seq))
        if seq.increment_by > 0 and fed.get((seq.owner, seq.name)):
            loaded = [f"(SELECT max({c}) + {seq.increment_by} FROM {t})" for t, c in fed[(seq.owner, seq.name)]]
            value = f"GREATEST({value}, {', '.join(loaded)})"
        out.append(f"SELECT setval('{name}', {value}, false);")
    for ident in s.objects.identities:
        if (ident.owner, ident.table) not in s.keys:
            continue
        table = s.table(ident.owner, ident.table)
        column = s.names.column(ident.owner, ident.table, ident.column)
        backing = s.sequences.get((ident.owner, ident.sequence))
        start, step = (_next_value(backing), backing.increment_by) if backing else (1, 1)
        serial = (
            f"pg_get_serial_sequence('{table.replace(chr(39), chr(39) * 2)}', '{column.replace(chr(39), chr(39) * 2)}')"
        )
        rows = f"(SELECT max({quote_ident(column)}) + {step} FROM {table})"
        out.append(f"SELECT setval({serial}, {f'GREATEST({start}, {rows})' if step > 0 else start}, false);")
        if ident.always:
            out.append(
                f"-- {ident.owner}.{ident.table}.{ident.column} is GENERATED ALWAYS in Oracle; to have that here too "
                f"once no task writes it: ALTER TABLE {table} ALTER COLUMN {quote_ident(column)} SET GENERATED ALWAYS;"
            )
    return "\n".join(out) + "\n"


def _columns_fed_by(s: Scope) -> dict[tuple[str, str], list[tuple[str, str]]]:
    """(sequence owner, name) -> the (table, column) SQL of the chosen columns whose DEFAULT is its nextval."""
    fed: dict[tuple[str, str], list[tuple[str, str]]] = {}
    for key, default in s.defaults.items():
        seq_key = nextval_sequence(default.expression, default.owner)
        if seq_key is not None and (default.owner, default.table) in s.keys:
            column = quote_ident(s.names.column(*key))
            fed.setdefault(seq_key, []).append((s.table(default.owner, default.table), column))
    return fed
