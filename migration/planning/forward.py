"""The forward (Oracle -> PostgreSQL) tasks of a stack: from the planner's split, the explicit `migration.tasks`
list, or one task `main`; each with its table rules, mapping and settings."""

from __future__ import annotations

import zlib
from dataclasses import dataclass, replace
from typing import Any

from migration.config import ConfigError, Stack
from migration.dms import mappings
from migration.dms.limits import DEFAULT_FULL_LOAD_SUBTASKS
from migration.dms.positions import parse_oracle_start
from migration.notices import Notice
from migration.planning.basis import Basis
from migration.planning.lifecycle import phase_state
from migration.planning.lob_rules import with_lob_rules
from migration.planning.naming import postgres_schema
from migration.planning.planner import MigrationPlan
from migration.planning.settings import BatchApply, batch_apply, forward_settings, keyless_task
from migration.planning.spec import TaskSpec
from migration.planning.stack_inventory import selected_tables
from migration.planning.stack_notes import plan_notes, recommendation_fit, stack_notes
from migration.planning.table_rules import TableRules, table_rules


@dataclass(frozen=True)
class ForwardTasks:
    specs: list[TaskSpec]
    notices: list[Notice]  # about the stack as a whole (the split, LogMiner, names): printed once
    plan: MigrationPlan | None = None  # the plan, its recommended class checked against the LOB buffers


def forward_tasks(basis: Basis) -> ForwardTasks:
    """The forward tasks. With an inventory, unsupported columns, LOB modes and the names that are not plain upper
    case become rules of each task's mapping."""
    stack, inv, plan = basis.stack, basis.inventory, basis.plan
    rules: dict[str, tuple[TableRules, int]] = {}  # task name -> its table rules and MaxFullLoadSubTasks
    notices: list[Notice] = []
    if plan is not None and inv is not None:
        notices += plan_notes(stack, plan, inv)
        specs = _planned_tasks(basis, plan, rules)
    else:
        specs = _configured_tasks(basis, rules)
    specs, lob_notices = with_lob_rules(stack, specs, rules)
    notices += stack_notes(basis, specs, rules, lob_notices)
    fitted, fit_notices = recommendation_fit(basis, specs, rules)
    return ForwardTasks(specs, notices + fit_notices, fitted)


def _common(stack: Stack) -> dict[str, Any]:
    cfg = stack.config
    start = parse_oracle_start(cfg.migration.cdc_start_position)
    return dict(
        direction="forward",
        migration_type=cfg.migration.type,
        start=phase_state(cfg).forward_running,
        cdc_start_position=start.cdc_start_position,
        cdc_start_time=start.cdc_start_time,
    )


def forward_spec(stack: Stack, name: str, selection: list[mappings.Selection], **fields: Any) -> TaskSpec:
    """A forward TaskSpec whose mapping is built from its typed rules (`table_settings`, `removed_columns`, and
    `renames`, which only the mapping keeps)."""
    renames = fields.pop("renames", ())
    doc = forward_mapping(
        stack,
        selection=selection,
        table_settings=fields.get("table_settings", ()),
        removed_columns=fields.get("removed_columns", ()),
        renames=renames,
    )
    return TaskSpec(name=name, task_id=fields.pop("task_id"), mappings=doc, selection=tuple(selection), **fields)


def forward_mapping(stack: Stack, **kwargs: Any) -> dict[str, Any]:
    """A forward mapping document over the stack's schemas, with their renames (configured, or shortened)."""
    m = stack.config.migration
    folded = {s: postgres_schema(stack.config, s) for s in m.schemas if s not in m.schema_renames}
    renames = {**m.schema_renames, **{s: pg for s, pg in folded.items() if pg != s.lower()}}  # + shortened names
    try:
        return mappings.build_forward_mappings(m.schemas, schema_renames=renames, **kwargs)
    except mappings.MappingError as exc:
        raise ConfigError(f"{stack.project}:migration: {exc}", key="migration") from None


