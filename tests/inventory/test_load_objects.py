"""The schema-object exports (sequences, identity, defaults, indexes, foreign keys, checks, triggers, partitions)
load next to the inventory, with one-line errors naming file, line and field; older exports still load."""

import shutil
from pathlib import Path

import pytest

from migration.inventory.load import load_inventory
from migration.inventory.load_objects import load_objects
from migration.inventory.model import InventoryError
from migration.inventory.objects import OBJECT_FILES

HOSPITAL = Path(__file__).resolve().parents[1] / "data" / "hospital"


def _inventory(root: Path = HOSPITAL):
    return load_inventory(*(root / f"{n}.csv" for n in ("columns", "tables", "lobs", "keys")))


def _paths(root: Path = HOSPITAL):
    return {k: root / f"{k}.csv" for k in OBJECT_FILES}


def test_the_hospital_export_loads_every_kind_of_object():
    objects = load_objects(_inventory(), _paths())
    assert objects.missing == ()
    seqs = {s.name: s for s in objects.sequences}
    assert seqs["WARD_SEQ"].last_number == 141 and not seqs["WARD_SEQ"].cycle
    assert seqs["INVOICE_NO_SEQ"].cycle and seqs["REFUND_SEQ"].increment_by == -10
    assert seqs["LAB_RESULT_SEQ"].max_value == 9999999999999999999999999999
    assert {(i.table, i.always) for i in objects.identities} == {("PATIENTS", True), ("ADMISSIONS", False)}
    assert [d.column for d in objects.virtual_columns] == ["AGE_YEARS"]
    index = {i.name: i for i in objects.indexes}
    assert [c.name for c in index["ADMISSIONS_PATIENT_IX"].columns] == ["PATIENT_ID", "ADMITTED_AT"]
    assert index["PATIENTS_NAME_UPPER_IX"].function_based
    assert not index["ADMISSIONS_PATIENT_IX"].function_based
    latest = index["LAB_RESULTS_LATEST_IX"]  # Oracle's DESC column: the expression "RESULT_DATE"
    assert [(c.name, c.descending) for c in latest.columns] == [("ADMISSION_ID", False), ("RESULT_DATE", True)]
    assert not latest.function_based and index["PATIENTS_NAME_UPPER_IX"].columns[0].expression == 'UPPER("FULL_NAME")'
    fk = {k.name: k for k in objects.foreign_keys}
    assert fk["ADMISSIONS_PATIENT_FK"].delete_rule == "CASCADE"
    assert fk["ADMISSIONS_WARD_FK"].ref_columns == ("WARD_ID",)
    assert objects.partitions[0].kind == "RANGE" and objects.partitions[0].columns == ("RESULT_DATE",)
    assert objects.partitions[0].interval == "NUMTOYMINTERVAL(1,'MONTH')"
    bounds = objects.partition_bounds
    assert len(bounds) == 36 and [b.position for b in bounds] == list(range(1, 37))
    assert bounds[0].name == "P_HISTORY" and bounds[0].high_value.startswith("TO_DATE(' 2022-01-01 00:00:00'")
    assert {t.name for t in objects.triggers} == {"CLINICAL_NOTES_BI", "WARDS_BI", "PATIENTS_AUDIT_AU"}
    # 2 indexes and 1 check read the table after the load; its 2 foreign keys are added NOT VALID (no read, A1)
    assert objects.post_load_count({("HOSP", "ADMISSIONS")}) == 3


def test_an_older_export_loads_and_names_what_it_lacks():
    objects = load_objects(_inventory(), {"sequences": HOSPITAL / "sequences.csv"})
    assert objects.missing == tuple(k for k in OBJECT_FILES if k != "sequences")
    assert objects.indexes == () and len(objects.sequences) == 7


