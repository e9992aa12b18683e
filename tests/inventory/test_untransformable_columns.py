"""Columns DMS cannot transform (DMS User Guide, Transformation rules and actions: Limitations): a column mapped to
BLOB/CLOB supports no transformation but remove-column, and names holding # \\ / - none at all. The name map keeps
such a column as Oracle spells it (names.KEEPS_SOURCE_SPELLING); the DDL, the forward mapping and the reverse mapping
agree on that name, checked against a real PostgreSQL 15."""

from pathlib import Path

import pytest

from migration.dms import mappings
from migration.inventory.ddl import render_ddl
from migration.inventory.load import load_inventory
from migration.inventory.names import KEEPS_SOURCE_SPELLING, build_name_map
from migration.planning.naming import forward_renames, names_note, reverse_renames
from tests.dms_rules import Rules

COLUMNS = """\
"OWNER","TABLE_NAME","COLUMN_NAME","DATA_TYPE","DATA_LENGTH","DATA_PRECISION","DATA_SCALE","NULLABLE","CHAR_USED","CHAR_LENGTH"
"APP","SCANS","SCAN_ID","NUMBER",22,10,0,"N",,0
"APP","SCANS","ScanImage","BLOB",4000,,,"Y",,0
"APP","SCANS","NOTES","CLOB",4000,,,"Y",,0
"APP","SCANS","Caption","VARCHAR2",100,,,"Y","B",100
"APP","SCANS","A-B","NUMBER",22,5,0,"Y",,0
"APP","SCANS","X#1","VARCHAR2",10,,,"Y","B",10
"APP","SCANS","Raw/Doc","LONG RAW",0,,,"Y",,0
"""
TABLES = """\
"OWNER","TABLE_NAME","NUM_ROWS","BYTES","HAS_PRIMARY_KEY","HAS_UNIQUE_KEY","PARTITIONED"
"APP","SCANS",10,65536,"Y","N","NO"
"""
KEYS = """\
"OWNER","TABLE_NAME","CONSTRAINT_TYPE","COLUMN_NAME","POSITION","CONSTRAINT_NAME"
"APP","SCANS","P","SCAN_ID",1,"SCANS_PK"
"""
UNTRANSFORMABLE = {"ScanImage", "NOTES", "A-B", "X#1", "Raw/Doc"}
KEY = ("APP", "SCANS")


@pytest.fixture
def inv(tmp_path: Path):
    for name, text in (("columns", COLUMNS), ("tables", TABLES), ("keys", KEYS)):
        (tmp_path / f"{name}.csv").write_text(text, encoding="utf-8")
    return load_inventory(tmp_path / "columns.csv", tmp_path / "tables.csv", keys=tmp_path / "keys.csv")


def column_rules(doc: dict) -> list[dict]:
    return [r for r in doc["rules"] if r.get("rule-target") == "column"]


def test_lob_and_special_columns_keep_their_oracle_spelling(inv):
    names = build_name_map(inv)
    assert set(names.kept_verbatim(*KEY)) == UNTRANSFORMABLE
    assert {c: names.column(*KEY, c) for c in UNTRANSFORMABLE} == {c: c for c in UNTRANSFORMABLE}
    assert names.renamed_columns(*KEY) == {"Caption": "caption"}  # a mixed-case VARCHAR2 is renamed as before
    assert {c: names.oracle_column(*KEY, c) for c in UNTRANSFORMABLE} == {c: c for c in UNTRANSFORMABLE}


def test_no_mapping_names_a_lob_or_special_column_in_any_rule_but_remove_column(inv):
    names = build_name_map(inv)
    forward = mappings.build_forward_mappings(
        ["APP"],
        renames=forward_renames(names, [inv.tables[KEY]], set()),
        removed_columns=[mappings.ColumnRemoval("APP", "SCANS", "Raw/Doc")],
    )
    reverse = mappings.build_reverse_mappings({"app": "APP"}, renames=reverse_renames(names, [KEY], set()))
    for doc in (forward, reverse):
        named = [r for r in column_rules(doc) if r["object-locator"]["column-name"] in UNTRANSFORMABLE]
        assert {r["rule-action"] for r in named} <= {"remove-column"}
    assert [r["value"] for r in column_rules(forward) if r["rule-action"] == "rename"] == ["caption"]
    assert [r["value"] for r in column_rules(reverse) if r["rule-action"] == "rename"] == ["Caption"]


def test_the_plan_says_it_in_one_line_naming_the_columns(inv):
    names = build_name_map(inv)
    (line,) = [n for n in names_note(names, [KEY], "Oracle -> PostgreSQL") if "Oracle spelling" in n]
    assert line.startswith("names: 5 column(s) keep their Oracle spelling in PostgreSQL, quoted (APP.SCANS.ScanImage")
    assert KEEPS_SOURCE_SPELLING in line


def test_ddl_on_postgresql_has_the_names_both_mappings_use(inv, pg_server):
    names = build_name_map(inv)
    ddl = render_ddl(inv, names=names)
    assert f"-- APP.SCANS.NOTES: created as Oracle spells it: {KEEPS_SOURCE_SPELLING}" in ddl
    db = pg_server.create_database("test_untransformable_columns")
    pg_server.execute(ddl, dbname=db)
    with pg_server.connect(db) as conn:
        created = {
            r[0]
            for r in conn.execute(
                "SELECT column_name FROM information_schema.columns WHERE table_schema = 'app' AND table_name = 'scans'"
            ).fetchall()
        }
    forward = mappings.build_forward_mappings(["APP"], renames=forward_renames(names, [inv.tables[KEY]], set()))
    reverse = mappings.build_reverse_mappings({"app": "APP"}, renames=reverse_renames(names, [KEY], set()))
    table = inv.tables[KEY]
    fwd, back = Rules(forward), Rules(reverse)  # DMS's reading: no transformation but remove-column on a LOB column
    arrives = {c.name: fwd.column("APP", "SCANS", c.name, lob=c.name in table.lob_columns) for c in table.columns}
    assert set(arrives.values()) == created == {"scan_id", "ScanImage", "NOTES", "caption", "A-B", "X#1", "Raw/Doc"}
    # back: each PostgreSQL column lands on the Oracle column it came from
    home = {c: back.column("app", "scans", pg, lob=c in table.lob_columns) for c, pg in arrives.items()}
    assert home == {c: c for c in arrives}
