"""The three DDL parts of the hospital schema apply in order to a real PostgreSQL 15, around a simulated load;
after the cutover part (from a sequences export taken at the freeze), inserting through every sequence and every
identity succeeds."""

import io
import shutil
from contextlib import redirect_stdout
from pathlib import Path

import psycopg
import pytest

from migration.inventory.ddl_parts import PARTS, render_ddl_part
from migration.inventory.load import load_inventory
from migration.inventory.load_objects import load_objects
from migration.inventory.objects import OBJECT_FILES

HOSPITAL = Path(__file__).resolve().parents[1] / "data" / "hospital"
# Sequences as exported at the freeze: Oracle handed out more values after the inventory export.
FREEZE_LAST = {
    "INVOICE_NO_SEQ": 612000,
    "ISEQ$$_73001": 1250000,
    "ISEQ$$_73002": 4900000,
    "LAB_RESULT_SEQ": 9100000000,
    "NOTE_SEQ": 3200000,
    "REFUND_SEQ": -2000,
    "WARD_SEQ": 160,
}


def _load(root: Path):
    inv = load_inventory(*(root / f"{n}.csv" for n in ("columns", "tables", "lobs", "keys")))
    return inv, load_objects(inv, {k: root / f"{k}.csv" for k in OBJECT_FILES})


def _freeze_export(tmp_path: Path) -> Path:
    """The hospital export with sequences.csv taken again at the freeze."""
    root = tmp_path / "freeze"
    shutil.copytree(HOSPITAL, root)
    lines = (root / "sequences.csv").read_text(encoding="utf-8").splitlines()
    out = [lines[0]]
    for line in lines[1:]:
        fields = line.split(",")
        fields[2] = f'"{FREEZE_LAST[fields[1].strip(chr(34))]}"'
        out.append(",".join(fields))
    (root / "sequences.csv").write_text("\n".join(out) + "\n", encoding="utf-8")
    return root


# The rows DMS would have written up to the freeze: keys up to the last value each Oracle sequence handed out.
SIMULATED_LOAD = """
INSERT INTO hosp.wards (ward_id, name, capacity) VALUES (1, 'Cardiology', 40), (159, 'Témoin', 12);
INSERT INTO hosp.patients (patient_id, mrn, full_name, status, created_at, guid)
  VALUES (1249999, 'MRN-1', 'Ada', 'A', now(), '\\x00'), (7, 'MRN-2', 'Bob', 'I', now(), '\\x01');
INSERT INTO hosp.admissions (admission_id, patient_id, ward_id, admitted_at)
  VALUES (4899999, 1249999, 159, now()), (3, 7, 1, now());
INSERT INTO hosp.lab_results (result_id, admission_id, result_date, result_value, unit)
  VALUES (9099999999, 4899999, now(), 1.5, 'mmol/L');
INSERT INTO hosp.diagnosis_codes (code, description) VALUES ('I21', 'Acute myocardial infarction');
-- DMS inserts a full-LOB row first and writes the LOB after it: the NOT NULL CLOB is NULL for a moment.
INSERT INTO hosp.clinical_notes (note_id, admission_id, written_at, body) VALUES (3199999, 4899999, now(), NULL);
UPDATE hosp.clinical_notes SET body = 'stable' WHERE note_id = 3199999;
INSERT INTO hosp.scans (scan_id, admission_id, taken_at) VALUES (1, 4899999, now());
INSERT INTO hosp.audit_trail (logged_at, actor, details) VALUES (now(), 'dms', NULL);
"""

# After cutover: every identity and every sequence hands out a value no loaded row holds.
THROUGH_EVERY_SEQUENCE = """
INSERT INTO hosp.patients (mrn, full_name) VALUES ('MRN-3', 'Cleo');
INSERT INTO hosp.admissions (patient_id, admitted_at) VALUES (7, now());
INSERT INTO hosp.wards (ward_id, name) VALUES (nextval('hosp.ward_seq'), 'Oncology');
INSERT INTO hosp.lab_results (admission_id, result_date) VALUES (3, now());
INSERT INTO hosp.clinical_notes (note_id, admission_id, body) VALUES (nextval('hosp.note_seq'), 3, 'x');
"""


