"""What the deployed stack is, and which changes from it `pulumi up` may make. Pure logic.

The program exports `deployedState` (stack identity, region, phase, each task's migration type, start position
and whether it has ever run, the instance's engine and storage) and reads its own last outputs back through a
self StackReference (pulumi/pulumi issue #3722), so the rules below hold under `pulumi up`, not only in the
offline preview. Pulumi updates stack outputs only when an `up` succeeds, so the state is the last good one.
- the phase never goes back (fallback -> replicate restarts the forward tasks over writes PostgreSQL took since
  cutover) unless `allowPhaseBack` names the deployed phase: a deliberate one-off;
- `replicate -> fallback` skips the cutover and is refused; `replicate -> complete` abandons the migration
  (allowed, and said);
- a deployed task keeps its migration type: AWS refuses the change after the provider has stopped the task,
  leaving CDC stopped (DMS guide CHAP_Tasks.Modifying; migration.dms.provider_facts);
- a task that has ever run keeps its CDC start position: a new one restarts it from another point, skipping or
  repeating changes;
- a task that has ever run keeps its tables: one that moves in is loaded again, one that moves out stops
  replicating (destructive; for a task that has not run, a note). Each forward task records the inventory tables
  it selects as a count and a digest of the sorted names, and the names themselves while the stack moves at most
  TABLE_NAMES_CAP tables in all: a million tables' names would put tens of MB in the Pulumi state on every up,
  while count and digest stay ~60 bytes a task and still see any change (only which tables changed goes unnamed);
- a task that has run keeps its LOB limits: each task records its LobMaxSize (or full LOB mode) and each LOB
  table's bulk-max-size (only tables with a lob-settings rule, names under TABLE_NAMES_CAP); a lowered one truncates
  LOBs earlier loads carried whole (destructive);
- the region, engine version (no downgrade; an upgrade is said: DMS stops the instance's tasks) and storage (no
  shrink) of the deployed instance.
New resources pass: the reverse endpoints, created from phase replicate on once reverse.enabled (before: from
cutover), and the reverse task at cutover (migration.planning.lifecycle) are creations, never refused or warned of.
A first deployment (no outputs yet) passes; a stack deployed by an older version of this program, which exported
only `phase`, is checked on its phase. Outputs this program did not write are refused, never taken as "nothing".
"""

from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Mapping, Sequence
from datetime import UTC, date, datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from migration.config import PHASES, ConfigError, Phase, Stack
from migration.dms.engine_versions import EngineVersionError, check_engine_version
from migration.notices import Notice, note, warning
from migration.planning.design import MigrationDesign
from migration.planning.spec import TaskSpec

DEPLOYED_STATE_OUTPUT = "deployedState"
# The most tables a stack's forward tasks may move for deployedState to list each task's table names (about 30
# bytes a name, so at most ~60 KB of state); above it, each task records only the count and the digest.
TABLE_NAMES_CAP = 2000


class _Strict(BaseModel):
    """Lax on number forms (stack outputs carry numbers as floats), strict on names: a value this program could
    not have written fails validation instead of passing as "nothing to check"."""

    model_config = ConfigDict(extra="ignore", frozen=True)


class DeployedTables(_Strict):
    """The inventory tables a forward task selects: how many, a digest of their sorted (owner, table) names, and
    the names ("OWNER.TABLE", sorted) while the stack is under TABLE_NAMES_CAP."""

    count: int = Field(ge=0)
    digest: str = Field(pattern=r"^[0-9a-f]{32}$")
    names: list[str] | None = None

    @model_validator(mode="after")
    def _names_match_count(self) -> DeployedTables:
        if self.names is not None and len(self.names) != self.count:
            raise ValueError(f"names lists {len(self.names)} tables but count is {self.count}")
        return self


# A LOB limit as recorded, in KB: "unlimited" for full LOB mode (JSON has no infinity).
LobKb = Annotated[float, Field(ge=0, le=10**9)] | Literal["unlimited"]


class DeployedLobs(_Strict):
    """A task's LOB limits when deployed: its LobMaxSize and each LOB table's bulk-max-size ("OWNER.TABLE"; None
    when the stack has more than TABLE_NAMES_CAP of them)."""

    task: LobKb
    tables: dict[str, LobKb] | None = None


