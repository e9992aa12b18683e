"""The plan as text for people: one row per task, then totals against the window, reasons and warnings."""

from __future__ import annotations

from migration.planning.planner.fmt import fmt_gb, fmt_time
from migration.planning.planner.model import MigrationPlan, PlannedTask


def render_plan_text(plan: MigrationPlan) -> str:
    """A readable summary: one row per task, then totals against the window, reasons and warnings."""
    several = plan.instances > 1
    inst = f"{'inst':>4} " if several else ""
    head = f"{'task':<28} {inst}{'tables':>6} {'GB':>9} {'subtasks':>8} {'finishes':>9}  parallel-load"
    title = _title(plan)
    lines = [title, head, "-" * len(head)]
    lines += [_task_row(plan, t) for t in plan.tasks]
    total = sum(t.bytes for t in plan.tasks)
    ntab = sum(len(t.tables) for t in plan.tasks)
    makespan = "-" if plan.migration_type == "cdc" else fmt_time(plan.estimated_makespan_seconds)
    lines.append(f"{'total':<28} {' ' * len(inst)}{ntab:>6} {fmt_gb(total):>9} {'':>8} {makespan:>9}")
    lines += _summary(plan)
    return "\n".join(lines) + "\n"


def _title(plan: MigrationPlan) -> str:
    """What the tasks run on, and what 'finishes' assumes about sharing it."""
    if plan.serverless:
        return (
            f"{plan.migration_type} on DMS Serverless, each replication on capacity of its own (sized as "
            f"{plan.instance_class or '?'}), window {plan.window_hours:g} h; 'finishes' is when each task ends alone"
        )
    several = plan.instances > 1
    where = f"{plan.instances} x {plan.instance_class}" if several else (plan.instance_class or "?")
    title = f"{plan.migration_type} on {where}, window {plan.window_hours:g} h; 'finishes' is when each task ends "
    return title + ("with the tasks of its instance sharing it" if several else "with every task sharing the instance")


def _recommended(plan: MigrationPlan) -> str:
    """The one recommendation: MaxCapacityUnits on DMS Serverless (no class, no storage to set), else the class
    and the storage need against the configured storage."""
    if plan.serverless:
        dcu = f"MaxCapacityUnits {plan.recommended_dcu} DCU" if plan.recommended_dcu else "capacity.maxDcu"
        return f"Recommended: {dcu} per replication config (capacity.maxDcu; DMS Serverless sizes its storage)"
    text = f"Recommended: {plan.recommended_instance_class}, {plan.recommended_storage_gb} GB storage"
    configured = []
    if plan.instance_class:
        same = "the same class" if plan.instance_class == plan.recommended_instance_class else plan.instance_class
        configured.append(same)
    if plan.configured_storage_gb is not None:
        enough = "enough" if plan.configured_storage_gb >= plan.recommended_storage_gb else "too little"
        configured.append(f"{plan.configured_storage_gb} GB, {enough}")
    if configured:
        text += f" (configured: {'; '.join(configured)})"
    return text


def _task_row(plan: MigrationPlan, t: PlannedTask) -> str:
    pl = (
        ", ".join(
            f"ranges:{len(v['boundaries']) + 1}" if v["type"] == "ranges" else v["type"]
            for v in t.parallel_load.values()
        )
        or "-"
    )
    est = "-" if plan.migration_type == "cdc" else fmt_time(t.estimated_seconds)
    where = f"{t.instance + 1:>4} " if plan.instances > 1 else ""
    return f"{t.name:<28} {where}{len(t.tables):>6} {fmt_gb(t.bytes):>9} {t.max_full_load_subtasks:>8} {est:>9}  {pl}"


def _summary(plan: MigrationPlan) -> list[str]:
    """The verdict, the recommendation, the reasons (the plan's, then each task's) and the warnings."""
    lines = []
    if plan.migration_type == "cdc":
        lines.append("No full load (target pre-loaded): CDC only.")
    else:
        verdict = "fits" if plan.fits_window else "does not fit"
        lines.append(
            f"Full load: {fmt_time(plan.estimated_makespan_seconds)} estimated (lower bound "
            f"{fmt_time(plan.lower_bound_seconds)}) vs window {plan.window_hours:g} h: {verdict}"
        )
    if plan.catch_up_seconds is not None:
        lines.append(f"CDC catch-up after full load: {fmt_time(plan.catch_up_seconds)}")
    lines.append(_recommended(plan))
    lines.append("Reasons:")
    lines += [f"  - {r}" for r in plan.reasons]
    lines += [f"  - {t.name}: {t.reason}" for t in plan.tasks if t.reason]
    if plan.warnings:
        # The "!" marker already says warning: each shows its text, not the WARNING-prefixed `line`.
        lines.append("Warnings:")
        lines += [f"  ! {w.text}" for w in plan.warnings]
    return lines
