"""The replication server: a subnet group, a security group that may only reach the databases' ports, and the
replication instance(s): one, several of the same class (the planner spreads the tasks over them), or none when
the tasks run on DMS Serverless, which uses the same subnet group and security group."""

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
    # Further instances of the same class share the subnet group and security group; ids after the first.
    more_instance_ids: Sequence[str] = ()
    serverless: bool = False  # no instance: the replication configs run on DMS-managed capacity


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
        self.instances = (
            []
            if args.serverless
            else [
                self._instance(f"{name}-instance" + (f"-{i}" if i > 1 else ""), instance_id, args)
                for i, instance_id in enumerate([args.instance_id, *args.more_instance_ids], start=1)
            ]
        )
        self.instance_arns: list[pulumi.Output[str]] = [i.replication_instance_arn for i in self.instances]
        outputs: dict[str, pulumi.Input[object]] = {"securityGroupId": self.security_group.id}
        if self.instances:
            self.instance = self.instances[0]
            self.instance_arn: pulumi.Output[str] = self.instance_arns[0]
            outputs |= {"instanceArn": self.instance_arn, "instanceArns": self.instance_arns}
        self.register_outputs(outputs)

    def _instance(self, resource_name: str, instance_id: str, args: ServerArgs) -> aws.dms.ReplicationInstance:
        return aws.dms.ReplicationInstance(
            resource_name,
            replication_instance_id=instance_id,
            replication_instance_class=args.instance_class,
            allocated_storage=args.allocated_storage,
            engine_version=args.engine_version,
            multi_az=args.multi_az,
            publicly_accessible=args.publicly_accessible,
            auto_minor_version_upgrade=args.auto_minor_version_upgrade,
            # The version is pinned: an upgrade happens only when the pin moves (downgrades are refused at up), and
            # 3.4 -> 3.5 style moves need this flag (DMS release notes), or the pinned move would fail half-way.
            allow_major_version_upgrade=True,
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
