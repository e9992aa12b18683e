"""plan_migration: check the inputs, split for the instances' combined capacity, place, simulate, decide, explain.

The steps live in the sibling modules (split, placement, simulate, decide, explain); this module runs them in
order and assembles the MigrationPlan."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import replace

from migration.config import Throughput
from migration.dms.limits import MAX_REPLICATION_INSTANCES
from migration.notices import Notice
from migration.planning.planner.checks import check_max_tasks, check_ranges, check_tables
from migration.planning.planner.decide import choose_migration_type, finest_unit, recommend, recommend_dcu, storage
from migration.planning.planner.explain import (
    instances_reason,
    redo_readers_reason,
    split_reason,
    table_warnings,
    throughput_reasons,
)
from migration.planning.planner.model import MigrationPlan, PlannedTask, TableLike
from migration.planning.planner.placement import place
from migration.planning.planner.rates import MB, rates_for
from migration.planning.planner.records import (
    DEFAULT_MAX_TABLES_PER_TASK,
    Context,
    Draft,
    Estimate,
    Tab,
    make_tab,
    minutes,
)
from migration.planning.planner.simulate import estimate, single_task
from migration.planning.planner.split import assign, bundles, mark_big, name_drafts

Split = tuple[list[Draft], list[Tab], Estimate, list[Notice]]  # drafts, demoted big tables, estimate, warnings


def single_task_makespan_seconds(
    tables: Sequence[TableLike], *, instance_class: str, throughput: Throughput | None = None
) -> float:
    """Baseline for comparison: every table in one task, no parallel load, same makespan model."""
    tabs = check_tables(tables)
    r = rates_for(instance_class, throughput, sum(t.bytes for t in tabs))
    return single_task([make_tab(t, r).work for t in tabs], r)


def plan_migration(
    tables: Sequence[TableLike],
    *,
    window_hours: float,
    instance_class: str,
    throughput: Throughput | None = None,
    preloaded: bool = False,
    groups: Sequence[Sequence[str]] = (),
    key_ranges: Mapping[str, tuple[int | float, int | float]] | None = None,
    max_tables_per_task: int = DEFAULT_MAX_TABLES_PER_TASK,
    max_tasks: int | None = None,
    instances: int | None = 1,
    serverless: bool = False,
    storage_gb: int | None = None,
) -> MigrationPlan:
    """Split the inventory into DMS tasks, choose the migration type and size the instance.

    `instances` spreads the tasks over that many replication instances of the class (DMS's own scale-out: at most
    200 tasks each, each with its own throughput); None chooses the smallest count whose estimated full load fits
    the window. `serverless` plans DMS Serverless replication configs: each task alone on capacity the size of
    `instance_class`, and a MaxCapacityUnits recommendation instead of a class. `storage_gb`, the allocated storage
    the stack configures, is weighed against the storage need. The options the stack config validates (window, class, throughput, table and instance limits) are
    taken as given; see migration.planning.planner.checks."""
    task_cap = check_max_tasks(max_tasks)
    raw = check_tables(tables)
    r = rates_for(instance_class, throughput, sum(t.bytes for t in raw))
    tabs = tuple(sorted((make_tab(t, r) for t in raw), key=lambda t: t.key))
    by_label = {t.label: t for t in tabs}
    ranges = check_ranges(key_ranges, by_label)
    ctx = Context(instance_class, throughput, window_hours, preloaded, max_tables_per_task, task_cap, r, tabs, ranges)
    ctx = replace(ctx, serverless=serverless, storage_gb=None if serverless else storage_gb)
    if instances is None and not serverless:
        ctx, (drafts, demoted, est, warnings) = _fewest_instances(ctx, groups, by_label)
    else:
        count = 1 if serverless or instances is None else instances
        ctx = replace(ctx, instances=count, task_cap=task_cap * count)
        drafts, demoted, est, warnings = _split_and_place(ctx, groups, by_label)
    return _decide_and_explain(ctx, drafts, demoted, est, warnings, chosen=instances is None and not serverless)


def _decide_and_explain(
    ctx: Context, drafts: list[Draft], demoted: list[Tab], est: Estimate, warnings: list[Notice], *, chosen: bool
) -> MigrationPlan:
    """Choose the migration type, explain the split, recommend a class and storage, and assemble the plan."""
    reasons = throughput_reasons(ctx)
    if ctx.instances > 1 or chosen:
        reasons.append(instances_reason(ctx, est, chosen=chosen))
    mtype, fits, catch_up = choose_migration_type(ctx, est, reasons, warnings)
    reasons += redo_readers_reason(ctx, drafts, mtype)
    reasons.append(split_reason(ctx, drafts, est))
    warnings += table_warnings(ctx, demoted, drafts)
    rec = recommend(ctx, mtype, finest_unit(ctx), reasons, warnings)
    dcu = recommend_dcu(ctx, rec, reasons) if ctx.serverless else None
    storage_gb = storage(ctx, mtype, est.makespan, catch_up, reasons, warnings)
    return MigrationPlan(
        migration_type=mtype,
        tasks=_planned_tasks(ctx, drafts, est),
        estimated_makespan_seconds=est.rounded,
        lower_bound_seconds=minutes(est.lower),
        window_hours=float(ctx.window_hours),
        fits_window=fits,
        recommended_instance_class=rec,
        recommended_storage_gb=storage_gb,
        reasons=tuple(reasons),
        warnings=tuple(warnings),
        instance_class=ctx.instance_class,
        catch_up_seconds=None if catch_up is None or math.isinf(catch_up) else minutes(catch_up),
        assumptions=_assumptions(ctx),
        instances=ctx.instances,
        serverless=ctx.serverless,
        recommended_dcu=dcu,
        configured_storage_gb=ctx.storage_gb,
    )


def _split_and_place(ctx: Context, groups: Sequence[Sequence[str]], by_label: Mapping[str, Tab]) -> Split:
    """Bundle, mark big tables, assign drafts for the combined capacity, name them, place them, estimate."""
    found = bundles(ctx.tabs, groups, by_label, ctx.max_tables)
    warnings: list[Notice] = []
    if not ctx.preloaded:
        mark_big(found, ctx.target)
    drafts, demoted = assign(found, ctx, warnings)
    name_drafts(drafts)
    place(drafts, ctx)
    return drafts, demoted, estimate(drafts, ctx), warnings


def _fewest_instances(
    ctx: Context, groups: Sequence[Sequence[str]], by_label: Mapping[str, Tab]
) -> tuple[Context, Split]:
    """The smallest instance count whose estimated full load fits the window. It starts at the count the lower
    bound needs (total work over the window) and adds instances until the estimate fits, or until more instances
    stop helping (the largest unit on one stream sets the pace): then the best count found, with its warning."""
    per_instance_cap = ctx.task_cap
    need = ctx.total_work / (ctx.rates.instance * ctx.window_s) if ctx.window_s else 1.0
    n = max(1, min(MAX_REPLICATION_INSTANCES, math.ceil(need - 1e-9)))
    best: tuple[Context, Split] | None = None
    while True:
        trial = replace(ctx, instances=n, task_cap=per_instance_cap * n)
        split = _split_and_place(trial, groups, by_label)
        if best is None or split[2].makespan < best[1][2].makespan * 0.99:
            best = (trial, split)
        elif n > best[0].instances + 1:
            break  # two more instances gained nothing: the largest unit, not capacity, sets the pace
        fits = minutes(split[2].makespan) <= ctx.window_s
        if ctx.preloaded or fits or n >= MAX_REPLICATION_INSTANCES:
            if fits:
                best = (trial, split)
            break
        n += 1
    return best


def _planned_tasks(ctx: Context, drafts: Sequence[Draft], est: Estimate) -> tuple[PlannedTask, ...]:
    """Drafts -> the public PlannedTask records, with sorted tables and settings so the output is stable; cdc
    tasks keep the full subtask count since they load nothing."""
    return tuple(
        PlannedTask(
            name=d.name,
            tables=tuple(sorted(t.key for t in d.tabs)),
            bytes=sum(t.bytes for t in d.tabs),
            estimated_seconds=minutes(est.task_seconds[i]),
            parallel_load=dict(sorted(d.parallel.items())),
            max_full_load_subtasks=d.streams if not ctx.preloaded else ctx.rates.max_streams,
            reason="; ".join(d.notes),
            instance=d.instance,
        )
        for i, d in enumerate(drafts)
    )


def _assumptions(ctx: Context) -> dict[str, float]:
    """The rates the plan used, in the units a user sets them in, so a saved plan records its inputs."""
    r = ctx.rates
    return {
        "full_load_mb_per_s_per_stream": r.stream / MB,
        "instance_full_load_mb_per_s": r.instance / MB,
        "max_streams": float(r.max_streams),
        "lob_penalty": r.lob_penalty,
        "cdc_apply_mb_per_s": r.cdc_apply / MB,
        "change_rate_mb_per_s": round(r.change / MB, 3),
        "vcpu": float(ctx.vcpu),
    }
