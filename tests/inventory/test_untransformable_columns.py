"""Columns no DMS rule may transform (DMS User Guide, Transformation rules and actions: Limitations) and how the name
map, the DDL and both mappings agree on their PostgreSQL names:
- names holding # \\ / - keep their Oracle spelling (names.KEEPS_SOURCE_SPELLING);
- a LOB column takes no rule but remove-column and lands by the wildcard convert-lowercase fold (names.LOB_FOLD_ONLY):
  `NOTES` -> notes, `ScanImage` -> scanimage; a fold PostgreSQL cannot take is refused in one line.
Checked against a real PostgreSQL 15 and the DMS rule evaluator (tests/dms_rules.py)."""

from pathlib import Path

import pytest

from migration.dms import mappings
from migration.inventory.ddl import render_ddl
from migration.inventory.load import load_inventory
from migration.inventory.model import Column, Inventory, InventoryError, Table
from migration.inventory.names import KEEPS_SOURCE_SPELLING, LOB_FOLD_ONLY, build_name_map
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
SPECIAL = ["A-B", "X#1", "Raw/Doc"]  # Raw/Doc is a LONG RAW: its special characters win, it stays verbatim
LOBS = {"ScanImage": "scanimage", "NOTES": "notes"}
KEY = ("APP", "SCANS")


@pytest.fixture
def inv(tmp_path: Path):
    for name, text in (("columns", COLUMNS), ("tables", TABLES), ("keys", KEYS)):
        (tmp_path / f"{name}.csv").write_text(text, encoding="utf-8")
    return load_inventory(tmp_path / "columns.csv", tmp_path / "tables.csv", keys=tmp_path / "keys.csv")


def column_rules(doc: dict) -> list[dict]:
    return [r for r in doc["rules"] if r.get("rule-target") == "column"]


def test_lob_columns_take_the_fold_and_special_names_stay_verbatim(inv):
    names = build_name_map(inv)
    assert {c: names.column(*KEY, c) for c in LOBS} == LOBS
    assert {c: names.column(*KEY, c) for c in SPECIAL} == {c: c for c in SPECIAL}
    assert names.kept_verbatim(*KEY) == SPECIAL
    assert names.folded_lobs(*KEY) == ["ScanImage"]  # NOTES is plain upper case: the fold carries it both ways
    assert names.renamed_columns(*KEY) == {"Caption": "caption"}  # a mixed-case VARCHAR2 is renamed as before


def test_no_mapping_names_a_lob_or_special_column_but_to_remove_it(inv):
    names = build_name_map(inv)
    forward = mappings.build_forward_mappings(
        ["APP"],
        renames=forward_renames(names, [inv.tables[KEY]], set()),
        removed_columns=[mappings.ColumnRemoval("APP", "SCANS", "Raw/Doc")],
    )
    reverse = mappings.build_reverse_mappings({"app": "APP"}, renames=reverse_renames(names, [KEY], set()))
    for doc in (forward, reverse):
        named = [r for r in column_rules(doc) if r["object-locator"]["column-name"] in {*LOBS, *LOBS.values()}]
        assert named == []
        assert [r["rule-action"] for r in column_rules(doc) if r["object-locator"]["column-name"] in SPECIAL] in (
            [],
            ["remove-column"],
        )
    assert [r["value"] for r in column_rules(forward) if r["rule-action"] == "rename"] == ["caption"]
    assert [r["value"] for r in column_rules(reverse) if r["rule-action"] == "rename"] == ["Caption"]


def test_the_plan_says_it_in_one_line_naming_what_matters(inv):
    names = build_name_map(inv)
    (line,) = [n for n in names_note(names, [KEY], "Oracle -> PostgreSQL") if "wildcard" in n]
    assert line == (
        "names: 3 column(s) keep their Oracle spelling, quoted, as DMS transforms no name holding # \\ / or - "
        "(APP.SCANS.A-B, APP.SCANS.X#1, APP.SCANS.Raw/Doc); 1 mixed-case LOB column(s) land by the wildcard "
        "convert-lowercase alone, as DMS supports no rule on a LOB column but remove-column (APP.SCANS.ScanImage -> "
        "scanimage): this relies on the wildcard behaviour of the AWS Knowledge Center Oracle -> PostgreSQL lowercase "
        "setup; check one such table in the first test load"
    )
    assert "NOTES" not in line  # a plain upper-case LOB column is not news


