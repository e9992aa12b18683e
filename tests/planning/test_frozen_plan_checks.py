"""The frozen plan (sizing.planFile) never silently wins over config or the inventory: a table the config no longer
selects, a parallel-load entry the inventory contradicts, an instance that is not one — each a one-line error naming
the plan file, the task and the table."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Callable

import pytest

from migration.config import ConfigError
from migration.config.stackfile import read_stack_file
from migration.planning.design import resolve
from tests.helpers import ROOT

PLAN = "prod-migration-plan.json"


def _resolve_with(tmp_path: Path, edit: Callable[[dict[str, Any]], None] | None, *sets: str) -> Any:
    doc = json.loads((ROOT / "tests/data/inventory" / PLAN).read_text(encoding="utf-8"))
    if edit is not None:
        edit({t["name"]: t for t in doc["tasks"]})
    frozen = tmp_path / PLAN
    frozen.write_text(json.dumps(doc), encoding="utf-8")
    return resolve(read_stack_file(ROOT, "prod", [f"sizing.planFile={frozen}", *sets]).load())


def _refused(tmp_path: Path, edit: Callable[[dict[str, Any]], None] | None, *sets: str) -> str:
    with pytest.raises(ConfigError) as err:
        _resolve_with(tmp_path, edit, *sets)
    text = str(err.value)
    assert "\n" not in text and text.startswith("oracle2pg:sizing.planFile: ") and PLAN in text
    assert err.value.key == "sizing.planFile"
    return text


def test_a_table_the_config_now_excludes_is_refused(tmp_path):
    text = _refused(tmp_path, None, "migration.exclude=[APP.AUDIT_LOG]")
    assert "task nokey-01 lists APP.AUDIT_LOG, which the config does not select (migration.exclude matches it)" in text


def test_tables_of_a_schema_removed_from_the_config_are_refused(tmp_path):
    text = _refused(tmp_path, None, "migration.schemas=[APP]")
    assert "task load-01 lists HR.DEPARTMENTS" in text and "its schema HR is not in migration.schemas (APP)" in text


def test_a_hand_added_table_of_an_unconfigured_schema_is_refused(tmp_path):
    """SCOTT.EMP is in the inventory (added by hand here) but SCOTT is no configured schema."""
    inv = tmp_path / "inv"
    inv.mkdir()
    for name in ("columns.csv", "tables.csv", "lobs.csv", "keys.csv"):
        (inv / name).write_text((ROOT / "tests/data/inventory" / name).read_text(encoding="utf-8"), encoding="utf-8")
    with open(inv / "tables.csv", "a", encoding="utf-8") as fh:
        fh.write('"SCOTT","EMP",14,8192,"N","N","NO"\n')
    with open(inv / "columns.csv", "a", encoding="utf-8") as fh:
        fh.write('"SCOTT","EMP","EMPNO","NUMBER",22,4,0,"N",,0\n')
    paths = [f"inventory.{n}={inv / (n + '.csv')}" for n in ("columns", "tables", "lobs", "keys")]
    text = _refused(tmp_path, lambda t: t["load-01"]["tables"].append(["SCOTT", "EMP"]), *paths)
    assert "task load-01 lists SCOTT.EMP" in text and "its schema SCOTT is not in migration.schemas" in text


@pytest.mark.parametrize(
    ("edit", "expect"),
    [
        (
            lambda t: t["big-documents"]["parallel_load"]["APP.DOCUMENTS"].update(columns=["NO_SUCH"]),
            "column NO_SUCH is not a column of the table in the inventory",
        ),
        (
            lambda t: t["big-documents"]["parallel_load"]["APP.DOCUMENTS"]["boundaries"].reverse(),
            "boundaries out of order: 77916 then 70833",
        ),
        (
            lambda t: t["big-documents"]["parallel_load"]["APP.DOCUMENTS"].update(type="partitions-auto"),
            "partitions-auto on a table the inventory does not list as partitioned",
        ),
        (
            lambda t: t["big-documents"]["parallel_load"]["APP.DOCUMENTS"].update(type="stripes"),
            "type 'stripes' is not one of",
        ),
        (
            lambda t: t["big-documents"]["parallel_load"]["APP.DOCUMENTS"].update(boundaries=[["1", "2"]]),
            "must hold one value per column (1)",
        ),
    ],
    ids=["missing-column", "boundaries-out-of-order", "partitions-auto-unpartitioned", "unknown-type", "width"],
)
def test_parallel_load_entries_are_checked_against_the_inventory(tmp_path, edit, expect):
    text = _refused(tmp_path, edit)
    assert "task big-documents: parallel_load of APP.DOCUMENTS: " in text and expect in text


def test_a_negative_instance_is_reported_as_it_is(tmp_path):
    text = _refused(tmp_path, lambda t: t["load-01"].update(instance=-1))
    assert 'task load-01: "instance": -1 is not an instance' in text and "instance 0" not in text


def test_the_shipped_frozen_plan_passes_its_checks(tmp_path):
    design = _resolve_with(tmp_path, None)
    assert [t.name for t in design.plan.tasks] == ["big-documents", "big-orders", "load-01", "nokey-01"]
