"""The calls that start something: endpoint connection tests and premigration assessments (instance tasks and
DMS Serverless), waited for with a fake clock, against stubbed DMS; and the fallback readiness they feed."""

from __future__ import annotations

import json
from datetime import timedelta

from migration.live import assessment, readiness
from migration.live.connections import last_results, run_connection_tests
from migration.live.discovery import Endpoint, Instance
from migration.live.snapshot import collect
from migration.live.targets import TaskTarget
from tests.live.aws_env import endpoint_arn, instance_arn, task_arn
from tests.live.conftest import Stubbed
from tests.live.scenario import FORWARD, INSTANCE, NOW, REVERSE, queue_discovery, queue_metrics, targets, task

SOURCE = Endpoint("oracle2pg-prod-oracle-source", endpoint_arn("SRC"), "SOURCE", "oracle", "active")
TARGET = Endpoint("oracle2pg-prod-postgres-target", endpoint_arn("DST"), "TARGET", "aurora-postgresql", "active")
RI = Instance(INSTANCE, instance_arn(), "available", "dms.r6i.xlarge", 500)


class FakeTime:
    def __init__(self) -> None:
        self.now = 0.0
        self.slept: list[float] = []

    def clock(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds


def connection(e: Endpoint, status: str, message: str = "") -> dict[str, str]:
    return {
        "ReplicationInstanceArn": RI.arn,
        "EndpointArn": e.arn,
        "Status": status,
        "LastFailureMessage": message,
        "EndpointIdentifier": e.endpoint_id,
        "ReplicationInstanceIdentifier": RI.instance_id,
    }


def test_connection_tests_start_from_the_instance_and_wait_for_each_result(aws: Stubbed):
    for e in (SOURCE, TARGET):
        aws.dms.add_response(
            "test_connection",
            {"Connection": connection(e, "testing")},
            {"ReplicationInstanceArn": RI.arn, "EndpointArn": e.arn},
        )
    filters = {"Filters": [{"Name": "endpoint-arn", "Values": [SOURCE.arn, TARGET.arn]}]}
    aws.dms.add_response("describe_connections", {"Connections": [connection(SOURCE, "testing")]}, filters)
    refused = "ORA-12541: TNS:no listener"
    done = {"Connections": [connection(SOURCE, "successful"), connection(TARGET, "failed", refused)]}
    aws.dms.add_response("describe_connections", done, filters)
    fake = FakeTime()
    results = run_connection_tests(
        aws.clients.dms, [SOURCE, TARGET], [RI], sleep=fake.sleep, clock=fake.clock, poll_seconds=10
    )
    assert [(r.endpoint_id, r.status, r.message) for r in results] == [
        ("oracle2pg-prod-oracle-source", "successful", ""),
        ("oracle2pg-prod-postgres-target", "failed", refused),
    ]
    assert fake.slept == [10]
    assert [r.ok for r in results] == [True, False]


def test_connection_tests_stop_waiting_at_the_timeout(aws: Stubbed):
    aws.dms.add_response("test_connection", {"Connection": connection(SOURCE, "testing")})
    for _ in range(3):
        aws.dms.add_response("describe_connections", {"Connections": [connection(SOURCE, "testing")]})
    fake = FakeTime()
    results = run_connection_tests(
        aws.clients.dms, [SOURCE], [RI], sleep=fake.sleep, clock=fake.clock, timeout_seconds=20, poll_seconds=10
    )
    assert [r.status for r in results] == ["testing"]


def test_without_an_instance_nothing_is_tested(aws: Stubbed):
    """No call is queued: the Stubber fails the test if one is made."""
    fake = FakeTime()
    assert run_connection_tests(aws.clients.dms, [SOURCE], [], sleep=fake.sleep, clock=fake.clock) == []


def test_fallback_needs_tested_reverse_endpoints_and_a_ready_reverse_task(aws: Stubbed):
    t = targets(
        TaskTarget(FORWARD, "forward", "full-load-and-cdc"),
        TaskTarget(REVERSE, "reverse", "cdc"),
        stack_phase="cutover",
    )
    queue_discovery(
        aws, t, [task(FORWARD, "running", percent=100, finished=True), task(REVERSE, "creating", stats=False)]
    )
    queue_metrics(aws, [None] * 10)
    aws.dms.add_response(
        "describe_table_statistics",
        {"TableStatistics": []},
        {"ReplicationTaskArn": task_arn("ORACLE2PGPRODLOAD01")},
    )
    reverse_source = endpoint_arn("ORACLE2PGPRODPOSTGRESSOURCE")
    aws.dms.add_response(
        "describe_connections",
        {
            "Connections": [
                {
                    "EndpointArn": reverse_source,
                    "EndpointIdentifier": "oracle2pg-prod-postgres-source",
                    "ReplicationInstanceIdentifier": INSTANCE,
                    "Status": "successful",
                }
            ]
        },
    )
    snap = collect(aws.clients, t, NOW, connections=True)
    found = readiness.reasons("fallback", snap)
    assert [(r.code, r.subject) for r in found] == [
        ("endpoint-untested", "oracle2pg-prod-oracle-target"),
        ("reverse-not-ready", REVERSE),
        ("forward-running", FORWARD),
    ]


def test_last_results_reads_only(aws: Stubbed):
    aws.dms.add_response("describe_connections", {"Connections": []})
    assert last_results(aws.clients.dms, [SOURCE]) == {SOURCE.endpoint_id: []}


def run(status: str, completed: int, total: int = 3) -> dict[str, object]:
    return {
        "ReplicationTaskAssessmentRunArn": "arn:aws:dms:eu-west-1:123456789012:assessment-run:RUN1",
        "ReplicationTaskArn": task_arn("T1"),
        "Status": status,
        "AssessmentProgress": {"IndividualAssessmentCount": total, "IndividualAssessmentCompletedCount": completed},
        "AssessmentRunName": "oracle2pg-prod-load-01-20261202100000",
        "ReplicationTaskAssessmentRunCreationDate": NOW,
    }


def test_task_assessment_runs_are_started_waited_for_and_grouped_by_severity(aws: Stubbed):
    role = "arn:aws:iam::123456789012:role/oracle2pg-prod-assessment"
    aws.dms.add_response(
        "start_replication_task_assessment_run",
        {"ReplicationTaskAssessmentRun": run("starting", 0)},
        {
            "ReplicationTaskArn": task_arn("T1"),
            "ServiceAccessRoleArn": role,
            "ResultLocationBucket": "oracle2pg-prod-assessments",
            "ResultLocationFolder": "prod/assessments/oracle2pg-prod-load-01",
            "AssessmentRunName": "oracle2pg-prod-load-01-20261202100000",
        },
    )
    filters = {
        "Filters": [
            {
                "Name": "replication-task-assessment-run-arn",
                "Values": ["arn:aws:dms:eu-west-1:123456789012:assessment-run:RUN1"],
            }
        ]
    }
    aws.dms.add_response(
        "describe_replication_task_assessment_runs", {"ReplicationTaskAssessmentRuns": [run("running", 1)]}, filters
    )
    aws.dms.add_response(
        "describe_replication_task_assessment_runs", {"ReplicationTaskAssessmentRuns": [run("failed", 3)]}, filters
    )

    def individual(name: str, status: str) -> dict[str, object]:
        return {
            "ReplicationTaskIndividualAssessmentArn": f"arn:aws:dms:eu-west-1:123456789012:individual-assessment:{name}",
            "ReplicationTaskAssessmentRunArn": "arn:aws:dms:eu-west-1:123456789012:assessment-run:RUN1",
            "IndividualAssessmentName": name,
            "Status": status,
            "ReplicationTaskIndividualAssessmentStartDate": NOW + timedelta(minutes=1),
        }

    aws.dms.add_response(
        "describe_replication_task_individual_assessments",
        {
            "ReplicationTaskIndividualAssessments": [
                individual("oracle-check-supplemental-db-level", "passed"),
                individual("table-with-lob-but-without-primary-key-or-unique-constraint", "failed"),
                individual("unsupported-data-types-in-source", "warning"),
            ]
        },
        filters,
    )
    runs = assessment.start_task_runs(
        aws.clients.dms,
        [(FORWARD, task_arn("T1"))],
        role_arn=role,
        bucket="oracle2pg-prod-assessments",
        folder="prod/assessments",
        run_suffix="20261202100000",
    )
    fake = FakeTime()
    assert assessment.wait(aws.clients.dms, runs, sleep=fake.sleep, clock=fake.clock, poll_seconds=30)
    result = runs[0]
    assert (result.status, result.failed, result.completed, result.total) == ("failed", True, 3, 3)
    assert list(result.individual) == ["failed", "warning", "passed"]
    lines = assessment.lines(runs)
    assert lines[0].startswith("oracle2pg-prod-load-01: failed (3/3 assessments); results in s3://oracle2pg-prod")
    assert lines[1] == "  failed (1): table-with-lob-but-without-primary-key-or-unique-constraint"


def test_serverless_assessment_goes_through_start_replication_with_premigration_settings(aws: Stubbed):
    config_arn = "arn:aws:dms:eu-west-1:123456789012:replication-config:CFG1"
    settings = {"ResultLocationFolder": "prod/assessments/oracle2pg-prod-load-01", "FailOnAssessmentFailure": True}
    aws.dms.add_response(
        "start_replication",
        {"Replication": {"ReplicationConfigIdentifier": FORWARD, "Status": "initializing"}},
        {
            "ReplicationConfigArn": config_arn,
            "StartReplicationType": "start-replication",
            "PremigrationAssessmentSettings": json.dumps(settings),
        },
    )
    status = {
        "PremigrationAssessmentRunArn": "arn:aws:dms:eu-west-1:123456789012:assessment-run:SRV1",
        "FailOnAssessmentFailure": True,
        "Status": "passed",
        "PremigrationAssessmentRunCreationDate": NOW,
        "AssessmentProgress": {"IndividualAssessmentCount": 2, "IndividualAssessmentCompletedCount": 2},
    }
    aws.dms.add_response(
        "describe_replications",
        {"Replications": [{"ReplicationConfigIdentifier": FORWARD, "PremigrationAssessmentStatuses": [status]}]},
        {"Filters": [{"Name": "replication-config-arn", "Values": [config_arn]}]},
    )
    aws.dms.add_response(
        "describe_replication_task_individual_assessments", {"ReplicationTaskIndividualAssessments": []}
    )
    runs = [assessment.start_serverless_run(aws.clients.dms, FORWARD, config_arn, folder="prod/assessments")]
    fake = FakeTime()
    assert assessment.wait(aws.clients.dms, runs, sleep=fake.sleep, clock=fake.clock, config_arns={FORWARD: config_arn})
    assert (runs[0].status, runs[0].failed, runs[0].run_arn.endswith("SRV1")) == ("passed", False, True)
