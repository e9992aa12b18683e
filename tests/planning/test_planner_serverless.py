"""DMS Serverless plans: each replication config on capacity of its own, and one recommendation consistent with
every check the plan prints (issue 22, DBA trial findings 4 and 9)."""

from __future__ import annotations

import json

from migration.planning.planner import GB, MigrationPlan, plan_migration, render_plan_text
from tests.planning.planner_tables import XL, tab, warning_text


def estate() -> list:
    """Eight big tables, each its own task: on one instance they share its rate, on Serverless they do not."""
    return [tab(f"T{i}", 200 * GB, key_columns=["GUID"]) for i in range(8)]


def test_serverless_tasks_run_alone_and_recommend_capacity_units_not_a_class():
    shared = plan_migration(estate(), window_hours=4, instance_class=XL)
    alone = plan_migration(estate(), window_hours=4, instance_class=XL, serverless=True)
    # today: every replication config is simulated sharing one instance, as long as the instance plan
    assert alone.estimated_makespan_seconds < shared.estimated_makespan_seconds
    text = render_plan_text(alone)
    assert "sharing the instance" not in text and "each replication on capacity of its own" in text
    assert "Recommended: MaxCapacityUnits 16 DCU per replication config" in text
    assert "Recommended: dms." not in text and alone.recommended_dcu == 16
    again = MigrationPlan.from_dict(json.loads(alone.to_json()))
    assert again.serverless and again.recommended_dcu == 16


def test_an_instance_plan_file_keeps_its_keys():
    doc = json.loads(plan_migration(estate(), window_hours=4, instance_class=XL).to_json())
    assert "serverless" not in doc and "recommended_dcu" not in doc


def test_the_recommended_class_is_never_below_the_one_the_overrunning_load_is_estimated_on():
    plan = plan_migration(estate(), window_hours=4, instance_class=XL, storage_gb=500)
    assert any("no task split makes an offline full load fit there, hence CDC" in r for r in plan.reasons)
    assert "rely on CDC" not in " ".join(w.text for w in plan.warnings)  # the configured class is the recommended
    # today: "Recommended: dms.r6i.large, ... storage" right under that warning
    assert plan.recommended_instance_class == XL
    text = render_plan_text(plan)
    assert (
        f"Recommended: {XL}, {plan.recommended_storage_gb} GB storage (configured: the same class; 500 GB, enough)"
        in (text)
    )
    assert "; the configured 500 GB covers it" in text


def test_configured_storage_below_the_need_is_a_warning():
    plan = plan_migration(estate(), window_hours=4, instance_class=XL, storage_gb=50)
    assert "allocatedStorage 50 GB is below" in warning_text(plan, "storage-below-need")
