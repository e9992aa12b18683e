"""Load the schema-object exports (sequences.csv, identity.csv, ... from oracle_inventory.sql) next to a loaded
inventory. Same rules as the table exports: every bad value stops the load with one line naming the file, line and
field, and every row must name a table tables.csv lists (and a column columns.csv lists, where it names one).
An export that is not given is recorded in `SchemaObjects.missing`: older exports still load.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from migration.inventory.load import Named, _Csv, _open_csv
from migration.inventory.model import Inventory, InventoryError, Table
from migration.inventory.objects import (
    OBJECT_FILES,
    Check,
    Default,
    ForeignKey,
    Identity,
    Index,
    IndexColumn,
    PartitionBound,
    Partitioning,
    SchemaObjects,
    Sequence,
    Trigger,
)

SEQUENCES_HEADER = (
    "SEQUENCE_OWNER",
    "SEQUENCE_NAME",
    "LAST_NUMBER",
    "INCREMENT_BY",
    "CACHE_SIZE",
    "MIN_VALUE",
    "MAX_VALUE",
    "CYCLE_FLAG",
)
IDENTITY_HEADER = ("OWNER", "TABLE_NAME", "COLUMN_NAME", "GENERATION_TYPE", "SEQUENCE_NAME")
DEFAULTS_HEADER = ("OWNER", "TABLE_NAME", "COLUMN_NAME", "VIRTUAL_COLUMN", "DATA_DEFAULT")
INDEXES_HEADER = ("OWNER", "TABLE_NAME", "INDEX_NAME", "UNIQUENESS", "INDEX_TYPE", "COLUMN_NAME", "COLUMN_POSITION")
FOREIGN_KEYS_HEADER = (
    "OWNER",
    "TABLE_NAME",
    "CONSTRAINT_NAME",
    "COLUMN_NAME",
    "POSITION",
    "R_OWNER",
    "R_TABLE_NAME",
    "R_COLUMN_NAME",
    "DELETE_RULE",
)
CHECKS_HEADER = ("OWNER", "TABLE_NAME", "CONSTRAINT_NAME", "SEARCH_CONDITION")
TRIGGERS_HEADER = ("OWNER", "TABLE_NAME", "TRIGGER_NAME", "TRIGGER_TYPE", "TRIGGERING_EVENT", "STATUS")
PARTITIONS_HEADER = ("OWNER", "TABLE_NAME", "PARTITIONING_TYPE", "PARTITION_COUNT", "COLUMN_NAME", "COLUMN_POSITION")
PARTITION_BOUNDS_HEADER = ("TABLE_OWNER", "TABLE_NAME", "PARTITION_NAME", "PARTITION_POSITION", "HIGH_VALUE")
_DELETE_RULES = ("NO ACTION", "CASCADE", "SET NULL")


class _Rows:
    """One open object export: each row's fields by header name, and the checks every file shares."""

    def __init__(self, f: _Csv, inv: Inventory):
        self.f, self.inv = f, inv

    def each(self) -> Any:
        for row in self.f.rows():
            yield {h: row[i] for h, i in self.f.pos.items()}

    def error(self, row: Mapping[str, Any], fld: str, message: str) -> InventoryError:
        """An error naming the row's own line (grouped rows are checked after the file was read)."""
        return InventoryError(f"{self.f.name} line {row.get('_line', self.f.line)}: {fld}: {message}")

    def text(self, row: Mapping[str, Any], fld: str) -> str:
        value = str(row[fld]).strip()
        if not value:
            raise self.error(row, fld, "empty value")
        return value

    def table(self, row: Mapping[str, Any], owner_field: str = "OWNER") -> Table:
        owner, name = self.text(row, owner_field), self.text(row, "TABLE_NAME")
        table = self.inv.tables.get((owner, name))
        if table is None:
            raise self.error(row, "TABLE_NAME", f"{owner}.{name} is not in tables.csv")
        return table

    def column(self, table: Table, row: Mapping[str, Any], fld: str = "COLUMN_NAME") -> str:
        name = self.text(row, fld)
        if not any(c.name == name for c in table.columns):
            raise self.error(row, fld, f"{table.owner}.{table.name}.{name} is not in columns.csv")
        return name

    def number(self, row: Mapping[str, Any], fld: str, minimum: int | None = None) -> int:
        text = str(row[fld]).strip()
        if not text:
            raise self.error(row, fld, "expected a whole number, got an empty value")
        try:
            value = int(text)
        except ValueError:
            raise self.error(row, fld, f"expected a whole number, got {row[fld]!r}") from None
        if minimum is not None and value < minimum:
            raise self.error(row, fld, f"expected a whole number >= {minimum}, got {row[fld]!r}")
        return value

    def choice(self, row: Mapping[str, Any], fld: str, allowed: tuple[str, ...]) -> str:
        value = " ".join(row[fld].split()).upper()
        if value not in allowed:
            raise self.error(row, fld, f"expected {' or '.join(allowed)}, got {row[fld]!r}")
        return value


