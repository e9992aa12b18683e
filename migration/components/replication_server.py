"""The replication server: a subnet group, a security group that may only reach the databases' ports, and the
replication instance itself."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Sequence

import pulumi
import pulumi_aws as aws


@dataclass(frozen=True)
class EgressRule:
    """Outbound access from the replication instance to one database address on one port."""

    port: int
    description: str
    cidr: str | None = None
    security_group_id: str | None = None


@dataclass
class ServerArgs:
    instance_id: str
    subnet_group_id: str
    security_group_name: str
    vpc_id: str
    subnet_ids: Sequence[str]
    instance_class: str
    allocated_storage: int
    engine_version: str
    multi_az: bool
    publicly_accessible: bool
    auto_minor_version_upgrade: bool
    egress: Sequence[EgressRule]
    extra_security_group_ids: Sequence[str] = ()
    kms_key_arn: str | None = None
    preferred_maintenance_window: str | None = None
    tags: dict[str, str] = field(default_factory=dict)
    depends_on: Sequence[pulumi.Resource] = ()
    protect: bool = False
    apply_immediately: bool = False


class ReplicationServer(pulumi.ComponentResource):
    def __init__(self, name: str, args: ServerArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("oracle2pg:dms:ReplicationServer", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        # dms-vpc-role must exist (and its policy be attached) before DMS can create the subnet group.
        # Fixed ids (subnet group, instance): a replacement must delete the old one first, or AWS answers
        # ResourceAlreadyExistsFault (provider_facts.DELETE_BEFORE_REPLACE).
        after_roles = pulumi.ResourceOptions(parent=self, depends_on=list(args.depends_on), delete_before_replace=True)
        self.subnet_group = aws.dms.ReplicationSubnetGroup(
            f"{name}-subnets",
            replication_subnet_group_id=args.subnet_group_id,
            replication_subnet_group_description=f"DMS subnets for {args.instance_id}",
            subnet_ids=list(args.subnet_ids),
            tags=args.tags,
            opts=after_roles,
        )
        # The provider removes AWS's default allow-all egress rule; only the rules below remain. No ingress.
        self.security_group = aws.ec2.SecurityGroup(
            f"{name}-sg",
            name=args.security_group_name,
            vpc_id=args.vpc_id,
            description=f"DMS replication instance {args.instance_id}: egress to the databases only",
            tags=args.tags,
            opts=child,
        )
        # Named by what they allow, not by position: adding a CIDR must not rewrite another rule in place.
        self.egress_rules = [
            aws.vpc.SecurityGroupEgressRule(
                f"{name}-egress-{rule.port}-{re.sub(r'[^a-z0-9]+', '-', (rule.cidr or rule.security_group_id or '').lower())}",
                security_group_id=self.security_group.id,
                ip_protocol="tcp",
                from_port=rule.port,
                to_port=rule.port,
                cidr_ipv4=rule.cidr,
                referenced_security_group_id=rule.security_group_id,
                description=rule.description,
                opts=child,
            )
            for rule in args.egress
        ]
        self.instance = aws.dms.ReplicationInstance(
            f"{name}-instance",
            replication_instance_id=args.instance_id,
            replication_instance_class=args.instance_class,
            allocated_storage=args.allocated_storage,
            engine_version=args.engine_version,
            multi_az=args.multi_az,
            publicly_accessible=args.publicly_accessible,
            auto_minor_version_upgrade=args.auto_minor_version_upgrade,
            allow_major_version_upgrade=False,
            apply_immediately=args.apply_immediately,
            kms_key_arn=args.kms_key_arn,
            preferred_maintenance_window=args.preferred_maintenance_window,
            replication_subnet_group_id=self.subnet_group.replication_subnet_group_id,
            vpc_security_group_ids=[self.security_group.id, *args.extra_security_group_ids],
            tags=args.tags,
            opts=pulumi.ResourceOptions(
                parent=self, depends_on=list(args.depends_on), protect=args.protect, delete_before_replace=True
            ),
        )
        self.instance_arn: pulumi.Output[str] = self.instance.replication_instance_arn
        self.register_outputs({"instanceArn": self.instance_arn, "securityGroupId": self.security_group.id})
