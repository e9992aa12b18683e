"""How the planner writes durations, sizes and lists of tables in its reasons, warnings and text."""

from __future__ import annotations

import math
from collections.abc import Sequence

from migration.planning.planner.rates import GB
from migration.planning.planner.records import Tab


def fmt_time(seconds: float | None) -> str:
    if seconds is None or math.isinf(seconds):
        return "never"
    if seconds <= 0:
        return "0 min"
    if seconds < 90 * 60:
        return f"{max(1, round(seconds / 60))} min"
    hours = seconds / 3600
    return f"{hours:.1f} h" if hours < 10 else f"{hours:.0f} h"


def fmt_gb(n: float) -> str:
    gb = n / GB
    return "<0.1" if 0 < gb < 0.1 else f"{gb:.1f}" if gb < 10 else f"{gb:.0f}"


def names(tabs: Sequence[Tab], limit: int = 5) -> str:
    shown = ", ".join(t.label for t in tabs[:limit])
    return shown + (f" and {len(tabs) - limit} more" if len(tabs) > limit else "")
