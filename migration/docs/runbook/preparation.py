"""The runbook before the outage: its header, section 0 (prerequisites and the first `up` with the tasks stopped),
section 1 (pre-checks while the forward tasks run) and the reverse path's readiness."""

from __future__ import annotations

from migration.docs.runbook.context import RunbookContext
from migration.docs.runbook.drain import (
    lob_first_pass_step,
    validation_failures_step,
)
from migration.docs.runbook.markdown import Doc
from migration.docs.runbook.objects import (
    before_load_step,
    default_partition_step,
)

_NEXT_SECTION = {"replicate": 1, "cutover": 5, "fallback": 8, "complete": 9}


_MAX_TASKS_IN_HEADER = 20


def _where_tasks_run(ctx: RunbookContext) -> str:
    if ctx.serverless_dcu is not None:
        low, high = ctx.serverless_dcu
        return f"DMS Serverless ({low}-{high} DCU; no replication instance)"
    if len(ctx.instances) == 1:
        return f"replication instance `{ctx.instance_id}`"
    return f"{len(ctx.instances)} replication instances ({', '.join(f'`{i}`' for i in ctx.instances)})"


def header_section(ctx: RunbookContext, d: Doc) -> None:
    """Title and facts: whoever opens the runbook mid-migration sees which stack, tasks and phase it describes, and
    the section to continue at, before running anything."""
    rev = ctx.reverse_task_id
    fwd = ctx.forward_task_ids
    listed = ", ".join(f"`{t}`" for t in fwd[:_MAX_TASKS_IN_HEADER])
    if len(fwd) > _MAX_TASKS_IN_HEADER:
        listed += f" and {len(fwd) - _MAX_TASKS_IN_HEADER} more (all {len(fwd)} in `FORWARD_TASKS`, Shell helpers)"
    d.add(
        f"# Cutover runbook: {ctx.project} / stack {ctx.stack}",
        "",
        f"- Region `{ctx.region}`, {_where_tasks_run(ctx)}, migration type `{ctx.migration_type}`",
        f"- Source: {ctx.source_description}",
        f"- Target: {ctx.target_description}",
        f"- Forward tasks (Oracle -> PostgreSQL): {listed}",
        f"- Reverse task (PostgreSQL -> Oracle): `{rev}`"
        if rev
        else "- Reverse task: none - this stack has no fallback path to Oracle",
        f"- Current phase: **{ctx.phase}** - continue at section {_NEXT_SECTION[ctx.phase]}. "
        "Phase order: replicate -> cutover -> fallback -> complete.",
        "",
        "Shell variables: `PG_URL` = libpq URL of the target database as its master user, `ORA` = SQL*Plus "
        "connect string of the Oracle master user. Keep passwords out of this file.",
        "",
    )


def prerequisites_section(ctx: RunbookContext, d: Doc) -> None:
    """Section 0: DMS cannot read or write until the DBAs have run the stack's SQL prerequisites; points at the
    `prereqs` command instead of repeating the SQL, so there is one source for it."""
    d.add(
        "## 0. Prerequisites",
        "",
        "Print this stack's SQL prerequisites and have a DBA run each script as the "
        "master user of its database (replace `<password>`):",
        "",
    )
    d.code("sh", f"python -m migration prereqs --stack {ctx.stack}")
    d.add(
        "Oracle source: supplemental logging, archive log retention, DMS user. PostgreSQL target: DMS role, "
        "schema privileges. Pre-create the PostgreSQL schema (SCT) without FKs/triggers firing during the load."
        + (
            " Reverse path: PostgreSQL source (create the slot at step 5, not now) and the Oracle target user."
            if ctx.reverse_task_id
            else ""
        ),
        "",
    )
    before_load_step(ctx, d)
    _before_the_load(ctx, d)


def _before_the_load(ctx: RunbookContext, d: Doc) -> None:
    """Section 0, last: DMS's own checks before any row moves: every endpoint reachable from where the tasks run,
    and the premigration assessment the DMS guide recommends (appendix). DMS Serverless has no instance to test
    from (the TestConnection API takes one): its replication tests the endpoints when it starts."""
    if ctx.serverless:
        d.add(
            "Before the load starts: run the premigration assessment (appendix) and fix every failed check. DMS "
            "Serverless has no replication instance for `test-connections` to test from: the replication tests "
            "its endpoints when it starts, and a failed test shows in `status` as the replication's failure "
            "message.",
            "",
        )
        d.code("sh", d.live("assess", "--start-serverless"))
        return
    d.add(
        "Before the load starts (first `pulumi up` with `migration.startTask: false`): test every endpoint from "
        "where the tasks run (exit 0 only when all succeed; each failure prints DMS's message), then run the "
        "premigration assessment (appendix) and fix every failed check:",
        "",
    )
    d.code("sh", d.live("test-connections"), d.live("assess"))


def pre_checks_section(ctx: RunbookContext, d: Doc) -> None:
    """Section 1: cutting over is only safe when the forward tasks are healthy and caught up (CDC latency near
    zero) or, for a full load, complete; this is the go/no-go check before any freeze. Row counts wait for the
    freeze (step 3): counted while applications write, they differ for no reason or match by chance."""
    d.add("## 1. Pre-checks (phase replicate)", "")
    d.add(
        "Watch the load (redraws every 30 s with progress bars, ETA against the plan, CDC latency from CloudWatch; "
        "Ctrl-C stops it):",
        "",
    )
    d.code("sh", d.live("status", "--watch", "30"))
    d.add("Draw the planned load next to the actual, beside the plan documents:", "")
    d.code("sh", d.live("status", "--chart"))
    d.add(
        "Table states"
        + (
            " and validation (every table `Validated`, 0 failed, 0 pending):"
            if ctx.validation_enabled
            else " (validation is off: rely on the row counts in step 3):"
        ),
        "",
    )
    d.code("sh", d.live("status", "--tables"))
    if ctx.cdc:
        d.add(
            "Go/no-go: every forward task running in CDC with its full load complete, no table errored or "
            "suspended, validation pending and failed 0, CDC latency under the stack's alarm thresholds for the "
            "whole window. Exit 0 means go; 1 lists every reason:",
            "",
        )
        d.code("sh", d.live("status", "--ready-for", "cutover"))
    else:
        d.add(
            "Full load only: expect `stopped` with the full load at 100% (there is no CDC latency to watch). "
            "Row counts come in step 3, once step 2 has confirmed that nothing writes to Oracle: counted while "
            "applications write, tables differ for no reason (or match by chance).",
            "",
        )
    if ctx.cdc:
        default_partition_step(ctx, d)
    if ctx.validation_enabled:
        validation_failures_step(ctx, d)
    lob_first_pass_step(ctx, d)


def reverse_path_check_section(ctx: RunbookContext, d: Doc) -> None:
    """Section 1, last: the reverse endpoints exist from the first `pulumi up` (migration.planning.lifecycle), so
    their connections are tested here, days before the outage, not during it; the results DMS keeps are what
    `--ready-for fallback` reads after the cutover."""
    if not ctx.reverse_task_id or ctx.serverless:
        return
    d.add(
        "Fallback path, before the outage: the reverse endpoints (PostgreSQL source, Oracle target) exist since the "
        "first `pulumi up`. Test them from every instance now (and again after any change to a password, security "
        "group or certificate), so a fault is fixed while Oracle still takes the writes; `status --ready-for "
        "fallback` reads these results after the cutover. The reverse task itself comes at step 4:",
        "",
    )
    d.code("sh", d.live("test-connections"))
