"""What each DMS task of a stack is: id, type, table mappings and settings, derived from the validated config.

Pure logic shared by the Pulumi pipeline (which turns specs into resources) and the offline tools (plan,
runbook), so the documents a user previews are the documents `pulumi up` sends. Problems in the derived
documents surface as `ConfigError` lines before any resource is registered.
"""

from __future__ import annotations

import json
import re
import zlib
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Collection, Literal, Sequence

from migration.config import (
    RESERVED_TASK_NAMES,
    TASK_NAME_RE,
    ConfigError,
    Stack,
    StackConfig,
    did_you_mean,
    read_ca_bundle,
)
from migration.dms import mappings, task_settings
from migration.dms.identifiers import StackNames
from migration.dms.limits import DEFAULT_FULL_LOAD_SUBTASKS, DEFAULT_LOB_CHUNK_KB
from migration.dms.positions import parse_oracle_start, parse_postgres_start
from migration.inventory.load import load_inventory
from migration.inventory.lobs import choose_lob_mode
from migration.inventory.model import Inventory, InventoryError, Table
from migration.inventory.names import NameMap
from migration.inventory.typemap import oracle_to_postgres
from migration.planning import naming
from migration.planning.capacity import serverless_dcu
from migration.planning.lifecycle import phase_state
from migration.planning.memory import LobTable, MemoryFitError, TaskLobs, fit_lob_buffers
from migration.planning.naming import postgres_schema
from migration.planning.planner import MigrationPlan, PlannerError, Throughput, plan_migration
from migration.planning.selection import Pair, matches, selected

DEFAULT_LOB_KB = 64
KEYLESS_LOB_NOTE = "DMS moves LOB columns only for tables with a primary or unique key, in full load too"
# Task settings the config owns because guards depend on them: an override must not slip past a guard.
GUARDED_SETTINGS = (
    ("FullLoadSettings", "TargetTablePrepMode", "migration.targetTablePrepMode"),
    ("LoopbackPreventionSettings", "*", "reverse.loopbackPrevention"),
    ("ValidationSettings", "ValidationOnly", "migration.validationOnlyTask"),
    ("TargetMetadata", "BatchApplyEnabled", "batch apply is off: it breaks loopback prevention and full LOB mode"),
    ("ErrorBehavior", "*", "migration.strictErrors"),
    ("TargetMetadata", "SupportLobs", "switching LOB support off drops every LOB column from the tasks"),
)
OVERRIDE_RANGES = {("FullLoadSettings", "MaxFullLoadSubTasks"): (1, 49), ("FullLoadSettings", "CommitRate"): (1, 50000)}


def _check_overrides(key: str, built: dict[str, Any], overrides: dict[str, Any]) -> None:
    """Each overridden field must be one the document has, with the same type and within DMS's range: a typo or
    a string where DMS wants a boolean would otherwise reach AWS unchecked."""
    for section, fields in overrides.items():
        base = built.get(section)
        if not isinstance(base, dict) or not isinstance(fields, dict):
            continue  # whole sections (or unknown ones) are judged by merge_overrides
        for name, value in fields.items():
            if f"{section}.{name}" in task_settings.READ_ONLY_FIELDS:
                continue  # merge_overrides says why it is refused
            if name not in base:
                known = ", ".join(sorted(base))
                raise ConfigError(
                    f"{key}.{section}.{name}: not a field of {section} (names are case-sensitive): {known}"
                )
            want = type(base[name])
            if base[name] is not None and (type(value) is not want and not (want is float and type(value) is int)):
                raise ConfigError(f"{key}.{section}.{name}: expected {want.__name__}, got {value!r}")
            bounds = OVERRIDE_RANGES.get((section, name))
            if bounds and not bounds[0] <= value <= bounds[1]:
                raise ConfigError(f"{key}.{section}.{name}: must be {bounds[0]}..{bounds[1]}, got {value}")


@dataclass(frozen=True)
class TaskSpec:
    name: str  # logical name, part of the Pulumi resource name and of the task id
    task_id: str  # DMS replication task identifier
    direction: Literal["forward", "reverse"]
    migration_type: str
    mappings: dict[str, Any]
    settings: dict[str, Any]
    start: bool
    cdc_start_position: str | None = None
    cdc_start_time: str | None = None
    reasons: tuple[str, ...] = field(default_factory=tuple)
    # Notes about the stack as a whole (the split, LogMiner, names), carried by the first forward task only so
    # they print once, apart from the task's own reasons.
    stack_notes: tuple[str, ...] = field(default_factory=tuple)
    instance: int = 0  # the replication instance it runs on, when the stack has several

    @property
    def mappings_json(self) -> str:
        return mappings.render_json(self.mappings)

    @property
    def settings_json(self) -> str:
        return task_settings.render_json(self.settings)


def _loopback(cfg: StackConfig, direction: str) -> task_settings.Loopback | None:
    """Loopback prevention marks one schema pair on both tasks (mirrored), here the first migrated schema."""
    if not (cfg.reverse.enabled and cfg.reverse.loopback_prevention):
        return None
    ora = cfg.migration.schemas[0]
    pg = postgres_schema(cfg, ora)
    if direction == "forward":
        return task_settings.Loopback(source_schema=ora, target_schema=pg)
    return task_settings.Loopback(source_schema=pg, target_schema=ora)


def _settings(key: str, project: str, **options: Any) -> dict[str, Any]:
    try:
        return task_settings.build_task_settings(task_settings.TaskSettingsOptions(**options))
    except (task_settings.TaskSettingsError, ValueError) as exc:
        raise ConfigError(f"{project}:{key}: {str(exc).splitlines()[0]}") from None


