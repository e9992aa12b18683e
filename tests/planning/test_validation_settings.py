"""Validation that follows the engine version and repairs (issue 22): group-level validation from 3.5.4, data
resync from 3.6.1 on by default where supported, HandleCollationDiff for character keys; DDL handling off."""

from __future__ import annotations

from pathlib import Path

import pytest

from migration.config import ConfigError
from migration.config.stackfile import read_stack_file
from migration.dms.task_settings import merge_overrides
from migration.planning.design import resolve

ROOT = Path(__file__).resolve().parents[2]


def _prod(*overrides):
    return {s.name: s.settings for s in resolve(read_stack_file(ROOT, "prod", list(overrides)).load()).forward}


def test_prod_on_361_validates_by_group_and_resyncs_on_a_schedule():
    doc = _prod()["big-documents"]
    assert doc["ValidationSettings"]["ValidationMode"] == "GROUP_LEVEL"
    assert doc["ResyncSettings"] == {"EnableResync": True, "ResyncSchedule": "0 2 ? * *", "MaxResyncTime": 60}


def test_resync_runs_one_task_after_another_and_never_on_a_task_without_keys():
    docs = _prod()
    # today: every task resyncs at "0 2 ? * *", so all of them pause together; and the nokey task, whose tables
    # DMS cannot validate (no primary key or unique index), validates and resyncs anyway
    schedules = [d["ResyncSettings"]["ResyncSchedule"] for d in docs.values() if "ResyncSettings" in d]
    assert schedules == [f"0 {2 + i} ? * *" for i in range(len(schedules))] and len(schedules) >= 3
    assert docs["nokey-01"]["ValidationSettings"]["EnableValidation"] is False
    assert "ResyncSettings" not in docs["nokey-01"]
    weekly = _prod('migration.resyncSchedule="30 23 ? * SUN"', "migration.maxResyncMinutes=45")
    assert [d["ResyncSettings"]["ResyncSchedule"] for d in weekly.values() if "ResyncSettings" in d][:3] == [
        "30 23 ? * SUN",
        "15 0 ? * SUN",  # wraps within the same day, never onto Monday
        "0 1 ? * SUN",
    ]


def test_an_older_engine_validates_row_by_row_without_resync():
    doc = _prod("replicationInstance.engineVersion=3.5.3")["big-orders"]
    assert doc["ValidationSettings"]["ValidationMode"] == "ROW_LEVEL"
    assert "ResyncSettings" not in doc
    assert (
        _prod("replicationInstance.engineVersion=3.5.4")["big-orders"]["ValidationSettings"]["ValidationMode"]
        == "GROUP_LEVEL"
    )


def test_resync_is_configurable_and_refused_where_dms_has_none():
    doc = _prod("migration.dataResync=false")["big-orders"]
    assert "ResyncSettings" not in doc
    tuned = _prod('migration.resyncSchedule="30 3 ? * SUN"', "migration.maxResyncMinutes=120")["big-documents"]
    assert tuned["ResyncSettings"]["ResyncSchedule"] == "30 3 ? * SUN"
    assert tuned["ResyncSettings"]["MaxResyncTime"] == 120
    with pytest.raises(ConfigError) as err:
        _prod("migration.dataResync=true", "replicationInstance.engineVersion=3.5.4")
    assert err.value.key == "migration.dataResync"


def test_a_resync_settings_override_is_a_known_section():
    doc = merge_overrides(_prod()["big-orders"], {"ResyncSettings": {"MaxResyncTime": 30}})
    assert doc["ResyncSettings"]["MaxResyncTime"] == 30


def test_character_keys_turn_on_handle_collation_diff():
    assert _prod()["big-orders"]["ValidationSettings"]["HandleCollationDiff"] is False  # ORDER_ID is a NUMBER


def test_ddl_handling_is_off_by_default_and_settable():
    policy = _prod()["big-orders"]["ChangeProcessingDdlHandlingPolicy"]
    assert set(policy.values()) == {False}
    on = _prod("migration.ddlHandling=true")["big-orders"]["ChangeProcessingDdlHandlingPolicy"]
    assert set(on.values()) == {True}


def test_a_varchar_key_counts_as_a_character_key():
    from migration.inventory.model import Column, Table
    from migration.planning.table_rules import TableRules

    col = Column("APP", "T", "CODE", "VARCHAR2", 10, None, None, False, "B")
    keyed = Table("APP", "T", 1, 1, True, columns=[col], key_columns=["CODE"])
    assert TableRules(tables=[keyed]).character_keys
    assert not TableRules(tables=[Table("APP", "U", 1, 1, True, columns=[col], key_columns=["ID"])]).character_keys


def test_a_stack_without_validation_keeps_the_dms_default_mode():
    dev = resolve(read_stack_file(ROOT, "dev").load()).forward[0].settings
    assert dev["ValidationSettings"]["ValidationMode"] == "ROW_LEVEL"
    assert "ResyncSettings" not in dev
