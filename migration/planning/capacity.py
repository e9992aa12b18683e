"""DMS Serverless capacity: the DCU range a stack's replication configs get. Pure logic.

A DCU is 2 GB of memory (pulumi-aws ReplicationConfigComputeConfig, from the DMS API ComputeConfig); DMS
Serverless scales between min and max by itself. The stack's replicationInstance.instanceClass stands for the
size the planner sized the load for (its LOB buffers fit that class: migration.planning.memory), so the maximum
is the smallest DCU value holding that class's memory, and the minimum a quarter of it, for the quiet CDC hours.
Either can be set in capacity.minDcu / capacity.maxDcu.

Why one or the other (docs/capacity.md): replication instances have a fixed price and let the stack pin the
engine, run the reverse task from the cutover LSN and move tasks; DMS Serverless sizes itself, but takes no custom
CDC start point (no fallback from a captured LSN, no cdc task from an SCN) and no engine pin.
"""

from __future__ import annotations

import math

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
    default_low = max((v for v in DCU_VALUES if v <= high / 4), default=DCU_VALUES[0])
    low = cap.min_dcu or min(default_low, high)
    return low, high