def _sequences(r: _Rows) -> list[Sequence]:
    out = []
    for row in r.each():
        out.append(
            Sequence(
                r.text(row, "SEQUENCE_OWNER"),
                r.text(row, "SEQUENCE_NAME"),
                r.number(row, "LAST_NUMBER"),
                _increment(r, row),
                r.number(row, "CACHE_SIZE", 0),
                r.number(row, "MIN_VALUE"),
                r.number(row, "MAX_VALUE"),
                r.choice(row, "CYCLE_FLAG", ("Y", "N")) == "Y",
            )
        )
    return out


def _increment(r: _Rows, row: Mapping[str, Any]) -> int:
    """A sequence moves by a non-zero step (Oracle and PostgreSQL both refuse INCREMENT BY 0)."""
    step = r.number(row, "INCREMENT_BY")
    if step == 0:
        raise r.error(row, "INCREMENT_BY", "a sequence's increment cannot be 0, got '0'")
    return step


def _identities(r: _Rows) -> list[Identity]:
    out = []
    for row in r.each():
        table = r.table(row)
        kind = r.choice(row, "GENERATION_TYPE", ("ALWAYS", "BY DEFAULT"))
        options = row.get("IDENTITY_OPTIONS", "").strip()
        column = r.column(table, row)
        out.append(Identity(table.owner, table.name, column, kind == "ALWAYS", r.text(row, "SEQUENCE_NAME"), options))
    return out


def _defaults(r: _Rows) -> list[Default]:
    out = []
    for row in r.each():
        table = r.table(row)
        virtual = r.f.yes_no(row["VIRTUAL_COLUMN"], "VIRTUAL_COLUMN")
        column = r.text(row, "COLUMN_NAME") if virtual else r.column(table, row)
        if virtual and any(c.name == column for c in table.columns):
            # DMS does not migrate virtual columns (DMS User Guide, "Limitations on using an Oracle database as a
            # source"): listed in columns.csv too, the DDL would create a plain column, the task would map it and
            # the left-behind ADD COLUMN ... GENERATED would fail on it. oracle_inventory.sql leaves them out.
            raise r.error(
                row,
                "VIRTUAL_COLUMN",
                f"{table.owner}.{table.name}.{column} is a virtual column, but columns.csv lists it too: export "
                "columns.csv with oracle_inventory.sql (it leaves virtual columns out: DMS does not move them)",
            )
        dtype = row.get("DATA_TYPE", "").strip()
        out.append(Default(table.owner, table.name, column, r.text(row, "DATA_DEFAULT"), virtual, dtype))
    return out


def _grouped(r: _Rows, name_field: str, position_field: str) -> dict[tuple[str, str, str], list[dict[str, Any]]]:
    """Rows of multi-column objects (indexes, foreign keys, partition keys) by (owner, table, name), each with its
    table and position; positions must run 1..n."""
    groups: dict[tuple[str, str, str], list[dict[str, Any]]] = {}
    for row in r.each():
        table = r.table(row)
        name = r.text(row, name_field) if name_field else ""
        item = dict(row, _table=table, _position=r.number(row, position_field, 1), _line=r.f.line)
        groups.setdefault((table.owner, table.name, name), []).append(item)
    for (owner, tname, name), rows in groups.items():
        positions = sorted(x["_position"] for x in rows)
        if positions != list(range(1, len(rows) + 1)):
            what = f"{owner}.{tname} {name}".rstrip()
            raise r.error(rows[0], position_field, f"{what} positions {positions} are not 1..{len(rows)}")
        rows.sort(key=lambda x: x["_position"])
    return groups


