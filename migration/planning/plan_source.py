"""Where a stack's task split comes from when `sizing.mode` is auto: the frozen plan file (`sizing.planFile`), or
the planner run on the selected inventory tables; and the replication instance count that follows."""

from __future__ import annotations

import json
from pathlib import Path

from migration.config import RESERVED_TASK_NAMES, TASK_NAME_RE, ConfigError, Stack, StackConfig
from migration.dms.limits import MAX_FULL_LOAD_SUBTASKS
from migration.inventory.model import Inventory
from migration.planning.planner import MigrationPlan, PlannerError, Throughput, plan_migration
from migration.planning.stack_inventory import selected_tables

# The planner is a library with Python argument names; errors name the stack-file key instead.
PLANNER_KEYS = {
    "key_ranges": "sizing.keyRanges",
    "groups": "sizing.groups",
}


def work_out_plan(stack: Stack, inv: Inventory | None) -> MigrationPlan | None:
    """The planner's split of the inventory into tasks, when `sizing.mode` is auto (frozen by `sizing.planFile`)."""
    cfg = stack.config
    if cfg.sizing.mode != "auto" or inv is None:
        return None
    if cfg.sizing.plan_file:
        return frozen_plan(stack, inv, cfg.sizing.plan_file)
    tables = selected_tables(stack, inv, cfg.migration.include, cfg.migration.exclude)
    throughput = Throughput.model_validate(cfg.sizing.throughput) if cfg.sizing.throughput else None
    try:
        return plan_migration(
            tables,
            window_hours=float(cfg.sizing.window_hours or 0),
            instance_class=cfg.replication_instance.instance_class,
            throughput=throughput,
            preloaded=cfg.sizing.preloaded,
            groups=cfg.sizing.groups,
            key_ranges={k: (v[0], v[1]) for k, v in cfg.sizing.key_ranges.items()} or None,
            max_tables_per_task=cfg.sizing.max_tables_per_task,
            instances=_planned_instances(cfg),
        )
    except PlannerError as exc:
        raise _planner_config_error(stack, exc) from None


def _planner_config_error(stack: Stack, exc: PlannerError) -> ConfigError:
    """The planner's error under the stack-file key of the argument it names (`exc.field`)."""
    key = PLANNER_KEYS.get(exc.field or "")
    if key is None:
        return ConfigError(f"{stack.project}:sizing: {exc}", key="sizing")
    return ConfigError(f"{stack.project}:{key}{exc.detail}", key=key)


def _planned_instances(cfg: StackConfig) -> int | None:
    """The instance count the planner plans for: the configured one, None for `auto` (it chooses); serverless
    capacity is sized in DCU from a one-instance plan."""
    cap = cfg.capacity
    if cap.mode == "serverless":
        return 1
    return None if cap.instances == "auto" else int(cap.instances)


def instance_count(cfg: StackConfig, plan: MigrationPlan | None) -> int:
    """Replication instances the stack runs: 0 on DMS Serverless, the planner's count with `auto`."""
    cap = cfg.capacity
    if cap.mode == "serverless":
        return 0
    if cap.instances == "auto":
        return plan.instances if plan is not None else 1
    return int(cap.instances)


def frozen_plan(stack: Stack, inv: Inventory, path_text: str) -> MigrationPlan:
    """The plan file a stack froze its split in, checked against the inventory and the instance count."""
    path = Path(stack.root) / path_text
    key = "sizing.planFile"
    where = f"{stack.project}:{key}"
    try:
        plan = MigrationPlan.from_dict(json.loads(path.read_text(encoding="utf-8")))
    except OSError:
        raise ConfigError(f"{where}: cannot read {path}", key=key) from None
    except (ValueError, KeyError, TypeError, AttributeError) as exc:
        raise ConfigError(
            f"{where}: {path} is not a migration-plan.json written by `plan` ({exc!s:.80})", key=key
        ) from None
    if not plan.tasks:
        raise ConfigError(f"{where}: {path} lists no task", key=key)
    _check_frozen_tasks(stack, inv, plan, where)
    return plan


def _check_frozen_tasks(stack: Stack, inv: Inventory, plan: MigrationPlan, where: str) -> None:
    key = "sizing.planFile"
    seen: set[str] = set()
    for task in plan.tasks:
        if not isinstance(task.name, str) or not TASK_NAME_RE.match(task.name) or task.name in RESERVED_TASK_NAMES:
            raise ConfigError(
                f"{where}: task name {task.name!r} must be lower-case letters, digits and single hyphens, and not "
                f"{' or '.join(RESERVED_TASK_NAMES)}",
                key=key,
            )
        if task.name in seen:
            raise ConfigError(f"{where}: task {task.name} is listed twice", key=key)
        seen.add(task.name)
        if not 1 <= task.max_full_load_subtasks <= MAX_FULL_LOAD_SUBTASKS:
            raise ConfigError(
                f"{where}: task {task.name}: max_full_load_subtasks must be 1..{MAX_FULL_LOAD_SUBTASKS} (DMS limit)",
                key=key,
            )
        count = 1 if stack.config.capacity.mode == "serverless" else stack.config.capacity.instances_or(plan.instances)
        if not 0 <= task.instance < max(1, count):
            raise ConfigError(
                f"{where}: task {task.name} is placed on instance {task.instance + 1}, but the stack runs {count} "
                "(capacity.instances); keep the count the plan was made for, or re-plan (a move stops the task)",
                key=key,
            )
        for table in task.tables:
            if table not in inv.tables:
                raise ConfigError(
                    f"{where}: task {task.name} names {table[0]}.{table[1]}, which the inventory lacks", key=key
                )
