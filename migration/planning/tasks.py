"""What each DMS task of a stack is: id, type, table mappings and settings, derived from the validated config.

Pure logic shared by the Pulumi pipeline (which turns specs into resources) and the offline tools (plan,
runbook), so the documents a user previews are the documents `pulumi up` sends. Problems in the derived
documents surface as `ConfigError` lines before any resource is registered.
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Literal, Sequence

from migration.config.model import (
    RESERVED_TASK_NAMES,
    TASK_NAME_RE,
    ConfigError,
    Stack,
    StackConfig,
    read_ca_bundle,
    split_table_pattern,
)
from migration.dms import mappings, task_settings
from migration.dms.identifiers import StackNames
from migration.dms.limits import DEFAULT_FULL_LOAD_SUBTASKS, DEFAULT_LOB_CHUNK_KB
from migration.dms.positions import parse_oracle_start, parse_postgres_start
from migration.inventory.load import load_inventory
from migration.inventory.lobs import choose_lob_mode
from migration.inventory.model import Inventory, InventoryError, Table
from migration.inventory.typemap import oracle_to_postgres
from migration.planning.lifecycle import phase_state
from migration.planning.memory import LobTable, MemoryFitError, TaskLobs, fit_lob_buffers
from migration.planning.planner import MigrationPlan, PlannerError, Throughput, plan_migration

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

    @property
    def mappings_json(self) -> str:
        return mappings.render_json(self.mappings)

    @property
    def settings_json(self) -> str:
        return task_settings.render_json(self.settings)


def postgres_schema(cfg: StackConfig, oracle_schema: str) -> str:
    """The PostgreSQL schema an Oracle schema lands in: the configured rename, else its lower-case name."""
    return cfg.migration.schema_renames.get(oracle_schema, oracle_schema.lower())


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
    stack: Stack, max_full_load_subtasks: int = 8, lob_max_size_kb: int = DEFAULT_LOB_KB, **lob_options: Any
) -> dict[str, Any]:
    """The forward task settings; `lob_options` are the task's LOB sizing (commit_rate, stream_buffer_size_mb,
    validation_partial_lob_size_kb) from its tables."""
    cfg = stack.config
    m = cfg.migration
    doc = _settings(
        "migration",
        stack.project,
        migration_type=m.type,
        target_engine="postgresql",
        target_table_prep_mode=m.target_table_prep_mode,
        lob_mode="limited",
        lob_max_size_kb=lob_max_size_kb,
        validation=m.validation,
        loopback=_loopback(cfg, "forward"),
        max_full_load_subtasks=max_full_load_subtasks,
        strict_errors=m.strict_errors,
        **lob_options,
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


def _like_body(pattern: str) -> str:
    """DMS/SQL LIKE as a regular expression body: % any run, _ one character."""
    return "".join(".*" if c == "%" else "." if c == "_" else re.escape(c) for c in pattern)


@functools.lru_cache(maxsize=1024)
def _like(pattern: str) -> re.Pattern[str]:
    return re.compile(_like_body(pattern) + r"\Z")


def _matches(patterns: Sequence[str], owner: str, table: str) -> bool:
    for p in patterns:
        schema, tab = split_table_pattern(p)
        if (schema is None or _like(schema).match(owner)) and _like(tab).match(table):
            return True
    return False


def selected_tables(stack: Stack, inv: Inventory, include: Sequence[str], exclude: Sequence[str]) -> list[Table]:
    schemas = set(stack.config.migration.schemas)
    return [
        t
        for t in inv.tables.values()
        if t.owner in schemas and _matches(include, t.owner, t.name) and not _matches(exclude, t.owner, t.name)
    ]


@dataclass
class _TableRules:
    tables: list[Table]
    excluded: list[tuple[str, str]] = field(default_factory=list)
    removed: list[mappings.ColumnRemoval] = field(default_factory=list)
    settings: list[mappings.TableSettings] = field(default_factory=list)
    reasons: list[str] = field(default_factory=list)
    lobs: list[LobTable] = field(default_factory=list)  # LOB tables that keep their LOBs, with their limits
    lob_limits_kb: list[int] = field(default_factory=list)  # each LOB table's limit; 0 for full LOB mode

    @property
    def validation_lob_kb(self) -> int | None:
        """ValidationPartialLobSize is one task setting ("to validate limited LOB size, set it to LobMaxSize"):
        the largest table limit covers every limited table; a table in full LOB mode has no limit, so the whole
        LOB is compared (0). None: no LOB table, the task default stands."""
        if not self.lob_limits_kb:
            return None
        return 0 if 0 in self.lob_limits_kb else max(self.lob_limits_kb)


def _table_rules(
    stack: Stack, tables: Sequence[Table], parallel: dict[tuple[str, str], dict] | None = None
) -> _TableRules:
    """Unsupported columns (per the explicit config choice), LOB mode per table, parallel load per table."""
    cfg = stack.config
    assert cfg.inventory is not None
    policy = cfg.inventory.unsupported_columns
    scale = cfg.source.settings.number_datatype_scale
    out = _TableRules(tables=[])
    for t in tables:
        mapped = [(c, oracle_to_postgres(c, scale)) for c in t.columns]
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
            continue
        for col, note in bad:
            out.removed.append(mappings.ColumnRemoval(t.owner, t.name, col.name))
            why = note if note == KEYLESS_LOB_NOTE else f"{col.data_type} is not moved by DMS"
            out.reasons.append(f"{t.owner}.{t.name}.{col.name}: removed from the task ({why})")
        out.tables.append(t)
        removed = {col.name for col, _ in bad}
        kept_lobs = [c for c, m in mapped if m.is_lob and c.name not in removed]
        lob = choose_lob_mode(t, default_limited_kb=DEFAULT_LOB_KB) if kept_lobs else None
        pl = (parallel or {}).get((t.owner, t.name))
        if lob is not None:
            out.reasons.append(f"{t.owner}.{t.name}: LOB mode {lob.mode}: {lob.reason}")
            limit = lob.bulk_max_size_kb if lob.mode == "limited" else DEFAULT_LOB_CHUNK_KB
            out.lobs.append(LobTable(f"{t.owner}.{t.name}", limit, len(kept_lobs)))
            out.lob_limits_kb.append(lob.bulk_max_size_kb if lob.mode == "limited" else 0)
        if lob is not None or pl is not None:
            lob_doc = None if lob is None else {"mode": lob.mode, "bulk-max-size": str(lob.bulk_max_size_kb)}
            out.settings.append(mappings.TableSettings(t.owner, t.name, lob=lob_doc, parallel_load=pl))
    return out


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
        for table in task.tables:
            if table not in inv.tables:
                raise ConfigError(f"{key}: task {task.name} names {table[0]}.{table[1]}, which the inventory lacks")
    return plan


def migration_plan(stack: Stack) -> MigrationPlan | None:
    """The planner's split of the inventory into tasks, when `sizing.mode` is auto (frozen by `sizing.planFile`)."""
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
        )
    except PlannerError as exc:
        raise ConfigError(f"{stack.project}:{_planner_key(str(exc))}") from None


