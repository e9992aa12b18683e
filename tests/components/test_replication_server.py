"""The replication server under Pulumi mocks: its network children, its instances (or none on DMS Serverless), and
how its options (depends_on, protect) reach them."""

from __future__ import annotations

from typing import Any

import pulumi
import pytest

from migration.cli.offline import Recorded
from migration.components.iam_roles import DmsRolesArgs, DmsServiceRoles
from migration.components.pipeline import egress_rules
from migration.components.replication_server import EgressRule, InstanceArgs, ReplicationServer, ServerArgs
from tests.components.kinds import EGRESS, INSTANCE, SG, SUBNET_GROUP, custom, named
from tests.helpers import KMS_ARN, load, of_type, one, render, set_path, valid_raw

ATTACHMENTS = {"roles-dms-vpc-role-policy", "roles-dms-cloudwatch-logs-role-policy"}


def instance_args(**overrides: Any) -> InstanceArgs:
    values: dict[str, Any] = dict(
        instance_ids=["oracle2pg-test"],
        instance_class="dms.r6i.large",
        allocated_storage=100,
        engine_version="3.5.4",
        multi_az=True,
        publicly_accessible=False,
        auto_minor_version_upgrade=False,
        kms_key_arn=KMS_ARN,
        preferred_maintenance_window="sun:02:00-sun:03:00",
    )
    values.update(overrides)
    return InstanceArgs(**values)


def server_args(**overrides: Any) -> ServerArgs:
    values: dict[str, Any] = dict(
        server_id="oracle2pg-test",
        subnet_group_id="oracle2pg-test-subnets",
        security_group_name="oracle2pg-test-dms",
        vpc_id="vpc-0a1b2c3d4e5f60718",
        subnet_ids=["subnet-0a1b2c3d4e5f60711", "subnet-0a1b2c3d4e5f60722"],
        egress=[
            EgressRule(port=1521, cidr="10.20.0.0/16", description="Oracle 10.20.0.0/16:1521"),
            EgressRule(port=5432, security_group_id="sg-0f1e2d3c4b5a69791", description="PostgreSQL sg:5432"),
        ],
        instances=instance_args(),
        extra_security_group_ids=["sg-0a1b2c3d4e5f60799"],
        tags={"Stack": "test"},
    )
    values.update(overrides)
    return ServerArgs(**values)


def render_server(args: ServerArgs | None = None, *, protect: bool = False) -> tuple[list[Recorded], ReplicationServer]:
    def build() -> ReplicationServer:
        roles = DmsServiceRoles("roles", DmsRolesArgs(create=True))
        opts = pulumi.ResourceOptions(depends_on=roles.attachments, protect=protect)
        return ReplicationServer("srv", args or server_args(), opts)

    return render(build)


def test_server_children_and_instance_inputs() -> None:
    resources, server = render_server()
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
    assert len(server.instances) == len(server.instance_arns) == 1


def test_server_single_az_flag_passes_through() -> None:
    resources, _ = render_server(server_args(instances=instance_args(multi_az=False)))
    assert one(resources, INSTANCE).inputs["multiAz"] is False


def test_further_instances_share_the_network_and_are_numbered_from_two() -> None:
    resources, server = render_server(
        server_args(instances=instance_args(instance_ids=["oracle2pg-test", "oracle2pg-test-2"]))
    )
    instances = named(of_type(resources, INSTANCE))
    assert {n: r.inputs["replicationInstanceId"] for n, r in instances.items()} == {
        "srv-instance": "oracle2pg-test",
        "srv-instance-2": "oracle2pg-test-2",
    }
    assert {tuple(r.inputs["vpcSecurityGroupIds"]) for r in instances.values()} == {
        ("srv-sg-id", "sg-0a1b2c3d4e5f60799")
    }
    assert len(server.instance_arns) == 2


def test_serverless_server_has_the_network_and_no_instance() -> None:
    """DMS Serverless: the same subnet group and security group (the replication configs use them), no instance,
    and the server says so with empty lists rather than missing attributes."""
    resources, server = render_server(server_args(instances=None))
    assert of_type(resources, INSTANCE) == []
    assert {r.name for r in resources if r.parent == "srv"} == {
        "srv-subnets",
        "srv-sg",
        "srv-egress-1521-10-20-0-0-16",
        "srv-egress-5432-sg-0f1e2d3c4b5a69791",
    }
    assert server.instances == [] and server.instance_arns == []
    assert len(server.security_group_ids) == 2  # its own and the extra one, for the configs' compute


def test_instance_args_need_an_instance() -> None:
    with pytest.raises(ValueError, match="ServerArgs.instances=None"):
        instance_args(instance_ids=[])


def test_subnet_group_and_security_group() -> None:
    resources, _ = render_server()
    subnets = one(resources, SUBNET_GROUP).inputs
    assert subnets["replicationSubnetGroupId"] == "oracle2pg-test-subnets"
    assert subnets["subnetIds"] == ["subnet-0a1b2c3d4e5f60711", "subnet-0a1b2c3d4e5f60722"]
    assert subnets["replicationSubnetGroupDescription"] == "DMS subnets for oracle2pg-test"
    sg = one(resources, SG).inputs
    assert sg["name"] == "oracle2pg-test-dms" and sg["vpcId"] == "vpc-0a1b2c3d4e5f60718"
    assert "ingress" not in sg and "egress" not in sg  # no inline rules: nothing may connect in
    assert not [r for r in resources if "ingress" in r.type.lower()]


def test_one_egress_rule_per_port_and_address() -> None:
    rules = {r.name: r.inputs for r in of_type(render_server()[0], EGRESS)}
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


def test_every_child_waits_for_what_the_server_waits_for() -> None:
    """The server's depends_on (the role attachments: DMS needs dms-vpc-role to create the subnet group) reaches
    each child as its own dependency, not only through the parent."""
    resources, _ = render_server()
    children = [r for r in resources if r.parent == "srv"]
    assert len(children) == 5
    for child in children:
        assert ATTACHMENTS <= set(child.depends_on), child.name


def test_server_protect_option_reaches_the_instances_only() -> None:
    resources, _ = render_server(server_args(instances=instance_args(instance_ids=["a", "b"])), protect=True)
    by_name = named(resources)
    assert by_name["srv-instance"].protect and by_name["srv-instance-2"].protect
    assert not by_name["srv"].protect  # the component record has no cloud resource to keep
    assert not [r.name for r in resources if r.protect and r.type != INSTANCE]


def test_fixed_ids_are_replaced_delete_first_and_the_rest_create_first() -> None:
    resources, _ = render_server()
    assert {r.name for r in custom(resources) if r.parent == "srv" and r.delete_before_replace} == {
        "srv-subnets",
        "srv-instance",
    }


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