class DeployedTask(_Strict):
    name: str
    direction: Literal["forward", "reverse"]
    migrationType: Literal["full-load", "cdc", "full-load-and-cdc"]  # noqa: N815 - the output's JSON keys
    cdcStartPosition: str | None = None  # noqa: N815
    hasRun: bool = False  # noqa: N815
    tables: DeployedTables | None = None  # None: a forward task without an inventory, or a state written before
    lobs: DeployedLobs | None = None  # None: a state written before the LOB record


class DeployedInstance(_Strict):
    engineVersion: str = Field(pattern=r"^[0-9]{1,4}(\.[0-9]{1,4}){1,3}$")  # noqa: N815 - as DMS writes it: 3.6.1
    # Bounded so an absurd number (1e400 in a hand-edited file) fails here, naming the key, instead of overflowing
    # a float later: no instance this program sizes comes near the bound.
    allocatedStorage: int = Field(ge=0, le=10**9)  # noqa: N815
    count: int = Field(default=1, ge=0, le=10**6)  # instances of the class (states written before several: one)


class DeployedState(_Strict):
    project: str | None = None
    stack: str | None = None
    region: str | None = None
    phase: Phase
    replicationInstance: DeployedInstance | None = None  # noqa: N815
    tasks: dict[str, DeployedTask] = {}


def read_deployed(outputs: Mapping[str, Any] | None) -> DeployedState | None:
    """The deployed state from the stack's last outputs: None before the first deployment, the phase alone for a
    stack an older version of this program deployed, ConfigError for anything this program did not write."""
    if not outputs:
        return None
    raw = outputs.get(DEPLOYED_STATE_OUTPUT)
    if raw is None:
        legacy = outputs.get("phase")
        if legacy is None:  # outputs, but none this program writes: another project's stack, not "nothing"
            keys = ", ".join(sorted(str(k) for k in outputs)[:5])
            raise ConfigError(
                f"{DEPLOYED_STATE_OUTPUT}: the deployed stack's outputs ({keys}) hold no {DEPLOYED_STATE_OUTPUT} or "
                f"phase: they are not this program's; check `pulumi stack output {DEPLOYED_STATE_OUTPUT}`"
            )
        raw = {"phase": legacy}
    try:
        return DeployedState.model_validate(raw)
    except ValidationError as exc:
        err = exc.errors()[0]
        where = ".".join(str(p) for p in err["loc"]) or DEPLOYED_STATE_OUTPUT
        value = f", not {err['input']!r:.60}" if not isinstance(err.get("input"), (dict, list)) else ""
        raise ConfigError(
            f"{DEPLOYED_STATE_OUTPUT}: the deployed stack's output is not one this program wrote ({where}: "
            f"{err['msg']}{value}); check `pulumi stack output {DEPLOYED_STATE_OUTPUT}`"
        ) from None


def deployed_state(design: MigrationDesign, previous: DeployedState | None) -> dict[str, Any]:
    """The stack output the next `pulumi up` checks its changes against (plain values, no secrets). `hasRun`
    stays true once a task has run, whatever later phases do."""
    stack = design.stack
    before = previous.tasks if previous else {}
    records = table_records(design)
    lobs = lob_records(design.tasks)
    tasks = {
        spec.task_id: {
            "name": spec.name,
            "direction": spec.direction,
            "migrationType": spec.migration_type,
            "cdcStartPosition": spec.cdc_start_position or spec.cdc_start_time,
            "hasRun": spec.start or (spec.task_id in before and before[spec.task_id].hasRun),
            **({"tables": records[spec.name].recorded()} if spec.name in records else {}),
            "lobs": lobs[spec.task_id],
        }
        for spec in design.tasks
    }
    return {
        "project": stack.project,
        "stack": stack.stack,
        "region": stack.region,
        "phase": stack.config.phase,
        "replicationInstance": instance_state(design),
        "tasks": tasks,
    }


class TaskTables:
    """The inventory tables one forward task selects, sorted, with their record's count and digest."""

    def __init__(self, pairs: list[tuple[str, str]], listed: bool):
        self.pairs = sorted(pairs)
        self.listed = listed
        text = json.dumps(self.pairs, ensure_ascii=False, separators=(",", ":"))  # unambiguous, whatever the names
        self.digest = hashlib.sha256(text.encode("utf-8")).hexdigest()[:32]

    @property
    def names(self) -> list[str]:
        return [f"{owner}.{table}" for owner, table in self.pairs]

    def recorded(self) -> dict[str, Any]:
        out: dict[str, Any] = {"count": len(self.pairs), "digest": self.digest}
        return {**out, "names": self.names} if self.listed else out

    def same_as(self, old: DeployedTables) -> bool:
        return (old.count, old.digest) == (len(self.pairs), self.digest)