# The planner is a library with Python argument names; errors name the stack-file key instead.
_PLANNER_KEYS = {
    "key_ranges": "sizing.keyRanges",
    "groups": "sizing.groups",
    "window_hours": "sizing.windowHours",
    "max_tables_per_task": "sizing.maxTablesPerTask",
    "throughput": "sizing.throughput",
}


def _planner_key(message: str) -> str:
    match = re.match(r"(\w+)", message)
    key = _PLANNER_KEYS.get(match.group(1)) if match else None
    return f"{key}{message[len(match.group(1)) :]}" if key and match else f"sizing: {message}"


def _mapping(stack: Stack, **kwargs: Any) -> dict[str, Any]:
    m = stack.config.migration
    try:
        return mappings.build_forward_mappings(m.schemas, schema_renames=m.schema_renames, **kwargs)
    except mappings.MappingError as exc:
        raise ConfigError(f"{stack.project}:migration: {exc}") from None


def forward_tasks(stack: Stack) -> list[TaskSpec]:
    """The forward (Oracle -> PostgreSQL) tasks: from the planner (`sizing.mode: auto`), else the explicit
    `migration.tasks` list, else one task `main`. With an inventory, unsupported columns and LOB modes become
    rules of each task's mapping."""
    cfg = stack.config
    m = cfg.migration
    names = StackNames(stack.project, stack.stack)
    start = parse_oracle_start(m.cdc_start_position)
    common: dict[str, Any] = dict(
        direction="forward",
        migration_type=m.type,
        start=phase_state(cfg).forward_running,
        cdc_start_position=start.cdc_start_position,
        cdc_start_time=start.cdc_start_time,
    )
    inv = stack_inventory(stack)
    plan = migration_plan(stack)
    specs: list[TaskSpec] = []
    lob_rules: dict[str, tuple[_TableRules, int]] = {}  # task name -> its table rules and MaxFullLoadSubTasks
    if plan is not None and inv is not None:
        notes = []  # the plan's own reasons and warnings print with the plan
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
            notes.append(
                f"WARNING the planner recommends migration.type {plan.migration_type}, the stack says {m.type}"
            )
        for pt in plan.tasks:
            rules = _table_rules(stack, [inv.tables[k] for k in pt.tables], pt.parallel_load)
            if not rules.tables:  # every table excluded (unsupported columns): no task to run
                notes.extend(rules.reasons)
                continue
            by_size = sorted(rules.tables, key=lambda t: (t.bytes, t.owner, t.name))
            order = {(t.owner, t.name): rank for rank, t in enumerate(by_size, start=1)} if len(by_size) > 1 else {}
            doc = _mapping(
                stack,
                explicit_tables=[(t.owner, t.name) for t in rules.tables],
                exclude=[f"{o}.{t}" for o, t in rules.excluded],
                table_settings=rules.settings,
                removed_columns=rules.removed,
                load_order=order,
            )
            specs.append(
                TaskSpec(
                    name=pt.name,
                    task_id=names.task_id(pt.name),
                    mappings=doc,
                    settings=forward_settings(stack, pt.max_full_load_subtasks),
                    reasons=tuple(notes + [f"{pt.name}: {pt.reason}"] + rules.reasons),
                    **common,
                )
            )
            lob_rules[pt.name] = (rules, pt.max_full_load_subtasks)
            notes = []
        return _with_lob_rules(stack, specs, lob_rules)
    groups = [(t.name, t.include, [*m.exclude, *t.exclude]) for t in m.tasks] or [("main", m.include, m.exclude)]
    for name, include, exclude in groups:
        extra: dict[str, Any] = {}
        reasons: list[str] = []
        if inv is not None:
            rules = _table_rules(stack, selected_tables(stack, inv, include, exclude))
            extra = dict(table_settings=rules.settings, removed_columns=rules.removed)
            exclude = [*exclude, *(f"{o}.{t}" for o, t in rules.excluded)]
            reasons = rules.reasons
            lob_rules[name] = (rules, DEFAULT_FULL_LOAD_SUBTASKS)
        doc = _mapping(stack, include=include, exclude=exclude, **extra)
        specs.append(
            TaskSpec(
                name=name,
                task_id=names.task_id(name),
                mappings=doc,
                settings=forward_settings(stack),
                reasons=tuple(reasons),
                **common,
            )
        )
    if inv is None and m.has_cdc and cfg.source.settings.reader == "logminer":
        specs[0] = replace(specs[0], reasons=(*specs[0].reasons, LOGMINER_LOB_NOTE_WITHOUT_INVENTORY))
    return _with_lob_rules(stack, specs, lob_rules)


