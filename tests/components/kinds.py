"""Type tokens of the resources the component tests look for, and small filters over recorded resources (shared by
the component test modules; not a test module itself)."""

from __future__ import annotations

from migration.cli.offline import Recorded

ROLE = "aws:iam/role:Role"
ATTACHMENT = "aws:iam/rolePolicyAttachment:RolePolicyAttachment"
ROLE_POLICY = "aws:iam/rolePolicy:RolePolicy"
SUBNET_GROUP = "aws:dms/replicationSubnetGroup:ReplicationSubnetGroup"
SG = "aws:ec2/securityGroup:SecurityGroup"
EGRESS = "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule"
INSTANCE = "aws:dms/replicationInstance:ReplicationInstance"
ENDPOINT = "aws:dms/endpoint:Endpoint"
CERTIFICATE = "aws:dms/certificate:Certificate"
TASK = "aws:dms/replicationTask:ReplicationTask"
CONFIG = "aws:dms/replicationConfig:ReplicationConfig"


def custom(resources: list[Recorded]) -> list[Recorded]:
    return [r for r in resources if r.custom]


def named(resources: list[Recorded]) -> dict[str, Recorded]:
    return {r.name: r for r in resources}
