"""A stack-file change reviewed like a pull request: plan it against the old file or a git ref, gate on the exit
code, read it as JSON."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from migration.cli.main import main
from tests.helpers import ROOT


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def old_prod(tmp_path: Path) -> Path:
    """prod's stack file as it was before a pull request that moves it to cutover, with its tasks started (prod
    ships startTask: false until the premigration checks are done)."""
    old = tmp_path / "Pulumi.prod.old.yaml"
    old.write_text((ROOT / "Pulumi.prod.yaml").read_text().replace("startTask: false", "startTask: true"))
    return old


def test_against_a_file_lists_the_changes_first_and_the_resources_only_with_verbose(capsys, tmp_path, old_prod):
    out_dir = tmp_path / "out"
    code, out, err = run(
        capsys,
        "plan",
        "--stack",
        "prod",
        "--set",
        "phase=cutover",
        "--against-file",
        str(old_prod),
        "--out",
        str(out_dir),
    )
    assert code == 0, err
    assert f"compared with {old_prod}:" in out.splitlines()[0]
    assert "== Changes against" in out and "== Resources" not in out
    assert "update   migration-task-load-01  (aws:dms/replicationTask:ReplicationTask) (startReplicationTask)" in out
    code, out, _ = run(
        capsys,
        "plan",
        "--stack",
        "prod",
        "--set",
        "phase=cutover",
        "--against-file",
        str(old_prod),
        "--out",
        str(out_dir),
        "--verbose",
    )
    assert code == 0 and "== Resources (" in out
    assert out.count("\n== Changes against") == 1 and out.count("\n== Warnings") <= 1


def test_a_destructive_change_exits_3_unless_allowed(capsys, tmp_path):
    kms = "replicationInstance.kmsKeyArn=arn:aws:kms:eu-west-1:210987654321:key/0000aaaa-0000-4000-8000-000000000000"
    code, out, _ = run(capsys, "plan", "--stack", "prod", "--set", kms, "--out", str(tmp_path))
    assert code == 3
    assert out.rstrip().endswith("--allow-destructive accepts them.")
    code, _, _ = run(capsys, "plan", "--stack", "prod", "--set", kms, "--out", str(tmp_path), "--allow-destructive")
    assert code == 0


def test_json_output_carries_resources_changes_warnings_and_the_plan(capsys, tmp_path):
    code, out, err = run(
        capsys, "plan", "--stack", "prod", "--set", "phase=cutover", "--format", "json", "--out", str(tmp_path)
    )
    assert code == 0, err
    doc = json.loads(out)
    assert doc["comparedWith"] == "Pulumi.prod.yaml as it is" and doc["destructive"] is False
    kinds = {c["name"]: c["kind"] for c in doc["changes"]}
    # prod ships its tasks stopped (startTask: false), so cutover changes no forward task here
    assert kinds["migration-task-reverse"] == "create" and "migration-task-load-01" not in kinds
    assert doc["migrationPlan"]["tasks"] and doc["decisions"]["oracle2pg-prod-big-documents"]
    assert any(r["type"] == "aws:dms/replicationTask:ReplicationTask" for r in doc["resources"])
    assert "[secret]" not in json.dumps(doc["changes"])


def test_against_a_git_ref(capsys, tmp_path):
    if shutil.which("git") is None or subprocess.run(["git", "-C", str(ROOT), "rev-parse", "HEAD"]).returncode:
        pytest.skip("needs git and a checkout")
    code, out, err = run(capsys, "plan", "--stack", "dev", "--against", "HEAD", "--out", str(tmp_path))
    assert code == 0, err
    assert "compared with Pulumi.dev.yaml at HEAD: no change" in out.splitlines()[0]
    code, out, err = run(capsys, "plan", "--stack", "dev", "--against", "no-such-ref-x", "--out", str(tmp_path))
    assert code == 2 and err.startswith("error: --against: 'no-such-ref-x' is not a commit here")
    assert err.count("\n") == 1


def test_an_old_file_that_does_not_plan_is_one_error_line(capsys, tmp_path):
    bad = tmp_path / "old.yaml"
    bad.write_text("config:\n  oracle2pg:network: 3\n")
    code, out, err = run(capsys, "plan", "--stack", "dev", "--against-file", str(bad), "--out", str(tmp_path))
    assert code == 2 and out == ""
    assert err.startswith(f"error: {bad}: aws:region: required key is missing") and err.count("\n") == 1


def test_abandoning_the_migration_is_destructive(capsys, tmp_path):
    code, out, _ = run(capsys, "plan", "--stack", "prod", "--set", "phase=complete", "--out", str(tmp_path))
    assert code == 3 and "abandons the migration" in out


def test_a_new_stack_against_a_ref_without_it_is_all_creates(capsys, tmp_path):
    if shutil.which("git") is None:
        pytest.skip("needs git")
    repo = tmp_path / "repo"
    repo.mkdir()
    for name in ("Pulumi.yaml", "__main__.py", "Pulumi.dev.yaml"):
        shutil.copy(ROOT / name, repo / name)
    git = ["git", "-C", str(repo), "-c", "user.email=t@example.com", "-c", "user.name=t"]
    subprocess.run([*git, "init", "-q"], check=True)
    subprocess.run([*git, "add", "."], check=True)
    subprocess.run([*git, "commit", "-qm", "base"], check=True)
    shutil.copy(ROOT / "Pulumi.dev.yaml", repo / "Pulumi.qa.yaml")
    code, out, err = run(
        capsys, "--root", str(repo), "plan", "--stack", "qa", "--against", "HEAD", "--out", str(tmp_path)
    )
    assert code == 0, err
    assert "compared with Pulumi.qa.yaml at HEAD (absent there: a new stack): 29 to create" in out.splitlines()[0]


def test_before_stands_for_a_deployed_stack_so_an_expired_pin_can_be_moved(capsys, tmp_path):
    """The PR that moves a pin past its no-new-instance date must plan: the old instance already exists."""
    old = tmp_path / "old.yaml"
    old.write_text((ROOT / "Pulumi.dev.yaml").read_text().replace("engineVersion: 3.6.1", "engineVersion: 3.5.3"))
    code, out, err = run(capsys, "plan", "--stack", "dev", "--against-file", str(old), "--out", str(tmp_path / "o"))
    assert code == 0, err
    assert (
        "update   migration-server-instance  (aws:dms/replicationInstance:ReplicationInstance) (engineVersion)" in out
    )


def test_a_tasks_line_shows_the_lob_settings_of_its_tables(capsys, tmp_path):
    code, out, _ = run(capsys, "plan", "--stack", "prod", "--out", str(tmp_path))
    line = next(x for x in out.splitlines() if "migration-task-big-documents  (aws:dms/replicationTask" in x)
    assert "commitRate=256 lob=limited/64KB" in line and "lobTables=1(limited up to 15360KB)" in line
