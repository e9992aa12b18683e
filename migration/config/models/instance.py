"""`replicationInstance:` (the instance's class, storage, engine and maintenance) and `capacity:` (how many
instances, or DMS Serverless capacity units)."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field, field_validator, model_validator

from migration._model import StrictModel
from migration.config.errors import did_you_mean
from migration.config.patterns import (
    DAYS,
    ENGINE_VERSION_RE,
    MAINTENANCE_WINDOW_RE,
    check_kms_key_arn,
    check_pattern,
)
from migration.dms.engine_versions import DEFAULT_ENGINE_VERSION
from migration.dms.limits import INSTANCE_CLASSES, MAX_REPLICATION_INSTANCES, MAX_STORAGE_GB


class ReplicationInstanceConfig(StrictModel):
    """The DMS replication instance(s) the tasks run on (capacity.mode: instances)."""

    instance_class: str = Field(
        default="dms.t3.medium",
        description="ReplicationInstanceClass: a DMS instance class dms.<family>.<size> of the families t3, c5, c6i, "
        "r5, r6i (e.g. dms.r6i.large).",
    )
    allocated_storage: int = Field(
        default=50, ge=5, le=MAX_STORAGE_GB, description="AllocatedStorage in GB (task logs, cached changes)."
    )
    engine_version: str = Field(
        default=DEFAULT_ENGINE_VERSION,
        description="EngineVersion: a pinned DMS engine version like 3.5.4, in quotes (YAML reads 3.6 as a number).",
    )
    multi_az: bool = Field(default=False, description="MultiAZ: a standby instance in another AZ.")
    publicly_accessible: bool = Field(default=False, description="PubliclyAccessible: a public IP for the instance.")
    kms_key_arn: str | None = Field(
        default=None,
        description="KmsKeyArn encrypting the instance's storage: a key ARN (…:key/<id>), never an alias ARN (that "
        "would replace the instance on every pulumi up). Default: the AWS managed key.",
    )
    auto_minor_version_upgrade: bool = Field(
        default=False, description="AutoMinorVersionUpgrade: let AWS upgrade the engine in the maintenance window."
    )
    preferred_maintenance_window: str | None = Field(
        default=None,
        description="PreferredMaintenanceWindow as ddd:hh:mm-ddd:hh:mm in UTC (e.g. sun:03:00-sun:04:00), at least "
        "30 minutes. Default: one AWS picks.",
    )
    apply_immediately: bool = Field(
        default=False,
        description="Apply class/storage changes now (the instance reboots, interrupting running tasks briefly; "
        "multi-AZ fails over) instead of in the maintenance window.",
    )

    @field_validator("instance_class")
    @classmethod
    def _class(cls, v: str) -> str:
        if v not in INSTANCE_CLASSES:
            families = sorted({c.split(".")[1] for c in INSTANCE_CLASSES})
            raise ValueError(
                f"must be a DMS instance class dms.<family>.<size>, family one of {', '.join(families)} "
                f"(e.g. dms.r6i.large), got {v!r}{did_you_mean(v, list(INSTANCE_CLASSES))}"
            )
        return v

    @field_validator("engine_version", mode="before")
    @classmethod
    def _engine(cls, v: Any) -> Any:
        if isinstance(v, float):  # YAML reads 3.6 as a number
            raise ValueError(f"must be a pinned DMS engine version like 3.6.1 in quotes, got the number {v}")
        return (
            v
            if not isinstance(v, str)
            else check_pattern(v, ENGINE_VERSION_RE, "must be a pinned DMS engine version like 3.5.4")
        )

    @field_validator("kms_key_arn")
    @classmethod
    def _kms(cls, v: str | None) -> str | None:
        return check_kms_key_arn(v)

    @field_validator("preferred_maintenance_window")
    @classmethod
    def _window(cls, v: str | None) -> str | None:
        if v is None:
            return None
        v = check_pattern(
            v.lower(), MAINTENANCE_WINDOW_RE, "must look like sun:03:00-sun:04:00 (UTC, at least 30 minutes)"
        )
        minutes = []
        for part in v.split("-"):
            day, hh, mm = part.split(":")
            if int(hh) > 23 or int(mm) > 59:
                raise ValueError(f"{part} is not a time of day (hh 00-23, mm 00-59)")
            minutes.append(DAYS.index(day) * 1440 + int(hh) * 60 + int(mm))
        if (minutes[1] - minutes[0]) % (7 * 1440) < 30:
            raise ValueError(f"must last at least 30 minutes, got {v}")
        return v


# DMS Serverless capacity units (DCU; one DCU is 2 GB of memory): the values ReplicationConfig accepts
# (pulumi-aws ReplicationConfigComputeConfig; DMS API ComputeConfig).
DCU_VALUES = (1, 2, 4, 8, 16, 32, 64, 128, 192, 256, 384)


class CapacityConfig(StrictModel):
    """Where the tasks run: `instances` replication instances of replicationInstance.instanceClass (auto: the
    fewest the planner finds meeting sizing.windowHours), or DMS Serverless replication configs."""

    mode: Literal["instances", "serverless"] = Field(
        default="instances",
        description="instances: replication instances of replicationInstance.instanceClass; serverless: DMS Serverless "
        "replication configs (no reverse task, no custom CDC start point).",
    )
    instances: int | Literal["auto"] = Field(
        default=1,
        description=f"How many replication instances (1..{MAX_REPLICATION_INSTANCES}, the DMS quota per region), or "
        "auto: the fewest the planner finds meeting sizing.windowHours (needs sizing.mode: auto).",
    )
    min_dcu: int | None = Field(
        default=None,
        description=f"Serverless MinCapacityUnits in DCU, one of {', '.join(map(str, DCU_VALUES))}. Default: the "
        "planner's estimate.",
    )
    max_dcu: int | None = Field(
        default=None,
        description="Serverless MaxCapacityUnits in DCU (same values), at least minDcu. Default: the planner's "
        "estimate from the instance class.",
    )

    @field_validator("instances")
    @classmethod
    def _count(cls, v: int | str) -> int | str:
        if isinstance(v, int) and not 1 <= v <= MAX_REPLICATION_INSTANCES:
            raise ValueError(
                f"must be 1..{MAX_REPLICATION_INSTANCES} (DMS quota: replication instances per region) or auto, got {v}"
            )
        return v

    @field_validator("min_dcu", "max_dcu")
    @classmethod
    def _dcu(cls, v: int | None) -> int | None:
        if v is not None and v not in DCU_VALUES:
            raise ValueError(f"must be one of {', '.join(map(str, DCU_VALUES))} (DMS capacity units), got {v}")
        return v

    def instances_or(self, default: int) -> int:
        """The configured count, or `default` for auto."""
        return default if self.instances == "auto" else int(self.instances)

    @model_validator(mode="before")
    @classmethod
    def _count_words(cls, data: Any) -> Any:
        """One line for a count that is neither a number nor auto (pydantic would report both union arms)."""
        if isinstance(data, dict) and "instances" in data:
            v = data["instances"]
            if isinstance(v, bool) or not (isinstance(v, int) or v == "auto"):
                raise ValueError(f"instances: must be 1..{MAX_REPLICATION_INSTANCES} or auto, got {v!r}")
        return data

    @model_validator(mode="after")
    def _consistent(self) -> CapacityConfig:
        if self.mode == "serverless" and self.instances != 1:
            raise ValueError("instances applies to mode: instances; serverless sizes itself in DCU (minDcu, maxDcu)")
        if self.mode == "instances" and (self.min_dcu is not None or self.max_dcu is not None):
            raise ValueError("minDcu/maxDcu apply to mode: serverless")
        if self.min_dcu is not None and self.max_dcu is not None and self.min_dcu > self.max_dcu:
            raise ValueError(f"minDcu {self.min_dcu} is above maxDcu {self.max_dcu}")
        if self.min_dcu is not None and self.max_dcu is None and self.min_dcu > 16:
            raise ValueError(f"minDcu {self.min_dcu} needs maxDcu at least as large (the default follows the class)")
        return self