def _indexes(r: _Rows) -> list[Index]:
    out = []
    for (owner, tname, name), rows in _grouped(r, "INDEX_NAME", "COLUMN_POSITION").items():
        first = rows[0]
        kind = " ".join(first["INDEX_TYPE"].split()).upper()
        if kind == "DOMAIN":
            cols = tuple(IndexColumn(x["COLUMN_NAME"].strip(), False) for x in rows)
        elif kind.startswith("FUNCTION-BASED"):
            cols = tuple(_expression_column(x) for x in rows)
        else:
            cols = tuple(IndexColumn(r.column(x["_table"], x), _descending(x)) for x in rows)
        unique = r.choice(first, "UNIQUENESS", ("UNIQUE", "NONUNIQUE", "BITMAP")) == "UNIQUE"
        size = r.number(first, "BYTES", 0) if first.get("BYTES", "").strip() else 0
        out.append(Index(owner, tname, name, unique, kind, cols, size))
    return out


def _descending(row: Mapping[str, Any]) -> bool:
    return str(row.get("DESCEND", "ASC")).strip().upper() == "DESC"


# A DESC column of an Oracle index is a function-based index column whose expression is the quoted column name
# (Oracle Database SQL Language Reference, CREATE INDEX: "Oracle Database treats descending indexes as if they were
# function-based indexes"; ALL_IND_EXPRESSIONS holds "COL").
_QUOTED_COLUMN = re.compile(r'"([^"]+)"')


def _expression_column(row: Mapping[str, Any]) -> IndexColumn:
    """A column of a function-based index: a table column (by name, or a DESC column by its "COL" expression), or
    an expression kept as Oracle's text (COLUMN_EXPRESSION; the hidden SYS_NC name in an older export)."""
    table: Table = row["_table"]
    name, expression = row["COLUMN_NAME"].strip(), str(row.get("COLUMN_EXPRESSION", "")).strip()
    known = {c.name for c in table.columns}
    quoted = _QUOTED_COLUMN.fullmatch(expression)
    if quoted and quoted[1] in known:
        return IndexColumn(quoted[1], _descending(row))
    if name in known and not expression:
        return IndexColumn(name, _descending(row))
    return IndexColumn(name, _descending(row), expression or name)


def _foreign_keys(r: _Rows) -> list[ForeignKey]:
    out = []
    for (owner, tname, name), rows in _grouped(r, "CONSTRAINT_NAME", "POSITION").items():
        first = rows[0]
        out.append(
            ForeignKey(
                owner,
                tname,
                name,
                tuple(r.column(x["_table"], x) for x in rows),
                r.text(first, "R_OWNER"),
                r.text(first, "R_TABLE_NAME"),
                tuple(_referenced_column(r, x) for x in rows),
                r.choice(first, "DELETE_RULE", _DELETE_RULES),
            )
        )
    return out


def _referenced_column(r: _Rows, row: Mapping[str, Any]) -> str:
    """The referenced column, which columns.csv must list when it lists the referenced table (a table outside the
    export, e.g. another schema's, is named as it is: the DDL lists that key as not migrated)."""
    ref = r.inv.tables.get((r.text(row, "R_OWNER"), r.text(row, "R_TABLE_NAME")))
    return r.column(ref, row, "R_COLUMN_NAME") if ref is not None else r.text(row, "R_COLUMN_NAME")


def _checks(r: _Rows) -> list[Check]:
    out = []
    for row in r.each():
        table = r.table(row)
        out.append(Check(table.owner, table.name, r.text(row, "CONSTRAINT_NAME"), r.text(row, "SEARCH_CONDITION")))
    return out


def _triggers(r: _Rows) -> list[Trigger]:
    out = []
    for row in r.each():
        table = r.table(row)
        status = r.choice(row, "STATUS", ("ENABLED", "DISABLED"))
        event = " ".join(row["TRIGGERING_EVENT"].split())
        kind = " ".join(row["TRIGGER_TYPE"].split())
        name = r.text(row, "TRIGGER_NAME")
        sequences = tuple(row.get("REFERENCED_SEQUENCES", "").split())
        bad = next((q for q in sequences if not q.strip(".") or "." not in q), None)
        if bad is not None:
            raise r.error(row, "REFERENCED_SEQUENCES", f"expected OWNER.NAME separated by blanks, got {bad!r}")
        assigns = tuple(row.get("ASSIGNED_COLUMNS", "").split())
        for col in assigns:
            if not any(c.name == col for c in table.columns):
                raise r.error(row, "ASSIGNED_COLUMNS", f"{table.owner}.{table.name}.{col} is not in columns.csv")
        out.append(Trigger(table.owner, table.name, name, kind, event, status == "ENABLED", sequences, assigns))
    return out


