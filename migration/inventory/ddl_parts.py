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
from migration.inventory.ddl_cutover import create_sequence, render_cutover
from migration.inventory.ddl_scope import (
    Scope,
    after_load_unique_keys,
    missing_note,
    relaxed_lob_columns,
    scope,
)
from migration.inventory.model import Inventory, Table
from migration.inventory.names import NameMap, shortened
from migration.inventory.objects import ForeignKey, PartitionBound, Partitioning, SchemaObjects
from migration.inventory.oracle_expr import (
    SERVER_CLOCK_NOTE,
    nextval_sequence,
    partition_values,
    reads_server_clock,
    translate_check,
    translate_default,
)

PARTS = ("before-load", "after-load", "cutover", "after-switch")
# How many partitions past the exported ones an interval-partitioned table gets (inventory.intervalPartitionsAhead,
# whose default this is): a monthly interval covers a year, a migration's usual span; a daily one needs more.
INTERVAL_PARTITIONS_AHEAD = 12
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
    partition, part_notes = _partition_clause(s, table)
    lines += key_notes + part_notes
    lines.append(f"CREATE TABLE {s.table(table.owner, table.name)} (")
    lines.append(",\n".join(body + keys))
    lines.append(f"){partition};")
    if partition:
        lines += _partitions(s, table)
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


def load_key(table: Table) -> tuple[str, ...]:
    """The key the before-load part creates: the primary key, or without one the unique key DMS applies changes by
    (the other unique keys wait for the after-load part)."""
    return table.key_columns


def _load_keys(
    table: Table, created: Mapping[str, str], named: Mapping[tuple[str, ...], str]
) -> tuple[list[str], list[str]]:
    uniques = () if table.has_primary_key or not table.key_columns else (table.key_columns,)
    return _keys(table, created, named, uniques)


def _partition_of(s: Scope, table: Table) -> tuple[Partitioning | None, list[str]]:
    """The Oracle partitioning the before-load part reproduces (None when the table has none or PostgreSQL cannot
    have it), with the notes that say which."""
    part = s.on(table.owner, table.name).partitioning
    if part is None:
        return None, []
    where = f"{table.owner}.{table.name}"
    if part.kind not in ("RANGE", "LIST", "HASH"):
        return None, [f"-- {where}: {part.kind} partitioning has no PostgreSQL counterpart: created as one table"]
    created = s.created_columns(table)
    if any(c not in created for c in part.columns):
        return None, [f"-- {where}: a partition key column is not migrated: created as one table"]
    if load_key(table) and not set(part.columns) <= set(load_key(table)):
        return None, [
            f"-- {where}: its key does not hold the partition key ({', '.join(part.columns)}), which PostgreSQL "
            "requires: created as one table"
        ]
    if part.kind == "LIST" and len(part.columns) > 1:
        return None, [
            f"-- {where}: LIST partitioned on {len(part.columns)} columns, one at most in PostgreSQL: one table"
        ]
    if part.kind == "HASH":
        return part, [f"-- {where}: HASH partitioned in Oracle: {part.count} hash partitions"]
    sub = "" if part.subkind == "NONE" else f"; its {part.subkind} subpartitions are not reproduced"
    return part, [f"-- {where}: {part.kind} partitioned in Oracle ({part.count} partitions){sub}"]


def _partition_clause(s: Scope, table: Table) -> tuple[str, list[str]]:
    part, notes = _partition_of(s, table)
    if part is None:
        return "", notes
    created = s.created_columns(table)
    return f" PARTITION BY {part.kind} ({', '.join(quote_ident(created[c]) for c in part.columns)})", notes


def _partitions(s: Scope, table: Table) -> list[str]:
    """The partitions of a table _partition_clause partitions: HASH by remainder; RANGE and LIST from Oracle's
    bounds (partition_bounds.csv), or one DEFAULT partition when the export lacks them or one does not convert."""
    objects = s.on(table.owner, table.name)
    part = objects.partitioning
    assert part is not None  # only called for a table _partition_clause partitions
    where = f"{table.owner}.{table.name}"
    if part.kind == "HASH":
        clauses = [(f"#{i}", f"FOR VALUES WITH (MODULUS {part.count}, REMAINDER {i})") for i in range(part.count)]
        notes: list[str] = []
    elif not objects.bounds:
        clauses = [("DEFAULT", "DEFAULT")]
        notes = [f"-- {where}: no partition bounds in this export (partition_bounds.csv): one DEFAULT partition"]
    else:
        clauses, notes = _bounded(where, part, objects.bounds)
        if part.interval and len(clauses) > 1:  # interval, bounds converted: the next partitions ahead
            ahead = [(f"AHEAD {low}", f"FOR VALUES FROM ({low}) TO ({high})") for low, high in s.ahead_ranges(objects)]
            clauses[-1:-1] = ahead
            notes += _ahead_note(where, part, len(ahead))
    schema, parent = quote_ident(s.names.schema(table.owner)), s.table(table.owner, table.name)
    return notes + [
        f"CREATE TABLE {schema}.{quote_ident(s.name(table.owner, table.name, f'PARTITION {label}'))} "
        f"PARTITION OF {parent} {clause};"
        for label, clause in clauses
    ]


