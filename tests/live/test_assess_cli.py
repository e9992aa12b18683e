"""`assess --stack S` through the CLI with stubbed AWS: on an instance stack that creates its assessment bucket and
role (the default), the command names both from the account in use (sts:GetCallerIdentity) exactly as the stack
names them, and hands them to StartReplicationTaskAssessmentRun; with the user's own role it asks STS nothing."""

from __future__ import annotations

import json

import pytest
from botocore.stub import ANY

from migration.cli.main import main
from migration.cli.status import assessment_location
from migration.config.stackfile import read_stack_file
from migration.planning.design import MigrationDesign, resolve
from tests.helpers import ROOT
from tests.live.aws_env import ACCOUNT, task_arn
from tests.live.conftest import Stubbed
from tests.live.scenario import FORWARD
from tests.live.test_runs import run

RUN_ARN = "arn:aws:dms:eu-west-1:123456789012:assessment-run:RUN1"
PROD_FORWARD = [
    "oracle2pg-prod-big-documents",
    "oracle2pg-prod-big-orders",
    "oracle2pg-prod-load-01",
    "oracle2pg-prod-nokey-01",
]


def identity(partition: str = "aws") -> dict[str, str]:
    return {"UserId": "AIDEXAMPLE", "Account": ACCOUNT, "Arn": f"arn:{partition}:iam::{ACCOUNT}:user/dba"}


def design(*overrides: str) -> MigrationDesign:
    return resolve(read_stack_file(ROOT, "prod", list(overrides)).load())


def test_the_created_bucket_and_role_are_named_from_the_account(aws: Stubbed):
    aws.sts.add_response("get_caller_identity", identity("aws-cn"), {})
    bucket, role = assessment_location(design(), aws.clients.sts)
    assert bucket == f"oracle2pg-prod-assess-{ACCOUNT}"
    assert role == f"arn:aws-cn:iam::{ACCOUNT}:role/oracle2pg-prod-assessment"


def test_the_users_own_bucket_and_role_need_no_account(aws: Stubbed):
    role = f"arn:aws:iam::{ACCOUNT}:role/dba-assessments"
    got = assessment_location(
        design("assessment.resultBucket=dba-results", f"assessment.serviceAccessRoleArn={role}"), aws.clients.sts
    )
    assert got == ("dba-results", role)  # and the sts stub saw no call


def test_assess_starts_a_run_with_the_stacks_bucket_and_role_and_prints_it(
    aws: Stubbed, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
):
    monkeypatch.setattr("migration.cli.status.clients", lambda region, profile=None: aws.clients)
    aws.sts.add_response("get_caller_identity", identity(), {})
    task = {"ReplicationTaskIdentifier": FORWARD, "ReplicationTaskArn": task_arn("T1"), "Status": "ready"}
    aws.dms.add_response(
        "describe_replication_tasks",
        {"ReplicationTasks": [task]},
        {"Filters": [{"Name": "replication-task-id", "Values": PROD_FORWARD}], "WithoutSettings": True},
    )
    aws.dms.add_response(
        "start_replication_task_assessment_run",
        {"ReplicationTaskAssessmentRun": run("provisioning", 0)},
        {
            "ReplicationTaskArn": task_arn("T1"),
            "ServiceAccessRoleArn": f"arn:aws:iam::{ACCOUNT}:role/oracle2pg-prod-assessment",
            "ResultLocationBucket": f"oracle2pg-prod-assess-{ACCOUNT}",
            "ResultLocationFolder": f"prod/assessments/{FORWARD}",
            "AssessmentRunName": ANY,
        },
    )
    aws.dms.add_response(
        "describe_replication_task_assessment_runs", {"ReplicationTaskAssessmentRuns": [run("passed", 3)]}
    )
    aws.dms.add_response(
        "describe_replication_task_individual_assessments", {"ReplicationTaskIndividualAssessments": []}
    )
    code = main(["--root", str(ROOT), "assess", "--stack", "prod", "--format", "json"])
    out, _ = capsys.readouterr()
    assert code == 0
    (only,) = json.loads(out)["runs"]
    assert (only["task_id"], only["status"]) == (FORWARD, "passed")
    assert only["location"] == f"s3://oracle2pg-prod-assess-{ACCOUNT}/prod/assessments/{FORWARD}"


def test_assess_without_a_bucket_or_role_is_one_line(
    aws: Stubbed, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
):
    monkeypatch.setattr("migration.cli.status.clients", lambda region, profile=None: aws.clients)
    code = main(["--root", str(ROOT), "assess", "--stack", "prod", "--set", "assessment.create=false"])
    _, err = capsys.readouterr()
    assert code == 2
    assert "let the stack create them (assessment.create)" in err
    assert err.count("\n") == 1
