"""The DMS components under Pulumi mocks: which children each declares, with which inputs and options, and the
whole program for the dev and prod stacks (parents, secrets, outputs)."""

from __future__ import annotations

import json
import threading
import time
from typing import Any

import pulumi
import pytest
from google.protobuf import struct_pb2
from pulumi.runtime.proto import resource_pb2

from migration.cli.offline import FAKE_ACCOUNT, SECRET_SIG, Recorded, RecordingMocks, RecordingMonitor
from migration.components.endpoint import (
    EndpointArgs,
    OracleSourceEndpoint,
    OracleTargetEndpoint,
    PostgresSourceEndpoint,
    PostgresTargetEndpoint,
)
from migration.components.iam_roles import DmsRolesArgs, DmsServiceRoles
from migration.components.migration_task import MigrationTasks, TaskArgs
from migration.components.pipeline import egress_rules
from migration.components.replication_server import EgressRule, ReplicationServer, ServerArgs
from migration.config import OracleSourceConfig, PostgresTargetConfig
from migration.config.stackfile import SECRET_PLACEHOLDER
from tests.helpers import (
    KMS_ARN,
    SECRET_MARK,
    SOURCE_PASSWORD,
    SOURCE_SECRET_ARN,
    TARGET_SECRET_ARN,
    is_secret,
    load,
    of_type,
    one,
    plain_strings,
    render,
    run_stack,
    set_path,
    valid_raw,
)

ROLE = "aws:iam/role:Role"
ATTACHMENT = "aws:iam/rolePolicyAttachment:RolePolicyAttachment"
ROLE_POLICY = "aws:iam/rolePolicy:RolePolicy"
SUBNET_GROUP = "aws:dms/replicationSubnetGroup:ReplicationSubnetGroup"
SG = "aws:ec2/securityGroup:SecurityGroup"
EGRESS = "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule"
INSTANCE = "aws:dms/replicationInstance:ReplicationInstance"
ENDPOINT = "aws:dms/endpoint:Endpoint"
TASK = "aws:dms/replicationTask:ReplicationTask"


def custom(resources: list[Recorded]) -> list[Recorded]:
    return [r for r in resources if r.custom]


# ------------------------------------------------------------------------------------------------- IAM roles


def test_service_roles_created_with_fixed_names_and_retained() -> None:
    resources, roles = render(lambda: DmsServiceRoles("roles", DmsRolesArgs(create=True, tags={"Stack": "t"})))
    made = custom(resources)
    assert sorted((r.type, r.name) for r in made) == sorted(
        [
            (ROLE, "roles-dms-vpc-role"),
            (ROLE, "roles-dms-cloudwatch-logs-role"),
            (ATTACHMENT, "roles-dms-vpc-role-policy"),
            (ATTACHMENT, "roles-dms-cloudwatch-logs-role-policy"),
        ]
    )
    by_name = {r.name: r for r in made}
    assert by_name["roles-dms-vpc-role"].inputs["name"] == "dms-vpc-role"
    assert by_name["roles-dms-cloudwatch-logs-role"].inputs["name"] == "dms-cloudwatch-logs-role"
    trust = json.loads(by_name["roles-dms-vpc-role"].inputs["assumeRolePolicy"])
    assert trust["Statement"] == [
        {"Action": "sts:AssumeRole", "Effect": "Allow", "Principal": {"Service": "dms.amazonaws.com"}}
    ]
    assert by_name["roles-dms-vpc-role-policy"].inputs == {
        "role": "dms-vpc-role",
        "policyArn": "arn:aws:iam::aws:policy/service-role/AmazonDMSVPCManagementRole",
    }
    assert (
        by_name["roles-dms-cloudwatch-logs-role-policy"].inputs["policyArn"]
        == "arn:aws:iam::aws:policy/service-role/AmazonDMSCloudWatchLogsRole"
    )
    assert all(r.retain_on_delete for r in made)
    assert all(r.parent == "roles" for r in made)
    assert not any(r.protect for r in made)
    assert len(roles.attachments) == 2
    assert roles.role_names == ["dms-vpc-role", "dms-cloudwatch-logs-role"]


def test_service_roles_use_the_region_partition() -> None:
    resources, _ = render(lambda: DmsServiceRoles("roles", DmsRolesArgs(create=True, partition="aws-cn")))
    arns = sorted(r.inputs["policyArn"] for r in of_type(resources, ATTACHMENT))
    assert arns == [
        "arn:aws-cn:iam::aws:policy/service-role/AmazonDMSCloudWatchLogsRole",
        "arn:aws-cn:iam::aws:policy/service-role/AmazonDMSVPCManagementRole",
    ]


