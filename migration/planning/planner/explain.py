"""The plan's explanations: the reasons behind its figures and the warnings about individual tables."""

from __future__ import annotations

from collections.abc import Sequence

from migration.notices import Notice, warning
from migration.planning.planner.fmt import fmt_time, names
from migration.planning.planner.rates import DEFAULT_DAILY_CHANGE_FRACTION, GB, MB
from migration.planning.planner.records import BIG_TABLE_BYTES, KINDS, Context, Draft, Estimate, Tab, minutes
from migration.planning.planner.simulate import single_task


def throughput_reasons(ctx: Context) -> list[str]:
    """The opening reasons: the rates every figure rests on, and the assumed change rate if none was given, so
    a reader sees first that the plan is only as good as these guesses."""
    r = ctx.rates
    reasons = [
        (
            f"Throughput on {ctx.instance_class}: {r.stream / MB:g} MB/s per stream, {r.instance / MB:g} MB/s per "
            f"instance, {r.max_streams} subtasks per task, LOB tables x{r.lob_penalty:g}, CDC apply "
            f"{r.cdc_apply / MB:g} MB/s (applied one by one: tasks in batch apply should catch up faster, so the "
            f"catch-up estimate is an upper bound for them). These are planning assumptions: AWS publishes no "
            f"fixed rows/s per instance figure, so replace them with a pilot-load measurement"
        )
    ]
    if r.change_assumed:
        reasons.append(
            f"Source change rate assumed at {DEFAULT_DAILY_CHANGE_FRACTION:.0%} of the migrated bytes per day "
            f"({r.change / MB:.2g} MB/s); measure archived redo per hour in V$ARCHIVED_LOG and set "
            f"change_rate_mb_per_s"
        )
    return reasons


def instances_reason(ctx: Context, est: Estimate, *, chosen: bool) -> str:
    """One account of the instance count that agrees with the window check: "fits" only when the estimate does."""
    fits = minutes(est.makespan) <= ctx.window_s
    if not chosen:
        how = "as configured"
    elif fits:
        how = "the fewest whose estimated full load fits the window"
    else:
        how = "the count past which more instances stop shortening the estimate; it still does not fit the window"
    return (
        f"{ctx.instances} replication instance(s) of {ctx.instance_class} ({how}): the split plans for their "
        f"combined {ctx.capacity / MB:.0f} MB/s, tasks are placed largest first on the least-loaded instance (at "
        f"most {ctx.task_cap // ctx.instances} each); estimated {fmt_time(minutes(est.makespan))} against a lower "
        f"bound of {fmt_time(minutes(est.lower))}"
    )


def redo_readers_reason(ctx: Context, drafts: Sequence[Draft], mtype: str) -> list[str]:
    """Every CDC task reads the source's redo on its own: N tasks are N LogMiner (or Binary Reader) sessions."""
    if mtype == "full-load" or len(drafts) < 2:
        return []
    return [
        f"CDC source load: {len(drafts)} CDC tasks are {len(drafts)} redo readers on the source, each mining the "
        "same redo; fewer, larger tasks lighten the source (sizing.groups, sizing.maxTablesPerTask), more tasks apply "
        "changes in parallel"
    ]


def split_reason(ctx: Context, drafts: Sequence[Draft], est: Estimate) -> str:
    """Why the tables are split the way they are, with the gain over one task holding every table."""
    if ctx.preloaded:
        return (
            f"{len(drafts)} cdc tasks split by table count (<= {ctx.max_tables} tables each), balanced by "
            f"bytes as a stand-in for change volume"
        )
    single = single_task([t.work for t in ctx.tabs], ctx.rates)
    split = ", ".join(
        f"{sum(d.kind == k for d in drafts)} {k}" for k in ("big", *KINDS) if any(d.kind == k for d in drafts)
    )
    return (
        f"{len(drafts)} tasks ({split}): tables of {BIG_TABLE_BYTES // GB} GB or more, or too big for one "
        f"stream, in their own task with parallel load; LOB and key-less tables, and those batch apply cannot take, apart; the rest balanced by "
        f"bytes (largest first onto the least-loaded task, <= {ctx.max_tables} tables per task). Estimated "
        f"{fmt_time(est.rounded)} against {fmt_time(minutes(single))} for one task holding every "
        f"table; set load-order so the largest tables start first, as the estimate assumes"
    )


def table_warnings(ctx: Context, demoted: Sequence[Tab], drafts: Sequence[Draft]) -> list[Notice]:
    """Warnings about individual tables: key-less tables (CDC and validation can't handle them fully), key-less
    LOB tables (their LOB changes are lost) and big tables demoted to shared tasks by the task limit."""
    warnings = []
    nokey = [t for t in ctx.tabs if not t.keyed]
    if nokey:
        # a key-less table shares a task with keyed tables only when its own task holds one (a big key-less table
        # alone in its big task shares nothing)
        mixed = {t.label for d in drafts if any(x.keyed for x in d.tabs) for t in d.tabs if not t.keyed}
        sharing = [t for t in nokey if t.label in mixed]
        where = (
            f"{names(sharing)} share tasks with keyed tables (big tables or groups)"
            if sharing
            else "no task mixes them with keyed tables"
        )
        text = (
            f"{len(nokey)} table(s) without primary or unique key ({names(nokey)}): DMS applies their UPDATE/DELETE "
            f"by matching every column (slow; full supplemental logging on them), never in batches, and validation "
            f"skips them; {where} - add a key or accept a reload at cutover"
        )
        warnings.append(warning("tables-without-key", text))
    lob_nokey = [t for t in nokey if t.lob]
    if lob_nokey:
        text = (
            f"LOB table(s) without a key ({names(lob_nokey)}): DMS moves LOB columns only for keyed tables, in "
            f"full load and CDC; inventory.unsupportedColumns decides (remove the column, exclude the table, or fail)"
        )
        warnings.append(warning("lob-tables-without-key", text))
    if demoted:
        text = (
            f"{len(demoted)} large table(s) ({names(demoted)}) share tasks without parallel load because of the "
            f"{ctx.task_cap}-task limit"
        )
        warnings.append(warning("big-tables-share-tasks", text))
    return warnings
