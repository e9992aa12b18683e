"""`plan --against REF` renders "before" from REF's own tree: the stack file, the inventory CSVs and the frozen plan
file as committed there, so an edit to any of them shows with the exit code it deserves."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from migration.cli.main import main
from tests.helpers import ROOT, committed_prod_project, git

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="needs git")
PLAN_FILE = "tests/data/inventory/prod-migration-plan.json"


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """A project committed in a git repository of its own: the program, the prod stack and its inventory."""
    return committed_prod_project(tmp_path)


def _against(capsys: pytest.CaptureFixture[str], repo: Path, *extra: str) -> tuple[int, str, str]:
    out_dir = repo.parent / "out"
    code = main(["--root", str(repo), "plan", "--stack", "prod", "--against", "HEAD", "--out", str(out_dir), *extra])
    out, err = capsys.readouterr()
    return code, out, err


def _edit_plan(repo: Path, edit) -> None:  # type: ignore[no-untyped-def]
    path = repo / PLAN_FILE
    doc = json.loads(path.read_text(encoding="utf-8"))
    edit({t["name"]: t for t in doc["tasks"]})
    path.write_text(json.dumps(doc, indent=2), encoding="utf-8")


def test_an_unchanged_tree_is_no_change(capsys, repo):
    code, out, err = _against(capsys, repo)
    assert (code, err) == (0, "")
    assert "compared with Pulumi.prod.yaml at HEAD: no change" in out.splitlines()[0]


def test_a_raised_lob_size_shows_as_the_task_update(capsys, repo):
    lobs = repo / "tests/data/inventory/lobs.csv"
    text = lobs.read_text(encoding="utf-8")
    assert '"APP","DOCUMENTS","DOC_PDF",5242880' in text
    lobs.write_text(text.replace('"APP","DOCUMENTS","DOC_PDF",5242880', '"APP","DOCUMENTS","DOC_PDF",6291456'))
    code, out, err = _against(capsys, repo)
    assert (code, err) == (0, ""), out  # a LOB size moves no table: a note, not a destructive change
    assert "compared with Pulumi.prod.yaml at HEAD: 1 to update" in out.splitlines()[0]
    assert "update   migration-task-big-documents" in out and "replicationTaskSettings, tableMappings" in out
    assert "NOTE: migration-task-big-documents changes only the table settings of its mappings" in out


def test_a_table_moved_between_tasks_in_the_frozen_plan_is_destructive(capsys, repo):
    def move(tasks):  # type: ignore[no-untyped-def]
        tasks["load-01"]["tables"].remove(["HR", "EMPLOYEES"])
        tasks["nokey-01"]["tables"].append(["HR", "EMPLOYEES"])

    _edit_plan(repo, move)
    code, out, err = _against(capsys, repo)
    assert (code, err) == (3, "")
    assert "WARNING: migration-task-load-01 changes its table mappings" in out
    assert "WARNING: migration-task-nokey-01 changes its table mappings" in out


def test_a_table_removed_from_a_task_in_the_frozen_plan_shows(capsys, repo):
    _edit_plan(repo, lambda tasks: tasks["load-01"]["tables"].remove(["HR", "JOB_HISTORY"]))
    code, out, err = _against(capsys, repo)
    assert err == "" and code == 3
    assert "update   migration-task-load-01" in out and "tableMappings" in out
    assert "HR.JOB_HISTORY is not in the frozen plan" in out


def test_a_ref_with_a_path_is_a_usage_error_not_a_new_stack(capsys, repo):
    out_dir = repo.parent / "out"
    code = main(
        ["--root", str(repo), "plan", "--stack", "prod", "--against", "HEAD:Pulumi.yaml", "--out", str(out_dir)]
    )
    out, err = capsys.readouterr()
    assert (code, out) == (2, "")
    assert err.startswith("error: --against: 'HEAD:Pulumi.yaml' is not a git ref;") and err.count("\n") == 1
    assert not out_dir.exists()


def test_the_before_side_reads_its_own_stack_file_relative_paths(capsys, repo):
    """A plan file moved in the change: before reads it where REF's stack file says, after where today's says."""
    (repo / "frozen").mkdir()
    shutil.move(repo / PLAN_FILE, repo / "frozen/plan.json")
    stack = repo / "Pulumi.prod.yaml"
    stack.write_text(stack.read_text(encoding="utf-8").replace(PLAN_FILE, "frozen/plan.json"), encoding="utf-8")
    code, out, err = _against(capsys, repo)
    assert (code, err) == (0, "")
    assert "no change" in out.splitlines()[0]


def test_a_project_in_a_subdirectory_of_the_repository(capsys, tmp_path):
    """The project's tree at REF is its directory's, wherever the repository's top is."""
    top = tmp_path / "top"
    project = top / "infra" / "dms"
    project.mkdir(parents=True)
    for name in ("Pulumi.yaml", "__main__.py", "Pulumi.prod.yaml"):
        shutil.copy(ROOT / name, project / name)
    shutil.copytree(ROOT / "tests/data/inventory", project / "tests/data/inventory")
    git(top, "init", "-q")
    git(top, "add", ".")
    git(top, "commit", "-qm", "base")
    lobs = project / "tests/data/inventory/lobs.csv"
    lobs.write_text(lobs.read_text(encoding="utf-8").replace(",5242880", ",6291456"), encoding="utf-8")
    code = main(["--root", str(project), "plan", "--stack", "prod", "--against", "HEAD", "--out", str(tmp_path / "o")])
    out, err = capsys.readouterr()
    assert (code, err) == (0, ""), out  # LOB settings change, no table moves: not destructive
    assert "compared with Pulumi.prod.yaml at HEAD: 1 to update" in out.splitlines()[0]
