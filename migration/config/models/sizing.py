"""`inventory:` (the Oracle inventory exports), `sizing:` (how the planner splits tables into tasks) and the
throughput figures it plans with."""

from __future__ import annotations

from typing import Literal

from pydantic import Field, ValidationError, field_validator, model_validator

from migration._model import StrictModel
from migration.config.patterns import normalise_table_pattern
from migration.dms.limits import MAX_FULL_LOAD_SUBTASKS
from migration.inventory.objects import INTERVAL_PARTITIONS_AHEAD


class Throughput(StrictModel):
    """Throughput assumptions; a field left empty takes the instance class family's default rate.

    Set the fields from a pilot load (CloudWatch FullLoadThroughputBandwidthTarget, CDCThroughputBandwidthTarget)
    and the source change volume (archived redo per hour from V$ARCHIVED_LOG is an upper bound).
    """

    full_load_mb_per_s_per_stream: float | None = Field(
        default=None, gt=0, allow_inf_nan=False, description="Full-load MB/s of one stream (one subtask)."
    )
    instance_full_load_mb_per_s: float | None = Field(
        default=None, gt=0, allow_inf_nan=False, description="Full-load MB/s one instance reaches in total."
    )
    max_streams: int | None = Field(
        default=None, ge=1, le=MAX_FULL_LOAD_SUBTASKS, description="Streams per task (MaxFullLoadSubTasks)."
    )
    lob_penalty: float | None = Field(
        default=None, ge=1, allow_inf_nan=False, description="How many times slower LOB tables load per byte."
    )
    cdc_apply_mb_per_s: float | None = Field(
        default=None, gt=0, allow_inf_nan=False, description="MB/s of changes one instance applies."
    )
    change_rate_mb_per_s: float | None = Field(
        default=None, ge=0, allow_inf_nan=False, description="MB/s of changes the source produces."
    )


class InventoryConfig(StrictModel):
    """CSV exports of the Oracle inventory (migration/sql/oracle_inventory.sql), relative to the project root."""

    columns: str = Field(min_length=1, description="Path of the columns CSV export.")
    tables: str = Field(min_length=1, description="Path of the tables CSV export (sizes, row counts).")
    lobs: str | None = Field(default=None, description="Path of the LOB sizes CSV export.")
    keys: str | None = Field(default=None, description="Path of the primary/unique keys CSV export.")
    # The schema objects DMS does not move (DMS User Guide, "Best practices: Migration planning"): `inventory ddl
    # --part before-load|after-load|cutover` builds them; an export left out is named once in the plan.
    sequences: str | None = Field(
        default=None,
        description="Path of the sequences CSV export; at the write freeze, point it at a fresh export "
        "(oracle_sequences.sql) before `inventory ddl --part cutover`.",
    )
    identity: str | None = Field(default=None, description="Path of the identity columns CSV export.")
    defaults: str | None = Field(
        default=None, description="Path of the column defaults and virtual columns CSV export."
    )
    indexes: str | None = Field(default=None, description="Path of the secondary indexes CSV export.")
    foreign_keys: str | None = Field(default=None, description="Path of the foreign keys CSV export.")
    checks: str | None = Field(default=None, description="Path of the check constraints CSV export.")
    triggers: str | None = Field(default=None, description="Path of the triggers CSV export.")
    partitions: str | None = Field(default=None, description="Path of the partitioning CSV export.")
    partition_bounds: str | None = Field(
        default=None, description="Path of the partition bounds CSV export (range and list HIGH_VALUE)."
    )
    pause_before_cached_changes: bool = Field(
        default=True,
        description="With object exports and something to build after the load (indexes, unique keys, foreign "
        "keys, checks), full-load-and-cdc tasks stop after the full load, before "
        "applying cached changes (StopTaskCachedChangesNotApplied), so the DBA builds it outside the downtime "
        "window; false: no pause (the runbook builds it at cutover).",
    )
    interval_partitions_ahead: int = Field(
        default=INTERVAL_PARTITIONS_AHEAD,
        ge=0,
        le=10000,
        description="Partitions `inventory ddl --part before-load` creates past the exported ones on each "
        "interval-partitioned table (Oracle adds them as rows arrive, PostgreSQL does not): cover the migration "
        "until cutover (a monthly interval: 12 is a year; a daily interval needs more); rows beyond land in the DEFAULT "
        "partition, which the cutover part checks.",
    )
    unsupported_columns: Literal["fail", "remove-column", "exclude-table"] = Field(
        default="fail",
        description="What to do with a column DMS cannot migrate: fail the plan, remove the column, or exclude "
        "its table.",
    )


