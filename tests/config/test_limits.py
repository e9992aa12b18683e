"""Config ranges that are DMS limits come from migration.dms.limits (one home per fact), and the phases are listed
once, in the order a migration goes through them."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from migration.config import (
    PHASES,
    CapacityConfig,
    MonitoringConfig,
    ReplicationInstanceConfig,
    TaskConfig,
    Throughput,
)
from migration.dms.limits import MAX_FULL_LOAD_SUBTASKS, MAX_REPLICATION_INSTANCES, MAX_STORAGE_GB


@pytest.mark.parametrize(
    ("build", "limit"),
    [
        (lambda n: CapacityConfig(instances=n), MAX_REPLICATION_INSTANCES),
        (lambda n: TaskConfig(name="orders", include=["%"], instance=n), MAX_REPLICATION_INSTANCES),
        (lambda n: ReplicationInstanceConfig(allocated_storage=n), MAX_STORAGE_GB),
        (lambda n: MonitoringConfig(free_storage_gb=n), MAX_STORAGE_GB),
        (lambda n: Throughput(max_streams=n), MAX_FULL_LOAD_SUBTASKS),
    ],
    ids=["capacity.instances", "tasks.instance", "allocatedStorage", "freeStorageGb", "throughput.maxStreams"],
)
def test_the_dms_limit_is_the_largest_value_accepted(build, limit) -> None:
    build(limit)
    with pytest.raises(ValidationError):
        build(limit + 1)


def test_the_instance_quota_is_named_in_the_capacity_message() -> None:
    with pytest.raises(ValidationError, match=rf"must be 1\.\.{MAX_REPLICATION_INSTANCES} \(DMS quota"):
        CapacityConfig(instances=MAX_REPLICATION_INSTANCES + 1)


def test_phases_run_in_migration_order() -> None:
    assert PHASES == ("replicate", "cutover", "fallback", "complete")
