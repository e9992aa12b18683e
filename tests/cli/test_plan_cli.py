"""`python -m migration plan`: the offline plan prints what `pulumi up` would create, writes the DMS documents, never
writes a secret, and turns every bad input into one line on stderr with exit code 2."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from migration.cli.main import main
from migration.config.stackfile import SECRET_PLACEHOLDER
from tests.helpers import ROOT

TASK = "aws:dms/replicationTask:ReplicationTask"


def plan(tmp_path: Path, capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(["plan", *args, "--out", str(tmp_path)])
    out, err = capsys.readouterr()
    return code, out, err


def resources(tmp_path: Path) -> list[dict[str, Any]]:
    return json.loads((tmp_path / "resources.json").read_text(encoding="utf-8"))


def tasks(tmp_path: Path) -> list[dict[str, Any]]:
    return [r for r in resources(tmp_path) if r["type"] == TASK]


def assert_one_error_line(code: int, out: str, err: str, start: str) -> None:
    assert code == 2
    assert err.startswith(start), err
    assert err.count("\n") == 1 and err.endswith("\n"), err
    assert "Traceback" not in err and out == ""


def test_dev_plan_prints_the_table_and_writes_the_documents(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = plan(tmp_path, capsys, "--stack", "dev")
    assert code == 0, err
    assert out.startswith("Offline plan of stack 'dev' (project oracle2pg, region eu-west-1)")
    # 20 and the premigration assessment's bucket and role with their 7 settings (assessment.create, issue 24)
    assert "\n== Resources (29), by component\nmigration  (oracle2pg:dms:MigrationPipeline)\n" in out
    task_row = next(line for line in out.splitlines() if f"({TASK})" in line)
    assert task_row.startswith("├─ migration-task  ") is False and "└─ migration-task-main  (" in task_row
    assert "replicationTaskId=oracle2pg-dev-main" in task_row and "migrationType=full-load" in task_row
    instance_row = next(line for line in out.splitlines() if "(aws:dms/replicationInstance:" in line)
    assert "replicationInstanceClass=dms.t3.medium" in instance_row and "publiclyAccessible=false" in instance_row
    assert "password=[secret]" in out and SECRET_PLACEHOLDER not in out

    mapping = json.loads((tmp_path / "oracle2pg-dev-main.table-mappings.json").read_text(encoding="utf-8"))
    lowercase = {
        (r["object-locator"]["schema-name"], r["rule-target"])
        for r in mapping["rules"]
        if r.get("rule-action") == "convert-lowercase"
    }
    assert lowercase == {(s, t) for s in ("APP", "HR") for t in ("schema", "table", "column")}
    excluded = [r["object-locator"] for r in mapping["rules"] if r.get("rule-action") == "exclude"]
    assert excluded == [{"schema-name": "APP", "table-name": "TMP_%"}]
    settings = json.loads((tmp_path / "oracle2pg-dev-main.task-settings.json").read_text(encoding="utf-8"))
    assert isinstance(settings, dict) and settings
    task = tasks(tmp_path)[0]
    assert json.loads(task["inputs"]["tableMappings"]) == mapping
    assert json.loads(task["inputs"]["replicationTaskSettings"]) == settings
    for name in (
        "oracle2pg-dev-main.table-mappings.json",
        "oracle2pg-dev-main.task-settings.json",
        "resources.json",
        "outputs.json",
    ):
        assert name in out


def test_plan_files_hold_no_plaintext_secret(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = plan(tmp_path, capsys, "--stack", "dev")
    assert code == 0, err
    for path in tmp_path.iterdir():
        assert SECRET_PLACEHOLDER not in path.read_text(encoding="utf-8"), path.name
    endpoints = [r for r in resources(tmp_path) if r["type"] == "aws:dms/endpoint:Endpoint"]
    assert len(endpoints) == 2 and all(e["inputs"]["password"] == "[secret]" for e in endpoints)
    outputs = json.loads((tmp_path / "outputs.json").read_text(encoding="utf-8"))
    assert set(outputs["taskArns"]) == {"main"}


def test_prod_plan(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = plan(tmp_path, capsys, "--stack", "prod")
    assert code == 0, err
    prod_tasks = tasks(tmp_path)
    assert prod_tasks and {t["inputs"]["migrationType"] for t in prod_tasks} == {"full-load-and-cdc"}
    for t in prod_tasks:
        task_id = t["inputs"]["replicationTaskId"]
        assert task_id in out
        mapping = json.loads((tmp_path / f"{task_id}.table-mappings.json").read_text(encoding="utf-8"))
        assert any(r.get("rule-action") == "convert-lowercase" for r in mapping["rules"])
        assert (tmp_path / f"{task_id}.task-settings.json").is_file()
    assert "replicationInstanceClass=dms.r6i.xlarge" in out
    assert "password" not in json.dumps(
        [r["inputs"] for r in resources(tmp_path) if r["type"] == "aws:dms/endpoint:Endpoint"]
    )
    assert all(SECRET_PLACEHOLDER not in p.read_text(encoding="utf-8") for p in tmp_path.iterdir())


def test_set_of_the_migration_type_of_a_deployed_task_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`plan --set` takes the stack file as deployed, and pulumi up refuses a migration-type change on a task."""
    code, out, err = plan(tmp_path, capsys, "--stack", "dev", "--set", "migration.type=cdc")
    assert_one_error_line(code, out, err, "error: oracle2pg:migration.type: task oracle2pg-dev-main is deployed as ")
    assert "AWS cannot change a task's migration type" in err and "remove this one first" in err