LOGMINER_LOB_NOTE_WITHOUT_INVENTORY = (
    "WARNING with LogMiner, DMS does not replicate UPDATEs that change only LOB columns (Oracle source "
    "limitations); without an inventory the stack cannot tell which tables have LOBs: add one, or use "
    "source.settings.reader: binary-reader"
)


def _with_lob_rules(stack: Stack, specs: list[TaskSpec], rules: dict[str, tuple[_TableRules, int]]) -> list[TaskSpec]:
    """The DMS LOB rules that span tasks: LogMiner and LOB updates, and LOB buffers that fit the instance."""
    accepted = _check_logminer_lob_updates(stack, [r for r, _ in rules.values()])
    if accepted and specs:
        specs[0] = replace(specs[0], reasons=(*specs[0].reasons, accepted))
    demands = [TaskLobs(name, subtasks, tuple(r.lobs)) for name, (r, subtasks) in rules.items()]
    instance_class = stack.config.replication_instance.instance_class
    try:
        fitted = fit_lob_buffers(demands, instance_class)
    except MemoryFitError as exc:
        raise ConfigError(f"{stack.project}:replicationInstance.instanceClass: {exc}") from None
    _check_commit_rate_override(stack, fitted.tasks)
    out = []
    for spec in specs:
        r, subtasks = rules.get(spec.name, (None, DEFAULT_FULL_LOAD_SUBTASKS))
        buffers = fitted.tasks.get(spec.name)
        if r is None or (buffers is None and r.validation_lob_kb is None):
            out.append(spec)
            continue
        # The task's own LobMaxSize covers its largest table limit, so validating that far never reads past it.
        options: dict[str, Any] = {
            "validation_partial_lob_size_kb": r.validation_lob_kb,
            "lob_max_size_kb": max(DEFAULT_LOB_KB, r.validation_lob_kb or 0),
        }
        reasons = list(spec.reasons)
        if buffers is not None:
            options |= {"commit_rate": buffers.commit_rate, "stream_buffer_size_mb": buffers.stream_buffer_size_mb}
            reasons.append(
                f"{spec.name}: LOB buffers CommitRate {buffers.commit_rate}, StreamBufferSizeInMB "
                f"{buffers.stream_buffer_size_mb}: {(buffers.lob_buffer_bytes + buffers.stream_buffer_bytes) / 2**30:.1f}"
                f" GiB; {fitted.summary()}"
            )
        settings = forward_settings(stack, _subtasks(spec, subtasks), **options)
        out.append(replace(spec, settings=settings, reasons=tuple(reasons)))
    return out


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
    missing = [t for t in affected if t not in accepted]
    if missing:
        raise ConfigError(
            f"{stack.project}:source.settings.reader: with LogMiner, DMS does not replicate UPDATEs that change only "
            f"LOB columns, and these CDC tables have LOBs: {', '.join(missing)}; use reader: binary-reader, or list "
            "them in migration.lobUpdatesNotReplicated to accept it"
        )
    if not affected:
        return None
    return (
        f"WARNING LogMiner: UPDATEs that change only LOB columns of {', '.join(affected)} are not replicated "
        "(accepted in migration.lobUpdatesNotReplicated); compare those LOBs after the load, before cutover"
    )