def forward_settings(
    stack: Stack, max_full_load_subtasks: int = 8, table_lob_sizes_kb: tuple[int, ...] = (), **buffers: Any
) -> dict[str, Any]:
    """A forward task's settings; `table_lob_sizes_kb` are its tables' LOB sizes (validation compares that much),
    `buffers` the CommitRate and StreamBufferSizeInMB that keep its LOB buffers in memory (migration.planning.memory)."""
    cfg = stack.config
    m = cfg.migration
    doc = _settings(
        "migration",
        stack.project,
        migration_type=m.type,
        target_engine="postgresql",
        target_table_prep_mode=m.target_table_prep_mode,
        lob_mode="limited",
        lob_max_size_kb=DEFAULT_LOB_KB,
        validation=m.validation,
        loopback=_loopback(cfg, "forward"),
        max_full_load_subtasks=max_full_load_subtasks,
        strict_errors=m.strict_errors,
        table_lob_sizes_kb=table_lob_sizes_kb,
        **buffers,
    )
    if not m.task_settings_overrides:
        return doc
    for section, field_name, owner in GUARDED_SETTINGS:
        value = m.task_settings_overrides.get(section)
        if isinstance(value, dict) and (field_name in value or field_name == "*"):
            raise ConfigError(
                f"{stack.project}:migration.taskSettingsOverrides.{section}"
                + ("" if field_name == "*" else f".{field_name}")
                + f": set by the stack and guarded ({owner}); overrides cannot change it"
            )
    _check_overrides(f"{stack.project}:migration.taskSettingsOverrides", doc, m.task_settings_overrides)
    try:
        return task_settings.merge_overrides(doc, m.task_settings_overrides)
    except (task_settings.TaskSettingsError, ValueError) as exc:
        raise ConfigError(f"{stack.project}:migration.taskSettingsOverrides: {exc}") from None


# ------------------------------------------------------------------------------------------------- inventory

_INVENTORY_CACHE: dict[tuple[str, ...], Inventory] = {}


def stack_inventory(stack: Stack) -> Inventory | None:
    """The stack's Oracle inventory (read once per process), or None when the stack has none configured."""
    inv_cfg = stack.config.inventory
    if inv_cfg is None:
        return None
    root = Path(stack.root)
    paths = {
        k: (root / v if v else None)
        for k, v in (
            ("columns", inv_cfg.columns),
            ("tables", inv_cfg.tables),
            ("lobs", inv_cfg.lobs),
            ("keys", inv_cfg.keys),
        )
    }
    key = tuple(str(p) for p in paths.values())
    if key not in _INVENTORY_CACHE:
        for name, path in paths.items():
            if path is not None and not path.is_file():
                raise ConfigError(f"{stack.project}:inventory.{name}: file not found: {path}")
        try:
            _INVENTORY_CACHE[key] = load_inventory(
                root / inv_cfg.columns, root / inv_cfg.tables, paths["lobs"], paths["keys"]
            )
        except InventoryError as exc:
            raise ConfigError(f"{stack.project}:inventory: {exc}") from None
    return _INVENTORY_CACHE[key]


def selected_tables(stack: Stack, inv: Inventory, include: Sequence[str], exclude: Sequence[str]) -> list[Table]:
    schemas = set(stack.config.migration.schemas)
    return [
        t
        for t in inv.tables.values()
        if t.owner in schemas and matches(include, t.owner, t.name) and not matches(exclude, t.owner, t.name)
    ]


@dataclass
class _TableRules:
    tables: list[Table]
    excluded: list[tuple[str, str]] = field(default_factory=list)
    removed: list[mappings.ColumnRemoval] = field(default_factory=list)
    settings: list[mappings.TableSettings] = field(default_factory=list)
    renames: list[mappings.Rename] = field(default_factory=list)
    reasons: list[str] = field(default_factory=list)
    lobs: list[LobTable] = field(default_factory=list)  # LOB tables that keep their LOBs, for the memory fit

    @property
    def lob_sizes_kb(self) -> tuple[int, ...]:
        """bulk-max-size of each LOB table-settings rule (0: full LOB mode), for ValidationPartialLobSize."""
        return tuple(int(ts.lob.get("bulk-max-size", 0)) for ts in self.settings if ts.lob is not None)


def _table_rules(
    stack: Stack,
    tables: Sequence[Table],
    parallel: dict[tuple[str, str], dict] | None = None,
    names: NameMap | None = None,
) -> _TableRules:
    """Unsupported columns (per the explicit config choice), LOB mode and parallel load per table, and the rename
    rules of the tables' names that are not plain upper case."""
    out = _TableRules(tables=[])
    for t in tables:
        mapped = [(c, oracle_to_postgres(c, stack.config.source.settings.number_datatype_scale)) for c in t.columns]
        if not _unsupported_columns(stack, t, mapped, out):
            continue
        out.tables.append(t)
        _lob_and_parallel(stack, t, mapped, (parallel or {}).get((t.owner, t.name)), out)
    if names is not None:
        removed = {(r.schema, r.table, r.column) for r in out.removed}
        out.renames = naming.forward_renames(names, out.tables, removed)
        out.reasons += naming.names_note(names, [(t.owner, t.name) for t in out.tables], "Oracle -> PostgreSQL")
    return out


