"""The whole program under Pulumi mocks for the dev and prod stacks (parents, type tokens, secrets, outputs), and
the offline recorder the tests read it through."""

from __future__ import annotations

import json
import threading
import time
from typing import Any

import pulumi
from google.protobuf import struct_pb2
from pulumi.runtime.proto import resource_pb2

from migration.cli.offline import FAKE_ACCOUNT, Recorded, RecordingMocks, RecordingMonitor
from migration.config.stackfile import SECRET_PLACEHOLDER
from tests.components.kinds import ATTACHMENT, ENDPOINT, INSTANCE, ROLE, ROLE_POLICY, TASK
from tests.helpers import SOURCE_SECRET_ARN, TARGET_SECRET_ARN, is_secret, of_type, one, plain_strings, run_stack

# ------------------------------------------------------------------------------------------------- whole program


def assert_parents(resources: list[Recorded], stack: str) -> None:
    by_name = {r.name: r for r in resources}
    assert by_name["migration"].parent == f"oracle2pg-{stack}"
    components = {r.name for r in resources if not r.custom}
    for r in resources:
        if r.name == "migration":
            continue
        if not r.custom:
            assert r.parent == "migration", (r.name, r.parent)
            continue
        owners = [c for c in components if r.name.startswith(c + "-") and c != "migration"]
        owner = max(owners, key=len)  # the most specific component whose name prefixes the child
        assert r.parent == owner, (r.name, r.parent, owner)


def assert_no_plain_placeholder(run: Any) -> None:
    for r in run.resources:
        leaked = [s for s in plain_strings(r.inputs) if SECRET_PLACEHOLDER in s]
        assert not leaked, (r.name, leaked)
    assert not [s for s in plain_strings(run.outputs) if SECRET_PLACEHOLDER in s]


def test_dev_program() -> None:
    run = run_stack(stack="dev")
    tasks = of_type(run.resources, TASK)
    assert [(t.inputs["replicationTaskId"], t.inputs["migrationType"]) for t in tasks] == [
        ("oracle2pg-dev-main", "full-load")
    ]
    assert_parents(run.resources, "dev")
    roles = [
        r for r in of_type(run.resources, ROLE) + of_type(run.resources, ATTACHMENT) if r.parent == "migration-roles"
    ]
    assert len(roles) == 4 and all(r.retain_on_delete for r in roles)
    inst = one(run.resources, INSTANCE)
    assert inst.inputs["replicationInstanceClass"] == "dms.t3.medium"
    assert inst.inputs["publiclyAccessible"] is False
    assert {"migration-roles-dms-vpc-role-policy", "migration-roles-dms-cloudwatch-logs-role-policy"} <= set(
        inst.depends_on
    )
    endpoints = {e.inputs["endpointId"]: e.inputs for e in of_type(run.resources, ENDPOINT)}
    assert set(endpoints) == {"oracle2pg-dev-oracle-source", "oracle2pg-dev-postgres-target"}
    for inputs in endpoints.values():
        assert is_secret(inputs["password"]) and inputs["password"]["value"] == SECRET_PLACEHOLDER
    assert_no_plain_placeholder(run)


