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
    db = pg_server.create_database("test_left_behind_sql")
    pg_server.execute(before, dbname=db)
    pg_server.execute("\n".join(i.postgres_sql for i in design.left_behind), dbname=db)
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
