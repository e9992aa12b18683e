"""Part 3 of the target DDL, at cutover: every PostgreSQL sequence and identity moved past what Oracle handed out.

Not only the sequences tied to a column: trigger-fed keys and sequences only the application calls are the usual
Oracle case, and PostgreSQL cannot see which table they feed. The values come from sequences.csv as exported at the
write freeze (migration/sql/oracle_sequences.sql); LAST_NUMBER is above every value handed out, cached ones
included. Identity columns and sequence defaults also look at the loaded rows, whichever is further.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
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


def create_sequence(s: Scope, seq: Sequence, *, if_not_exists: bool = False) -> str:
    """The CREATE SEQUENCE of an Oracle sequence, as bigint with its increment, bounds, cache and cycle; starting at
    the next value Oracle hands out."""
    low = "NO MINVALUE" if seq.min_value < BIGINT[0] else f"MINVALUE {seq.min_value}"
    high = "NO MAXVALUE" if seq.max_value > BIGINT[1] else f"MAXVALUE {seq.max_value}"
    cycle = "CYCLE" if seq.cycle else "NO CYCLE"
    return (
        f"CREATE SEQUENCE {'IF NOT EXISTS ' if if_not_exists else ''}{s.sequence(seq.owner, seq.name)} AS bigint "
        f"INCREMENT BY {seq.increment_by} {low} {high} START WITH {_next_value(seq)} CACHE {max(seq.cache_size, 1)} "
        f"{cycle};"
    )


def render_cutover(s: Scope) -> str:
    out = [
        "-- Part 3 of 4, at cutover: after the forward tasks stopped and before the applications write to PostgreSQL.",
        "-- Every sequence and identity moves past what Oracle handed out. Its values are those of sequences.csv:",
        "-- export it again at the write freeze (migration/sql/oracle_sequences.sql, this query), point",
        "-- inventory.sequences at it and generate this part again:",
        *(f"--   {line}" for line in oracle_sequences_query().splitlines()),
        *missing_note(s.objects),
    ]
    fed = columns_fed_by(s)
    if s.standalone:
        # A sequence created in Oracle after the load-time export is in this (freeze) export only: created here
        # with the freeze's options, so its setval never fails the part; one the before-load part made is kept.
        out += [
            "-- Sequences new since the load-time export are created here (IF NOT EXISTS; its 'already exists'",
            "-- notices silenced), then every sequence moves:",
            "SET client_min_messages = warning;",
            *(create_sequence(s, seq, if_not_exists=True) for seq in s.standalone),
            "RESET client_min_messages;",
        ]
    for seq in s.standalone:
        name = s.sequence(seq.owner, seq.name).replace("'", "''")
        value = str(_next_value(seq))
        if seq.increment_by > 0 and fed.get((seq.owner, seq.name)):
            # max() of a numeric column is numeric, and setval takes bigint: cast (setval(text, numeric, boolean)
            # does not exist)
            loaded = [f"(SELECT max({c}) + {seq.increment_by} FROM {t})" for t, c in fed[(seq.owner, seq.name)]]
            value = f"GREATEST({value}, {', '.join(loaded)})::bigint"
        out.append(f"SELECT setval('{name}', {value}, false);")
    out += _identities(s)
    out += trigger_fed_defaults(s)
    untied = untied_sequences(s)
    if untied:
        out += [
            f"-- {len(untied)} sequence(s) tied to no column (application-called, or fed by a trigger the export cannot",
            "-- tie: it references several sequences or assigns several columns): a stale LAST_NUMBER is not caught",
            "-- by max(column) for them. This check lists each primary key column already at or past one, as a",
            "-- candidate to check in the application code (nothing in the export ties them):",
            untied_sequence_check(untied, [s.names.schema(o) for o in s.owners], tied_columns(s)),
        ]
    return "\n".join(out) + "\n"


def _identities(s: Scope) -> list[str]:
    """Each identity's sequence past Oracle's value and the loaded rows, whichever is further."""
    out = []
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
        value = f"GREATEST({start}, {rows})::bigint" if step > 0 else str(start)  # max() of numeric is numeric
        out.append(f"SELECT setval({serial}, {value}, false);")
        if ident.always:
            out.append(
                f"-- {ident.owner}.{ident.table}.{ident.column} is GENERATED ALWAYS in Oracle; to have that here too "
                f"once no task writes it: ALTER TABLE {table} ALTER COLUMN {quote_ident(column)} SET GENERATED ALWAYS;"
            )
    return out


def trigger_fed_keys(s: Scope) -> list[tuple[str, str, str]]:
    """(table SQL, column SQL, sequence SQL) of each key column an Oracle BEFORE INSERT trigger fed from one
    sequence the before-load part created (`_trigger_feeds`)."""
    created = {(q.owner, q.name) for q in s.standalone}
    return [
        (s.table(owner, table), quote_ident(s.names.column(owner, table, column)), s.sequence(*seq))
        for seq, owner, table, column in _trigger_feeds(s)
        if seq in created
    ]


def trigger_fed_defaults(s: Scope) -> list[str]:
    """A `DEFAULT nextval()` on each trigger-fed key column: PostgreSQL has neither the Oracle trigger nor a
    default, so the application's first insert that omits the key would fail on NOT NULL. Set at cutover, once no
    forward task writes the column (DMS always sends the key)."""
    keys = trigger_fed_keys(s)
    if not keys:
        return []
    return [
        f"-- {len(keys)} key column(s) Oracle fed from a sequence in a BEFORE INSERT trigger: the same sequence as a",
        "-- default here (the Oracle trigger also overwrote a key the insert gave; a default fills only an omitted one):",
        *(
            f"ALTER TABLE {table} ALTER COLUMN {col} SET DEFAULT nextval('{seq.replace(chr(39), chr(39) * 2)}');"
            for table, col, seq in keys
        ),
    ]


def columns_fed_by(s: Scope) -> dict[tuple[str, str], list[tuple[str, str]]]:
    """(sequence owner, name) -> the (table, column) SQL of the chosen columns it feeds: a DEFAULT seq.NEXTVAL, or a
    trigger tied to it (`_trigger_feeds`)."""
    fed: dict[tuple[str, str], list[tuple[str, str]]] = {}
    for key, default in s.defaults.items():
        seq_key = nextval_sequence(default.expression, default.owner)
        if seq_key is not None and (default.owner, default.table) in s.keys:
            column = quote_ident(s.names.column(*key))
            fed.setdefault(seq_key, []).append((s.table(default.owner, default.table), column))
    for seq_key, owner, table, column in _trigger_feeds(s):
        pair = (s.table(owner, table), quote_ident(s.names.column(owner, table, column)))
        if pair not in fed.get(seq_key, []):
            fed.setdefault(seq_key, []).append(pair)
    return fed


_NUMERIC = ("NUMBER", "INTEGER", "INT", "SMALLINT", "DECIMAL", "NUMERIC", "FLOAT")


def _trigger_feeds(s: Scope) -> list[tuple[tuple[str, str], str, str, str]]:
    """(sequence key, owner, table, column) of each enabled INSERT trigger on a chosen table that references
    exactly one sequence and assigns exactly one numeric :NEW column: the usual `:NEW.id := seq.NEXTVAL` (or
    `SELECT seq.NEXTVAL INTO :NEW.id`) key feed, read from the dictionary (triggers.csv) rather than the PL/SQL.
    Anything else stays untied and is checked by `untied_sequence_check`."""
    out = []
    for g in s.objects.triggers:
        if not g.enabled or "INSERT" not in g.event.upper() or (g.owner, g.table) not in s.keys:
            continue
        if len(g.sequences) != 1 or len(g.assigns) != 1:
            continue
        owner, _, name = g.sequences[0].partition(".")
        col = next(c for c in s.inv.tables[(g.owner, g.table)].columns if c.name == g.assigns[0])
        if col.data_type.upper() in _NUMERIC:
            out.append(((owner, name), g.owner, g.table, col.name))
    return out


def untied_sequences(s: Scope) -> list[str]:
    """The qualified PostgreSQL names of the ascending sequences the cutover part moves from LAST_NUMBER alone."""
    fed = columns_fed_by(s)
    return [s.sequence(q.owner, q.name) for q in s.standalone if q.increment_by > 0 and not fed.get((q.owner, q.name))]


def sequence_names(s: Scope) -> list[tuple[str, str, str, str]]:
    """(PostgreSQL schema, PostgreSQL name, Oracle owner, Oracle name) of each sequence the before-load part
    creates: the way back finds the Oracle sequence by its exact name (`"DocSeq"`), not by a case fold."""
    return [(s.names.schema(q.owner), s.given[(q.owner, "", q.name)], q.owner, q.name) for q in s.standalone]


def tied_columns(s: Scope) -> list[tuple[str, str]]:
    """(table SQL, PostgreSQL column name) of every column a known sequence feeds: identities, sequence defaults
    and trigger feeds. The check leaves them out: their sequence already moved past max(column)."""
    out = [
        (s.table(i.owner, i.table), s.names.column(i.owner, i.table, i.column))
        for i in s.objects.identities
        if (i.owner, i.table) in s.keys
    ]
    for key, default in s.defaults.items():
        if nextval_sequence(default.expression, default.owner) and (default.owner, default.table) in s.keys:
            out.append((s.table(default.owner, default.table), s.names.column(*key)))
    out += [(s.table(o, t), s.names.column(o, t, c)) for _, o, t, c in _trigger_feeds(s)]
    return out


def _array(items: list[str]) -> str:
    return "ARRAY[" + ", ".join("'" + q.replace("'", "''") + "'" for q in items) + "]::text[]"


def untied_sequence_check(sequences: list[str], schemas: list[str], tied: Iterable[tuple[str, str]] = ()) -> str:
    """A PL/pgSQL block to paste into psql: a WARNING for each single-column integer primary key of `schemas`
    (but the `tied` (table, column) ones) whose max() is at or past the next value of one of `sequences`. Nothing
    in the export ties the two, so each is a candidate to check, not a finding: if the application takes that key
    from that sequence, the setval it prints is needed; otherwise the line is noise. One index read per key.
    Warnings only: it changes nothing."""
    seqs, nsp, tied = _array(sequences), _array(schemas), list(tied)
    skip = f"unnest({_array([t for t, _ in tied])}, {_array([c for _, c in tied])}) AS t(rel, col)"
    return f"""DO $check$