class SizingConfig(StrictModel):
    """`mode: auto` lets the planner split the tables into tasks from their sizes and the downtime window."""

    mode: Literal["manual", "auto"] = Field(
        default="manual",
        description="manual: migration.tasks (or one task); auto: the planner builds the tasks from the inventory "
        "(needs inventory and windowHours, no migration.tasks).",
    )
    window_hours: float | None = Field(
        default=None, gt=0, le=24 * 30, description="The allowed downtime in hours the full load must fit in."
    )
    preloaded: bool = Field(
        default=False,
        description="The target was loaded by other means (e.g. Data Pump at an SCN): plan for CDC only.",
    )
    groups: list[list[str]] = Field(
        default_factory=list,
        description="Lists of OWNER.TABLE names that must share one task (a mixed-case name in double quotes, as "
        'in migration.include: SHOP."OrderLines").',
    )
    max_tables_per_task: int = Field(
        default=200, ge=1, le=1000, description="The most tables the planner puts in a task."
    )
    throughput: dict[str, float] = Field(
        default_factory=dict,
        description="Measured throughput figures (keys below); a figure left out takes the instance-class default.",
    )
    key_ranges: dict[str, list[int]] = Field(
        default_factory=dict,
        description="SCHEMA.TABLE: [min, max] of a numeric key (SELECT MIN(key), MAX(key)), min < max: the "
        "planner loads the table in parallel ranges. A mixed-case name in double quotes, as in migration.include.",
    )
    # A migration-plan.json written by `plan` and committed: the task split stays as deployed even when the
    # inventory, the instance class or the throughput figures change (moving a table between running tasks
    # reloads it).
    plan_file: str | None = Field(
        default=None,
        min_length=1,
        description="A migration-plan.json written by `plan` and committed: the task split stays as deployed "
        "when the inventory, class or throughput change (moving a table between running tasks reloads it).",
    )

    @field_validator("groups")
    @classmethod
    def _groups(cls, v: list[list[str]]) -> list[list[str]]:
        return [[normalise_table_pattern(t, qualified=True, wildcards=False) for t in group] for group in v]

    @field_validator("key_ranges")
    @classmethod
    def _ranges(cls, v: dict[str, list[int]]) -> dict[str, list[int]]:
        v = {normalise_table_pattern(t, qualified=True, wildcards=False): b for t, b in v.items()}
        for table, bounds in v.items():
            bad_type = any(isinstance(b, bool) for b in bounds)
            if bad_type or "." not in table or len(bounds) != 2 or bounds[0] >= bounds[1]:
                raise ValueError(
                    f"{table}: give SCHEMA.TABLE: [min, max] with min < max (from SELECT MIN(key), MAX(key))"
                )
        return v

    @model_validator(mode="after")
    def _auto(self) -> SizingConfig:
        if self.mode == "auto" and self.window_hours is None:
            raise ValueError("mode auto needs windowHours (the allowed downtime in hours)")
        if self.throughput:
            try:
                Throughput.model_validate(self.throughput)
            except ValidationError as exc:
                err = exc.errors()[0]
                raise ValueError(f"throughput.{'.'.join(str(x) for x in err['loc'])}: {err['msg']}") from None
        return self
