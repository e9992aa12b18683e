"""Is it safe to move the stack to a phase? Every reason it is not, as data (a code per kind), from a Snapshot.

every    the stack file edited to the phase must pass the checks `pulumi up` makes (the caller passes their refusal).
cutover  every forward CDC task running in CDC with its full load complete (a task still loading gets that one
         reason); no table errored or suspended, table statistics readable; validation pending 0 and failed 0; CDC
         latency source and target under the stack's alarm thresholds (monitoring.cdcLatency*Seconds) at every
         one-minute datapoint of the last monitoring.evaluationMinutes, with datapoints for most of the window.
fallback the stack is past replicate (the reverse task comes at phase cutover); the reverse endpoints
         exist and their last connection test succeeded from every instance; the reverse task exists and is ready,
         stopped or already running; no forward task is running.
complete something of the stack exists in DMS; no forward task is running at phase replicate (cut over first); at
         phases cutover and fallback the reverse task exists and is drained: running with CDC latency 0 on both
         sides (checked before it is stopped: runbook, "Taking production back", step 4) or stopped; no task failed.
         The exact row counts both ways stay a DBA step (runbook, "Taking production back", step 3).
"""

from __future__ import annotations

from dataclasses import dataclass

from migration.live.connections import SUCCESSFUL
from migration.live.metrics import PERIOD_SECONDS
from migration.live.snapshot import Snapshot
from migration.live.targets import Phase
from migration.live.taskstatus import FAILED, RUNNING, TaskStatus

READY_TO_START = frozenset({"ready", "stopped", RUNNING})
# CDC latency must be known for this share of the window's one-minute datapoints: CloudWatch publishes the last
# minute or two late, so a full window is not required, but one datapoint does not show a trend.
MIN_COVERAGE = 0.8


@dataclass(frozen=True)
class Reason:
    code: str  # stable, kebab-case: what kind of reason (task-missing, not-in-cdc, latency-high, ...)
    subject: str  # the task, endpoint or instance it is about
    text: str

    def to_dict(self) -> dict[str, str]:
        return {"code": self.code, "subject": self.subject, "text": self.text}


def reasons(phase: Phase, snap: Snapshot, *, refused: str | None = None) -> list[Reason]:
    """Empty when the move to `phase` is safe. `refused`: why `pulumi up` would refuse the stack file at that
    phase (the config checks' own message), when it would."""
    out = [Reason("config-refused", snap.targets.stack, refused)] if refused else []
    if phase == "cutover":
        return out + _cutover(snap)
    if phase == "fallback":
        return out + _fallback(snap)
    return out + _complete(snap)


def _missing(t: TaskStatus) -> list[Reason]:
    return [Reason("task-missing", t.task_id, f"{t.task_id}: no such task in DMS")] if not t.found else []


def _failed(t: TaskStatus) -> Reason:
    why = "; ".join(" ".join(x.split()) for x in (t.stop_code, t.failure) if x) or "no reason given"
    return Reason("task-failed", t.task_id, f"{t.task_id}: failed ({why})")


def _not_in_cdc(t: TaskStatus) -> Reason:
    if t.status == FAILED:
        return _failed(t)
    if t.status == RUNNING and not t.full_load_done:
        done = f" ({t.progress.percent}%)" if t.progress is not None else ""
        return Reason("full-load-running", t.task_id, f"{t.task_id}: full load not complete{done}")
    return Reason("not-in-cdc", t.task_id, f"{t.task_id}: {t.phase}, not running in CDC")


def _cutover(snap: Snapshot) -> list[Reason]:
    out: list[Reason] = []
    for t in snap.tasks:
        if t.target.direction != "forward":
            continue
        if not t.found:
            out += _missing(t)
        elif not t.target.cdc:
            out.append(Reason("no-cdc", t.task_id, f"{t.task_id}: a {t.target.migration_type} task has no CDC"))
        elif not t.in_cdc:
            out.append(_not_in_cdc(t))
        else:
            out += _tables(t) + _latency(snap, t)
    return out