def test_ddl_on_postgresql_has_the_names_the_forward_mapping_writes(inv, pg_server):
    names = build_name_map(inv)
    ddl = render_ddl(inv, names=names)
    assert f"-- APP.SCANS.ScanImage: created as scanimage, no rule of its own: {LOB_FOLD_ONLY}" in ddl
    assert f"-- APP.SCANS.A-B: created as Oracle spells it: {KEEPS_SOURCE_SPELLING}" in ddl
    assert "-- APP.SCANS.NOTES" not in ddl and "    notes text,\n" in ddl
    db = pg_server.database("test_untransformable_columns", ddl)
    with pg_server.connect(db) as conn:
        created = {
            r[0]
            for r in conn.execute(
                "SELECT column_name FROM information_schema.columns WHERE table_schema = 'app' AND table_name = 'scans'"
            ).fetchall()
        }
        conn.execute("SELECT notes, scanimage, caption FROM app.scans")  # unquoted, as applications write them
    forward = mappings.build_forward_mappings(["APP"], renames=forward_renames(names, [inv.tables[KEY]], set()))
    reverse = mappings.build_reverse_mappings({"app": "APP"}, renames=reverse_renames(names, [KEY], set()))
    table = inv.tables[KEY]
    fwd, back = Rules(forward), Rules(reverse)  # asserts no rule but remove-column names a LOB column explicitly
    arrives = {c.name: fwd.column("APP", "SCANS", c.name, lob=c.name in table.lob_columns) for c in table.columns}
    assert set(arrives.values()) == created == {"scan_id", "scanimage", "notes", "caption", "A-B", "X#1", "Raw/Doc"}
    home = {c: back.column("app", "scans", pg, lob=c in table.lob_columns) for c, pg in arrives.items()}
    # every column finds its way back but the mixed-case LOB: why a plan with the fallback on refuses it
    assert home == {c: c for c in arrives} | {"ScanImage": "SCANIMAGE"}


def lob_table(*columns: tuple[str, str]) -> Inventory:
    cols = [Column("APP", "T", c, t, 4000, None, None, True, None) for c, t in [("ID", "NUMBER"), *columns]]
    lobs = [c for c, t in columns if t in ("CLOB", "BLOB")]
    return Inventory({("APP", "T"): Table("APP", "T", 1, 1, True, columns=cols, key_columns=["ID"], lob_columns=lobs)})


LONG = "NOTES_OF_THE_ITEM_AS_ENTERED_BY_THE_CUSTOMER_IN_THE_ORDER_FORM_XYZ"  # 66 bytes
WAY_OUT = (
    "and DMS supports no rule on a LOB column but remove-column: rename it in Oracle, or leave the table out with "
    "migration.exclude"
)


@pytest.mark.parametrize(
    "columns, message",
    [
        (
            [("XMIN", "CLOB")],
            "APP.T.XMIN: a LOB column whose wildcard fold xmin is a PostgreSQL system column name, "
            "which CREATE TABLE refuses, ",
        ),
        (
            [(LONG, "BLOB")],
            f"APP.T.{LONG}: a LOB column whose wildcard fold {LONG.lower()} is longer than 63 bytes, "
            "which PostgreSQL would cut, ",
        ),
        (
            [("Notes", "VARCHAR2"), ("NOTES", "CLOB")],
            "APP.T.NOTES: a LOB column whose wildcard fold notes is also where APP.T.Notes lands, ",
        ),
    ],
)
def test_a_lob_fold_postgresql_cannot_take_is_refused_in_one_line(columns, message):
    """Before: XMIN and the long name were renamed to a hashed name, a rule DMS does not support on a LOB column."""
    inv = lob_table(*columns)
    names = build_name_map(inv)
    assert [c.message() for c in names.conflicts] == [message + WAY_OUT]
    with pytest.raises(InventoryError, match="^APP.T."):
        render_ddl(inv, names=names)
