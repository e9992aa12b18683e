"""DMS Serverless capacity: the DCU range a stack's replication configs get. Pure logic.

A DCU is 2 GB of memory (pulumi-aws ReplicationConfigComputeConfig, from the DMS API ComputeConfig); DMS
Serverless scales between min and max by itself. The stack's replicationInstance.instanceClass stands for the
size the planner sized the load for (its LOB buffers fit that class: migration.planning.memory), so the maximum
is the smallest DCU value holding that class's memory. The minimum is the floor DMS scales a replication down to
when the source is quiet ("If there is no current source activity, DMS scales down your replication until it
reaches the value specified in MinCapacityUnits": DMS API ComputeConfig): a quarter of the replication's own need,
and a replication's need is the maximum scaled by its bytes over the largest replication's (the planner sized the
largest at that class), so a small task does not idle at the floor the biggest one needs. Either can be set in
capacity.minDcu / capacity.maxDcu (a set minDcu applies to every replication).

Why one or the other (docs/capacity.md): replication instances have a fixed price and let the stack pin the
engine, run the reverse task from the cutover LSN and move tasks; DMS Serverless sizes itself, but takes no custom
CDC start point (no fallback from a captured LSN, no cdc task from an SCN) and no engine pin.
"""

from __future__ import annotations

import math
from collections.abc import Mapping

from migration.config import DCU_VALUES, StackConfig
from migration.dms.limits import INSTANCE_CLASSES

GB_PER_DCU = 2


def dcu_for_memory(memory_gib: float) -> int:
    """The smallest DCU value with at least `memory_gib` of memory (the largest value if none is enough)."""
    need = math.ceil(memory_gib / GB_PER_DCU)
    return next((v for v in DCU_VALUES if v >= need), DCU_VALUES[-1])


def serverless_dcu(cfg: StackConfig) -> tuple[int, int]:
    """(min, max) DCU for the stack's replication configs."""
    cap = cfg.capacity
    high = cap.max_dcu or dcu_for_memory(INSTANCE_CLASSES[cfg.replication_instance.instance_class][1])
    low = cap.min_dcu or min(_quarter(high), high)
    return low, high


def _quarter(need: float) -> int:
    """The largest DCU value at most a quarter of `need` (at least the smallest value)."""
    return max((v for v in DCU_VALUES if v <= need / 4), default=DCU_VALUES[0])


def serverless_min_dcus(cfg: StackConfig, task_bytes: Mapping[str, int]) -> dict[str, int]:
    """Each replication's MinCapacityUnits by task name, from its share of the bytes (`task_bytes`, the plan's):
    capacity.minDcu when set, else a quarter of its need, the DCU value holding the maximum's memory scaled by its
    bytes over the largest task's. Tasks not in `task_bytes` (no plan) keep `serverless_dcu`'s minimum."""
    low, high = serverless_dcu(cfg)
    largest = max(task_bytes.values(), default=0)
    if cfg.capacity.min_dcu or largest <= 0:
        return {name: low for name in task_bytes}
    return {
        name: min(_quarter(dcu_for_memory(high * GB_PER_DCU * size / largest)), low)
        for name, size in task_bytes.items()
    }
