"""The assessment resources under Pulumi mocks: a private, encrypted bucket with a lifecycle rule and a TLS-only
policy, and a role DMS assumes with the bucket permissions the DMS guide lists, on that bucket only; and the stack's
switch: created by default on instance stacks, named as `assess` finds them, never on DMS Serverless."""

from __future__ import annotations

import json
from typing import Any

import pulumi
import pytest
from pulumi.runtime.mocks import MockMonitor

from migration.cli.offline import FAKE_ACCOUNT
from migration.components.assessment import AssessmentArgs, AssessmentResources
from migration.config import ConfigError
from migration.config.stackfile import read_stack_file
from migration.planning.design import resolve
from tests.helpers import ROOT, of_type, one, run_stack

ACCOUNT = "123456789012"


class Mocks(pulumi.runtime.Mocks):
    def __init__(self) -> None:
        self.calls: list[tuple[str, str, dict[str, Any]]] = []

    def new_resource(self, args: pulumi.runtime.MockResourceArgs) -> tuple[str, dict[str, Any]]:
        self.calls.append((args.typ, args.name, args.inputs))
        outputs = dict(args.inputs)
        if args.typ == "aws:s3/bucket:Bucket":
            name = args.inputs["bucket"]
            outputs.update(bucket=name, arn=f"arn:aws:s3:::{name}")
            return name, outputs
        outputs["arn"] = f"arn:aws:iam::{ACCOUNT}:role/{args.inputs.get('name', args.name)}"
        return args.name + "-id", outputs

    def call(self, args: pulumi.runtime.MockCallArgs) -> tuple[dict, list[tuple[str, str]] | None]:
        return {}, None


def declare(args: AssessmentArgs) -> tuple[dict[str, dict[str, Any]], dict[str, Any]]:
    """{resource type: inputs} of the component's children, and its resolved outputs."""
    mocks = Mocks()
    pulumi.runtime.set_mocks(mocks, project="p", stack="prod", preview=False, monitor=MockMonitor(mocks))
    outputs: dict[str, Any] = {}

    @pulumi.runtime.test
    def run() -> pulumi.Output[Any]:
        res = AssessmentResources("assess", args)
        return pulumi.Output.all(res.bucket_name, res.role_arn).apply(lambda v: outputs.update(bucket=v[0], role=v[1]))

    run()
    by_type = {typ: inputs for typ, _, inputs in mocks.calls if typ != "oracle2pg:dms:AssessmentResources"}
    return by_type, outputs


ARGS = AssessmentArgs(
    role_name="oracle2pg-prod-assessment",
    bucket_name=f"oracle2pg-prod-assess-{ACCOUNT}",
    expire_days=30,
    tags={"project": "oracle2pg"},
)


def test_the_bucket_is_private_encrypted_and_expires_results():
    got, outputs = declare(ARGS)
    assert got["aws:s3/bucket:Bucket"]["bucket"] == f"oracle2pg-prod-assess-{ACCOUNT}"
    block = got["aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock"]
    assert all(
        block[k] is True for k in ("blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets")
    )
    sse = got["aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration"]
    assert sse["rules"][0]["applyServerSideEncryptionByDefault"]["sseAlgorithm"] == "AES256"
    rule = got["aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration"]["rules"][0]
    assert (rule["status"], rule["expiration"]["days"]) == ("Enabled", 30)
    ownership = got["aws:s3/bucketOwnershipControls:BucketOwnershipControls"]
    assert ownership["rule"]["objectOwnership"] == "BucketOwnerEnforced"
    deny = json.loads(got["aws:s3/bucketPolicy:BucketPolicy"]["policy"])["Statement"][0]
    assert (deny["Effect"], deny["Condition"]) == ("Deny", {"Bool": {"aws:SecureTransport": "false"}})
    assert outputs["bucket"] == f"oracle2pg-prod-assess-{ACCOUNT}"


