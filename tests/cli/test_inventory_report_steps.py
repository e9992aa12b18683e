"""The per-table part of the inventory report, through `build_report`: the table's own problems (key, name) come
before its columns' problems, and the LOB problems and LOB choice, which need every column seen, after them."""

from typing import Any

from migration.cli.inventory import build_report
from migration.inventory.model import Column, Inventory, Table

NO_KEY = "no primary or unique key: CDC cannot apply updates/deletes by key, validation and batch apply need one"


def table_rows(*tables: Table) -> list[dict[str, Any]]:
    return build_report(Inventory({(t.owner, t.name): t for t in tables}))["tables"]


def number(table: str, name: str) -> Column:
    return Column("APP", table, name, "NUMBER", 22, 10, 0, False, None)


def test_table_problems_key_then_name_then_columns():
    select = Table("APP", "SELECT", 1, 1, False, columns=[number("SELECT", "ID"), number("SELECT", "FROM")])
    orders = Table("APP", "ORDERS", 1, 1, True, columns=[number("ORDERS", "ID")])
    rows = table_rows(select, orders)
    assert rows[0]["problems"] == [
        NO_KEY,
        "table SELECT is a PostgreSQL reserved word: it must be quoted",
        "column FROM is a PostgreSQL reserved word: it must be quoted",
    ]
    assert rows[1]["problems"] == []


def test_table_row_without_lobs():
    t = Table("APP", "ORDERS", 10, 8192, True, partitioned=True, columns=[number("ORDERS", "ID")])
    assert table_rows(t) == [
        {
            "owner": "APP",
            "table": "ORDERS",
            "rows": 10,
            "bytes": 8192,
            "has_key": True,
            "partitioned": True,
            "lob_mode": None,
            "lob_bulk_max_size_kb": None,
            "lob_reason": None,
            "problems": [],
            "postgres_table": "app.orders",
        }
    ]


def test_table_row_lob_and_geometry_problems_and_lob_choice():
    cols = [Column("APP", "GEO", "SHAPE", "SDO_GEOMETRY", 1, None, None, True, None)]
    (row,) = table_rows(Table("APP", "GEO", 1, 1, False, columns=cols, lob_columns=["SHAPE"]))
    assert row["problems"] == [
        NO_KEY,
        "LOB columns without a primary or unique key: DMS cannot look them up during CDC",
        "SDO_GEOMETRY needs a primary key and a unique key, else DMS skips the table",
    ]
    assert (row["lob_mode"], row["lob_bulk_max_size_kb"]) == ("unlimited", 0)
    assert row["lob_reason"] == "SDO_GEOMETRY in SHAPE needs full LOB mode -> unlimited"
    keyed = Table("APP", "GEO", 1, 1, True, has_unique_key=True, columns=cols, lob_columns=["SHAPE"])
    assert table_rows(keyed)[0]["problems"] == []
    only_pk = Table("APP", "GEO", 1, 1, True, columns=cols, lob_columns=["SHAPE"])
    assert table_rows(only_pk)[0]["problems"] == [
        "SDO_GEOMETRY needs a primary key and a unique key, else DMS skips the table"
    ]