def test_service_roles_not_created_when_another_stack_owns_them() -> None:
    resources, roles = render(lambda: DmsServiceRoles("roles", DmsRolesArgs(create=False)))
    assert custom(resources) == []
    assert [r.type for r in resources] == ["oracle2pg:dms:DmsServiceRoles"]
    assert roles.attachments == []


# -------------------------------------------------------------------------------------------- replication server


def server_args(**overrides: Any) -> ServerArgs:
    values: dict[str, Any] = dict(
        instance_id="oracle2pg-test",
        subnet_group_id="oracle2pg-test-subnets",
        security_group_name="oracle2pg-test-dms",
        vpc_id="vpc-0a1b2c3d4e5f60718",
        subnet_ids=["subnet-0a1b2c3d4e5f60711", "subnet-0a1b2c3d4e5f60722"],
        instance_class="dms.r6i.large",
        allocated_storage=100,
        engine_version="3.5.4",
        multi_az=True,
        publicly_accessible=False,
        auto_minor_version_upgrade=False,
        egress=[
            EgressRule(port=1521, cidr="10.20.0.0/16", description="Oracle 10.20.0.0/16:1521"),
            EgressRule(port=5432, security_group_id="sg-0f1e2d3c4b5a69791", description="PostgreSQL sg:5432"),
        ],
        extra_security_group_ids=["sg-0a1b2c3d4e5f60799"],
        kms_key_arn=KMS_ARN,
        preferred_maintenance_window="sun:02:00-sun:03:00",
        tags={"Stack": "test"},
    )
    values.update(overrides)
    return ServerArgs(**values)


def render_server(**overrides: Any) -> list[Recorded]:
    def build() -> ReplicationServer:
        roles = DmsServiceRoles("roles", DmsRolesArgs(create=True))
        return ReplicationServer("srv", server_args(depends_on=roles.attachments, **overrides))

    return render(build)[0]


def test_server_children_and_instance_inputs() -> None:
    resources = render_server()
    server_children = sorted((r.type, r.name) for r in resources if r.parent == "srv")
    assert server_children == sorted(
        [
            (SUBNET_GROUP, "srv-subnets"),
            (SG, "srv-sg"),
            (EGRESS, "srv-egress-1521-10-20-0-0-16"),
            (EGRESS, "srv-egress-5432-sg-0f1e2d3c4b5a69791"),
            (INSTANCE, "srv-instance"),
        ]
    )
    inst = one(resources, INSTANCE).inputs
    assert inst["replicationInstanceId"] == "oracle2pg-test"
    assert inst["replicationInstanceClass"] == "dms.r6i.large"
    assert inst["allocatedStorage"] == 100
    assert inst["engineVersion"] == "3.5.4"
    assert inst["multiAz"] is True
    assert inst["publiclyAccessible"] is False
    assert inst["autoMinorVersionUpgrade"] is False
    assert inst["allowMajorVersionUpgrade"] is True  # only a moved pin upgrades; downgrades are refused at up
    assert inst["kmsKeyArn"] == KMS_ARN
    assert inst["preferredMaintenanceWindow"] == "sun:02:00-sun:03:00"
    assert inst["replicationSubnetGroupId"] == "oracle2pg-test-subnets"
    assert inst["vpcSecurityGroupIds"] == ["srv-sg-id", "sg-0a1b2c3d4e5f60799"]
    assert inst["tags"] == {"Stack": "test"}


def test_server_single_az_flag_passes_through() -> None:
    assert one(render_server(multi_az=False), INSTANCE).inputs["multiAz"] is False


def test_subnet_group_and_security_group() -> None:
    resources = render_server()
    subnets = one(resources, SUBNET_GROUP).inputs
    assert subnets["replicationSubnetGroupId"] == "oracle2pg-test-subnets"
    assert subnets["subnetIds"] == ["subnet-0a1b2c3d4e5f60711", "subnet-0a1b2c3d4e5f60722"]
    sg = one(resources, SG).inputs
    assert sg["name"] == "oracle2pg-test-dms" and sg["vpcId"] == "vpc-0a1b2c3d4e5f60718"
    assert "ingress" not in sg and "egress" not in sg  # no inline rules: nothing may connect in
    assert not [r for r in resources if "ingress" in r.type.lower()]


