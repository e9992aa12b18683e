"""Is it safe to move the stack to a phase? Every reason it is not, as data (a code per kind), from a Snapshot.

cutover  every forward CDC task running in CDC with its full load complete; no table errored or suspended;
         validation pending 0 and failed 0; CDC latency source and target under the stack's alarm thresholds
         (monitoring.cdcLatency*Seconds) over the last monitoring.evaluationMinutes, with datapoints to show it.
fallback the reverse endpoints exist and their last connection test succeeded from every instance, the reverse
         task exists and is ready (or stopped) to start, no forward task is running.
complete the reverse task (when there is one) is drained: running with CDC latency 0 on both sides, or stopped;
         no task failed. The exact row counts both ways stay a DBA step (runbook: Fallback, step 3).
"""

from __future__ import annotations

from dataclasses import dataclass

from migration.live.connections import SUCCESSFUL
from migration.live.snapshot import Snapshot
from migration.live.targets import Phase
from migration.live.taskstatus import RUNNING, TaskStatus

READY_TO_START = frozenset({"ready", "stopped"})
FAILED = "failed"


@dataclass(frozen=True)
class Reason:
    code: str  # stable, kebab-case: what kind of reason (task-missing, not-in-cdc, latency-high, ...)
    subject: str  # the task, endpoint or instance it is about
    text: str

    def to_dict(self) -> dict[str, str]:
        return {"code": self.code, "subject": self.subject, "text": self.text}


def reasons(phase: Phase, snap: Snapshot) -> list[Reason]:
    """Empty when the move to `phase` is safe."""
    if phase == "cutover":
        return _cutover(snap)
    if phase == "fallback":
        return _fallback(snap)
    return _complete(snap)


def _missing(t: TaskStatus) -> list[Reason]:
    return [Reason("task-missing", t.task_id, f"{t.task_id}: no such task in DMS")] if not t.found else []


def _cutover(snap: Snapshot) -> list[Reason]:
    out: list[Reason] = []
    for t in snap.tasks:
        if t.target.direction != "forward":
            continue
        if not t.found:
            out += _missing(t)
            continue
        if not t.target.cdc:
            out.append(Reason("no-cdc", t.task_id, f"{t.task_id}: a {t.target.migration_type} task has no CDC"))
            continue
        if not t.in_cdc:
            out.append(Reason("not-in-cdc", t.task_id, f"{t.task_id}: {t.phase}, not running in CDC"))
        out += _tables(t) + _latency(snap, t)
    return out


def _tables(t: TaskStatus) -> list[Reason]:
    out: list[Reason] = []
    errored = t.progress.errored if t.progress else 0
    s = t.tables
    names = list(s.errored) if s is not None else []
    if errored or names:
        shown = f" ({', '.join(names[:5])})" if names else ""
        out.append(
            Reason("tables-errored", t.task_id, f"{t.task_id}: {max(errored, len(names))} table(s) errored{shown}")
        )
    if s is None:
        if t.status == RUNNING:
            out.append(Reason("no-table-statistics", t.task_id, f"{t.task_id}: no table statistics yet"))
        return out
    if s.suspended:
        out.append(
            Reason("tables-suspended", t.task_id, f"{t.task_id}: validation suspended on {', '.join(s.suspended[:5])}")
        )
    if s.validation_pending:
        out.append(
            Reason("validation-pending", t.task_id, f"{t.task_id}: {s.validation_pending} record(s) pending validation")
        )
    if s.validation_failed:
        out.append(
            Reason("validation-failed", t.task_id, f"{t.task_id}: {s.validation_failed} record(s) failed validation")
        )
    return out


def _latency(snap: Snapshot, t: TaskStatus) -> list[Reason]:
    th = snap.targets.thresholds
    out: list[Reason] = []
    for side, peak, limit in (
        ("source", t.latency_source_max, th.cdc_latency_source_seconds),
        ("target", t.latency_target_max, th.cdc_latency_target_seconds),
    ):
        if peak is None:
            out.append(
                Reason(
                    "latency-unknown",
                    t.task_id,
                    f"{t.task_id}: no CDC latency {side} datapoints in the last {th.window_minutes} min",
                )
            )
        elif peak >= limit:
            out.append(
                Reason(
                    "latency-high",
                    t.task_id,
                    f"{t.task_id}: CDC latency {side} reached {peak:.0f} s in the last {th.window_minutes} min (threshold {limit} s)",
                )
            )
    return out


def _fallback(snap: Snapshot) -> list[Reason]:
    out: list[Reason] = []
    for e in snap.targets.endpoints:
        if e.direction != "reverse":
            continue
        if e.endpoint_id not in snap.endpoints:
            out.append(Reason("endpoint-missing", e.endpoint_id, f"{e.endpoint_id}: no such endpoint in DMS"))
            continue
        tested = snap.connections.get(e.endpoint_id, [])
        seen = {r.instance_id for r in tested if r.status == SUCCESSFUL}
        untested = [h.instance.instance_id for h in snap.instances if h.instance.instance_id not in seen]
        if not tested or untested:
            where = f" from {', '.join(untested)}" if untested else ""
            out.append(
                Reason(
                    "endpoint-untested",
                    e.endpoint_id,
                    f"{e.endpoint_id}: no successful connection test{where} (run test-connections)",
                )
            )
    reverse = [t for t in snap.tasks if t.target.direction == "reverse"]
    if not reverse:
        out.append(Reason("no-reverse-task", snap.targets.stack, "the stack has no reverse task (reverse.enabled)"))
    for t in reverse:
        if not t.found:
            out += _missing(t)
        elif t.status not in READY_TO_START:
            out.append(Reason("reverse-not-ready", t.task_id, f"{t.task_id}: {t.status}, not ready to start"))
    for t in snap.tasks:
        if t.target.direction == "forward" and t.status == RUNNING:
            out.append(Reason("forward-running", t.task_id, f"{t.task_id}: still running; the cutover stops it"))
    return out


def _complete(snap: Snapshot) -> list[Reason]:
    out: list[Reason] = []
    for t in snap.tasks:
        if t.status == FAILED:
            out.append(Reason("task-failed", t.task_id, f"{t.task_id}: failed ({t.stop_reason or t.failure})"))
        if t.target.direction != "reverse" or t.status != RUNNING:
            continue
        latest = (t.latency_source_seconds, t.latency_target_seconds)
        if any(v is None or v > 0 for v in latest):
            shown = "/".join("?" if v is None else f"{v:.0f}" for v in latest)
            out.append(
                Reason(
                    "reverse-not-drained",
                    t.task_id,
                    f"{t.task_id}: CDC latency source/target {shown} s, not drained to 0",
                )
            )
    return out