def table_records(design: MigrationDesign) -> dict[str, TaskTables]:
    """Each forward task's tables, by task name ({} without an inventory)."""
    by_task: dict[str, list[tuple[str, str]]] = {}
    for pair, task in design.moved.items():
        by_task.setdefault(task, []).append(pair)
    listed = len(design.moved) <= TABLE_NAMES_CAP
    return {task: TaskTables(pairs, listed) for task, pairs in by_task.items()}


def instance_state(design: MigrationDesign) -> dict[str, Any] | None:
    """The replication instance part of `deployedState`: None when the stack runs no instance."""
    ri, count = design.config.replication_instance, design.instance_count
    if not count:
        return None
    return {"engineVersion": ri.engine_version, "allocatedStorage": ri.allocated_storage, "count": count}


def check_transition(
    design: MigrationDesign, deployed: DeployedState | None, today: date | None = None
) -> list[Notice]:
    """Raise ConfigError (one line) for a change `pulumi up` must not make; return the notices it should show."""
    stack = design.stack
    if deployed is not None:
        _check_identity(stack, deployed)
    old_instance = deployed.replicationInstance if deployed else None
    notices = _check_instance(stack, design.instance_count, old_instance, today or _today())
    if deployed is None:
        if stack.config.allow_phase_back is not None:
            notices.append(
                warning("allow-phase-back-unused", "allowPhaseBack has no effect on a first deployment: remove it")
            )
        return notices + _first_up_starts_load(stack)
    notices += _check_phase(stack, deployed.phase)
    _check_tasks(stack, design.tasks, deployed.tasks)
    notices += _dropped_tasks(design.tasks, deployed.tasks) + _table_changes(design, deployed.tasks)
    return notices + _lob_changes(design.tasks, deployed.tasks)


def _first_up_starts_load(stack: Stack) -> list[Notice]:
    """No deployed state and migration.startTask true: the first `pulumi up` would create the tasks and start the
    load at once, before the endpoint tests and the premigration assessment the runbook runs while they are
    stopped (`test-connections` and `assess` need the tasks created and not started)."""
    cfg = stack.config
    if cfg.phase != "replicate" or not cfg.migration.start_task:
        return []
    text = (
        "migration.startTask is true and nothing is deployed yet: the first pulumi up starts the load before the "
        "endpoints are tested and the premigration assessment runs; deploy first with migration.startTask: false, "
        "run test-connections and assess (runbook), then set it true and pulumi up again"
    )
    return [warning("first-up-starts-load", text)]


def _today() -> date:
    return datetime.now(UTC).date()


def _check_identity(stack: Stack, deployed: DeployedState) -> None:
    p = stack.project
    if deployed.project is not None and (deployed.project, deployed.stack) != (stack.project, stack.stack):
        raise ConfigError(
            f"{DEPLOYED_STATE_OUTPUT}: these outputs belong to stack {deployed.project}/{deployed.stack}, not "
            f"{stack.project}/{stack.stack}"
        )
    if deployed.region is not None and deployed.region != stack.region:
        raise ConfigError(
            f"aws:region: the stack is deployed in {deployed.region}; changing the region would create every "
            f"resource anew in {stack.region} and delete the running migration in {deployed.region}. Keep "
            f"{deployed.region} ({p} migrates within one region)"
        )


