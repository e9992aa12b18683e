"""CloudWatch figures of the tasks and instances: CDC latency (source and target), changes spilled to disk, and the
instances' free memory and storage, in one paginated get_metric_data call.

Dimensions are those of the DMS guide ("Monitoring AWS DMS tasks", replication task metrics): a task metric has
ReplicationInstanceIdentifier and ReplicationTaskIdentifier, the latter being the task's resource id (the last
field of its ARN); an instance metric has ReplicationInstanceIdentifier only.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from migration.dms.monitoring_settings import NAMESPACE
from migration.live.session import aws_errors

PERIOD_SECONDS = 60  # 1-minute maxima, as the runbook's dms_metric helper reads them
MAX_QUERIES = 500  # get_metric_data accepts at most 500 queries per call (CloudWatch API reference)

LATENCY_SOURCE, LATENCY_TARGET = "CDCLatencySource", "CDCLatencyTarget"
DISK_SOURCE, DISK_TARGET = "CDCChangesDiskSource", "CDCChangesDiskTarget"
TASK_METRICS = (LATENCY_SOURCE, LATENCY_TARGET, DISK_SOURCE, DISK_TARGET)
FREE_MEMORY, FREE_STORAGE = "FreeableMemory", "FreeStorageSpace"  # bytes
INSTANCE_METRICS = (FREE_MEMORY, FREE_STORAGE)


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


def task_queries(task_id: str, instance_id: str, resource_id: str) -> list[MetricQuery]:
    dims = (("ReplicationInstanceIdentifier", instance_id), ("ReplicationTaskIdentifier", resource_id))
    return [MetricQuery(task_id, m, dims, "Maximum") for m in TASK_METRICS]


def instance_queries(instance_id: str) -> list[MetricQuery]:
    dims = (("ReplicationInstanceIdentifier", instance_id),)
    return [MetricQuery(instance_id, m, dims, "Minimum") for m in INSTANCE_METRICS]


def fetch(
    cloudwatch: Any, queries: list[MetricQuery], now: datetime, window_minutes: int
) -> dict[tuple[str, str], Series]:
    """(key, metric) -> the series over the last `window_minutes`; a metric without datapoints is empty."""
    out: dict[tuple[str, str], Series] = {}
    for start in range(0, len(queries), MAX_QUERIES):
        out.update(_fetch_batch(cloudwatch, queries[start : start + MAX_QUERIES], now, window_minutes))
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
                        "Namespace": NAMESPACE,
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
    return {(q.key, q.metric): Series(tuple(v for _, v in sorted(points[i]))) for i, q in ids.items()}


def apply_to_task(status: Any, series: Mapping[tuple[str, str], Series]) -> None:
    """Copy a task's figures onto its TaskStatus."""
    key = status.task_id
    src, dst = series.get((key, LATENCY_SOURCE)), series.get((key, LATENCY_TARGET))
    status.latency_source_seconds = src.latest if src else None
    status.latency_target_seconds = dst.latest if dst else None
    status.latency_source_max = src.peak if src else None
    status.latency_target_max = dst.peak if dst else None
    disk = [s.latest for m in (DISK_SOURCE, DISK_TARGET) if (s := series.get((key, m))) and s.latest is not None]
    status.changes_on_disk = sum(disk) if disk else None
