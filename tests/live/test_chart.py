"""The planned-vs-actual picture: one planned and one actual bar per full-load task, on a common time scale."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import timedelta

import pytest

from migration.live import chart
from migration.live.snapshot import Snapshot
from migration.live.targets import TaskTarget
from migration.live.taskstatus import LoadProgress, TaskStatus
from tests.live.scenario import NOW, targets

SVG = "{http://www.w3.org/2000/svg}"


def status(
    task_id: str, state: str, planned: float | None, elapsed: float, percent: int, start_after: float = 0
) -> TaskStatus:
    start = NOW - timedelta(hours=2) + timedelta(seconds=start_after)
    done = percent == 100
    progress = LoadProgress(
        percent=percent,
        loaded=1,
        loading=0 if done else 1,
        queued=0,
        errored=0,
        elapsed_seconds=elapsed,
        finished=done,
        started_at=start,
        finished_at=start + timedelta(seconds=elapsed) if done else None,
    )
    return TaskStatus(TaskTarget(task_id, "forward", "full-load-and-cdc", planned), status=state, progress=progress)


def bars(svg: str) -> dict[tuple[str, str], ET.Element]:
    root = ET.fromstring(svg)
    return {(r.get("class", ""), r.get("data-task", "")): r for r in root.iter(f"{SVG}rect")}


def snapshot(*tasks: TaskStatus) -> Snapshot:
    return Snapshot(targets(), NOW, list(tasks), [], [], {})


def test_each_task_has_its_planned_and_actual_bar_on_one_scale():
    snap = snapshot(
        status("done", "running", planned=1200, elapsed=1800, percent=100),
        status("loading", "running", planned=1200, elapsed=600, percent=50, start_after=300),
        status("broken", "failed", planned=600, elapsed=300, percent=20),
        TaskStatus(TaskTarget("cdc-only", "forward", "cdc")),
    )
    got = bars(chart.svg(snap))
    assert {task for _, task in got} == {"done", "loading", "broken"}  # a CDC-only task has no full load
    width = {k: float(v.get("width", "0")) for k, v in got.items()}
    assert width[("actual", "done")] == pytest.approx(
        1.5 * width[("planned", "done")], rel=1e-3
    )  # took 30 min, planned 20
    assert got[("actual", "done")].get("fill") == chart.DONE
    assert got[("actual", "loading")].get("fill") == chart.LOADING
    assert width[("eta", "loading")] == pytest.approx(
        width[("actual", "loading")], rel=1e-3
    )  # half done: as long again
    assert float(got[("actual", "loading")].get("x", "0")) > float(got[("actual", "done")].get("x", "0"))
    assert got[("actual", "broken")].get("fill") == chart.STOPPED
    assert ("eta", "broken") not in got


def test_a_task_not_started_shows_only_the_plan():
    snap = snapshot(TaskStatus(TaskTarget("t", "forward", "full-load", 900.0), status="creating"))
    got = bars(chart.svg(snap))
    assert set(got) == {("planned", "t")}
    assert "Full load of stack prod: planned (grey) vs actual" in chart.svg(snap)


def test_a_task_that_failed_after_its_full_load_is_not_drawn_green():
    snap = snapshot(status("failed-in-cdc", "failed", planned=600, elapsed=600, percent=100))
    assert bars(chart.svg(snap))[("actual", "failed-in-cdc")].get("fill") == chart.STOPPED


def test_the_time_axis_says_its_unit():
    assert "time since the load started (h:mm)" in chart.svg(snapshot(status("t", "running", 600, 60, 10)))
