"""What is left behind comes with SQL to run by hand: on PostgreSQL the table or column to receive it (applied here
to a real PostgreSQL 15 after the before-load part), on Oracle the extract; the runbook stays readable when
thousands of items are left behind."""

import dataclasses
from pathlib import Path

import pytest

from migration.config.stackfile import read_stack_file
from migration.docs.runbook import render_runbook
from migration.docs.runbook.context import LeftBehindItem
from migration.docs.stack_docs import runbook_context
from migration.inventory.ddl_parts import render_ddl_part
from migration.planning.design import resolve

HOSPITAL = Path(__file__).resolve().parents[1] / "data" / "hospital"


@pytest.fixture(scope="module")
def design():
    return resolve(read_stack_file(HOSPITAL, "hospital", ["migration.exclude=[HOSP.DIAGNOSIS_CODES]"]).load())


def test_every_item_left_behind_has_postgres_sql_and_it_applies_after_the_before_load_part(pg_server, design):
    behind = {i.what: i for i in design.left_behind}
    assert set(behind) == {
        "HOSP.DIAGNOSIS_CODES",
        "HOSP.SCANS.IMAGE_FILE (BFILE)",
        "HOSP.AUDIT_TRAIL.DETAILS (CLOB)",
        "HOSP.PATIENTS.AGE_YEARS (virtual)",
    }
    assert behind["HOSP.AUDIT_TRAIL.DETAILS (CLOB)"].postgres_sql == (
        "ALTER TABLE hosp.audit_trail ADD COLUMN IF NOT EXISTS details text;"
    )
    assert behind["HOSP.SCANS.IMAGE_FILE (BFILE)"].postgres_sql.startswith("-- HOSP.SCANS.IMAGE_FILE: no PostgreSQL")
    before = render_ddl_part(design.inventory, design.objects, "before-load", names=design.names, tables=design.moved)
    db = pg_server.database("test_left_behind_sql", before, "\n".join(i.postgres_sql for i in design.left_behind))
    with pg_server.connect(db) as conn:
        conn.execute("INSERT INTO hosp.diagnosis_codes (code, description) VALUES ('I21', 'Acute MI')")
        columns = conn.execute(
            "SELECT data_type FROM information_schema.columns WHERE table_name = 'audit_trail' AND column_name = "
            "'details'"
        ).fetchall()
    assert columns == [("text",)]


def test_the_oracle_extracts_print_what_sqlplus_can(design):
    behind = {i.what: i for i in design.left_behind}
    assert behind["HOSP.DIAGNOSIS_CODES"].oracle_sql == (
        "SPOOL HOSP.DIAGNOSIS_CODES.csv\nSELECT CODE, DESCRIPTION FROM HOSP.DIAGNOSIS_CODES;\nSPOOL OFF"
    )
    bfile = behind["HOSP.SCANS.IMAGE_FILE (BFILE)"].oracle_sql
    assert (
        "DBMS_LOB.FILEGETNAME(f, d, n)" in bfile
        and "SELECT SCAN_ID, bfile_path(IMAGE_FILE) FROM HOSP.SCANS\n/" in bfile
    )
    keyless = behind["HOSP.AUDIT_TRAIL.DETAILS (CLOB)"].oracle_sql  # no key: the whole table
    assert "SELECT LOGGED_AT, ACTOR, DETAILS FROM HOSP.AUDIT_TRAIL;" in keyless


def test_the_runbook_lists_the_first_items_and_puts_every_items_sql_in_two_scripts(design):
    many = [
        LeftBehindItem(f"HOSP.T{n}", "excluded", "copy it", f"CREATE TABLE t{n} ();", f"SELECT {n};")
        for n in range(3000)
    ]
    text = render_runbook(dataclasses.replace(runbook_context(design), left_behind=many))
    appendix = text[text.index("## Appendix: left behind") : text.index("## Appendix: names")]
    assert appendix.count("| HOSP.T") == 50 and "... and 2950 more" in appendix
    assert appendix.count("CREATE TABLE t") == 3000 and appendix.count("SELECT ") == 3000
    assert appendix.index('psql "$PG_URL"') < appendix.index('sqlplus -S "$ORA"')


