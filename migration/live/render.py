"""How a Snapshot reads: text lines for people (with progress bars on a terminal), a JSON document for machines."""

from __future__ import annotations

from typing import Any

from migration.live.readiness import Reason
from migration.live.snapshot import InstanceHealth, SlotHealth, Snapshot
from migration.live.targets import Thresholds
from migration.live.taskstatus import TaskStatus

BAR_WIDTH = 20
MIB, GIB = 1024 * 1024, 1024**3


def bar(percent: int, width: int = BAR_WIDTH) -> str:
    filled = max(0, min(width, round(width * percent / 100)))
    return "[" + "#" * filled + "." * (width - filled) + "]"


def duration(seconds: float | None) -> str:
    if seconds is None:
        return "?"
    s = int(round(seconds))
    h, rest = divmod(s, 3600)
    m, s = divmod(rest, 60)
    return f"{h}h{m:02d}m" if h else f"{m}m{s:02d}s"


def _num(value: float | None, unit: str = "s") -> str:
    return "?" if value is None else f"{value:.0f} {unit}"


def task_lines(t: TaskStatus, bars: bool) -> list[str]:
    head = f"{t.task_id} ({t.target.direction}, {t.target.migration_type}): {t.phase}"
    if t.stop_reason:
        head += f", stop reason {t.stop_code}"
    out = [head]
    if t.failure:
        out.append(f"  last failure: {' '.join(t.failure.split())}")
    p = t.progress
    planned = t.target.planned_full_load_seconds
    if p is not None and t.target.full_load and t.full_load_done:
        out.append(
            f"  full load done in {duration(p.full_load_seconds)}"
            + (f" ({duration(planned)} planned{', LATE' if t.late else ''})" if planned is not None else "")
            + f": tables loaded {p.loaded}, errored {p.errored}"
        )
    elif p is not None and t.target.full_load:
        shown = f"{bar(p.percent)} {p.percent}%" if bars else f"{p.percent}%"
        out.append(
            f"  full load {shown}: tables loaded {p.loaded}, loading {p.loading}, queued {p.queued}, "
            f"errored {p.errored}; elapsed {duration(p.elapsed_seconds)}"
            + (f" of {duration(planned)} planned" + (" LATE" if t.late else "") if planned is not None else "")
            + (f", ETA {duration(t.eta_seconds())}" if t.eta_seconds() is not None else "")
        )
    if t.target.cdc and t.found:
        out.append(
            f"  CDC latency source {_num(t.latency_source_seconds)}, target {_num(t.latency_target_seconds)}; "
            f"changes on disk {_num(t.changes_on_disk, '')}".rstrip()
        )
    if t.tables_error:
        out.append(f"  table statistics unavailable: {t.tables_error}")
    s = t.tables
    if s is not None:
        out.append(
            f"  tables {s.tables}: errored {len(s.errored)}, suspended {len(s.suspended)}; validation pending "
            f"{s.validation_pending}, failed {s.validation_failed}, suspended records {s.validation_suspended}"
        )
    for row in t.table_rows:
        out.append(
            f"    {row.schema}.{row.table}: {row.state}, {row.full_load_rows} rows, validation {row.validation_state or '-'}"
            f" (pending {row.validation_pending}, failed {row.validation_failed}, suspended {row.validation_suspended})"
        )
    return out


def instance_line(h: InstanceHealth, th: Thresholds) -> str:
    """The instance's headroom, flagged LOW under the stack's alarm thresholds (monitoring.freeableMemoryMb,
    monitoring.freeStorageGb)."""
    i = h.instance
    mem = "?" if h.free_memory_bytes is None else f"{h.free_memory_bytes / MIB:.0f} MiB"
    if h.free_memory_bytes is not None and h.free_memory_bytes < th.freeable_memory_mb * MIB:
        mem += " LOW"
    disk = "?" if h.free_storage_bytes is None else f"{h.free_storage_bytes / GIB:.1f} of {i.allocated_storage_gb} GiB"
    if h.free_storage_bytes is not None and h.free_storage_bytes < th.free_storage_gb * GIB:
        disk += " LOW"
    return f"instance {i.instance_id} ({i.instance_class}): {i.status}; free memory {mem}, free storage {disk}"


