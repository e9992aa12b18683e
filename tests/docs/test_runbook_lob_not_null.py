"""NOT NULL on LOB columns without a scan in the window (re-trial on issue 21, A6): the cutover part adds
CHECK (col IS NOT NULL) NOT VALID, instant; the runbook's step 7b validates it online, then SET NOT NULL skips its
scan and the CHECK goes. On a real PostgreSQL 15, through the parts and the runbook as printed."""

from pathlib import Path

import pytest

from migration.config.stackfile import read_stack_file
from migration.docs.stack_docs import runbook
from migration.inventory.ddl_parts import render_ddl_part
from migration.planning.design import resolve

HOSPITAL = Path(__file__).resolve().parents[2] / "tests" / "data" / "hospital"
LOADED = (
    "INSERT INTO hosp.clinical_notes (note_id, admission_id, body) VALUES (1, 1, 'loaded by DMS');"
    "INSERT INTO hosp.clinical_notes (note_id, admission_id, body) VALUES (2, 1, NULL);"
)


@pytest.fixture(scope="module")
def design():
    return resolve(read_stack_file(HOSPITAL, "hospital", []).load())


def _part(design, part: str) -> str:
    return render_ddl_part(design.inventory, design.objects, part, names=design.names, tables=design.moved)


def _step_7b(design) -> str:
    text = runbook(design)
    step = text[text.index("## 7b.") : text.index("## 8.")]
    return step[step.index("<<'SQL'\n") + len("<<'SQL'\n") : step.index("\nSQL\n")]


def _not_null(pg_server, db: str) -> tuple[bool, list]:
    with pg_server.connect(db) as conn:
        (attnotnull,) = conn.execute(
            "SELECT attnotnull FROM pg_attribute WHERE attrelid = 'hosp.clinical_notes'::regclass AND attname = 'body'"
        ).fetchone()
        checks = conn.execute(
            "SELECT conname, convalidated FROM pg_constraint WHERE conrelid = 'hosp.clinical_notes'::regclass "
            "AND contype = 'c'"
        ).fetchall()
    return attnotnull, checks


def test_the_cutover_part_sets_no_not_null_and_checks_new_rows_at_once(pg_server, design):
    cutover = _part(design, "cutover")
    assert "SET NOT NULL" not in cutover
    db = pg_server.database("test_lob_nn_cutover", _part(design, "before-load"), LOADED)
    pg_server.execute(cutover.split("-- NOT NULL on the LOB columns")[1].split("\n", 1)[1], db)
    assert _not_null(pg_server, db) == (False, [("lob_not_null_body", False)])
    failed = pg_server.psql("INSERT INTO hosp.clinical_notes (note_id, admission_id) VALUES (3, 1);", db)
    assert failed.returncode != 0 and "lob_not_null_body" in failed.stderr


def test_step_7b_validates_then_sets_not_null_and_drops_the_check(pg_server, design):
    db = pg_server.database("test_lob_nn_switch", _part(design, "before-load"), LOADED)
    pg_server.execute(
        "ALTER TABLE hosp.clinical_notes ADD CONSTRAINT lob_not_null_body CHECK (body IS NOT NULL) NOT VALID", db
    )
    step = _step_7b(design)
    assert "`hosp.clinical_notes.body`" in runbook(design)
    failed = pg_server.psql(step, db)  # row 2's LOB was never written: the validation names it, nothing changes
    assert failed.returncode != 0 and 'check constraint "lob_not_null_body"' in failed.stderr
    assert _not_null(pg_server, db) == (False, [("lob_not_null_body", False)])
    pg_server.execute("UPDATE hosp.clinical_notes SET body = 'copied from Oracle' WHERE note_id = 2", db)
    done = pg_server.psql(step, db)
    assert done.returncode == 0, done.stderr
    assert _not_null(pg_server, db) == (True, [])
    assert pg_server.psql(step, db).returncode == 0  # run again: nothing left to do


def test_step_7b_comes_after_the_switch_and_only_with_such_columns(design):
    text = runbook(design)
    assert text.index("## 7. Switch") < text.index("## 7b.") < text.index("## 8.")
    assert "step 7b validates them after the switch" in text
    # without a sequences export the cutover part is not run, so no CHECK to validate; the foreign keys still are
    older = runbook(resolve(read_stack_file(HOSPITAL, "hospital", ["inventory.sequences=null"]).load()))
    assert "CHECK NOT VALID" not in older and "--part after-switch" in older
    keyless = ["inventory.sequences=null", "inventory.foreignKeys=null"]
    assert "## 7b." not in runbook(resolve(read_stack_file(HOSPITAL, "hospital", keyless).load()))


def test_step_7b_on_a_partitioned_table_validates_through_the_parent(pg_server, design):
    """The CHECK NOT VALID a partitioned table gets at cutover reaches its partitions; step 7b runs each statement
    on the parent only (it recurses), and leaves NOT NULL on every partition."""
    db = pg_server.database(
        "test_lob_nn_partitioned",
        "CREATE SCHEMA hosp; CREATE TABLE hosp.docs (id int NOT NULL, body text) PARTITION BY RANGE (id);"
        "CREATE TABLE hosp.docs_p1 PARTITION OF hosp.docs FOR VALUES FROM (0) TO (10);"
        "CREATE TABLE hosp.docs_p2 PARTITION OF hosp.docs FOR VALUES FROM (10) TO (20);"
        "INSERT INTO hosp.docs VALUES (1, 'a'), (11, 'b');"
        "ALTER TABLE hosp.docs ADD CONSTRAINT lob_not_null_body CHECK (body IS NOT NULL) NOT VALID;",
    )
    done = pg_server.psql(_step_7b(design), db)
    assert done.returncode == 0, done.stderr
    with pg_server.connect(db) as conn:
        not_null = conn.execute(
            "SELECT attrelid::regclass::text, attnotnull FROM pg_attribute WHERE attname = 'body' "
            "AND attrelid IN ('hosp.docs'::regclass, 'hosp.docs_p1'::regclass, 'hosp.docs_p2'::regclass) ORDER BY 1"
        ).fetchall()
        left = conn.execute("SELECT count(*) FROM pg_constraint WHERE conname = 'lob_not_null_body'").fetchone()
    assert not_null == [("hosp.docs", True), ("hosp.docs_p1", True), ("hosp.docs_p2", True)] and left == (0,)