def _bounded(where: str, part: Partitioning, bounds: list[PartitionBound]) -> tuple[list[tuple[str, str]], list[str]]:
    """(partition, FOR VALUES clause) from Oracle's HIGH_VALUEs: a RANGE partition runs from the previous one's
    bound (the first from MINVALUE) to its own; a LIST partition takes its values, DEFAULT its DEFAULT. One that does
    not convert is listed and the table gets one DEFAULT partition instead, as without bounds."""
    clauses: list[tuple[str, str]] = []
    unconverted: list[str] = []
    lower = ["MINVALUE"] * len(part.columns)
    for bound in bounds:
        values = partition_values(bound.high_value)
        if part.kind == "RANGE" and values and len(values) == len(part.columns) and not {"DEFAULT", "NULL"} & {*values}:
            values = _maxvalue_tail(values)
            clauses.append((bound.name, f"FOR VALUES FROM ({', '.join(lower)}) TO ({', '.join(values)})"))
            lower = values
        elif (
            part.kind == "LIST"
            and values
            and "MAXVALUE" not in values
            and ("DEFAULT" not in values or len(values) == 1)
        ):
            clauses.append((bound.name, "DEFAULT" if values == ["DEFAULT"] else f"FOR VALUES IN ({', '.join(values)})"))
        else:
            unconverted.append(f"{bound.name} {bound.high_value}")
    if unconverted:
        return [("DEFAULT", "DEFAULT")], [
            f"-- NOTE {where}: partition bounds not converted ({'; '.join(unconverted)}): one DEFAULT partition "
            "instead; split it by hand before the load"
        ]
    if not part.interval:
        return clauses, []
    return [*clauses, ("DEFAULT", "DEFAULT")], [
        f"-- {where}: INTERVAL {part.interval} in Oracle, which adds partitions as rows arrive: the {len(bounds)} "
        "that exist are created (each from the one before it) and a DEFAULT partition takes the rows beyond"
    ]


def _maxvalue_tail(values: list[str]) -> list[str]:
    """PostgreSQL wants every value after a MAXVALUE to be MAXVALUE as well; in a range bound they mean the same."""
    if "MAXVALUE" not in values:
        return values
    first = values.index("MAXVALUE")
    return values[:first] + ["MAXVALUE"] * (len(values) - first)


# -------------------------------------------------------------------------------------------------- after load


def _partitioned(s: Scope, table: Table) -> tuple[str, ...]:
    """The partition key columns when the before-load part partitions the table, else ()."""
    part, _ = _partition_of(s, table)
    return part.columns if part is not None else ()


def render_after_load(s: Scope) -> str:
    out = [
        "-- Part 2 of 4, after the full load and before the cached changes are applied (the forward task stops",
        "-- there when it has these objects: StopTaskCachedChangesNotApplied; resume it when this part is done).",
        "-- Foreign keys do not fire in DMS sessions (afterConnectScript SET session_replication_role = 'replica').",
        *missing_note(s.objects),
    ]
    fks: list[str] = []
    for table in s.chosen:
        lines = _after_load_table(s, table)
        if lines:
            out += ["", *lines]
        for fk in s.on(table.owner, table.name).foreign_keys:
            notes, add, _ = _foreign_key(s, table, fk)
            fks += notes
            if add and _partitioned(s, table):
                fks.append(
                    f"-- {fk.owner}.{fk.table}: partitioned (PostgreSQL 15 refuses NOT VALID foreign keys on it): "
                    f"{fk.name} is added by the cutover part, once the forward tasks stopped"
                )
            elif add:
                fks.append(f"{add} NOT VALID;")
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
    for cols in after_load_unique_keys(table):
        if _partitioned(s, table) and not set(_partitioned(s, table)) <= set(cols):
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


