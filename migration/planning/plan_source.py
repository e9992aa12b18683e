"""Where a stack's task split comes from when `sizing.mode` is auto: the frozen plan file (`sizing.planFile`), or
the planner run on the selected inventory tables; and the replication instance count that follows."""

from __future__ import annotations

import codecs
import json
from decimal import Decimal, InvalidOperation
from itertools import pairwise
from pathlib import Path
from typing import Any

from migration.config import RESERVED_TASK_NAMES, TASK_NAME_RE, ConfigError, Stack, StackConfig
from migration.dms.limits import MAX_FULL_LOAD_SUBTASKS
from migration.inventory.model import Inventory, Table
from migration.planning.planner import MigrationPlan, PlannedTask, PlannerError, Throughput, plan_migration
from migration.planning.selection import matches
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
            serverless=cfg.capacity.mode == "serverless",
            storage_gb=cfg.replication_instance.allocated_storage,
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


class DuplicateKeyError(ValueError):
    """A JSON object naming one key twice: json.loads would silently keep the last."""


def decode_json_bytes(data: bytes) -> str:
    """The text of a JSON file by its byte-order mark: UTF-16 (LE or BE, what PowerShell's `>` writes), UTF-8 with
    a BOM (Windows editors), or plain UTF-8; UnicodeDecodeError otherwise (UTF-16 without a BOM included: its NULs)."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return data.decode("utf-16")
    text = data.decode("utf-8-sig")
    if "\x00" in text:  # UTF-16 without its BOM reads as UTF-8 with a NUL after each ASCII character
        raise UnicodeDecodeError("utf-8", data, text.index("\x00"), text.index("\x00") + 1, "NUL byte")
    return text


def _unique_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for k, v in pairs:
        if k in out:
            raise DuplicateKeyError(f"key {k!r:.60} appears twice in one object")
        out[k] = v
    return out


def json_loads_strict(text: str) -> Any:
    """json.loads, refusing an object that names a key twice (DuplicateKeyError) instead of keeping the last."""
    return json.loads(text, object_pairs_hook=_unique_keys)


def frozen_plan(stack: Stack, inv: Inventory, path_text: str) -> MigrationPlan:
    """The plan file a stack froze its split in, checked against the inventory, the config's selection and the
    instance count."""
    path = Path(stack.root) / path_text
    key = "sizing.planFile"
    where = f"{stack.project}:{key}"
    # Errors name the file as the stack file does (relative to the project directory, or absolute if given so).
    not_plan = f"{where}: {path_text} is not a migration-plan.json written by `plan`"
    try:
        doc = json_loads_strict(decode_json_bytes(path.read_bytes()))  # read as --deployed reads its file
    except OSError as exc:
        raise ConfigError(f"{where}: cannot read {path_text} ({exc.strerror or type(exc).__name__})", key=key) from None
    except UnicodeDecodeError as exc:
        raise ConfigError(f"{not_plan}: neither UTF-8 nor UTF-16 with a BOM (byte {exc.start})", key=key) from None
    except DuplicateKeyError as exc:
        raise ConfigError(f"{not_plan}: {exc}", key=key) from None
    except json.JSONDecodeError as exc:
        raise ConfigError(f"{not_plan}: not JSON (line {exc.lineno}, column {exc.colno}: {exc.msg})", key=key) from None
    except RecursionError:
        raise ConfigError(f"{not_plan}: not JSON (nested too deeply)", key=key) from None
    problem = plan_shape_problem(doc)
    if problem:
        raise ConfigError(f"{not_plan}: {problem}", key=key)
    try:
        plan = MigrationPlan.from_dict(doc)
    except KeyError as exc:
        raise ConfigError(f"{not_plan}: key {exc.args[0]!r} is missing", key=key) from None
    except (ValueError, TypeError, AttributeError) as exc:
        raise ConfigError(f"{not_plan} ({exc!s:.80})", key=key) from None
    if not plan.tasks:
        raise ConfigError(f"{where}: {path_text} lists no task", key=key)
    _check_frozen_tasks(stack, inv, plan, f"{where}: {path_text}")
    return plan


def _check_frozen_tasks(stack: Stack, inv: Inventory, plan: MigrationPlan, where: str) -> None:
    key = "sizing.planFile"
    seen: set[str] = set()
    chosen = {
        (t.owner, t.name)
        for t in selected_tables(stack, inv, stack.config.migration.include, stack.config.migration.exclude)
    }
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
        _check_instance(stack, plan, task, where)
        for table in task.tables:
            if table not in inv.tables:
                raise ConfigError(
                    f"{where}: task {task.name} names {table[0]}.{table[1]}, which the inventory lacks", key=key
                )
            if table not in chosen:
                raise ConfigError(f"{where}: {_unselected(stack, task.name, table)}", key=key)
        for table, settings in task.parallel_load.items():
            problem = parallel_load_problem(inv.tables[table], settings)
            if problem:
                raise ConfigError(
                    f"{where}: task {task.name}: parallel_load of {table[0]}.{table[1]}: {problem}", key=key
                )


def _check_instance(stack: Stack, plan: MigrationPlan, task: PlannedTask, where: str) -> None:
    count = 1 if stack.config.capacity.mode == "serverless" else stack.config.capacity.instances_or(plan.instances)
    if task.instance < 0:
        raise ConfigError(
            f'{where}: task {task.name}: "instance": {task.instance} is not an instance (0-based: 0 is the first, '
            f"{max(1, count) - 1} the last of the {count} the stack runs)",
            key="sizing.planFile",
        )
    if task.instance >= max(1, count):
        raise ConfigError(
            f"{where}: task {task.name} is placed on instance {task.instance + 1}, but the stack runs {count} "
            "(capacity.instances); keep the count the plan was made for, or re-plan (a move stops the task)",
            key="sizing.planFile",
        )


def _unselected(stack: Stack, task: str, table: tuple[str, str]) -> str:
    """Why the frozen plan may not keep a table the config no longer selects (refused, not dropped quietly: the
    plan file is the reviewed record of what each running task loads, so the table leaves it by an edit there,
    which the gate then shows as the mapping change it is)."""
    m = stack.config.migration
    label = f"{table[0]}.{table[1]}"
    if table[0] not in m.schemas:
        why = f"its schema {table[0]} is not in migration.schemas ({', '.join(m.schemas)})"
    elif matches(m.exclude, *table):
        why = "migration.exclude matches it"
    else:
        why = "migration.include does not match it"
    return (
        f"task {task} lists {label}, which the config does not select ({why}); remove it from the task in the plan "
        "file, or select it again"
    )


# parallel-load types a table-settings rule takes (AWS DMS User Guide, "Table and collection settings rules and
# operations"); the partition ones need a partitioned table.
_PARTITION_TYPES = ("partitions-auto", "subpartitions-auto", "partitions-list")
_PARALLEL_TYPES = ("ranges", "none", *_PARTITION_TYPES)


def parallel_load_problem(table: Table, settings: dict[str, Any]) -> str:
    """What is wrong with a plan file's parallel-load entry for this inventory table ("" when nothing)."""
    kind = settings.get("type")
    if kind not in _PARALLEL_TYPES:
        return f"type {kind!r} is not one of {', '.join(_PARALLEL_TYPES)}"
    if kind in _PARTITION_TYPES and not table.partitioned:
        return f"{kind} on a table the inventory does not list as partitioned (tables.csv PARTITIONED)"
    if kind != "ranges":
        return ""
    columns, boundaries = settings.get("columns"), settings.get("boundaries")
    if not isinstance(columns, list) or not columns or not all(isinstance(c, str) for c in columns):
        return f"columns {columns!r} must be a non-empty list of column names"
    known = {c.name for c in table.columns}
    missing = [c for c in columns if c not in known]
    if missing:
        return f"column {missing[0]} is not a column of the table in the inventory"
    if not isinstance(boundaries, list) or not boundaries:
        return f"boundaries {boundaries!r} must be a non-empty list"
    keys = []
    for b in boundaries:
        if not isinstance(b, list) or len(b) != len(columns) or not all(isinstance(v, (str, int, float)) for v in b):
            return f"boundary {b!r:.60} must hold one value per column ({len(columns)})"
        keys.append(tuple(_sortable(v) for v in b))
    for lo, hi in pairwise(keys):
        if _comparable(lo, hi) and not lo < hi:
            return f"boundaries out of order: {_shown(lo)} then {_shown(hi)} (each must be greater than the one before)"
    return ""


