"""Stubbed DMS and CloudWatch answers for one `collect` pass: the instance, endpoints, tasks, metrics and table
statistics, in the order the live package asks for them."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from botocore.stub import ANY

from migration.live.targets import EndpointTarget, Targets, TaskTarget, Thresholds
from tests.live.aws_env import endpoint_arn, instance_arn, task_arn
from tests.live.conftest import Stubbed

NOW = datetime(2026, 12, 2, 10, 0, tzinfo=UTC)
INSTANCE = "oracle2pg-prod"
FORWARD = "oracle2pg-prod-load-01"
REVERSE = "oracle2pg-prod-reverse"
ENDPOINTS = (
    EndpointTarget("oracle2pg-prod-oracle-source", "oracle-source", "forward"),
    EndpointTarget("oracle2pg-prod-postgres-target", "postgres-target", "forward"),
    EndpointTarget("oracle2pg-prod-postgres-source", "postgres-source", "reverse"),
    EndpointTarget("oracle2pg-prod-oracle-target", "oracle-target", "reverse"),
)


def targets(*tasks: TaskTarget, instance_ids: tuple[str, ...] = (INSTANCE,), stack_phase: str = "replicate") -> Targets:
    return Targets(
        stack="prod",
        region="eu-west-1",
        instance_ids=instance_ids,
        tasks=tasks or (TaskTarget(FORWARD, "forward", "full-load-and-cdc", 600.0),),
        endpoints=ENDPOINTS,
        thresholds=Thresholds(cdc_latency_source_seconds=600, cdc_latency_target_seconds=900, window_minutes=15),
        stack_phase=stack_phase,
        reverse_enabled=True,
    )


def instance(status: str = "available") -> dict[str, Any]:
    return {
        "ReplicationInstanceIdentifier": INSTANCE,
        "ReplicationInstanceArn": instance_arn(),
        "ReplicationInstanceStatus": status,
        "ReplicationInstanceClass": "dms.r6i.xlarge",
        "AllocatedStorage": 500,
    }


def endpoint(e: EndpointTarget) -> dict[str, Any]:
    return {
        "EndpointIdentifier": e.endpoint_id,
        "EndpointArn": endpoint_arn(e.endpoint_id.upper().replace("-", "")),
        "EndpointType": "SOURCE" if e.role.endswith("source") else "TARGET",
        "EngineName": "oracle" if e.role.startswith("oracle") else "aurora-postgresql",
        "Status": "active",
    }


def task(
    task_id: str,
    status: str,
    *,
    percent: int = 0,
    loaded: int = 0,
    loading: int = 0,
    queued: int = 0,
    errored: int = 0,
    elapsed_s: int = 0,
    finished: bool = False,
    stop_reason: str | None = None,
    failure: str | None = None,
    migration_type: str = "full-load-and-cdc",
    stats: bool = True,
) -> dict[str, Any]:
    out: dict[str, Any] = {
        "ReplicationTaskIdentifier": task_id,
        "ReplicationTaskArn": task_arn(task_id.upper().replace("-", "")),
        "ReplicationInstanceArn": instance_arn(),
        "SourceEndpointArn": endpoint_arn("SRC"),
        "TargetEndpointArn": endpoint_arn("DST"),
        "MigrationType": migration_type,
        "Status": status,
    }
    if stop_reason:
        out["StopReason"] = stop_reason
    if failure:
        out["LastFailureMessage"] = failure
    if stats:
        started = NOW - timedelta(seconds=elapsed_s)
        out["ReplicationTaskStats"] = {
            "FullLoadProgressPercent": percent,
            "ElapsedTimeMillis": elapsed_s * 1000,
            "TablesLoaded": loaded,
            "TablesLoading": loading,
            "TablesQueued": queued,
            "TablesErrored": errored,
            "FullLoadStartDate": started,
            **({"FullLoadFinishDate": started + timedelta(seconds=elapsed_s // 2)} if finished else {}),
        }
    return out


def table(
    schema: str,
    name: str,
    state: str = "Table completed",
    *,
    rows: int = 1000,
    validation: str = "Validated",
    pending: int = 0,
    failed: int = 0,
    suspended: int = 0,
) -> dict[str, Any]:
    return {
        "SchemaName": schema,
        "TableName": name,
        "TableState": state,
        "FullLoadRows": rows,
        "ValidationState": validation,
        "ValidationPendingRecords": pending,
        "ValidationFailedRecords": failed,
        "ValidationSuspendedRecords": suspended,
        "LastUpdateTime": NOW,
    }


def series(*values: float) -> dict[str, Any]:
    stamps = [NOW - timedelta(minutes=len(values) - n) for n in range(len(values))]
    return {"Timestamps": stamps, "Values": list(values)}


def window(*values: float, minutes: int = 15) -> dict[str, Any]:
    """A series over the whole readiness window: one datapoint a minute, the first value repeated before `values`."""
    return series(*([values[0]] * (minutes - len(values)) + list(values)))


def queue_discovery(aws: Stubbed, t: Targets, tasks: list[dict[str, Any]], endpoints: bool = True) -> None:
    aws.dms.add_response(
        "describe_replication_instances",
        {"ReplicationInstances": [instance()]},
        {"Filters": [{"Name": "replication-instance-id", "Values": list(t.instance_ids)}]},
    )
    aws.dms.add_response(
        "describe_endpoints",
        {"Endpoints": [endpoint(e) for e in t.endpoints] if endpoints else []},
        {"Filters": [{"Name": "endpoint-id", "Values": [e.endpoint_id for e in t.endpoints]}]},
    )
    aws.dms.add_response(
        "describe_replication_tasks",
        {"ReplicationTasks": tasks},
        {
            "Filters": [{"Name": "replication-task-id", "Values": [x.task_id for x in t.tasks]}],
            "WithoutSettings": True,
        },
    )


def queue_metrics(aws: Stubbed, per_query: list[dict[str, Any] | None]) -> None:
    """One get_metric_data page; `per_query[n]` answers query qn (None: no datapoints)."""
    results = [
        {"Id": f"q{n}", "Label": f"q{n}", "StatusCode": "Complete", **(s or {"Timestamps": [], "Values": []})}
        for n, s in enumerate(per_query)
    ]
    aws.cloudwatch.add_response(
        "get_metric_data",
        {"MetricDataResults": results},
        {"MetricDataQueries": ANY, "StartTime": ANY, "EndTime": ANY, "ScanBy": "TimestampAscending"},
    )


def queue_tables(aws: Stubbed, arn: str, pages: list[list[dict[str, Any]]]) -> None:
    for n, page in enumerate(pages):
        response: dict[str, Any] = {"ReplicationTaskArn": arn, "TableStatistics": page}
        if n + 1 < len(pages):
            response["Marker"] = f"page{n + 1}"
        params: dict[str, Any] = {"ReplicationTaskArn": arn}
        if n:
            params["Marker"] = f"page{n}"
        aws.dms.add_response("describe_table_statistics", response, params)
