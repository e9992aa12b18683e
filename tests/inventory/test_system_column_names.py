"""Oracle columns that fold to a PostgreSQL system column name (PostgreSQL 15 documentation, System Columns):
CREATE TABLE refuses them, so the name map gives them a hash-suffixed name (the scheme of over-long names) with a
rename rule both ways; checked by applying the DDL to a real PostgreSQL 15."""

from migration.dms import mappings
from migration.inventory.ddl import render_ddl
from migration.inventory.model import Column, Inventory, Table
from migration.inventory.names import PG_SYSTEM_COLUMNS, build_name_map, shortened
from migration.planning.naming import forward_renames, names_note, reverse_renames
from tests.dms_rules import Rules

SYSTEM = ["CTID", "Xmin", "XMAX", "CMIN", "CMAX", "TABLEOID"]
KEY = ("APP", "EVENTS")


def events() -> Inventory:
    cols = [Column("APP", "EVENTS", c, "NUMBER", 22, 10, 0, c == "ID", None) for c in ["ID", "OID", *SYSTEM]]
    return Inventory({KEY: Table("APP", "EVENTS", 1, 1, True, columns=cols, key_columns=["ID"])})


def test_system_column_names_get_a_hashed_name_and_come_back():
    names = build_name_map(events())
    assert {c: names.column(*KEY, c) for c in SYSTEM} == {c: shortened(c.lower(), c) for c in SYSTEM}
    assert all(names.column(*KEY, c) not in PG_SYSTEM_COLUMNS for c in SYSTEM)
    assert names.column(*KEY, "OID") == "oid"  # not a system column since PostgreSQL 12
    assert {names.oracle_column(*KEY, names.column(*KEY, c)) for c in SYSTEM} == set(SYSTEM)
    (line,) = [n for n in names_note(names, [KEY], "Oracle -> PostgreSQL") if "system column" in n]
    assert line.startswith("names: 6 column(s) fold to a PostgreSQL system column name, which CREATE TABLE refuses")


def test_the_ddl_applies_and_both_mappings_use_its_names(pg_server):
    inv = events()
    names = build_name_map(inv)
    ddl = render_ddl(inv, names=names)
    db = pg_server.create_database("test_system_column_names")
    pg_server.execute(ddl, dbname=db)  # today: column name "ctid" conflicts with a system column name
    with pg_server.connect(db) as conn:
        created = {
            r[0]
            for r in conn.execute(
                "SELECT column_name FROM information_schema.columns WHERE table_schema = 'app' AND table_name = 'events'"
            ).fetchall()
        }
    fwd = Rules(mappings.build_forward_mappings(["APP"], renames=forward_renames(names, [inv.tables[KEY]], set())))
    back = Rules(mappings.build_reverse_mappings({"app": "APP"}, renames=reverse_renames(names, [KEY], set())))
    arrives = {c.name: fwd.column("APP", "EVENTS", c.name) for c in inv.tables[KEY].columns}
    assert set(arrives.values()) == created
    assert {c: back.column("app", "events", pg) for c, pg in arrives.items()} == {c: c for c in arrives}
