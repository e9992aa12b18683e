"""The account-wide DMS service roles under Pulumi mocks: fixed names, retained on delete, or absent when another
stack owns them."""

from __future__ import annotations

import json

from migration.components.iam_roles import DmsRolesArgs, DmsServiceRoles
from tests.components.kinds import ATTACHMENT, ROLE, custom
from tests.helpers import of_type, render


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
    assert not any(r.delete_before_replace for r in made)  # retained: Pulumi never deletes them
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
