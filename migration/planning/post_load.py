"""What the schema objects DMS does not move mean for the tasks: the pause after the full load when there is a
post-load part to build (indexes, foreign keys, checks), its estimated build time, and the exports a stack left out.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Mapping, Sequence

from migration.config import Stack
from migration.inventory.ddl_scope import after_load_unique_keys
from migration.inventory.model import Inventory
from migration.inventory.objects import OBJECT_FILES, SchemaObjects
from migration.notices import Notice, note, warning
from migration.planning.planner import MigrationPlan
from migration.planning.selection import Pair
from migration.planning.settings import paused_after_full_load
from migration.planning.spec import TaskSpec

# An assumption, not a measurement: each index build and each foreign key / check validation reads its table once
# (PostgreSQL builds a B-tree by scanning and sorting). Rehearse the after-load part on a restored copy and use
# what it took; this figure only puts an order of magnitude beside the window.
POST_LOAD_SCAN_MB_PER_S = 100.0


def post_load_work(objects: SchemaObjects | None, inv: Inventory | None, tables: set[Pair]) -> list[Pair]:
    """The table of every object the after-load part builds on `tables`, once per object: indexes, foreign keys
    and checks from the object exports, and from the inventory the unique keys the load does not need (NOT NULL
    on LOB columns comes back at cutover, not here)."""
    if objects is None or inv is None:
        return []
    work = [pair for pair in objects.post_load_tables() if pair in tables]
    for pair in sorted(tables):
        table = inv.tables[pair]
        work += [pair] * len(after_load_unique_keys(table))
    return work


def tables_with_post_load(objects: SchemaObjects | None, inv: Inventory | None, tables: set[Pair]) -> set[Pair]:
    """The tables among `tables` with something to build after the full load."""
    return set(post_load_work(objects, inv, tables))


def with_pause(
    stack: Stack,
    objects: SchemaObjects | None,
    inv: Inventory | None,
    moved: Mapping[Pair, str],
    specs: Sequence[TaskSpec],
) -> list[TaskSpec]:
    """Forward full-load-and-cdc tasks that move a table with a post-load part stop after the full load, before
    the cached changes (unless the stack's `inventory.pauseBeforeCachedChanges` is false). Only with object
    exports: a stack on an older export keeps its task settings as they were deployed."""
    cfg = stack.config.inventory
    if objects is None or cfg is None or not cfg.pause_before_cached_changes or objects.missing == OBJECT_FILES:
        return list(specs)
    waiting = {moved[p] for p in tables_with_post_load(objects, inv, set(moved))}
    return [
        dataclasses.replace(s, settings=paused_after_full_load(s.settings))
        if s.name in waiting and s.migration_type == "full-load-and-cdc"
        else s
        for s in specs
    ]


def paused(spec: TaskSpec) -> bool:
    """Whether the task stops after its full load, before applying the cached changes."""
    return bool(spec.settings.get("FullLoadSettings", {}).get("StopTaskCachedChangesNotApplied"))


def post_load_hours(objects: SchemaObjects | None, inv: Inventory | None, tables: set[Pair]) -> float:
    """Estimated hours to build the post-load part on `tables`: one read of the table per object."""
    if inv is None:
        return 0.0
    total = sum(inv.tables[pair].bytes for pair in post_load_work(objects, inv, tables))
    return total / (1024 * 1024) / POST_LOAD_SCAN_MB_PER_S / 3600


def missing_exports_notice(objects: SchemaObjects | None) -> list[Notice]:
    """One note naming the object exports an older inventory lacks: what `inventory ddl` cannot build."""
    if objects is None or not objects.missing:
        return []
    names = ", ".join(f"{m}.csv" for m in objects.missing)
    return [
        note(
            "inventory-objects-missing",
            f"inventory: no {names} export: the DDL parts cannot create what they hold (re-run "
            "migration/sql/oracle_inventory.sql and name the files under oracle2pg:inventory)",
        )
    ]


def post_load_notice(
    stack: Stack, objects: SchemaObjects | None, inv: Inventory | None, specs: Sequence[TaskSpec], moved: set[Pair]
) -> list[Notice]:
    """One note for the plan: how much the after-load part builds, its estimated time beside the window, and
    whether the forward tasks pause for it."""
    work = post_load_work(objects, inv, moved)
    if objects is None or not work:
        return []
    hours = post_load_hours(objects, inv, moved)
    window = stack.config.sizing.window_hours
    beside = f" (window {window:g} h)" if window else ""
    waiting = [s.name for s in specs if paused(s)]
    when = (
        f"task(s) {', '.join(waiting)} stop after the full load, before the cached changes, for "
        "`inventory ddl --part after-load`; resume them with start-replication-task resume-processing"
        if waiting
        else "no task pauses for it: apply `inventory ddl --part after-load` at cutover, inside the window"
    )
    return [
        note(
            "post-load-build",
            f"after-load DDL: {len(work)} indexes, unique keys, foreign keys and checks on {len(set(work))} "
            f"table(s), estimated {hours:.1f} h at {POST_LOAD_SCAN_MB_PER_S:g} MB/s per table read{beside}; {when}",
        )
    ]


def pause_retention_notice(
    stack: Stack,
    plan: MigrationPlan | None,
    objects: SchemaObjects | None,
    inv: Inventory | None,
    specs: Sequence[TaskSpec],
    moved: set[Pair],
) -> list[Notice]:
    """A warning when the first paused task stays stopped longer than Oracle keeps archived logs: it waits for the
    longest full load of the paused tasks (the plan's estimates), then the after-load build, reading no redo
    meanwhile; its resume-processing starts from where it stopped, so it needs those logs, and a log deleted means
    reloading. The retention is the stack's source.settings.archiveLogRetentionHours, which the prerequisites SQL
    sets (DMS User Guide, "Configuring an AWS-managed Oracle source": archivelog retention hours)."""
    waiting = [s.name for s in specs if paused(s)]
    if not waiting:
        return []
    loads = {pt.name: pt.estimated_seconds for pt in plan.tasks} if plan is not None else {}
    known = sorted(((loads[n], n) for n in waiting if n in loads), key=lambda e: e[0])
    wait_h = (known[-1][0] - known[0][0]) / 3600 if known else 0.0
    build_h = post_load_hours(objects, inv, moved)
    retention = stack.config.source.settings.archive_log_retention_hours
    if wait_h + build_h <= retention:
        return []
    first = known[0][1] if known else waiting[0]
    waits = f"waits ~{wait_h:.1f} h for {known[-1][1]}'s full load, then " if wait_h else "waits for "
    return [
        warning(
            "pause-longer-than-log-retention",
            f"task {first} stops after its full load and reads no redo for ~{wait_h + build_h:.1f} h (it "
            f"{waits}the after-load build, ~{build_h:.1f} h at {POST_LOAD_SCAN_MB_PER_S:g} MB/s per table read), "
            f"longer than the {retention} h Oracle keeps archived logs (source.settings.archiveLogRetentionHours): "
            "its resume would need logs Oracle deleted, and its tables would have to be reloaded. Raise "
            f"archiveLogRetentionHours above {math.ceil(wait_h + build_h)} h plus the catch-up for the load (the "
            "archive destination must hold that much redo), or set inventory.pauseBeforeCachedChanges: false "
            "(the after-load part then runs at cutover, inside the window)",
        )
    ]


def reverse_identity_notice(stack: Stack, objects: SchemaObjects | None, moved: set[Pair]) -> list[Notice]:
    """With the fallback path: the Oracle identity columns GENERATED ALWAYS that the reverse task would write refuse
    its key values (ORA-32795) until they are BY DEFAULT, which the runbook does before starting it (step 8)."""
    if objects is None or not stack.config.reverse.enabled:
        return []
    always = [f"{i.owner}.{i.table}.{i.column}" for i in objects.identities if i.always and (i.owner, i.table) in moved]
    if not always:
        return []
    return [
        note(
            "reverse-identity-always",
            f"fallback: Oracle identity column(s) {', '.join(always)} are GENERATED ALWAYS and would refuse the "
            "reverse task's inserts: the runbook makes them BY DEFAULT before the reverse task starts (step 8) and "
            "restores them at take-back",
        )
    ]