def _reverse_selection(cfg: StackConfig, forward: Sequence[TaskSpec]) -> list[dict[str, Any]]:
    """The forward tasks' selection rules in PostgreSQL names: the fallback moves back exactly what moved forward
    (never tables the forward path excluded or tables created in PostgreSQL after cutover)."""
    rules: list[dict[str, Any]] = []
    for spec in forward:
        for rule in spec.mappings["rules"]:
            if rule["rule-type"] != "selection":
                continue
            loc = rule["object-locator"]
            pg_loc = {"schema-name": postgres_schema(cfg, loc["schema-name"]), "table-name": loc["table-name"].lower()}
            item = {"object-locator": pg_loc, "rule-action": rule["rule-action"]}
            if item not in rules:
                rules.append(item)
    return rules


def reverse_task(stack: Stack, forward: Sequence[TaskSpec]) -> TaskSpec | None:
    """The fallback task PostgreSQL -> Oracle: CDC only, DO_NOTHING, names turned back to Oracle upper case."""
    cfg = stack.config
    state = phase_state(cfg)
    if not state.reverse_created:
        return None
    rev = cfg.reverse
    assert rev.postgres_source is not None
    names = StackNames(stack.project, stack.stack)
    selection = _reverse_selection(cfg, forward)
    try:
        doc = mappings.build_reverse_mappings(
            {postgres_schema(cfg, s): s for s in cfg.migration.schemas}, selection=selection
        )
    except mappings.MappingError as exc:
        raise ConfigError(f"{stack.project}:reverse: {exc}") from None
    settings = _settings(
        "reverse",
        stack.project,
        migration_type="cdc",
        target_engine="oracle",
        target_table_prep_mode=rev.target_table_prep_mode,
        lob_mode="limited",
        lob_max_size_kb=DEFAULT_LOB_KB,
        loopback=_loopback(cfg, "reverse"),
    )
    start = parse_postgres_start(rev.cdc_start_position, slot_name=rev.postgres_source.settings.slot_name)
    return TaskSpec(
        name="reverse",
        task_id=names.task_id("reverse"),
        direction="reverse",
        migration_type="cdc",
        mappings=doc,
        settings=settings,
        start=state.reverse_running,
        cdc_start_position=start.cdc_start_position,
        cdc_start_time=start.cdc_start_time,
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
    )
    exclude = list(m.exclude)
    removed: list[mappings.ColumnRemoval] = []
    inv = stack_inventory(stack)
    if inv is not None:  # compare only what the forward tasks move: not removed columns, not excluded tables
        rules = _table_rules(stack, selected_tables(stack, inv, m.include, m.exclude))
        exclude += [f"{o}.{t}" for o, t in rules.excluded]
        removed = rules.removed
    doc = _mapping(stack, include=m.include, exclude=exclude, removed_columns=removed)
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