def _foreign_key(s: Scope, table: Table, fk: ForeignKey) -> tuple[list[str], str, str]:
    """(notes, the ALTER TABLE ... ADD CONSTRAINT without its ending, its VALIDATE CONSTRAINT): both "" when the
    foreign key is not created (the notes say why)."""
    where = f"{fk.owner}.{fk.table}"
    ref = s.inv.tables.get((fk.ref_owner, fk.ref_table))
    if ref is None or (fk.ref_owner, fk.ref_table) not in s.keys:
        return [f"-- {where}: foreign key {fk.name} references {fk.ref_owner}.{fk.ref_table}, not migrated"], "", ""
    created, ref_created = s.created_columns(table), s.created_columns(ref)
    if any(c not in created for c in fk.columns) or any(c not in ref_created for c in fk.ref_columns):
        return [f"-- {where}: foreign key {fk.name} uses a column that is not migrated: not created"], "", ""
    keys = [ref.key_columns] if ref.has_primary_key else []
    if tuple(fk.ref_columns) not in [tuple(k) for k in (*keys, *ref.unique_keys)]:
        cols = ", ".join(fk.ref_columns)
        return [f"-- {where}: foreign key {fk.name}: {fk.ref_table} has no key on ({cols})"], "", ""
    given = s.name(table.owner, table.name, fk.name)
    target, name = s.table(table.owner, table.name), quote_ident(given)
    cols = ", ".join(quote_ident(created[c]) for c in fk.columns)
    ref_cols = ", ".join(quote_ident(ref_created[c]) for c in fk.ref_columns)
    add = (
        f"ALTER TABLE {target} ADD CONSTRAINT {name} FOREIGN KEY ({cols}) REFERENCES "
        f"{s.table(ref.owner, ref.name)} ({ref_cols}) ON DELETE {fk.delete_rule}"
    )
    return s.clash_note(fk.owner, fk.name, given), add, f"ALTER TABLE {target} VALIDATE CONSTRAINT {name};"


def partitioned_foreign_keys(s: Scope) -> list[str]:
    """For the cutover part: the foreign keys of partitioned tables, which PostgreSQL 15 cannot add NOT VALID.
    Added (and so checked) once the forward tasks stopped, when every cached change is applied: each reads its
    table inside the window, holding SHARE ROW EXCLUSIVE on it and the table it references (writes wait)."""
    lines: list[str] = []
    for table in s.chosen:
        if not _partitioned(s, table):
            continue
        for fk in s.on(table.owner, table.name).foreign_keys:
            _, add, _ = _foreign_key(s, table, fk)
            if add:
                gb = table.bytes / 1024**3
                lines += [
                    f"-- {fk.owner}.{fk.table}.{fk.name}: reads the table's {gb:.1f} GB inside the window",
                    _tolerant(add, f"{fk.owner}.{fk.table}.{fk.name}"),
                ]
    if not lines:
        return []
    return [
        "-- Foreign keys of partitioned tables (PostgreSQL 15 refuses them NOT VALID, and checked while DMS applied",
        "-- changes they would fail on a child row whose parent was still a cached change): added and checked now,",
        "-- last, each in a block of its own: a child row without its parent (Oracle may hold one under an ENABLE",
        "-- NOVALIDATE key) leaves that key out with a WARNING naming it, and the sequences above stay moved.",
        *lines,
    ]


def partitioned_foreign_key_bytes(s: Scope) -> int:
    """The bytes the cutover part's partitioned-table foreign keys read: each its table, once per key."""
    return sum(
        table.bytes
        for table in s.chosen
        if _partitioned(s, table)
        for fk in s.on(table.owner, table.name).foreign_keys
        if _foreign_key(s, table, fk)[1]
    )


def _tolerant(add: str, what: str) -> str:
    """`add` in a PL/pgSQL block whose handler catches a foreign key violation: the block's own subtransaction is
    rolled back, not the part's transaction (PostgreSQL 15, PL/pgSQL "Trapping Errors")."""
    sql = add.replace("'", "''")
    return (
        f"DO $$ BEGIN EXECUTE '{sql}'; EXCEPTION WHEN foreign_key_violation THEN RAISE WARNING "
        f"'{what.replace(chr(39), chr(39) * 2)}: not added, a row has no parent (%): fix it and run the statement "
        f"again after the switch', SQLERRM; END $$;"
    )


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


def foreign_keys_to_validate(s: Scope) -> list[str]:
    """The VALIDATE CONSTRAINT of each foreign key the after-load part adds NOT VALID (partitioned tables' keys are
    added, checked, at cutover instead)."""
    out = []
    for table in s.chosen:
        if _partitioned(s, table):
            continue
        for fk in s.on(table.owner, table.name).foreign_keys:
            _, add, validate = _foreign_key(s, table, fk)
            if add:
                out.append(validate)
    return out


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


