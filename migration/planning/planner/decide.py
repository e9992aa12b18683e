"""The plan's decisions: migration type (with the CDC catch-up), the recommended class and the storage.

Each decision appends its reason (and any warning) so the plan explains itself."""

from __future__ import annotations

import math

from migration.dms.limits import INSTANCE_CLASSES, MAX_FULL_LOAD_SUBTASKS, MAX_STORAGE_GB
from migration.notices import Notice, warning
from migration.planning.capacity import dcu_for_memory
from migration.planning.planner.fmt import fmt_gb, fmt_time
from migration.planning.planner.rates import GB, MB, Rates, rates_for
from migration.planning.planner.records import MIN_SPLIT_BYTES, Context, Estimate, minutes

BASE_STORAGE_GB = 50  # DMS default allocated storage: task logs, sorter and swap files
CDC_LAG_HOURS = 4  # cdc-only plans keep this many hours of backlog if the target stalls
WINDOW_MARGIN = 0.8  # a full load using more than this share of the window gets a warning


def choose_migration_type(
    ctx: Context, est: Estimate, reasons: list[str], warnings: list[Notice]
) -> tuple[str, bool, float | None]:
    """cdc for a pre-loaded target, full-load when the rounded estimate fits the window, else full-load-and-cdc;
    returns (migration type, fits window, CDC catch-up seconds or None) and explains the choice."""
    window_s = ctx.window_s
    catch_up: float | None = None
    if ctx.preloaded:
        mtype, fits = "cdc", True
        reasons.append(
            "cdc: the target is pre-loaded (e.g. Data Pump export at FLASHBACK_SCN), so every task only applies "
            "changes, started at that SCN via CdcStartPosition; no full load is estimated"
        )
    elif est.rounded <= window_s:
        mtype, fits = "full-load", True
        reasons.append(
            f"full-load: the estimated full load ({fmt_time(est.rounded)}) fits the {ctx.window_hours:g} h "
            f"window, so writes can stop for the load and no CDC is needed"
        )
        if est.rounded > WINDOW_MARGIN * window_s:
            text = (
                f"the full load estimate ({fmt_time(est.rounded)}) uses more than {WINDOW_MARGIN:.0%} of the "
                f"{ctx.window_hours:g} h window; confirm with a pilot load or plan full-load-and-cdc"
            )
            warnings.append(warning("full-load-near-window", text))
    else:
        mtype, fits = "full-load-and-cdc", False
        catch_up, tail = catch_up_seconds(ctx.rates, est.makespan, warnings)
        reasons.append(
            f"full-load-and-cdc: the estimated full load ({fmt_time(est.rounded)}) exceeds the "
            f"{ctx.window_hours:g} h window; {tail}"
        )
    if not ctx.preloaded and est.lower > window_s:
        # the lower bound is below the rounded estimate, so this is a full-load-and-cdc plan: it already relies on
        # CDC, a fact of the choice rather than a warning (the offline hint says from which class a load would fit)
        reasons.append(
            f"even the lower bound ({fmt_time(minutes(est.lower))}) exceeds the {ctx.window_hours:g} h window on "
            f"{ctx.instance_class}: no task split makes an offline full load fit there, hence CDC"
        )
    return mtype, fits, catch_up


def catch_up_seconds(r: Rates, makespan: float, warnings: list[Notice]) -> tuple[float, str]:
    """Seconds CDC needs to apply the changes cached during a full load of `makespan` seconds (inf if apply is
    not faster than the change rate, with a warning), and the sentence that ends the full-load-and-cdc reason."""
    backlog = r.change * makespan
    if r.cdc_apply > r.change:
        catch_up = backlog / (r.cdc_apply - r.change)
        return catch_up, (
            f"CDC then applies the ~{fmt_gb(backlog)} GB of changes cached during the load in about "
            f"{fmt_time(minutes(catch_up))}, and downtime is only the final cutover"
        )
    text = (
        f"CDC apply ({r.cdc_apply / MB:g} MB/s) is not faster than the change rate ({r.change / MB:.2g} "
        f"MB/s): replication never catches up; use a larger class or fewer tables per instance"
    )
    warnings.append(warning("cdc-never-catches-up", text))
    return math.inf, "CDC cannot catch up at the assumed rates"