def _unsupported_columns(stack: Stack, t: Table, mapped: list[tuple[Any, Any]], out: _TableRules) -> bool:
    """Columns DMS cannot move, per the explicit config choice: stop, leave the table out (False) or remove the
    columns from the task."""
    assert stack.config.inventory is not None
    policy = stack.config.inventory.unsupported_columns
    bad = [(c, m.note) for c, m in mapped if not m.supported]
    if not t.has_key:  # "A table must have a primary key or a unique key for DMS to migrate LOBs" (assessment
        # table-with-lob-but-without-primary-key-or-unique-constraint): full load too, so never carried silently
        bad += [(c, KEYLESS_LOB_NOTE) for c, m in mapped if m.is_lob]
    if bad and policy == "fail":
        col, note = bad[0]
        raise ConfigError(
            f"{stack.project}:inventory.unsupportedColumns: {t.owner}.{t.name}.{col.name} "
            f"({col.data_type}) cannot be moved by DMS: {note}; choose remove-column or "
            "exclude-table"
        )
    if bad and policy == "exclude-table":
        out.excluded.append((t.owner, t.name))
        out.reasons.append(
            f"{t.owner}.{t.name}: excluded, unsupported column(s) "
            + ", ".join(f"{c.name} ({c.data_type})" for c, _ in bad)
        )
        return False
    for col, note in bad:
        out.removed.append(mappings.ColumnRemoval(t.owner, t.name, col.name))
        why = note if note == KEYLESS_LOB_NOTE else f"{col.data_type} is not moved by DMS"
        out.reasons.append(f"{t.owner}.{t.name}.{col.name}: removed from the task ({why})")
    return True


def _lob_and_parallel(
    stack: Stack, t: Table, mapped: list[tuple[Any, Any]], parallel: dict | None, out: _TableRules
) -> None:
    """A table-settings rule when the table has LOBs it keeps (mode and size from its measured LOBs) or loads in
    parallel; the kept LOBs also count for the task's LOB buffer memory."""
    removed = {r.column for r in out.removed if (r.schema, r.table) == (t.owner, t.name)}
    kept = [c for c, m in mapped if m.is_lob and c.name not in removed]
    lob = choose_lob_mode(t, default_limited_kb=DEFAULT_LOB_KB) if kept else None
    if lob is not None and lob.truncates:
        # LONG / LONG RAW / XMLTYPE rule out full LOB mode; a bigger LOB cannot move whole in limited mode, so
        # the task would stop at it (failTasksOnLobTruncation) or cut it.
        raise ConfigError(
            f"{stack.project}:inventory: {t.owner}.{t.name} cannot move whole: {lob.reason.split('; WARNING')[0]}; "
            "move the big LOBs to a table without LONG/XMLTYPE columns, remove those columns, or exclude the table"
        )
    if lob is not None:
        out.reasons.append(f"{t.owner}.{t.name}: LOB mode {lob.mode}: {lob.reason}")
        limit = lob.bulk_max_size_kb if lob.mode == "limited" else DEFAULT_LOB_CHUNK_KB
        out.lobs.append(LobTable(f"{t.owner}.{t.name}", limit, len(kept)))
    if lob is not None or parallel is not None:
        lob_doc = None if lob is None else {"mode": lob.mode, "bulk-max-size": str(lob.bulk_max_size_kb)}
        out.settings.append(mappings.TableSettings(t.owner, t.name, lob=lob_doc, parallel_load=parallel))


def _frozen_plan(stack: Stack, inv: Inventory, path_text: str) -> MigrationPlan:
    path = Path(stack.root) / path_text
    key = f"{stack.project}:sizing.planFile"
    try:
        plan = MigrationPlan.from_dict(json.loads(path.read_text(encoding="utf-8")))
    except OSError:
        raise ConfigError(f"{key}: cannot read {path}") from None
    except (ValueError, KeyError, TypeError, AttributeError) as exc:
        raise ConfigError(f"{key}: {path} is not a migration-plan.json written by `plan` ({exc!s:.80})") from None
    if not plan.tasks:
        raise ConfigError(f"{key}: {path} lists no task")
    seen: set[str] = set()
    for task in plan.tasks:
        if not isinstance(task.name, str) or not TASK_NAME_RE.match(task.name) or task.name in RESERVED_TASK_NAMES:
            raise ConfigError(
                f"{key}: task name {task.name!r} must be lower-case letters, digits and single hyphens, and not "
                f"{' or '.join(RESERVED_TASK_NAMES)}"
            )
        if task.name in seen:
            raise ConfigError(f"{key}: task {task.name} is listed twice")
        seen.add(task.name)
        if not 1 <= task.max_full_load_subtasks <= 49:
            raise ConfigError(f"{key}: task {task.name}: max_full_load_subtasks must be 1..49 (DMS limit)")
        count = 1 if stack.config.capacity.mode == "serverless" else stack.config.capacity.instances_or(plan.instances)
        if not 0 <= task.instance < max(1, count):
            raise ConfigError(
                f"{key}: task {task.name} is placed on instance {task.instance + 1}, but the stack runs {count} "
                "(capacity.instances); keep the count the plan was made for, or re-plan (a move stops the task)"
            )
        for table in task.tables:
            if table not in inv.tables:
                raise ConfigError(f"{key}: task {task.name} names {table[0]}.{table[1]}, which the inventory lacks")
    return plan


# The plans of the last few Stack objects, keyed by identity (a Stack is frozen; holding it keeps its id from
# being reused): one program run asks for the plan from the instance count, the task specs, the checks and the
# docs, and with `capacity.instances: auto` the planner (seconds on 100,000 tables) would otherwise run each time.
_PLAN_CACHE: dict[int, tuple[Stack, MigrationPlan | None]] = {}
_PLAN_CACHE_SIZE = 8


def migration_plan(stack: Stack) -> MigrationPlan | None:
    """The planner's split of the inventory into tasks, when `sizing.mode` is auto (frozen by `sizing.planFile`);
    worked out once per Stack object."""
    hit = _PLAN_CACHE.get(id(stack))
    if hit is not None and hit[0] is stack:
        return hit[1]
    plan = _work_out_plan(stack)
    if len(_PLAN_CACHE) >= _PLAN_CACHE_SIZE:
        del _PLAN_CACHE[next(iter(_PLAN_CACHE))]
    _PLAN_CACHE[id(stack)] = (stack, plan)
    return plan