def _check_instance(stack: Stack, count: int, deployed: DeployedInstance | None, today: date) -> list[Notice]:
    """The engine version DMS can create (or keeps running) and storage that only grows. An instance added to the
    deployed ones is a new instance: its version must still be creatable. DMS Serverless has no instance."""
    p, ri = stack.project, stack.config.replication_instance
    if count == 0:
        return []
    try:
        check = check_engine_version(
            ri.engine_version,
            today=today,
            new_instance=deployed is None or count > deployed.count,
            deployed=deployed.engineVersion if deployed else None,
        )
    except EngineVersionError as exc:
        raise ConfigError(f"{p}:replicationInstance.engineVersion: {exc}") from None
    if deployed is not None and ri.allocated_storage < deployed.allocatedStorage:
        # The guide documents growing the storage only (ModifyReplicationInstance); a smaller value is refused here
        # rather than sent to AWS in the middle of a migration.
        raise ConfigError(
            f"{p}:replicationInstance.allocatedStorage: {ri.allocated_storage} GB is less than the deployed "
            f"{deployed.allocatedStorage} GB; DMS storage cannot shrink: keep {deployed.allocatedStorage} or more"
        )
    notices = [warning("engine-version", w) for w in check.warnings]
    if deployed is not None and ri.engine_version != deployed.engineVersion:
        # DMS guide, "Working with replication engine versions": tasks left running are stopped by DMS before the
        # upgrade; tasks stopped by hand must be started by hand after it. (A downgrade is refused above.)
        text = (
            f"the replication instance upgrades its engine version {deployed.engineVersion} -> {ri.engine_version}: "
            "DMS stops every task on the instance for the upgrade (a few minutes) and CDC waits meanwhile; a task "
            "you stop by hand first must be started by hand after it"
        )
        notices.append(note("engine-upgrade", text))
    return notices


# What going back to a phase would do, by the phase it goes back to.
_BACK_TO = {
    "replicate": "restart the forward tasks over writes PostgreSQL took since cutover",
    "cutover": "stop the reverse task while PostgreSQL keeps taking writes Oracle then misses",
    "fallback": "restart replication after complete, on tasks and a slot that may be gone",
}


def _check_phase(stack: Stack, old: str) -> list[Notice]:
    p, cfg = stack.project, stack.config
    new, allowed = cfg.phase, cfg.allow_phase_back
    if allowed is not None and allowed != old:
        raise ConfigError(
            f"{p}:allowPhaseBack: is {allowed} but the deployed phase is {old}; it is a one-off for going back "
            f"from {allowed}: remove it"
        )
    if PHASES.index(new) < PHASES.index(old):
        if allowed == old:
            text = (
                f"phase goes back from {old} to {new} (allowPhaseBack: {old}); resources of the later phase are "
                "deleted, and protected ones stop this up: unprotect them first (pulumi state unprotect); remove "
                "allowPhaseBack after this up"
            )
            return [warning("phase-back", text, destructive=True)]
        raise ConfigError(
            f"{p}:phase: the stack is deployed at {old}; going back to {new} would {_BACK_TO[new]}. For a "
            f"deliberate exception (e.g. a cutover where the applications never wrote to PostgreSQL) set "
            f"{p}:allowPhaseBack: {old} for this one up"
        )
    if allowed is not None:
        text = f"allowPhaseBack: {allowed} has no effect: the phase does not go back; remove it"
        return [warning("allow-phase-back-unused", text)]
    if old == "replicate" and new == "fallback":
        raise ConfigError(
            f"{p}:phase: the stack is deployed at replicate; fallback runs the reverse task from the cutover "
            "position, so go through cutover first (replicate -> cutover -> fallback)"
        )
    if old == "replicate" and new == "complete":
        text = (
            "phase goes from replicate straight to complete: this abandons the migration (forward tasks stop, "
            "protection is lifted, nothing replicates any more)"
        )
        return [warning("abandon-migration", text, destructive=True)]
    return []


def _check_tasks(stack: Stack, specs: Sequence[TaskSpec], deployed_tasks: Mapping[str, DeployedTask]) -> None:
    p = stack.project
    for spec in specs:
        old = deployed_tasks.get(spec.task_id)
        if old is None:
            continue
        key = "migration.type" if spec.direction == "forward" else "reverse"
        if old.migrationType != spec.migration_type:
            raise ConfigError(
                f"{p}:{key}: task {spec.task_id} is deployed as {old.migrationType}; AWS cannot change a task's "
                "migration type (the provider stops the task, the modify fails and the task stays stopped). Keep "
                f"{old.migrationType}; a task of another type loads its tables again: remove this one first (unprotect "
                "it, pulumi up without it), then add the new one in a second up"
            )
        new_position = spec.cdc_start_position or spec.cdc_start_time
        if old.hasRun and old.cdcStartPosition != new_position:
            where = "migration.cdcStartPosition" if spec.direction == "forward" else "reverse.cdcStartPosition"
            raise ConfigError(
                f"{p}:{where}: task {spec.task_id} has run from {old.cdcStartPosition or 'now'}; moving it to "
                f"{new_position or 'now'} makes the provider restart it from there, skipping or repeating changes. "
                "Keep the deployed position"
            )


