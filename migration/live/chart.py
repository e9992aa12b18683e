"""The planned full load next to the actual one, as an SVG picture people look at rather than read.

Per task two bars from the start of the load (the tasks load side by side, as in the runbook's Gantt): the plan's
estimate in grey, and what DMS reports: done (green), running with its ETA drawn lighter (blue), or stopped short
or failed (red, even when its full load had finished). The time axis reads h:mm since the first task's load started. Bars of tasks that started later than the first one start later.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime
from xml.sax.saxutils import escape

from migration.live.snapshot import Snapshot
from migration.live.taskstatus import FAILED, RUNNING, TaskStatus

LABEL_WIDTH, BAR_AREA, ROW_HEIGHT, BAR_HEIGHT, TOP = 280, 560, 40, 12, 50
PLANNED, DONE, LOADING, ETA, STOPPED = "#9aa5b1", "#2e7d32", "#1565c0", "#90caf9", "#c62828"


@dataclass(frozen=True)
class Row:
    task_id: str
    planned: float | None
    offset: float  # seconds after the first task's full load started
    actual: float | None
    eta: float | None
    color: str


def rows(snap: Snapshot) -> list[Row]:
    tasks = [t for t in snap.tasks if t.target.full_load]
    starts = [t.progress.started_at for t in tasks if t.progress and t.progress.started_at]
    first = min(starts) if starts else None
    return [_row(t, first) for t in tasks]


def _row(t: TaskStatus, first: datetime | None) -> Row:
    p = t.progress
    if p is None:
        return Row(t.task_id, t.target.planned_full_load_seconds, 0.0, None, None, PLANNED)
    offset = (p.started_at - first).total_seconds() if p.started_at and first else 0.0
    if t.status == FAILED:
        color = STOPPED
    elif t.full_load_done:
        color = DONE
    elif t.status == RUNNING:
        color = LOADING
    else:
        color = STOPPED
    return Row(t.task_id, t.target.planned_full_load_seconds, offset, p.full_load_seconds, t.eta_seconds(), color)


def _step(longest: float) -> float:
    """A tick every 1, 2, 5, 10, 15, 30 minutes or whole hours, about six ticks across."""
    for minutes in (1, 2, 5, 10, 15, 30, 60, 120, 240, 480, 720, 1440):
        if longest / (minutes * 60) <= 8:
            return minutes * 60.0
    return math.ceil(longest / 8 / 86400) * 86400.0


def svg(snap: Snapshot) -> str:
    data = rows(snap)
    ends = [r.planned or 0 for r in data] + [r.offset + (r.actual or 0) + (r.eta or 0) for r in data]
    longest = max([*ends, 60.0])
    step = _step(longest)
    span = math.ceil(longest / step) * step
    height = TOP + ROW_HEIGHT * len(data) + 40
    width = LABEL_WIDTH + BAR_AREA + 20

    def x(seconds: float) -> float:
        return LABEL_WIDTH + BAR_AREA * seconds / span

    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" font-family="sans-serif" '
        'font-size="12">',
        f'<text x="10" y="20" font-size="14">{escape(f"Full load of stack {snap.targets.stack}: planned (grey) vs actual")}'
        "</text>",
        f'<text x="10" y="36" fill="#555">{escape(f"as of {snap.taken_at:%Y-%m-%d %H:%M} UTC; lighter blue: ETA")}</text>',
    ]
    tick = 0.0
    while tick <= span:
        out.append(f'<line x1="{x(tick):.1f}" y1="{TOP - 6}" x2="{x(tick):.1f}" y2="{height - 30}" stroke="#ddd"/>')
        out.append(f'<text x="{x(tick):.1f}" y="{height - 14}" text-anchor="middle">{_clock(tick)}</text>')
        tick += step
    out.append(
        f'<text x="{LABEL_WIDTH - 10}" y="{height - 14}" text-anchor="end" fill="#555">'
        "time since the load started (h:mm)</text>"
    )
    for n, r in enumerate(data):
        y = TOP + ROW_HEIGHT * n
        out.append(f'<text x="10" y="{y + BAR_HEIGHT + 4}">{escape(r.task_id)}</text>')
        if r.planned is not None:
            out.append(_bar("planned", r.task_id, x(0), y, x(r.planned) - x(0), PLANNED))
        if r.actual is not None:
            out.append(_bar("actual", r.task_id, x(r.offset), y + BAR_HEIGHT + 2, x(r.actual) - x(0), r.color))
            if r.eta:
                start = x(r.offset + r.actual)
                out.append(_bar("eta", r.task_id, start, y + BAR_HEIGHT + 2, x(r.eta) - x(0), ETA))
    out.append("</svg>")
    return "\n".join(out) + "\n"


def _bar(kind: str, task_id: str, x: float, y: float, w: float, color: str) -> str:
    return (
        f'<rect class="{kind}" data-task="{escape(task_id)}" x="{x:.1f}" y="{y}" width="{max(w, 1.0):.1f}" '
        f'height="{BAR_HEIGHT}" fill="{color}"/>'
    )


def _clock(seconds: float) -> str:
    minutes = int(seconds // 60)
    return f"{minutes // 60}:{minutes % 60:02d}"