def _partitions(r: _Rows) -> list[Partitioning]:
    out = []
    for (owner, tname, _), rows in _grouped(r, "", "COLUMN_POSITION").items():
        first = rows[0]
        kind = r.text(first, "PARTITIONING_TYPE").upper()
        sub = first.get("SUBPARTITIONING_TYPE", "").strip().upper() or "NONE"
        count = r.number(first, "PARTITION_COUNT", 1)
        columns = tuple(r.column(x["_table"], x) for x in rows)
        out.append(Partitioning(owner, tname, kind, sub, count, columns, first.get("INTERVAL", "").strip()))
    return out


def _partition_bounds(r: _Rows) -> list[PartitionBound]:
    """One row per partition; positions of a table run 1..n, since a range partition starts where the one before
    it ends (a missing row would stretch the next one over its rows)."""
    out = []
    first_line: dict[tuple[str, str], dict[str, Any]] = {}
    for row in r.each():
        table = r.table(row, "TABLE_OWNER")
        first_line.setdefault((table.owner, table.name), dict(row, _line=r.f.line))
        position = r.number(row, "PARTITION_POSITION", 1)
        name = r.text(row, "PARTITION_NAME")
        out.append(PartitionBound(table.owner, table.name, name, position, row["HIGH_VALUE"].strip()))
    out.sort(key=lambda b: (b.owner, b.table, b.position))
    by_table: dict[tuple[str, str], list[int]] = {}
    for bound in out:
        by_table.setdefault((bound.owner, bound.table), []).append(bound.position)
    for (owner, tname), row in first_line.items():
        positions = by_table[(owner, tname)]
        if positions != list(range(1, len(positions) + 1)):
            shown = positions if len(positions) <= 10 else [*positions[:10], "..."]
            raise r.error(row, "PARTITION_POSITION", f"{owner}.{tname} positions {shown} are not 1..{len(positions)}")
    return out


_READERS: dict[str, tuple[tuple[str, ...], tuple[str, ...], Callable[[_Rows], list[Any]]]] = {
    "sequences": (SEQUENCES_HEADER, (), _sequences),
    "identity": (IDENTITY_HEADER, ("IDENTITY_OPTIONS",), _identities),
    "defaults": (DEFAULTS_HEADER, ("DATA_TYPE",), _defaults),
    "indexes": (INDEXES_HEADER, ("DESCEND", "BYTES", "COLUMN_EXPRESSION"), _indexes),
    "foreign_keys": (FOREIGN_KEYS_HEADER, (), _foreign_keys),
    "checks": (CHECKS_HEADER, (), _checks),
    "triggers": (TRIGGERS_HEADER, ("REFERENCED_SEQUENCES", "ASSIGNED_COLUMNS"), _triggers),
    "partitions": (PARTITIONS_HEADER, ("SUBPARTITIONING_TYPE", "INTERVAL"), _partitions),
    "partition_bounds": (PARTITION_BOUNDS_HEADER, (), _partition_bounds),
}
_FIELDS = {
    "sequences": "sequences",
    "identity": "identities",
    "defaults": "defaults",
    "indexes": "indexes",
    "foreign_keys": "foreign_keys",
    "checks": "checks",
    "triggers": "triggers",
    "partitions": "partitions",
    "partition_bounds": "partition_bounds",
}


def load_objects(inv: Inventory, paths: Mapping[str, str | Path | Named | None]) -> SchemaObjects:
    """The object exports named in `paths` (keys from OBJECT_FILES; a missing key or None: not exported)."""
    unknown = sorted(set(paths) - set(OBJECT_FILES))
    if unknown:
        raise ValueError(f"unknown object exports: {', '.join(unknown)}")
    found: dict[str, tuple[Any, ...]] = {}
    missing = []
    for key in OBJECT_FILES:
        path = paths.get(key)
        if path is None:
            missing.append(key)
            continue
        required, optional, read = _READERS[key]
        with _open_csv(path, required, optional) as f:
            found[_FIELDS[key]] = tuple(read(_Rows(f, inv)))
    return SchemaObjects(**found, missing=tuple(missing))