@pytest.fixture(scope="module")
def parts(tmp_path_factory):
    inv, objects = _load(HOSPITAL)
    freeze_inv, freeze_objects = _load(_freeze_export(tmp_path_factory.mktemp("hospital")))
    return {
        "before-load": render_ddl_part(inv, objects, "before-load"),
        "after-load": render_ddl_part(inv, objects, "after-load"),
        "cutover": render_ddl_part(freeze_inv, freeze_objects, "cutover"),
        "after-switch": render_ddl_part(inv, objects, "after-switch"),
    }


def test_the_parts_apply_in_order_and_every_sequence_and_identity_inserts_after_cutover(pg_server, parts):
    db = pg_server.database(
        "test_ddl_parts_hospital",
        parts["before-load"],
        SIMULATED_LOAD,
        parts["after-load"],
        parts["cutover"],
        THROUGH_EVERY_SEQUENCE,
        parts["after-switch"],
    )
    with pg_server.connect(db) as conn:
        assert conn.execute("SELECT max(patient_id) FROM hosp.patients").fetchone()[0] == 1250000
        assert conn.execute("SELECT max(admission_id) FROM hosp.admissions").fetchone()[0] == 4900000
        assert conn.execute("SELECT max(ward_id) FROM hosp.wards").fetchone()[0] == 160
        assert conn.execute("SELECT nextval('hosp.invoice_no_seq')").fetchone()[0] == 612000
        assert conn.execute("SELECT nextval('hosp.refund_seq')").fetchone()[0] == -2000
        # what the after-load part built
        indexes = {r[0] for r in conn.execute("SELECT indexname FROM pg_indexes WHERE schemaname = 'hosp'")}
        assert {"admissions_patient_ix", "admissions_ward_ix", "lab_results_adm_ix"} <= indexes
        latest = "SELECT indexdef FROM pg_indexes WHERE indexname = 'lab_results_latest_ix'"
        assert conn.execute(latest).fetchone()[0].endswith("(admission_id, result_date DESC)")
        fks = conn.execute(
            "SELECT conname, convalidated FROM pg_constraint WHERE contype = 'f' AND conparentid = 0"
        ).fetchall()
        assert len(fks) == 5 and all(validated for _, validated in fks)
        kind = conn.execute("SELECT relkind FROM pg_class WHERE relname = 'lab_results'").fetchone()[0]
        assert kind == "p"  # partitioned, as in Oracle
        with pytest.raises(psycopg.errors.CheckViolation):  # NOT NULL itself after the switch (runbook step 7b)
            conn.execute("INSERT INTO hosp.clinical_notes (note_id, admission_id) VALUES (1, 3)")
        with pytest.raises(psycopg.errors.CheckViolation):
            conn.execute("UPDATE hosp.wards SET capacity = 0")


def test_without_the_cutover_part_the_first_insert_collides(pg_server, parts):
    """The failure the cutover part prevents: the identity restarts below the rows Oracle wrote after export."""
    db = pg_server.database(
        "test_ddl_parts_no_cutover", parts["before-load"], SIMULATED_LOAD.replace("1249999", "1200021")
    )
    with pytest.raises(psycopg.errors.UniqueViolation):
        pg_server.execute("INSERT INTO hosp.patients (mrn, full_name) VALUES ('MRN-3', 'Cleo')", dbname=db)


def test_an_unknown_part_is_refused():
    inv, objects = _load(HOSPITAL)
    with pytest.raises(ValueError, match="before-load, after-load, cutover, after-switch"):
        render_ddl_part(inv, objects, "during-load")
    assert PARTS == ("before-load", "after-load", "cutover", "after-switch")


