"""The migration tasks under Pulumi mocks: each task's inputs, and its protection through the component's options."""

from __future__ import annotations

import pulumi

from migration.components.migration_task import MigrationTasks, ServerlessCompute, TaskArgs
from tests.components.kinds import CONFIG, TASK, named
from tests.helpers import of_type, one, render


def test_task_inputs() -> None:
    mappings = '{"rules":[]}'
    resources, comp = render(
        lambda: MigrationTasks(
            "tasks",
            [
                TaskArgs(
                    name="main",
                    task_id="oracle2pg-test-main",
                    migration_type="full-load-and-cdc",
                    instance_arn="arn:inst",
                    source_endpoint_arn="arn:src",
                    target_endpoint_arn="arn:tgt",
                    table_mappings=mappings,
                    task_settings='{"TargetMetadata":{}}',
                    start=True,
                    cdc_start_position="12345",
                    tags={"Stack": "test"},
                )
            ],
            pulumi.ResourceOptions(protect=True),
        )
    )
    task = one(resources, TASK)
    assert task.name == "tasks-main" and task.parent == "tasks" and task.protect is True
    assert task.inputs == {
        "replicationTaskId": "oracle2pg-test-main",
        "migrationType": "full-load-and-cdc",
        "replicationInstanceArn": "arn:inst",
        "sourceEndpointArn": "arn:src",
        "targetEndpointArn": "arn:tgt",
        "tableMappings": mappings,
        "replicationTaskSettings": '{"TargetMetadata":{}}',
        "startReplicationTask": True,
        "cdcStartPosition": "12345",
        "tags": {"Stack": "test"},
    }


def test_task_not_started_and_unprotected() -> None:
    resources, _ = render(
        lambda: MigrationTasks(
            "t",
            [
                TaskArgs(
                    name="x",
                    task_id="x",
                    migration_type="cdc",
                    instance_arn="a",
                    source_endpoint_arn="b",
                    target_endpoint_arn="c",
                    table_mappings="{}",
                    task_settings="{}",
                    start=False,
                    cdc_start_time="2026-01-01T00:00:00Z",
                )
            ],
        )
    )
    task = one(resources, TASK)
    assert task.inputs["startReplicationTask"] is False
    assert task.inputs["cdcStartTime"] == "2026-01-01T00:00:00Z"
    assert "cdcStartPosition" not in task.inputs
    assert task.protect is False


def _task(name: str, **overrides: object) -> TaskArgs:
    values: dict = dict(
        name=name,
        task_id=f"oracle2pg-test-{name}",
        migration_type="full-load-and-cdc",
        instance_arn="arn:inst",
        source_endpoint_arn="arn:src",
        target_endpoint_arn="arn:tgt",
        table_mappings="{}",
        task_settings="{}",
        start=True,
    )
    values.update(overrides)
    return TaskArgs(**values)


def test_a_task_waits_for_the_tasks_it_comes_after_whatever_their_order() -> None:
    tasks = [_task("reverse", after=["a", "b"]), _task("a"), _task("b")]
    resources, comp = render(lambda: MigrationTasks("t", tasks))
    by_name = named(of_type(resources, TASK))
    assert {"t-a", "t-b"} <= set(by_name["t-reverse"].depends_on)
    assert not {"t-reverse"} & set(by_name["t-a"].depends_on)
    assert set(comp.task_arns) == {"reverse", "a", "b"}


def test_serverless_tasks_are_replication_configs_on_the_given_compute() -> None:
    compute = ServerlessCompute(subnet_group_id="subnets", security_group_ids=["sg-1", "sg-2"], min_dcu=2, max_dcu=8)
    tasks = [_task("main", instance_arn=None, serverless=compute)]
    resources, _ = render(lambda: MigrationTasks("t", tasks, pulumi.ResourceOptions(protect=True)))
    assert of_type(resources, TASK) == []
    config = one(resources, CONFIG)
    assert config.name == "t-main" and config.protect and config.delete_before_replace
    assert config.inputs["replicationConfigIdentifier"] == "oracle2pg-test-main"
    compute_inputs = config.inputs["computeConfig"]
    assert compute_inputs["replicationSubnetGroupId"] == "subnets"
    assert compute_inputs["vpcSecurityGroupIds"] == ["sg-1", "sg-2"]
    assert (compute_inputs["minCapacityUnits"], compute_inputs["maxCapacityUnits"]) == (2, 8)
