"""The CI engineer's trial of the review gate (issue 23): the gate never writes over its `--deployed` file nor a file
it did not create, an empty outputs file is refused, a lowered LOB limit of a running task is destructive."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from migration.cli.main import main
from migration.config.stackfile import read_stack_file
from migration.planning.design import resolve
from migration.planning.transitions import deployed_state
from tests.helpers import ROOT, committed_prod_project, git

LOBS = "tests/data/inventory/lobs.csv"


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """The prod stack with its inventory and frozen plan, committed; its load runs (a task that has run is what a
    lowered LOB limit threatens)."""
    return committed_prod_project(tmp_path, start_task=True)


def plan(capsys: pytest.CaptureFixture[str], repo: Path, *argv: str) -> tuple[int, str, str]:
    code = main(["--root", str(repo), "plan", "--stack", "prod", *argv])
    out, err = capsys.readouterr()
    return code, out, err


def ran_state() -> dict:
    """The prod stack's deployedState with every task marked as run."""
    state = deployed_state(resolve(read_stack_file(ROOT, "prod").load()), None)
    for task in state["tasks"].values():
        task["hasRun"] = True
    return {"deployedState": state}


# ---------------------------------------------------------------------------------------- finding 1: --deployed


@pytest.mark.parametrize("how", ["same-path", "symlink", "out-dot"])
def test_the_deployed_file_is_never_overwritten_by_the_planned_outputs(capsys, repo, how):
    deployed = json.dumps(ran_state()).encode()
    out_dir = repo if how == "out-dot" else repo / "plan" / "prod"
    out_dir.mkdir(parents=True, exist_ok=True)
    (out_dir / "outputs.json").write_bytes(deployed)
    given = out_dir / "outputs.json"
    if how == "symlink":
        (repo / "link.json").symlink_to(given)
        given = repo / "link.json"
    code, out, err = plan(capsys, repo, "--deployed", str(given), "--out", str(out_dir))
    assert (code, out) == (2, "")
    assert "would overwrite outputs.json, an input of this command" in err and err.count("\n") == 1
    assert (out_dir / "outputs.json").read_bytes() == deployed


# ---------------------------------------------------------------------------------------- finding 4: no state


@pytest.mark.parametrize("body", [{}, {"phase": "replicate", "alarmTopicArn": "arn:x"}], ids=["empty", "no-state"])
def test_outputs_without_deployed_state_are_refused(capsys, repo, tmp_path, body):
    deployed = tmp_path / "deployed.json"
    deployed.write_text(json.dumps(body), encoding="utf-8")
    code, out, err = plan(capsys, repo, "--deployed", str(deployed), "--out", str(tmp_path / "out"))
    assert (code, out) == (2, "")
    assert f"--deployed: {deployed} holds no deployedState output" in err and "omit --deployed" in err
    assert err.count("\n") == 1 and not (tmp_path / "out").exists()


# ------------------------------------------------------------------------------------ finding 5: files not ours


def test_a_file_plan_did_not_write_is_kept_and_its_own_files_are_rewritten(capsys, repo, tmp_path):
    out_dir = tmp_path / "bad"
    assert plan(capsys, repo, "--out", str(out_dir))[0] == 0
    assert plan(capsys, repo, "--out", str(out_dir))[0] == 0  # its own earlier files: rewritten
    (out_dir / "outputs.json").write_text("my notes\n", encoding="utf-8")
    code, out, err = plan(capsys, repo, "--out", str(out_dir))
    assert (code, out) == (2, "")
    assert "outputs.json exists and was not written by this command" in err and err.count("\n") == 1
    assert (out_dir / "outputs.json").read_text(encoding="utf-8") == "my notes\n"


def test_a_directory_plan_never_filled_loses_nothing(capsys, repo, tmp_path):
    out_dir = tmp_path / "mine"
    out_dir.mkdir()
    (out_dir / "resources.json").write_text("my notes\n", encoding="utf-8")
    code, _, err = plan(capsys, repo, "--out", str(out_dir))
    assert code == 2 and "resources.json exists and was not written by this command" in err
    assert [p.name for p in out_dir.iterdir()] == ["resources.json"]