def _planned_tasks(basis: Basis, plan: MigrationPlan, all_rules: dict[str, tuple[TableRules, int]]) -> list[TaskSpec]:
    """One task per planned task, its exact tables selected by name, the largest loading first, on the instance
    the plan placed it on."""
    stack, inv = basis.stack, basis.inventory
    assert inv is not None
    common = _common(stack)
    notes: list[str] = []  # reasons of tasks left with no table print with the next task
    specs: list[TaskSpec] = []
    for pt in plan.tasks:
        rules = table_rules(stack, [inv.tables[k] for k in pt.tables], pt.parallel_load, basis.names)
        if not rules.tables:  # every table excluded (unsupported columns): no task to run
            notes.extend(rules.reasons)
            continue
        all_rules[pt.name] = (rules, pt.max_full_load_subtasks)
        batch = rules.batch = batch_apply(stack, rules.row_apply, _change_share(plan, pt.bytes))
        by_size = sorted(rules.tables, key=lambda t: (t.bytes, t.owner, t.name))
        order = {(t.owner, t.name): rank for rank, t in enumerate(by_size, start=1)} if len(by_size) > 1 else {}
        selection = mappings.forward_selections(
            stack.config.migration.schemas,
            explicit_tables=[(t.owner, t.name) for t in rules.tables],
            exclude=[f"{o}.{t}" for o, t in rules.excluded],
            load_order=order,
        )
        specs.append(
            forward_spec(
                stack,
                pt.name,
                selection,
                task_id=basis.ids.task_id(pt.name),
                table_settings=tuple(rules.settings),
                removed_columns=tuple(rules.removed),
                renames=rules.renames,
                settings=forward_settings(
                    stack,
                    pt.max_full_load_subtasks,
                    rules.lob_sizes_kb,
                    batch,
                    rules.character_keys,
                    resync_slot=len(specs),
                    keyless=keyless_task(rules.tables),
                ),
                reasons=tuple(notes + [f"{pt.name}: {pt.reason}"] + rules.reasons + _batch_reason(stack, batch)),
                instance=pt.instance,
                **common,
            )
        )
        notes = []
    if notes and specs:  # tasks at the end left with no table: their reasons go with the last task that runs
        specs[-1] = replace(specs[-1], reasons=(*specs[-1].reasons, *notes))
    return specs


def _configured_tasks(basis: Basis, all_rules: dict[str, tuple[TableRules, int]]) -> list[TaskSpec]:
    """The explicit `migration.tasks` (or one task `main`), selected by their include/exclude patterns; with
    several instances (capacity.instances N), spread over them in order, one after the other."""
    stack, inv = basis.stack, basis.inventory
    m = stack.config.migration
    common = _common(stack)
    groups = [(t.name, t.include, [*m.exclude, *t.exclude]) for t in m.tasks] or [("main", m.include, m.exclude)]
    specs: list[TaskSpec] = []
    for name, include, exclude in groups:
        rules = TableRules(tables=[])
        subtasks = DEFAULT_FULL_LOAD_SUBTASKS
        if inv is not None:
            rules = table_rules(stack, selected_tables(stack, inv, include, exclude), names=basis.names)
            exclude = [*exclude, *(f"{o}.{t}" for o, t in rules.excluded)]
            all_rules[name] = (rules, subtasks)
        selection = mappings.forward_selections(m.schemas, include=include, exclude=exclude)
        batch = rules.batch = (
            batch_apply(stack, rules.row_apply)
            if inv is not None
            else BatchApply(
                False, "changes applied one by one: without an inventory no table is checked for batch apply"
            )
        )
        specs.append(
            forward_spec(
                stack,
                name,
                selection,
                task_id=basis.ids.task_id(name),
                table_settings=tuple(rules.settings),
                removed_columns=tuple(rules.removed),
                renames=rules.renames,
                settings=forward_settings(
                    stack,
                    table_lob_sizes_kb=rules.lob_sizes_kb,
                    batch=batch,
                    character_keys=rules.character_keys,
                    resync_slot=len(specs),
                    keyless=keyless_task(rules.tables),
                ),
                reasons=tuple(rules.reasons + _batch_reason(stack, batch)),
                instance=configured_instance(basis, name),
                **common,
            )
        )
    return specs


def _change_share(plan: MigrationPlan, task_bytes: int) -> float | None:
    """A planned task's share of the source change rate (MB/s), by its share of the planned bytes."""
    total = sum(t.bytes for t in plan.tasks)
    rate = plan.assumptions.get("change_rate_mb_per_s")
    return rate * task_bytes / total if rate and total else None


def _batch_reason(stack: Stack, batch: BatchApply) -> list[str]:
    return [f"CDC: {batch.reason}"] if stack.config.migration.has_cdc else []


def configured_instance(basis: Basis, name: str) -> int:
    """A configured task's instance (0-based): the one it names, else one chosen from its name alone, so adding,
    removing or reordering tasks never moves another task."""
    count = max(1, basis.instance_count)
    pinned = next((t.instance for t in basis.config.migration.tasks if t.name == name), None)
    if pinned is not None:
        return pinned - 1
    return zlib.crc32(name.encode()) % count
