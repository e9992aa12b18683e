"""The per-table steps of the inventory report: table problems before the columns', the row after them."""

from migration.cli.inventory import _table_problems, _table_row
from migration.inventory.model import Column, Table


def test_table_problems_key_then_name():
    t = Table("APP", "SELECT", 1, 1, False)
    assert _table_problems(t) == [
        "no primary or unique key: CDC cannot apply updates/deletes by key, validation and batch apply need one",
        "table SELECT is a PostgreSQL reserved word: it must be quoted",
    ]
    assert _table_problems(Table("APP", "ORDERS", 1, 1, True)) == []


def test_table_row_without_lobs():
    t = Table("APP", "ORDERS", 10, 8192, True, partitioned=True)
    problems = ["x"]
    row = _table_row(t, problems, lob=False, geometry=False)
    assert row == {
        "owner": "APP",
        "table": "ORDERS",
        "rows": 10,
        "bytes": 8192,
        "has_key": True,
        "partitioned": True,
        "lob_mode": None,
        "lob_bulk_max_size_kb": None,
        "lob_reason": None,
        "problems": ["x"],
    }
    assert row["problems"] is problems


def test_table_row_lob_and_geometry_problems_and_lob_choice():
    cols = [Column("APP", "GEO", "SHAPE", "SDO_GEOMETRY", 1, None, None, True, None)]
    t = Table("APP", "GEO", 1, 1, False, columns=cols, lob_columns=["SHAPE"])
    row = _table_row(t, [], lob=True, geometry=True)
    assert row["problems"] == [
        "LOB columns without a primary or unique key: DMS cannot look them up during CDC",
        "SDO_GEOMETRY needs a primary key and a unique key, else DMS skips the table",
    ]
    assert row["lob_mode"] == "unlimited"
    keyed = Table("APP", "GEO", 1, 1, True, has_unique_key=True, columns=cols, lob_columns=["SHAPE"])
    assert _table_row(keyed, [], lob=True, geometry=True)["problems"] == []
