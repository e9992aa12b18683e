"""What runs in each phase of the migration's life. Pure logic.

replicate -> cutover -> fallback -> complete, each a `pulumi config set phase <name>` and `pulumi up`:
- replicate: the forward tasks run (unless migration.startTask is false); with reverse.enabled the reverse
             endpoints (PostgreSQL source, Oracle target) exist already, so `test-connections` and the runbook
             test the fallback path days before the outage rather than during it;
- cutover:   forward tasks stopped (kept: deleting or replacing one means a full reload); the reverse task exists
             but is idle;
- fallback:  the reverse PostgreSQL -> Oracle CDC task runs; forward stays stopped unless loopback prevention
             is configured and reverse.keepForwardRunning asks for both;
- complete:  nothing runs; protection is lifted so `pulumi destroy` can remove everything.

Why the endpoints may come early: creating a DMS endpoint stores its connection details and nothing else; the
PostgreSQL source's slot (reverse.postgresSource.settings.slotName, created by the runbook at cutover) is checked
only when a task on it starts: "DMS verifies that the specified logical replication slot exists before starting
the CDC load task" (DMS API reference, PostgreSQLSettings.SlotName). A connection test logs in; it reads no slot.

Why the reverse task still waits for cutover: it is a CDC task into production Oracle with no valid start before
the write freeze, where the LSN it must start from (reverse.cdcStartPosition) is captured. Idle during replicate,
one start (console, CLI) would carry into Oracle the rows the forward tasks are writing into PostgreSQL: a loop.
From cutover on the forward tasks are stopped and the freeze LSN exists, so the task exists from then on.
"""

from __future__ import annotations

from dataclasses import dataclass

from migration.config import StackConfig


@dataclass(frozen=True)
class PhaseState:
    forward_running: bool
    reverse_created: bool  # the reverse task exists (from cutover on)
    reverse_running: bool
    protect: bool
    reverse_endpoints: bool = False  # the reverse endpoints exist (every phase, once reverse.enabled)


def phase_state(cfg: StackConfig) -> PhaseState:
    phase = cfg.phase
    reverse_created = cfg.reverse.enabled and phase in ("cutover", "fallback", "complete")
    reverse_running = reverse_created and phase == "fallback"
    forward_running = (phase == "replicate" and cfg.migration.start_task) or (
        reverse_running and cfg.reverse.keep_forward_running
    )
    return PhaseState(
        forward_running=forward_running,
        reverse_created=reverse_created,
        reverse_running=reverse_running,
        protect=cfg.protect and phase != "complete",
        reverse_endpoints=cfg.reverse.enabled,
    )
