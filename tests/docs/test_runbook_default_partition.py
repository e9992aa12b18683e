"""The DEFAULT-partition check during CDC (re-trial on issue 21, A7): docs/inventory.md said to run it during CDC
but only the cutover part held it, and the way to move the rows was a comment there. Step 1 now lists the rows
(read-only) and says how to move them; both run here on a real PostgreSQL 15."""

from pathlib import Path

import pytest

from migration.config.stackfile import read_stack_file
from migration.docs.stack_docs import runbook
from migration.inventory.ddl_parts import render_ddl_part
from migration.planning.design import resolve

HOSPITAL = Path(__file__).resolve().parents[2] / "tests" / "data" / "hospital"
PAST = (
    "INSERT INTO hosp.lab_results (result_id, admission_id, result_date) VALUES "
    "(1, 1, '2025-11-14 10:00:00'), (2, 1, '2026-01-03 08:00:00'), (3, 1, '2026-01-20 09:00:00')"
)
# The move as step 1 words it, for the rows of January 2026 the check lists.
MOVE = """BEGIN;
ALTER TABLE hosp.lab_results DETACH PARTITION hosp.lab_results_default;
CREATE TABLE hosp.lab_results_p2026_01_01 PARTITION OF hosp.lab_results
  FOR VALUES FROM ('2026-01-01 00:00:00') TO ('2026-02-01 00:00:00');
INSERT INTO hosp.lab_results SELECT * FROM hosp.lab_results_default;
DELETE FROM hosp.lab_results_default;
ALTER TABLE hosp.lab_results ATTACH PARTITION hosp.lab_results_default DEFAULT;
COMMIT;"""


@pytest.fixture(scope="module")
def design():
    return resolve(read_stack_file(HOSPITAL, "hospital", []).load())


def _check(text: str) -> str:
    step = text[text.index("## 1. Pre-checks") : text.index("## 2.")]
    start = step.index("Interval-partitioned tables")
    block = step[step.index("<<'SQL'\n", start) + len("<<'SQL'\n") : step.index("\nSQL\n", start)]
    return block


def test_step_1_lists_default_partition_rows_during_cdc_and_says_how_to_move_them(pg_server, design):
    text = runbook(design)
    check = _check(text)
    assert "DETACH PARTITION parent_default" in text[text.index("## 1.") : text.index("## 2.")]
    before = render_ddl_part(design.inventory, design.objects, "before-load", names=design.names, tables=design.moved)
    db = pg_server.database("test_runbook_default_partition", before, PAST)
    listed = pg_server.psql(check, db)
    assert listed.returncode == 0, listed.stderr
    with pg_server.connect(db) as conn:
        rows = conn.execute(check).fetchall()
        assert rows == [("hosp.lab_results_default", 2, "2026-01-03 08:00:00", "2026-01-20 09:00:00")]
    pg_server.execute(MOVE, db)
    with pg_server.connect(db) as conn:
        assert conn.execute(check).fetchall() == []
        counts = conn.execute("SELECT tableoid::regclass::text, count(*) FROM hosp.lab_results GROUP BY 1 ORDER BY 1")
        assert counts.fetchall() == [("hosp.lab_results_p2025_11_01", 1), ("hosp.lab_results_p2026_01_01", 2)]


def test_a_full_load_only_stack_has_no_cdc_check(design):
    text = runbook(
        resolve(read_stack_file(HOSPITAL, "hospital", ["migration.type=full-load", "reverse.enabled=false"]).load())
    )
    assert "Interval-partitioned tables" not in text[text.index("## 1.") : text.index("## 2.")]