def test_an_older_export_still_gives_parts_that_apply(pg_server):
    """The sample inventory has no object exports: tables and keys before the load, the other unique keys after
    it, nothing to move at cutover; each part says once what it could not build."""
    sample = Path(__file__).resolve().parents[1] / "data" / "inventory"
    inv = load_inventory(*(sample / f"{n}.csv" for n in ("columns", "tables", "lobs", "keys")))
    objects = load_objects(inv, {})
    db = pg_server.create_database("test_ddl_parts_older_export")
    for part in PARTS:
        text = render_ddl_part(inv, objects, part)
        assert text.count("-- Not in this export: sequences.csv") == 1
        pg_server.execute(text, dbname=db)
    with pg_server.connect(db) as conn:
        uniques = conn.execute(
            "SELECT count(*) FROM pg_constraint WHERE contype = 'u' AND connamespace::regnamespace::text IN ('app', 'hr')"
        ).fetchone()[0]
    assert uniques == sum(len([u for u in t.unique_keys if u != t.key_columns]) for t in inv.tables.values())
    assert uniques > 0


def test_a_child_row_whose_parent_is_still_a_cached_change_passes_after_load_and_validates_after_switch(
    pg_server, parts
):
    """Re-trial A1: the tasks read their tables at different times, so a loaded admission may name a patient that
    is still among the cached changes when the after-load part runs (applied in one transaction). Its foreign keys
    are added NOT VALID, so the part goes through; the parent arrives with the cached changes; the after-switch
    part validates. The partitioned table's key (PostgreSQL 15 has no NOT VALID for it) comes with the cutover."""
    db = pg_server.database("test_ddl_parts_fk_cached", parts["before-load"], SIMULATED_LOAD)
    child = "INSERT INTO hosp.admissions (admission_id, patient_id, ward_id, admitted_at) VALUES (5, 424242, 1, now())"
    pg_server.execute(child, dbname=db)
    pg_server.execute("BEGIN;\n" + parts["after-load"] + "\nCOMMIT;", dbname=db)
    fks = "SELECT conrelid::regclass::text, convalidated FROM pg_constraint WHERE contype = 'f' AND conparentid = 0"
    with pg_server.connect(db) as conn:
        after_load = conn.execute(fks).fetchall()
    assert len(after_load) == 4 and not any(valid for _, valid in after_load)
    assert "hosp.lab_results" not in {t for t, _ in after_load}
    with pytest.raises(psycopg.errors.ForeignKeyViolation):  # what stays missing is named by the after-switch part
        pg_server.execute(parts["after-switch"], dbname=db)
    cached = "INSERT INTO hosp.patients (patient_id, mrn, full_name, status, created_at, guid) "
    pg_server.execute(cached + "VALUES (424242, 'MRN-9', 'Cy', 'A', now(), '\\x02')", dbname=db)
    pg_server.execute("BEGIN;\n" + parts["cutover"] + "\nCOMMIT;", dbname=db)
    pg_server.execute(parts["after-switch"], dbname=db)
    with pg_server.connect(db) as conn:
        done = conn.execute(fks).fetchall()
    assert len(done) == 5 and all(valid for _, valid in done)


def test_an_orphan_in_a_partitioned_table_leaves_its_key_out_and_the_cutover_part_still_commits(pg_server, parts):
    """Final check: Oracle may hold a child row without its parent (an ENABLE NOVALIDATE key is exported like any
    enabled one); the partitioned table's key, added checked at cutover, must not roll back the sequences with it."""
    db = pg_server.database("test_ddl_parts_fk_orphan", parts["before-load"], SIMULATED_LOAD, parts["after-load"])
    orphan = "INSERT INTO hosp.lab_results (result_id, admission_id, result_date) VALUES (77, 999999, now())"
    pg_server.execute(orphan, dbname=db)
    done = pg_server.psql("BEGIN;\n" + parts["cutover"] + "\nCOMMIT;", db)
    assert done.returncode == 0, done.stderr
    assert "HOSP.LAB_RESULTS.LAB_RESULTS_ADM_FK: not added, a row has no parent" in done.stderr
    with pg_server.connect(db) as conn:
        keys = conn.execute("SELECT count(*) FROM pg_constraint WHERE conname = 'lab_results_adm_fk'").fetchone()
        moved = conn.execute("SELECT last_value FROM hosp.ward_seq").fetchone()
    assert keys == (0,) and moved[0] > 1  # the key is left out, the sequences moved


