"""The replication server: a subnet group, a security group that may only reach the databases' ports, and the
replication instance(s): one, or several of the same class (the planner spreads the tasks over them). On DMS
Serverless there is no instance: the replication configs run on DMS-managed capacity in the same subnet group and
security group, and the server has `instances == []`."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Sequence

import pulumi
import pulumi_aws as aws

from migration.components.options import Children, own_options


@dataclass(frozen=True)
class EgressRule:
    """Outbound access from the replication instance to one database address on one port."""

    port: int
    description: str
    cidr: str | None = None
    security_group_id: str | None = None


@dataclass
class InstanceArgs:
    """The replication instances, all of one class. The first id keeps the child `<name>-instance`, the further
    ones `<name>-instance-2`, ... (growing from one instance to several keeps the first)."""

    instance_ids: Sequence[str]
    instance_class: str
    allocated_storage: int
    engine_version: str
    multi_az: bool
    publicly_accessible: bool
    auto_minor_version_upgrade: bool
    kms_key_arn: str | None = None
    preferred_maintenance_window: str | None = None
    apply_immediately: bool = False

    def __post_init__(self) -> None:
        if not self.instance_ids:
            raise ValueError("InstanceArgs needs at least one instance id; DMS Serverless is ServerArgs.instances=None")


@dataclass
class ServerArgs:
    server_id: str  # named in the descriptions: the first instance's id (on DMS Serverless, the one it would have)
    subnet_group_id: str
    security_group_name: str
    vpc_id: str
    subnet_ids: Sequence[str]
    egress: Sequence[EgressRule]
    instances: InstanceArgs | None  # None: DMS Serverless, no replication instance
    extra_security_group_ids: Sequence[str] = ()  # with the server's own: what the instances (or configs) use
    tags: dict[str, str] = field(default_factory=dict)


class ReplicationServer(pulumi.ComponentResource):
    """`opts.depends_on` (dms-vpc-role and its policy attachment: DMS needs them to create the subnet group) holds
    back every child; `opts.protect` protects the instances."""

    subnet_group: aws.dms.ReplicationSubnetGroup
    security_group: aws.ec2.SecurityGroup
    security_group_ids: list[pulumi.Input[str]]  # the server's own and the extra ones
    egress_rules: list[aws.vpc.SecurityGroupEgressRule]
    instances: list[aws.dms.ReplicationInstance]  # empty on DMS Serverless
    instance_arns: list[pulumi.Output[str]]  # in the order of InstanceArgs.instance_ids; empty on DMS Serverless

    def __init__(self, name: str, args: ServerArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("oracle2pg:dms:ReplicationServer", name, None, own_options(opts))
        children = Children.of(self, opts)
        self.subnet_group = aws.dms.ReplicationSubnetGroup(
            f"{name}-subnets",
            replication_subnet_group_id=args.subnet_group_id,
            replication_subnet_group_description=f"DMS subnets for {args.server_id}",
            subnet_ids=list(args.subnet_ids),
            tags=args.tags,
            opts=children.opts(aws.dms.ReplicationSubnetGroup),
        )
        # The provider removes AWS's default allow-all egress rule; only the rules below remain. No ingress.
        self.security_group = aws.ec2.SecurityGroup(
            f"{name}-sg",
            name=args.security_group_name,
            vpc_id=args.vpc_id,
            description=f"DMS replication instance {args.server_id}: egress to the databases only",
            tags=args.tags,
            opts=children.opts(aws.ec2.SecurityGroup),
        )
        self.security_group_ids = [self.security_group.id, *args.extra_security_group_ids]
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
                opts=children.opts(aws.vpc.SecurityGroupEgressRule),
            )
            for rule in args.egress
        ]
        spec = args.instances
        self.instances = [] if spec is None else self._instances(name, spec, args.tags, children)
        self.instance_arns = [i.replication_instance_arn for i in self.instances]
        outputs: dict[str, pulumi.Input[object]] = {"securityGroupId": self.security_group.id}
        if self.instance_arns:
            outputs |= {"instanceArn": self.instance_arns[0], "instanceArns": self.instance_arns}
        self.register_outputs(outputs)

    def _instances(
        self, name: str, spec: InstanceArgs, tags: dict[str, str], children: Children
    ) -> list[aws.dms.ReplicationInstance]:
        return [
            self._instance(f"{name}-instance" + (f"-{i}" if i > 1 else ""), instance_id, spec, tags, children)
            for i, instance_id in enumerate(spec.instance_ids, start=1)
        ]

    def _instance(
        self, resource_name: str, instance_id: str, spec: InstanceArgs, tags: dict[str, str], children: Children
    ) -> aws.dms.ReplicationInstance:
        return aws.dms.ReplicationInstance(
            resource_name,
            replication_instance_id=instance_id,
            replication_instance_class=spec.instance_class,
            allocated_storage=spec.allocated_storage,
            engine_version=spec.engine_version,
            multi_az=spec.multi_az,
            publicly_accessible=spec.publicly_accessible,
            auto_minor_version_upgrade=spec.auto_minor_version_upgrade,
            # The version is pinned: an upgrade happens only when the pin moves (downgrades are refused at up), and
            # 3.4 -> 3.5 style moves need this flag (DMS release notes), or the pinned move would fail half-way.
            allow_major_version_upgrade=True,
            apply_immediately=spec.apply_immediately,
            kms_key_arn=spec.kms_key_arn,
            preferred_maintenance_window=spec.preferred_maintenance_window,
            replication_subnet_group_id=self.subnet_group.replication_subnet_group_id,
            vpc_security_group_ids=self.security_group_ids,
            tags=tags,
            opts=children.opts(aws.dms.ReplicationInstance, protect=children.protect),
        )
