"""The target DDL in the four parts a DBA applies at four moments of the migration (`inventory ddl --part`):

* before-load: schemas, sequences, tables with their defaults, identity columns as BY DEFAULT (DMS writes the key
  values), primary keys (and the unique key DMS applies changes by when there is no primary key), PostgreSQL
  partitioning where Oracle partitions (an interval-partitioned table with its next partitions created ahead);
  NOT NULL left off every LOB column, because DMS inserts the row first and writes the LOB after it (DMS User
  Guide, "Best practices: Migrating LOBs"; premigration assessment `full-lob-not-nullable-at-target`), during CDC
  in limited LOB mode too (ddl_scope.relaxed_lob_columns).
* after-load: once the full load finished and before the cached changes are applied (the task pauses there,
  StopTaskCachedChangesNotApplied): the other unique keys, secondary indexes, checks, then foreign keys NOT VALID
  only (DMS User Guide, "Best practices: indexes, triggers and referential integrity"): a loaded child row may
  name a parent still among the cached changes, so validating here would fail the part.
* cutover (ddl_cutover): sequences new in the freeze export created, every sequence and identity moved past the
  values Oracle handed out until the freeze; then (here) the foreign keys of partitioned tables, NOT NULL back on
  the LOB columns, and a check for rows CDC left in interval tables' DEFAULT partitions.
* after-switch: the foreign keys validated, online (VALIDATE CONSTRAINT blocks no write).

What the project cannot convert (expression indexes, PL/SQL triggers, virtual columns, defaults and checks that
call functions) is listed with the Oracle text, not guessed.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from migration.inventory.ddl import RENAMED_BOTH_WAYS, RENAMED_FORWARD, _keys, _name_note, quote_ident
from migration.inventory.ddl_constraints import (
    after_load_foreign_keys,
    foreign_keys_to_validate,
    lob_not_null_at_cutover,
    partitioned_foreign_keys,
)
from migration.inventory.ddl_cutover import create_sequence, render_cutover
from migration.inventory.ddl_partitions import (
    create_partitions,
    default_partition_check,
    partition_clause,
    partitioned,
)
from migration.inventory.ddl_scope import (
    Scope,
    after_load_unique_keys,
    missing_note,
    relaxed_lob_columns,
    scope,
)
from migration.inventory.model import Inventory, Table
from migration.inventory.names import NameMap
from migration.inventory.objects import INTERVAL_PARTITIONS_AHEAD, SchemaObjects
from migration.inventory.oracle_expr import (
    SERVER_CLOCK_NOTE,
    nextval_sequence,
    reads_server_clock,
    translate_check,
    translate_default,
)

PARTS = ("before-load", "after-load", "cutover", "after-switch")
_INTEGER_TYPES = frozenset({"smallint", "integer", "bigint"})


# ------------------------------------------------------------------------------------------------- before load


def render_before_load(s: Scope) -> str:
    out = [
        "-- Part 1 of 4, before the load: tables, primary keys, defaults, identity columns (BY DEFAULT), sequences.",
        "-- Apply before starting the forward tasks (targetTablePrepMode DO_NOTHING or TRUNCATE_BEFORE_LOAD).",
        f"-- Unconstrained NUMBER columns assume the Oracle endpoint setting NumberDatatypeScale={s.scale}.",
        *missing_note(s.objects),
    ]
    if any(reads_server_clock(s.defaults[k].expression) for k in s.defaults if k[:2] in s.keys):
        out += SERVER_CLOCK_NOTE
    if any(s.types.map(c).postgres_type == "geometry" for t in s.chosen for c in t.columns):
        out.append("CREATE EXTENSION IF NOT EXISTS postgis;")
    out += [f"CREATE SCHEMA IF NOT EXISTS {quote_ident(s.names.schema(o))};" for o in s.owners]
    for seq in s.standalone:
        out += s.clash_note(seq.owner, seq.name, s.given[(seq.owner, "", seq.name)])
        out.append(create_sequence(s, seq))
    for table in s.chosen:
        out.append("")
        out.extend(_table(s, table))
    return "\n".join(out) + "\n"


def _table(s: Scope, table: Table) -> list[str]:
    where = f"{table.owner}.{table.name}"
    lines = [n for n in [_name_note(where, table.name, s.names.table(table.owner, table.name), s.renamed)] if n]
    relaxed = relaxed_lob_columns(table)
    lobs = set(table.lob_columns)
    body: list[str] = []
    created: dict[str, str] = {}  # Oracle column -> PostgreSQL column, for the keys
    for col in table.columns:
        mapping = s.types.map(col)
        if not mapping.supported:
            lines.append(f"-- {where}.{col.name} ({col.data_type}) left out: {mapping.note}")
            continue
        name = created[col.name] = s.names.column(table.owner, table.name, col.name)
        note = _name_note(f"{where}.{col.name}", col.name, name, s.renamed, column=True, lob=col.name in lobs)
        lines += [note] if note else []
        extra, (pg_type, type_notes) = "", identity_type(s, table, col.name, mapping.postgres_type)
        lines += type_notes
        if (table.owner, table.name, col.name) in s.with_extras:
            extra, notes = _column_extras(s, table, col.name, pg_type)
            lines += notes
        null = "" if col.nullable or col.name in relaxed else " NOT NULL"
        if col.name in relaxed:
            lines.append(
                f"-- {where}.{col.name}: NOT NULL in Oracle, nullable until the cutover part: DMS writes a LOB "
                "after inserting its row (DMS User Guide, Best practices: Migrating LOBs; in CDC in limited LOB "
                "mode too)"
            )
        body.append(f"    {quote_ident(name)} {pg_type}{extra}{null}")
    if not body:
        return [*lines, f"-- {where} skipped: none of its columns can be migrated"]
    lines += [
        f"-- {where}.{v.column}: virtual column ({v.expression}) left out: DMS does not move it; add it by hand "
        "as GENERATED ALWAYS AS (...) STORED or compute it in a view"
        for v in s.on(table.owner, table.name).virtual_columns
    ]
    keys, key_notes = _load_keys(table, created, s.key_named[(table.owner, table.name)])
    partition, part_notes = partition_clause(s, table)
    lines += key_notes + part_notes
    lines.append(f"CREATE TABLE {s.table(table.owner, table.name)} (")
    lines.append(",\n".join(body + keys))
    lines.append(f"){partition};")
    if partition:
        lines += create_partitions(s, table)
    return lines


def identity_type(s: Scope, table: Table, column: str, pg_type: str | None) -> tuple[str | None, list[str]]:
    """The PostgreSQL type of a column, and a note when it differs from the type map's: an Oracle identity on a
    NUMBER without precision or scale (Oracle's default for GENERATED AS IDENTITY) maps to numeric, which PostgreSQL
    refuses as an identity; its sequence hands out whole numbers, so it is created as bigint. A column a foreign
    key points from at such an identity becomes bigint too: PostgreSQL cannot compare numeric with bigint in a
    foreign key. Any other column keeps `pg_type`."""
    if pg_type in _INTEGER_TYPES:
        return pg_type, []
    where = f"-- {table.owner}.{table.name}.{column}"
    if (table.owner, table.name, column) in s.identities:
        return "bigint", [
            f"{where}: identity on {pg_type} in the type map: created as bigint (a PostgreSQL identity needs an "
            "integer type; the Oracle sequence hands out whole numbers)"
        ]
    for fk in s.on(table.owner, table.name).foreign_keys:
        ref = s.inv.tables.get((fk.ref_owner, fk.ref_table))
        if column not in fk.columns or ref is None:
            continue
        ref_column = fk.ref_columns[fk.columns.index(column)]
        ref_type = next((s.types.map(c).postgres_type for c in ref.columns if c.name == ref_column), None)
        if (ref.owner, ref.name, ref_column) in s.identities and ref_type not in _INTEGER_TYPES:
            return "bigint", [f"{where}: bigint, as the identity {ref.name}.{ref_column} it references ({fk.name})"]
    return pg_type, []


def _column_extras(s: Scope, table: Table, column: str, pg_type: str | None) -> tuple[str, list[str]]:
    """` GENERATED BY DEFAULT AS IDENTITY (...)` or ` DEFAULT ...` for a column, and notes for the reader."""
    where = f"{table.owner}.{table.name}.{column}"
    ident = s.identities.get((table.owner, table.name, column))
    if ident is not None:
        if pg_type not in _INTEGER_TYPES:
            return "", [f"-- {where}: identity column on {pg_type}: not created as identity, add a sequence by hand"]
        seq = s.sequences.get((ident.owner, ident.sequence))
        start = f"START WITH {seq.last_number} INCREMENT BY {seq.increment_by}" if seq else "START WITH 1"
        notes = (
            [f"-- {where}: GENERATED ALWAYS in Oracle, BY DEFAULT here: DMS writes the key values it moves"]
            if ident.always
            else []
        )
        return f" GENERATED BY DEFAULT AS IDENTITY ({start})", notes
    default = s.defaults.get((table.owner, table.name, column))
    if default is None:
        return "", []
    fed_by = nextval_sequence(default.expression, table.owner)
    if fed_by is not None and fed_by not in {(q.owner, q.name) for q in s.standalone}:
        return "", [f"-- {where}: DEFAULT {default.expression}: that sequence is not created here; add it by hand"]
    pg = translate_default(default.expression, pg_type, table.owner, s.sequence)
    if pg is None:
        return "", [f"-- {where}: Oracle DEFAULT {default.expression} not converted: add it by hand"]
    return f" DEFAULT {pg}", []


def _load_keys(
    table: Table, created: Mapping[str, str], named: Mapping[tuple[str, ...], str]
) -> tuple[list[str], list[str]]:
    uniques = () if table.has_primary_key or not table.key_columns else (table.key_columns,)
    return _keys(table, created, named, uniques)


# -------------------------------------------------------------------------------------------------- after load


def render_after_load(s: Scope) -> str:
    out = [
        "-- Part 2 of 4, after the full load and before the cached changes are applied (the forward task stops",
        "-- there when it has these objects: StopTaskCachedChangesNotApplied; resume it when this part is done).",
        "-- Foreign keys do not fire in DMS sessions (afterConnectScript SET session_replication_role = 'replica').",
        *missing_note(s.objects),
    ]
    for table in s.chosen:
        lines = _after_load_table(s, table)
        if lines:
            out += ["", *lines]
    fks = after_load_foreign_keys(s)
    if fks:
        out += [
            "",
            "-- Foreign keys: added NOT VALID, without checking the loaded rows: a loaded child row whose parent is",
            "-- still among the cached changes is consistent only once they are applied. New rows are checked",
            "-- (outside DMS sessions); the after-switch part validates the loaded ones.",
            *fks,
        ]
    triggers = [t for t in s.objects.triggers if (t.owner, t.table) in s.keys]
    if triggers:
        out += ["", "-- Triggers (PL/SQL, not converted): write them in PL/pgSQL; create them after cutover, since"]
        out += ["-- DMS moves the rows they wrote in Oracle (a trigger-fed key's sequence moves at cutover)."]
        out += [
            f"--   {t.owner}.{t.table}: {t.name} {t.trigger_type} {t.event}{'' if t.enabled else ' (DISABLED)'}"
            for t in triggers
        ]
    return "\n".join(out) + "\n"


def _after_load_table(s: Scope, table: Table) -> list[str]:
    where = f"{table.owner}.{table.name}"
    target = s.table(table.owner, table.name)
    created = s.created_columns(table)
    lines: list[str] = []
    part_key = set(partitioned(s, table))
    for cols in after_load_unique_keys(table):
        if part_key and not part_key <= set(cols):
            lines.append(f"-- {where}: unique key ({', '.join(cols)}) lacks the partition key: not created")
        elif all(c in created for c in cols):
            given = s.key_named[(table.owner, table.name)][tuple(cols)]
            lines += s.clash_note(table.owner, f"{table.name} ({', '.join(cols)})", given)
            name = quote_ident(given)
            on = ", ".join(quote_ident(created[c]) for c in cols)
            lines.append(f"ALTER TABLE {target} ADD CONSTRAINT {name} UNIQUE ({on});")
    for index in s.on(table.owner, table.name).indexes:
        cols_text = ", ".join((c.expression or c.name) + (" DESC" if c.descending else "") for c in index.columns)
        if index.function_based:
            lines.append(
                f"-- {where}: {index.index_type} index {index.name} ({cols_text}) not converted: write it "
                "by hand (Oracle: SELECT column_expression FROM all_ind_expressions)"
            )
            continue
        if any(c.name not in created for c in index.columns):
            lines.append(f"-- {where}: index {index.name} uses a column that is not migrated: not created")
            continue
        if index.index_type.upper() == "BITMAP":
            lines.append(f"-- {where}: {index.name} is a BITMAP index in Oracle: a B-tree here")
        on = ", ".join(quote_ident(created[c.name]) + (" DESC" if c.descending else "") for c in index.columns)
        unique = "UNIQUE " if index.unique else ""
        given = s.name(table.owner, table.name, index.name)
        lines += s.clash_note(table.owner, index.name, given)
        lines.append(f"CREATE {unique}INDEX {quote_ident(given)} ON {target} ({on});")
    for check in s.on(table.owner, table.name).checks:
        condition = translate_check(check.condition, created, quote_ident)
        if condition is None:
            lines.append(f"-- {where}: check {check.name} ({check.condition}) not converted: write it by hand")
            continue
        lines += s.clash_note(table.owner, check.name, s.name(table.owner, table.name, check.name))
        name = quote_ident(s.name(table.owner, table.name, check.name))
        lines.append(f"ALTER TABLE {target} ADD CONSTRAINT {name} CHECK ({condition}) NOT VALID;")
        lines.append(f"ALTER TABLE {target} VALIDATE CONSTRAINT {name};")
    return lines


def render_after_switch(s: Scope) -> str:
    """Part 4, after the switch, with the applications writing to PostgreSQL: VALIDATE CONSTRAINT of each foreign
    key the after-load part added NOT VALID. It takes SHARE UPDATE EXCLUSIVE on the table and ROW SHARE on the one
    it references, which block no insert, update or delete (PostgreSQL 15, ALTER TABLE: VALIDATE CONSTRAINT), so
    it reads the loaded rows outside the window."""
    out = [
        "-- Part 4 of 4, after the switch: the applications may write meanwhile (VALIDATE CONSTRAINT takes SHARE",
        "-- UPDATE EXCLUSIVE, which blocks no insert, update or delete). Run it without --single-transaction: each",
        "-- statement commits alone, and one that fails names a loaded child row without its parent while the",
        "-- others stay validated (the key keeps checking new rows meanwhile).",
        *missing_note(s.objects),
        *foreign_keys_to_validate(s),
    ]
    return "\n".join(out) + "\n"


def render_ddl_part(
    inv: Inventory,
    objects: SchemaObjects,
    part: str,
    *,
    schema_map: Mapping[str, str] | None = None,
    number_datatype_scale: int = 10,
    names: NameMap | None = None,
    tables: Iterable[tuple[str, str]] | None = None,
    interval_partitions_ahead: int = INTERVAL_PARTITIONS_AHEAD,
    reverse_path: bool = False,
) -> str:
    """One part of the target DDL (PARTS), in inventory order, identical for identical input; `names`, `tables` and
    `reverse_path` as for `render_ddl`; `interval_partitions_ahead` as the stack's inventory.intervalPartitionsAhead."""
    renderers = {
        "before-load": render_before_load,
        "after-load": render_after_load,
        "cutover": _render_cutover,
        "after-switch": render_after_switch,
    }
    if part not in renderers:
        raise ValueError(f"part: expected one of {', '.join(PARTS)}, got {part!r}")
    s = scope(
        inv,
        objects,
        schema_map=schema_map,
        number_datatype_scale=number_datatype_scale,
        names=names,
        tables=tables,
        interval_partitions_ahead=interval_partitions_ahead,
    )
    s.renamed = RENAMED_BOTH_WAYS if reverse_path else RENAMED_FORWARD
    return renderers[part](s)


def _render_cutover(s: Scope) -> str:
    """The cutover part: sequences and identities (ddl_cutover), then the LOB columns' NOT NULL and the check of
    the interval tables' DEFAULT partitions."""
    blocks = [*partitioned_foreign_keys(s), *lob_not_null_at_cutover(s), default_partition_check(s)]
    return render_cutover(s) + "".join(f"{block}\n" for block in blocks if block)