def test_one_egress_rule_per_port_and_address() -> None:
    rules = {r.name: r.inputs for r in of_type(render_server(), EGRESS)}
    assert rules == {
        "srv-egress-1521-10-20-0-0-16": {
            "securityGroupId": "srv-sg-id",
            "ipProtocol": "tcp",
            "fromPort": 1521,
            "toPort": 1521,
            "cidrIpv4": "10.20.0.0/16",
            "description": "Oracle 10.20.0.0/16:1521",
        },
        "srv-egress-5432-sg-0f1e2d3c4b5a69791": {
            "securityGroupId": "srv-sg-id",
            "ipProtocol": "tcp",
            "fromPort": 5432,
            "toPort": 5432,
            "referencedSecurityGroupId": "sg-0f1e2d3c4b5a69791",
            "description": "PostgreSQL sg:5432",
        },
    }


def test_subnet_group_and_instance_wait_for_the_role_attachments() -> None:
    resources = render_server()
    attachments = {"roles-dms-vpc-role-policy", "roles-dms-cloudwatch-logs-role-policy"}
    assert attachments <= set(one(resources, SUBNET_GROUP).depends_on)
    assert attachments <= set(one(resources, INSTANCE).depends_on)


def test_server_protect_flag_reaches_the_instance_only() -> None:
    resources = render_server(protect=True)
    assert one(resources, INSTANCE).protect is True
    assert not one(resources, SUBNET_GROUP).protect and not one(resources, SG).protect


def test_egress_rules_from_config() -> None:
    raw = valid_raw()
    set_path(raw, "network.databaseCidrs", ["10.20.0.0/16", "10.30.0.0/16"])
    set_path(raw, "network.databaseSecurityGroupIds", ["sg-0f1e2d3c4b5a69791"])
    rules = egress_rules(load(raw))
    assert [(r.port, r.cidr, r.security_group_id) for r in rules] == [
        (1521, "10.20.0.0/16", None),
        (1521, "10.30.0.0/16", None),
        (1521, None, "sg-0f1e2d3c4b5a69791"),
        (5432, "10.20.0.0/16", None),
        (5432, "10.30.0.0/16", None),
        (5432, None, "sg-0f1e2d3c4b5a69791"),
    ]
    assert rules[0].description == "Oracle 10.20.0.0/16:1521"


def test_egress_rules_are_not_duplicated_when_ports_match() -> None:
    raw = set_path(valid_raw(), "target.port", 1521)
    assert [(r.port, r.cidr) for r in egress_rules(load(raw))] == [(1521, "10.20.0.0/16")]


# ------------------------------------------------------------------------------------------------------ endpoints


def oracle_with_password() -> OracleSourceConfig:
    return OracleSourceConfig.model_validate(
        {"host": "orcl.example.internal", "databaseName": "ORCL", "username": "DMS_USER", "password": SOURCE_PASSWORD}
    )


def postgres_with_secret() -> PostgresTargetConfig:
    return PostgresTargetConfig.model_validate(
        {
            "databaseName": "app",
            "secretsManagerSecretArn": TARGET_SECRET_ARN,
            "sslMode": "verify-full",
            "certificateArn": "arn:aws:dms:eu-west-1:210987654321:cert:ABC",
        }
    )


def endpoint_args(conn: Any, **overrides: Any) -> EndpointArgs:
    values: dict[str, Any] = dict(
        endpoint_id="oracle2pg-test-ep",
        engine_name="oracle",
        connection=conn,
        region="eu-west-1",
        secrets_role_name="oracle2pg-test-ep-secrets",
        tags={"Stack": "test"},
    )
    values.update(overrides)
    return EndpointArgs(**values)


def test_password_endpoint_sends_the_password_only_as_a_secret() -> None:
    resources, _ = render(lambda: OracleSourceEndpoint("src", endpoint_args(oracle_with_password())))
    assert [r.type for r in custom(resources)] == [ENDPOINT]
    ep = one(resources, ENDPOINT)
    assert ep.parent == "src"
    assert ep.inputs["password"] == {SECRET_SIG: SECRET_MARK, "value": SOURCE_PASSWORD}
    assert SOURCE_PASSWORD not in list(plain_strings(ep.inputs))
    assert (ep.inputs["serverName"], ep.inputs["port"], ep.inputs["username"]) == (
        "orcl.example.internal",
        1521,
        "DMS_USER",
    )
    assert (ep.inputs["endpointId"], ep.inputs["endpointType"], ep.inputs["engineName"]) == (
        "oracle2pg-test-ep",
        "source",
        "oracle",
    )
    assert ep.inputs["databaseName"] == "ORCL" and ep.inputs["sslMode"] == "none"
    assert "secretsManagerArn" not in ep.inputs and "secretsManagerAccessRoleArn" not in ep.inputs