@pytest.mark.parametrize("target", [".git", ".git/plan"])
def test_nothing_is_written_inside_a_git_directory(capsys, repo, target):
    before = sorted(p.name for p in (repo / ".git").iterdir())
    code, out, err = plan(capsys, repo, "--out", str(repo / target))
    assert (code, out) == (2, "")
    assert "is inside a .git directory" in err
    assert sorted(p.name for p in (repo / ".git").iterdir()) == before


# ---------------------------------------------------------------------------------- finding 3: LOB limit lowered


def test_a_header_only_lobs_file_lowering_a_running_tasks_limit_is_destructive(capsys, repo):
    lobs = repo / LOBS
    lobs.write_text(lobs.read_text(encoding="utf-8").splitlines()[0] + "\n", encoding="utf-8")
    code, out, err = plan(capsys, repo, "--against", "HEAD", "--out", str(repo.parent / "out"))
    assert (code, err) == (3, "")
    lines = [line for line in out.splitlines() if "lowers APP.DOCUMENTS bulk-max-size" in line]
    # Said once, by the deployed-state check (pulumi up says it too), not again by the rendered comparison.
    assert len(lines) == 1 and lines[0].startswith("WARNING (pulumi up would say it too): task oracle2pg-prod-")
    assert "from 15360 KB to 447 KB" in lines[0] and "truncated" in lines[0]


def test_a_raised_lob_limit_stays_a_note(capsys, repo):
    lobs = repo / LOBS
    lobs.write_text(lobs.read_text(encoding="utf-8").replace("5242880", "6291456"), encoding="utf-8")
    code, out, err = plan(capsys, repo, "--against", "HEAD", "--out", str(repo.parent / "out"))
    assert (code, err) == (0, "")
    assert "changes only the table settings" in out and "lowers" not in out


# ------------------------------------------------------------------------- finding 2: inputs outside REF's tree


def export_outside(repo: Path, tmp_path: Path) -> Path:
    """The lobs export kept outside the repository, named by absolute path in the committed stack file."""
    lobs = tmp_path / "exports" / "lobs.csv"
    lobs.parent.mkdir()
    shutil.copy(repo / LOBS, lobs)
    stack = repo / "Pulumi.prod.yaml"
    stack.write_text(stack.read_text(encoding="utf-8").replace(LOBS, str(lobs)), encoding="utf-8")
    git(repo, "commit", "-qam", "export outside the repository")
    return lobs


def test_an_input_outside_refs_tree_is_named_in_the_comparison(capsys, repo, tmp_path):
    lobs = export_outside(repo, tmp_path)
    code, out, err = plan(capsys, repo, "--against", "HEAD", "--out", str(tmp_path / "out"))
    assert (code, err) == (0, "")
    lines = [line for line in out.splitlines() if "outside the tree at HEAD" in line]
    assert len(lines) == 1 and lines[0].startswith("WARNING: read from outside the tree at HEAD, so both sides")
    assert lines[0].endswith(str(lobs))


def test_an_error_in_todays_file_outside_the_tree_is_todays(capsys, repo, tmp_path):
    lobs = export_outside(repo, tmp_path)
    lobs.write_text('"OWNER","TABLE_NAME","COLUMN_NAME","MAX_BYTES"\n"APP","DOCUMENTS","DOC_BODY",-1\n')
    code, out, err = plan(capsys, repo, "--against", "HEAD", "--out", str(tmp_path / "out"))
    assert (code, out) == (2, "")
    assert err.startswith("error: Pulumi.prod.yaml in the working tree: ") and "at HEAD" not in err


# ------------------------------------------------------------------ finding 6: the reason a table is left behind

PLAN_FILE = "tests/data/inventory/prod-migration-plan.json"


def test_a_table_missing_from_the_frozen_plan_says_so_not_excluded(capsys, repo, tmp_path):
    path = repo / PLAN_FILE
    doc = json.loads(path.read_text(encoding="utf-8"))
    for task in doc["tasks"]:
        task["tables"] = [t for t in task["tables"] if t != ["HR", "EMPLOYEES"]]
    path.write_text(json.dumps(doc, indent=2), encoding="utf-8")
    code, out, err = plan(capsys, repo, "--out", str(tmp_path / "out"))
    lines = [line for line in (out + err).splitlines() if "HR.EMPLOYEES" in line and "left behind" in line]
    assert lines and all(f"HR.EMPLOYEES: not in the frozen plan file {PLAN_FILE}" in line for line in lines), lines
    assert "excluded by migration.include/exclude" not in "".join(lines)