def test_the_runbook_applies_every_part_in_one_transaction_and_the_freeze_export_reads_no_input():
    from migration.cli.main import main as cli

    root = HOSPITAL
    with redirect_stdout(io.StringIO()) as out:
        assert cli(["--root", str(root), "runbook", "--stack", "hospital", "--output", "-"]) == 0
    text = out.getvalue()
    for part in ("before-load", "after-load", "cutover"):
        assert f'psql "$PG_URL" -v ON_ERROR_STOP=1 --single-transaction -f {part}.sql' in text
    assert '@migration/sql/oracle_sequences.sql "HOSP" </dev/null' in text


def _edited(tmp_path: Path, edits: dict[str, tuple[str, str]]) -> Path:
    root = tmp_path / "export"
    shutil.copytree(HOSPITAL, root)
    for file, (old, new) in edits.items():
        text = (root / file).read_text(encoding="utf-8")
        assert old in text
        (root / file).write_text(text.replace(old, new), encoding="utf-8")
    return root


def _partition_of(conn, table: str, where: str) -> list[str]:
    return [r[0] for r in conn.execute(f"SELECT tableoid::regclass::text FROM {table} WHERE {where}")]


def test_range_rows_land_in_the_partition_oracle_bounds_give(pg_server, parts):
    """LAB_RESULTS' 36 Oracle partitions (interval, monthly) with their bounds and the 12 next months created
    ahead; rows beyond those land in the DEFAULT partition."""
    db = pg_server.database("test_ddl_parts_range_bounds", parts["before-load"])
    pg_server.execute(
        "INSERT INTO hosp.lab_results (result_id, admission_id, result_date) VALUES "
        "(1, 1, '2021-06-30 23:59:59'), (2, 1, '2022-01-01 00:00:00'), (3, 1, '2023-03-15 08:00:00'), "
        "(4, 1, '2024-11-30 23:59:59'), (5, 1, '2024-12-01 00:00:00'), (6, 1, '2031-01-01')",
        dbname=db,
    )
    with pg_server.connect(db) as conn:
        assert _partition_of(conn, "hosp.lab_results", "true ORDER BY result_id") == [
            "hosp.lab_results_p_history",
            "hosp.lab_results_sys_p4001",
            "hosp.lab_results_sys_p4015",  # March 2023: [2023-03-01, 2023-04-01)
            "hosp.lab_results_sys_p4035",
            "hosp.lab_results_p2024_12_01",  # the first of the 12 created ahead
            "hosp.lab_results_default",
        ]
        count = "SELECT count(*) FROM pg_inherits WHERE inhparent = 'hosp.lab_results'::regclass"
        assert conn.execute(count).fetchone()[0] == 36 + 12 + 1