def _dropped_tasks(specs: Sequence[TaskSpec], deployed_tasks: Mapping[str, DeployedTask]) -> list[Notice]:
    """A deployed task that has run and that this up no longer has: pulumi up deletes it, its tables stop
    replicating (and a task of another name that takes them loads them again). Tasks of a direction the phase no
    longer has (a phase going back) are the phase's own notice, not this one."""
    kept = {s.task_id for s in specs}
    directions = {s.direction for s in specs}
    out = []
    for task_id, old in sorted(deployed_tasks.items()):
        if task_id in kept or not old.hasRun or old.direction not in directions:
            continue
        text = (
            f"deployed task {task_id} ({old.name}) has run and is no longer in the plan (config or sizing.planFile "
            "dropped or renamed it): pulumi up deletes it and its tables stop replicating; a task that takes them "
            "over loads them again"
        )
        out.append(warning("deployed-task-dropped", text, destructive=True))
    return out


def _table_changes(design: MigrationDesign, deployed_tasks: Mapping[str, DeployedTask]) -> list[Notice]:
    """A deployed forward task whose tables differ from its record: destructive once it has run (a table that moves
    in is loaded again, one that moves out stops replicating), a note before. A state written before the record
    is said once, never taken as "no change"."""
    records = table_records(design)
    kept = [(spec, deployed_tasks[spec.task_id]) for spec in design.tasks if spec.task_id in deployed_tasks]
    kept = [(spec, old) for spec, old in kept if spec.name in records]
    if any(old.tables is None for _, old in kept):
        text = (
            "the deployed state predates the per-task table record (deployedState tasks' tables): tables moved "
            "between tasks are not checked against it; the next pulumi up records them"
        )
        return [note("deployed-tables-unrecorded", text)]
    was_in = {n: old.name for _, old in kept if old.tables for n in old.tables.names or ()}
    now_in = {f"{o}.{t}": task for (o, t), task in design.moved.items()}
    out = []
    for spec, old in kept:
        new = records[spec.name]
        if old.tables is None or new.same_as(old.tables):
            continue
        detail = _tables_detail(old.tables, new, was_in, now_in)
        if old.hasRun:
            text = (
                f"task {spec.task_id} ({spec.name}) has run and its tables change ({detail}): a table that moves "
                "in is loaded again, one that moves out stops replicating"
            )
            out.append(warning("task-tables-change", text, destructive=True))
        else:
            out.append(
                note(
                    "task-tables-change", f"task {spec.task_id} ({spec.name}) has not run; its tables change ({detail})"
                )
            )
    return out


def _tables_detail(old: DeployedTables, new: TaskTables, was_in: Mapping[str, str], now_in: Mapping[str, str]) -> str:
    """Which tables move in and out (and from or to which task) when both sides list them, else the counts."""
    counts = f"{old.count} tables when deployed, {len(new.pairs)} now, not the same set"
    before, after = set(old.names or ()), set(new.names if new.listed else ())
    if old.names is None or not new.listed or before == after:  # names the record could not hold, or a bad digest
        return counts

    def shown(names: set[str], word: str, other: Mapping[str, str]) -> str:
        items = [f"{n} ({word} {other[n]})" if n in other else n for n in sorted(names)]
        return ", ".join(items[:10]) + (f" and {len(items) - 10} more" if len(items) > 10 else "")

    parts = []
    if after - before:
        parts.append(f"in: {shown(after - before, 'from', was_in)}")
    if before - after:
        parts.append(f"out: {shown(before - after, 'to', now_in)}")
    return "; ".join(parts)


# LOB limits. DMS guide, "Setting LOB support for source databases in an AWS DMS task": in limited LOB mode DMS
# truncates every LOB larger than the maximum LOB size (LobMaxSize, task settings) and, per table, the
# table-settings rule's `lob-settings` `bulk-max-size` ("Table and collection settings rules and operations") wins
# for that table; full LOB mode carries LOBs whole. So lowering either limit on a task that has run cuts LOBs that
# earlier loads carried whole (or stops the task under failTasksOnLobTruncation). InlineLobMaxSize only chooses
# between inline and lookup transfer in full LOB mode and truncates nothing, so lowering it is no risk.


def task_lob_limit(settings: Mapping[str, Any]) -> float:
    """The most of one LOB the task carries by its settings, in KB: LobMaxSize in limited mode, unbounded in full
    LOB mode, 0 without LOB support."""
    meta = settings.get("TargetMetadata") or {}
    if not meta.get("SupportLobs", True):
        return 0
    if meta.get("FullLobMode"):
        return math.inf
    return float(meta.get("LobMaxSize", 32))


