"""The constraints the DDL parts add after the load, each at the moment it cannot fail on rows DMS is still
writing: foreign keys NOT VALID at the pause (a loaded child row may name a parent still among the cached changes;
DMS sessions skip FK triggers) and validated online after the switch, except a partitioned table's, which PostgreSQL
15 cannot add NOT VALID and the cutover part adds checked; and NOT NULL back on the LOB columns the before-load part
left nullable, as a CHECK NOT VALID at cutover that the runbook's after-switch step turns into NOT NULL without a
scan."""

from __future__ import annotations

from collections.abc import Iterator
from typing import NamedTuple

from migration.inventory.ddl import quote_ident
from migration.inventory.ddl_partitions import partitioned
from migration.inventory.ddl_scope import Scope, relaxed_lob_columns
from migration.inventory.model import Table
from migration.inventory.names import shortened
from migration.inventory.objects import ForeignKey


class CreatedKey(NamedTuple):
    """A foreign key the parts create: its table, the ALTER TABLE ... ADD CONSTRAINT without its ending, its
    VALIDATE CONSTRAINT, and whether the table is partitioned (then added checked, at cutover)."""

    table: Table
    fk: ForeignKey
    add: str
    validate: str
    partitioned: bool


def foreign_keys(s: Scope) -> Iterator[tuple[list[str], CreatedKey | None]]:
    """Every foreign key of the chosen tables, in inventory order: (notes, the key, or None when it is not created
    and the notes say why)."""
    for table in s.chosen:
        in_parts = bool(partitioned(s, table))
        for fk in s.on(table.owner, table.name).foreign_keys:
            notes, add, validate = _foreign_key(s, table, fk)
            yield notes, (CreatedKey(table, fk, add, validate, in_parts) if add else None)


def after_load_foreign_keys(s: Scope) -> list[str]:
    """The after-load part's foreign keys: NOT VALID, or a note that the cutover part adds a partitioned table's."""
    lines: list[str] = []
    for notes, key in foreign_keys(s):
        lines += notes
        if key is not None and key.partitioned:
            lines.append(
                f"-- {key.fk.owner}.{key.fk.table}: partitioned (PostgreSQL 15 refuses NOT VALID foreign keys on "
                f"it): {key.fk.name} is added by the cutover part, once the forward tasks stopped"
            )
        elif key is not None:
            lines.append(f"{key.add} NOT VALID;")
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
    for key in _created(s, partitioned_tables=True):
        what, gb = f"{key.fk.owner}.{key.fk.table}.{key.fk.name}", key.table.bytes / 1024**3
        lines += [f"-- {what}: reads the table's {gb:.1f} GB inside the window", _tolerant(key.add, what)]
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
    return sum(key.table.bytes for key in _created(s, partitioned_tables=True))


def _tolerant(add: str, what: str) -> str:
    """`add` in a PL/pgSQL block whose handler catches a foreign key violation: the block's own subtransaction is
    rolled back, not the part's transaction (PostgreSQL 15, PL/pgSQL "Trapping Errors")."""
    sql = add.replace("'", "''")
    return (
        f"DO $$ BEGIN EXECUTE '{sql}'; EXCEPTION WHEN foreign_key_violation THEN RAISE WARNING "
        f"'{what.replace(chr(39), chr(39) * 2)}: not added, a row has no parent (%): fix it and run the statement "
        f"again after the switch', SQLERRM; END $$;"
    )


def foreign_keys_to_validate(s: Scope) -> list[str]:
    """The VALIDATE CONSTRAINT of each foreign key the after-load part adds NOT VALID (partitioned tables' keys are
    added, checked, at cutover instead)."""
    return [key.validate for key in _created(s, partitioned_tables=False)]


def _created(s: Scope, *, partitioned_tables: bool) -> list[CreatedKey]:
    return [key for _, key in foreign_keys(s) if key is not None and key.partitioned == partitioned_tables]


# ---------------------------------------------------------------------------------------------- LOB NOT NULL


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
