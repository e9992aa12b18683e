"""Batch-optimized apply (issue 22): on for the forward CDC tasks whose every table DMS can batch, the tables it
cannot take in tasks apart, tuning planned from the change rate, overrides checked against the real rules."""

from __future__ import annotations

from pathlib import Path

import pytest

from migration.config import ConfigError
from migration.config.stackfile import read_stack_file
from migration.planning.design import resolve
from migration.planning.planner import (
    DEFAULT_BATCH_APPLY_MEMORY_MB,
    batch_apply_blocker,
    batch_apply_memory_mb,
    plan_migration,
)
from tests.planning.test_planner import XL, Col, tab

ROOT = Path(__file__).resolve().parents[2]


def _prod(*overrides):
    return {s.name: s for s in resolve(read_stack_file(ROOT, "prod", list(overrides)).load()).forward}


def _batch(spec) -> bool:
    return spec.settings["TargetMetadata"]["BatchApplyEnabled"]


def test_each_documented_limit_keeps_a_table_out_of_batch_apply():
    assert batch_apply_blocker(tab("OK", 1)) is None
    assert batch_apply_blocker(tab("NK", 1, has_primary_key=False)) == "no primary or unique key"
    assert "both a primary key and a unique constraint" in batch_apply_blocker(tab("PKUK", 1, has_unique_key=True))
    wide = tab("WIDE", 1, columns=[Col(f"C{i}", "NUMBER") for i in range(500)])  # 2 x 500 + 1 > 999
    assert batch_apply_blocker(wide) == "2 x 500 columns + key columns = 1001 > 999"
    fits = tab("FITS", 1, columns=[Col(f"C{i}", "NUMBER") for i in range(499)])  # 2 x 499 + 1 = 999
    assert batch_apply_blocker(fits) is None
    xml = tab("XML", 1, columns=[Col("ID", "NUMBER"), Col("DOC", "XMLTYPE")])
    assert batch_apply_blocker(xml) == "XMLTYPE column(s) DOC"


def test_the_planner_puts_tables_batch_apply_cannot_take_in_tasks_apart():
    tables = [tab("A", 1 << 30), tab("B", 1 << 30), tab("PKUK", 1 << 30, has_unique_key=True)]
    plan = plan_migration(tables, window_hours=8, instance_class=XL)
    row = next(t for t in plan.tasks if ("APP", "PKUK") in t.tables)
    assert row.name.startswith("rowapply-")
    assert row.tables == (("APP", "PKUK"),)
    assert "kept apart so the other tasks apply changes in batches" in row.reason


def test_prod_forward_cdc_tasks_batch_where_dms_supports_it():
    specs = _prod()
    assert _batch(specs["big-orders"])  # ORDERS: a primary key only
    tuning = specs["big-orders"].settings["ChangeProcessingTuning"]
    assert tuning["BatchApplyMemoryLimit"] == DEFAULT_BATCH_APPLY_MEMORY_MB
    assert (tuning["BatchApplyTimeoutMin"], tuning["BatchApplyTimeoutMax"], tuning["BatchSplitSize"]) == (1, 30, 0)
    assert "BatchApplyPreserveTransaction" not in tuning  # Oracle targets only
    # load-01 (frozen plan) holds APP.CUSTOMERS and HR.EMPLOYEES, which have a primary key and a unique key
    assert not _batch(specs["load-01"])
    assert any("HR.EMPLOYEES: both a primary key" in r for r in specs["load-01"].reasons)
    assert not _batch(specs["nokey-01"])
    assert not _batch(specs["big-documents"])  # APP.DOCUMENTS.METADATA is XMLTYPE
    assert "BatchApplyMemoryLimit" not in specs["load-01"].settings["ChangeProcessingTuning"]


def test_batch_apply_can_be_switched_off():
    specs = _prod("migration.batchApply=false")
    assert not any(_batch(s) for s in specs.values())
    assert any("migration.batchApply: false" in r for r in specs["big-orders"].reasons)


def test_loopback_prevention_keeps_batch_apply_off():
    specs = _prod("reverse.loopbackPrevention=true")
    assert not any(_batch(s) for s in specs.values())


def test_an_override_may_tune_batch_apply_but_not_force_it_where_a_rule_forbids_it():
    tuned = _prod("migration.taskSettingsOverrides={ChangeProcessingTuning: {BatchSplitSize: 5000}}")
    assert tuned["big-orders"].settings["ChangeProcessingTuning"]["BatchSplitSize"] == 5000
    off = _prod("migration.taskSettingsOverrides={TargetMetadata: {BatchApplyEnabled: false}}")
    assert not _batch(off["big-orders"])
    with pytest.raises(ConfigError) as err:
        _prod("migration.taskSettingsOverrides={TargetMetadata: {BatchApplyEnabled: true}}")
    assert "TargetMetadata.BatchApplyEnabled: changes applied one by one, batch apply cannot take" in str(err.value)


def test_batch_memory_grows_with_the_change_rate():
    assert batch_apply_memory_mb(None) == DEFAULT_BATCH_APPLY_MEMORY_MB
    assert batch_apply_memory_mb(0.5) == DEFAULT_BATCH_APPLY_MEMORY_MB  # 0.5 x 30 s x 3 = 45 MB
    assert batch_apply_memory_mb(10) == 900  # 10 MB/s x 30 s x 3
    assert batch_apply_memory_mb(1000) == 4096  # capped


def test_the_cdc_apply_estimate_says_it_is_the_one_by_one_rate():
    plan = plan_migration([tab("A", 1 << 30)], window_hours=8, instance_class=XL)
    assert "CDC apply 4.8 MB/s (applied one by one: tasks in batch apply should catch up faster" in plan.reasons[0]


def test_long_raw_and_bytea_keys_stay_out_of_batch_apply():
    """Qlik Replicate (DMS's engine ancestor): LONG RAW is not supported in batch optimized apply, and a bytea key on
    a PostgreSQL target behaves unpredictably there; the DMS guide is silent, so the planner keeps them apart."""
    scans = tab("SCANS", 1 << 30, columns=[Col("ID", "NUMBER"), Col("IMG", "LONG RAW")])
    assert batch_apply_blocker(scans) == "LONG RAW column(s) IMG"
    notes = tab("NOTES", 1 << 30, columns=[Col("ID", "NUMBER"), Col("TXT", "LONG")])
    assert batch_apply_blocker(notes) == "LONG column(s) TXT"
    guid = tab("PARCELS", 1 << 30, key_columns=["PARCEL_ID"], columns=[Col("PARCEL_ID", "RAW(16)"), Col("W", "NUMBER")])
    assert batch_apply_blocker(guid) == "key column(s) PARCEL_ID stored as bytea on PostgreSQL"
    raw_not_key = tab("TAGS", 1 << 30, columns=[Col("ID", "NUMBER"), Col("TAG", "RAW(16)")])
    assert batch_apply_blocker(raw_not_key) is None
    plan = plan_migration([tab("A", 1 << 30), scans, guid], window_hours=8, instance_class=XL)
    for name in ("SCANS", "PARCELS"):
        row = next(t for t in plan.tasks if ("APP", name) in t.tables)
        assert row.name.startswith("rowapply-") and ("APP", "A") not in row.tables
