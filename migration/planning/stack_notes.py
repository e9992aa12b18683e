"""Notices about a stack as a whole, printed once: the plan's freshness, what an inventory would add, the
recommended class against the LOB buffers (one recommendation for the plan), over-long Oracle names and idle instances."""

from __future__ import annotations

from dataclasses import replace
from typing import Sequence

from migration.config import Stack
from migration.dms.limits import INSTANCE_CLASSES
from migration.inventory.model import Inventory
from migration.notices import Notice, info, note, warning
from migration.planning import naming
from migration.planning.basis import Basis
from migration.planning.capacity import GB_PER_DCU
from migration.planning.memory import (
    GIB,
    LOB_MEMORY_SHARE,
    MIN_COMMIT_RATE,
    MemoryFitError,
    TaskLobs,
    fit_lob_buffers,
    serverless_dcu_holding,
    smallest_class_with,
)
from migration.planning.planner import MigrationPlan
from migration.planning.spec import TaskSpec
from migration.planning.stack_inventory import selected_tables
from migration.planning.table_rules import TableRules

ORACLE_NAME_LIMIT = 30  # bytes: "AWS DMS does not support long object names (over 30 bytes)" (Oracle source limits)
LOGMINER_LOB_NOTE_WITHOUT_INVENTORY = (
    "with LogMiner, DMS does not replicate UPDATEs that change only LOB columns (Oracle source "
    "limitations); without an inventory the stack cannot tell which tables have LOBs: add one, or use "
    "source.settings.reader: binary-reader"
)


def plan_notes(stack: Stack, plan: MigrationPlan, inv: Inventory) -> list[Notice]:
    """Warnings about the plan as a whole."""
    cfg, m = stack.config, stack.config.migration
    notes = []
    if not cfg.sizing.plan_file:
        notes.append(
            warning(
                "plan-not-frozen",
                "the task split is re-planned on every run; before the first pulumi up copy "
                f"plan/{stack.stack}/migration-plan.json next to the stack file and set sizing.planFile, or a "
                "later change could move a table between running tasks",
            )
        )
    planned = {t for pt in plan.tasks for t in pt.tables}
    unplanned = selected_tables(stack, inv, m.include, m.exclude) if cfg.sizing.plan_file else []
    for t in unplanned:  # a fresh plan covers every selected table by construction
        if (t.owner, t.name) not in planned:
            notes.append(
                warning(
                    "table-not-in-frozen-plan",
                    f"{t.owner}.{t.name} is not in the frozen plan (sizing.planFile): it is not "
                    "migrated; add it to a task there",
                )
            )
    if plan.migration_type != m.type:
        notes.append(
            warning(
                "planner-migration-type",
                f"the planner recommends migration.type {plan.migration_type}, the stack says {m.type}",
            )
        )
    return notes


def stack_notes(
    basis: Basis, specs: Sequence[TaskSpec], rules: dict[str, tuple[TableRules, int]], lob_notices: list[Notice]
) -> list[Notice]:
    """The stack's notices after the tasks are built, in the order they print (the recommended class against the
    LOB buffers is `recommendation_fit`'s)."""
    cfg = basis.config
    out: list[Notice] = []
    if basis.inventory is None:
        out.append(info("no-inventory", naming.NO_INVENTORY_NOTE))
        if cfg.migration.has_cdc and cfg.source.settings.reader == "logminer":
            out.append(warning("logminer-lob-updates-unknown", LOGMINER_LOB_NOTE_WITHOUT_INVENTORY))
    out += lob_notices
    out += _long_names_note(rules)
    out += _idle_instances_note(basis, specs)
    out += _serverless_alarms_note(basis)
    return out


