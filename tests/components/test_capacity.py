"""Beyond one replication instance: tasks spread over several instances, or DMS Serverless replication configs."""

from __future__ import annotations

import json

import pytest

from migration.config import ConfigError
from migration.config.stackfile import read_stack_file
from migration.notices import Level
from migration.planning.capacity import dcu_for_memory, serverless_dcu, serverless_min_dcus
from migration.planning.design import resolve
from tests.helpers import ROOT, of_type, run_stack

TASK = "aws:dms/replicationTask:ReplicationTask"
INSTANCE = "aws:dms/replicationInstance:ReplicationInstance"
CONFIG = "aws:dms/replicationConfig:ReplicationConfig"
TWO_TASKS = "migration.tasks=[{name: app, include: [APP.%], instance: 1}, {name: hr, include: [HR.%], instance: 2}]"


def test_a_stack_with_two_instances_renders_tasks_on_both():
    run = run_stack(["capacity.instances=2", TWO_TASKS])
    instances = {r.name: r for r in of_type(run.resources, INSTANCE)}
    assert sorted(instances) == ["migration-server-instance", "migration-server-instance-2"]
    assert instances["migration-server-instance"].inputs["replicationInstanceId"] == "oracle2pg-dev"
    assert instances["migration-server-instance-2"].inputs["replicationInstanceId"] == "oracle2pg-dev-2"
    shared = {
        (r.inputs["replicationSubnetGroupId"], tuple(r.inputs["vpcSecurityGroupIds"])) for r in instances.values()
    }
    assert len(shared) == 1  # same subnet group and security group
    on = {r.name: r.inputs["replicationInstanceArn"] for r in of_type(run.resources, TASK)}
    assert on["migration-task-app"].endswith(":rep:MIGRATION-SERVER-INSTANCE")
    assert on["migration-task-hr"].endswith(":rep:MIGRATION-SERVER-INSTANCE-2")
    alarms = {r.inputs["name"] for r in of_type(run.resources, "aws:cloudwatch/metricAlarm:MetricAlarm")}
    assert {"oracle2pg-dev-cpu", "oracle2pg-dev-2-cpu"} <= alarms
    assert run.outputs["replicationInstanceArns"][1].endswith(":rep:MIGRATION-SERVER-INSTANCE-2")


def test_the_planner_places_prod_tasks_on_several_instances_and_the_frozen_plan_keeps_them(tmp_path):
    stack = read_stack_file(ROOT, "prod", ["sizing.planFile=null", "capacity.instances=2"]).load()
    specs = [s for s in resolve(stack).tasks if s.direction == "forward"]
    assert {s.instance for s in specs} == {0, 1}
    # The shipped frozen plan predates several instances: every task stays on the first, as deployed.
    frozen = resolve(read_stack_file(ROOT, "prod", ["capacity.instances=2"]).load()).tasks
    assert {s.instance for s in frozen} == {0}
    doc = json.loads((ROOT / "tests/data/inventory/prod-migration-plan.json").read_text())
    doc["tasks"][0]["instance"] = 5
    bad = tmp_path / "plan.json"
    bad.write_text(json.dumps(doc))
    with pytest.raises(ConfigError, match=r"task big-documents is placed on instance 6, but the stack runs 1"):
        resolve(read_stack_file(ROOT, "prod", [f"sizing.planFile={bad}"]).load())


def test_one_program_run_works_out_the_plan_once_with_auto_instances(monkeypatch):
    """The instance count, the task specs, the checks and the docs all ask for the plan; the planner (seconds on a
    big inventory) runs once per run, and the instances follow its placement."""
    import migration.planning.plan_source as plan_source

    calls = []
    real = plan_source.plan_migration
    monkeypatch.setattr(plan_source, "plan_migration", lambda *a, **k: calls.append(1) or real(*a, **k))
    auto = ["sizing.planFile=null", "capacity.instances=auto"]
    run = run_stack(auto, stack="prod")
    assert len(calls) == 1
    planned = {
        s.instance for s in resolve(read_stack_file(ROOT, "prod", auto).load()).tasks if s.direction == "forward"
    }
    assert len(of_type(run.resources, INSTANCE)) == max(planned) + 1 == 2


def test_a_serverless_stack_renders_replication_configs_with_the_providers_input_names():
    run = run_stack(["capacity.mode=serverless", "migration.startTask=true"])
    assert of_type(run.resources, INSTANCE) == [] and of_type(run.resources, TASK) == []
    (config,) = of_type(run.resources, CONFIG)
    inputs = config.inputs
    assert inputs["replicationConfigIdentifier"] == "oracle2pg-dev-main"
    assert inputs["replicationType"] == "full-load" and inputs["startReplication"] is True
    compute = inputs["computeConfig"]
    assert compute["replicationSubnetGroupId"] == "oracle2pg-dev-subnets"
    assert (compute["minCapacityUnits"], compute["maxCapacityUnits"]) == (1, 2)  # t3.medium: 4 GiB = 2 DCU
    assert (
        json.loads(inputs["replicationSettings"])["FullLoadSettings"]["TargetTablePrepMode"] == "TRUNCATE_BEFORE_LOAD"
    )
    assert "replicationInstanceArn" not in run.outputs


