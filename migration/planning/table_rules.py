"""Per-table rules of a forward task: unsupported columns (per the config's choice), LOB mode and parallel load,
and the renames of names that are not plain upper case."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Sequence

from migration.config import ConfigError, Stack
from migration.dms import mappings
from migration.dms.limits import DEFAULT_LOB_CHUNK_KB
from migration.inventory.lobs import choose_lob_mode
from migration.inventory.model import Table
from migration.inventory.names import NameMap
from migration.inventory.typemap import TypeMapper
from migration.planning import naming
from migration.planning.memory import LobTable
from migration.planning.planner import batch_apply_blocker
from migration.planning.settings import DEFAULT_LOB_KB, BatchApply

CHARACTER_TYPES = frozenset({"CHAR", "NCHAR", "VARCHAR2", "NVARCHAR2", "VARCHAR"})
KEYLESS_LOB_NOTE = "DMS moves LOB columns only for tables with a primary or unique key, in full load too"


@dataclass
class TableRules:
    """What a forward task's tables need in its mapping, and why (reasons, for people)."""

    tables: list[Table]
    excluded: list[tuple[str, str]] = field(default_factory=list)
    removed: list[mappings.ColumnRemoval] = field(default_factory=list)
    settings: list[mappings.TableSettings] = field(default_factory=list)
    renames: list[mappings.Rename] = field(default_factory=list)
    reasons: list[str] = field(default_factory=list)
    lobs: list[LobTable] = field(default_factory=list)  # LOB tables that keep their LOBs, for the memory fit
    # Tables DMS cannot apply in batches ("OWNER.TABLE: why"): their task applies changes one by one.
    row_apply: list[str] = field(default_factory=list)
    batch: BatchApply | None = None  # the task's batch-apply choice, once the task builder made it

    @property
    def character_keys(self) -> bool:
        """A table keyed (PK, else first unique key) by character data: validation must allow for collation."""
        return any(
            c.name in t.key_columns and c.data_type.upper() in CHARACTER_TYPES for t in self.tables for c in t.columns
        )

    @property
    def lob_sizes_kb(self) -> tuple[int, ...]:
        """bulk-max-size of each LOB table-settings rule (0: full LOB mode), for ValidationPartialLobSize."""
        return tuple(int(ts.lob.get("bulk-max-size", 0)) for ts in self.settings if ts.lob is not None)


def table_rules(
    stack: Stack,
    tables: Sequence[Table],
    parallel: dict[tuple[str, str], dict] | None = None,
    names: NameMap | None = None,
) -> TableRules:
    """Unsupported columns (per the explicit config choice), LOB mode and parallel load per table, and the rename
    rules of the tables' names that are not plain upper case."""
    out = TableRules(tables=[])
    types = TypeMapper(stack.config.source.settings.number_datatype_scale)  # a few hundred signatures, many columns
    for t in tables:
        mapped = [(c, types.map(c)) for c in t.columns]
        if not _unsupported_columns(stack, t, mapped, out):
            continue
        out.tables.append(t)
        blocker = batch_apply_blocker(t)
        if blocker is not None:
            out.row_apply.append(f"{t.owner}.{t.name}: {blocker}")
        _lob_and_parallel(stack, t, mapped, (parallel or {}).get((t.owner, t.name)), out)
    if names is not None:
        removed = {(r.schema, r.table, r.column) for r in out.removed}
        out.renames = naming.forward_renames(names, out.tables, removed)
        out.reasons += naming.names_note(names, [(t.owner, t.name) for t in out.tables], "Oracle -> PostgreSQL")
    return out


def _unsupported_columns(stack: Stack, t: Table, mapped: list[tuple[Any, Any]], out: TableRules) -> bool:
    """Columns DMS cannot move, per the explicit config choice: stop, leave the table out (False) or remove the
    columns from the task."""
    assert stack.config.inventory is not None
    policy = stack.config.inventory.unsupported_columns
    bad = [(c, m.note) for c, m in mapped if not m.supported]
    if not t.has_key:  # "A table must have a primary key or a unique key for DMS to migrate LOBs" (assessment
        # table-with-lob-but-without-primary-key-or-unique-constraint): full load too, so never carried silently
        bad += [(c, KEYLESS_LOB_NOTE) for c, m in mapped if m.is_lob]
    if bad and policy == "fail":
        col, note = bad[0]
        raise ConfigError(
            f"{stack.project}:inventory.unsupportedColumns: {t.owner}.{t.name}.{col.name} "
            f"({col.data_type}) cannot be moved by DMS: {note}; choose remove-column or "
            "exclude-table",
            key="inventory.unsupportedColumns",
        )
    if bad and policy == "exclude-table":
        out.excluded.append((t.owner, t.name))
        out.reasons.append(
            f"{t.owner}.{t.name}: excluded, unsupported column(s) "
            + ", ".join(f"{c.name} ({c.data_type})" for c, _ in bad)
        )
        return False
    for col, note in bad:
        out.removed.append(mappings.ColumnRemoval(t.owner, t.name, col.name))
        why = note if note == KEYLESS_LOB_NOTE else f"{col.data_type} is not moved by DMS"
        out.reasons.append(f"{t.owner}.{t.name}.{col.name}: removed from the task ({why})")
    return True


def _lob_and_parallel(
    stack: Stack, t: Table, mapped: list[tuple[Any, Any]], parallel: dict | None, out: TableRules
) -> None:
    """A table-settings rule when the table has LOBs it keeps (mode and size from its measured LOBs) or loads in
    parallel; the kept LOBs also count for the task's LOB buffer memory."""
    removed = {r.column for r in out.removed if (r.schema, r.table) == (t.owner, t.name)}
    kept = [c for c, m in mapped if m.is_lob and c.name not in removed]
    lob = choose_lob_mode(t, default_limited_kb=DEFAULT_LOB_KB) if kept else None
    if lob is not None and lob.truncates:
        # LONG / LONG RAW / XMLTYPE rule out full LOB mode; a bigger LOB cannot move whole in limited mode, so
        # the task would stop at it (failTasksOnLobTruncation) or cut it.
        raise ConfigError(
            f"{stack.project}:inventory: {t.owner}.{t.name} cannot move whole: {lob.basis}; "
            "move the big LOBs to a table without LONG/XMLTYPE columns, remove those columns, or exclude the table",
            key="inventory",
        )
    if lob is not None:
        out.reasons.append(f"{t.owner}.{t.name}: LOB mode {lob.mode}: {lob.reason}")
        if lob.mode == "unlimited":  # "you can use BatchApplyEnabled only in limited LOB mode" (Target metadata)
            out.row_apply.append(f"{t.owner}.{t.name}: full LOB mode (batch apply needs limited LOB mode)")
        limit = lob.bulk_max_size_kb if lob.mode == "limited" else DEFAULT_LOB_CHUNK_KB
        out.lobs.append(LobTable(f"{t.owner}.{t.name}", limit, len(kept)))
    if lob is not None or parallel is not None:
        lob_doc = None if lob is None else {"mode": lob.mode, "bulk-max-size": str(lob.bulk_max_size_kb)}
        out.settings.append(mappings.TableSettings(t.owner, t.name, lob=lob_doc, parallel_load=parallel))