def test_the_role_trusts_dms_and_may_only_touch_its_bucket():
    got, outputs = declare(AssessmentArgs(role_name="oracle2pg-prod-assessment", bucket_name="results-bucket"))
    role = got["aws:iam/role:Role"]
    trust = json.loads(role["assumeRolePolicy"])["Statement"]
    assert trust == [{"Action": "sts:AssumeRole", "Effect": "Allow", "Principal": {"Service": "dms.amazonaws.com"}}]
    assert role["name"] == "oracle2pg-prod-assessment"
    statements = json.loads(got["aws:iam/rolePolicy:RolePolicy"]["policy"])["Statement"]
    assert statements == [
        {
            "Action": ["s3:PutObject", "s3:DeleteObject", "s3:GetObject", "s3:PutObjectTagging"],
            "Effect": "Allow",
            "Resource": "arn:aws:s3:::results-bucket/*",
        },
        {
            "Action": ["s3:ListBucket", "s3:GetBucketLocation"],
            "Effect": "Allow",
            "Resource": "arn:aws:s3:::results-bucket",
        },
    ]
    assert got["aws:s3/bucket:Bucket"]["bucket"] == "results-bucket"
    assert outputs == {"bucket": "results-bucket", "role": f"arn:aws:iam::{ACCOUNT}:role/oracle2pg-prod-assessment"}


# ------------------------------------------------------------------ the stack's switch (assessment.create)

BUCKET = "aws:s3/bucket:Bucket"


def test_an_instance_stack_creates_them_by_default_named_as_assess_finds_them():
    run = run_stack(stack="prod")
    bucket = one(run.resources, BUCKET).inputs["bucket"]
    assert bucket == f"oracle2pg-prod-assess-{FAKE_ACCOUNT}"
    roles = [r.inputs["name"] for r in of_type(run.resources, "aws:iam/role:Role")]
    assert "oracle2pg-prod-assessment" in roles
    assert run.outputs["assessmentBucketName"] == bucket
    assert run.outputs["assessmentRoleArn"]


def test_create_with_a_named_bucket_and_its_expiry():
    run = run_stack(
        ["assessment.create=true", "assessment.resultBucket=dba-results", "assessment.resultExpirationDays=14"],
        stack="prod",
    )
    assert one(run.resources, BUCKET).inputs["bucket"] == "dba-results"
    rules = one(run.resources, "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration").inputs["rules"]
    assert rules[0]["expiration"]["days"] == 14


@pytest.mark.parametrize(
    ("stack", "overrides"),
    [
        ("prod", ["assessment.create=false"]),
        ("prod", [f"assessment.serviceAccessRoleArn=arn:aws:iam::{ACCOUNT}:role/mine", "assessment.resultBucket=mine"]),
        ("dev", ["capacity.mode=serverless"]),
    ],
    ids=["switched-off", "the-users-own", "serverless"],
)
def test_nothing_is_created_when_switched_off_brought_or_serverless(stack: str, overrides: list[str]):
    run = run_stack(overrides, stack=stack)
    assert of_type(run.resources, BUCKET) == []
    assert "assessmentBucketName" not in run.outputs


@pytest.mark.parametrize(
    ("stack", "overrides", "message"),
    [
        (
            "prod",
            ["assessment.create=true", f"assessment.serviceAccessRoleArn=arn:aws:iam::{ACCOUNT}:role/r"],
            "remove",
        ),
        ("prod", ["assessment.create=false", "assessment.resultExpirationDays=7"], "create is false"),
        ("dev", ["assessment.create=true", "capacity.mode=serverless"], "DMS-managed bucket"),
    ],
)
def test_contradictions_are_refused_in_one_line(stack: str, overrides: list[str], message: str):
    with pytest.raises(ConfigError) as info:
        resolve(read_stack_file(ROOT, stack, overrides).load())
    assert message in str(info.value)
    assert "\n" not in str(info.value)
