"""Premigration assessments: start them, wait with progress, and read the results by severity.

Instance tasks: StartReplicationTaskAssessmentRun per task, then DescribeReplicationTaskAssessmentRuns and
DescribeReplicationTaskIndividualAssessments (DMS guide: "Enabling and working with premigration assessments").
DMS Serverless has no task to assess: StartReplication takes PremigrationAssessmentSettings (a JSON string) and
runs the assessment before the replication, and DescribeReplications reports it under
PremigrationAssessmentStatuses (DMS guide: "AWS DMS Serverless premigration"; botocore's dms service model). With
FailOnAssessmentFailure true a failing assessment keeps the replication from starting, but a passing one starts
it; so the CLI asks for an explicit flag before it does that.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from migration.live.discovery import describe_all
from migration.live.session import aws_errors

# ReplicationTaskAssessmentRun.Status values (DMS API reference) that no longer change.
RUN_DONE = frozenset(
    {"passed", "failed", "warning", "error-provisioning", "error-executing", "cancelling", "deleting", "invalid state"}
)
RUN_FAILED = frozenset({"failed", "error-provisioning", "error-executing", "invalid state"})
# Individual assessment statuses, most severe first.
SEVERITY = ("failed", "error", "warning", "cancelled", "skipped", "pending", "running", "passed")


@dataclass
class AssessmentResult:
    task_id: str
    run_arn: str
    status: str = "starting"
    completed: int = 0
    total: int = 0
    message: str = ""
    location: str = ""  # s3://bucket/folder, where the per-check JSON files (and the tables they name) are
    individual: dict[str, list[str]] = field(default_factory=dict)  # status -> assessment names

    @property
    def done(self) -> bool:
        return self.status in RUN_DONE

    @property
    def failed(self) -> bool:
        return self.status in RUN_FAILED

    def to_dict(self) -> dict[str, Any]:
        return {
            "task_id": self.task_id,
            "run_arn": self.run_arn,
            "status": self.status,
            "completed": self.completed,
            "total": self.total,
            "message": self.message,
            "location": self.location,
            "individual": {k: list(v) for k, v in self.individual.items()},
        }


def start_task_runs(
    dms: Any, tasks: Sequence[tuple[str, str]], *, role_arn: str, bucket: str, folder: str, run_suffix: str
) -> list[AssessmentResult]:
    """One assessment run per (task id, task ARN); the run name is unique per task and call."""
    out: list[AssessmentResult] = []
    for task_id, arn in tasks:
        with aws_errors(f"start the assessment of {task_id}"):
            run = dms.start_replication_task_assessment_run(
                ReplicationTaskArn=arn,
                ServiceAccessRoleArn=role_arn,
                ResultLocationBucket=bucket,
                ResultLocationFolder=f"{folder}/{task_id}",
                AssessmentRunName=f"{task_id}-{run_suffix}"[:255],
            )["ReplicationTaskAssessmentRun"]
        out.append(AssessmentResult(task_id, run["ReplicationTaskAssessmentRunArn"], str(run.get("Status", ""))))
        out[-1].location = f"s3://{bucket}/{folder}/{task_id}"
    return out


def start_serverless_run(dms: Any, config_id: str, config_arn: str, *, folder: str) -> AssessmentResult:
    settings = {"ResultLocationFolder": f"{folder}/{config_id}", "FailOnAssessmentFailure": True}
    with aws_errors(f"start the replication (with its premigration assessment) of {config_id}"):
        dms.start_replication(
            ReplicationConfigArn=config_arn,
            StartReplicationType="start-replication",
            PremigrationAssessmentSettings=json.dumps(settings),
        )
    return AssessmentResult(config_id, run_arn="", location=f"DMS-managed bucket, folder {folder}/{config_id}")


def _refresh_task_runs(dms: Any, runs: Sequence[AssessmentResult]) -> None:
    by_arn = {r.run_arn: r for r in runs}
    with aws_errors("describe assessment runs"):
        items = describe_all(
            dms,
            "describe_replication_task_assessment_runs",
            "ReplicationTaskAssessmentRuns",
            Filters=[{"Name": "replication-task-assessment-run-arn", "Values": list(by_arn)}],
        )
    for item in items:
        run = by_arn.get(item.get("ReplicationTaskAssessmentRunArn", ""))
        if run is not None:
            _update(run, item)


def _refresh_serverless(dms: Any, runs: Sequence[AssessmentResult], config_arns: dict[str, str]) -> None:
    with aws_errors("describe replications"):
        items = describe_all(
            dms,
            "describe_replications",
            "Replications",
            Filters=[{"Name": "replication-config-arn", "Values": [config_arns[r.task_id] for r in runs]}],
        )
    by_config = {str(i.get("ReplicationConfigIdentifier", "")): i for i in items}
    for run in runs:
        statuses = (by_config.get(run.task_id) or {}).get("PremigrationAssessmentStatuses") or []
        if statuses:
            latest = max(statuses, key=lambda s: s.get("PremigrationAssessmentRunCreationDate") or 0)
            run.run_arn = str(latest.get("PremigrationAssessmentRunArn", run.run_arn))
            _update(run, latest)


def _update(run: AssessmentResult, item: dict[str, Any]) -> None:
    run.status = str(item.get("Status", run.status))
    progress = item.get("AssessmentProgress") or {}
    run.completed = int(progress.get("IndividualAssessmentCompletedCount") or 0)
    run.total = int(progress.get("IndividualAssessmentCount") or 0)
    run.message = str(item.get("LastFailureMessage", ""))


def individual_results(dms: Any, run: AssessmentResult) -> None:
    """Group the run's individual assessments by status, most severe first."""
    with aws_errors(f"describe the individual assessments of {run.task_id}"):
        items = describe_all(
            dms,
            "describe_replication_task_individual_assessments",
            "ReplicationTaskIndividualAssessments",
            Filters=[{"Name": "replication-task-assessment-run-arn", "Values": [run.run_arn]}],
        )
    grouped: dict[str, list[str]] = {}
    for item in items:
        grouped.setdefault(str(item.get("Status", "")), []).append(str(item.get("IndividualAssessmentName", "")))
    order = {s: n for n, s in enumerate(SEVERITY)}
    run.individual = {k: sorted(grouped[k]) for k in sorted(grouped, key=lambda s: order.get(s, len(order)))}


