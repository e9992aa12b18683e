"""Notices about a stack as a whole, printed once: the plan's freshness, what an inventory would add, the
recommended class against the LOB buffers, over-long Oracle names and idle instances."""

from __future__ import annotations

from typing import Sequence

from migration.config import Stack
from migration.inventory.model import Inventory
from migration.notices import Notice, info, note, warning
from migration.planning import naming
from migration.planning.basis import Basis
from migration.planning.memory import MemoryFitError, TaskLobs, fit_lob_buffers
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
    """The stack's notices after the tasks are built, in the order they print."""
    cfg = basis.config
    out: list[Notice] = []
    if basis.inventory is None:
        out.append(info("no-inventory", naming.NO_INVENTORY_NOTE))
        if cfg.migration.has_cdc and cfg.source.settings.reader == "logminer":
            out.append(warning("logminer-lob-updates-unknown", LOGMINER_LOB_NOTE_WITHOUT_INVENTORY))
    out += lob_notices
    if basis.plan is not None:
        out += _recommendation_note(basis.plan.recommended_instance_class, rules)
    out += _long_names_note(rules)
    out += _idle_instances_note(basis, specs)
    out += _serverless_alarms_note(basis)
    return out


def _serverless_alarms_note(basis: Basis) -> list[Notice]:
    """The DMS guide names no CloudWatch dimension for DMS Serverless metrics (migration.dms.monitoring_settings
    .SERVERLESS_DIMENSIONS): the stack's latency alarms watch both candidates, and the DBA should see datapoints."""
    cfg = basis.config
    if cfg.capacity.mode != "serverless" or not cfg.monitoring.enabled or not cfg.migration.has_cdc:
        return []
    text = (
        "DMS Serverless CDC latency alarms: the DMS guide names no CloudWatch dimension for a replication's metrics, "
        "so each alarm takes the larger of the metric under ReplicationConfigIdentifier and ReplicationConfigArn; "
        "the dimension is unconfirmed: after the load starts, check that the alarms' graphs show datapoints"
    )
    return [note("serverless-alarm-dimension", text)]


def _recommendation_note(recommended: str, rules: dict[str, tuple[TableRules, int]]) -> list[Notice]:
    """The planner recommends a class from throughput alone; say so when that class cannot hold the LOB buffers."""
    demands = [TaskLobs(name, subtasks, tuple(r.lobs)) for name, (r, subtasks) in rules.items()]
    try:
        fit_lob_buffers(demands, recommended)
    except MemoryFitError as exc:
        return [
            note("recommended-class-lob-buffers", f"the recommended {recommended} is sized for throughput, but {exc}")
        ]
    return []


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
