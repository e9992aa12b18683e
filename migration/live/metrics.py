"""CloudWatch figures of the tasks and instances: CDC latency (source and target), changes spilled to disk, the
instances' free memory and storage, and the reverse source's replication slot, in one paginated get_metric_data call.

Dimensions are those of the DMS guide ("Monitoring AWS DMS tasks", replication task metrics): a task metric has
ReplicationInstanceIdentifier and ReplicationTaskIdentifier, the latter being the task's resource id (the last
field of its ARN); an instance metric has ReplicationInstanceIdentifier only. DMS Serverless publishes CDCLatencySource
and CDCLatencyTarget per replication, in the same namespace (DMS guide, "Monitoring AWS DMS serverless replications");
the guide does not name the dimension, so both the replication config's identifier and its ARN are asked for
(ReplicationConfigIdentifier, ReplicationConfigArn) and whichever has datapoints is read. The slot figures are RDS
instance metrics (RDS User Guide, "Amazon CloudWatch metrics for Amazon RDS": OldestReplicationSlotLag and
ReplicationSlotDiskUsage, in bytes, dimension DBInstanceIdentifier).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from migration.dms.monitoring_settings import NAMESPACE, RDS_NAMESPACE, SERVERLESS_DIMENSIONS, SLOT_LAG_METRIC
from migration.live.session import aws_errors

PERIOD_SECONDS = 60  # 1-minute maxima, as the runbook's dms_metric helper reads them
MAX_QUERIES = 500  # get_metric_data accepts at most 500 queries per call (CloudWatch API reference)

LATENCY_SOURCE, LATENCY_TARGET = "CDCLatencySource", "CDCLatencyTarget"
DISK_SOURCE, DISK_TARGET = "CDCChangesDiskSource", "CDCChangesDiskTarget"
TASK_METRICS = (LATENCY_SOURCE, LATENCY_TARGET, DISK_SOURCE, DISK_TARGET)
FREE_MEMORY, FREE_STORAGE = "FreeableMemory", "FreeStorageSpace"  # bytes
INSTANCE_METRICS = (FREE_MEMORY, FREE_STORAGE)
SLOT_LAG, SLOT_DISK = SLOT_LAG_METRIC, "ReplicationSlotDiskUsage"  # bytes


@dataclass(frozen=True)
class Series:
    values: tuple[float, ...]  # oldest first

    @property
    def latest(self) -> float | None:
        return self.values[-1] if self.values else None

    @property
    def peak(self) -> float | None:
        return max(self.values) if self.values else None

    @property
    def low(self) -> float | None:
        return min(self.values) if self.values else None


@dataclass(frozen=True)
class MetricQuery:
    key: str  # what the caller looks the series up by (a task id or an instance id)
    metric: str
    dimensions: tuple[tuple[str, str], ...]
    stat: str  # Maximum for latency and disk, Minimum for headroom
    namespace: str = NAMESPACE


def task_queries(task_id: str, instance_id: str, resource_id: str) -> list[MetricQuery]:
    dims = (("ReplicationInstanceIdentifier", instance_id), ("ReplicationTaskIdentifier", resource_id))
    return [MetricQuery(task_id, m, dims, "Maximum") for m in TASK_METRICS]


def instance_queries(instance_id: str) -> list[MetricQuery]:
    dims = (("ReplicationInstanceIdentifier", instance_id),)
    return [MetricQuery(instance_id, m, dims, "Minimum") for m in INSTANCE_METRICS]


def serverless_queries(config_id: str, config_arn: str) -> list[MetricQuery]:
    """A DMS Serverless replication's CDC latency, under either dimension (see the module docstring)."""
    values = dict(zip(SERVERLESS_DIMENSIONS, (config_id, config_arn), strict=True))
    latency = (LATENCY_SOURCE, LATENCY_TARGET)
    return [MetricQuery(config_id, m, ((name, value),), "Maximum") for name, value in values.items() for m in latency]


def slot_queries(db_instance_id: str) -> list[MetricQuery]:
    dims = (("DBInstanceIdentifier", db_instance_id),)
    return [MetricQuery(db_instance_id, m, dims, "Maximum", RDS_NAMESPACE) for m in (SLOT_LAG, SLOT_DISK)]


def _merge(into: dict[tuple[str, str], Series], more: Mapping[tuple[str, str], Series]) -> None:
    """Two queries for one (key, metric) (a Serverless replication's two dimensions): the one with datapoints wins."""
    for k, series in more.items():
        if series.values or k not in into:
            into[k] = series


def fetch(
    cloudwatch: Any, queries: list[MetricQuery], now: datetime, window_minutes: int
) -> dict[tuple[str, str], Series]:
    """(key, metric) -> the series over the last `window_minutes`; a metric without datapoints is empty."""
    out: dict[tuple[str, str], Series] = {}
    for start in range(0, len(queries), MAX_QUERIES):
        _merge(out, _fetch_batch(cloudwatch, queries[start : start + MAX_QUERIES], now, window_minutes))
    return out


def _fetch_batch(
    cloudwatch: Any, queries: list[MetricQuery], now: datetime, window_minutes: int
) -> dict[tuple[str, str], Series]:
    if not queries:
        return {}
    ids = {f"q{n}": q for n, q in enumerate(queries)}
    points: dict[str, list[tuple[datetime, float]]] = {i: [] for i in ids}
    request = {
        "MetricDataQueries": [
            {
                "Id": i,
                "MetricStat": {
                    "Metric": {
                        "Namespace": q.namespace,
                        "MetricName": q.metric,
                        "Dimensions": [{"Name": n, "Value": v} for n, v in q.dimensions],
                    },
                    "Period": PERIOD_SECONDS,
                    "Stat": q.stat,
                },
                "ReturnData": True,
            }
            for i, q in ids.items()
        ],
        "StartTime": now - timedelta(minutes=window_minutes),
        "EndTime": now,
        "ScanBy": "TimestampAscending",
    }
    with aws_errors("read CloudWatch metrics"):
        for page in cloudwatch.get_paginator("get_metric_data").paginate(**request):
            for result in page.get("MetricDataResults", []):
                if result.get("Id") in points:
                    points[result["Id"]].extend(
                        zip(result.get("Timestamps", []), result.get("Values", []), strict=True)
                    )
    out: dict[tuple[str, str], Series] = {}
    for i, q in ids.items():
        _merge(out, {(q.key, q.metric): Series(tuple(v for _, v in sorted(points[i])))})
    return out


def apply_to_task(status: Any, series: Mapping[tuple[str, str], Series]) -> None:
    """Copy a task's figures onto its TaskStatus."""
    key = status.task_id
    src, dst = series.get((key, LATENCY_SOURCE)), series.get((key, LATENCY_TARGET))
    status.latency_source_seconds = src.latest if src else None
    status.latency_target_seconds = dst.latest if dst else None
    status.latency_source_max = src.peak if src else None
    status.latency_target_max = dst.peak if dst else None
    status.latency_source_points = len(src.values) if src else 0
    status.latency_target_points = len(dst.values) if dst else 0
    disk = [s.latest for m in (DISK_SOURCE, DISK_TARGET) if (s := series.get((key, m))) and s.latest is not None]
    status.changes_on_disk = sum(disk) if disk else None