def _work_out_plan(stack: Stack) -> MigrationPlan | None:
    cfg = stack.config
    inv = stack_inventory(stack)
    if cfg.sizing.mode != "auto" or inv is None:
        return None
    if cfg.sizing.plan_file:
        return _frozen_plan(stack, inv, cfg.sizing.plan_file)
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
        raise ConfigError(f"{stack.project}:{_planner_key(str(exc))}") from None


def _planned_instances(cfg: StackConfig) -> int | None:
    """The instance count the planner plans for: the configured one, None for `auto` (it chooses); serverless
    capacity is sized in DCU from a one-instance plan."""
    cap = cfg.capacity
    if cap.mode == "serverless":
        return 1
    return None if cap.instances == "auto" else int(cap.instances)


# The planner is a library with Python argument names; errors name the stack-file key instead.
_PLANNER_KEYS = {
    "key_ranges": "sizing.keyRanges",
    "groups": "sizing.groups",
    "window_hours": "sizing.windowHours",
    "max_tables_per_task": "sizing.maxTablesPerTask",
    "throughput": "sizing.throughput",
    "instances": "capacity.instances",
}


def _planner_key(message: str) -> str:
    match = re.match(r"(\w+)", message)
    key = _PLANNER_KEYS.get(match.group(1)) if match else None
    return f"{key}{message[len(match.group(1)) :]}" if key and match else f"sizing: {message}"


def _mapping(stack: Stack, **kwargs: Any) -> dict[str, Any]:
    m = stack.config.migration
    folded = {s: postgres_schema(stack.config, s) for s in m.schemas if s not in m.schema_renames}
    renames = {**m.schema_renames, **{s: pg for s, pg in folded.items() if pg != s.lower()}}  # + shortened names
    try:
        return mappings.build_forward_mappings(m.schemas, schema_renames=renames, **kwargs)
    except mappings.MappingError as exc:
        raise ConfigError(f"{stack.project}:migration: {exc}") from None


def forward_tasks(stack: Stack) -> list[TaskSpec]:
    """The forward (Oracle -> PostgreSQL) tasks: from the planner (`sizing.mode: auto`), else the explicit
    `migration.tasks` list, else one task `main`. With an inventory, unsupported columns, LOB modes and the names
    that are not plain upper case become rules of each task's mapping, and every include/exclude pattern must
    match a table of it."""
    cfg = stack.config
    start = parse_oracle_start(cfg.migration.cdc_start_position)
    common: dict[str, Any] = dict(
        direction="forward",
        migration_type=cfg.migration.type,
        start=phase_state(cfg).forward_running,
        cdc_start_position=start.cdc_start_position,
        cdc_start_time=start.cdc_start_time,
    )
    inv = stack_inventory(stack)
    if inv is not None:
        naming.check_patterns(stack, inv)
    plan = migration_plan(stack)
    rules: dict[str, tuple[_TableRules, int]] = {}  # task name -> its table rules and MaxFullLoadSubTasks
    notes: list[str] = []
    if plan is not None and inv is not None:
        notes += _plan_notes(stack, plan, inv)
        specs = _planned_tasks(stack, plan, inv, common, rules)
    else:
        specs = _configured_tasks(stack, inv, common, rules)
    if inv is None:
        notes.append(naming.NO_INVENTORY_NOTE)
        if cfg.migration.has_cdc and cfg.source.settings.reader == "logminer":
            notes.append(LOGMINER_LOB_NOTE_WITHOUT_INVENTORY)
    specs, lob_notes = _with_lob_rules(stack, specs, rules)
    if plan is not None:
        lob_notes += _recommendation_note(plan.recommended_instance_class, rules)
    lob_notes += _long_names_note(rules)
    lob_notes += _idle_instances_note(stack, specs)
    if specs:
        specs[0] = replace(specs[0], stack_notes=(*notes, *lob_notes))
    return specs


def _plan_notes(stack: Stack, plan: MigrationPlan, inv: Inventory) -> list[str]:
    """Warnings about the plan as a whole, printed with its first task."""
    cfg, m = stack.config, stack.config.migration
    notes = []
    if not cfg.sizing.plan_file:
        notes.append(
            "WARNING the task split is re-planned on every run; before the first pulumi up copy "
            f"plan/{stack.stack}/migration-plan.json next to the stack file and set sizing.planFile, or a later "
            "change could move a table between running tasks"
        )
    planned = {t for pt in plan.tasks for t in pt.tables}
    unplanned = selected_tables(stack, inv, m.include, m.exclude) if cfg.sizing.plan_file else []
    for t in unplanned:  # a fresh plan covers every selected table by construction
        if (t.owner, t.name) not in planned:
            notes.append(
                f"WARNING {t.owner}.{t.name} is not in the frozen plan (sizing.planFile): it is not "
                "migrated; add it to a task there"
            )
    if plan.migration_type != m.type:
        notes.append(f"WARNING the planner recommends migration.type {plan.migration_type}, the stack says {m.type}")
    return notes