def test_list_bounds_and_their_default_partition(pg_server, tmp_path):
    root = _edited(
        tmp_path,
        {
            "partitions.csv": (
                '"RANGE","NONE",36,"RESULT_DATE",1,"NUMTOYMINTERVAL(1,\'MONTH\')"',
                '"LIST","NONE",3,"RESULT_ID",1,""',
            ),
            "partition_bounds.csv": (
                HOSPITAL.joinpath("partition_bounds.csv").read_text(encoding="utf-8").split("\n", 1)[1],
                '"HOSP","LAB_RESULTS","P_LOW","1","1, 2, 3"\n"HOSP","LAB_RESULTS","P_SEVEN","2","7"\n'
                '"HOSP","LAB_RESULTS","P_REST","3","DEFAULT"\n',
            ),
        },
    )
    before = render_ddl_part(*_load(root), "before-load")
    assert "PARTITION BY LIST (result_id)" in before and "lab_results_default" not in before
    db = pg_server.database("test_ddl_parts_list_bounds", before)
    pg_server.execute(
        "INSERT INTO hosp.lab_results (result_id, admission_id, result_date) VALUES (2, 1, now()), (7, 1, now()), "
        "(8, 1, now())",
        dbname=db,
    )
    with pg_server.connect(db) as conn:
        assert _partition_of(conn, "hosp.lab_results", "true ORDER BY result_id") == [
            "hosp.lab_results_p_low",
            "hosp.lab_results_p_seven",
            "hosp.lab_results_p_rest",
        ]


def test_a_bound_that_does_not_convert_is_listed_and_the_table_keeps_one_default_partition(pg_server, tmp_path):
    odd = "TO_DATE(' 2022-01-01 00:00:00', 'SYYYY-MM-DD HH24:MI:SS', 'NLS_CALENDAR=PERSIAN')"
    root = _edited(
        tmp_path,
        {
            "partition_bounds.csv": (
                "TO_DATE(' 2022-01-01 00:00:00', 'SYYYY-MM-DD HH24:MI:SS', 'NLS_CALENDAR=GREGORIAN')",
                odd,
            )
        },
    )
    before = render_ddl_part(*_load(root), "before-load")
    assert f"-- NOTE HOSP.LAB_RESULTS: partition bounds not converted (P_HISTORY {odd}): one DEFAULT" in before
    assert before.count("PARTITION OF hosp.lab_results") == 1
    db = pg_server.database("test_ddl_parts_odd_bound", before)
    pg_server.execute(
        "INSERT INTO hosp.lab_results (result_id, admission_id, result_date) VALUES (1, 1, now())", dbname=db
    )


def test_keys_keep_their_oracle_names_and_no_two_names_collide(pg_server, tmp_path):
    """Primary and unique keys are named as in Oracle so the DBA finds them; an index named like a table or a key
    (PostgreSQL: one namespace per schema for tables, indexes and key constraints) steps aside with a suffix."""
    root = _edited(
        tmp_path,
        {"indexes.csv": ('"ADMISSIONS_WARD_IX"', '"WARDS"'), "checks.csv": ('"WARDS_CAPACITY_CK"', '"WARDS_PK"')},
    )
    text = (root / "indexes.csv").read_text(encoding="utf-8").replace('"CLINICAL_NOTES_ADM_IX"', '"ADMISSIONS_PK"')
    (root / "indexes.csv").write_text(text, encoding="utf-8")
    inv, objects = _load(root)
    before, after = (render_ddl_part(inv, objects, p) for p in ("before-load", "after-load"))
    assert "CONSTRAINT admissions_pk PRIMARY KEY (admission_id)" in before
    assert "CREATE INDEX admissions_pk_2 ON hosp.clinical_notes (admission_id);" in after
    assert "CREATE INDEX wards_2 ON hosp.admissions (ward_id);" in after
    assert "-- HOSP.WARDS: created as wards_2: wards is taken in the schema\n" in after
    assert "-- HOSP.WARDS_PK: created as wards_pk_2: wards_pk is taken in the schema\n" in after
    db = pg_server.database("test_ddl_parts_names", before, after)
    with pg_server.connect(db) as conn:
        named = dict(conn.execute("SELECT conname, contype FROM pg_constraint WHERE contype IN ('p', 'u')").fetchall())
    assert {"patients_pk", "patients_mrn_uk", "wards_pk", "wards_name_ux", "lab_results_pk"} <= set(named)


