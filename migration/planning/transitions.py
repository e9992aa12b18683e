"""What the deployed stack is, and which changes from it `pulumi up` may make. Pure logic.

The program exports `deployedState` (phase, the cutover position, each task's migration type and start position)
and reads its own last outputs back through a self StackReference (pulumi/pulumi issue #3722), so the rules below
hold under `pulumi up`, not only in the offline preview:
- the phase never goes back (fallback -> replicate restarts the forward tasks over writes PostgreSQL took since
  cutover) unless `allowPhaseBack` names the deployed phase, a deliberate one-off such as after a cutover `up`
  that failed before PostgreSQL took writes;
- `replicate -> fallback` skips the cutover and is refused; `replicate -> complete` abandons the migration
  (allowed, and said);
- a deployed task keeps its migration type: AWS refuses the change after the provider has stopped the task,
  leaving CDC stopped (DMS guide CHAP_Tasks.Modifying; migration.dms.provider_facts);
- a task that has been running keeps its CDC start position: a new one restarts it from another point, skipping
  or repeating changes.
A first deployment (no outputs yet) passes.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, date, datetime
from typing import Any

from migration.config.model import PHASES, ConfigError, Stack
from migration.dms.engine_versions import EngineVersionError, check_engine_version
from migration.planning.lifecycle import phase_state
from migration.planning.tasks import TaskSpec

DEPLOYED_STATE_OUTPUT = "deployedState"


def deployed_state(stack: Stack, specs: Sequence[TaskSpec]) -> dict[str, Any]:
    """The stack output the next `pulumi up` checks its changes against (plain values, no secrets)."""
    cfg = stack.config
    state = phase_state(cfg)
    tasks = {
        spec.task_id: {
            "name": spec.name,
            "direction": spec.direction,
            "migrationType": spec.migration_type,
            "cdcStartPosition": spec.cdc_start_position or spec.cdc_start_time,
            "running": spec.start and (state.forward_running if spec.direction == "forward" else state.reverse_running),
        }
        for spec in specs
    }
    return {
        "phase": cfg.phase,
        "reverseCdcStartPosition": cfg.reverse.cdc_start_position,
        "replicationInstance": {
            "engineVersion": cfg.replication_instance.engine_version,
            "allocatedStorage": cfg.replication_instance.allocated_storage,
        },
        "tasks": tasks,
    }


def check_transition(
    stack: Stack, specs: Sequence[TaskSpec], deployed: Mapping[str, Any] | None, today: date | None = None
) -> list[str]:
    """Raise ConfigError (one line) for a change `pulumi up` must not make; return the warnings it should show."""
    instance = deployed.get("replicationInstance") if deployed else None
    instance = instance if isinstance(instance, Mapping) else {}
    warnings = _check_instance(stack, instance, today or datetime.now(UTC).date())
    if not deployed:
        return warnings  # first deployment: no phase or task to compare with
    warnings += _check_phase(stack, str(deployed.get("phase", "")))
    _check_tasks(stack, specs, deployed.get("tasks") or {})
    return warnings


def _check_instance(stack: Stack, deployed: Mapping[str, Any], today: date) -> list[str]:
    """The engine version DMS can create (or keeps running) and storage that only grows."""
    p, ri = stack.project, stack.config.replication_instance
    old_version = deployed.get("engineVersion")
    try:
        check = check_engine_version(
            ri.engine_version,
            today=today,
            new_instance=not isinstance(old_version, str),
            deployed=old_version if isinstance(old_version, str) else None,
        )
    except EngineVersionError as exc:
        raise ConfigError(f"{p}:replicationInstance.engineVersion: {exc}") from None
    old_storage = deployed.get("allocatedStorage")
    if isinstance(old_storage, (int, float)) and ri.allocated_storage < old_storage:
        # The guide documents growing the storage only (ModifyReplicationInstance); a smaller value is refused here
        # rather than sent to AWS in the middle of a migration.
        raise ConfigError(
            f"{p}:replicationInstance.allocatedStorage: {ri.allocated_storage} GB is less than the deployed "
            f"{int(old_storage)} GB; DMS storage cannot shrink: keep {int(old_storage)} or more"
        )
    return list(check.warnings)


def _check_phase(stack: Stack, old: str) -> list[str]:
    p, cfg = stack.project, stack.config
    new, allowed = cfg.phase, cfg.allow_phase_back
    if old not in PHASES:
        return []
    if allowed is not None and allowed != old:
        raise ConfigError(
            f"{p}:allowPhaseBack: is {allowed} but the deployed phase is {old}; it is a one-off for going back "
            f"from {allowed}: remove it"
        )
    if PHASES.index(new) < PHASES.index(old):
        if allowed == old:
            return [f"phase goes back from {old} to {new} (allowPhaseBack: {old}); remove allowPhaseBack after this up"]
        raise ConfigError(
            f"{p}:phase: the stack is deployed at {old}; going back to {new} would restart the forward tasks over "
            "writes PostgreSQL took since cutover. If PostgreSQL took no writes (e.g. a cutover up that failed), "
            f"set {p}:allowPhaseBack: {old} for this one up"
        )
    if old == "replicate" and new == "fallback":
        raise ConfigError(
            f"{p}:phase: the stack is deployed at replicate; fallback runs the reverse task from the cutover "
            "position, so go through cutover first (replicate -> cutover -> fallback)"
        )
    if old == "replicate" and new == "complete":
        return [
            "phase goes from replicate straight to complete: this abandons the migration (forward tasks stop, "
            "protection is lifted, nothing replicates any more)"
        ]
    return []


def _check_tasks(stack: Stack, specs: Sequence[TaskSpec], deployed_tasks: Mapping[str, Any]) -> None:
    p = stack.project
    for spec in specs:
        old = deployed_tasks.get(spec.task_id)
        if not isinstance(old, Mapping):
            continue
        key = "migration.type" if spec.direction == "forward" else "reverse"
        if old.get("migrationType") not in (None, spec.migration_type):
            raise ConfigError(
                f"{p}:{key}: task {spec.task_id} is deployed as {old['migrationType']}; AWS cannot change a task's "
                "migration type (the provider stops the task, the modify fails and the task stays stopped). Keep "
                f"{old['migrationType']}, or run {spec.migration_type} as a new task under a new name (its tables "
                "load again)"
            )
        new_position = spec.cdc_start_position or spec.cdc_start_time
        if old.get("running") and old.get("cdcStartPosition") != new_position:
            where = "migration.cdcStartPosition" if spec.direction == "forward" else "reverse.cdcStartPosition"
            raise ConfigError(
                f"{p}:{where}: task {spec.task_id} has been running from {old.get('cdcStartPosition') or 'now'}; "
                f"moving it to {new_position or 'now'} makes the provider stop it and restart it from there, "
                "skipping or repeating changes. Keep the deployed position"
            )
