"""The loader reads a table's rows of columns.csv and keys.csv as runs (the export lists each table's rows
together) and stores each run on the table as tuples: a file that lists a table twice, as a hand-made one may,
loads the same as the sorted export, and a million tables hold no empty list or dict of their own."""

from pathlib import Path

import pytest

from migration.inventory.load import load_inventory
from migration.inventory.model import InventoryError

COLUMNS = "OWNER,TABLE_NAME,COLUMN_NAME,DATA_TYPE,DATA_LENGTH,DATA_PRECISION,DATA_SCALE,NULLABLE,CHAR_USED"
TABLES = ["OWNER,TABLE_NAME,NUM_ROWS,BYTES,HAS_PRIMARY_KEY", "APP,T1,10,8192,Y", "APP,T2,5,8192,N"]
KEYS = "OWNER,TABLE_NAME,CONSTRAINT_TYPE,COLUMN_NAME,POSITION,CONSTRAINT_NAME"
T1 = [f"APP,T1,{c},NUMBER,22,10,0,N," for c in "ABCD"]
T2 = ["APP,T2,X,NUMBER,22,10,0,N,", "APP,T2,Y,NUMBER,22,10,0,N,", "APP,T2,BODY,CLOB,4000,,,Y,"]


def _load(tmp_path: Path, columns: list[str], keys: list[str], lobs: list[str] | None = None):
    files = {"columns": [COLUMNS, *columns], "tables": TABLES, "keys": [KEYS, *keys]}
    if lobs is not None:
        files["lobs"] = ["OWNER,TABLE_NAME,COLUMN_NAME,MAX_BYTES", *lobs]
    for name, lines in files.items():
        (tmp_path / f"{name}.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    lobs_path = tmp_path / "lobs.csv" if lobs is not None else None
    return load_inventory(tmp_path / "columns.csv", tmp_path / "tables.csv", lobs_path, tmp_path / "keys.csv")


def _shape(inv) -> dict:
    return {
        key: ([c.name for c in t.columns], t.lob_columns, t.key_columns, t.unique_keys, t.has_unique_key)
        for key, t in inv.tables.items()
    }


SORTED_KEYS = ["APP,T1,P,A,1,T1_PK", "APP,T1,P,B,2,T1_PK", "APP,T2,U,X,1,T2_UK", "APP,T2,U,Y,2,T2_UK"]


def test_a_table_listed_twice_loads_as_the_sorted_export(tmp_path):
    # T1's primary key and T2's unique key are each split around the other table, the first half with a gap
    # (position 2 before 1): neither half is complete alone
    keys = ["APP,T1,P,B,2,T1_PK", "APP,T2,U,Y,2,T2_UK", "APP,T1,P,A,1,T1_PK", "APP,T2,U,X,1,T2_UK"]
    columns = [T1[0], T1[1], T2[0], T2[1], T1[2], T1[3], T2[2]]
    expected = _shape(_load(tmp_path, [*T1, *T2], SORTED_KEYS))
    assert _shape(_load(tmp_path, columns, keys)) == expected
    assert expected[("APP", "T1")][:3] == (["A", "B", "C", "D"], (), ("A", "B"))
    assert expected[("APP", "T2")][1:] == (("BODY",), ("X", "Y"), (("X", "Y"),), True)


def test_a_complete_key_listed_again_gains_the_later_rows(tmp_path):
    # T1's key is whole after its first run (position 1 alone); the second run adds position 2
    keys = ["APP,T1,P,A,1,T1_PK", "APP,T2,U,X,1,T2_UK", "APP,T1,P,B,2,T1_PK", "APP,T2,U,Y,2,T2_UK"]
    inv = _load(tmp_path, [*T1, *T2], keys)
    assert (inv.tables[("APP", "T1")].key_columns, inv.tables[("APP", "T2")].unique_keys) == (("A", "B"), (("X", "Y"),))


def test_errors_across_runs_still_name_the_line(tmp_path):
    # a key complete after its first run and broken by a later one: the line that lists the table again
    with pytest.raises(InventoryError, match=r"^keys.csv line 4: POSITION: APP.T1 key positions \[1, 3\] are not 1..2"):
        _load(tmp_path, [*T1, *T2], ["APP,T1,P,A,1,T1_PK", "APP,T2,U,X,1,T2_UK", "APP,T1,P,C,3,T1_PK"])
    with pytest.raises(InventoryError, match=r"^keys.csv line 4: POSITION: APP.T1 primary key has position 1 twice"):
        _load(tmp_path, [*T1, *T2], ["APP,T1,P,A,1,T1_PK", "APP,T2,U,X,1,T2_UK", "APP,T1,P,B,1,T1_PK"])
    with pytest.raises(InventoryError, match=r"^columns.csv line 5: COLUMN_NAME: duplicate column APP.T1.A"):
        _load(tmp_path, [T1[0], T1[1], T2[0], T1[0]], SORTED_KEYS)
    with pytest.raises(InventoryError, match=r"HAS_PRIMARY_KEY=Y but there are no P rows"):
        _load(tmp_path, [*T1, *T2], ["APP,T1,U,A,1,T1_UK", "APP,T2,U,X,1,T2_UK"])


def test_tables_hold_tuples_and_share_the_empty_ones(tmp_path):
    inv = _load(tmp_path, [*T1, *T2], SORTED_KEYS, lobs=["APP,T2,BODY,2048"])
    t1, t2 = inv.tables[("APP", "T1")], inv.tables[("APP", "T2")]
    for table in (t1, t2):
        assert all(type(getattr(table, a)) is tuple for a in ("columns", "lob_columns", "key_columns", "unique_keys"))
    assert t1.lob_columns is () and t1.unique_keys is ()  # noqa: F632 - the one shared empty tuple
    assert (dict(t1.lob_max_bytes), t2.lob_max_bytes) == ({}, {"BODY": 2048})
    with pytest.raises(TypeError):  # the shared empty measurements cannot be written through one table
        t1.lob_max_bytes["A"] = 1  # type: ignore[index]
    assert inv.tables[("APP", "T1")].lob_max_bytes is t1.lob_max_bytes
