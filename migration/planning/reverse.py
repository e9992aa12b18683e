"""The fallback task PostgreSQL -> Oracle: what moved forward, moved back under the Oracle names it came from."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Collection, Sequence

from migration.config import ConfigError, Stack, StackConfig
from migration.dms import mappings
from migration.dms.mappings import Selection
from migration.dms.positions import parse_postgres_start
from migration.inventory.model import Inventory
from migration.inventory.names import NameMap
from migration.inventory.typemap import TypeMapper, TypeMapping
from migration.inventory.typemap_back import postgres_to_oracle
from migration.planning import naming
from migration.planning.basis import Basis
from migration.planning.lifecycle import phase_state
from migration.planning.naming import postgres_schema
from migration.planning.selection import Pair, selected
from migration.planning.settings import reverse_settings
from migration.planning.spec import TaskSpec


@dataclass(frozen=True)
class _ReverseRules:
    """The reverse mapping's rules in PostgreSQL names, and why (reasons, for people)."""

    renames: list[mappings.Rename] = field(default_factory=list)
    lobs: list[mappings.TableSettings] = field(default_factory=list)
    removed: list[mappings.ColumnRemoval] = field(default_factory=list)
    reasons: list[str] = field(default_factory=list)


def reverse_task(basis: Basis, forward: Sequence[TaskSpec], moved: Collection[Pair]) -> TaskSpec | None:
    """CDC only, DO_NOTHING, every name turned back into the Oracle name it came from (case folds, plus explicit
    renames from the inventory), each LOB table's forward LOB settings, and settings of its own: control tables in
    the reverse user's schema, strict errors (it writes into production). `moved`: the Oracle tables the forward
    tasks select (migration.planning.scopes). With the fallback on, a LOB column it could not write back stops the
    plan in any phase (naming.check_lob_names_back)."""
    cfg = basis.config
    if not cfg.reverse.enabled:
        return None
    not_back = _not_movable_back(basis, forward, moved) | left_out_of_reverse(basis.stack, basis.inventory, moved)
    if basis.names is not None:  # in every phase: a name that cannot go back is news before the load, not at cutover
        left = {(r.schema, r.table, r.column) for spec in forward for r in spec.removed_columns} | set(not_back)
        naming.check_lob_names_back(basis.stack, basis.names, moved, left)
    state = phase_state(cfg)
    if not state.reverse_created:
        return None
    assert cfg.reverse.postgres_source is not None
    rules = _reverse_rules(basis.names, forward, moved, not_back)
    selection = _reverse_selection(cfg, forward, basis.names, moved)
    start = parse_postgres_start(
        cfg.reverse.cdc_start_position, slot_name=cfg.reverse.postgres_source.settings.slot_name
    )
    return TaskSpec(
        name="reverse",
        task_id=basis.ids.task_id("reverse"),
        direction="reverse",
        migration_type="cdc",
        mappings=_reverse_mapping(basis, selection, rules),
        settings=reverse_settings(basis.stack),
        start=state.reverse_running,
        cdc_start_position=start.cdc_start_position,
        cdc_start_time=start.cdc_start_time,
        reasons=tuple(rules.reasons),
        selection=tuple(selection),
        table_settings=tuple(rules.lobs),
        removed_columns=tuple(rules.removed),
    )


LEAVE_OUT_KEY = "reverse.leaveOutColumns"
LEFT_OUT_WHY = f"left out by {LEAVE_OUT_KEY}: carried back by hand after a fallback (left behind, way back)"


def left_out_of_reverse(
    stack: Stack, inv: Inventory | None, moved: Collection[Pair]
) -> dict[tuple[str, str, str], str]:
    """(OWNER, TABLE, COLUMN) -> why, for each LOB column the stack acknowledges leaving out of the reverse task
    (reverse.leaveOutColumns). Each must be a LOB column of a table the forward tasks move: remove-column is the
    one rule DMS allows on a LOB column (DMS User Guide, Transformation rules and actions: Limitations), and a
    name that matches nothing is a typo that would leave the column to stop the plan anyway."""
    rev = stack.config.reverse
    if not rev.enabled or not rev.leave_out_columns:
        return {}
    if inv is None:
        raise ConfigError(
            f"{stack.project}:{LEAVE_OUT_KEY}: needs oracle2pg:inventory to find the LOB columns", key=LEAVE_OUT_KEY
        )
    out: dict[tuple[str, str, str], str] = {}
    for i, name in enumerate(rev.leave_out_columns):
        owner, table, column = name.split(".", 2)
        t = inv.tables.get((owner, table))
        where = f"{stack.project}:{LEAVE_OUT_KEY}[{i}]: {name!r}"
        if t is None or (owner, table) not in moved:
            raise ConfigError(f"{where}: no table {owner}.{table} that the forward tasks move", key=LEAVE_OUT_KEY)
        if column not in t.lob_columns:
            lobs = ", ".join(t.lob_columns) or "none"
            raise ConfigError(
                f"{where}: not a LOB column of {owner}.{table} (its LOB columns: {lobs}); only LOB columns can be "
                "left out of the reverse task",
                key=LEAVE_OUT_KEY,
            )
        out[(owner, table, column)] = LEFT_OUT_WHY
    return out