def _serverless_alarms_note(basis: Basis) -> list[Notice]:
    """The DMS guide names no CloudWatch dimension for DMS Serverless metrics (migration.dms.monitoring_settings
    .SERVERLESS_DIMENSIONS): the stack's latency alarms watch both candidates, and the DBA should see datapoints."""
    cfg = basis.config
    if cfg.capacity.mode != "serverless" or not cfg.monitoring.enabled:
        return []
    text = (
        "DMS Serverless alarms (CDC latency, changes spilled to disk, validation failures, CapacityUtilization): the "
        "DMS guide names no CloudWatch dimension for a replication's metrics (nor a capacity metric), so each alarm "
        "takes the larger of the metric under ReplicationConfigIdentifier and ReplicationConfigArn; the dimension is "
        "unconfirmed: after the load starts, check that the alarms' graphs show datapoints"
    )
    return [note("serverless-alarm-dimension", text)]


def recommendation_fit(
    basis: Basis, specs: Sequence[TaskSpec], rules: dict[str, tuple[TableRules, int]]
) -> tuple[MigrationPlan | None, list[Notice]]:
    """One recommended class, consistent with every check. The planner sizes it for throughput; when it cannot
    hold the tasks' LOB buffers (`fit_lob_buffers`, per instance as the tasks are placed), a fresh plan recommends
    the smallest class at least as big that can, and says why (or says plainly that none can). A frozen plan
    (`sizing.planFile`) never changes class silently: one WARNING names the file and the class that would fit."""
    plan = basis.plan
    if plan is None:
        return plan, []
    if plan.serverless:
        return _serverless_fit(basis, plan, specs, rules)
    demands = _lob_demands(specs, rules)
    rec = plan.recommended_instance_class
    problem = _memory_problem(demands, rec)
    if problem is None:
        return plan, []
    fitting = next((c for c in _bigger_classes(rec) if _memory_problem(demands, c) is None), None)
    frozen = basis.config.sizing.plan_file
    if frozen:
        fix = f"{fitting} would hold them" if fitting else "no DMS class holds them"
        text = (
            f"the frozen plan {frozen} recommends {rec}, which cannot hold the LOB buffers ({problem}); {fix}. The "
            "plan file keeps its class: change recommended_instance_class there (or re-plan) to take it"
        )
        return plan, [warning("frozen-plan-class-lob-buffers", text)]
    if fitting is None:
        text = f"no DMS class from {rec} up holds the LOB buffers: {problem}"
        return replace(plan, warnings=(*plan.warnings, warning("no-class-holds-lob-buffers", text))), []
    why = f"instance: {fitting} rather than {rec} (enough for throughput): at {rec} {problem}"
    return replace(plan, recommended_instance_class=fitting, reasons=(*plan.reasons, why)), []


def _serverless_fit(
    basis: Basis, plan: MigrationPlan, specs: Sequence[TaskSpec], rules: dict[str, tuple[TableRules, int]]
) -> tuple[MigrationPlan, list[Notice]]:
    """DMS Serverless: one MaxCapacityUnits that holds every replication's LOB buffers too (each config has
    capacity of its own, so each LOB task is fitted alone, as lob_rules fits it against capacity.maxDcu), and the
    class the plan names as each replication's size agreeing with it. Sized for throughput alone, the plan would
    recommend less than the LOB check asks capacity.maxDcu for. A frozen plan keeps its value, with a WARNING."""
    needs = [
        (serverless_dcu_holding([TaskLobs(spec.name, subtasks, tuple(r.lobs))]), spec.name)
        for spec in specs
        if spec.name in rules
        for r, subtasks in [rules[spec.name]]
    ]
    need, task = max(((d, t) for d, t in needs if d is not None), default=(0, ""))
    rec = plan.recommended_dcu
    if rec is None or need <= rec:
        return plan, []
    why = (
        f"the LOB buffers of replication {task} need {need} DCU ({LOB_MEMORY_SHARE:.0%} of its memory at CommitRate "
        f"{MIN_COMMIT_RATE} or more; DMS guide: Setting LOB support)"
    )
    frozen = basis.config.sizing.plan_file
    if frozen:
        text = (
            f"the frozen plan {frozen} recommends MaxCapacityUnits {rec} DCU, but {why}; change recommended_dcu there"
        )
        return plan, [warning("frozen-plan-dcu-lob-buffers", text)]
    sized = smallest_class_with(need * GB_PER_DCU * GIB, prefer_family=plan.recommended_instance_class.split(".")[1])
    reason = f"capacity: MaxCapacityUnits {need} DCU rather than {rec} (enough for throughput): {why}"
    return replace(
        plan,
        recommended_dcu=need,
        recommended_instance_class=sized or plan.recommended_instance_class,
        reasons=(*plan.reasons, reason),
    ), []


