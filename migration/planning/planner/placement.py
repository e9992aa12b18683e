"""Placement: which replication instance runs each task draft, when the plan uses several.

A frozen plan keeps its placement: a task moved to another instance is stopped and moved
(MoveReplicationTask)."""

from __future__ import annotations

import heapq
import math
from collections.abc import Sequence

from migration.planning.planner.records import Context, Draft
from migration.planning.planner.simulate import instance_finish


def place(drafts: Sequence[Draft], ctx: Context) -> None:
    """Spread the tasks over the instances: largest work first onto the least-loaded instance that still has room
    under DMS's 200 tasks per instance, then rebalance on the simulated finish."""
    if ctx.instances == 1:
        return
    for d in drafts:
        d.planned_cap = d.streams_cap
    per_instance = ctx.task_cap // ctx.instances
    heap = [(0.0, i) for i in range(ctx.instances)]
    counts = [0] * ctx.instances
    for d in sorted(drafts, key=lambda d: (-sum(d.units), d.name)):
        skipped = []
        load, i = heapq.heappop(heap)
        while counts[i] >= per_instance:
            skipped.append((load, i))
            load, i = heapq.heappop(heap)
        d.instance = i
        counts[i] += 1
        heapq.heappush(heap, (load + sum(d.units), i))
        for item in skipped:
            heapq.heappush(heap, item)
    _rebalance(drafts, ctx, per_instance)


def _rebalance(drafts: Sequence[Draft], ctx: Context, per_instance: int) -> None:
    """Balancing work is not enough: a task with one long unit (a table that loads on one stream) is slowed by
    every other stream on its instance. So an instance holding such a long unit runs no more streams than its
    rate feeds at full per-stream speed (the other tasks there get fewer subtasks), and a bounded local search on
    the same simulation the estimate uses then moves tasks from the instance that finishes last to the one that
    finishes first while that shortens the load."""
    _cap_streams_beside_long_units(drafts, ctx)
    finish = instance_finish(drafts, ctx)
    for _ in range(2 * len(drafts)):
        worst, best = finish.index(max(finish)), finish.index(min(finish))
        if worst == best or sum(d.instance == best for d in drafts) >= per_instance:
            return
        improved = False
        for d in sorted((d for d in drafts if d.instance == worst), key=lambda d: sum(d.units)):
            d.instance = best
            _cap_streams_beside_long_units(drafts, ctx)
            trial = instance_finish(drafts, ctx)
            if max(trial[worst], trial[best]) < finish[worst] * 0.999:
                finish, improved = trial, True
                break
            d.instance = worst
            _cap_streams_beside_long_units(drafts, ctx)
        if not improved:
            return


def _cap_streams_beside_long_units(drafts: Sequence[Draft], ctx: Context) -> None:
    """On an instance whose longest unit outlasts the rest of its work, keep the streams within what the instance
    feeds at full speed: then that unit is never slowed by its neighbours."""
    r = ctx.rates
    full_speed = max(1, int(r.instance // r.stream))
    for instance in range(ctx.instances):
        mine = [d for d in drafts if d.instance == instance]
        if not mine:
            continue
        for d in mine:
            d.streams_cap = d.planned_cap
        pole = max((u for d in mine for u in d.units), default=0.0)
        work = sum(sum(d.units) for d in mine)
        streams = sum(d.streams for d in mine)
        if pole / r.stream <= work / r.instance or streams <= full_speed:
            continue
        holder = next(d for d in mine if pole in d.units)
        others = [d for d in mine if d is not holder]
        budget = max(len(others), full_speed - holder.streams)
        scale = budget / max(1, sum(d.streams for d in others))
        for d in others:
            d.streams_cap = max(1, math.floor(min(d.streams_cap, len(d.units)) * scale))
