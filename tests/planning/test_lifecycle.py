"""The migration's life on the prod stack: what each phase creates, runs and protects, and the guards."""

import json
from pathlib import Path

import pytest

from migration.cli.offline import diff_runs, run_program
from migration.config import ConfigError
from migration.config.stackfile import read_stack_file

ROOT = Path(__file__).resolve().parents[2]
TASK = "aws:dms/replicationTask:ReplicationTask"
ENDPOINT = "aws:dms/endpoint:Endpoint"
PHASES = ("replicate", "cutover", "fallback", "complete")


LSN = "4AF/B00000D0"


def run_phase(phase: str, *extra: str):
    """prod in `phase`, with its tasks started (prod ships startTask: false until the premigration checks)."""
    start = [f"reverse.cdcStartPosition={LSN}"] if phase == "fallback" else []
    return run_program(read_stack_file(ROOT, "prod", [f"phase={phase}", "migration.startTask=true", *start, *extra]))


@pytest.fixture(scope="module")
def runs():
    return {p: run_phase(p) for p in PHASES}


def by_type(run, typ):
    return {r.name: r for r in run.resources if r.type == typ}


def forward(run):
    return {n: r for n, r in by_type(run, TASK).items() if not n == "migration-task-reverse"}


REVERSE_ENDPOINTS = {"oracle2pg-prod-postgres-source", "oracle2pg-prod-oracle-target"}


def endpoint_ids(run) -> set[str]:
    return {r.inputs["endpointId"] for r in by_type(run, ENDPOINT).values()}


def test_replicate_runs_forward_tasks_and_creates_the_reverse_endpoints_but_no_reverse_task(runs):
    # Was: no reverse endpoint before phase cutover, so their connections were first tested during the outage
    run = runs["replicate"]
    assert forward(run) and all(r.inputs["startReplicationTask"] is True for r in forward(run).values())
    assert "migration-task-reverse" not in by_type(run, TASK)
    assert len(by_type(run, ENDPOINT)) == 4 and REVERSE_ENDPOINTS <= endpoint_ids(run)


@pytest.mark.parametrize("phase", PHASES)
def test_the_reverse_endpoints_exist_in_every_phase_only_with_a_reverse_path(runs, phase):
    assert REVERSE_ENDPOINTS <= endpoint_ids(runs[phase])
    off = run_phase("replicate" if phase == "fallback" else phase, "reverse.enabled=false")
    assert not REVERSE_ENDPOINTS & endpoint_ids(off)


def test_enabling_the_reverse_path_during_replicate_only_creates_its_endpoints(runs):
    """A stack deployed at replicate without the reverse endpoints (reverse off, or an older program) gains them
    as plain creations: nothing forward is replaced, deleted or refused."""
    changes = diff_runs(run_phase("replicate", "reverse.enabled=false"), runs["replicate"])
    created = {c.name for c in changes if c.kind == "create" and c.type == ENDPOINT}
    assert created == {"migration-reverse-source-endpoint", "migration-reverse-target-endpoint"}
    assert {c.kind for c in changes} == {"create"}
    assert not [c for c in changes if c.kind in ("replace", "refused", "delete") and c.type in DMS_CORE]


def test_cutover_stops_forward_and_creates_an_idle_reverse_task(runs):
    run = runs["cutover"]
    assert all(r.inputs["startReplicationTask"] is False for r in forward(run).values())
    rev = by_type(run, TASK)["migration-task-reverse"]
    assert rev.inputs["startReplicationTask"] is False
    assert rev.inputs["migrationType"] == "cdc"
    endpoints = {r.inputs["endpointId"]: r.inputs for r in by_type(run, ENDPOINT).values()}
    assert endpoints["oracle2pg-prod-postgres-source"]["endpointType"] == "source"
    assert endpoints["oracle2pg-prod-postgres-source"]["engineName"] == "aurora-postgresql"
    assert endpoints["oracle2pg-prod-oracle-target"]["endpointType"] == "target"
    assert endpoints["oracle2pg-prod-oracle-target"]["engineName"] == "oracle"