def _lob_demands(specs: Sequence[TaskSpec], rules: dict[str, tuple[TableRules, int]]) -> list[list[TaskLobs]]:
    """The LOB tasks' demands, grouped by the instance each runs on (all of them share its memory)."""
    by_instance: dict[int, list[TaskLobs]] = {}
    for spec in specs:
        if spec.name in rules:
            r, subtasks = rules[spec.name]
            by_instance.setdefault(spec.instance, []).append(TaskLobs(spec.name, subtasks, tuple(r.lobs)))
    return list(by_instance.values())


def _memory_problem(demands: Sequence[Sequence[TaskLobs]], instance_class: str) -> str | None:
    """Why `instance_class` cannot hold the LOB buffers of some instance's tasks, or None when it holds them all."""
    for tasks in demands:
        try:
            fit_lob_buffers(tasks, instance_class)
        except MemoryFitError as exc:
            return str(exc)
    return None


def _bigger_classes(instance_class: str) -> list[str]:
    """Classes with at least the vCPUs (throughput) and more memory than `instance_class`, smallest first: its own
    family first, then any other."""
    vcpu, gib = INSTANCE_CLASSES[instance_class]
    family = instance_class.split(".")[1]
    bigger = [c for c, (v, g) in INSTANCE_CLASSES.items() if v >= vcpu and g > gib]
    bigger.sort(key=lambda c: (c.split(".")[1] != family, INSTANCE_CLASSES[c][1], INSTANCE_CLASSES[c][0]))
    return bigger


def _long_names_note(rules: dict[str, tuple[TableRules, int]]) -> list[Notice]:
    """Tables and columns whose Oracle names DMS does not support (premigration assessment
    oracle-check-object-30-bytes-limit): said once, so the load is tested on them before anyone relies on it."""
    removed = {(r.schema, r.table, r.column) for rs, _ in rules.values() for r in rs.removed}
    long = sorted(
        {
            f"{t.owner}.{t.name}" + ("" if col is None else f".{col}")
            for rs, _ in rules.values()
            for t in rs.tables
            for col in [None, *(c.name for c in t.columns if (t.owner, t.name, c.name) not in removed)]
            if len((t.name if col is None else col).encode()) > ORACLE_NAME_LIMIT
        }
    )
    if not long:
        return []
    shown = ", ".join(long[:5]) + (f" and {len(long) - 5} more" if len(long) > 5 else "")
    return [
        warning(
            "oracle-names-over-30-bytes",
            f"{len(long)} Oracle name(s) over {ORACLE_NAME_LIMIT} bytes ({shown}): the DMS guide lists long "
            "object names as unsupported for Oracle sources; run the premigration assessment "
            "(oracle-check-object-30-bytes-limit) and test-load these tables, or exclude/rename them",
        )
    ]


def _idle_instances_note(basis: Basis, specs: Sequence[TaskSpec]) -> list[Notice]:
    """An instance with no task costs money and watches nothing: say which."""
    ids = basis.ids.instance_ids(basis.instance_count)
    used = {s.instance for s in specs}
    idle = [instance_id for i, instance_id in enumerate(ids) if i not in used]
    if not idle or len(ids) < 2:
        return []
    return [
        warning(
            "idle-instances",
            f"replication instance(s) {', '.join(idle)} run no task (capacity.instances {len(ids)}; a frozen "
            "plan keeps its placement): lower the count or pin tasks there (migration.tasks[].instance)",
        )
    ]