def table_lob_limits(mappings: Mapping[str, Any], default: float) -> dict[str, float]:
    """Each table with a lob-settings rule -> the most of one LOB it carries, in KB."""
    out: dict[str, float] = {}
    for rule in mappings.get("rules", []):
        lob = rule.get("lob-settings") if rule.get("rule-type") == "table-settings" else None
        if not isinstance(lob, dict):
            continue
        where = rule.get("object-locator") or {}
        name = f"{where.get('schema-name')}.{where.get('table-name')}"
        mode = lob.get("mode")
        out[name] = math.inf if mode == "unlimited" else 0 if mode == "none" else _kb(lob.get("bulk-max-size"), default)
    return out


def _kb(value: Any, default: float) -> float:
    try:
        return float(value)
    except (TypeError, ValueError):
        return default


def lowered_lob_limits(
    old: tuple[float, Mapping[str, float] | None], new: tuple[float, Mapping[str, float]]
) -> list[tuple[str, float, float]]:
    """(what, old KB, new KB) for each limit lowered from old to new, each a (task limit, table limits): the task's
    LobMaxSize and each table's limit (a table whose rule goes away falls back to the task's limit)."""
    (old_task, old_tables), (new_task, new_tables) = old, new
    out = [("the task's LobMaxSize", old_task, new_task)] if new_task < old_task else []
    for table in sorted(old_tables or {}):
        after = new_tables.get(table, new_task)
        if after < (old_tables or {})[table]:
            out.append((f"{table} bulk-max-size", (old_tables or {})[table], after))
    return out


def lob_lowered_notice(task_id: str, what: str, was: float, now: float) -> Notice:
    """The destructive warning for one lowered LOB limit of a task that has run."""
    shown = {was: f"{was:g} KB", now: f"{now:g} KB", math.inf: "unlimited (full LOB mode)"}
    text = (
        f"task {task_id} has run and lowers {what} from {shown[was]} to {shown[now]}: LOBs longer than the new limit "
        "are truncated (or stop the task under failTasksOnLobTruncation) from now on"
    )
    return warning("lob-limit-lowered", text, destructive=True)


def lob_records(specs: Sequence[TaskSpec]) -> dict[str, dict[str, Any]]:
    """Each task's `lobs` record, by task id: its limit and its LOB tables' (while they are under the cap)."""
    limits = {s.task_id: _spec_limits(s) for s in specs}
    listed = sum(len(tables) for _, tables in limits.values()) <= TABLE_NAMES_CAP
    return {
        task_id: {
            "task": _recorded_kb(task),
            **({"tables": {t: _recorded_kb(kb) for t, kb in sorted(tables.items())}} if listed else {}),
        }
        for task_id, (task, tables) in limits.items()
    }


def _spec_limits(spec: TaskSpec) -> tuple[float, dict[str, float]]:
    task = task_lob_limit(spec.settings)
    return task, table_lob_limits(spec.mappings, task)


def _recorded_kb(kb: float) -> float | str:
    return "unlimited" if kb == math.inf else kb


def _read_kb(kb: float | str) -> float:
    return math.inf if kb == "unlimited" else float(kb)


def _lob_changes(specs: Sequence[TaskSpec], deployed_tasks: Mapping[str, DeployedTask]) -> list[Notice]:
    """A lowered LOB limit on a deployed task that has run: destructive. A state written before the LOB record is
    said once, never taken as "no change"."""
    ran = [(s, deployed_tasks[s.task_id]) for s in specs if s.task_id in deployed_tasks]
    ran = [(s, old) for s, old in ran if old.hasRun]
    if any(old.lobs is None for _, old in ran):
        text = (
            "the deployed state predates the LOB limit record (deployedState tasks' lobs): a lowered LobMaxSize or "
            "bulk-max-size is not checked against it; the next pulumi up records them"
        )
        return [note("deployed-lobs-unrecorded", text)]
    out = []
    for spec, old in ran:
        assert old.lobs is not None
        tables = None if old.lobs.tables is None else {t: _read_kb(kb) for t, kb in old.lobs.tables.items()}
        for what, was, now in lowered_lob_limits((_read_kb(old.lobs.task), tables), _spec_limits(spec)):
            out.append(lob_lowered_notice(spec.task_id, what, was, now))
    return out