def _planned_tasks(
    stack: Stack,
    plan: MigrationPlan,
    inv: Inventory,
    common: dict[str, Any],
    all_rules: dict[str, tuple[_TableRules, int]],
) -> list[TaskSpec]:
    """One task per planned task, its exact tables selected by name, the largest loading first, on the instance
    the plan placed it on."""
    ids = StackNames(stack.project, stack.stack)
    names = naming.stack_names(stack, inv)
    notes: list[str] = []  # reasons of tasks left with no table print with the next task
    specs = []
    for pt in plan.tasks:
        rules = _table_rules(stack, [inv.tables[k] for k in pt.tables], pt.parallel_load, names)
        if not rules.tables:  # every table excluded (unsupported columns): no task to run
            notes.extend(rules.reasons)
            continue
        all_rules[pt.name] = (rules, pt.max_full_load_subtasks)
        by_size = sorted(rules.tables, key=lambda t: (t.bytes, t.owner, t.name))
        order = {(t.owner, t.name): rank for rank, t in enumerate(by_size, start=1)} if len(by_size) > 1 else {}
        doc = _mapping(
            stack,
            explicit_tables=[(t.owner, t.name) for t in rules.tables],
            exclude=[f"{o}.{t}" for o, t in rules.excluded],
            table_settings=rules.settings,
            removed_columns=rules.removed,
            load_order=order,
            renames=rules.renames,
        )
        specs.append(
            TaskSpec(
                name=pt.name,
                task_id=ids.task_id(pt.name),
                mappings=doc,
                settings=forward_settings(stack, pt.max_full_load_subtasks, rules.lob_sizes_kb),
                reasons=tuple(notes + [f"{pt.name}: {pt.reason}"] + rules.reasons),
                instance=pt.instance,
                **common,
            )
        )
        notes = []
    if notes and specs:  # tasks at the end left with no table: their reasons go with the last task that runs
        specs[-1] = replace(specs[-1], reasons=(*specs[-1].reasons, *notes))
    return specs


def _configured_tasks(
    stack: Stack, inv: Inventory | None, common: dict[str, Any], all_rules: dict[str, tuple[_TableRules, int]]
) -> list[TaskSpec]:
    """The explicit `migration.tasks` (or one task `main`), selected by their include/exclude patterns; with
    several instances (capacity.instances N), spread over them in order, one after the other."""
    m = stack.config.migration
    ids = StackNames(stack.project, stack.stack)
    groups = [(t.name, t.include, [*m.exclude, *t.exclude]) for t in m.tasks] or [("main", m.include, m.exclude)]
    specs: list[TaskSpec] = []
    for name, include, exclude in groups:
        extra: dict[str, Any] = {}
        reasons: list[str] = []
        lob_sizes: tuple[int, ...] = ()
        if inv is not None:
            names = naming.stack_names(stack, inv)
            rules = _table_rules(stack, selected_tables(stack, inv, include, exclude), names=names)
            extra = dict(table_settings=rules.settings, removed_columns=rules.removed, renames=rules.renames)
            exclude = [*exclude, *(f"{o}.{t}" for o, t in rules.excluded)]
            reasons, lob_sizes = rules.reasons, rules.lob_sizes_kb
            all_rules[name] = (rules, DEFAULT_FULL_LOAD_SUBTASKS)
        doc = _mapping(stack, include=include, exclude=exclude, **extra)
        specs.append(
            TaskSpec(
                name=name,
                task_id=ids.task_id(name),
                mappings=doc,
                settings=forward_settings(stack, table_lob_sizes_kb=lob_sizes),
                reasons=tuple(reasons),
                instance=_configured_instance(stack, name),
                **common,
            )
        )
    return specs


def _configured_instance(stack: Stack, name: str) -> int:
    """A configured task's instance (0-based): the one it names, else one chosen from its name alone, so adding,
    removing or reordering tasks never moves another task."""
    count = max(1, instance_count(stack))
    pinned = next((t.instance for t in stack.config.migration.tasks if t.name == name), None)
    if pinned is not None:
        return pinned - 1
    return zlib.crc32(name.encode()) % count


def instance_count(stack: Stack) -> int:
    """Replication instances the stack runs: 0 on DMS Serverless, the planner's count with `auto`."""
    cap = stack.config.capacity
    if cap.mode == "serverless":
        return 0
    if cap.instances == "auto":
        plan = migration_plan(stack)
        return plan.instances if plan is not None else 1
    return int(cap.instances)


LOGMINER_LOB_NOTE_WITHOUT_INVENTORY = (
    "WARNING with LogMiner, DMS does not replicate UPDATEs that change only LOB columns (Oracle source "
    "limitations); without an inventory the stack cannot tell which tables have LOBs: add one, or use "
    "source.settings.reader: binary-reader"
)


def _with_lob_rules(
    stack: Stack, specs: list[TaskSpec], rules: dict[str, tuple[_TableRules, int]]
) -> tuple[list[TaskSpec], list[str]]:
    """The DMS LOB rules that span tasks: LogMiner and LOB updates (a stack note), and LOB buffers that fit each
    instance (CommitRate and StreamBufferSizeInMB per LOB task)."""
    accepted = _check_logminer_lob_updates(stack, [r for r, _ in rules.values()])
    by_instance: dict[int, list[TaskLobs]] = {}
    for spec in specs:
        if spec.name in rules:
            r, subtasks = rules[spec.name]
            by_instance.setdefault(spec.instance, []).append(TaskLobs(spec.name, subtasks, tuple(r.lobs)))
    instance_class = stack.config.replication_instance.instance_class
    fitted: dict[str, Any] = {}
    summaries: list[str] = []
    serverless = stack.config.capacity.mode == "serverless"
    dcu = serverless_dcu(stack.config)[1] if serverless else None
    key = "capacity.maxDcu" if serverless else "replicationInstance.instanceClass"
    for demands in by_instance.values():
        try:
            plan = fit_lob_buffers(demands, instance_class, serverless_dcu=dcu)
        except MemoryFitError as exc:
            raise ConfigError(f"{stack.project}:{key}: {exc}") from None
        fitted |= plan.tasks
        if plan.tasks:
            summaries.append(plan.summary())
    _check_commit_rate_override(stack, fitted)
    out = []
    for spec in specs:
        buffers = fitted.get(spec.name)
        if buffers is None:
            out.append(spec)
            continue
        r, subtasks = rules[spec.name]
        settings = forward_settings(
            stack,
            _subtasks(spec, subtasks),
            r.lob_sizes_kb,
            commit_rate=buffers.commit_rate,
            stream_buffer_size_mb=buffers.stream_buffer_size_mb,
        )
        gib = (buffers.lob_buffer_bytes + buffers.stream_buffer_bytes) / 2**30
        why = f"{spec.name}: LOB buffers CommitRate {buffers.commit_rate}, StreamBufferSizeInMB "
        why += f"{buffers.stream_buffer_size_mb}: {gib:.1f} GiB"
        out.append(replace(spec, settings=settings, reasons=(*spec.reasons, why)))
    return out, [*summaries, *([accepted] if accepted else [])]


