"""The cutover part's safety net when the freeze export is stale (RAC or CACHE, or an export taken a bit early):
a sequence tied to a column (identity, DEFAULT seq.NEXTVAL, or a `:NEW.id := seq.NEXTVAL` trigger, tied through
the dictionary columns of triggers.csv) moves past max(column) as loaded on PostgreSQL; a sequence tied to none is
listed with a check that warns when a key column is already past it. Applied to a real PostgreSQL 15."""

from pathlib import Path

import pytest

from migration.inventory.ddl_parts import render_ddl_part
from migration.inventory.load import load_inventory
from migration.inventory.load_objects import load_objects
from migration.inventory.model import InventoryError
from migration.inventory.objects import OBJECT_FILES

HOSPITAL = Path(__file__).resolve().parents[1] / "data" / "hospital"

# Rows DMS loaded past what the (stale) sequences.csv says Oracle handed out: WARD_SEQ and NOTE_SEQ are fed by
# BEFORE INSERT triggers, LAST_NUMBER 141 and 3100020 in the export.
LOADED_PAST_THE_EXPORT = """
INSERT INTO hosp.wards (ward_id, name, capacity) VALUES (141, 'Cardiology', 40), (700000, 'Oncology', 12);
INSERT INTO hosp.patients (patient_id, mrn, full_name, status, created_at, guid)
  VALUES (7, 'MRN-2', 'Bob', 'I', now(), '\\x01');
INSERT INTO hosp.admissions (admission_id, patient_id, ward_id, admitted_at) VALUES (3, 7, 141, now());
INSERT INTO hosp.clinical_notes (note_id, admission_id, written_at, body)
  VALUES (3100020, 3, now(), 'a'), (3100500, 3, now(), 'b');
INSERT INTO hosp.scans (scan_id, admission_id, taken_at) VALUES (600000, 3, now());
"""


def _load(root: Path = HOSPITAL):
    inv = load_inventory(*(root / f"{n}.csv" for n in ("columns", "tables", "lobs", "keys")))
    return inv, load_objects(inv, {k: root / f"{k}.csv" for k in OBJECT_FILES})


@pytest.fixture(scope="module")
def cutover():
    inv, objects = _load()
    return render_ddl_part(inv, objects, "before-load"), render_ddl_part(inv, objects, "cutover")


def test_trigger_fed_sequences_move_past_the_loaded_rows_even_from_a_stale_export(pg_server, cutover):
    before, part = cutover
    assert (
        "SELECT setval('hosp.ward_seq', GREATEST(141, (SELECT max(ward_id) + 1 FROM hosp.wards))::bigint, false);"
        in part
    )
    db = pg_server.database("test_cutover_stale_export", before, LOADED_PAST_THE_EXPORT, part)
    pg_server.execute(
        "INSERT INTO hosp.wards (ward_id, name) VALUES (nextval('hosp.ward_seq'), 'Maternity');"
        "INSERT INTO hosp.clinical_notes (note_id, admission_id, body) VALUES (nextval('hosp.note_seq'), 3, 'c');",
        dbname=db,
    )
    with pg_server.connect(db) as conn:
        assert conn.execute("SELECT max(ward_id) FROM hosp.wards").fetchone() == (700001,)
        assert conn.execute("SELECT max(note_id) FROM hosp.clinical_notes").fetchone() == (3100501,)


def test_a_sequence_tied_to_no_column_is_listed_with_a_check_that_warns_when_a_key_is_past_it(pg_server, cutover):
    before, part = cutover
    untied = part[part.index("tied to no column") :]
    assert "hosp.invoice_no_seq" in untied and "hosp.ward_seq'" not in untied
    db = pg_server.database("test_cutover_untied_check", before, LOADED_PAST_THE_EXPORT)
    warnings: list[str] = []
    with pg_server.connect(db) as conn:
        conn.add_notice_handler(lambda n: warnings.append(n.message_primary))
        conn.execute(part)
    # INVOICE_NO_SEQ (application-called) hands out 500020; scans (no sequence tied) holds 600000: the DBA sees
    # it. The keys a tied sequence feeds (wards: WARD_SEQ's trigger; identities) are not compared.
    assert warnings == [
        "to check (nothing ties them): sequence hosp.invoice_no_seq hands out 500020 next and hosp.scans.scan_id "
        "already holds up to 600000. If the application takes that key from this sequence, run "
        "SELECT setval('hosp.invoice_no_seq', 600001, false); otherwise ignore this line"
    ]


def test_a_trigger_naming_a_column_absent_from_columns_csv_is_one_line(tmp_path):
    import shutil

    root = tmp_path / "hospital"
    shutil.copytree(HOSPITAL, root)
    path = root / "triggers.csv"
    path.write_text(path.read_text(encoding="utf-8").replace('.WARD_SEQ","WARD_ID"', '.WARD_SEQ","WARD_NO"'))
    with pytest.raises(InventoryError, match=r"^triggers.csv line 3: ASSIGNED_COLUMNS: HOSP.WARDS.WARD_NO is not in"):
        _load(root)


def test_a_trigger_fed_key_gets_its_sequence_as_default_at_cutover(pg_server, cutover):
    """DBA trial on issue 21, finding 7: the export knows WARD_SEQ feeds WARD_ID through a BEFORE INSERT trigger,
    but PostgreSQL had neither a trigger nor a default, so an application insert omitting the key failed on NOT
    NULL. The cutover part sets the default; inserts then take keys past the loaded rows."""
    before, part = cutover
    assert "ALTER TABLE hosp.wards ALTER COLUMN ward_id SET DEFAULT nextval('hosp.ward_seq');" in part
    db = pg_server.database("test_cutover_trigger_fed_default", before, LOADED_PAST_THE_EXPORT, part)
    pg_server.execute(
        "INSERT INTO hosp.wards (name) VALUES ('Maternity');"
        "INSERT INTO hosp.clinical_notes (admission_id, body) VALUES (3, 'c');",
        dbname=db,
    )
    with pg_server.connect(db) as conn:
        assert conn.execute("SELECT ward_id FROM hosp.wards WHERE name = 'Maternity'").fetchone() == (700001,)
        assert conn.execute("SELECT max(note_id) FROM hosp.clinical_notes").fetchone() == (3100501,)


def test_the_checks_setval_for_a_numeric_key_is_a_bigint_that_runs(pg_server, tmp_path):
    """Re-trial B1: a key on a NUMBER without precision is numeric(38,10); the setval the check prints must be a
    whole number (setval(text, numeric, boolean) does not exist) and run as printed."""
    import shutil

    root = tmp_path / "hospital"
    shutil.copytree(HOSPITAL, root)
    path = root / "columns.csv"
    scan_id = '"HOSP","SCANS","SCAN_ID","NUMBER",22,12,0,"N","",""'
    text = path.read_text(encoding="utf-8")
    assert scan_id in text
    path.write_text(text.replace(scan_id, scan_id.replace("22,12,0", '22,"",""')), encoding="utf-8")
    inv, objects = _load(root)
    before, part = render_ddl_part(inv, objects, "before-load"), render_ddl_part(inv, objects, "cutover")
    db = pg_server.database("test_cutover_numeric_key_check", before, LOADED_PAST_THE_EXPORT)
    warnings: list[str] = []
    with pg_server.connect(db) as conn:
        conn.add_notice_handler(lambda n: warnings.append(n.message_primary))
        conn.execute(part)
        assert len(warnings) == 1 and "SELECT setval('hosp.invoice_no_seq', 600001, false);" in warnings[0]
        conn.execute("SELECT setval('hosp.invoice_no_seq', 600001, false)")