# ------------------------------------------------------------------------------ finding 8: misleading answers


def test_a_frozen_plan_with_a_utf8_bom_is_read_like_the_csvs(capsys, repo, tmp_path):
    path = repo / PLAN_FILE
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())
    code, out, err = plan(capsys, repo, "--out", str(tmp_path / "out"))
    assert (code, err) == (0, "")
    assert out.startswith("Offline plan of stack 'prod'")


# ------------------------------------------------------------------------------------------ finding 9: advice


def test_a_move_in_a_frozen_plan_does_not_advise_freezing_it(capsys, repo):
    path = repo / PLAN_FILE
    doc = json.loads(path.read_text(encoding="utf-8"))
    for task in doc["tasks"]:
        task["tables"] = [t for t in task["tables"] if t != ["HR", "EMPLOYEES"]]
        if task["name"] == "nokey-01":
            task["tables"].append(["HR", "EMPLOYEES"])
    path.write_text(json.dumps(doc, indent=2), encoding="utf-8")
    code, out, err = plan(capsys, repo, "--against", "HEAD", "--out", str(repo.parent / "out"))
    assert (code, err) == (3, "")
    assert "Freeze the split with sizing.planFile" not in out
    assert f"The split is frozen in {PLAN_FILE}: this change comes from an edit to that file" in out


def test_an_engine_upgrade_says_dms_stops_the_tasks(capsys, repo):
    code, out, err = plan(capsys, repo, "--set", "replicationInstance.engineVersion=3.6.2", "--out", str(repo / "o"))
    assert err == "" and code in (0, 3)
    lines = [line for line in out.splitlines() if "upgrades its engine version" in line]
    assert len(lines) == 1 and lines[0].startswith("NOTE the replication instance upgrades its engine version 3.6.1")
    assert "DMS stops every task on the instance" in lines[0]


@pytest.mark.parametrize(
    ("setting", "expect"),
    [
        ("sizing.planFile=plans/nope.json", "oracle2pg:sizing.planFile: cannot read plans/nope.json ("),
        ("inventory.lobs=exports/nope.csv", "oracle2pg:inventory.lobs: file not found: exports/nope.csv\n"),
    ],
)
def test_error_paths_are_named_as_the_stack_file_names_them(capsys, repo, tmp_path, setting, expect):
    code, out, err = plan(capsys, repo, "--set", setting, "--out", str(tmp_path / "out"))
    assert (code, out) == (2, "")
    assert expect in err and str(repo) not in err


# ------------------------------------------------ re-trial: --deployed alone sees a lowered LOB limit and an upgrade


def _deployed_file(repo: Path, state: dict) -> str:
    path = repo.parent / "deployed.json"
    path.write_text(json.dumps(state), encoding="utf-8")
    return str(path)


def test_deployed_alone_sees_a_header_only_lobs_file_lowering_a_running_tasks_limit(capsys, repo):
    deployed = _deployed_file(repo, ran_state())
    lobs = repo / LOBS
    lobs.write_text(lobs.read_text(encoding="utf-8").splitlines()[0] + "\n", encoding="utf-8")
    code, out, err = plan(capsys, repo, "--deployed", deployed, "--out", str(repo.parent / "out"))
    assert (code, err) == (3, "")
    (line,) = [line for line in out.splitlines() if "lowers APP.DOCUMENTS bulk-max-size" in line]
    assert "task oracle2pg-prod-big-documents has run" in line and "from 15360 KB to 447 KB" in line


def test_deployed_alone_passes_an_unchanged_lobs_file_and_a_task_that_has_not_run(capsys, repo):
    state = ran_state()
    code, out, err = plan(capsys, repo, "--deployed", _deployed_file(repo, state), "--out", str(repo.parent / "o1"))
    assert (code, err) == (0, "") and "lowers" not in out
    for task in state["deployedState"]["tasks"].values():
        task["hasRun"] = False
    lobs = repo / LOBS
    lobs.write_text(lobs.read_text(encoding="utf-8").splitlines()[0] + "\n", encoding="utf-8")
    code, out, err = plan(capsys, repo, "--deployed", _deployed_file(repo, state), "--out", str(repo.parent / "o2"))
    assert err == "" and "lowers" not in out


