"""The CloudWatch figures beyond the instance tasks: a DMS Serverless replication's CDC latency (asked under both
dimensions the replication may be published with, the one with datapoints read) and the reverse source's
replication slot (AWS/RDS), each request checked by the Stubber against CloudWatch's service model."""

from __future__ import annotations

import json
from dataclasses import replace
from typing import Any

from botocore.stub import ANY

from migration.live import readiness, render
from migration.live.snapshot import collect
from migration.live.targets import TaskTarget
from tests.live.conftest import Stubbed
from tests.live.scenario import (
    FORWARD,
    INSTANCE,
    NOW,
    queue_discovery,
    queue_tables,
    series,
    table,
    targets,
    task,
    window,
)

CONFIG_ARN = "arn:aws:dms:eu-west-1:123456789012:replication-config:CFG1"
MIB = 1024 * 1024


def query(n: int, namespace: str, metric: str, dims: dict[str, str], stat: str = "Maximum") -> dict[str, Any]:
    return {
        "Id": f"q{n}",
        "MetricStat": {
            "Metric": {
                "Namespace": namespace,
                "MetricName": metric,
                "Dimensions": [{"Name": k, "Value": v} for k, v in dims.items()],
            },
            "Period": 60,
            "Stat": stat,
        },
        "ReturnData": True,
    }


def answer(aws: Stubbed, queries: list[dict[str, Any]], data: list[dict[str, Any] | None]) -> None:
    results = [
        {"Id": q["Id"], "Label": q["Id"], "StatusCode": "Complete", **(d or {"Timestamps": [], "Values": []})}
        for q, d in zip(queries, data, strict=True)
    ]
    aws.cloudwatch.add_response(
        "get_metric_data",
        {"MetricDataResults": results},
        {"MetricDataQueries": queries, "StartTime": ANY, "EndTime": ANY, "ScanBy": "TimestampAscending"},
    )


def serverless_discovery(aws: Stubbed) -> None:
    aws.dms.add_response("describe_endpoints", {"Endpoints": []})
    aws.dms.add_response(
        "describe_replication_configs",
        {"ReplicationConfigs": [{"ReplicationConfigIdentifier": FORWARD, "ReplicationConfigArn": CONFIG_ARN}]},
    )
    stats = {"FullLoadProgressPercent": 100, "TablesLoaded": 1, "FullLoadFinishDate": NOW, "FullLoadStartDate": NOW}
    replication = {
        "ReplicationConfigIdentifier": FORWARD,
        "ReplicationConfigArn": CONFIG_ARN,
        "Status": "running",
        "ReplicationStats": stats,
    }
    aws.dms.add_response("describe_replications", {"Replications": [replication]})


def test_a_serverless_replications_latency_is_read_under_either_dimension(aws: Stubbed):
    t = targets(TaskTarget(FORWARD, "forward", "full-load-and-cdc"), instance_ids=())
    serverless_discovery(aws)
    by_id, by_arn = {"ReplicationConfigIdentifier": FORWARD}, {"ReplicationConfigArn": CONFIG_ARN}
    queries = [
        query(0, "AWS/DMS", "CDCLatencySource", by_id),
        query(1, "AWS/DMS", "CDCLatencyTarget", by_id),
        query(2, "AWS/DMS", "CDCLatencySource", by_arn),
        query(3, "AWS/DMS", "CDCLatencyTarget", by_arn),
    ]
    answer(aws, queries, [None, None, window(4, 2), window(9, 3)])
    aws.dms.add_response(
        "describe_replication_table_statistics",
        {"ReplicationConfigArn": CONFIG_ARN, "ReplicationTableStatistics": [table("APP", "ORDERS")]},
    )
    snap = collect(aws.clients, t, NOW)
    status = snap.tasks[0]
    assert (status.latency_source_seconds, status.latency_target_seconds, status.latency_target_max) == (2, 3, 9)
    assert readiness.reasons("cutover", snap) == []  # before: no latency datapoints, so never ready


