"""The stack's Oracle inventory: read from the files `oracle2pg:inventory` names, and the tables the stack selects."""

from __future__ import annotations

from pathlib import Path
from typing import Sequence

from migration.config import ConfigError, Stack
from migration.inventory.load import Named, load_inventory
from migration.inventory.load_objects import load_objects
from migration.inventory.model import Inventory, InventoryError, Table
from migration.inventory.objects import OBJECT_FILES, SchemaObjects
from migration.planning.selection import matches


def load_stack_inventory(stack: Stack) -> Inventory | None:
    """The stack's Oracle inventory, or None when the stack has none configured. Reads the files each call: the
    design (migration.planning.design.resolve) reads it once per run and hands it on."""
    inv_cfg = stack.config.inventory
    if inv_cfg is None:
        return None
    root = Path(stack.root)
    paths = {
        k: (Named(root / v, v) if v else None)  # errors name each file as the stack file does
        for k, v in (
            ("columns", inv_cfg.columns),
            ("tables", inv_cfg.tables),
            ("lobs", inv_cfg.lobs),
            ("keys", inv_cfg.keys),
        )
    }
    for name, path in paths.items():
        if path is not None and not path.path.exists():  # named as the stack file names it (relative to the project)
            given = getattr(inv_cfg, name)
            raise ConfigError(f"{stack.project}:inventory.{name}: file not found: {given}", key=f"inventory.{name}")
    try:
        columns, tables = Named(root / inv_cfg.columns, inv_cfg.columns), Named(root / inv_cfg.tables, inv_cfg.tables)
        return load_inventory(columns, tables, paths["lobs"], paths["keys"])
    except InventoryError as exc:
        raise ConfigError(f"{stack.project}:inventory: {exc}", key="inventory") from None


def load_stack_objects(stack: Stack, inv: Inventory) -> SchemaObjects:
    """The schema-object exports the stack's `inventory` names (sequences, indexes, ...), next to its inventory;
    the ones it does not name are in `missing`."""
    inv_cfg = stack.config.inventory
    assert inv_cfg is not None  # only called with the inventory loaded from it
    root = Path(stack.root)
    paths = {k: (Named(root / v, v) if (v := getattr(inv_cfg, k)) else None) for k in OBJECT_FILES}
    for name, path in paths.items():
        if path is not None and not path.path.exists():
            key = f"inventory.{_camel(name)}"
            raise ConfigError(f"{stack.project}:{key}: file not found: {getattr(inv_cfg, name)}", key=key)
    try:
        return load_objects(inv, paths)
    except InventoryError as exc:
        raise ConfigError(f"{stack.project}:inventory: {exc}", key="inventory") from None


def _camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(w.title() for w in rest)


def selected_tables(stack: Stack, inv: Inventory, include: Sequence[str], exclude: Sequence[str]) -> list[Table]:
    """The inventory tables of the stack's schemas that the include patterns pick and the exclude patterns leave."""
    schemas = set(stack.config.migration.schemas)
    return [
        t
        for t in inv.tables.values()
        if t.owner in schemas and matches(include, t.owner, t.name) and not matches(exclude, t.owner, t.name)
    ]