def test_a_range_on_two_columns_takes_maxvalue_through_to_its_last_column(pg_server, tmp_path):
    """Oracle lets a bound read (MAXVALUE, <date>); PostgreSQL wants MAXVALUE in every later column: same range."""
    may = "TO_DATE(' 2024-05-01 00:00:00', 'SYYYY-MM-DD HH24:MI:SS', 'NLS_CALENDAR=GREGORIAN')"
    root = _edited(
        tmp_path,
        {
            "partitions.csv": (
                '"RESULT_DATE",1,"NUMTOYMINTERVAL(1,\'MONTH\')"',
                '"RESULT_ID",1,""\n"HOSP","LAB_RESULTS","RANGE","NONE",2,"RESULT_DATE",2,""',
            ),
            "partition_bounds.csv": (
                HOSPITAL.joinpath("partition_bounds.csv").read_text(encoding="utf-8").split("\n", 1)[1],
                f'"HOSP","LAB_RESULTS","P_OLD","1","1000, {may.replace(chr(34), chr(34) * 2)}"\n'
                f'"HOSP","LAB_RESULTS","P_REST","2","MAXVALUE, {may}"\n',
            ),
        },
    )
    before = render_ddl_part(*_load(root), "before-load")
    assert "FOR VALUES FROM (MINVALUE, MINVALUE) TO (1000, '2024-05-01 00:00:00');" in before
    assert "FOR VALUES FROM (1000, '2024-05-01 00:00:00') TO (MAXVALUE, MAXVALUE);" in before
    db = pg_server.database("test_ddl_parts_two_column_range", before)
    pg_server.execute(
        "INSERT INTO hosp.lab_results (result_id, admission_id, result_date) VALUES "
        "(1000, 1, '2024-04-30'), (1000, 1, '2024-05-01'), (5, 1, '2030-01-01')",
        dbname=db,
    )
    with pg_server.connect(db) as conn:
        assert _partition_of(conn, "hosp.lab_results", "true ORDER BY result_date") == [
            "hosp.lab_results_p_old",
            "hosp.lab_results_p_rest",
            "hosp.lab_results_p_old",
        ]


def test_mixed_case_sequence_index_and_key_names_fold_like_tables(pg_server, tmp_path):
    """DBA trial: `"OrderLines_PK"`, `"DocSeq"` kept their case while their table folded; two names that fold
    alike (`"Admissions_Ward_IX"`, `ADMISSIONS_WARD_IX`) step aside rather than collide."""
    root = _edited(
        tmp_path,
        {
            "sequences.csv": ('"WARD_SEQ"', '"WardSeq"'),
            "triggers.csv": ("HOSP.WARD_SEQ", "HOSP.WardSeq"),
            "keys.csv": ('"WARDS_PK"', '"Wards_PK"'),
            "checks.csv": ('"WARDS_CAPACITY_CK"', '"Wards_Capacity_CK"'),
        },
    )
    text = (root / "indexes.csv").read_text(encoding="utf-8")
    text = text.replace('"ADMISSIONS_WARD_IX"', '"Admissions_Ward_IX"').replace(
        '"CLINICAL_NOTES_ADM_IX"', '"ADMISSIONS_WARD_IX"'
    )
    (root / "indexes.csv").write_text(text, encoding="utf-8")
    inv, objects = _load(root)
    before, after = (render_ddl_part(inv, objects, p) for p in ("before-load", "after-load"))
    assert "CREATE SEQUENCE hosp.wardseq " in before and "CONSTRAINT wards_pk PRIMARY KEY (ward_id)" in before
    assert "CREATE INDEX admissions_ward_ix ON hosp.admissions (ward_id);" in after
    assert "-- HOSP.ADMISSIONS_WARD_IX: created as admissions_ward_ix_2: admissions_ward_ix is taken" in after
    db = pg_server.database("test_ddl_parts_folded_names", before, after)
    with pg_server.connect(db) as conn:
        names = {r[0] for r in conn.execute("SELECT relname FROM pg_class WHERE relnamespace = 'hosp'::regnamespace")}
        names |= {r[0] for r in conn.execute("SELECT conname FROM pg_constraint")}
    assert all(n == n.lower() for n in names)
    assert {"wardseq", "wards_pk", "wards_capacity_ck", "admissions_ward_ix", "admissions_ward_ix_2"} <= names


