"""One task's state as DMS reports it (a replication task, or a DMS Serverless replication), read from typed
fields: status, stop reason, the full-load counters, and where it stands against the plan's estimate."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from migration.live.targets import TaskTarget

MISSING = "missing"  # no such task in DMS (not deployed yet, or deleted)
NOT_STARTED = "not started"  # DMS Serverless: the replication config exists, no replication has run
RUNNING = "running"
FAILED = "failed"
STOP_REASON_LABEL = "Stop Reason "  # DMS writes some StopReason values with this label in front (DMS API reference)


@dataclass(frozen=True)
class LoadProgress:
    """ReplicationTaskStats / ReplicationStats (same shape for instance tasks and serverless replications)."""

    percent: int
    loaded: int
    loading: int
    queued: int
    errored: int
    elapsed_seconds: float
    finished: bool  # the full load is over (FullLoadFinishDate set, or every table loaded and none left)
    started_at: datetime | None = None  # FullLoadStartDate
    finished_at: datetime | None = None  # FullLoadFinishDate

    @property
    def full_load_seconds(self) -> float:
        """How long the full load took (finished) or has taken so far: ElapsedTimeMillis counts CDC time too."""
        if self.started_at is not None and self.finished_at is not None and self.finished_at >= self.started_at:
            return (self.finished_at - self.started_at).total_seconds()
        return self.elapsed_seconds

    @classmethod
    def of(cls, stats: dict[str, Any] | None) -> LoadProgress | None:
        if not stats:
            return None
        percent = int(stats.get("FullLoadProgressPercent") or 0)
        loading, queued = int(stats.get("TablesLoading") or 0), int(stats.get("TablesQueued") or 0)
        finish = stats.get("FullLoadFinishDate")
        start = stats.get("FullLoadStartDate")
        return cls(
            percent=percent,
            loaded=int(stats.get("TablesLoaded") or 0),
            loading=loading,
            queued=queued,
            errored=int(stats.get("TablesErrored") or 0),
            elapsed_seconds=int(stats.get("ElapsedTimeMillis") or 0) / 1000,
            finished=(isinstance(finish, datetime) and (not isinstance(start, datetime) or finish >= start))
            or (percent >= 100 and loading == 0 and queued == 0),
            started_at=start if isinstance(start, datetime) else None,
            finished_at=finish if isinstance(finish, datetime) else None,
        )


@dataclass
class TaskStatus:
    target: TaskTarget
    arn: str | None = None
    status: str = MISSING
    stop_reason: str = ""
    failure: str = ""
    instance_arn: str | None = None
    progress: LoadProgress | None = None
    # Filled from CloudWatch and describe_table_statistics when asked for:
    latency_source_seconds: float | None = None
    latency_target_seconds: float | None = None
    latency_source_max: float | None = None  # the highest value over the readiness window
    latency_target_max: float | None = None
    latency_source_points: int = 0  # datapoints over the readiness window
    latency_target_points: int = 0
    changes_on_disk: float | None = None
    tables: Any = None  # tables.TableSummary
    tables_error: str = ""  # why the table statistics could not be read (one line), when they could not
    table_rows: list[Any] = field(default_factory=list)  # tables.TableStat, with --tables

    @property
    def task_id(self) -> str:
        return self.target.task_id

    @property
    def found(self) -> bool:
        return self.status != MISSING

    @property
    def resource_id(self) -> str | None:
        """CloudWatch names a task by its resource id, the last field of its ARN (not the identifier we chose)."""
        return self.arn.rsplit(":", 1)[-1] if self.arn else None

    @property
    def stop_code(self) -> str:
        """The stop reason without DMS's own "Stop Reason " label: FATAL_ERROR, FULL_LOAD_ONLY_FINISHED, ..."""
        return self.stop_reason.removeprefix(STOP_REASON_LABEL)

    @property
    def late(self) -> bool:
        """The full load has taken longer than the plan's estimate (still loading, or done)."""
        planned, p = self.target.planned_full_load_seconds, self.progress
        if planned is None or p is None or not self.target.full_load:
            return False
        return p.full_load_seconds > planned

    @property
    def full_load_done(self) -> bool:
        if not self.target.full_load:
            return True
        return self.progress is not None and self.progress.finished

    @property
    def in_cdc(self) -> bool:
        """Running and applying changes: a CDC task, past its full load when it has one."""
        return self.status == RUNNING and self.target.cdc and self.full_load_done

    @property
    def phase(self) -> str:
        """What the task is doing, in the words the status line uses."""
        if self.status != RUNNING:
            return self.status
        return "cdc" if self.in_cdc else ("full load done" if self.full_load_done else "full load")

    def eta_seconds(self) -> float | None:
        """Time left in the full load: from the progress so far, else from the plan's estimate."""
        p = self.progress
        if p is None or self.full_load_done or self.status != RUNNING:
            return None
        if p.percent > 0:
            return p.elapsed_seconds * (100 - p.percent) / p.percent
        planned = self.target.planned_full_load_seconds
        return max(planned - p.elapsed_seconds, 0.0) if planned is not None else None


def task_status(target: TaskTarget, task: dict[str, Any] | None) -> TaskStatus:
    """From describe_replication_tasks (instance tasks)."""
    if task is None:
        return TaskStatus(target)
    return TaskStatus(
        target,
        arn=task.get("ReplicationTaskArn"),
        status=str(task.get("Status", "")),
        stop_reason=str(task.get("StopReason", "")),
        failure=str(task.get("LastFailureMessage", "")),
        instance_arn=task.get("ReplicationInstanceArn"),
        progress=LoadProgress.of(task.get("ReplicationTaskStats")),
    )


def replication_status(target: TaskTarget, replication: dict[str, Any] | None, config_arn: str | None) -> TaskStatus:
    """From describe_replications (DMS Serverless); a config never started has no replication yet."""
    if replication is None:
        return TaskStatus(target, arn=config_arn, status=NOT_STARTED if config_arn else MISSING)
    failures = replication.get("FailureMessages") or []
    return TaskStatus(
        target,
        arn=replication.get("ReplicationConfigArn", config_arn),
        status=str(replication.get("Status", "")),
        stop_reason=str(replication.get("StopReason", "")),
        failure="; ".join(str(f) for f in failures),
        progress=LoadProgress.of(replication.get("ReplicationStats")),
    )