def _ahead_note(where: str, part: Partitioning, ahead: int) -> list[str]:
    if not ahead:
        return [
            f"-- {where}: INTERVAL {part.interval}: no partitions created ahead (inventory.intervalPartitionsAhead "
            "is 0, or the interval does not convert): create the next ones before their rows arrive"
        ]
    return [
        f"-- {where}: the next {ahead} partitions are created ahead (inventory.intervalPartitionsAhead); a row past "
        "them lands in the DEFAULT partition, which the cutover part checks"
    ]


# ------------------------------------------------------------------------------------------------------ cutover


# The prefix of the CHECK constraints the cutover part adds NOT VALID in place of SET NOT NULL on relaxed LOB columns;
# the runbook's after-switch step finds them by it in pg_constraint (a shortened name keeps its head).
LOB_NOT_NULL_CHECK_PREFIX = "lob_not_null_"


def lob_not_null_columns(s: Scope) -> list[tuple[Table, str]]:
    """Each chosen table's LOB columns the before-load part left nullable though Oracle declares them NOT NULL,
    by their PostgreSQL name."""
    return [(t, s.created_columns(t)[c]) for t in s.chosen for c in relaxed_lob_columns(t) if c in s.created_columns(t)]


def lob_not_null_at_cutover(s: Scope) -> list[str]:
    """NOT NULL back on the LOB columns the before-load part left nullable (ddl_scope.relaxed_lob_columns), once
    the forward tasks stopped and DMS writes no more LOBs after their rows, without a scan inside the window: a
    CHECK (col IS NOT NULL) NOT VALID is instant and checks every new row; the runbook's after-switch step
    validates it online and then sets NOT NULL, which skips its scan on a validated CHECK (PostgreSQL 15, ALTER
    TABLE, SET NOT NULL: "if a valid CHECK constraint is found which proves no NULL can exist, then the table
    scan is skipped")."""
    lines = []
    for t, c in lob_not_null_columns(s):
        name = LOB_NOT_NULL_CHECK_PREFIX + c
        name = shortened(name, f"{t.owner}.{t.name}.{c}") if len(name.encode("utf-8")) > 63 else name
        lines.append(
            f"ALTER TABLE {s.table(t.owner, t.name)} ADD CONSTRAINT {quote_ident(name)} "
            f"CHECK ({quote_ident(c)} IS NOT NULL) NOT VALID;"
        )
    if not lines:
        return []
    return [
        "-- NOT NULL on the LOB columns Oracle declares NOT NULL, nullable while DMS wrote them (it inserts the row,",
        "-- then the LOB): a CHECK NOT VALID, instant, checks new rows; the runbook's after-switch step validates it",
        "-- online (a NULL left is a LOB DMS did not write), then sets NOT NULL without a scan and drops the CHECK.",
        *lines,
    ]


def default_partition_check(s: Scope) -> str:
    """A query listing each interval-partitioned table's DEFAULT partition that holds rows (count, lowest and
    highest key): rows past the partitions created ahead, which CDC put there. Empty when no chosen table has one.
    Read-only: run it during CDC and before cutover (the runbook's step)."""
    selects = []
    for table in s.chosen:
        part, _ = _partition_of(s, table)
        if part is None or not part.interval or part.kind != "RANGE" or not s.on(table.owner, table.name).bounds:
            continue
        schema = quote_ident(s.names.schema(table.owner))
        default = f"{schema}.{quote_ident(s.name(table.owner, table.name, 'PARTITION DEFAULT'))}"
        key = quote_ident(s.created_columns(table)[part.columns[0]])
        selects.append(
            f"SELECT '{default.replace(chr(39), chr(39) * 2)}' AS default_partition, count(*) AS rows, "
            f"min({key})::text AS lowest, max({key})::text AS highest FROM {default} HAVING count(*) > 0"
        )
    if not selects:
        return ""
    return "\n".join(
        [
            "-- Rows in the DEFAULT partition of an interval-partitioned table, past the partitions created ahead:",
            "-- none expected. For a row listed, in one transaction: ALTER TABLE ... DETACH PARTITION the DEFAULT one,",
            "-- create the missing partition, INSERT the rows through the parent table, empty and ATTACH it again",
            "-- (PostgreSQL refuses a new partition whose rows sit in the DEFAULT partition).",
            "\nUNION ALL\n".join(selects) + ";",
        ]
    )
