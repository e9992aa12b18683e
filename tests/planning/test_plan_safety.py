"""What `plan --set` warns about, frozen task splits, task-settings overrides and secrets in edits."""

import json
import shutil
from pathlib import Path

import pytest

from migration.cli.main import main
from migration.config import ConfigError
from migration.config.stackfile import read_stack_file
from migration.planning.design import resolve

ROOT = Path(__file__).resolve().parents[2]
KMS = "arn:aws:kms:eu-west-1:210987654321:key/11111111-2222-3333-4444-555555555555"


def plan(capsys, tmp_path, stack, *sets):
    argv = ["plan", "--stack", stack, "--out", str(tmp_path / "out")]
    for item in sets:
        argv += ["--set", item]
    code = main(argv)
    out, err = capsys.readouterr()
    return code, out, err


def test_forcenew_instance_change_warns_that_every_task_is_replaced(capsys, tmp_path):
    code, out, _ = plan(capsys, tmp_path, "prod", f"replicationInstance.kmsKeyArn={KMS}")
    assert code == 3  # destructive: a CI job stops here unless --allow-destructive
    assert (
        "WARNING: migration-server-instance would be REPLACED, delete then create (kmsKeyArn): every task on it "
        "stops; AWS refuses to delete an instance that still has tasks" in out
    )
    assert "WARNING: migration-source-endpoint would be REPLACED, delete then create (kmsKeyArn)" in out
    for task in ("big-documents", "big-orders", "load-01", "nokey-01"):
        line = next(x for x in out.splitlines() if x.startswith(f"WARNING: migration-task-{task} would be REPLACED"))
        assert "(migration-source-endpoint replaced)" in line and "a full reload, or a lost CDC position" in line


def test_in_place_instance_change_is_not_a_replacement(capsys, tmp_path):
    code, out, _ = plan(capsys, tmp_path, "prod", "replicationInstance.allocatedStorage=600")
    assert code == 0
    assert (
        "update   migration-server-instance  (aws:dms/replicationInstance:ReplicationInstance) (allocatedStorage)"
        in out
    )
    assert "REPLACED" not in out


def test_resplitting_tasks_warns_about_table_moves(capsys, tmp_path):
    slower = "sizing.throughput={instanceFullLoadMbPerS: 24, fullLoadMbPerSPerStream: 12}"  # a pilot load's figures
    code, out, _ = plan(capsys, tmp_path, "prod", "sizing.planFile=null", slower)
    assert code == 3
    assert "WARNING: migration-task-load-01 changes its table mappings" in out
    assert "WARNING: migration-task-big-orders would be DELETED" in out
    assert "WARNING (pulumi up would say it too): the task split is re-planned on every run" in out


def test_shipped_prod_split_is_frozen(capsys, tmp_path):
    code, out, _ = plan(capsys, tmp_path, "prod", "replicationInstance.instanceClass=dms.r6i.2xlarge")
    assert code == 0
    assert "table mappings" not in out and "DELETED" not in out and "re-planned" not in out


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (lambda d: d["tasks"].append(dict(d["tasks"][0])), "task big-documents is listed twice"),
        (lambda d: d["tasks"][0].update(name="reverse"), "task name 'reverse' must be"),
        (lambda d: d["tasks"][0].update(name=None), "task name None must be"),
        (lambda d: d["tasks"][0].update(max_full_load_subtasks=0), "max_full_load_subtasks must be 1..49"),
        (lambda d: d.update(tasks=[]), "lists no task"),
        (lambda d: d["tasks"][1]["tables"].append(["APP", "DOCUMENTS"]), "APP.DOCUMENTS is selected by tasks"),
    ],
)
def test_broken_frozen_plan_is_one_error_line(tmp_path, edit, message):
    doc = json.loads((ROOT / "tests/data/inventory/prod-migration-plan.json").read_text())
    edit(doc)
    frozen = tmp_path / "frozen.json"
    frozen.write_text(json.dumps(doc))
    with pytest.raises(ConfigError) as err:
        resolve(read_stack_file(ROOT, "prod", [f"sizing.planFile={frozen}"]).load())
    assert message in str(err.value) and "\n" not in str(err.value)


