"""The scope checks across a stack's forward tasks: every table in exactly one task, no task selecting nothing,
no two Oracle objects sharing a PostgreSQL name."""

from __future__ import annotations

from typing import Sequence

from migration.config import ConfigError
from migration.planning import naming
from migration.planning.basis import Basis
from migration.planning.selection import Pair, selected
from migration.planning.spec import TaskSpec


def forward_selection(basis: Basis, specs: Sequence[TaskSpec]) -> dict[Pair, str]:
    """The inventory tables each forward task selects, {(owner, table): task name}. No table in two tasks (it would
    be loaded twice), no task selecting nothing."""
    inv = basis.inventory
    assert inv is not None
    where = f"{basis.project}:migration"
    schemas = set(basis.config.migration.schemas)
    pairs = [k for k in inv.tables if k[0] in schemas]
    owner: dict[Pair, str] = {}
    for spec in specs:
        chosen = selected(spec.selection, pairs)
        if not chosen:
            raise ConfigError(
                f"{where}: task {spec.name} selects no table of the inventory; fix its include patterns",
                key="migration",
            )
        for table in sorted(chosen):
            if table in owner:
                raise ConfigError(
                    f"{where}: {table[0]}.{table[1]} is selected by tasks {owner[table]} and {spec.name}; a table "
                    "must belong to one task (two would load it twice)",
                    key="migration",
                )
            owner[table] = spec.name
    return owner


def check_task_scopes(basis: Basis, specs: Sequence[TaskSpec]) -> dict[Pair, str]:
    """Exact with an inventory (returns which task moves each table); without one, identical include rules are
    caught (returns {})."""
    if basis.inventory is None:
        _check_identical_includes(basis, specs)
        return {}
    moved = forward_selection(basis, specs)
    assert basis.names is not None
    naming.check_name_conflicts(basis.stack, basis.names, moved)
    return moved


def _check_identical_includes(basis: Basis, specs: Sequence[TaskSpec]) -> None:
    owner: dict[Pair, str] = {}
    for spec in specs:
        for sel in spec.selection:
            if sel.action == "exclude":
                continue
            if sel.pair in owner and owner[sel.pair] != spec.name:
                raise ConfigError(
                    f"{basis.project}:migration: tasks {owner[sel.pair]} and {spec.name} both include "
                    f"{sel.schema}.{sel.table}",
                    key="migration",
                )
            owner[sel.pair] = spec.name