@pytest.mark.parametrize(
    ("file", "old", "new", "message"),
    [
        ("sequences", '"141"', '"14x"', "sequences.csv line 8: LAST_NUMBER: expected a whole number, got '14x'"),
        (
            "sequences",
            '"500020","1"',
            '"500020","0"',
            "sequences.csv line 2: INCREMENT_BY: a sequence's increment cannot",
        ),
        ("identity", '"ALWAYS"', '"SOMETIMES"', "identity.csv line 3: GENERATION_TYPE: expected ALWAYS or BY DEFAULT"),
        ("indexes", '"WARD_ID",1', '"NOPE",1', "indexes.csv line 4: COLUMN_NAME: HOSP.ADMISSIONS.NOPE is not in"),
        ("foreign_keys", '"CASCADE"', '"RESTRICT"', "foreign_keys.csv line 2: DELETE_RULE: expected NO ACTION or"),
        ("checks", '"HOSP","WARDS"', '"HOSP","BEDS"', "checks.csv line 3: TABLE_NAME: HOSP.BEDS is not in tables.csv"),
        (
            "partitions",
            '"RESULT_DATE",1',
            '"RESULT_DATE",2',
            "partitions.csv line 2: COLUMN_POSITION: HOSP.LAB_RESULTS",
        ),
        # a foreign key naming a column columns.csv lacks, on either side, is refused rather than commented out
        (
            "foreign_keys",
            '"WARD_ID","SET NULL"',
            '"WARD_NO","SET NULL"',
            "foreign_keys.csv line 3: R_COLUMN_NAME: HOSP.WARDS.WARD_NO is not in columns.csv",
        ),
        (
            "foreign_keys",
            '"ADMISSIONS_WARD_FK","WARD_ID"',
            '"ADMISSIONS_WARD_FK","WARD_NO"',
            "foreign_keys.csv line 3: COLUMN_NAME: HOSP.ADMISSIONS.WARD_NO is not in columns.csv",
        ),
        (
            "partition_bounds",
            '"SYS_P4001","2"',
            '"SYS_P4001","1"',
            "partition_bounds.csv line 2: PARTITION_POSITION: HOSP.LAB_RESULTS positions [1, 1, 3, 4,",
        ),
        (
            "partition_bounds",
            '"SYS_P4020","21"',
            '"SYS_P4020","38"',
            "partition_bounds.csv line 2: PARTITION_POSITION: HOSP.LAB_RESULTS positions [1, 2, 3, 4, 5, 6, 7, 8, 9,",
        ),
        (
            "partition_bounds",
            '"HOSP","LAB_RESULTS","P_HISTORY"',
            '"HOSP","LAB_RESULT","P_HISTORY"',
            "partition_bounds.csv line 2: TABLE_NAME: HOSP.LAB_RESULT is not in tables.csv",
        ),
    ],
)
def test_a_bad_value_names_file_line_and_field(tmp_path, file, old, new, message):
    shutil.copytree(HOSPITAL, tmp_path, dirs_exist_ok=True)
    path = tmp_path / f"{file}.csv"
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    with pytest.raises(InventoryError) as err:
        load_objects(_inventory(tmp_path), _paths(tmp_path))
    assert str(err.value).startswith(message)


def test_the_export_script_writes_the_headers_the_loader_reads():
    """oracle_inventory.sql spools each object file with a PROMPT header holding every column the loader needs."""
    from migration.inventory.load_objects import INDEXES_HEADER, PARTITION_BOUNDS_HEADER, PARTITIONS_HEADER

    sql = (Path(__file__).resolve().parents[2] / "migration" / "sql" / "oracle_inventory.sql").read_text()
    for file, header in (
        ("partitions", (*PARTITIONS_HEADER, "INTERVAL")),
        ("partition_bounds", PARTITION_BOUNDS_HEADER),
        ("indexes", INDEXES_HEADER),
    ):
        prompt = sql.split(f"SPOOL {file}.csv\nPROMPT ", 1)[1].splitlines()[0]
        assert set(header) <= {h.strip('"') for h in prompt.split(",")}, file


def test_a_virtual_column_that_columns_csv_also_lists_is_one_line(tmp_path):
    """Re-trial A4: a columns.csv taken from ALL_TAB_COLUMNS lists the virtual column too; the DDL then created it
    as a plain column the task mapped and the left-behind ADD COLUMN ... GENERATED collided with. Refused at load,
    naming the export that leaves it out, so the DDL, the task mapping and the left-behind list agree."""
    root = tmp_path / "hospital"
    shutil.copytree(HOSPITAL, root)
    columns = root / "columns.csv"
    columns.write_text(
        columns.read_text(encoding="utf-8") + '"HOSP","PATIENTS","AGE_YEARS","NUMBER",22,"","","Y","",""\n',
        encoding="utf-8",
    )
    with pytest.raises(
        InventoryError,
        match=r"^defaults.csv line 6: VIRTUAL_COLUMN: HOSP.PATIENTS.AGE_YEARS is a virtual column, but columns.csv "
        r"lists it too: export columns.csv with oracle_inventory.sql",
    ):
        load_objects(_inventory(root), _paths(root))