def _tables(t: TaskStatus) -> list[Reason]:
    if t.tables_error:
        return [
            Reason(
                "tables-unknown",
                t.task_id,
                f"{t.task_id}: cannot judge the tables: table statistics unavailable: {t.tables_error}",
            )
        ]
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
    window = th.window_minutes
    needed = max(1, int(window * 60 // PERIOD_SECONDS * MIN_COVERAGE))
    out: list[Reason] = []
    for side, peak, points, limit in (
        ("source", t.latency_source_max, t.latency_source_points, th.cdc_latency_source_seconds),
        ("target", t.latency_target_max, t.latency_target_points, th.cdc_latency_target_seconds),
    ):
        if peak is not None and peak >= limit:
            text = (
                f"{t.task_id}: CDC latency {side} reached {peak:.0f} s in the last {window} min (threshold {limit} s)"
            )
            out.append(Reason("latency-high", t.task_id, text))
        elif points < needed:
            text = (
                f"{t.task_id}: {points} CDC latency {side} datapoint(s) in the last {window} min, {needed} needed to "
                "show it stayed under the threshold"
            )
            out.append(Reason("latency-unknown", t.task_id, text))
    return out


def _fallback(snap: Snapshot) -> list[Reason]:
    tg = snap.targets
    if tg.stack_phase == "replicate":
        if not tg.reverse_enabled:
            return [Reason("no-reverse-path", tg.stack, "the stack has no reverse path (reverse.enabled is false)")]
        return [
            Reason(
                "before-cutover",
                tg.stack,
                "the stack is at phase replicate: the reverse task comes at cutover (cut over first)",
            )
        ]
    out = _reverse_endpoints(snap)
    reverse = [t for t in snap.tasks if t.target.direction == "reverse"]
    if not reverse:
        out.append(Reason("no-reverse-path", tg.stack, "the stack has no reverse path (reverse.enabled is false)"))
    for t in reverse:
        if not t.found:
            out += _missing(t)
        elif t.status == FAILED:
            out.append(_failed(t))
        elif t.status not in READY_TO_START:
            out.append(Reason("reverse-not-ready", t.task_id, f"{t.task_id}: {t.status}, not ready to start"))
    for t in snap.tasks:
        if t.target.direction == "forward" and t.status == RUNNING:
            out.append(Reason("forward-running", t.task_id, f"{t.task_id}: still running; the cutover stops it"))
    return out


def _reverse_endpoints(snap: Snapshot) -> list[Reason]:
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
    return out


def _complete(snap: Snapshot) -> list[Reason]:
    tg = snap.targets
    if snap.nothing_found:
        return [Reason("nothing-found", tg.stack, f"nothing of stack {tg.stack} found in DMS in {tg.region}")]
    out = [_failed(t) for t in snap.tasks if t.status == FAILED]
    if tg.stack_phase == "replicate":
        out += [
            Reason(
                "forward-running",
                t.task_id,
                f"{t.task_id}: {t.phase} at phase replicate; cut over first (phase cutover stops the forward tasks)",
            )
            for t in snap.tasks
            if t.target.direction == "forward" and t.status == RUNNING
        ]
        return out
    for t in snap.tasks:
        if t.target.direction != "reverse":
            continue
        if not t.found:
            out += _missing(t)
        elif t.status == RUNNING:
            out += _drained(t)
    return out


def _drained(t: TaskStatus) -> list[Reason]:
    latest = (t.latency_source_seconds, t.latency_target_seconds)
    if all(v is not None and v <= 0 for v in latest):
        return []
    shown = "/".join("?" if v is None else f"{v:.0f}" for v in latest)
    text = f"{t.task_id}: CDC latency source/target {shown} s, not drained to 0"
    return [Reason("reverse-not-drained", t.task_id, text)]
