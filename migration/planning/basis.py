"""What every task builder reads: the stack and what is derived from it before any task is built."""

from __future__ import annotations

from dataclasses import dataclass

from migration.config import Stack, StackConfig
from migration.dms.identifiers import StackNames
from migration.inventory.model import Inventory
from migration.inventory.names import NameMap
from migration.planning.planner import MigrationPlan


@dataclass(frozen=True)
class Basis:
    """Worked out once per run by `migration.planning.design.resolve`: the inventory (read once), its name map
    under the stack's renames, the planner's split (`sizing.mode: auto`) and the replication instance count."""

    stack: Stack
    inventory: Inventory | None
    names: NameMap | None
    plan: MigrationPlan | None
    instance_count: int  # 0 on DMS Serverless

    @property
    def config(self) -> StackConfig:
        return self.stack.config

    @property
    def project(self) -> str:
        return self.stack.project

    @property
    def ids(self) -> StackNames:
        return StackNames(self.stack.project, self.stack.stack)
