"""Checks of the planner inputs that the stack config does not validate.

The config model (migration.config) validates windowHours, the instance class, throughput,
maxTablesPerTask, capacity.instances and the shape of keyRanges and groups once; the planner checks only what
needs the inventory (tables, the tables keyRanges name) or is a planner-only argument (max_tasks). The group
names are checked where the groups are bundled (split.bundles)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from migration.dms.limits import MAX_TASKS_PER_INSTANCE
from migration.planning.planner.model import PlannerError, TableLike
from migration.planning.planner.parallel import integer_key
from migration.planning.planner.records import Tab


def check_tables(tables: object) -> list[TableLike]:
    """The tables as a list: non-empty, each with an owner, a name and sizes, none twice."""
    if isinstance(tables, (str, bytes, Mapping)) or not isinstance(tables, Iterable):
        hint = " (pass inventory.tables.values())" if isinstance(tables, Mapping) else ""
        raise PlannerError("tables", f" must be a list of inventory tables, got {type(tables).__name__}{hint}")
    tables = list(tables)
    if not tables:
        raise PlannerError("tables", " is empty: the inventory selected no tables to migrate")
    seen: set[tuple[str, str]] = set()
    for i, t in enumerate(tables):
        owner, name = getattr(t, "owner", None), getattr(t, "name", None)
        if not isinstance(owner, str) or not owner or not isinstance(name, str) or not name:
            raise PlannerError("tables", f"[{i}]: owner and name must be non-empty strings, got {owner!r}.{name!r}")
        for attr in ("bytes", "num_rows"):
            v = getattr(t, attr, None)
            if isinstance(v, bool) or not isinstance(v, int) or v < 0:
                raise PlannerError("tables", f"[{i}] {owner}.{name}: {attr} must be an integer >= 0, got {v!r}")
        if (owner, name) in seen:
            raise PlannerError("tables", f"[{i}]: {owner}.{name} appears twice in the inventory")
        seen.add((owner, name))
    return tables


def check_max_tasks(max_tasks: object) -> int:
    """The task budget per instance: DMS's quota unless the caller asks for fewer."""
    if max_tasks is None:
        return MAX_TASKS_PER_INSTANCE
    if isinstance(max_tasks, bool) or not isinstance(max_tasks, int) or not 1 <= max_tasks <= MAX_TASKS_PER_INSTANCE:
        raise PlannerError(
            "max_tasks",
            f" must be an integer 1..{MAX_TASKS_PER_INSTANCE} (DMS quota: 200 tasks per replication instance), "
            f"got {max_tasks!r}",
        )
    return max_tasks


def check_ranges(
    key_ranges: Mapping[str, tuple[int | float, int | float]] | None, by_label: Mapping[str, Tab]
) -> dict[str, tuple[int | float, int | float]]:
    """Key bounds per table label: the table must be in the inventory and have one integer key column."""
    out: dict[str, tuple[int | float, int | float]] = {}
    for label, pair in (key_ranges or {}).items():
        tab = by_label.get(label) if isinstance(label, str) else None
        if tab is None:
            raise PlannerError("key_ranges", f": unknown table {label!r}; use OWNER.TABLE exactly as in the inventory")
        if integer_key(tab.src) is None:
            raise PlannerError(
                "key_ranges",
                f"[{label!r}]: ranges need a single NUMBER(p,0)/INTEGER key column, table has key "
                f"columns {list(tab.src.key_columns)}",
            )
        out[label] = (pair[0], pair[1])
    return out