def slot_line(slot: SlotHealth, th: Thresholds) -> str:
    """The reverse source's replication slots: WAL held back for the slot DMS reads, and the disk it takes; the lag
    flagged HIGH from Thresholds.slot_lag_mb."""

    def mib(value: float | None) -> str:
        return "?" if value is None else f"{value / MIB:.0f} MiB"

    lag = mib(slot.oldest_lag_bytes)
    if slot.oldest_lag_bytes is not None and slot.oldest_lag_bytes >= th.slot_lag_mb * MIB:
        lag += f" HIGH (threshold {th.slot_lag_mb} MiB)"
    return f"reverse source {slot.db_instance_id}: oldest replication slot lag {lag}, slot disk usage {mib(slot.disk_usage_bytes)}"


def text(snap: Snapshot, *, bars: bool = False) -> list[str]:
    t = snap.targets
    where = "DMS Serverless" if t.serverless else f"{len(t.instance_ids)} instance(s)"
    out = [f"stack {t.stack} in {t.region} ({where}), {snap.taken_at:%Y-%m-%d %H:%M:%S} UTC"]
    out += [instance_line(h, t.thresholds) for h in snap.instances]
    out += [f"instance {i}: missing in DMS" for i in snap.missing_instances]
    for task in snap.tasks:
        out += task_lines(task, bars)
    if snap.slot is not None:
        out.append(slot_line(snap.slot, t.thresholds))
    for endpoint_id, results in snap.connections.items():
        shown = ", ".join(f"{r.instance_id} {r.status}" for r in results) or "not tested"
        out.append(f"endpoint {endpoint_id}: {shown}")
    return out


def readiness_lines(phase: str, found: list[Reason]) -> list[str]:
    if not found:
        return [f"ready for {phase}"]
    return [f"not ready for {phase}: {len(found)} reason(s)", *(f"  - {r.text}" for r in found)]


def task_dict(t: TaskStatus) -> dict[str, Any]:
    p = t.progress
    return {
        "task_id": t.task_id,
        "direction": t.target.direction,
        "migration_type": t.target.migration_type,
        "status": t.status,
        "task_phase": t.phase,
        "late": t.late,
        "stop_reason": t.stop_reason or None,
        "last_failure": t.failure or None,
        "full_load": None
        if p is None
        else {
            "percent": p.percent,
            "tables_loaded": p.loaded,
            "tables_loading": p.loading,
            "tables_queued": p.queued,
            "tables_errored": p.errored,
            "elapsed_seconds": p.elapsed_seconds,
            "finished": p.finished,
        },
        "planned_full_load_seconds": t.target.planned_full_load_seconds,
        "eta_seconds": t.eta_seconds(),
        "cdc_latency_source_seconds": t.latency_source_seconds,
        "cdc_latency_target_seconds": t.latency_target_seconds,
        "changes_on_disk": t.changes_on_disk,
        "tables": t.tables.to_dict() if t.tables is not None else None,
        "tables_error": t.tables_error or None,
        "table_rows": [vars(r) for r in t.table_rows],
    }


def document(snap: Snapshot, phase: str | None = None, found: list[Reason] | None = None) -> dict[str, Any]:
    t = snap.targets
    doc: dict[str, Any] = {
        "stack": t.stack,
        "region": t.region,
        "serverless": t.serverless,
        "taken_at": snap.taken_at.isoformat(),
        "instances": [
            {
                "instance_id": h.instance.instance_id,
                "status": h.instance.status,
                "instance_class": h.instance.instance_class,
                "allocated_storage_gb": h.instance.allocated_storage_gb,
                "free_memory_bytes": h.free_memory_bytes,
                "free_storage_bytes": h.free_storage_bytes,
            }
            for h in snap.instances
        ],
        "missing_instances": list(snap.missing_instances),
        "tasks": [task_dict(task) for task in snap.tasks],
        "connections": {k: [r.to_dict() for r in v] for k, v in snap.connections.items()},
        "reverse_slot": None if snap.slot is None else vars(snap.slot),
    }
    if phase is not None:
        doc["ready_for"] = {"phase": phase, "ready": not found, "reasons": [r.to_dict() for r in found or []]}
    return doc