def test_prod_program() -> None:
    run = run_stack(stack="prod")
    tasks = of_type(run.resources, TASK)
    assert tasks  # how many depends on the stack's sizing; every one replicates changes
    assert {t.inputs["migrationType"] for t in tasks} == {"full-load-and-cdc"}
    assert all(t.inputs["replicationTaskId"].startswith("oracle2pg-prod-") for t in tasks)
    assert set(run.outputs["taskArns"]) == {t.name.removeprefix("migration-task-") for t in tasks}
    assert_parents(run.resources, "prod")
    assert of_type(run.resources, ATTACHMENT) == []  # createDmsRoles: false
    inst = one(run.resources, INSTANCE)
    assert inst.inputs["multiAz"] is True and inst.inputs["replicationInstanceClass"] == "dms.r6i.xlarge"
    assert inst.protect is True
    endpoints = {e.inputs["endpointId"]: e for e in of_type(run.resources, ENDPOINT)}
    src = endpoints["oracle2pg-prod-oracle-source"]
    assert src.inputs["secretsManagerArn"] == SOURCE_SECRET_ARN
    assert "password" not in src.inputs and "serverName" not in src.inputs
    assert all(e.protect for e in endpoints.values()) and all(t.protect for t in tasks)
    assert {r.type for r in run.resources if r.protect} == {INSTANCE, ENDPOINT, TASK}  # what holds the migration
    assert all(r.type.startswith("oracle2pg:dms:") for r in run.resources if not r.custom)
    policies = {
        p.name: json.loads(p.inputs["policy"])["Statement"][0]["Resource"] for p in of_type(run.resources, ROLE_POLICY)
    }
    assert policies == {
        "migration-source-secrets-read": SOURCE_SECRET_ARN,
        "migration-target-secrets-read": TARGET_SECRET_ARN,
        "migration-assessment-role-policy": "arn:aws:mock:eu-west-1:123456789012:migration-assessment-bucket/*",
        # the reverse endpoints' secrets: the endpoints exist from phase replicate on (reverse.enabled)
        "migration-reverse-source-secrets-read": endpoints["oracle2pg-prod-postgres-source"].inputs[
            "secretsManagerArn"
        ],
        "migration-reverse-target-secrets-read": endpoints["oracle2pg-prod-oracle-target"].inputs["secretsManagerArn"],
    }
    assert_no_plain_placeholder(run)


def test_stack_outputs() -> None:
    run = run_stack(stack="dev")
    out = run.outputs
    assert out["replicationInstanceArn"] == f"arn:aws:dms:eu-west-1:{FAKE_ACCOUNT}:rep:MIGRATION-SERVER-INSTANCE"
    assert out["sourceEndpointArn"] == f"arn:aws:dms:eu-west-1:{FAKE_ACCOUNT}:endpoint:MIGRATION-SOURCE-ENDPOINT"
    assert out["targetEndpointArn"] == f"arn:aws:dms:eu-west-1:{FAKE_ACCOUNT}:endpoint:MIGRATION-TARGET-ENDPOINT"
    assert out["taskArns"] == {"main": f"arn:aws:dms:eu-west-1:{FAKE_ACCOUNT}:task:MIGRATION-TASK-MAIN"}
    task = one(run.resources, TASK)
    assert out["tableMappings"] == {"main": task.inputs["tableMappings"]}
    rules = json.loads(out["tableMappings"]["main"])["rules"]
    assert {
        (r["object-locator"]["schema-name"], r["rule-target"])
        for r in rules
        if r.get("rule-action") == "convert-lowercase"
    } == {("APP", "schema"), ("APP", "table"), ("APP", "column"), ("HR", "schema"), ("HR", "table"), ("HR", "column")}


def test_overrides_reach_the_program() -> None:
    run = run_stack(["migration.type=cdc", "replicationInstance.multiAz=true"], stack="dev")
    assert one(run.resources, TASK).inputs["migrationType"] == "cdc"
    assert one(run.resources, INSTANCE).inputs["multiAz"] is True


# --------------------------------------------------------------------------------------- offline recorder itself


def test_recording_monitor_is_thread_safe() -> None:
    """Pulumi registers resources from a thread pool: each registration must keep its own options."""

    class Interleaving(RecordingMocks):
        """Slows each registration down so concurrent ones would overlap without the monitor's lock."""

        def __init__(self) -> None:
            super().__init__("eu-west-1")

        def new_resource(self, args: pulumi.runtime.MockResourceArgs) -> tuple[str, dict[str, Any]]:
            time.sleep(0.05)
            return super().new_resource(args)

    mocks = Interleaving()
    monitor = RecordingMonitor(mocks)

    def register(name: str, parent: str, retain: bool) -> None:
        monitor.RegisterResource(
            resource_pb2.RegisterResourceRequest(
                type=ROLE,
                name=name,
                custom=True,
                object=struct_pb2.Struct(),
                retainOnDelete=retain,
                parent=f"urn:pulumi:dev::oracle2pg::oracle2pg:dms:DmsServiceRoles::{parent}",
            )
        )

    threads = [
        threading.Thread(target=register, args=("a", "parent-a", True)),
        threading.Thread(target=register, args=("b", "parent-b", False)),
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    recorded = sorted((r.name, r.parent, r.retain_on_delete) for r in mocks.resources)
    assert recorded == [("a", "parent-a", True), ("b", "parent-b", False)]
