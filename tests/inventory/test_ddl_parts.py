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
    assert "PATIENTS_NAME_UPPER_IX (SYS_NC00010$) not converted" in parts["after-load"]
    assert "check LAB_RESULTS_UNIT_CK (REGEXP_LIKE(UNIT, '^[a-zA-Z/%]+$')) not converted" in parts["after-load"]
    assert "WARDS_BI BEFORE EACH ROW INSERT" in parts["after-load"]
    assert 'virtual column (TRUNC(MONTHS_BETWEEN(SYSDATE,"BIRTH_DATE")/12)) left out' in parts["before-load"]


def test_a_not_null_clob_of_a_full_lob_table_is_nullable_until_after_the_load():
    parts = _parts()
    assert "    body text,\n" in parts["before-load"]
    assert "ALTER TABLE hosp.clinical_notes ALTER COLUMN body SET NOT NULL;" in parts["after-load"]
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