# DBA trial on issue 21, finding 4: both extracts of one table spooled into the same OWNER.TABLE.csv, dates came
# out as `02-DEC-26` (no time of day) and timestamps did not load, and "TRUNCATE, then \copy" had no transaction
# around it: a failed copy left the table empty.
EXTRA_COLUMNS = """"HOSP","SCANS","SCAN_ROW","UROWID",4000,"","","Y","",""
"HOSP","AUDIT_TRAIL","LOGGED_ON","DATE",7,"","","Y","",""
"HOSP","AUDIT_TRAIL","LOGGED_TZ","TIMESTAMP(6) WITH TIME ZONE",13,"",6,"Y","",""
"HOSP","AUDIT_TRAIL","LOGGED_LTZ","TIMESTAMP(6) WITH LOCAL TIME ZONE",11,"",6,"Y","",""
"""
# What SQL*Plus spools for HOSP.AUDIT_TRAIL under the runbook's session (SET MARKUP CSV ON QUOTE ON, PAGESIZE 0:
# no header; text quoted with inner quotes doubled; NULL an empty field) in its column order: LOGGED_AT
# (TIMESTAMP(6)), ACTOR, DETAILS, LOGGED_ON (DATE), LOGGED_TZ, LOGGED_LTZ (printed in the session's UTC).
AUDIT_CSV = (
    '"2026-12-02 14:30:05.123456","Témoin","a ""quoted"", two-line\nnote","2026-12-02 14:30:05",'
    '"2026-12-02 14:30:05.123456 +01:00","2026-12-02 13:30:05.000000"\n'
    '"2026-12-02 00:00:00.000000","nobody",,,,\n'
)
NLS_FORMATS = (
    "NLS_DATE_FORMAT = 'YYYY-MM-DD HH24:MI:SS'",
    "NLS_TIMESTAMP_FORMAT = 'YYYY-MM-DD HH24:MI:SS.FF6'",
    "NLS_TIMESTAMP_TZ_FORMAT = 'YYYY-MM-DD HH24:MI:SS.FF6 TZH:TZM'",
    "TIME_ZONE = '+00:00'",
)


@pytest.fixture(scope="module")
def wider(tmp_path_factory):
    """The hospital schema with a UROWID beside SCANS's BFILE and dates of every kind in the key-less AUDIT_TRAIL."""
    import shutil

    root = tmp_path_factory.mktemp("left_behind") / "hospital"
    shutil.copytree(HOSPITAL, root)
    with (root / "columns.csv").open("a", encoding="utf-8") as f:
        f.write(EXTRA_COLUMNS)
    return resolve(read_stack_file(root, "hospital", []).load())


def test_two_columns_of_one_table_spool_into_two_files(wider):
    behind = {i.what: i for i in wider.left_behind}
    spools = [
        behind[w].oracle_sql.splitlines()[0] for w in ("HOSP.SCANS.IMAGE_FILE (BFILE)", "HOSP.SCANS.SCAN_ROW (UROWID)")
    ]
    assert spools == ["SPOOL HOSP.SCANS.IMAGE_FILE.csv", "SPOOL HOSP.SCANS.SCAN_ROW.csv"]
    assert "FROM 'HOSP.SCANS.SCAN_ROW.csv'" in behind["HOSP.SCANS.SCAN_ROW (UROWID)"].load_sql


def test_the_extract_session_prints_iso_dates_before_the_first_spool(wider):
    text = render_runbook(runbook_context(wider))
    block = text[text.index("cat > left_behind_extract.sql <<'SQL'", text.index("## Appendix: left behind")) :]
    first_spool = block.index("SPOOL HOSP.")
    for fmt in NLS_FORMATS:
        assert 0 < block.index(fmt) < first_spool