def test_a_new_migration_type_on_a_never_deployed_stack_is_planned(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = plan(tmp_path, capsys, "--stack", "dev", "--set", "migration.type=cdc", "--deployed", "/dev/null")
    assert code == 2 and "--deployed: cannot read /dev/null as JSON" in err
    empty = tmp_path / "outputs.json"
    empty.write_text("{}")
    code, out, err = plan(tmp_path, capsys, "--stack", "dev", "--set", "migration.type=cdc", "--deployed", str(empty))
    # `{}` would switch the deployed-state guard off without a word: refused, a never-deployed stack has no file
    assert_one_error_line(code, out, err, f"error: --deployed: {empty} holds no deployedState output: an empty")
    assert "omit --deployed" in err


def test_set_with_a_bad_value_is_one_error_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = plan(tmp_path, capsys, "--stack", "dev", "--set", "replicationInstance.instanceClass=db.t3.micro")
    assert_one_error_line(code, out, err, "error: oracle2pg:replicationInstance.instanceClass: ")
    assert "got 'db.t3.micro'" in err
    assert list(tmp_path.iterdir()) == []  # nothing written for a refused config


def test_unknown_stack_lists_the_stacks(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = plan(tmp_path, capsys, "--stack", "nope")
    assert_one_error_line(code, out, err, "error: --stack: no stack file Pulumi.nope.yaml; stacks here: ")
    listed = err.strip().rsplit(": ", 1)[1].split(", ")
    assert {"dev", "prod"} <= set(listed)


@pytest.mark.parametrize(
    ("item", "start"),
    [
        ("novalue", "error: --set 'novalue': expected key=value, e.g. --set migration.type=cdc"),
        ("=cdc", "error: --set '=cdc': expected key=value"),
        ("migration..type=cdc", "error: --set 'migration..type=cdc': 'migration..type' is not a config path"),
        ("tags.Owner.x=1", "error: --set 'tags.Owner.x=1': tags.Owner is not an object"),
    ],
)
def test_malformed_set(tmp_path: Path, capsys: pytest.CaptureFixture[str], item: str, start: str) -> None:
    code, out, err = plan(tmp_path, capsys, "--stack", "dev", "--set", item)
    assert_one_error_line(code, out, err, start)


def test_missing_stack_argument_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["plan"])
    out, err = capsys.readouterr()
    assert_one_error_line(
        code, out, err, "error: python -m migration plan: the following arguments are required: --stack"
    )


def test_module_entry_point(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "migration", "plan", "--stack", "dev", "--out", str(tmp_path)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    assert "replicationTaskId=oracle2pg-dev-main" in result.stdout
    assert (tmp_path / "oracle2pg-dev-main.table-mappings.json").is_file()
    bad = subprocess.run(
        [sys.executable, "-m", "migration", "plan", "--stack", "dev", "--out", str(tmp_path), "--set", "source.port=0"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert bad.returncode == 2
    assert bad.stderr.startswith("error: oracle2pg:source.port: ") and "Traceback" not in bad.stderr


def test_set_previews_a_fix_of_a_stack_file_that_does_not_validate(tmp_path, capsys):
    """The stack file as it is fails (a pattern that matches no table); --set fixes it. The preview used to crash on
    the failed baseline (AttributeError) instead of saying there is nothing to compare with."""
    import shutil

    root = tmp_path / "project"
    root.mkdir()
    for name in ("Pulumi.yaml", "__main__.py"):
        shutil.copy(ROOT / name, root / name)
    shutil.copytree(ROOT / "tests" / "data" / "shop", root / "shop")
    stack = (ROOT / "tests" / "data" / "shop" / "Pulumi.shop.yaml").read_text(encoding="utf-8")
    stack = stack.replace("columns: columns.csv", "columns: shop/columns.csv").replace(
        "tables: tables.csv", "tables: shop/tables.csv"
    )
    stack = stack.replace("lobs: lobs.csv", "lobs: shop/lobs.csv").replace("keys: keys.csv", "keys: shop/keys.csv")
    (root / "Pulumi.shop.yaml").write_text(stack.replace("SHOP.LEGACY_CODES", "SHOP.LEGACY"), encoding="utf-8")
    code = main(
        [
            "--root",
            str(root),
            "plan",
            "--stack",
            "shop",
            "--set",
            "migration.exclude=[SHOP.CUSTOMERS, SHOP.LEGACY_CODES]",
            "--out",
            str(tmp_path / "out"),
        ]
    )
    out, err = capsys.readouterr()
    assert (code, err) == (0, "")
    assert (
        "No comparison: Pulumi.shop.yaml as it is cannot be planned (oracle2pg:migration.exclude: pattern "
        "'SHOP.LEGACY' matches no table of the inventory in schemas SHOP, ARCHIVE; fix or remove it)." in out
    )


def test_the_resource_list_is_the_same_bytes_on_every_run(tmp_path, capsys):
    """Pulumi registers resources from a thread pool: the list is sorted, not in the order the mocks saw."""
    written = []
    for run in range(3):
        out = tmp_path / str(run)
        assert main(["plan", "--stack", "prod", "--out", str(out)]) == 0
        written.append((out / "resources.json").read_bytes())
    capsys.readouterr()
    assert written[0] == written[1] == written[2]
    names = [r["name"] for r in json.loads(written[0])]
    assert names == sorted(names)


def test_stack_warnings_show_under_warnings_as_pulumi_up_logs_them_and_json_carries_level_and_code(tmp_path, capsys):
    code, out, _ = plan(tmp_path, capsys, "--stack", "prod")
    assert code == 0
    warnings = out[out.index("== Warnings") : out.index("== Resources")]
    decisions = out[out.index("== Decisions") :]
    assert "WARNING (pulumi up would say it too): LogMiner: UPDATEs that change only LOB columns" in warnings
    assert "stack: WARNING" not in decisions
    assert main(["plan", "--stack", "prod", "--out", str(tmp_path), "--format", "json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    (logminer,) = [n for n in doc["notices"] if n["code"] == "logminer-lob-updates-accepted"]
    assert logminer == {
        "source": "stack",
        "level": "warning",
        "code": "logminer-lob-updates-accepted",
        "text": logminer["text"],
        "destructive": False,
    }
