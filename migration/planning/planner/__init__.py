"""Incremental loading planner: splits an Oracle inventory into DMS tasks and estimates the full load.

Pure logic (no Pulumi). The public API is re-exported here; the modules, in the order a plan is made:
- model: the plan records (MigrationPlan, PlannedTask), PlannerError and what the planner reads from a table;
- batch: which tables DMS can apply in batches, and the batch memory planned from the change rate;
- rates: the throughput defaults per instance family and the rates one plan runs on;
- records: the working records of one run (tables with their work, bundles, task drafts, the shared context);
- checks: the input checks the stack config does not already make;
- split (with parallel): tables into bundles and task drafts, big tables cut into parallel-load segments;
- placement: drafts onto replication instances;
- simulate: the makespan model (its module doc) that estimates the full load;
- decide: migration type, recommended class, storage;
- explain and render: the reasons and warnings, and the plan as text;
- plan: plan_migration, which runs the steps in that order.
"""

from migration.config import Throughput
from migration.planning.planner.batch import (
    DEFAULT_BATCH_APPLY_MEMORY_MB,
    batch_apply_blocker,
    batch_apply_memory_mb,
)
from migration.planning.planner.model import (
    PLAN_FILE_WARNING,
    ColumnLike,
    MigrationPlan,
    PlannedTask,
    PlannerError,
    TableLike,
)
from migration.planning.planner.plan import plan_migration, single_task_makespan_seconds
from migration.planning.planner.rates import FAMILY_RATES, GB, MB, default_throughput
from migration.planning.planner.render import render_plan_text

__all__ = [
    "DEFAULT_BATCH_APPLY_MEMORY_MB",
    "batch_apply_blocker",
    "batch_apply_memory_mb",
    "FAMILY_RATES",
    "GB",
    "MB",
    "PLAN_FILE_WARNING",
    "ColumnLike",
    "MigrationPlan",
    "PlannedTask",
    "PlannerError",
    "TableLike",
    "Throughput",
    "default_throughput",
    "plan_migration",
    "render_plan_text",
    "single_task_makespan_seconds",
]
