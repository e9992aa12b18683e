"""The DDL parts through a forward CDC on a real PostgreSQL 15 (DBA trial of issue 21): NOT NULL LOB columns stay
nullable until cutover, since DMS inserts a row and writes its LOB after it in CDC whatever the LOB mode;
interval-partitioned tables get their next partitions ahead and the cutover part finds rows past them."""

import shutil
from pathlib import Path

import psycopg
import pytest

from migration.inventory.ddl_partitions import default_partition_check
from migration.inventory.ddl_parts import render_ddl_part
from migration.inventory.ddl_scope import scope
from migration.inventory.load import load_inventory
from migration.inventory.load_objects import load_objects
from migration.inventory.lobs import choose_lob_mode
from migration.inventory.objects import OBJECT_FILES

HOSPITAL = Path(__file__).resolve().parents[1] / "data" / "hospital"

# The hospital export, edited: WARDS gets a NOT NULL CLOB measured at 4 KB (limited LOB mode).
EDITS = {
    "columns.csv": [
        (
            '"HOSP","WARDS","CAPACITY","NUMBER",22,4,0,"N","",""\n',
            '"HOSP","WARDS","CAPACITY","NUMBER",22,4,0,"N","",""\n'
            '"HOSP","WARDS","SUMMARY","CLOB",4000,"","","N","",""\n',
        ),
    ],
    "lobs.csv": [
        ('"HOSP","AUDIT_TRAIL","DETAILS",65536', '"HOSP","AUDIT_TRAIL","DETAILS",65536\n"HOSP","WARDS","SUMMARY",4096')
    ],
}

LOAD = """
INSERT INTO hosp.wards (ward_id, name, capacity, summary) VALUES (1, 'Cardiology', 40, 'four beds');
INSERT INTO hosp.patients (patient_id, mrn, full_name, status, created_at, guid) VALUES (7, 'MRN-2', 'Bob', 'I', now(), '\\x01');
INSERT INTO hosp.admissions (admission_id, patient_id, ward_id, admitted_at) VALUES (3, 7, 1, now());
INSERT INTO hosp.clinical_notes (note_id, admission_id, written_at, body) VALUES (1, 3, now(), NULL);
UPDATE hosp.clinical_notes SET body = 'stable' WHERE note_id = 1;
"""

# Cached changes after the after-load part, as DMS applies them: the row with its LOB NULL, then the LOB
# (AWS Knowledge Center, dms-error-null-value-column: NOT NULL is not allowed in CDC in full or limited LOB mode).
CDC = """
INSERT INTO hosp.wards (ward_id, name, capacity, summary) VALUES (2, 'Oncology', 12, NULL);
UPDATE hosp.wards SET summary = 'twelve beds' WHERE ward_id = 2;
INSERT INTO hosp.clinical_notes (note_id, admission_id, written_at, body) VALUES (2, 3, now(), NULL);
UPDATE hosp.clinical_notes SET body = 'discharged' WHERE note_id = 2;
"""


def _export(tmp_path: Path) -> Path:
    root = tmp_path / "export"
    shutil.copytree(HOSPITAL, root)
    for file, edits in EDITS.items():
        text = (root / file).read_text(encoding="utf-8")
        for old, new in edits:
            assert old in text, (file, old)
            text = text.replace(old, new)
        (root / file).write_text(text, encoding="utf-8")
    return root


def _load(root: Path):
    inv = load_inventory(*(root / f"{n}.csv" for n in ("columns", "tables", "lobs", "keys")))
    return inv, load_objects(inv, {k: root / f"{k}.csv" for k in OBJECT_FILES})


@pytest.fixture(scope="module")
def export(tmp_path_factory):
    return _load(_export(tmp_path_factory.mktemp("cdc")))


@pytest.fixture(scope="module")
def parts(export):
    return {p: render_ddl_part(*export, p) for p in ("before-load", "after-load", "cutover")}


def test_lob_columns_stay_nullable_through_cdc_and_not_null_comes_back_at_cutover(pg_server, export, parts):
    choice = choose_lob_mode(export[0].tables[("HOSP", "WARDS")])
    assert choice is not None and choice.mode == "limited"
    assert "    summary text,\n" in parts["before-load"]  # limited LOB mode: nullable too
    assert "HOSP.WARDS.SUMMARY: NOT NULL in Oracle, nullable until the cutover part" in parts["before-load"]
    db = pg_server.database("test_ddl_lob_not_null_cdc", parts["before-load"], LOAD, parts["after-load"])
    pg_server.execute(CDC, dbname=db)  # the cached changes, then the ongoing ones
    pg_server.execute(parts["cutover"], dbname=db)  # a CHECK NOT VALID: SET NOT NULL comes after the switch
    with pg_server.connect(db) as conn:
        with pytest.raises(psycopg.errors.CheckViolation):
            conn.execute("INSERT INTO hosp.wards (ward_id, name, capacity) VALUES (3, 'ICU', 4)")
    with pg_server.connect(db) as conn:
        with pytest.raises(psycopg.errors.CheckViolation):
            conn.execute("UPDATE hosp.clinical_notes SET body = NULL")


def test_a_lob_dms_did_not_write_passes_the_cutover_part_and_stops_its_validation(pg_server, parts):
    db = pg_server.database(
        "test_ddl_lob_left_null",
        parts["before-load"],
        parts["after-load"],
        "INSERT INTO hosp.wards (ward_id, name, capacity) VALUES (1, 'ICU', 4)",
    )
    pg_server.execute(parts["cutover"], dbname=db)  # no scan inside the window
    with pytest.raises(psycopg.errors.CheckViolation, match="summary"):  # the runbook's step 7b, after the switch
        pg_server.execute("ALTER TABLE hosp.wards VALIDATE CONSTRAINT lob_not_null_summary", dbname=db)


def test_interval_partitions_are_created_ahead_and_the_cutover_part_finds_rows_past_them(pg_server, export):
    inv, objects = export
    before = render_ddl_part(inv, objects, "before-load", interval_partitions_ahead=3)
    assert "PARTITION OF hosp.lab_results FOR VALUES FROM ('2025-02-01 00:00:00') TO ('2025-03-01 00:00:00');" in before
    assert "the next 3 partitions are created ahead" in before
    db = pg_server.database("test_ddl_interval_ahead", before)
    pg_server.execute(
        "INSERT INTO hosp.lab_results (result_id, admission_id, result_date) VALUES "
        "(1, 1, '2025-02-14 10:00:00'), (2, 1, '2025-03-01 00:00:00'), (3, 1, '2025-07-01 00:00:00')",
        dbname=db,
    )
    check = default_partition_check(scope(inv, objects, interval_partitions_ahead=3))
    assert check in render_ddl_part(inv, objects, "cutover", interval_partitions_ahead=3)
    with pg_server.connect(db) as conn:
        where = conn.execute("SELECT tableoid::regclass::text FROM hosp.lab_results WHERE result_id = 1").fetchone()
        assert where[0] == "hosp.lab_results_p2025_02_01"
        rows = conn.execute(check).fetchall()
    assert rows == [("hosp.lab_results_default", 2, "2025-03-01 00:00:00", "2025-07-01 00:00:00")]


def test_no_partitions_ahead_when_the_stack_asks_for_none(export):
    before = render_ddl_part(*export, "before-load", interval_partitions_ahead=0)
    assert before.count("PARTITION OF hosp.lab_results") == 36 + 1
    assert "no partitions created ahead" in before