def test_a_serverless_stack_passes_the_phases():
    for phase in ("replicate", "cutover", "complete"):
        overrides = ["capacity.mode=serverless", f"phase={phase}", "migration.targetTablePrepMode=DO_NOTHING"]
        overrides.append("migration.startTask=true")
        (config,) = of_type(run_stack(overrides).resources, CONFIG)
        assert config.inputs["startReplication"] is (phase == "replicate")


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        (["capacity.mode=serverless"], "capacity.mode: serverless cannot run the reverse task"),
        (["capacity.instances=auto", "sizing.mode=manual", "sizing.planFile=null"], "needs sizing.mode: auto"),
        (["capacity.maxDcu=3"], "capacity.maxDcu: must be one of 1, 2, 4"),
        (["capacity.instances=0"], "capacity.instances: must be 1..60"),
    ],
)
def test_what_the_capacity_cannot_do_is_one_line(overrides, message):
    with pytest.raises(ConfigError, match=message):
        read_stack_file(ROOT, "prod", overrides).load()


def test_serverless_refuses_a_custom_cdc_start_point():
    with pytest.raises(ConfigError, match="does not support custom CDC start points"):
        read_stack_file(
            ROOT, "dev", ["capacity.mode=serverless", "migration.type=cdc", "migration.cdcStartPosition=1234567890"]
        ).load()


def test_dcu_range_follows_the_instance_class_memory():
    assert dcu_for_memory(32) == 16 and dcu_for_memory(33) == 32 and dcu_for_memory(5000) == 384
    stack = read_stack_file(
        ROOT, "dev", ["capacity.mode=serverless", "replicationInstance.instanceClass=dms.r6i.xlarge"]
    )
    assert serverless_dcu(stack.load().config) == (4, 16)
    pinned = read_stack_file(ROOT, "dev", ["capacity.mode=serverless", "capacity.minDcu=2", "capacity.maxDcu=8"])
    assert serverless_dcu(pinned.load().config) == (2, 8)


def test_unpinned_tasks_keep_their_instance_when_the_task_list_changes():
    """Placement by name: adding or reordering tasks never moves another one (a move stops a running task)."""

    def placement(tasks: str) -> dict[str, int]:
        stack = read_stack_file(ROOT, "dev", ["capacity.instances=3", f"migration.tasks={tasks}"]).load()
        return {s.name: s.instance for s in resolve(stack).tasks}

    before = placement("[{name: app, include: [APP.%]}, {name: hr, include: [HR.%]}]")
    after = placement("[{name: hr, include: [HR.%]}, {name: x, include: [APP.X%]}, {name: app, include: [APP.%]}]")
    assert {k: after[k] for k in before} == before


def test_a_pinned_instance_beyond_the_count_is_one_line():
    with pytest.raises(ConfigError, match="task app asks for instance 3; the stack runs 2 instance"):
        read_stack_file(
            ROOT, "dev", ["capacity.instances=2", "migration.tasks=[{name: app, include: [APP.%], instance: 3}]"]
        ).load()


def test_a_count_that_is_neither_a_number_nor_auto_is_one_line():
    with pytest.raises(ConfigError) as err:
        read_stack_file(ROOT, "dev", ["capacity.instances=two"]).load()
    assert str(err.value) == "oracle2pg:capacity: instances: must be 1..60 or auto, got 'two'"


def test_an_idle_instance_is_said_and_the_plan_table_shows_each_tasks_instance():
    frozen = resolve(read_stack_file(ROOT, "prod", ["capacity.instances=2"]).load())
    (idle,) = [n for n in frozen.notices if n.code == "idle-instances"]
    assert idle.level is Level.WARNING
    assert idle.line.startswith("WARNING replication instance(s) oracle2pg-prod-2 run no task")
    from migration.planning.planner import render_plan_text

    text = render_plan_text(
        resolve(read_stack_file(ROOT, "prod", ["capacity.instances=2", "sizing.planFile=null"]).load()).plan
    )
    assert text.splitlines()[0].startswith("full-load on 2 x dms.r6i.xlarge")
    assert text.splitlines()[1].split()[:2] == ["task", "inst"]


def test_each_serverless_replication_idles_at_a_floor_from_its_own_share_of_the_load():
    """Re-trial B9: every replication got MinCapacityUnits a quarter of the maximum (32 of 128), the 6 GB nokey-01
    as much as the 408 GB big-claim. The floor is now a quarter of each one's need (its bytes over the largest's)."""
    serverless = ["capacity.mode=serverless", "reverse.enabled=false", "sizing.planFile=null"]
    run = run_stack(serverless, stack="prod")
    floors = {
        c.inputs["replicationConfigIdentifier"].removeprefix("oracle2pg-prod-"): (
            c.inputs["computeConfig"]["minCapacityUnits"],
            c.inputs["computeConfig"]["maxCapacityUnits"],
        )
        for c in of_type(run.resources, CONFIG)
    }
    # r6i.xlarge: 32 GiB = 16 DCU; big-documents (12 GB, the largest) idles at a quarter, 4; nokey-01 (2 GB) at 1
    assert floors["big-documents"] == (4, 16) and floors["nokey-01"] == (1, 16) and floors["load-01"] == (1, 16)
    cfg = read_stack_file(ROOT, "prod", serverless).load().config
    assert serverless_min_dcus(cfg, {"a": 100, "b": 25, "c": 1}) == {"a": 4, "b": 1, "c": 1}
    pinned = read_stack_file(ROOT, "prod", [*serverless, "capacity.minDcu=2"]).load().config
    assert serverless_min_dcus(pinned, {"a": 100, "c": 1}) == {"a": 2, "c": 2}  # a set minDcu applies to every one