def test_a_sequence_new_in_the_freeze_export_is_created_by_the_cutover_part(pg_server, tmp_path):
    """Re-trial A5: REF_SEQ was created in Oracle after the load-time export; the cutover part (from the freeze
    export) creates it with the export's options instead of failing its setval and rolling back in the window."""
    inv, objects = _load(HOSPITAL)
    seq = '"HOSP","REF_SEQ","5001","5","10","1","999999","N"\n'
    root = _edited(tmp_path, {"sequences.csv": ('"HOSP","WARD_SEQ"', seq + '"HOSP","WARD_SEQ"')})
    freeze_inv, freeze_objects = _load(root)
    cutover = render_ddl_part(freeze_inv, freeze_objects, "cutover")
    db = pg_server.database(
        "test_ddl_parts_new_sequence", render_ddl_part(inv, objects, "before-load"), SIMULATED_LOAD, cutover
    )
    with pg_server.connect(db) as conn:
        assert conn.execute("SELECT nextval('hosp.ref_seq'), nextval('hosp.ref_seq')").fetchone() == (5001, 5006)
        assert conn.execute("SELECT nextval('hosp.ward_seq')").fetchone()[0] == 160  # the known ones still move


def test_an_identity_on_unconstrained_number_is_a_bigint_identity_and_cutover_moves_it(pg_server, tmp_path):
    """Re-trial B1: Oracle's GENERATED AS IDENTITY on a NUMBER without precision maps to numeric(38,10), which
    cannot be an identity: before-load creates it as bigint identity (and says so), and a NUMBER column whose
    foreign key references it as bigint too (PostgreSQL cannot compare numeric with bigint in a foreign key); the
    after-load part's foreign keys and cutover's setval apply."""
    edits = {}
    for table in ("ADMISSIONS", "CLINICAL_NOTES"):
        line = f'"HOSP","{table}","ADMISSION_ID","NUMBER",22,12,0,"N","",""'
        edits[table] = (line, line.replace("22,12,0", '22,"",""'))
    text = (HOSPITAL / "columns.csv").read_text(encoding="utf-8")
    root = _edited(
        tmp_path, {"columns.csv": (text, text.replace(*edits["ADMISSIONS"]).replace(*edits["CLINICAL_NOTES"]))}
    )
    inv, objects = _load(root)
    before = render_ddl_part(inv, objects, "before-load")
    assert "HOSP.ADMISSIONS.ADMISSION_ID: identity on numeric(38,10) in the type map: created as bigint" in before
    assert "HOSP.CLINICAL_NOTES.ADMISSION_ID: bigint, as the identity ADMISSIONS.ADMISSION_ID it references" in before
    cutover = render_ddl_part(inv, objects, "cutover")
    assert "SELECT setval(pg_get_serial_sequence('hosp.admissions', 'admission_id'), GREATEST(" in cutover
    after_load = render_ddl_part(inv, objects, "after-load")
    db = pg_server.database("test_ddl_parts_number_identity", before, SIMULATED_LOAD, after_load, cutover)
    with pg_server.connect(db) as conn:
        kind = "SELECT data_type, is_identity FROM information_schema.columns WHERE column_name = 'admission_id' "
        assert conn.execute(kind + "AND table_name = 'admissions'").fetchone() == ("bigint", "YES")
        new = "INSERT INTO hosp.admissions (patient_id, admitted_at) VALUES (7, now()) RETURNING admission_id"
        assert conn.execute(new).fetchone()[0] == 4899999 + 1
