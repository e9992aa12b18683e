"""The way back: evaluate the generated forward and reverse table mappings the way DMS reads them (tests/dms_rules.py)
and show that every column that goes forward comes back under its exact Oracle name, into the Oracle table it
came from, with the LOB settings it went forward with; and that nothing else comes back."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from migration.config import Stack
from migration.config.stackfile import read_stack_file
from migration.dms.mappings import Rename, build_forward_mappings, build_reverse_mappings
from migration.inventory.model import Column, Inventory, Table
from migration.inventory.names import build_name_map
from migration.planning.design import resolve
from migration.planning.naming import stack_names
from migration.planning.stack_inventory import load_stack_inventory
from tests.dms_rules import Rules

ROOT = Path(__file__).resolve().parents[2]
SHOP = ROOT / "tests" / "data" / "shop"


@dataclass
class Trip:
    tables: int = 0
    columns: int = 0
    lob_tables: int = 0
    mismatches: list[str] = field(default_factory=list)

    @property
    def objects(self) -> int:
        return self.tables + self.columns


def round_trip(stack: Stack) -> Trip:
    specs = resolve(stack).tasks
    forward = [Rules(s.mappings) for s in specs if s.direction == "forward" and s.name != "validate"]
    (reverse_spec,) = [s for s in specs if s.direction == "reverse"]
    back = Rules(reverse_spec.mappings)
    inv = load_stack_inventory(stack)
    assert inv is not None
    names = stack_names(stack, inv)
    trip = Trip()
    moved: set[tuple[str, str]] = set()
    for (owner, name), table in inv.tables.items():
        if owner not in stack.config.migration.schemas:
            continue
        movers = [f for f in forward if f.selects(owner, name)]
        assert len(movers) <= 1, f"{owner}.{name} is moved by {len(movers)} tasks"
        if movers:
            moved.add(_check_table(movers[0], back, names, table, trip))
    for owner, name in inv.tables:  # what did not go forward must not come back
        pg = (names.schema(owner), names.table(owner, name))
        if owner in stack.config.migration.schemas and pg not in moved and back.selects(*pg):
            trip.mismatches.append(f"{pg[0]}.{pg[1]} comes back but never went forward")
    return trip


def _check_table(fwd: Rules, back: Rules, names, table: Table, trip: Trip) -> tuple[str, str]:
    owner, name = table.owner, table.name
    pg = (fwd.schema(owner), fwd.table(owner, name))
    trip.tables += 1
    if pg != (names.schema(owner), names.table(owner, name)):
        trip.mismatches.append(f"{owner}.{name} lands in {pg}, the DDL creates {names.table(owner, name)}")
    if not back.selects(*pg):
        trip.mismatches.append(f"{owner}.{name}: the reverse task does not select {pg[0]}.{pg[1]}")
    if (back.schema(pg[0]), back.table(*pg)) != (owner, name):
        trip.mismatches.append(f"{owner}.{name} comes back as {back.schema(pg[0])}.{back.table(*pg)}")
    for col in table.columns:
        lob = col.name in table.lob_columns  # DMS transforms a LOB column only by removing it
        pg_col = fwd.column(owner, name, col.name, lob=lob)
        if pg_col is None:  # removed forward (a type DMS cannot move)
            continue
        trip.columns += 1
        if pg_col != names.column(owner, name, col.name):
            trip.mismatches.append(f"{owner}.{name}.{col.name} lands as {pg_col}, the DDL creates another name")
        home = back.column(pg[0], pg[1], pg_col, lob=lob)
        if home != col.name:
            trip.mismatches.append(f"{owner}.{name}.{col.name} comes back as {home}")
    lob = fwd.table_settings(owner, name).get("lob-settings")
    if lob is not None:
        trip.lob_tables += 1
        came_back = back.table_settings(*pg).get("lob-settings") or {}
        size, returned = int(lob["bulk-max-size"]), int(came_back.get("bulk-max-size", -1))
        if came_back.get("mode") != lob["mode"] or (lob["mode"] == "limited" and returned < size):
            trip.mismatches.append(f"{owner}.{name}: LOBs go forward as {lob}, come back as {came_back or 'default'}")
    return pg


def shop(*overrides: str) -> Stack:
    return read_stack_file(SHOP, "shop", ["phase=cutover", *overrides]).load()


def test_shop_round_trip_one_task():
    trip = round_trip(shop())
    # 9 tables (11 less the 2 the stack excludes for their name collisions), 31 columns (32 less the BFILE one the
    # task removes), 4 LOB tables (limited 15360 KB, full LOB mode, limited 120 KB, LONG limited 64 KB)
    assert (trip.tables, trip.columns, trip.lob_tables, trip.mismatches) == (9, 31, 4, [])


def test_shop_round_trip_planned_tasks():
    trip = round_trip(shop("sizing.mode=auto", "sizing.windowHours=6"))
    assert (trip.tables, trip.columns, trip.lob_tables, trip.mismatches) == (9, 31, 4, [])


def test_prod_round_trip():
    trip = round_trip(read_stack_file(ROOT, "prod", ["phase=cutover"]).load())
    # 59 columns: APP.AUDIT_LOG.DETAILS, a LOB of a key-less table, does not go forward (DMS moves LOBs only for
    # keyed tables), so it is not expected back either.
    assert (trip.tables, trip.objects, trip.mismatches) == (8, 8 + 59, [])


def test_the_old_reverse_mapping_fails_the_round_trip():
    """The evaluator is not a rubber stamp: the reverse document without the inventory's renames sends "OrderLines"
    back as ORDERLINES and "select" as SELECT."""
    stack = shop()
    specs = resolve(stack).tasks
    (rev,) = [s for s in specs if s.direction == "reverse"]
    renames = ("table", "column")
    rules = [r for r in rev.mappings["rules"] if r.get("rule-action") != "rename" or r["rule-target"] not in renames]
    back = Rules({"rules": rules})
    assert back.table("shop", "orderlines") == "ORDERLINES"
    assert back.column("shop", "orderlines", "select") == "SELECT"
    assert Rules(rev.mappings).table("shop", "orderlines") == "OrderLines"
    assert Rules(rev.mappings).column("shop", "orderlines", "select") == "select"


# ------------------------------------------------------------------------------------ schemas not seen before


_WORDS = ["order", "Order", "SELECT", "select", "user", "Level", "data", "X" * 70, "Ä", "a b", "EMP#", "CODE"]


def _random_name(rng: random.Random) -> str:
    parts = rng.sample(_WORDS, rng.randint(1, 3))
    name = "_".join(parts)
    return name.upper() if rng.random() < 0.5 else name


def _random_inventory(seed: int, n_tables: int = 120) -> Inventory:
    rng = random.Random(seed)
    tables: dict[tuple[str, str], Table] = {}
    while len(tables) < n_tables:
        name = _random_name(rng) + str(rng.randint(0, 30))
        cols = list(dict.fromkeys(_random_name(rng) for _ in range(rng.randint(1, 8))))
        columns = [Column("APP", name, c, "NUMBER", 22, 9, 0, True, None) for c in cols]
        tables.setdefault(("APP", name), Table("APP", name, 1, 1, True, columns=columns))
    return Inventory(tables)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_random_schemas_round_trip_once_conflicts_are_left_out(seed):
    inv = _random_inventory(seed)
    names = build_name_map(inv)
    dropped = {t for c in names.conflicts for t in c.tables}
    kept = [t for k, t in inv.tables.items() if k not in dropped]
    renames = [
        Rename("APP", t.name, None, names.tables[(t.owner, t.name)]) for t in kept if (t.owner, t.name) in names.tables
    ]
    renames += [Rename("APP", t.name, c, p) for t in kept for c, p in names.renamed_columns(t.owner, t.name).items()]
    back = [
        Rename("app", names.table(t.owner, t.name), None, t.name) for t in kept if (t.owner, t.name) in names.tables
    ]
    back += [
        Rename("app", names.table(t.owner, t.name), p, c)
        for t in kept
        for c, p in names.renamed_columns(t.owner, t.name).items()
    ]
    fwd = Rules(build_forward_mappings(["APP"], explicit_tables=[(t.owner, t.name) for t in kept], renames=renames))
    rev = Rules(build_reverse_mappings({"app": "APP"}, renames=back))
    checked = mismatches = 0
    for t in kept:
        pg_table = fwd.table("APP", t.name)
        checked += 1
        mismatches += rev.table("app", pg_table) != t.name or len(pg_table.encode()) > 63
        for c in t.columns:
            pg_col = fwd.column("APP", t.name, c.name)
            assert pg_col is not None
            checked += 1
            mismatches += rev.column("app", pg_table, pg_col) != c.name or len(pg_col.encode()) > 63
    assert checked > 400 and mismatches == 0