def _selected_by(spec: TaskSpec, tables: Sequence[Table], known: set[tuple[str, str]]) -> set[tuple[str, str]]:
    """The inventory tables a task's selection rules pick (includes minus excludes). Names without % are taken
    as exact table names (the planner's explicit lists: a set lookup); patterns with % go through one combined
    expression per side, linear in the number of tables."""
    sides: dict[bool, list[str]] = {True: [], False: []}
    exact: dict[bool, set[tuple[str, str]]] = {True: set(), False: set()}
    for rule in spec.mappings["rules"]:
        if rule["rule-type"] == "selection":
            loc = rule["object-locator"]
            side = rule["rule-action"] != "exclude"
            if "%" not in loc["schema-name"] + loc["table-name"]:
                exact[side].add((loc["schema-name"], loc["table-name"]))
                continue
            body = f"{_like_body(loc['schema-name'])}\\x00{_like_body(loc['table-name'])}"
            sides[side].append(body)
    if not sides[True] and not sides[False]:
        return (exact[True] & known) - exact[False]
    inc = re.compile("(?:" + "|".join(sides[True]) + r")\Z") if sides[True] else None
    exc = re.compile("(?:" + "|".join(sides[False]) + r")\Z") if sides[False] else None
    chosen = set()
    for t in tables:
        key = f"{t.owner}\x00{t.name}"
        pair = (t.owner, t.name)
        if pair in exact[False] or (exc is not None and exc.match(key)):
            continue
        if pair in exact[True] or (inc is not None and inc.match(key)):
            chosen.add(pair)
    return chosen


def check_task_scopes(stack: Stack, specs: Sequence[TaskSpec]) -> None:
    """No table in two forward tasks (it would be loaded twice), no task selecting nothing, no two Oracle tables
    folding into one PostgreSQL name. Exact with an inventory; without one, identical include rules are caught."""
    key = f"{stack.project}:migration"
    inv = stack_inventory(stack)
    owner: dict[tuple[str, str], str] = {}
    if inv is None:
        for spec in specs:
            for rule in spec.mappings["rules"]:
                if rule["rule-type"] == "selection" and rule["rule-action"] != "exclude":
                    loc = (rule["object-locator"]["schema-name"], rule["object-locator"]["table-name"])
                    if loc in owner and owner[loc] != spec.name:
                        raise ConfigError(f"{key}: tasks {owner[loc]} and {spec.name} both include {loc[0]}.{loc[1]}")
                    owner[loc] = spec.name
        return
    tables = [t for t in inv.tables.values() if t.owner in set(stack.config.migration.schemas)]
    known = {(t.owner, t.name) for t in tables}
    for spec in specs:
        chosen = _selected_by(spec, tables, known)
        if not chosen:
            raise ConfigError(f"{key}: task {spec.name} selects no table of the inventory; fix its include patterns")
        for table in sorted(chosen):
            if table in owner:
                raise ConfigError(
                    f"{key}: {table[0]}.{table[1]} is selected by tasks {owner[table]} and {spec.name}; a table must "
                    "belong to one task (two would load it twice)"
                )
            owner[table] = spec.name
    folded: dict[tuple[str, str], tuple[str, str]] = {}
    for o, t in sorted(owner):
        pg = (postgres_schema(stack.config, o), t.lower())
        if pg in folded:
            other = folded[pg]
            raise ConfigError(
                f"{key}: {other[0]}.{other[1]} and {o}.{t} both become {pg[0]}.{pg[1]} in PostgreSQL (names fold to "
                "lower case); exclude or rename one"
            )
        folded[pg] = (o, t)


def all_tasks(stack: Stack) -> list[TaskSpec]:
    ca_bundles(stack)  # unreadable certificate files stop here, before any resource
    specs = forward_tasks(stack)
    if not specs:
        raise ConfigError(f"{stack.project}:migration: no forward task is left to run (every table excluded?)")
    check_task_scopes(stack, specs)
    rev = reverse_task(stack, specs)
    val = validation_task(stack)
    if val is not None:
        specs.append(val)
    return specs + ([rev] if rev else [])