def _sortable(value: str | int | float) -> Decimal | str:
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        return str(value)
    return number if number.is_finite() else str(value)


def _comparable(a: tuple[Decimal | str, ...], b: tuple[Decimal | str, ...]) -> bool:
    return all(type(x) is type(y) for x, y in zip(a, b, strict=True))


def _shown(key: tuple[Decimal | str, ...]) -> str:
    return ",".join(str(v) for v in key)


def plan_shape_problem(doc: Any) -> str:
    """What makes a parsed plan file unreadable as a plan, by the path of the value ("" when nothing): the parts a
    hand edit touches (tasks, their tables, parallel-load entries, counts)."""
    if not isinstance(doc, dict):
        return f"it holds a JSON {_json_type(doc)}, not an object"
    tasks = doc.get("tasks")
    if not isinstance(tasks, list):
        return f"tasks is {'a JSON ' + _json_type(tasks) if 'tasks' in doc else 'missing'}, not a list of tasks"
    for i, task in enumerate(tasks):
        problem = _task_shape_problem(task) if isinstance(task, dict) else " is not an object"
        if problem:
            return f"tasks[{i}]{problem}"
    return ""


def _task_shape_problem(task: dict[str, Any]) -> str:
    tables = task.get("tables")
    if not isinstance(tables, list):
        return f".tables is {'missing' if tables is None else 'a JSON ' + _json_type(tables)}, not a list"
    for j, pair in enumerate(tables):
        if not (isinstance(pair, list) and len(pair) == 2 and all(isinstance(x, str) for x in pair)):
            return f".tables[{j}]: {json.dumps(pair)[:40]} is not an [OWNER, TABLE] pair"
    labels = {f"{o}.{n}" for o, n in tables}
    parallel = task.get("parallel_load", {})
    if not isinstance(parallel, dict):
        return f".parallel_load is a JSON {_json_type(parallel)}, not an object"
    for label, settings in parallel.items():
        if label not in labels:
            return f".parallel_load: {label!r} is not one of the task's tables"
        if not isinstance(settings, dict):
            return f".parallel_load[{label!r}] is a JSON {_json_type(settings)}, not an object"
    for field in ("instance", "max_full_load_subtasks", "bytes"):
        value = task.get(field, 0)
        if isinstance(value, bool) or not isinstance(value, int):
            return f".{field}: {json.dumps(value)[:40]} is not a whole number"
    return ""


def _json_type(value: Any) -> str:
    names = {dict: "object", list: "array", str: "string", bool: "boolean", int: "number", float: "number"}
    return "null" if value is None else names.get(type(value), type(value).__name__)
