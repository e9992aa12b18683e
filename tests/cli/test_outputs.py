"""No command loses a file: outputs are staged and put in place together, inputs are never written over, and files
another program wrote are never replaced or removed."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from migration.cli.argparsing import UsageError
from migration.cli.main import main
from migration.cli.outputs import publish_dir
from tests.helpers import ROOT


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A copy of the project's stack files, program and sample inventory: commands may try to write into it."""
    root = tmp_path / "project"
    (root / "tests" / "data").mkdir(parents=True)
    for name in ("Pulumi.yaml", "Pulumi.dev.yaml", "Pulumi.prod.yaml", "__main__.py", "README.md"):
        shutil.copy(ROOT / name, root / name)
    shutil.copytree(ROOT / "tests" / "data" / "inventory", root / "tests" / "data" / "inventory")
    return root


def snapshot(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def error_line(capsys: pytest.CaptureFixture[str]) -> str:
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("error: ") and "Traceback" not in err
    return err


def test_the_runbook_never_replaces_the_stack_file(project, capsys):
    before = snapshot(project)
    code = main(["--root", str(project), "runbook", "--stack", "prod", "--output", str(project / "Pulumi.prod.yaml")])
    assert code == 2 and "is an input of this command" in error_line(capsys)
    assert snapshot(project) == before


def test_the_ddl_never_replaces_the_inventory_it_reads(project, capsys):
    columns = project / "tests" / "data" / "inventory" / "columns.csv"
    before = columns.read_bytes()
    code = main(["inventory", "ddl", "--stack", "prod", "--root", str(project), "--output", str(columns)])
    assert code == 2 and "is an input of this command" in error_line(capsys)
    assert columns.read_bytes() == before


def test_a_file_another_program_wrote_is_not_replaced_but_an_earlier_runbook_is(project, tmp_path, capsys):
    theirs = tmp_path / "notes.md"
    theirs.write_text("my notes\n")
    args = ["--root", str(project), "runbook", "--stack", "prod", "--output"]
    assert main([*args, str(theirs)]) == 2
    assert "was not written by this command" in error_line(capsys)
    assert theirs.read_text() == "my notes\n"
    ours = tmp_path / "runbook.md"
    assert main([*args, str(ours)]) == 0 and main([*args, str(ours)]) == 0
    assert ours.read_text().startswith("# Cutover runbook: oracle2pg / stack prod")


def test_plan_into_the_project_directory_keeps_a_migration_plan_it_did_not_write(project, capsys):
    mine = project / "migration-plan.json"
    mine.write_text('{"kept": true}\n')
    code = main(
        ["--root", str(project), "plan", "--stack", "prod", "--out", str(project), "--set", "sizing.mode=manual"]
    )
    capsys.readouterr()
    assert code in (0, 3)
    assert mine.read_text() == '{"kept": true}\n'
    assert (project / "resources.json").is_file()


def test_plan_out_naming_a_file_is_one_line(project, capsys):
    before = snapshot(project)
    assert main(["--root", str(project), "plan", "--stack", "dev", "--out", str(project / "README.md")]) == 2
    assert "is a file; give a directory" in error_line(capsys)
    assert snapshot(project) == before


def test_a_write_that_fails_leaves_the_earlier_outputs_as_they_were(tmp_path):
    out = tmp_path / "plan"
    publish_dir(
        out, {"resources.json": "old\n", "a.task-settings.json": "old\n"}, flag="--out", inputs=set(), owned=["*.json"]
    )
    before = snapshot(out)
    too_long = "t" * 300 + ".task-settings.json"
    with pytest.raises(UsageError, match="cannot be written .*nothing was changed"):
        publish_dir(out, {"resources.json": "new\n", too_long: "x"}, flag="--out", inputs=set(), owned=["*.json"])
    assert snapshot(out) == before


def test_stale_documents_of_an_earlier_plan_are_removed_but_not_an_input(tmp_path):
    out = tmp_path / "plan"
    frozen = out / "migration-plan.json"
    publish_dir(
        out, {"resources.json": "1\n", "gone.task-settings.json": "1\n"}, flag="--out", inputs=set(), owned=["*.json"]
    )
    frozen.write_text("frozen\n")
    publish_dir(out, {"resources.json": "2\n"}, flag="--out", inputs={frozen.resolve()}, owned=["*.json"])
    assert sorted(p.name for p in out.iterdir()) == [".written-by-plan", "migration-plan.json", "resources.json"]
    assert frozen.read_text() == "frozen\n"


def test_root_with_an_equals_sign_and_a_relative_root_work_like_the_spaced_form(project, tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(project.parent)
    assert main([f"--root={project.name}", "inventory", "report", "--stack", "prod"]) == 0
    report = capsys.readouterr().out
    assert main(["--root", project.name, "plan", "--stack", "dev", "--out", str(tmp_path / "dev")]) == 0
    capsys.readouterr()
    assert report.startswith("APP.CUSTOMERS") and (tmp_path / "dev" / "resources.json").is_file()


def test_a_terminal_that_cannot_show_a_character_gets_an_escape_not_a_crash(tmp_path):
    env = {**os.environ, "PYTHONIOENCODING": "ascii", "PYTHONPATH": str(ROOT)}
    done = subprocess.run(
        [sys.executable, "-m", "migration", "plan", "--stack", "prod", "--out", str(tmp_path)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        encoding="ascii",
        errors="strict",
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    assert "\\u2500" in done.stdout  # the tree's box-drawing lines, escaped