def test_a_state_written_before_the_lob_record_is_said_once_without_alarm(capsys, repo):
    state = ran_state()
    for task in state["deployedState"]["tasks"].values():
        del task["lobs"]
    code, out, err = plan(capsys, repo, "--deployed", _deployed_file(repo, state), "--out", str(repo.parent / "out"))
    assert (code, err) == (0, "")
    assert out.count("the deployed state predates the LOB limit record") == 1 and "lowers" not in out


def test_deployed_alone_says_an_engine_upgrade_stops_the_tasks(capsys, repo):
    state = ran_state()
    state["deployedState"]["replicationInstance"]["engineVersion"] = "3.5.4"
    code, out, err = plan(capsys, repo, "--deployed", _deployed_file(repo, state), "--out", str(repo.parent / "out"))
    assert err == "" and code in (0, 3)
    (line,) = [line for line in out.splitlines() if "upgrades its engine version" in line]
    assert "3.5.4 -> 3.6.1" in line and "DMS stops every task on the instance" in line


# ------------------------------------------- re-trial: a new mixed-case column adds a rename rule, moves no table


def test_a_new_mixed_case_column_changes_the_rules_not_the_tables_and_is_a_note(capsys, repo):
    columns = repo / "tests/data/inventory/columns.csv"
    with columns.open("a", encoding="utf-8") as f:
        f.write('"HR","EMPLOYEES","Note2","VARCHAR2",200,,,"Y","B",200\n')
    code, out, err = plan(capsys, repo, "--against", "HEAD", "--out", str(repo.parent / "out"))
    assert (code, err) == (0, "")
    assert "a table that moves into a running CDC task is loaded again" not in out
    (line,) = [line for line in out.splitlines() if "changes the transformation rules of its mappings" in line]
    assert line.startswith("NOTE: ") and "resumes it with the new rules" in line and "new column" in line


# ------------------------------------------------------- re-trial: the frozen plan and --deployed read alike


def test_a_utf_16_frozen_plan_with_a_bom_is_read_as_deployed_files_are(capsys, repo):
    plan_file = repo / "tests/data/inventory/prod-migration-plan.json"
    plan_file.write_bytes(plan_file.read_text(encoding="utf-8").encode("utf-16"))  # PowerShell's `>`
    code, out, err = plan(capsys, repo, "--out", str(repo.parent / "out"))
    assert (code, err) == (0, "")


def test_a_duplicate_key_in_the_deployed_file_is_refused_naming_it(capsys, repo):
    text = json.dumps(ran_state())
    path = repo.parent / "deployed.json"
    path.write_text(text.replace('{"deployedState": {', '{"deployedState": {"phase": "cutover", ', 1), "utf-8")
    code, out, err = plan(capsys, repo, "--deployed", str(path), "--out", str(repo.parent / "out"))
    assert (code, out) == (2, "")
    assert err.startswith("error: --deployed: ") and "key 'phase' appears twice" in err and err.count("\n") == 1


def test_a_duplicate_key_in_the_frozen_plan_is_refused_naming_it(capsys, repo):
    plan_file = repo / "tests/data/inventory/prod-migration-plan.json"
    text = plan_file.read_text(encoding="utf-8")
    plan_file.write_text(text.replace("{", '{"tasks": [], ', 1), encoding="utf-8")
    code, out, err = plan(capsys, repo, "--out", str(repo.parent / "out"))
    assert code == 2 and "key 'tasks' appears twice" in err and err.count("\n") == 1


def test_a_lobs_row_for_a_column_that_is_not_a_lob_is_refused_in_one_line(capsys, repo):
    with (repo / LOBS).open("a", encoding="utf-8") as f:
        f.write('"HR","EMPLOYEES","DEPARTMENT_ID",64\n')
    code, out, err = plan(capsys, repo, "--out", str(repo.parent / "out"))
    assert code == 2 and err.count("\n") == 1
    assert "lobs.csv line " in err and "HR.EMPLOYEES.DEPARTMENT_ID is NUMBER, not a LOB column" in err


def test_an_inventory_error_names_the_file_as_the_stack_file_does(capsys, repo):
    with (repo / LOBS).open("a", encoding="utf-8") as f:
        f.write('"APP","DOCUMENTS","NOPE",64\n')
    code, out, err = plan(capsys, repo, "--out", str(repo.parent / "out"))
    assert code == 2 and err.count("\n") == 1
    assert f"oracle2pg:inventory: {LOBS} line " in err  # not the bare lobs.csv another export could share