def test_two_oracle_tables_folding_into_one_postgres_name_are_refused(tmp_path):
    inv = tmp_path / "inv"
    inv.mkdir()
    for name in ("columns.csv", "tables.csv", "lobs.csv", "keys.csv"):
        (inv / name).write_text((ROOT / "tests/data/inventory" / name).read_text())
    with open(inv / "tables.csv", "a") as fh:
        fh.write('"APP","Orders",10,8192,"N","N","NO"\n')
    with open(inv / "columns.csv", "a") as fh:
        fh.write('"APP","Orders","ID","NUMBER",22,10,0,"N",,0\n')
    paths = [f"inventory.{n}={inv / (n + '.csv')}" for n in ("columns", "tables", "lobs", "keys")]
    with pytest.raises(ConfigError, match=r"APP.ORDERS and APP.Orders both become app.orders in PostgreSQL"):
        resolve(read_stack_file(ROOT, "prod", [*paths, "sizing.mode=manual", "sizing.planFile=null"]).load())


@pytest.mark.parametrize(
    ("tasks", "message"),
    [
        ('[{name: a, include: ["%"]}, {name: b, include: ["%"]}]', "tasks a and b both include APP.%"),
        ("[{name: a, include: [APP.NOSUCH]}]", None),
    ],
)
def test_overlapping_tasks_without_inventory(tasks, message):
    stack = read_stack_file(ROOT, "dev", [f"migration.tasks={tasks}"]).load()
    if message is None:  # without an inventory nothing tells a pattern matches no table
        assert resolve(stack).tasks
        return
    with pytest.raises(ConfigError, match=message):
        resolve(stack)


@pytest.mark.parametrize(
    ("tasks", "message"),
    [
        ("[{name: a, include: [APP.ORDERS]}, {name: b, include: ['%']}]", "APP.ORDERS is selected by tasks a and b"),
        (
            "[{name: a, include: [APP.NOSUCH]}]",
            r"^oracle2pg:migration.tasks\[0\].include: pattern 'APP.NOSUCH' matches no table of the inventory in "
            "schemas APP, HR; fix or remove it$",
        ),
        ("[{name: a, include: [APP.ORDERS], exclude: [APP.ORDERS]}]", "task a selects no table of the inventory"),
    ],
)
def test_task_scopes_are_exact_with_an_inventory(tasks, message):
    stack = read_stack_file(ROOT, "prod", ["sizing.mode=manual", "sizing.planFile=null", f"migration.tasks={tasks}"])
    with pytest.raises(ConfigError, match=message):
        resolve(stack.load())


def test_frozen_plan_keeps_the_split_when_the_class_changes(capsys, tmp_path):
    assert plan(capsys, tmp_path, "prod")[0] == 0
    frozen = tmp_path / "frozen.json"
    frozen.write_text((tmp_path / "out" / "migration-plan.json").read_text())
    code, out, _ = plan(
        capsys, tmp_path, "prod", f"sizing.planFile={frozen}", "replicationInstance.instanceClass=dms.r6i.2xlarge"
    )
    assert code == 0
    assert "changes its table mappings" not in out and "DELETED" not in out


def test_frozen_plan_reports_tables_it_does_not_know(tmp_path):
    doc = None
    stack = read_stack_file(ROOT, "prod").load()
    from migration.planning.design import resolve

    doc = resolve(stack).plan.to_dict()
    for task in doc["tasks"]:
        task["tables"] = [t for t in task["tables"] if t != ["APP", "CUSTOMERS"]]
    frozen = tmp_path / "frozen.json"
    frozen.write_text(json.dumps(doc))
    design = resolve(read_stack_file(ROOT, "prod", [f"sizing.planFile={frozen}"]).load())
    specs = design.tasks
    notes = [n.line for n in design.notices if n.code == "table-not-in-frozen-plan"]
    assert any(r.startswith("WARNING APP.CUSTOMERS is not in the frozen plan") for r in notes)
    assert not any('"CUSTOMERS"' in s.mappings_json for s in specs)


def test_frozen_plan_naming_an_unknown_table_is_a_config_error(tmp_path):
    stack = read_stack_file(ROOT, "prod").load()
    from migration.planning.design import resolve

    doc = resolve(stack).plan.to_dict()
    doc["tasks"][0]["tables"].append(["APP", "GHOST"])
    frozen = tmp_path / "frozen.json"
    frozen.write_text(json.dumps(doc))
    with pytest.raises(
        ConfigError,
        match=r"sizing.planFile: .*frozen.json: task .* names APP.GHOST, which the inventory lacks",
    ):
        resolve(read_stack_file(ROOT, "prod", [f"sizing.planFile={frozen}"]).load())