def _not_movable_back(
    basis: Basis, forward: Sequence[TaskSpec], moved: Collection[Pair]
) -> dict[tuple[str, str, str], str]:
    """(OWNER, TABLE, COLUMN) -> why: the moved columns whose PostgreSQL type DMS cannot carry back into Oracle
    (the type map's fallback direction, e.g. PostGIS geometry, which DMS moves only between PostgreSQL databases).
    They leave the reverse task, said once each, instead of failing the fallback when it is needed."""
    inv = basis.inventory
    if inv is None:
        return {}
    removed = {(r.schema, r.table, r.column) for spec in forward for r in spec.removed_columns}
    types = TypeMapper(basis.config.source.settings.number_datatype_scale)  # many columns, few type signatures
    backs: dict[str, TypeMapping] = {}
    out = {}
    for o, t in sorted(moved):
        table = inv.tables.get((o, t))
        for col in table.columns if table is not None else ():
            pg = types.map(col).postgres_type
            if (o, t, col.name) in removed or pg is None:
                continue
            back = backs.get(pg)
            if back is None:
                back = backs[pg] = postgres_to_oracle(pg)
            if not back.supported:
                out[(o, t, col.name)] = f"{col.data_type} arrives as {pg}, which DMS cannot move back: {back.note}"
    return out


def _reverse_rules(
    names: NameMap | None,
    forward: Sequence[TaskSpec],
    moved: Collection[Pair],
    not_back: dict[tuple[str, str, str], str] | None = None,
) -> _ReverseRules:
    """Renames back to the Oracle names, the forward LOB settings, and the columns the forward tasks left behind
    (a pre-created table may still have them: flowing back they would write NULLs, or land in a column of another
    spelling, in the Oracle table) or that DMS cannot move back (`not_back`). Without an inventory: case folds
    only, said once."""
    if names is None:
        return _ReverseRules(reasons=[naming.NO_INVENTORY_NOTE])
    not_back = not_back or {}
    left_behind = {(r.schema, r.table, r.column) for spec in forward for r in spec.removed_columns} | set(not_back)
    lobs = _reverse_lob_settings(names, forward)
    reasons = naming.names_note(names, sorted(moved), "PostgreSQL -> Oracle", removed=left_behind)
    reasons += [f"{o}.{t}.{c}: not in the reverse task ({why})" for (o, t, c), why in sorted(not_back.items())]
    reasons += [
        f"{ts.schema}.{ts.table}: LOB mode {ts.lob['mode']}, bulk-max-size {ts.lob['bulk-max-size']} KB, as "
        "forward: a LOB that went forward comes back whole"
        for ts in lobs
        if ts.lob is not None
    ]
    return _ReverseRules(
        renames=naming.reverse_renames(names, sorted(moved), left_behind),
        lobs=lobs,
        removed=[
            mappings.ColumnRemoval(names.schema(o), names.table(o, t), names.column(o, t, c))
            for o, t, c in sorted(left_behind)
        ],
        reasons=reasons,
    )


def _reverse_mapping(basis: Basis, selection: list[Selection], rules: _ReverseRules) -> dict[str, Any]:
    cfg = basis.config
    try:
        return mappings.build_reverse_mappings(
            {postgres_schema(cfg, s): s for s in cfg.migration.schemas},
            selection=selection,
            renames=rules.renames,
            table_settings=rules.lobs,
            removed_columns=rules.removed,
        )
    except mappings.MappingError as exc:
        hint = ""
        if isinstance(exc, mappings.MappingTooLargeError) and rules.renames:
            hint = f" (the fallback is one task; {len(rules.renames)} of its rules rename names that are not plain upper case)"
        raise ConfigError(f"{basis.project}:reverse: {exc}{hint}", key="reverse") from None


def _reverse_selection(
    cfg: StackConfig, forward: Sequence[TaskSpec], names: NameMap | None, moved: Collection[Pair]
) -> list[Selection]:
    """The forward tasks' selection rules in PostgreSQL names: the fallback moves back exactly what moved forward,
    never a table the forward path left out.

    Exact names go through the name map, patterns are lower-cased. With an inventory the result is made exact over
    the PostgreSQL names of every inventory table: an exclude that would hit a table that moved (SHOP.CUSTOMERS
    lower-cased is also "Customers"'s name) is dropped, since excludes win over includes in DMS; then tables the
    rules pick that did not move forward get an exclude rule of their own, and tables they miss an include rule."""
    rules: list[Selection] = []
    for spec in forward:
        for sel in spec.selection:
            if names is not None and "%" not in sel.table and sel.pair in moved:
                pg = (names.schema(sel.schema), names.table(sel.schema, sel.table))
            else:
                pg = (postgres_schema(cfg, sel.schema), sel.table.lower())
            item = Selection(sel.action, *pg)
            if item not in rules:
                rules.append(item)
    if names is None:
        return rules
    universe = [(names.schema(o), names.table(o, t)) for o, t in names.all_tables()]
    expected = {(names.schema(o), names.table(o, t)) for o, t in moved}
    wanted = sorted(expected)
    rules = [r for r in rules if r.action != "exclude" or not selected([Selection("include", *r.pair)], wanted)]
    got = selected(rules, universe)
    rules += [Selection("exclude", *pg) for pg in sorted(got - expected)]
    rules += [Selection("include", *pg) for pg in sorted(expected - got)]
    return rules


def _reverse_lob_settings(names: NameMap, forward: Sequence[TaskSpec]) -> list[mappings.TableSettings]:
    """Each table's forward LOB settings, in PostgreSQL names: the fallback carries every LOB size that went forward
    (limited at the same bulk-max-size, full LOB mode where the forward task needed it). Columns that only the
    reverse path sees as LOBs (varchar beyond 2000 characters becomes NCLOB) fit the task's 64 KB LobMaxSize."""
    out: dict[Pair, mappings.TableSettings] = {}
    for spec in forward:
        for ts in spec.table_settings:
            if ts.lob is None:
                continue
            pg = (names.schema(ts.schema), names.table(ts.schema, ts.table))
            out.setdefault(pg, mappings.TableSettings(pg[0], pg[1], lob=dict(ts.lob)))
    return list(out.values())
