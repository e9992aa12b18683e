"""`plan --deployed FILE` reads the deployed stack's outputs however they were saved: `pulumi stack output --json`
(wrapped) or `pulumi stack output deployedState --json` (inner), in UTF-8 with or without a BOM or in UTF-16 with a
BOM (PowerShell's `>`), and checks both forms alike."""

from __future__ import annotations

import codecs
import json
import shutil
from pathlib import Path

import pytest

from migration.cli.main import main
from migration.config.stackfile import read_stack_file
from migration.planning.design import resolve
from migration.planning.transitions import deployed_state
from tests.helpers import ROOT


def _state() -> dict:
    # prod ships startTask: false: the state of a prod that has been started
    return deployed_state(resolve(read_stack_file(ROOT, "prod", ["migration.startTask=true"]).load()), None)


def _plan(capsys: pytest.CaptureFixture[str], tmp_path: Path, body: bytes) -> tuple[int, str, str]:
    deployed = tmp_path / "deployed.json"
    deployed.write_bytes(body)
    code = main(["plan", "--stack", "prod", "--deployed", str(deployed), "--out", str(tmp_path / "out")])
    out, err = capsys.readouterr()
    return code, out, err


@pytest.mark.parametrize(
    "encode",
    [
        lambda t: t.encode("utf-8"),
        lambda t: codecs.BOM_UTF8 + t.encode("utf-8"),
        lambda t: codecs.BOM_UTF16_LE + t.encode("utf-16-le"),
        lambda t: codecs.BOM_UTF16_BE + t.encode("utf-16-be"),
    ],
    ids=["utf-8", "utf-8-bom", "utf-16-le-bom", "utf-16-be-bom"],
)
@pytest.mark.parametrize("form", ["wrapped", "inner"])
def test_every_way_of_saving_the_outputs_is_read(capsys, tmp_path, encode, form):
    state = _state()
    doc = {"deployedState": state} if form == "wrapped" else state
    code, out, err = _plan(capsys, tmp_path, encode(json.dumps(doc)))
    assert (code, err) == (0, "")
    assert out.startswith("Offline plan of stack 'prod'")


@pytest.mark.parametrize("form", ["wrapped", "inner"])
def test_another_region_is_refused_in_either_form(capsys, tmp_path, form):
    state = {**_state(), "region": "us-east-1"}
    doc = {"deployedState": state} if form == "wrapped" else state
    code, out, err = _plan(capsys, tmp_path, json.dumps(doc).encode())
    assert (code, out) == (2, "")
    assert err.startswith("error: aws:region: the stack is deployed in us-east-1") and err.count("\n") == 1
    assert not (tmp_path / "out").exists()


def test_utf_16_without_a_bom_gets_a_hint(capsys, tmp_path):
    code, out, err = _plan(capsys, tmp_path, json.dumps({"deployedState": _state()}).encode("utf-16-le"))
    assert (code, out) == (2, "")
    assert "neither UTF-8 nor UTF-16 with a BOM" in err and "Out-File -Encoding utf8" in err


# ------------------------------------------------------------------ each task's tables, recorded in deployedState

PLAN_FILE = "inv/prod-migration-plan.json"


def _project(root: Path) -> Path:
    """A copy of the repo's prod stack with its inventory and frozen plan under inv/, which a test may edit."""
    root.mkdir()
    for name in ("Pulumi.yaml", "__main__.py"):
        shutil.copy(ROOT / name, root / name)
    shutil.copytree(ROOT / "tests/data/inventory", root / "inv")
    prod = (ROOT / "Pulumi.prod.yaml").read_text(encoding="utf-8").replace("tests/data/inventory/", "inv/")
    (root / "Pulumi.prod.yaml").write_text(prod, encoding="utf-8")
    return root


def _move(root: Path, table: list[str], to: str) -> None:
    """Move a table to another task in the project's frozen plan file."""
    plan = json.loads((root / PLAN_FILE).read_text(encoding="utf-8"))
    for task in plan["tasks"]:
        task["tables"] = [t for t in task["tables"] if t != table] + ([table] if task["name"] == to else [])
    (root / PLAN_FILE).write_text(json.dumps(plan, indent=2), encoding="utf-8")


def _plan_project(capsys, root: Path, state: dict) -> tuple[int, str, str]:
    (root / "deployed.json").write_text(json.dumps({"deployedState": state}), encoding="utf-8")
    argv = ["--root", str(root), "plan", "--stack", "prod", "--deployed", str(root / "deployed.json")]
    code = main([*argv, "--out", str(root / "out")])
    out, err = capsys.readouterr()
    return code, out, err


def test_a_table_moved_between_running_tasks_in_the_plan_file_is_destructive(capsys, tmp_path):
    root = _project(tmp_path / "project")
    state = _state()
    assert state["tasks"]["oracle2pg-prod-load-01"]["hasRun"] is True
    _move(root, ["HR", "EMPLOYEES"], "nokey-01")
    code, out, err = _plan_project(capsys, root, state)
    assert (code, err) == (3, "")
    assert (
        "task oracle2pg-prod-load-01 (load-01) has run and its tables change (out: HR.EMPLOYEES (to nokey-01))" in out
    )
    assert (
        "task oracle2pg-prod-nokey-01 (nokey-01) has run and its tables change (in: HR.EMPLOYEES (from load-01))" in out
    )


def test_a_task_that_has_not_run_gets_a_note_and_big_stacks_give_counts(capsys, tmp_path):
    root = _project(tmp_path / "project")
    state = _state()
    for task in state["tasks"].values():
        task["hasRun"] = False
        del task["tables"]["names"]  # as recorded above the names cap: count and digest only
    _move(root, ["HR", "EMPLOYEES"], "nokey-01")
    code, out, err = _plan_project(capsys, root, state)
    assert (code, err) == (0, "")
    assert "task oracle2pg-prod-load-01 (load-01) has not run; its tables change (5 tables when deployed, 4 now" in out


def test_a_state_written_before_the_table_record_is_read_and_said_once(capsys, tmp_path):
    root = _project(tmp_path / "project")
    state = _state()
    for task in state["tasks"].values():
        del task["tables"]
    _move(root, ["HR", "EMPLOYEES"], "nokey-01")
    code, out, err = _plan_project(capsys, root, state)
    assert (code, err) == (0, "")
    assert out.count("the deployed state predates the per-task table record") == 1
    assert "its tables change" not in out


def test_an_unchanged_split_passes_quietly(capsys, tmp_path):
    code, out, err = _plan_project(capsys, _project(tmp_path / "project"), _state())
    assert (code, err) == (0, "")
    assert "tables change" not in out and "predates" not in out
