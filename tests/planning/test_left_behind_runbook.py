"""When and how the runbook moves what no task moves (re-trial on issue 21, A3 and A8): a numbered step after the
drain, once the forward tasks stopped and before the reverse slot (a key-less table reloaded earlier gets its task's
cached inserts on top, twice); the Oracle extract written to a file and run with @, where SET TERMOUT OFF holds
(piped in, every spooled row scrolled on the terminal)."""

import subprocess
from pathlib import Path

import pytest

from migration.config.stackfile import read_stack_file
from migration.docs.stack_docs import runbook
from migration.planning.design import resolve

HOSPITAL = Path(__file__).resolve().parents[1] / "data" / "hospital"


@pytest.fixture(scope="module")
def text():
    return runbook(resolve(read_stack_file(HOSPITAL, "hospital", []).load()))


def test_the_left_behind_step_comes_after_the_drain_once_the_tasks_stopped_before_the_slot(text):
    step = text.index("## 4b. Move what no task moves")
    assert text.index("## 3. Drain") < text.index("## 4. Cutover") < step < text.index("## 5. Capture")
    assert step < text.index("pg_create_logical_replication_slot")
    assert "appendix *Left behind*" in text[step : text.index("## 5. Capture")]
    appendix = text[text.index("## Appendix: left behind") :]
    assert "move it by hand in step 4b" in appendix and "after the freeze (step 2)" not in appendix


def test_the_by_hand_way_of_a_keyless_lob_table_points_at_the_step(text):
    row = next(line for line in text.splitlines() if line.startswith("| HOSP.AUDIT_TRAIL.DETAILS (CLOB) |"))
    assert "once the forward tasks stopped (runbook step 4b) copy the table whole" in row


def test_the_extract_runs_from_a_file_with_at_and_reads_nothing_piped(text, tmp_path):
    """The block as printed, with a stub sqlplus recording its arguments and what it was fed on stdin."""
    appendix = text[text.index("## Appendix: left behind") :]
    start = appendix.index("cat > left_behind_extract.sql")
    block = appendix[start : appendix.index("```", start)]
    script = "\n".join(['sqlplus() { printf "%s\\n" "$@" > args; cat > stdin; }', 'ORA="dms/pw@orcl"', block])
    done = subprocess.run(["bash", "-c", script], cwd=tmp_path, capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "args").read_text().split() == ["-S", "dms/pw@orcl", "@left_behind_extract.sql"]
    assert (tmp_path / "stdin").read_text() == ""
    extract = (tmp_path / "left_behind_extract.sql").read_text().splitlines()
    assert extract[0] == "WHENEVER SQLERROR EXIT FAILURE" and extract[-1] == "EXIT"
    assert "SPOOL HOSP.AUDIT_TRAIL.csv" in extract and any("TERMOUT OFF" in line for line in extract)
