"""What runs in each phase of the migration's life. Pure logic.

replicate -> cutover -> fallback -> complete, each a `pulumi config set phase <name>` and `pulumi up`:
- replicate: the forward tasks run (unless migration.startTask is false);
- cutover:   forward tasks stopped (kept: deleting or replacing one means a full reload); the reverse endpoints
             and task exist but are idle;
- fallback:  the reverse PostgreSQL -> Oracle CDC task runs; forward stays stopped unless loopback prevention
             is configured and reverse.keepForwardRunning asks for both;
- complete:  nothing runs; protection is lifted so `pulumi destroy` can remove everything.
"""

from __future__ import annotations

from dataclasses import dataclass

from migration.config import StackConfig


@dataclass(frozen=True)
class PhaseState:
    forward_running: bool
    reverse_created: bool
    reverse_running: bool
    protect: bool


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
    )