def wait(
    dms: Any,
    runs: Sequence[AssessmentResult],
    *,
    sleep: Callable[[float], None],
    clock: Callable[[], float],
    config_arns: dict[str, str] | None = None,
    timeout_seconds: float = 3600,
    poll_seconds: float = 30,
    progress: Callable[[str], None] = lambda _line: None,
) -> bool:
    """Poll until every run is done (True) or the timeout passes (False); then read the individual results."""
    deadline = clock() + timeout_seconds
    while True:
        if config_arns is None:
            _refresh_task_runs(dms, runs)
        else:
            _refresh_serverless(dms, runs, config_arns)
        progress("; ".join(f"{r.task_id} {r.status} {r.completed}/{r.total}" for r in runs))
        if all(r.done for r in runs) or clock() >= deadline:
            break
        sleep(poll_seconds)
    for run in runs:
        if run.run_arn:
            individual_results(dms, run)
    return all(r.done for r in runs)


def lines(runs: Sequence[AssessmentResult]) -> list[str]:
    out: list[str] = []
    for run in runs:
        out.append(f"{run.task_id}: {run.status} ({run.completed}/{run.total} assessments); results in {run.location}")
        if run.message:
            out.append(f"  {' '.join(run.message.split())}")
        for status, names in run.individual.items():
            out.append(f"  {status} ({len(names)}): {', '.join(names)}")
    return out