ORACLE_NAME_LIMIT = 30  # bytes: "AWS DMS does not support long object names (over 30 bytes)" (Oracle source limits)


def _long_names_note(rules: dict[str, tuple[_TableRules, int]]) -> list[str]:
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
        f"WARNING {len(long)} Oracle name(s) over {ORACLE_NAME_LIMIT} bytes ({shown}): the DMS guide lists long "
        "object names as unsupported for Oracle sources; run the premigration assessment "
        "(oracle-check-object-30-bytes-limit) and test-load these tables, or exclude/rename them"
    ]


def _idle_instances_note(stack: Stack, specs: Sequence[TaskSpec]) -> list[str]:
    """An instance with no task costs money and watches nothing: say which."""
    ids = StackNames(stack.project, stack.stack).instance_ids(instance_count(stack))
    used = {s.instance for s in specs}
    idle = [instance_id for i, instance_id in enumerate(ids) if i not in used]
    if not idle or len(ids) < 2:
        return []
    return [
        f"WARNING replication instance(s) {', '.join(idle)} run no task (capacity.instances {len(ids)}; a frozen "
        "plan keeps its placement): lower the count or pin tasks there (migration.tasks[].instance)"
    ]


def _recommendation_note(recommended: str, rules: dict[str, tuple[_TableRules, int]]) -> list[str]:
    """The planner recommends a class from throughput alone; say so when that class cannot hold the LOB buffers."""
    demands = [TaskLobs(name, subtasks, tuple(r.lobs)) for name, (r, subtasks) in rules.items()]
    try:
        fit_lob_buffers(demands, recommended)
    except MemoryFitError as exc:
        return [f"NOTE the recommended {recommended} is sized for throughput, but {exc}"]
    return []


def _subtasks(spec: TaskSpec, default: int) -> int:
    return int(spec.settings.get("FullLoadSettings", {}).get("MaxFullLoadSubTasks", default))


def _check_commit_rate_override(stack: Stack, fitted: Mapping[str, Any]) -> None:
    """An override may lower CommitRate, never raise it past what keeps the LOB tasks' buffers in memory."""
    override = stack.config.migration.task_settings_overrides.get("FullLoadSettings", {})
    rate = override.get("CommitRate") if isinstance(override, dict) else None
    if not isinstance(rate, int) or not fitted:
        return
    most = min(b.commit_rate for b in fitted.values())
    if rate > most:
        raise ConfigError(
            f"{stack.project}:migration.taskSettingsOverrides.FullLoadSettings.CommitRate: {rate} would not fit the "
            f"LOB buffers in {stack.config.replication_instance.instance_class}'s memory; at most {most} (DMS guide: "
            "Setting LOB support)"
        )


def _like(pattern: str) -> re.Pattern[str]:
    """An acknowledgement pattern (SCHEMA.TABLE with % wildcards) as a regular expression."""
    return re.compile(".*".join(re.escape(part) for part in pattern.split("%")))


def _check_logminer_lob_updates(stack: Stack, rules: Sequence[_TableRules]) -> str | None:
    """With LogMiner, DMS does not replicate UPDATEs that change only LOB columns (on Oracle 11 no LOB or XMLTYPE
    UPDATE at all): DMS guide, "Limitations on using Oracle as a source". A CDC stack with such tables must say
    which way it goes: Binary Reader, or an acknowledgement naming exactly the affected tables."""
    cfg = stack.config
    m = cfg.migration
    if not m.has_cdc or cfg.source.settings.reader != "logminer":
        return None
    affected = sorted({lob.label for r in rules for lob in r.lobs})
    accepted = set(m.lob_updates_not_replicated)
    patterns = [_like(p) for p in accepted if "%" in p]
    missing = [t for t in affected if t not in accepted and not any(rx.fullmatch(t) for rx in patterns)]
    if missing:
        shown = ", ".join(missing[:10]) + (f" and {len(missing) - 10} more" if len(missing) > 10 else "")
        raise ConfigError(
            f"{stack.project}:source.settings.reader: with LogMiner, DMS does not replicate UPDATEs that change only "
            f"LOB columns, and these CDC tables have LOBs: {shown}; use reader: binary-reader, or list them (or a "
            "pattern like APP.%) in migration.lobUpdatesNotReplicated to accept it"
        )
    stale = sorted(p for p in accepted if "%" not in p and p not in affected)
    note = ""
    if stale:
        hints = "".join(did_you_mean(t, affected) for t in stale[:1])
        note = f"; {', '.join(stale)} listed there but not a LOB table of the CDC tasks{hints}"
    if not affected and not note:
        return None
    return (
        f"WARNING LogMiner: UPDATEs that change only LOB columns of {', '.join(affected) or 'no table'} are not "
        f"replicated (accepted in migration.lobUpdatesNotReplicated); compare those LOBs after the load, before "
        f"cutover{note}"
    )