DECLARE k record; s text; top numeric; nxt numeric;
BEGIN
  FOR k IN SELECT i.indrelid::regclass AS rel, a.attname FROM pg_index i
      JOIN pg_class c ON c.oid = i.indrelid JOIN pg_namespace n ON n.oid = c.relnamespace
      JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = i.indkey[0]
      WHERE i.indisprimary AND i.indnatts = 1 AND n.nspname = ANY ({nsp})
        AND NOT EXISTS (SELECT 1 FROM {skip} WHERE to_regclass(t.rel) = i.indrelid AND t.col = a.attname)
        AND a.atttypid IN ('int2'::regtype, 'int4'::regtype, 'int8'::regtype, 'numeric'::regtype) LOOP
    EXECUTE format('SELECT max(%I) FROM %s', k.attname, k.rel) INTO top;
    CONTINUE WHEN top IS NULL;
    FOREACH s IN ARRAY {seqs} LOOP
      EXECUTE format('SELECT CASE WHEN s.is_called THEN s.last_value + q.seqincrement ELSE s.last_value END '
        'FROM %s s, pg_sequence q WHERE q.seqrelid = %L::regclass', s, s) INTO nxt;
      IF top >= nxt THEN
        RAISE WARNING 'to check (nothing ties them): sequence % hands out % next and %.% already holds up to %. '
          'If the application takes that key from this sequence, run SELECT setval(''%'', %, false); '
          'otherwise ignore this line', s, nxt, k.rel, k.attname, top, s, (top + 1)::bigint;
      END IF;
    END LOOP;
  END LOOP;
END
$check$;"""