def instance_task_queries() -> list[dict[str, Any]]:
    """What `collect` asks for one CDC task on its instance, and the instance's headroom (tests/live/test_status.py
    reads the figures)."""
    task_dims = {"ReplicationInstanceIdentifier": INSTANCE, "ReplicationTaskIdentifier": "ORACLE2PGPRODLOAD01"}
    names = ("CDCLatencySource", "CDCLatencyTarget", "CDCChangesDiskSource", "CDCChangesDiskTarget")
    out = [query(n, "AWS/DMS", m, task_dims) for n, m in enumerate(names)]
    for n, m in enumerate(("FreeableMemory", "FreeStorageSpace"), start=len(out)):
        out.append(query(n, "AWS/DMS", m, {"ReplicationInstanceIdentifier": INSTANCE}, stat="Minimum"))
    return out


def test_the_reverse_sources_slot_lag_is_shown_when_its_db_instance_is_known(aws: Stubbed):
    t = replace(targets(), reverse_source_db_instance="app-pg-writer")
    queue_discovery(aws, t, [task(FORWARD, "running", percent=100, loaded=1, finished=True)])
    rds = {"DBInstanceIdentifier": "app-pg-writer"}
    queries = [
        *instance_task_queries(),
        query(6, "AWS/RDS", "OldestReplicationSlotLag", rds),
        query(7, "AWS/RDS", "ReplicationSlotDiskUsage", rds),
    ]
    answer(aws, queries, [None] * 6 + [series(300 * MIB, 512 * MIB), series(2048 * MIB)])
    queue_tables(aws, "arn:aws:dms:eu-west-1:123456789012:task:ORACLE2PGPRODLOAD01", [[table("APP", "ORDERS")]])
    snap = collect(aws.clients, t, NOW)
    line = "reverse source app-pg-writer: oldest replication slot lag 512 MiB, slot disk usage 2048 MiB"
    assert line in render.text(snap)
    doc = json.loads(json.dumps(render.document(snap), default=str))
    assert doc["reverse_slot"] == {
        "db_instance_id": "app-pg-writer",
        "oldest_lag_bytes": 512 * MIB,
        "disk_usage_bytes": 2048 * MIB,
    }


def test_without_the_db_instance_no_slot_is_asked_for(aws: Stubbed):
    t = targets()
    queue_discovery(aws, t, [task(FORWARD, "running", percent=100, loaded=1, finished=True)])
    answer(aws, instance_task_queries(), [None] * 6)
    queue_tables(aws, "arn:aws:dms:eu-west-1:123456789012:task:ORACLE2PGPRODLOAD01", [[table("APP", "ORDERS")]])
    snap = collect(aws.clients, t, NOW)
    assert snap.slot is None
    assert not any(line.startswith("reverse source") for line in render.text(snap))


def test_a_slot_lag_over_the_threshold_is_flagged(aws: Stubbed):
    t = replace(targets(), reverse_source_db_instance="app-pg-writer")
    queue_discovery(aws, t, [task(FORWARD, "running", percent=100, loaded=1, finished=True)])
    rds = {"DBInstanceIdentifier": "app-pg-writer"}
    queries = [
        *instance_task_queries(),
        query(6, "AWS/RDS", "OldestReplicationSlotLag", rds),
        query(7, "AWS/RDS", "ReplicationSlotDiskUsage", rds),
    ]
    answer(aws, queries, [None] * 6 + [series(2048 * MIB), series(2048 * MIB)])
    queue_tables(aws, "arn:aws:dms:eu-west-1:123456789012:task:ORACLE2PGPRODLOAD01", [[table("APP", "ORDERS")]])
    lines = render.text(collect(aws.clients, t, NOW))
    assert f"oldest replication slot lag 2048 MiB HIGH (threshold {t.thresholds.slot_lag_mb} MiB)" in lines[-1]