def _reverse_selection(
    cfg: StackConfig, forward: Sequence[TaskSpec], names: NameMap | None, moved: Collection[Pair]
) -> list[dict[str, Any]]:
    """The forward tasks' selection rules in PostgreSQL names: the fallback moves back exactly what moved forward,
    never a table the forward path left out.

    Exact names go through the name map, patterns are lower-cased. With an inventory the result is made exact over
    the PostgreSQL names of every inventory table: an exclude that would hit a table that moved (SHOP.CUSTOMERS
    lower-cased is also "Customers"'s name) is dropped, since excludes win over includes in DMS; then tables the
    rules pick that did not move forward get an exclude rule of their own, and tables they miss an include rule."""
    rules: list[dict[str, Any]] = []
    for spec in forward:
        for rule in spec.mappings["rules"]:
            if rule["rule-type"] != "selection":
                continue
            loc = rule["object-locator"]
            schema, table = loc["schema-name"], loc["table-name"]
            if names is not None and "%" not in table and (schema, table) in moved:
                pg = (names.schema(schema), names.table(schema, table))
            else:
                pg = (postgres_schema(cfg, schema), table.lower())
            item = _selection_item(pg, rule["rule-action"])
            if item not in rules:
                rules.append(item)
    if names is None:
        return rules
    universe = [(names.schema(o), names.table(o, t)) for o, t in names.all_tables()]
    expected = {(names.schema(o), names.table(o, t)) for o, t in moved}
    wanted = sorted(expected)
    rules = [
        r for r in rules if r["rule-action"] != "exclude" or not selected([{**r, "rule-action": "include"}], wanted)
    ]
    got = selected(rules, universe)
    rules += [_selection_item(pg, "exclude") for pg in sorted(got - expected)]
    rules += [_selection_item(pg, "include") for pg in sorted(expected - got)]
    return rules


def _selection_item(pair: Pair, action: str) -> dict[str, Any]:
    return {
        "rule-type": "selection",
        "object-locator": {"schema-name": pair[0], "table-name": pair[1]},
        "rule-action": action,
    }


def _reverse_lob_settings(names: NameMap, forward: Sequence[TaskSpec]) -> list[mappings.TableSettings]:
    """Each table's forward LOB settings, in PostgreSQL names: the fallback carries every LOB size that went forward
    (limited at the same bulk-max-size, full LOB mode where the forward task needed it). Columns that only the
    reverse path sees as LOBs (varchar beyond 2000 characters becomes NCLOB) fit the task's 64 KB LobMaxSize."""
    out: dict[Pair, mappings.TableSettings] = {}
    for spec in forward:
        for rule in spec.mappings["rules"]:
            lob = rule.get("lob-settings") if rule["rule-type"] == "table-settings" else None
            if lob is None:
                continue
            owner, table = rule["object-locator"]["schema-name"], rule["object-locator"]["table-name"]
            pg = (names.schema(owner), names.table(owner, table))
            out.setdefault(pg, mappings.TableSettings(pg[0], pg[1], lob=dict(lob)))
    return list(out.values())


def _removed_columns(forward: Sequence[TaskSpec]) -> set[tuple[str, str, str]]:
    return {
        (r["object-locator"]["schema-name"], r["object-locator"]["table-name"], r["object-locator"]["column-name"])
        for spec in forward
        for r in spec.mappings["rules"]
        if r.get("rule-action") == "remove-column"
    }


def reverse_task(stack: Stack, forward: Sequence[TaskSpec], moved: Collection[Pair] | None = None) -> TaskSpec | None:
    """The fallback task PostgreSQL -> Oracle: CDC only, DO_NOTHING, every name turned back into the Oracle name it
    came from (case folds, plus explicit renames from the inventory), each LOB table's forward LOB settings, and
    settings of its own: control tables in the reverse user's schema, strict errors (it writes into production).

    `moved`: the Oracle tables the forward tasks select (from `check_task_scopes`); worked out when not given."""
    cfg = stack.config
    state = phase_state(cfg)
    if not state.reverse_created:
        return None
    rev = cfg.reverse
    assert rev.postgres_source is not None
    inv = stack_inventory(stack)
    names = naming.stack_names(stack, inv) if inv is not None else None
    if names is not None and moved is None:
        moved = set(forward_selection(stack, forward))
    moved = moved or set()
    renames: list[mappings.Rename] = []
    lobs: list[mappings.TableSettings] = []
    removed: list[mappings.ColumnRemoval] = []
    reasons = [naming.NO_INVENTORY_NOTE] if names is None else []
    if names is not None:
        left_behind = _removed_columns(forward)
        renames = naming.reverse_renames(names, sorted(moved), left_behind)
        # A column the forward tasks did not move (a pre-created table may still have it) never flows back: it
        # would write NULLs, or land in a column of another spelling, in the Oracle table.
        removed = [
            mappings.ColumnRemoval(names.schema(o), names.table(o, t), names.column(o, t, c))
            for o, t, c in sorted(left_behind)
        ]
        lobs = _reverse_lob_settings(names, forward)
        reasons += naming.names_note(names, sorted(moved), "PostgreSQL -> Oracle")
        reasons += [
            f"{ts.schema}.{ts.table}: LOB mode {ts.lob['mode']}, bulk-max-size {ts.lob['bulk-max-size']} KB, as "
            "forward: a LOB that went forward comes back whole"
            for ts in lobs
            if ts.lob is not None
        ]
    try:
        doc = mappings.build_reverse_mappings(
            {postgres_schema(cfg, s): s for s in cfg.migration.schemas},
            selection=_reverse_selection(cfg, forward, names, moved),
            renames=renames,
            table_settings=lobs,
            removed_columns=removed,
        )
    except mappings.MappingError as exc:
        hint = (
            f" (the fallback is one task; {len(renames)} of its rules rename names that are not plain upper case)"
            if "larger than" in str(exc) and renames
            else ""
        )
        raise ConfigError(f"{stack.project}:reverse: {exc}{hint}") from None
    start = parse_postgres_start(rev.cdc_start_position, slot_name=rev.postgres_source.settings.slot_name)
    return TaskSpec(
        name="reverse",
        task_id=StackNames(stack.project, stack.stack).task_id("reverse"),
        direction="reverse",
        migration_type="cdc",
        mappings=doc,
        settings=reverse_settings(stack),
        start=state.reverse_running,
        cdc_start_position=start.cdc_start_position,
        cdc_start_time=start.cdc_start_time,
        reasons=tuple(reasons),
    )