def _prod_at_cutover(tmp_path):
    stack_dir = tmp_path / "proj"
    stack_dir.mkdir()
    for name in ("Pulumi.yaml", "__main__.py"):
        (stack_dir / name).write_text((ROOT / name).read_text())
    text = (ROOT / "Pulumi.prod.yaml").read_text().replace("oracle2pg:phase: replicate", "oracle2pg:phase: cutover")
    (stack_dir / "Pulumi.prod.yaml").write_text(text.replace("tests/data/", f"{ROOT}/tests/data/"))
    return stack_dir


def test_going_back_a_phase_is_refused_as_pulumi_up_refuses_it(capsys, tmp_path):
    stack_dir = _prod_at_cutover(tmp_path)
    code = main(["--root", str(stack_dir), "plan", "--stack", "prod", "--set", "phase=replicate"])
    _, err = capsys.readouterr()
    assert code == 2
    assert err.startswith("error: oracle2pg:phase: the stack is deployed at cutover; going back to replicate")
    assert "set oracle2pg:allowPhaseBack: cutover for this one up" in err


def test_going_back_a_phase_deliberately_is_flagged(capsys, tmp_path):
    stack_dir = _prod_at_cutover(tmp_path)
    code = main(
        [
            "--root",
            str(stack_dir),
            "plan",
            "--stack",
            "prod",
            "--set",
            "phase=replicate",
            "--set",
            "allowPhaseBack=cutover",
        ]
    )
    out, _ = capsys.readouterr()
    assert code == 3  # going back is destructive: CI stops unless --allow-destructive
    assert "WARNING (pulumi up would say it too): phase goes back from cutover to replicate" in out
    assert "remove allowPhaseBack after this up" in out
    assert (
        "WARNING: migration-task-reverse would be DELETED: its tables stop replicating; it is protected, so pulumi up "
        "stops there" in out
    )


def test_password_given_with_set_is_never_printed(capsys, tmp_path):
    code, out, err = plan(capsys, tmp_path, "dev", "source.password=hunter2")
    assert code == 2
    assert "hunter2" not in out + err
    assert err.strip() == (
        "error: oracle2pg:source.password: stored in plain text; set it with "
        "`pulumi config set --secret --path source.password <value>`"
    )


def test_plain_password_next_to_a_secure_one_is_refused(tmp_path):
    (tmp_path / "Pulumi.yaml").write_text("name: oracle2pg\nruntime: python\n")
    text = (ROOT / "Pulumi.dev.yaml").read_text()
    text = text.replace(
        "  oracle2pg:iam:",
        "  oracle2pg:reverse:\n    enabled: false\n    postgresSource:\n      host: pg.example.com\n"
        "      databaseName: app\n      username: rep\n      password:\n        secure: v1:abc\n"
        "    oracleTarget:\n      host: ora.example.com\n      databaseName: ORCL\n      username: REV\n"
        "      password: hunter2\n  oracle2pg:iam:",
    )
    (tmp_path / "Pulumi.t.yaml").write_text(text)
    with pytest.raises(ConfigError) as err:
        read_stack_file(tmp_path, "t").load()
    assert str(err.value).startswith("oracle2pg:reverse.oracleTarget.password: stored in plain text")
    assert "hunter2" not in str(err.value)


@pytest.mark.parametrize(
    ("override", "message"),
    [
        (
            "{FullLoadSettings: {TargetTablePrepMode: DROP_AND_CREATE}}",
            "taskSettingsOverrides.FullLoadSettings.TargetTablePrepMode: set by the stack and guarded",
        ),
        ("{ErrorBehavior: {DataErrorPolicy: IGNORE_RECORD}}", "taskSettingsOverrides.ErrorBehavior: set by the stack"),
        ("{LoopbackPreventionSettings: {EnableLoopbackPrevention: true}}", "LoopbackPreventionSettings: set by"),
        ("{Logging: {CloudWatchLogGroup: x}}", "Logging.CloudWatchLogGroup is read-only"),
        ("{Bogus: {}}", "unknown task settings section(s) Bogus"),
        ("{TargetMetadata: {SupportLobs: false}}", "TargetMetadata.SupportLobs: set by the stack and guarded"),
        ("{FullLoadSettings: {targetTablePrepMode: x}}", "FullLoadSettings.targetTablePrepMode: not a field"),
        ("{FullLoadSettings: {MaxFullLoadSubTasks: 1000}}", "MaxFullLoadSubTasks: must be 1..49, got 1000"),
        ('{Logging: {EnableLogging: "yes"}}', "Logging.EnableLogging: expected bool, got 'yes'"),
    ],
)
def test_task_settings_overrides_cannot_bypass_a_guard(override, message):
    with pytest.raises(ConfigError, match="oracle2pg:migration.taskSettingsOverrides") as err:
        resolve(read_stack_file(ROOT, "dev", [f"migration.taskSettingsOverrides={override}"]).load())
    assert message in str(err.value)