def test_fallback_runs_only_the_reverse_task_from_the_configured_lsn():
    run = run_phase("fallback")
    rev = by_type(run, TASK)["migration-task-reverse"]
    assert rev.inputs["startReplicationTask"] is True
    assert rev.inputs["cdcStartPosition"] == "4AF/B00000D0"
    assert "cdcStartTime" not in rev.inputs
    assert all(r.inputs["startReplicationTask"] is False for r in forward(run).values())


def test_complete_stops_everything_and_lifts_protection(runs):
    run = runs["complete"]
    assert all(r.inputs["startReplicationTask"] is False for r in by_type(run, TASK).values())
    assert not any(r.protect for r in run.resources)


@pytest.mark.parametrize("phase", ["replicate", "cutover", "fallback"])
def test_tasks_endpoints_and_instance_are_protected_until_complete(runs, phase):
    run = runs[phase]
    guarded = [
        r for r in run.resources if r.type in (TASK, ENDPOINT, "aws:dms/replicationInstance:ReplicationInstance")
    ]
    assert guarded and all(r.protect for r in guarded)


def test_reverse_task_waits_for_the_forward_tasks(runs):
    tasks = by_type(runs["fallback"], TASK)
    assert {n for n in tasks if n != "migration-task-reverse"} <= set(tasks["migration-task-reverse"].depends_on)


def test_reverse_selects_only_what_moved_forward():
    run = run_phase("cutover", "sizing.mode=manual", "migration.exclude=[APP.AUDIT_%]")
    rules = json.loads(by_type(run, TASK)["migration-task-reverse"].inputs["tableMappings"])["rules"]
    selection = [(r["rule-action"], r["object-locator"]) for r in rules if r["rule-type"] == "selection"]
    assert ("exclude", {"schema-name": "app", "table-name": "audit_%"}) in selection
    assert ("include", {"schema-name": "hr", "table-name": "%"}) in selection


def test_forward_task_inputs_are_identical_across_phases_except_start(runs):
    base = forward(runs["replicate"])
    for phase in PHASES[1:]:
        other = forward(runs[phase])
        assert other.keys() == base.keys()
        for name, rec in base.items():
            changed = {
                k for k in set(rec.inputs) | set(other[name].inputs) if rec.inputs.get(k) != other[name].inputs.get(k)
            }
            assert changed == {"startReplicationTask"}, (phase, name, changed)


DMS_CORE = (TASK, "aws:dms/replicationInstance:ReplicationInstance", "aws:dms/endpoint:Endpoint")


def test_no_phase_change_replaces_or_refuses_a_task_instance_or_endpoint(runs):
    for a, b in zip(PHASES, PHASES[1:], strict=False):
        changes = diff_runs(runs[a], runs[b])
        assert not [c for c in changes if c.kind in ("replace", "refused") and c.type in DMS_CORE], (a, b)
        assert not [c for c in changes if c.kind == "delete" and c.type == TASK], (a, b)


def test_changing_the_migration_type_is_flagged_as_refused_by_aws(runs):
    """AWS cannot change a task's migration type; the provider sends it as a modify after stopping the task."""
    changes = diff_runs(runs["replicate"], run_phase("replicate", "migration.type=cdc"))
    refused = [c for c in changes if c.kind == "refused"]
    assert refused and all(c.type == TASK and c.effects["migrationType"] == "refused" for c in refused)
    assert all(c.effects == {"migrationType": "refused"} for c in refused)


def test_reverse_task_is_cdc_do_nothing_and_turns_names_back_to_upper_case(runs):
    rev = by_type(runs["cutover"], TASK)["migration-task-reverse"]
    settings = json.loads(rev.inputs["replicationTaskSettings"])
    assert settings["FullLoadSettings"]["TargetTablePrepMode"] == "DO_NOTHING"
    assert settings["ChangeProcessingDdlHandlingPolicy"] == {
        "HandleSourceTableAltered": False,
        "HandleSourceTableDropped": False,
        "HandleSourceTableTruncated": False,
    }
    rules = json.loads(rev.inputs["tableMappings"])["rules"]
    actions = {
        (r["rule-target"], r["rule-action"], r["object-locator"]["schema-name"], r.get("value"))
        for r in rules
        if r["rule-type"] == "transformation"
    }
    assert ("schema", "rename", "app", "APP") in actions
    assert ("table", "convert-uppercase", "app", None) in actions
    assert ("column", "convert-uppercase", "hr", None) in actions
    assert {r["object-locator"]["schema-name"] for r in rules if r["rule-type"] == "selection"} == {"app", "hr"}


