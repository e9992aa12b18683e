"""Throughput: the planning defaults per instance family and the rates one plan runs on.

The figures are planning defaults, not AWS numbers: AWS publishes no fixed rows/s (or MB/s) per replication
instance figure (AWS DMS User Guide, "Best practices for AWS Database Migration Service"), so every estimate is
only as good as the `Throughput` it is given; replace the defaults with a pilot-load measurement of the largest
tables."""

from __future__ import annotations

from dataclasses import dataclass

from migration.config import Throughput
from migration.dms.limits import DEFAULT_FULL_LOAD_SUBTASKS, INSTANCE_CLASSES
from migration.planning.planner.model import PlannerError

MB = 1_000_000
GB = 1_000_000_000

# Planning defaults per family: (full-load MB/s per stream, instance full-load MB/s per vCPU, CDC apply MB/s per
# vCPU). Source: none -- AWS publishes no fixed rows/s per instance figure (AWS DMS User Guide, "Best practices
# for AWS Database Migration Service"); these are this project's conservative guesses (one stream = one OCI unload + one
# PostgreSQL COPY; 6i ~15% faster than 5 as AWS states for the EC2 generation; t3 limited by CPU credits; r has
# the memory to apply CDC without spilling). Measure a pilot load and pass a `Throughput`.
FAMILY_RATES: dict[str, tuple[float, float, float]] = {
    "t3": (4.0, 4.0, 0.25),
    "c5": (10.0, 10.0, 0.5),
    "r5": (10.0, 10.0, 1.0),
    "c6i": (12.0, 12.0, 0.6),
    "r6i": (12.0, 12.0, 1.2),
}
INSTANCE_CAP_MB_PER_S = 500.0  # beyond this the source and target databases, not DMS, set the pace (guess)
DEFAULT_LOB_PENALTY = 3.0  # AWS only says limited LOB mode is "significantly faster" than full; no figure exists
DEFAULT_DAILY_CHANGE_FRACTION = 0.02  # share of the migrated bytes changed per day when no change rate is given


@dataclass(frozen=True)
class Rates:
    stream: float  # bytes/s per stream
    instance: float  # bytes/s for the whole instance
    max_streams: int
    lob_penalty: float
    cdc_apply: float  # bytes/s
    change: float  # bytes/s of source changes to the migrated tables
    change_assumed: bool


def vcpus(instance_class: str) -> int:
    """The class's vCPU count; an unknown class is a PlannerError naming the allowed families."""
    if instance_class not in INSTANCE_CLASSES:
        families = sorted({c.rsplit(".", 1)[0] for c in INSTANCE_CLASSES})
        raise PlannerError(
            "instance_class",
            f" {instance_class!r} is not a known DMS class; allowed: {', '.join(families)} "
            f"with sizes large..24xlarge (t3: micro..large), e.g. dms.r6i.xlarge",
        )
    return INSTANCE_CLASSES[instance_class][0]


def default_throughput(instance_class: str) -> Throughput:
    """The planning defaults for one class (change rate stays empty: it depends on the inventory)."""
    vcpu = vcpus(instance_class)
    stream, per_vcpu, cdc_per_vcpu = FAMILY_RATES[instance_class.split(".")[1]]
    return Throughput(
        full_load_mb_per_s_per_stream=stream,
        instance_full_load_mb_per_s=min(INSTANCE_CAP_MB_PER_S, vcpu * per_vcpu),
        max_streams=DEFAULT_FULL_LOAD_SUBTASKS,
        lob_penalty=DEFAULT_LOB_PENALTY,
        cdc_apply_mb_per_s=vcpu * cdc_per_vcpu,
    )


def rates_for(
    instance_class: str, throughput: Throughput | None, total_bytes: int, scale_from: str | None = None
) -> Rates:
    """Class defaults overlaid with the given throughput; instance-bound overrides scale by vCPU when the
    rates are wanted for another class than the one they were measured on (`scale_from`)."""
    base = default_throughput(instance_class)
    given = throughput or Throughput()
    factor = 1.0
    if scale_from is not None:
        factor = vcpus(instance_class) / vcpus(scale_from)
    inst = given.instance_full_load_mb_per_s
    cdc = given.cdc_apply_mb_per_s
    change = given.change_rate_mb_per_s
    return Rates(
        stream=(given.full_load_mb_per_s_per_stream or base.full_load_mb_per_s_per_stream or 0.0) * MB,
        instance=(inst * factor if inst else base.instance_full_load_mb_per_s or 0.0) * MB,
        max_streams=given.max_streams or base.max_streams or DEFAULT_FULL_LOAD_SUBTASKS,
        lob_penalty=given.lob_penalty or base.lob_penalty or DEFAULT_LOB_PENALTY,
        cdc_apply=(cdc * factor if cdc else base.cdc_apply_mb_per_s or 0.0) * MB,
        change=change * MB if change is not None else total_bytes * DEFAULT_DAILY_CHANGE_FRACTION / 86400,
        change_assumed=change is None,
    )
