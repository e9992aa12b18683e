"""The name map: one PostgreSQL name per Oracle object, its exact inverse, short names and collisions."""

import random

import pytest

from migration.inventory.model import Column, Inventory, Table
from migration.inventory.names import (
    build_name_map,
    is_plain,
    is_plain_column,
    quote_oracle,
    quote_postgres,
    shortened,
)

LONG = "DESCRIPTION_OF_THE_ITEM_AS_ENTERED_BY_THE_CUSTOMER_IN_THE_ORDER_FORM_X"  # 70 bytes


def table(owner: str, name: str, *columns: str) -> Table:
    cols = [Column(owner, name, c, "NUMBER", 22, 5, 0, True, None) for c in columns]
    return Table(owner, name, 1, 1, True, columns=cols)


def inventory(*tables: Table) -> Inventory:
    return Inventory({(t.owner, t.name): t for t in tables})


def test_plain_names_fold_and_store_nothing():
    names = build_name_map(inventory(table("APP", "ORDERS", "ORDER_ID", "EMP#NO_X", "TOTAL")))
    assert names.schemas == {"APP": "app"}
    assert (names.table("APP", "ORDERS"), names.column("APP", "ORDERS", "ORDER_ID")) == ("orders", "order_id")
    assert names.oracle_table("app", "orders") == ("APP", "ORDERS")
    assert names.oracle_column("APP", "ORDERS", "total") == "TOTAL"
    assert names.tables == {} and names.conflicts == []
    # a column holding # is kept as Oracle spells it (DMS cannot transform it); nothing else of the table is stored
    assert names.columns == {("APP", "ORDERS"): {"EMP#NO_X": "EMP#NO_X"}}
    assert names.kept_verbatim("APP", "ORDERS") == ["EMP#NO_X"] and names.renamed_columns("APP", "ORDERS") == {}


def test_mixed_case_and_reserved_names_get_lower_case_names_and_come_back_exactly():
    names = build_name_map(inventory(table("SHOP", "OrderLines", "ID", "CustomerName", "select")))
    assert names.table("SHOP", "OrderLines") == "orderlines"
    assert names.renamed_columns("SHOP", "OrderLines") == {"CustomerName": "customername", "select": "select"}
    assert names.oracle_table("shop", "orderlines") == ("SHOP", "OrderLines")
    assert [names.oracle_column("SHOP", "OrderLines", c) for c in ("id", "customername", "select")] == [
        "ID",
        "CustomerName",
        "select",
    ]
    assert quote_postgres("select") == '"select"' and quote_postgres("customername") == "customername"


def test_long_names_get_deterministic_short_names_that_round_trip():
    cols = [LONG, LONG[:-1] + "Y", "X" * 63 + "A", "X" * 63 + "B", "ID"]
    first = build_name_map(inventory(table("APP", "T", *cols)))
    shuffled = list(cols)
    random.Random(7).shuffle(shuffled)
    second = build_name_map(inventory(table("APP", "T", *shuffled)))
    assert first.columns == second.columns  # file order does not change a name
    pg = [first.column("APP", "T", c) for c in cols]
    assert len(set(pg)) == len(pg)
    for oracle, name in zip(cols, pg, strict=True):
        assert len(name.encode()) <= 63
        assert first.oracle_column("APP", "T", name) == oracle
    assert pg[0] == LONG.lower()[:54] + "_" + pg[0][-8:]


def test_a_short_name_already_taken_is_hashed_again():
    taken = shortened(LONG.lower(), LONG)  # a (quoted, lower-case) Oracle column spelled like the short name
    names = build_name_map(inventory(table("APP", "T", taken, LONG)))
    assert names.column("APP", "T", taken) == taken
    other = names.column("APP", "T", LONG)
    assert other != taken and other == shortened(LONG.lower(), LONG, 1) and len(other) == 63
    assert names.conflicts == []


def test_long_table_names_are_unique_in_their_schema():
    a, b = "T" * 70 + "A", "T" * 70 + "B"
    names = build_name_map(inventory(table("APP", a, "ID"), table("APP", b, "ID")))
    assert names.table("APP", a) != names.table("APP", b)
    assert names.oracle_table("app", names.table("APP", b)) == ("APP", b)


def test_case_collisions_are_conflicts_naming_both():
    names = build_name_map(
        inventory(
            table("SHOP", "Customers", "ID"),
            table("SHOP", "CUSTOMERS", "ID", "Name", "NAME"),
            table("SHOP", "EVENTS", "ID"),
        )
    )
    assert [c.message() for c in names.conflicts] == [
        "SHOP.Customers and SHOP.CUSTOMERS both become shop.customers in PostgreSQL (names fold to lower case); "
        "rename one in Oracle or leave one out",
        "SHOP.CUSTOMERS.Name and SHOP.CUSTOMERS.NAME both become shop.customers.name in PostgreSQL (names fold to "
        "lower case); rename one in Oracle or leave one out",
    ]
    assert names.conflicts_among([("SHOP", "EVENTS")]) == []
    assert [c.first for c in names.conflicts_among([("SHOP", "CUSTOMERS")])] == ["SHOP.CUSTOMERS.Name"]
    assert len(names.conflicts_among([("SHOP", "CUSTOMERS"), ("SHOP", "Customers")])) == 2


def test_schema_renames_and_shared_schemas():
    inv = inventory(table("APP", "T", "ID"), table("HR", "T", "ID"))
    assert build_name_map(inv, {"APP": "core"}).schemas == {"APP": "core", "HR": "hr"}
    shared = build_name_map(inv, {"APP": "one", "HR": "one"})
    assert [c.message() for c in shared.conflicts][0].startswith("schema APP and schema HR both become schema one")
    assert build_name_map(inv, owners=["HR"]).all_tables() == [("HR", "T")]


def test_a_long_name_dms_cannot_transform_is_a_conflict():
    names = build_name_map(inventory(table("APP", "T", "A#" + "B" * 70)))
    assert names.conflicts[0].message() == (
        f"APP.T.A#{'B' * 70}: longer than 63 bytes and DMS cannot rename a column holding # \\ / or -: rename it "
        "in Oracle or leave it out"
    )


@pytest.mark.parametrize(
    ("name", "plain", "plain_column"),
    [
        ("ORDERS", True, True),
        ("ORDER LINES", True, True),
        ("EMP#", True, False),
        ("A-B", True, False),
        ("OrderLines", False, False),
        ("ÄPFEL", False, False),
        ("X" * 63, True, True),
        ("X" * 64, False, False),
    ],
)
def test_what_is_plain(name, plain, plain_column):
    assert (is_plain(name), is_plain_column(name)) == (plain, plain_column)


def test_oracle_quoting():
    assert [quote_oracle(n) for n in ("EVENTS", "EventLog", "LEVEL", "EMP#", "order lines", 'A"B')] == [
        "EVENTS",
        '"EventLog"',
        '"LEVEL"',
        "EMP#",
        '"order lines"',
        '"A""B"',
    ]
