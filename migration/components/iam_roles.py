"""The account-wide DMS service roles (`dms-vpc-role`, `dms-cloudwatch-logs-role`).

DMS looks these roles up by their fixed names, so they exist once per AWS account. One stack creates them
(`iam.createDmsRoles: true`); other stacks in the same account set it false and reuse them. They are retained on
delete so destroying the stack that created them never breaks another stack's migration.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

import pulumi
import pulumi_aws as aws

from migration.components.options import Children, own_options

DMS_VPC_ROLE = "dms-vpc-role"
DMS_CLOUDWATCH_ROLE = "dms-cloudwatch-logs-role"
_POLICIES = {
    DMS_VPC_ROLE: "service-role/AmazonDMSVPCManagementRole",
    DMS_CLOUDWATCH_ROLE: "service-role/AmazonDMSCloudWatchLogsRole",
}
DMS_TRUST_POLICY = json.dumps(
    {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Principal": {"Service": "dms.amazonaws.com"}, "Action": "sts:AssumeRole"}],
    },
    sort_keys=True,
)


@dataclass
class DmsRolesArgs:
    create: bool
    partition: str = "aws"
    tags: dict[str, str] = field(default_factory=dict)


class DmsServiceRoles(pulumi.ComponentResource):
    """Creates (or, when `create` is false, only stands for) the account-wide DMS roles."""

    def __init__(self, name: str, args: DmsRolesArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("oracle2pg:dms:DmsServiceRoles", name, None, own_options(opts))
        children = Children.of(self, opts)
        self.attachments: list[pulumi.Resource] = []
        self.role_names = list(_POLICIES)
        if args.create:
            for role_name, policy in _POLICIES.items():
                role = aws.iam.Role(
                    f"{name}-{role_name}",
                    name=role_name,
                    assume_role_policy=DMS_TRUST_POLICY,
                    description="Account-wide role AWS DMS looks up by name (shared by stacks)",
                    tags=args.tags,
                    opts=children.opts(aws.iam.Role, retain_on_delete=True),
                )
                self.attachments.append(
                    aws.iam.RolePolicyAttachment(
                        f"{name}-{role_name}-policy",
                        role=role.name,
                        policy_arn=f"arn:{args.partition}:iam::aws:policy/{policy}",
                        opts=children.opts(aws.iam.RolePolicyAttachment, retain_on_delete=True),
                    )
                )
        self.register_outputs({"roleNames": self.role_names, "created": args.create})