def test_reverse_postgres_source_keeps_heartbeat_and_no_ddl_capture(runs):
    src = next(
        r
        for r in by_type(runs["cutover"], ENDPOINT).values()
        if r.inputs["endpointId"] == "oracle2pg-prod-postgres-source"
    )
    settings = src.inputs["postgresSettings"]
    assert settings["heartbeatEnable"] is True
    assert settings["captureDdls"] is False
    assert settings["slotName"] == "dms_reverse_slot"


def test_loopback_prevention_mirrors_schemas_on_both_tasks():
    run = run_phase("fallback", "reverse.loopbackPrevention=true", "reverse.keepForwardRunning=true")
    tasks = by_type(run, TASK)
    fwd = json.loads(tasks["migration-task-load-01"].inputs["replicationTaskSettings"])
    rev = json.loads(tasks["migration-task-reverse"].inputs["replicationTaskSettings"])
    assert fwd["LoopbackPreventionSettings"] == {
        "EnableLoopbackPrevention": True,
        "SourceSchema": "APP",
        "TargetSchema": "app",
    }
    assert rev["LoopbackPreventionSettings"] == {
        "EnableLoopbackPrevention": True,
        "SourceSchema": "app",
        "TargetSchema": "APP",
    }
    assert tasks["migration-task-reverse"].inputs["startReplicationTask"] is True
    assert tasks["migration-task-load-01"].inputs["startReplicationTask"] is True


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        (
            ["phase=cutover", "migration.targetTablePrepMode=TRUNCATE_BEFORE_LOAD"],
            "oracle2pg:phase: cutover means PostgreSQL now holds production writes; migration.targetTablePrepMode "
            "TRUNCATE_BEFORE_LOAD would empty",
        ),
        (["phase=fallback", "reverse.enabled=false"], "oracle2pg:phase: fallback runs the reverse"),
        (
            ["phase=fallback"],
            "oracle2pg:phase: fallback starts the reverse task; set reverse.cdcStartPosition to the "
            "PostgreSQL LSN captured at cutover",
        ),
        (
            ["reverse.keepForwardRunning=true"],
            "oracle2pg:reverse: keepForwardRunning runs forward and reverse "
            "replication together; that needs loopbackPrevention: true",
        ),
        (
            ["reverse.targetTablePrepMode=TRUNCATE_BEFORE_LOAD"],
            "oracle2pg:reverse.targetTablePrepMode: the reverse "
            "task writes into Oracle tables that hold the production data; only DO_NOTHING is allowed",
        ),
        (["reverse.targetTablePrepMode=DROP_AND_CREATE"], "only DO_NOTHING is allowed, got 'DROP_AND_CREATE'"),
        (
            ["migration.targetTablePrepMode=DROP_AND_CREATE"],
            "oracle2pg:migration: targetTablePrepMode DROP_AND_CREATE drops target tables",
        ),
        (["reverse.cdcStartPosition=2026-01-01T00:00:00"], "DMS does not support CdcStartTime for PostgreSQL sources"),
        (
            ["reverse.postgresSource.settings.slotName=null", "reverse.cdcStartPosition=0/1A2B3C4"],
            "needs a replication slot name",
        ),
        (["reverse.postgresSource=null"], "oracle2pg:reverse: enabled: true needs postgresSource and oracleTarget"),
        (
            ["migration.type=full-load", "reverse.loopbackPrevention=true"],
            "oracle2pg:reverse.loopbackPrevention only matters when the forward task replicates changes",
        ),
    ],
)
def test_guards_refuse_data_loss_paths_with_one_line(overrides, message):
    with pytest.raises(ConfigError) as err:
        read_stack_file(ROOT, "prod", overrides).load()
    text = str(err.value)
    assert message in text
    assert "\n" not in text


def test_drop_and_create_is_allowed_only_on_a_disposable_target():
    stack = read_stack_file(
        ROOT, "dev", ["migration.targetTablePrepMode=DROP_AND_CREATE", "migration.targetIsDisposable=true"]
    ).load()
    assert stack.config.migration.target_table_prep_mode == "DROP_AND_CREATE"
