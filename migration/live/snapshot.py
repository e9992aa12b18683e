"""Everything `status` shows, gathered in one pass: the tasks, their CloudWatch figures and table statistics, the
instances' headroom and, when asked, the last endpoint connection tests."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from migration.live import discovery, metrics, tables
from migration.live.connections import ConnectionResult, last_results
from migration.live.discovery import Endpoint, Instance
from migration.live.session import Clients, LiveError
from migration.live.targets import Targets
from migration.live.taskstatus import MISSING, NOT_STARTED, TaskStatus, replication_status, task_status

# Task states in which DMS holds table statistics (a task never started has none).
STARTED_STATES = frozenset({"running", "stopped", "failed", "stopping"})


@dataclass
class InstanceHealth:
    instance: Instance
    free_memory_bytes: float | None = None
    free_storage_bytes: float | None = None


@dataclass
class SlotHealth:
    """The reverse source's logical replication slots (RDS metrics of its DB instance)."""

    db_instance_id: str
    oldest_lag_bytes: float | None = None
    disk_usage_bytes: float | None = None


@dataclass
class Snapshot:
    targets: Targets
    taken_at: datetime
    tasks: list[TaskStatus]
    instances: list[InstanceHealth]
    missing_instances: list[str]
    endpoints: dict[str, Endpoint]
    connections: dict[str, list[ConnectionResult]] = field(default_factory=dict)
    slot: SlotHealth | None = None

    def task(self, task_id: str) -> TaskStatus | None:
        return next((t for t in self.tasks if t.task_id == task_id), None)

    @property
    def nothing_found(self) -> bool:
        """None of the stack's instances, endpoints or tasks is in DMS: a wrong region or account, or a stack
        never deployed."""
        return not self.instances and not self.endpoints and not any(t.found for t in self.tasks)


def collect(
    c: Clients, targets: Targets, now: datetime, *, table_rows: bool = False, connections: bool = False
) -> Snapshot:
    """Read-only: describe/list/get calls only."""
    instances = discovery.find_instances(c.dms, targets.instance_ids)
    endpoints = discovery.find_endpoints(c.dms, [e.endpoint_id for e in targets.endpoints])
    statuses = _task_statuses(c.dms, targets)
    snap = Snapshot(
        targets=targets,
        taken_at=now,
        tasks=statuses,
        instances=[InstanceHealth(instances[i]) for i in targets.instance_ids if i in instances],
        missing_instances=[i for i in targets.instance_ids if i not in instances],
        endpoints=endpoints,
        slot=SlotHealth(targets.reverse_source_db_instance) if targets.reverse_source_db_instance else None,
    )
    _add_metrics(c.cloudwatch, snap, now)
    for status in statuses:
        if status.arn and status.status in STARTED_STATES:
            _add_tables(c.dms, status, targets.serverless, table_rows)
    if connections:
        snap.connections = last_results(c.dms, list(endpoints.values()))
    return snap


def _add_tables(dms: Any, status: TaskStatus, serverless: bool, table_rows: bool) -> None:
    """A task whose table statistics cannot be read (no dms:DescribeTableStatistics, an AWS 5xx after retries)
    says so; the rest of the snapshot stands."""
    try:
        rows = tables.table_statistics(dms, str(status.arn), serverless)
    except LiveError as exc:
        status.tables_error = " ".join(str(exc).split())
        return
    status.tables = tables.summarize(rows)
    status.table_rows = rows if table_rows else []


def _task_statuses(dms: Any, targets: Targets) -> list[TaskStatus]:
    ids = [t.task_id for t in targets.tasks]
    if targets.serverless:
        configs = discovery.find_replication_configs(dms, ids)
        found = discovery.find_replications(dms, ids)
        return [replication_status(t, found.get(t.task_id), configs.get(t.task_id)) for t in targets.tasks]
    found = discovery.find_tasks(dms, ids)
    return [task_status(t, found.get(t.task_id)) for t in targets.tasks]


def _add_metrics(cloudwatch: Any, snap: Snapshot, now: datetime) -> None:
    """Task metrics of instance tasks need the instance the task runs on; DMS Serverless replications are asked by
    their replication config; the slot by the reverse source's DB instance."""
    queries = _task_queries(snap)
    for health in snap.instances:
        queries += metrics.instance_queries(health.instance.instance_id)
    if snap.slot is not None:
        queries += metrics.slot_queries(snap.slot.db_instance_id)
    if not queries:
        return
    series = metrics.fetch(cloudwatch, queries, now, snap.targets.thresholds.window_minutes)
    for status in snap.tasks:
        metrics.apply_to_task(status, series)
    for health in snap.instances:
        key = health.instance.instance_id
        mem, disk = series.get((key, metrics.FREE_MEMORY)), series.get((key, metrics.FREE_STORAGE))
        health.free_memory_bytes = mem.latest if mem else None
        health.free_storage_bytes = disk.latest if disk else None
    if snap.slot is not None:
        key = snap.slot.db_instance_id
        lag, used = series.get((key, metrics.SLOT_LAG)), series.get((key, metrics.SLOT_DISK))
        snap.slot.oldest_lag_bytes = lag.latest if lag else None
        snap.slot.disk_usage_bytes = used.latest if used else None


def _task_queries(snap: Snapshot) -> list[metrics.MetricQuery]:
    by_arn = {h.instance.arn: h.instance.instance_id for h in snap.instances}
    queries: list[metrics.MetricQuery] = []
    for status in snap.tasks:
        if not (status.target.cdc and status.arn) or status.status in (MISSING, NOT_STARTED):
            continue
        if snap.targets.serverless:
            queries += metrics.serverless_queries(status.task_id, status.arn)
        elif status.resource_id and (instance_id := by_arn.get(status.instance_arn or "")):
            queries += metrics.task_queries(status.task_id, instance_id, status.resource_id)
    return queries