def test_task_settings_overrides_merge_into_the_document():
    specs = resolve(
        read_stack_file(ROOT, "dev", ["migration.taskSettingsOverrides={FullLoadSettings: {CommitRate: 20000}}"]).load()
    ).tasks
    settings = specs[0].settings
    assert settings["FullLoadSettings"]["CommitRate"] == 20000
    assert settings["FullLoadSettings"]["TargetTablePrepMode"] == "TRUNCATE_BEFORE_LOAD"


def test_non_strict_errors_only_on_a_disposable_target():
    with pytest.raises(ConfigError, match="strictErrors: false lets DMS log and skip rows"):
        read_stack_file(ROOT, "dev", ["migration.strictErrors=false"]).load()
    stack = read_stack_file(ROOT, "dev", ["migration.strictErrors=false", "migration.targetIsDisposable=true"]).load()
    assert resolve(stack).tasks[0].settings["ErrorBehavior"]["DataErrorPolicy"] == "LOG_ERROR"


def test_set_with_a_list_index_edits_one_element():
    sf = read_stack_file(ROOT, "dev", ["network.subnetIds[1]=subnet-0a1b2c3d4e5f60799"])
    assert sf.values["oracle2pg:network"]["subnetIds"] == ["subnet-0a1b2c3d4e5f60711", "subnet-0a1b2c3d4e5f60799"]


def test_sns_topic_in_another_region_is_a_config_error():
    with pytest.raises(ConfigError, match="monitoring.snsTopicArn: the topic is in us-east-1 but the stack deploys"):
        read_stack_file(ROOT, "dev", ["monitoring.snsTopicArn=arn:aws:sns:us-east-1:123456789012:alerts"]).load()


def test_preview_documents_never_overwrite_the_stack_documents(capsys, tmp_path):
    for name in ("Pulumi.yaml", "Pulumi.dev.yaml", "__main__.py"):
        shutil.copy(ROOT / name, tmp_path / name)
    settings = "oracle2pg-dev-main.task-settings.json"
    assert main(["--root", str(tmp_path), "plan", "--stack", "dev"]) == 0
    stack_docs = {p.name: p.read_bytes() for p in (tmp_path / "plan" / "dev").iterdir()}
    assert json.loads(stack_docs[settings])["ValidationSettings"]["EnableValidation"] is False
    assert main(["--root", str(tmp_path), "plan", "--stack", "dev", "--set", "migration.validation=true"]) == 0
    capsys.readouterr()
    preview = json.loads((tmp_path / "plan" / "dev-preview" / settings).read_text())
    assert preview["ValidationSettings"]["EnableValidation"] is True
    assert {p.name: p.read_bytes() for p in (tmp_path / "plan" / "dev").iterdir()} == stack_docs


def test_plan_table_summarises_each_tasks_settings(capsys, tmp_path):
    code, out, _ = plan(capsys, tmp_path, "prod")
    assert code == 0
    line = next(x for x in out.splitlines() if "(aws:dms/replicationTask:" in x and "big-orders" in x)
    assert (
        "prep=DO_NOTHING subtasks=4 commitRate=10000 lob=limited/64KB validation=on dataErrors=STOP_TASK "
        "[protected, delete-before-replace]" in line
    )
    code, out, _ = plan(capsys, tmp_path, "dev")
    line = next(x for x in out.splitlines() if "(aws:dms/replicationTask:" in x)
    assert "migrationType=full-load" in line and "prep=TRUNCATE_BEFORE_LOAD" in line and "validation=off" in line
