"""The makespan model: streams loaded largest first, then every active stream sharing its instance's rate.

- a *unit* is a table, or one segment of a parallel-loaded table; its work is its bytes, times `lob_penalty`
  for tables with LOB columns (LOB lookups cost instance time as well as stream time);
- each task runs its units largest-first on `max_full_load_subtasks` streams (greedy onto the least-loaded
  stream, which is what DMS does when `load-order` puts the largest tables first);
- all tasks of one instance run at once: each active stream moves min(per-stream rate, instance rate / active
  streams), so no unit goes faster than one stream and the instance never beats its aggregate rate;
- lower bound = max(largest unit / per-stream rate, total work / combined instance rate).
"""

from __future__ import annotations

import heapq
from collections.abc import Sequence

from migration.planning.planner.rates import Rates
from migration.planning.planner.records import Context, Draft, Estimate


def lpt(works: Sequence[float], bins: int) -> list[float]:
    """Largest first onto the least-loaded bin; returns bin loads."""
    heap = [(0.0, i) for i in range(bins)]
    for w in sorted(works, reverse=True):
        load, i = heapq.heappop(heap)
        heapq.heappush(heap, (load + w, i))
    loads = [0.0] * bins
    for load, i in heap:
        loads[i] = load
    return loads


def simulate(loads: Sequence[float], stream: float, instance: float) -> list[float]:
    """Finish time of each stream when active streams share the instance rate equally (capped per stream).
    All active streams move at the same speed, so they finish in order of load."""
    finish = [0.0] * len(loads)
    t = done = 0.0
    active = len(loads)
    for i in sorted(range(len(loads)), key=loads.__getitem__):
        if loads[i] > done:
            t += (loads[i] - done) / min(stream, instance / active)
            done = loads[i]
        finish[i] = t
        active -= 1
    return finish


def single_task(works: Sequence[float], r: Rates) -> float:
    """Makespan of one task holding every unit, with no parallel load: the baseline a split is compared with."""
    return max(simulate(lpt(works, min(r.max_streams, len(works))), r.stream, r.instance))


def estimate(drafts: Sequence[Draft], ctx: Context) -> Estimate:
    """Simulate the full load: each draft's units go largest-first onto its streams, then all streams of one
    instance share its rate. Kept apart so the estimate can be checked on given drafts."""
    r = ctx.rates
    if ctx.serverless:
        return _estimate_alone(drafts, ctx)
    task_time = [0.0] * len(drafts)
    for instance in range(ctx.instances):  # instances run side by side; each one's streams share its rate
        stream_loads: list[float] = []
        owner_of: list[int] = []
        for i, d in enumerate(drafts):
            if d.instance != instance:
                continue
            loads = lpt(d.units, d.streams)
            stream_loads += loads
            owner_of += [i] * len(loads)
        finish = simulate(stream_loads, r.stream, r.instance) if not ctx.preloaded else [0.0] * len(stream_loads)
        for i, f in zip(owner_of, finish, strict=True):
            task_time[i] = max(task_time[i], f)
    all_units = [u for d in drafts for u in d.units]
    lower = 0.0 if ctx.preloaded else max(max(all_units, default=0.0) / r.stream, ctx.total_work / ctx.capacity)
    return Estimate(task_time, max(task_time, default=0.0), lower)


def _estimate_alone(drafts: Sequence[Draft], ctx: Context) -> Estimate:
    """DMS Serverless: each draft's streams share only its own replication's rate; the lower bound is then the
    largest unit on one stream (more replications add capacity, so no split beats it)."""
    r = ctx.rates
    if ctx.preloaded:
        return Estimate([0.0] * len(drafts), 0.0, 0.0)
    task_time = [max(simulate(lpt(d.units, d.streams), r.stream, r.instance), default=0.0) for d in drafts]
    largest = max((u for d in drafts for u in d.units), default=0.0)
    return Estimate(task_time, max(task_time, default=0.0), largest / r.stream)


def instance_finish(drafts: Sequence[Draft], ctx: Context) -> list[float]:
    """Simulated finish of each instance alone (instances share nothing)."""
    r = ctx.rates
    finish = [0.0] * ctx.instances
    for instance in range(ctx.instances):
        loads = [load for d in drafts if d.instance == instance for load in lpt(d.units, d.streams)]
        finish[instance] = max(simulate(loads, r.stream, r.instance), default=0.0)
    return finish