def test_a_keyless_table_is_copied_again_in_one_transaction_from_the_iso_csv(pg_server, wider, tmp_path):
    (item,) = [i for i in wider.left_behind if i.what == "HOSP.AUDIT_TRAIL.DETAILS (CLOB)"]
    assert item.load_sql.splitlines()[0] == "BEGIN;" and item.load_sql.splitlines()[-1] == "COMMIT;"
    before = render_ddl_part(wider.inventory, wider.objects, "before-load", names=wider.names, tables=wider.moved)
    db = pg_server.database("test_left_behind_copy", before, item.postgres_sql)
    pg_server.execute("INSERT INTO hosp.audit_trail (logged_at, actor) VALUES ('2020-01-01', 'loaded by DMS')", db)
    (tmp_path / "HOSP.AUDIT_TRAIL.csv").write_text("not,a,timestamp\n", encoding="utf-8")
    failed = pg_server.psql(item.load_sql, db, tmp_path)
    assert failed.returncode != 0
    with pg_server.connect(db) as conn:  # the failed copy did not leave the table empty
        assert conn.execute("SELECT actor FROM hosp.audit_trail").fetchall() == [("loaded by DMS",)]
    (tmp_path / "HOSP.AUDIT_TRAIL.csv").write_text(AUDIT_CSV, encoding="utf-8")
    done = pg_server.psql(item.load_sql, db, tmp_path)
    assert done.returncode == 0, done.stderr
    with pg_server.connect(db) as conn:
        conn.execute("SET TimeZone = 'UTC'")
        rows = conn.execute(
            "SELECT logged_at::text, actor, details, logged_on::text, logged_tz::text, logged_ltz::text "
            "FROM hosp.audit_trail ORDER BY logged_at DESC"
        ).fetchall()
    assert rows == [
        (
            "2026-12-02 14:30:05.123456",
            "Témoin",
            'a "quoted", two-line\nnote',
            "2026-12-02 14:30:05",
            "2026-12-02 13:30:05.123456+00",
            "2026-12-02 13:30:05+00",
        ),
        ("2026-12-02 00:00:00", "nobody", None, None, None, None),
    ]


@pytest.fixture(scope="module")
def binary(tmp_path_factory):
    """The hospital schema with a RAW and a BLOB in the key-less AUDIT_TRAIL, left behind whole."""
    import shutil

    root = tmp_path_factory.mktemp("left_behind_binary") / "hospital"
    shutil.copytree(HOSPITAL, root)
    with (root / "columns.csv").open("a", encoding="utf-8") as f:
        f.write('"HOSP","AUDIT_TRAIL","SIGNATURE","RAW",16,"","","Y","",""\n')
        f.write('"HOSP","AUDIT_TRAIL","PAYLOAD","BLOB",4000,"","","Y","",""\n')
    return resolve(read_stack_file(root, "hospital", []).load())


def test_raw_and_blob_values_printed_as_bare_hex_load_as_their_bytes(pg_server, binary, tmp_path):
    # SQL*Plus prints RAW and BLOB as hex digits with no \x: bytea's input alone would store the digits as text.
    (item,) = [i for i in binary.left_behind if i.what == "HOSP.AUDIT_TRAIL.DETAILS (CLOB)"]
    before = render_ddl_part(binary.inventory, binary.objects, "before-load", names=binary.names, tables=binary.moved)
    db = pg_server.database("test_left_behind_hex", before, "\n".join(i.postgres_sql for i in binary.left_behind))
    (tmp_path / "HOSP.AUDIT_TRAIL.csv").write_text(
        '"2026-12-02 14:30:05.123456","hex",,"00FF10AB","DEADBEEF00"\n"2026-12-02 00:00:00.000000","none",,,\n',
        encoding="utf-8",
    )
    done = pg_server.psql(item.load_sql, db, tmp_path)
    assert done.returncode == 0, done.stderr
    with pg_server.connect(db) as conn:
        rows = conn.execute("SELECT actor, signature, payload FROM hosp.audit_trail ORDER BY actor").fetchall()
    assert rows == [("hex", b"\x00\xff\x10\xab", b"\xde\xad\xbe\xef\x00"), ("none", None, None)]
