"""One stack's migration, worked out once: `resolve(stack)` derives everything from the validated stack config
(inventory, names, plan, every task with its typed rules, the tables that move, instances, CA bundles, phase) and
returns an immutable `MigrationDesign` that the Pulumi program and every offline command read.

Nothing here is cached between calls: each run resolves its stack once and hands the design on.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType

from migration.config import ConfigError, Stack, StackConfig, read_ca_bundle
from migration.dms.identifiers import StackNames
from migration.inventory.model import Inventory
from migration.inventory.names import NameMap
from migration.inventory.objects import SchemaObjects
from migration.notices import Notice
from migration.planning.basis import Basis
from migration.planning.forward import forward_tasks
from migration.planning.left_behind import LeftBehind, left_behind, left_behind_notices
from migration.planning.lifecycle import PhaseState, phase_state
from migration.planning.naming import check_patterns, stack_names
from migration.planning.plan_source import instance_count, work_out_plan
from migration.planning.planner import MigrationPlan
from migration.planning.post_load import (
    missing_exports_notice,
    pause_retention_notice,
    post_load_notice,
    reverse_identity_notice,
    with_pause,
)
from migration.planning.reverse import reverse_task
from migration.planning.scopes import check_task_scopes
from migration.planning.selection import Pair
from migration.planning.spec import TaskSpec
from migration.planning.stack_inventory import load_stack_inventory, load_stack_objects
from migration.planning.validation_task import validation_task


@dataclass(frozen=True)
class MigrationDesign:
    stack: Stack
    inventory: Inventory | None
    names: NameMap | None  # the inventory's names both ways (None without an inventory)
    plan: MigrationPlan | None  # the planner's split (sizing.mode auto), frozen or fresh
    forward: tuple[TaskSpec, ...]  # the forward tasks that move data
    validation: TaskSpec | None  # the ValidationOnly task, when configured
    reverse: TaskSpec | None  # the fallback task, once the phase creates it
    moved: Mapping[Pair, str]  # inventory table -> the forward task that moves it ({} without an inventory)
    instance_count: int  # replication instances (0 on DMS Serverless)
    ca_bundles: Mapping[str, str]  # PEM bundles to import, by endpoint role
    phase: PhaseState
    notices: tuple[Notice, ...]  # about the stack as a whole, printed once
    # The schema objects DMS does not move (sequences, indexes, ...; None without an inventory)
    objects: SchemaObjects | None = None
    # Every table and column no task moves, why, and how to move it by hand
    left_behind: tuple[LeftBehind, ...] = ()

    @property
    def config(self) -> StackConfig:
        return self.stack.config

    @property
    def ids(self) -> StackNames:
        return StackNames(self.stack.project, self.stack.stack)

    @property
    def instance_ids(self) -> list[str]:
        return self.ids.instance_ids(self.instance_count)

    @property
    def tasks(self) -> list[TaskSpec]:
        """Every task the stack runs: the forward ones, the validation task, then the reverse task."""
        extra = [t for t in (self.validation, self.reverse) if t is not None]
        return [*self.forward, *extra]


def resolve(stack: Stack) -> MigrationDesign:
    """Work the stack's migration out, once; every problem is a one-line ConfigError before any resource."""
    bundles = ca_bundles(stack)  # unreadable certificate files stop here, before anything else
    inv = load_stack_inventory(stack)
    if inv is not None:
        check_patterns(stack, inv)  # every include/exclude pattern must match a table of the inventory
    plan = work_out_plan(stack, inv)
    names = stack_names(stack, inv) if inv is not None else None
    basis = Basis(stack, inv, names, plan, instance_count(stack.config, plan))
    built = forward_tasks(basis)
    if not built.specs:
        raise ConfigError(
            f"{stack.project}:migration: no forward task is left to run (every table excluded?)", key="migration"
        )
    moved = check_task_scopes(basis, built.specs)
    objects = load_stack_objects(stack, inv) if inv is not None else None
    forward = with_pause(stack, objects, inv, moved, built.specs)
    behind = left_behind(stack, inv, objects, forward, moved, names)
    notices = [
        *built.notices,
        *missing_exports_notice(objects),
        *post_load_notice(stack, objects, inv, forward, set(moved)),
        *pause_retention_notice(stack, built.plan, objects, inv, forward, set(moved)),
        *reverse_identity_notice(stack, objects, set(moved)),
        *left_behind_notices(behind),
    ]
    return MigrationDesign(
        stack=stack,
        inventory=inv,
        names=names,
        plan=built.plan,
        forward=tuple(forward),
        validation=validation_task(basis),
        reverse=reverse_task(basis, built.specs, moved),
        moved=MappingProxyType(dict(moved)),
        instance_count=basis.instance_count,
        ca_bundles=MappingProxyType(bundles),
        phase=phase_state(stack.config),
        notices=tuple(notices),
        objects=objects,
        left_behind=tuple(behind),
    )


def ca_bundles(stack: Stack) -> dict[str, str]:
    """PEM bundles to import into DMS, by endpoint role (errors as config lines)."""
    cfg = stack.config
    conns = {"target": cfg.target, "reverse.postgresSource": cfg.reverse.postgres_source}
    out = {}
    for key, conn in conns.items():
        pem = read_ca_bundle(stack, key, conn)
        if pem is not None:
            out[key] = pem
    return out