def finest_unit(ctx: Context) -> float:
    """The largest unit of work under the finest split any class could plan.

    The recommendation may pick another class, whose plan would split big tables differently: judge it on the
    finest split possible (49 segments for tables that can be parallel-loaded)."""
    return max(
        t.work / MAX_FULL_LOAD_SUBTASKS
        if t.bytes >= MIN_SPLIT_BYTES and (t.src.partitioned or t.label in ctx.ranges)
        else t.work
        for t in ctx.tabs
    )


def _by_size(prefix: str) -> list[str]:
    return sorted((c for c in INSTANCE_CLASSES if c.startswith(prefix)), key=lambda c: INSTANCE_CLASSES[c])


def _full_load_fits(ctx: Context, cls: str, largest: float) -> bool:
    """The full-load lower bound on `cls` fits the window (the caller's rates rescaled to that class)."""
    rc = rates_for(cls, ctx.throughput, ctx.total_bytes, scale_from=ctx.instance_class)
    return max(largest / rc.stream, ctx.total_work / rc.instance) <= ctx.window_s


def recommend(ctx: Context, mtype: str, largest: float, reasons: list[str], warnings: list[Notice]) -> str:
    """Smallest class of the suggested family that meets the plan's need; rates for other classes keep the
    caller's per-stream figures and scale instance-wide overrides by vCPU.

    With full-load-and-cdc the full load and its catch-up are estimated on the configured class and already
    overrun the window (its warning says "a larger class"): a smaller class would only lengthen them, so the
    recommendation is never smaller than the configured class there, and one line agrees with every check."""
    family = ctx.instance_class.split(".")[1]
    gen = "5" if family in ("c5", "r5") else "6i"
    kind = "r" if any(t.lob for t in ctx.tabs) or mtype != "full-load" else "c"
    fam = f"dms.{kind}{gen}."
    candidates = _by_size(fam)
    floor = INSTANCE_CLASSES[ctx.instance_class][0] if mtype == "full-load-and-cdc" else 0

    def applies(c: str) -> bool:
        rc = rates_for(c, ctx.throughput, ctx.total_bytes, scale_from=ctx.instance_class)
        return rc.cdc_apply >= 2 * rc.change

    def ok(c: str) -> bool:
        if mtype == "full-load":
            return _full_load_fits(ctx, c, largest)
        return applies(c) and INSTANCE_CLASSES[c][0] >= floor

    rec = next((c for c in candidates if ok(c)), candidates[-1])
    _explain_class(ctx, mtype, kind, rec, ok(rec), next((c for c in candidates if applies(c)), None), reasons)
    if not ok(rec) and mtype != "full-load":
        text = (
            f"no {fam}* class gives CDC apply twice the change rate; split the tables across "
            f"several replication instances"
        )
        warnings.append(warning("no-class-applies-cdc-fast-enough", text))
    if mtype == "full-load-and-cdc":
        offline = next((c for c in _by_size(f"dms.c{gen}.") if _full_load_fits(ctx, c, largest)), None)
        if offline is not None:
            reasons.append(f"an offline full load would fit the window from {offline} upwards (lower bound)")
    return rec