def reverse_settings(stack: Stack) -> dict[str, Any]:
    """The reverse task's own settings: its control tables in the reverse user's schema (the target schema is not
    writable for it, which is where DMS puts them when ControlSchema is empty), and strict errors whatever the
    forward tasks use: it writes into the production Oracle tables, so a bad row or a truncated LOB stops it."""
    cfg = stack.config
    return _settings(
        "reverse",
        stack.project,
        migration_type="cdc",
        target_engine="oracle",
        target_table_prep_mode=cfg.reverse.target_table_prep_mode,
        lob_mode="limited",
        lob_max_size_kb=DEFAULT_LOB_KB,
        loopback=_loopback(cfg, "reverse"),
        control_schema=cfg.reverse.oracle_control_schema,
        strict_errors=True,
    )


def ca_bundles(stack: Stack) -> dict[str, str]:
    """PEM bundles to import into DMS, by endpoint role (read once, errors as config lines)."""
    cfg = stack.config
    conns = {"target": cfg.target, "reverse.postgresSource": cfg.reverse.postgres_source}
    out = {}
    for key, conn in conns.items():
        pem = read_ca_bundle(stack, key, conn)
        if pem is not None:
            out[key] = pem
    return out


def validation_task(stack: Stack) -> TaskSpec | None:
    """A separate ValidationOnly task comparing source and target without moving data (immutable once created)."""
    cfg = stack.config
    m = cfg.migration
    if not m.validation_only_task:
        return None
    kind = "cdc" if m.has_cdc else "full-load"
    exclude = list(m.exclude)
    extra: dict[str, Any] = {}
    lob_sizes: tuple[int, ...] = ()
    inv = stack_inventory(stack)
    if inv is not None:  # compare only what the forward tasks move, under the names they move it by
        rules = _table_rules(
            stack, selected_tables(stack, inv, m.include, m.exclude), names=naming.stack_names(stack, inv)
        )
        exclude += [f"{o}.{t}" for o, t in rules.excluded]
        extra = dict(removed_columns=rules.removed, renames=rules.renames)
        lob_sizes = rules.lob_sizes_kb
    settings = _settings(
        "migration",
        stack.project,
        migration_type=kind,
        target_engine="postgresql",
        target_table_prep_mode="DO_NOTHING",
        lob_mode="limited",
        lob_max_size_kb=DEFAULT_LOB_KB,
        validation=True,
        validation_only=True,
        table_lob_sizes_kb=lob_sizes,
    )
    doc = _mapping(stack, include=m.include, exclude=exclude, **extra)
    return TaskSpec(
        name="validate",
        task_id=StackNames(stack.project, stack.stack).task_id("validate"),
        direction="forward",
        migration_type=kind,
        mappings=doc,
        settings=settings,
        start=phase_state(cfg).forward_running,
        reasons=(
            "validate: ValidationOnly task, compares Oracle and PostgreSQL row by row without "
            "writing; read results in awsdms_control.awsdms_validation_failures_v1",
        ),
    )


def forward_selection(stack: Stack, specs: Sequence[TaskSpec]) -> dict[Pair, str]:
    """The inventory tables each forward task selects, {(owner, table): task name}. No table in two tasks (it would
    be loaded twice), no task selecting nothing."""
    key = f"{stack.project}:migration"
    inv = stack_inventory(stack)
    assert inv is not None
    schemas = set(stack.config.migration.schemas)
    pairs = [k for k in inv.tables if k[0] in schemas]
    owner: dict[Pair, str] = {}
    for spec in specs:
        chosen = selected(spec.mappings["rules"], pairs)
        if not chosen:
            raise ConfigError(f"{key}: task {spec.name} selects no table of the inventory; fix its include patterns")
        for table in sorted(chosen):
            if table in owner:
                raise ConfigError(
                    f"{key}: {table[0]}.{table[1]} is selected by tasks {owner[table]} and {spec.name}; a table must "
                    "belong to one task (two would load it twice)"
                )
            owner[table] = spec.name
    return owner


def check_task_scopes(stack: Stack, specs: Sequence[TaskSpec]) -> dict[Pair, str]:
    """No table in two forward tasks, no task selecting nothing, no two Oracle objects sharing a PostgreSQL name.
    Exact with an inventory (returns which task moves each table); without one, identical include rules are caught
    (returns {})."""
    inv = stack_inventory(stack)
    if inv is None:
        owner: dict[tuple[str, str], str] = {}
        for spec in specs:
            for rule in spec.mappings["rules"]:
                if rule["rule-type"] == "selection" and rule["rule-action"] != "exclude":
                    loc = (rule["object-locator"]["schema-name"], rule["object-locator"]["table-name"])
                    if loc in owner and owner[loc] != spec.name:
                        raise ConfigError(
                            f"{stack.project}:migration: tasks {owner[loc]} and {spec.name} both include "
                            f"{loc[0]}.{loc[1]}"
                        )
                    owner[loc] = spec.name
        return {}
    moved = forward_selection(stack, specs)
    naming.check_name_conflicts(stack, naming.stack_names(stack, inv), moved)
    return moved


def all_tasks(stack: Stack) -> list[TaskSpec]:
    ca_bundles(stack)  # unreadable certificate files stop here, before any resource
    specs = forward_tasks(stack)
    if not specs:
        raise ConfigError(f"{stack.project}:migration: no forward task is left to run (every table excluded?)")
    moved = check_task_scopes(stack, specs)
    rev = reverse_task(stack, specs, moved)
    val = validation_task(stack)
    if val is not None:
        specs.append(val)
    return specs + ([rev] if rev else [])