def test_secrets_manager_endpoint_gets_a_least_privilege_role() -> None:
    resources, comp = render(
        lambda: PostgresTargetEndpoint(
            "tgt",
            endpoint_args(
                postgres_with_secret(), engine_name="aurora-postgresql", kms_key_arn=KMS_ARN, region="eu-central-1"
            ),
        ),
        region="eu-central-1",
    )
    assert sorted((r.type, r.name) for r in custom(resources)) == sorted(
        [(ROLE, "tgt-secrets-role"), (ROLE_POLICY, "tgt-secrets-read"), (ENDPOINT, "tgt-endpoint")]
    )
    assert all(r.parent == "tgt" for r in custom(resources))
    role = one(resources, ROLE).inputs
    assert role["name"] == "oracle2pg-test-ep-secrets"
    trust = json.loads(role["assumeRolePolicy"])
    assert trust["Statement"] == [
        {
            "Action": "sts:AssumeRole",
            "Effect": "Allow",
            "Principal": {"Service": ["dms.amazonaws.com", "dms.eu-central-1.amazonaws.com"]},
        }
    ]
    policy = one(resources, ROLE_POLICY)
    assert policy.inputs["role"] == "tgt-secrets-role-id"
    statements = json.loads(policy.inputs["policy"])["Statement"]
    assert statements == [
        {
            "Effect": "Allow",
            "Resource": TARGET_SECRET_ARN,
            "Action": ["secretsmanager:DescribeSecret", "secretsmanager:GetSecretValue"],
        }
    ]
    ep = one(resources, ENDPOINT)
    assert ep.inputs["secretsManagerArn"] == TARGET_SECRET_ARN
    assert ep.inputs["secretsManagerAccessRoleArn"] == f"arn:aws:mock:eu-central-1:{FAKE_ACCOUNT}:tgt-secrets-role"
    for absent in ("password", "username", "serverName", "port"):
        assert absent not in ep.inputs, absent
    assert (ep.inputs["endpointType"], ep.inputs["engineName"]) == ("target", "aurora-postgresql")
    assert ep.inputs["sslMode"] == "verify-full"
    assert ep.inputs["certificateArn"] == "arn:aws:dms:eu-west-1:210987654321:cert:ABC"
    assert ep.inputs["kmsKeyArn"] == KMS_ARN
    assert "tgt-secrets-read" in ep.depends_on  # the role can read the secret before DMS tests the connection
    assert comp.secrets_role is not None


ORACLE_SETTINGS = ({"add_supplemental_logging": True}, "oracleSettings", {"addSupplementalLogging": True})
POSTGRES_SETTINGS = ({"heartbeat_enable": True}, "postgresSettings", {"heartbeatEnable": True})


@pytest.mark.parametrize(
    ("cls", "endpoint_type", "settings"),
    [
        (OracleSourceEndpoint, "source", ORACLE_SETTINGS),
        (PostgresTargetEndpoint, "target", POSTGRES_SETTINGS),
        (PostgresSourceEndpoint, "source", POSTGRES_SETTINGS),
        (OracleTargetEndpoint, "target", ORACLE_SETTINGS),
    ],
)
def test_endpoint_kinds(cls: Any, endpoint_type: str, settings: tuple[dict[str, Any], str, dict[str, Any]]) -> None:
    kwargs, key, expected = settings
    resources, _ = render(lambda: cls("ep", endpoint_args(oracle_with_password(), settings=kwargs, protect=True)))
    ep = one(resources, ENDPOINT)
    assert ep.inputs["endpointType"] == endpoint_type
    assert ep.inputs[key] == expected
    assert ep.protect is True
    assert cls.type_token.startswith("oracle2pg:dms:")


def test_endpoint_without_settings_sends_none() -> None:
    resources, _ = render(lambda: OracleSourceEndpoint("src", endpoint_args(oracle_with_password())))
    inputs = one(resources, ENDPOINT).inputs
    assert "oracleSettings" not in inputs and "postgresSettings" not in inputs


# ----------------------------------------------------------------------------------------------------------- task


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
                    protect=True,
                )
            ],
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
    roles = of_type(run.resources, ROLE) + of_type(run.resources, ATTACHMENT)
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
    policies = {
        p.name: json.loads(p.inputs["policy"])["Statement"][0]["Resource"] for p in of_type(run.resources, ROLE_POLICY)
    }
    assert policies == {
        "migration-source-secrets-read": SOURCE_SECRET_ARN,
        "migration-target-secrets-read": TARGET_SECRET_ARN,
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