def _explain_class(
    ctx: Context, mtype: str, kind: str, rec: str, met: bool, cdc_only: str | None, reasons: list[str]
) -> None:
    """The reason for the recommended class, naming the configured class when it is the floor."""
    need = (
        "its full-load lower bound fits the window"
        if mtype == "full-load"
        else "CDC apply is at least twice the change rate"
    )
    why_family = (
        "r (memory) family for LOB tables and CDC"
        if kind == "r"
        else "c (compute) family for a CPU-bound full load without LOBs"
    )
    if not met:
        reasons.append(f"instance: {rec}, the largest class of the {why_family}; none meets the need ({need})")
        return
    text = f"instance: {rec} is the smallest class of the {why_family} where {need}"
    if mtype == "full-load-and-cdc" and cdc_only is not None and cdc_only != rec:
        text += (
            f", and no smaller than the configured {ctx.instance_class}: the full load and catch-up above are "
            f"estimated on it (CDC alone would be met from {cdc_only}, but a smaller class lengthens the load)"
        )
    reasons.append(text)


def recommend_dcu(ctx: Context, rec: str, reasons: list[str]) -> int:
    """DMS Serverless: the MaxCapacityUnits each replication config needs, from the memory of the class the plan
    sized each replication as (at least the configured one, whose rates the estimates use): one DCU is 2 GB
    (migration.planning.capacity)."""
    sized = max(rec, ctx.instance_class, key=lambda c: INSTANCE_CLASSES[c][1])
    dcu = dcu_for_memory(INSTANCE_CLASSES[sized][1])
    reasons.append(
        f"capacity: each DMS Serverless replication config scales on its own up to its MaxCapacityUnits (no task "
        f"shares it with another); the estimates take each at the size of {sized} "
        f"({INSTANCE_CLASSES[sized][1]} GiB), i.e. MaxCapacityUnits {dcu} DCU per replication (capacity.maxDcu)"
    )
    return dcu


def storage(
    ctx: Context, mtype: str, makespan: float, catch_up: float | None, reasons: list[str], warnings: list[Notice]
) -> int:
    """storage = 50 GB (logs, sorter, swap) + 2 x CDC backlog, rounded up to 10 GB, where the backlog is the
    changes cached during full load and catch-up (full-load-and-cdc) or CDC_LAG_HOURS of changes (cdc); the
    factor 2 keeps the DMS 90%-used low-storage event away while swap files grow. The reason weighs it against
    the storage the stack configures; DMS Serverless manages its own storage (0: nothing to recommend)."""
    if ctx.serverless:
        reasons.append("storage: DMS Serverless provisions its own storage; nothing to configure")
        return 0
    r = ctx.rates
    if mtype == "full-load":
        backlog = 0.0
        what = "no CDC backlog"
    elif mtype == "cdc":
        backlog = r.change * CDC_LAG_HOURS * 3600
        what = f"{CDC_LAG_HOURS} h of changes in case the target stalls"
    else:
        span = makespan + (catch_up if catch_up is not None and math.isfinite(catch_up) else makespan)
        backlog = r.change * span
        what = "changes cached during full load and catch-up"
    gb = math.ceil((BASE_STORAGE_GB + 2 * backlog / GB) / 10) * 10
    if gb > MAX_STORAGE_GB:
        text = f"storage need {gb} GB exceeds the {MAX_STORAGE_GB} GB maximum; split the migration"
        warnings.append(warning("storage-over-maximum", text))
        gb = MAX_STORAGE_GB
    text = (
        f"storage: {gb} GB = {BASE_STORAGE_GB} GB base + 2 x {fmt_gb(backlog)} GB backlog ({what}), rounded up to 10 GB"
    )
    if ctx.storage_gb is not None:
        covers = "covers it" if ctx.storage_gb >= gb else "is less: raise replicationInstance.allocatedStorage"
        text += f"; the configured {ctx.storage_gb} GB {covers}"
        if ctx.storage_gb < gb:
            warnings.append(
                warning(
                    "storage-below-need",
                    f"replicationInstance.allocatedStorage {ctx.storage_gb} GB is below the {gb} GB the plan needs "
                    "(changes cached during the load spill to storage)",
                )
            )
    reasons.append(text)
    return gb
