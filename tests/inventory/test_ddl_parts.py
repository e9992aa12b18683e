"""What each DDL part does with what the project cannot convert or PostgreSQL cannot have: listed, not guessed."""

import shutil
from pathlib import Path

from migration.inventory.ddl_parts import render_ddl_part
from migration.inventory.load import load_inventory
from migration.inventory.load_objects import load_objects
from migration.inventory.objects import OBJECT_FILES

HOSPITAL = Path(__file__).resolve().parents[1] / "data" / "hospital"


def _parts(root: Path = HOSPITAL) -> dict[str, str]:
    inv = load_inventory(*(root / f"{n}.csv" for n in ("columns", "tables", "lobs", "keys")))
    objects = load_objects(inv, {k: root / f"{k}.csv" for k in OBJECT_FILES})
    return {p: render_ddl_part(inv, objects, p) for p in ("before-load", "after-load", "cutover")}


def _edited(tmp_path: Path, file: str, old: str, new: str) -> Path:
    root = tmp_path / "export"
    shutil.copytree(HOSPITAL, root)
    path = root / file
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")
    return root


def test_what_cannot_be_converted_is_listed_with_its_oracle_text():
    parts = _parts()
    assert 'PATIENTS_NAME_UPPER_IX (UPPER("FULL_NAME")) not converted' in parts["after-load"]
    assert "check LAB_RESULTS_UNIT_CK (REGEXP_LIKE(UNIT, '^[a-zA-Z/%]+$')) not converted" in parts["after-load"]
    assert "WARDS_BI BEFORE EACH ROW INSERT" in parts["after-load"]
    assert 'virtual column (TRUNC(MONTHS_BETWEEN(SYSDATE,"BIRTH_DATE")/12)) left out' in parts["before-load"]


def test_a_not_null_clob_of_a_full_lob_table_is_nullable_until_cutover():
    """DMS writes the LOB after its row during CDC too: NOT NULL comes back once the forward tasks stopped."""
    parts = _parts()
    assert "    body text,\n" in parts["before-load"]
    assert "SET NOT NULL" not in parts["after-load"]
    assert (
        "ALTER TABLE hosp.clinical_notes ADD CONSTRAINT lob_not_null_body CHECK (body IS NOT NULL) NOT VALID;"
        in parts["cutover"]
    )  # NOT NULL itself after the switch, without a scan (runbook step 7b)
    assert "actor varchar(128) NOT NULL" in parts["before-load"]  # other NOT NULLs stay


def test_a_default_from_a_sequence_not_created_is_listed(tmp_path):
    root = _edited(tmp_path, "defaults.csv", '""HOSP"".""LAB_RESULT_SEQ""', '""BILLING"".""LAB_RESULT_SEQ""')
    before = _parts(root)["before-load"]
    assert "result_id bigint NOT NULL" in before
    assert "that sequence is not created here" in before


def test_a_partitioned_table_whose_key_lacks_the_partition_key_is_one_table(tmp_path):
    root = _edited(tmp_path, "keys.csv", '"HOSP","LAB_RESULTS","P","RESULT_DATE",2,"LAB_RESULTS_PK"\n', "")
    parts = _parts(root)
    assert "PARTITION BY" not in parts["before-load"]
    assert "which PostgreSQL requires: created as one table" in parts["before-load"]
    assert "lab_results_adm_fk FOREIGN KEY (admission_id)" in parts["after-load"]
    assert "NOT VALID" in parts["after-load"].split("lab_results_adm_fk", 1)[1].splitlines()[0]


def test_sysdate_defaults_carry_the_time_zone_note_once(tmp_path):
    before = _parts()["before-load"]
    assert before.count("-- Time zone: Oracle's SYSDATE/SYSTIMESTAMP defaults read the Oracle server's OS") == 1
    assert "created_at timestamp(0) DEFAULT LOCALTIMESTAMP(0) NOT NULL" in before
    root = _edited(tmp_path, "defaults.csv", '"DATE","SYSDATE"', '"DATE","NULL"')
    text = (root / "defaults.csv").read_text(encoding="utf-8").replace('"SYSTIMESTAMP"', '"NULL"')
    (root / "defaults.csv").write_text(text, encoding="utf-8")
    assert "Time zone" not in _parts(root)["before-load"]


def test_a_descending_index_is_created_and_a_true_expression_index_stays_listed(tmp_path):
    """Oracle records a DESC column as a function-based index on the expression "COL": created with DESC."""
    after = _parts()["after-load"]
    assert "CREATE INDEX lab_results_latest_ix ON hosp.lab_results (admission_id, result_date DESC);" in after
    assert "CREATE INDEX patients_name_upper_ix" not in after
    # an older export without COLUMN_EXPRESSION: only the hidden SYS_NC name is known, so it stays listed
    root = _edited(tmp_path, "indexes.csv", ',"COLUMN_EXPRESSION"\n', "\n")
    older = _parts(root)["after-load"]
    assert "LAB_RESULTS_LATEST_IX (ADMISSION_ID, SYS_NC00006$ DESC) not converted" in older


def test_an_export_without_partition_bounds_keeps_one_default_partition(tmp_path):
    root = _edited(tmp_path, "partitions.csv", '"RANGE"', '"RANGE"')
    (root / "partition_bounds.csv").unlink()
    inv = load_inventory(*(root / f"{n}.csv" for n in ("columns", "tables", "lobs", "keys")))
    objects = load_objects(inv, {k: root / f"{k}.csv" for k in OBJECT_FILES if (root / f"{k}.csv").exists()})
    before = render_ddl_part(inv, objects, "before-load")
    assert "-- Not in this export: partition_bounds.csv;" in before
    assert "-- HOSP.LAB_RESULTS: no partition bounds in this export (partition_bounds.csv): one DEFAULT" in before
    assert before.count("PARTITION OF hosp.lab_results") == 1
