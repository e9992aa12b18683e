"""What the migration does not move, table by table and column by column, why, and how to move it by hand: the
plan prints it (notices coded `left-behind`) and the runbook lists it in its own section."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import NamedTuple

from migration.config import Stack
from migration.inventory.model import Column, Inventory, Table
from migration.inventory.objects import SchemaObjects
from migration.inventory.typemap import TypeMapper
from migration.notices import Notice, info
from migration.planning.selection import Pair
from migration.planning.spec import TaskSpec
from migration.planning.table_rules import KEYLESS_LOB_NOTE


class LeftBehind(NamedTuple):
    what: str  # OWNER.TABLE or OWNER.TABLE.COLUMN (TYPE)
    why: str
    how: str  # how to move it by hand

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
) -> list[LeftBehind]:
    """Every table of the stack's schemas no task moves, every column removed from a task, every virtual column."""
    if inv is None:
        return []
    schemas = set(stack.config.migration.schemas)
    types = TypeMapper(stack.config.source.settings.number_datatype_scale)  # many columns, few type signatures
    out = [
        LeftBehind(
            f"{t.owner}.{t.name}",
            _why_excluded(t, types),
            "copy it after the freeze (Data Pump or CSV, then COPY), or include it",
        )
        for t in inv.tables.values()
        if t.owner in schemas and (t.owner, t.name) not in moved
    ]
    for spec in forward:
        for r in spec.removed_columns:
            table = inv.tables[(r.schema, r.table)]
            col = next(c for c in table.columns if c.name == r.column)
            out.append(_removed(table, col, types))
    for v in objects.virtual_columns if objects else ():
        if (v.owner, v.table) in moved:
            out.append(
                LeftBehind(
                    f"{v.owner}.{v.table}.{v.column} (virtual)",
                    "DMS does not move virtual columns",
                    f"add it as GENERATED ALWAYS AS (...) STORED, or compute it in a view: Oracle {v.expression}",
                )
            )
    return out


def _why_excluded(table: Table, types: TypeMapper) -> str:
    bad = [c for c in table.columns if not types.map(c).supported]
    if bad:
        return "excluded: unsupported column(s) " + ", ".join(f"{c.name} ({c.data_type})" for c in bad)
    return "excluded by migration.include/exclude"


def _removed(table: Table, col: Column, types: TypeMapper) -> LeftBehind:
    what = f"{table.owner}.{table.name}.{col.name} ({col.data_type})"
    mapping = types.map(col)
    if mapping.supported and mapping.is_lob and not table.has_key:
        return LeftBehind(what, KEYLESS_LOB_NOTE, _KEYLESS_LOB)
    how = _BY_HAND.get(col.data_type.upper(), _GENERIC + _GENERIC_TAIL)
    return LeftBehind(what, mapping.note or f"{col.data_type} is not moved by DMS", how)


def left_behind_notices(items: Sequence[LeftBehind]) -> list[Notice]:
    return [info("left-behind", f"left behind: {item.line}") for item in items]
