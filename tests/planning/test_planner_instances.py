"""Several replication instances: the planner places tasks on them and picks the fewest that meet the window."""

from __future__ import annotations

import json

import pytest

from migration.dms.limits import MAX_REPLICATION_INSTANCES
from migration.planning.planner import GB, MigrationPlan, plan_migration
from tests.planning.planner_tables import tab

INSTANCE = "dms.r6i.large"  # 2 vCPU: 24 MB/s per instance by the planning defaults


def estate(n: int = 40, size: int = 20 * GB) -> list:
    return [tab(f"T{i:03d}", size) for i in range(n)]


def test_tasks_are_placed_on_every_instance_and_the_plan_records_where():
    plan = plan_migration(estate(), window_hours=8, instance_class=INSTANCE, instances=3)
    assert plan.instances == 3
    assert {t.instance for t in plan.tasks} == {0, 1, 2}
    again = MigrationPlan.from_dict(json.loads(plan.to_json()))
    assert [t.instance for t in again.tasks] == [t.instance for t in plan.tasks] and again.instances == 3


def test_more_instances_shorten_the_load_towards_the_lower_bound():
    one = plan_migration(estate(), window_hours=8, instance_class=INSTANCE, instances=1)
    four = plan_migration(estate(), window_hours=8, instance_class=INSTANCE, instances=4)
    assert four.lower_bound_seconds == pytest.approx(one.lower_bound_seconds / 4, rel=0.02)
    assert four.estimated_makespan_seconds <= 1.10 * four.lower_bound_seconds


def test_auto_picks_the_fewest_instances_that_fit_the_window():
    tables = estate()
    window = 3.0
    auto = plan_migration(tables, window_hours=window, instance_class=INSTANCE, instances=None)
    assert auto.fits_window and auto.estimated_makespan_seconds <= window * 3600
    fewer = plan_migration(tables, window_hours=window, instance_class=INSTANCE, instances=auto.instances - 1)
    assert fewer.estimated_makespan_seconds > window * 3600
    assert any(
        r.startswith(f"{auto.instances} replication instance(s) of {INSTANCE} (the fewest") for r in auto.reasons
    )


def test_a_frozen_plan_from_before_instances_runs_everything_on_the_first():
    doc = json.loads(plan_migration(estate(4), window_hours=8, instance_class=INSTANCE).to_json())
    for task in doc["tasks"]:
        del task["instance"]
    del doc["instances"]
    old = MigrationPlan.from_dict(doc)
    assert old.instances == 1 and {t.instance for t in old.tasks} == {0}


def test_auto_never_plans_more_instances_than_the_dms_quota():
    # one 20 GB table per instance-hour of a 0.1 h window would want far more than the quota
    plan = plan_migration(estate(200), window_hours=0.1, instance_class=INSTANCE, instances=None)
    assert 1 < plan.instances <= MAX_REPLICATION_INSTANCES


def test_an_instance_count_that_does_not_fit_never_claims_to_fit():
    # Was: "... (the fewest whose estimated full load fits the window)" right after "does not fit" (issue 22)
    plan = plan_migration(estate(200), window_hours=0.1, instance_class=INSTANCE, instances=None)
    assert not plan.fits_window
    (reason,) = [r for r in plan.reasons if r.startswith(f"{plan.instances} replication instance(s)")]
    assert "fits the window" not in reason and "still does not fit the window" in reason


def test_the_plan_says_each_cdc_task_is_a_redo_reader_on_the_source():
    tables = [*estate(4), tab("NK", 20 * GB, has_primary_key=False)]  # a load task and a nokey task
    plan = plan_migration(tables, window_hours=0.5, instance_class=INSTANCE)
    assert plan.migration_type != "full-load" and len(plan.tasks) > 1
    assert any(
        r.startswith(f"CDC source load: {len(plan.tasks)} CDC tasks are {len(plan.tasks)} redo readers")
        for r in plan.reasons
    )
