"""A LONG / LONG RAW column cannot be measured in place, so its bulk-max-size is a guess (issue 22 re-trial B7):
with FailTasksOnLobTruncation one larger value stops the task, so the plan says so as a WARNING with the SQL that
measures it, not only as a task decision."""

from __future__ import annotations

from pathlib import Path

from migration.config.stackfile import read_stack_file
from migration.planning.design import resolve

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "tests" / "data" / "inventory"


def _keyed_audit_log(tmp_path: Path, *overrides: str):
    """prod with APP.AUDIT_LOG (a LONG column DETAILS, never measured) given a primary key, so it keeps its LONG."""
    keys = tmp_path / "keys.csv"
    keys.write_text((DATA / "keys.csv").read_text() + '"APP","AUDIT_LOG","P","EVENT_TS",1,"AUDIT_LOG_PK"\n')
    tables = tmp_path / "tables.csv"
    old = '"APP","AUDIT_LOG",3200000,2147483648,"N"'
    assert old in (DATA / "tables.csv").read_text()
    tables.write_text((DATA / "tables.csv").read_text().replace(old, '"APP","AUDIT_LOG",3200000,2147483648,"Y"'))
    sets = [f"inventory.keys={keys}", f"inventory.tables={tables}", 'migration.lobUpdatesNotReplicated=["APP.%"]']
    return resolve(read_stack_file(ROOT, "prod", [*sets, *overrides]).load())


def test_an_unmeasured_long_is_a_warning_with_the_sql_that_measures_it(tmp_path):
    design = _keyed_audit_log(tmp_path)
    (text,) = [n.text for n in design.notices if n.code == "lob-size-guessed"]
    assert [n.level for n in design.notices if n.code == "lob-size-guessed"] == ["warning"]
    assert text.startswith("APP.AUDIT_LOG: LOB size not measured (DETAILS): bulk-max-size 64 KB is a guess")
    assert "one larger value stops the task (FailTasksOnLobTruncation)" in text
    assert "CREATE TABLE scratch_lob AS SELECT TO_LOB(DETAILS) AS v FROM APP.AUDIT_LOG" in text
    assert 'add it to lobs.csv ("APP","AUDIT_LOG","DETAILS",MAX_BYTES)' in text


def test_without_fail_on_truncation_the_warning_says_the_value_is_cut(tmp_path):
    design = _keyed_audit_log(tmp_path, "source.settings.failTasksOnLobTruncation=false")
    (text,) = [n.text for n in design.notices if n.code == "lob-size-guessed"]
    assert "one larger value is cut silently" in text


def test_measured_lobs_give_no_such_warning():
    design = resolve(read_stack_file(ROOT, "prod", []).load())
    assert not [n for n in design.notices if n.code == "lob-size-guessed"]
