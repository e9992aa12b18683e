"""The take-back script (runbook step 8.6) moves every Oracle sequence under its exact name, or fails loudly.

DBA trial on issue 21, finding 3: the query printed `bump('LOGI', 'DOCSEQ', 200060);` for the Oracle sequence
`"DocSeq"`: ORA-01403 aborted the whole block, so no other sequence moved either, and nothing made sqlplus fail.
The query runs on a real PostgreSQL 15 here; the Oracle script it prints is asserted as text."""

import re
import shutil
from pathlib import Path

import pytest

from migration.config.stackfile import read_stack_file
from migration.docs.stack_docs import runbook
from migration.inventory.ddl_parts import render_ddl_part
from migration.planning.design import resolve

HOSPITAL = Path(__file__).resolve().parents[1] / "data" / "hospital"
MIXED_CASE = '"HOSP","DocSeq","200060","1","20","1","9999999999999999999999999999","N"\n'


@pytest.fixture(scope="module")
def design(tmp_path_factory):
    root = tmp_path_factory.mktemp("take_back") / "hospital"
    shutil.copytree(HOSPITAL, root)
    with (root / "sequences.csv").open("a", encoding="utf-8") as f:
        f.write(MIXED_CASE)
    return resolve(read_stack_file(root, "hospital", []).load())


def _take_back_query(text: str) -> str:
    match = re.search(r"cat > oracle_sequences_query.sql <<'SQL'\n(.*?)\nSQL\n", text, re.S)
    assert match, "step 6 lost the take-back query"
    return match[1]


@pytest.fixture(scope="module")
def script(design, pg_server):
    """What the DBA's `psql -At -f oracle_sequences_query.sql` prints at take-back, after PostgreSQL handed out
    keys past Oracle's: every sequence the before-load part created has moved on."""
    db = pg_server.database(
        "test_take_back_exact_names", render_ddl_part(design.inventory, design.objects, "before-load")
    )
    with pg_server.connect(db) as conn:
        conn.execute(
            "SELECT setval(format('%I.%I', schemaname, sequencename), 900000) FROM pg_sequences "
            "WHERE schemaname = 'hosp' AND increment_by > 0"
        )
        (out,) = conn.execute(_take_back_query(runbook(design))).fetchone()
    return out


def test_every_sequence_is_bumped_under_its_exact_oracle_name(script):
    bumps = sorted(line.strip() for line in script.splitlines() if line.startswith("  bump("))
    assert bumps == [
        "bump('HOSP', 'DocSeq', 900000);",
        "bump('HOSP', 'INVOICE_NO_SEQ', 900000);",
        "bump('HOSP', 'LAB_RESULT_SEQ', 900000);",
        "bump('HOSP', 'NOTE_SEQ', 900000);",
        "bump('HOSP', 'WARD_SEQ', 900000);",
    ]


def test_the_script_exits_with_a_failure_when_one_sequence_does_not_move_and_moves_the_others(script):
    lines = script.splitlines()
    assert lines[0] == "WHENEVER SQLERROR EXIT FAILURE"
    body = script[script.index("PROCEDURE bump") : script.index("\nBEGIN\n")]
    # one failing sequence is recorded and the next bump() still runs ...
    assert "EXCEPTION WHEN OTHERS THEN\n    failed := failed + 1;" in body
    assert "DBMS_OUTPUT.PUT_LINE('FAILED '" in body
    # ... and after the last one the block raises, which WHENEVER SQLERROR turns into sqlplus's exit status
    tail = lines[[i for i, line in enumerate(lines) if line.startswith("  bump(")][-1] + 1 :]
    assert tail[:2] == [
        "  IF failed > 0 THEN",
        "    RAISE_APPLICATION_ERROR(-20001, failed || ' sequence(s) did not move: see the FAILED lines above');",
    ]
    assert tail[-3:] == ["END;", "/", "EXIT"]


def test_the_runbook_says_a_failed_take_back_is_not_done(design):
    fallback = runbook(design)
    step = fallback[fallback.index("6. Move Oracle's sequences past PostgreSQL's") :]
    assert 'sqlplus -S "$ORA" @oracle_sequences.sql </dev/null || echo "NOT DONE' in step
    assert "FAILED" in step.split("7. Switch the applications back")[0]
