"""The steps of plan_migration, each pinned through the plan it shows, with hand-computed figures.

Defaults used: dms.r6i.xlarge (4 vCPU) = 12 MB/s per stream, 48 MB/s per instance, 8 subtasks, LOB x3, CDC apply
4.8 MB/s; dms.r6i.8xlarge (32 vCPU) = 12 MB/s per stream, 384 MB/s per instance. The per-stream `target` of a
plan is total work x stream rate / (2 x instance rate); a parallel-loaded table gets ceil(work / level) segments
(at most 49), where the level is the target unless the shared tasks force it lower."""

from __future__ import annotations

import pytest

from migration.planning.planner import GB, MB, MigrationPlan, PlannerError, Throughput, plan_migration
from tests.planning.planner_tables import BIG, XL, tab, task_of, warning_text


def codes(plan: MigrationPlan) -> list[str]:
    return [w.code for w in plan.warnings]


def big_names(plan: MigrationPlan) -> set[str]:
    return {t.name for t in plan.tasks if t.name.startswith("big-")}


# --- the work and the target ------------------------------------------------------------------------------------


def test_lob_tables_count_three_times_their_bytes_in_the_lower_bound():
    plan = plan_migration([tab("A", 4 * GB), tab("B", 2 * GB, lobs=["DOC"])], window_hours=8, instance_class=XL)
    # largest unit: B's 6 GB of work on one stream = 500 s -> 9 min (the total, 10 GB / 48 MB/s, is less)
    assert plan.lower_bound_seconds == 540.0
    assert plan.assumptions["vcpu"] == 4.0


def test_the_target_sets_the_segments_of_a_partitioned_table():
    # 100 GB alone on xlarge: target = 100 GB x 12 / (2 x 48) = 12.5 GB -> 8 segments
    plan = plan_migration([tab("P", 100 * GB, partitioned=True)], window_hours=8, instance_class=XL)
    assert plan.tasks[0].parallel_load == {("APP", "P"): {"type": "partitions-auto"}}
    assert "parallel-load partitions-auto, estimated as 8 equal segments" in plan.tasks[0].reason
    assert codes(plan) == []
    # on 8xlarge the target is 100 GB / 64: 64 segments, capped at MaxFullLoadSubTasks
    wide = plan_migration([tab("P", 100 * GB, partitioned=True)], window_hours=8, instance_class=BIG)
    assert "estimated as 49 equal segments" in wide.tasks[0].reason
    assert wide.tasks[0].max_full_load_subtasks == 49


# --- which tables get their own task ----------------------------------------------------------------------------


def test_own_task_for_50_gb_always_and_from_10_gb_when_over_the_target():
    fast_streams = Throughput(full_load_mb_per_s_per_stream=1000, instance_full_load_mb_per_s=10)  # huge target
    plan = plan_migration(
        [tab("HUGE", 50 * GB), tab("MID", 10 * GB)], window_hours=800, instance_class=XL, throughput=fast_streams
    )
    assert big_names(plan) == {"big-huge"}  # 50 GB always; MID is far under the target
    tables = [tab("MID", 10 * GB), tab("SMALL", 9 * GB), tab("LOBMID", 10 * GB, lobs=["D"])]
    # 20 fillers: total work 10 + 9 + 30 + 20 = 69 GB, target 8.625 GB: MID (10) and LOBMID (30) are over it
    few = plan_migration(tables + [tab(f"F{i:02d}", GB) for i in range(20)], window_hours=8, instance_class=XL)
    assert big_names(few) == {"big-mid", "big-lobmid"}  # SMALL is over the target too, but under 10 GB
    # 40 fillers: total 89 GB, target 11.1 GB: MID's work no longer exceeds it
    more = plan_migration(tables + [tab(f"F{i:02d}", GB) for i in range(40)], window_hours=8, instance_class=XL)
    assert big_names(more) == {"big-lobmid"}


def test_a_group_holding_a_big_table_becomes_one_big_task():
    tables = [tab("HUGE", 60 * GB), tab("T1", GB), tab("T2", GB)]
    plan = plan_migration(tables, window_hours=8, instance_class=XL, groups=[["APP.HUGE", "APP.T1"]])
    assert task_of(plan, "APP", "HUGE").tables == (("APP", "HUGE"), ("APP", "T1"))
    assert task_of(plan, "APP", "HUGE").name == "big-huge"
    assert task_of(plan, "APP", "T2").name == "load-01"
    assert task_of(plan, "APP", "HUGE").reason.endswith("keeps group APP.HUGE, APP.T1 together")


def test_a_big_group_cuts_its_big_table_into_segments_and_loads_the_rest_whole():
    tables = [tab("HUGE", 900 * GB, partitioned=True), tab("T1", GB)]
    # target = 901 GB x 12 / 96 = 112.6 GB -> 8 segments, plus T1: 9 units on the default 8 subtasks
    plan = plan_migration(tables, window_hours=8, instance_class=XL, groups=[["APP.HUGE", "APP.T1"]])
    (task,) = plan.tasks
    assert "estimated as 8 equal segments" in task.reason
    assert task.max_full_load_subtasks == 8
    assert task.parallel_load == {("APP", "HUGE"): {"type": "partitions-auto"}}
    # on 8xlarge: 64 segments wanted, 49 allowed, and the task gets 49 subtasks (more than the default 8)
    wide = plan_migration(tables, window_hours=8, instance_class=BIG, groups=[["APP.HUGE", "APP.T1"]])
    assert wide.tasks[0].max_full_load_subtasks == 49


# --- parallel-load ranges ---------------------------------------------------------------------------------------


def ranges_plan(bounds, **kw) -> MigrationPlan:
    # 100 GB alone on xlarge: 8 segments wanted
    return plan_migration([tab("R", 100 * GB, **kw)], window_hours=8, instance_class=XL, key_ranges={"APP.R": bounds})


def test_range_boundaries_are_even_integer_or_float_and_drop_repeats():
    (settings,) = ranges_plan((0, 800)).tasks[0].parallel_load.values()
    assert settings == {"type": "ranges", "columns": ["ID"], "boundaries": [[str(b)] for b in range(100, 800, 100)]}
    (floats,) = ranges_plan((0.0, 8.0)).tasks[0].parallel_load.values()
    assert floats["boundaries"] == [[f"{b:.1f}"] for b in range(1, 8)]
    (narrow,) = ranges_plan((1, 3)).tasks[0].parallel_load.values()
    assert narrow["boundaries"] == [["1"], ["2"]]  # 1 + 2 x i // 8 repeats: 3 segments, not 8
    assert ranges_plan((1, 3)).tasks[0].max_full_load_subtasks == 3


def test_a_one_value_key_range_loads_on_one_stream_with_a_warning():
    plan = ranges_plan((7, 7))
    assert plan.tasks[0].parallel_load == {("APP", "R"): {"type": "none"}}
    assert plan.tasks[0].max_full_load_subtasks == 1
    assert "APP.R: key range 7..7 is too narrow to split" in plan.tasks[0].reason
    assert warning_text(plan, "key-range-too-narrow") == (
        "APP.R (100 GB) loads on one stream: key range 7..7 has one value"
    )


def test_ranges_on_a_unique_key_warn_about_null_keys():
    plan = ranges_plan((0, 100), has_primary_key=False, has_unique_key=True)
    (settings,) = plan.tasks[0].parallel_load.values()
    assert settings["boundaries"] == [[str(100 * i // 8)] for i in range(1, 8)]
    assert plan.tasks[0].reason.endswith("; ID comes from a unique key: rows with NULL ID are not loaded")
    assert warning_text(plan, "ranges-skip-null-keys") == (
        "APP.R: parallel-load ranges skip rows whose ID is NULL; check the column is NOT NULL"
    )


def test_a_big_table_without_bounds_asks_for_them():
    plan = plan_migration([tab("R", 100 * GB)], window_hours=8, instance_class=XL)
    assert plan.tasks[0].parallel_load == {("APP", "R"): {"type": "none"}}
    assert warning_text(plan, "key-range-needed") == (
        "APP.R (100 GB) loads on one stream until you run SELECT MIN(ID), MAX(ID) FROM APP.R and pass it in key_ranges"
    )


# --- shared tasks -----------------------------------------------------------------------------------------------


def test_shared_tasks_per_kind_are_at_least_what_the_table_limit_needs():
    tables = [tab(f"T{i}", GB) for i in range(5)] + [tab("L", GB, lobs=["D"])]
    plan = plan_migration(tables, window_hours=8, instance_class=XL, max_tables_per_task=2)
    assert [t.name for t in plan.tasks] == ["load-01", "load-02", "load-03", "lob-01"]  # ceil(5 / 2) and 1
    assert all(len(t.tables) <= 2 for t in plan.tasks)
    assert task_of(plan, "APP", "L").tables == (("APP", "L"),)


def test_the_task_budget_demotes_the_smallest_big_tables_first():
    tables = [tab(f"BIG{i}", (60 + i) * GB, partitioned=True) for i in range(5)] + [tab(f"T{i}", GB) for i in range(10)]
    plan = plan_migration(tables, window_hours=8, instance_class=XL, max_tasks=3)
    assert [t.name for t in plan.tasks] == ["big-big4", "big-big3", "load-01"]
    assert len(plan.tasks[2].tables) == 13 and plan.tasks[2].parallel_load == {}
    assert plan.tasks[2].bytes == (10 + 60 + 61 + 62) * GB
    assert warning_text(plan, "big-tables-share-tasks").startswith("3 large table(s) (APP.BIG0, APP.BIG1, APP.BIG2)")


def test_shared_tasks_are_added_until_each_stream_is_near_the_target():
    # 100 x 1 GB on 8xlarge: target = 100 GB x 12 / (2 x 384) = 1.5625 GB, so 8 tasks of 8 subtasks
    plan = plan_migration([tab(f"T{i:03d}", GB) for i in range(100)], window_hours=8, instance_class=BIG)
    assert [t.name for t in plan.tasks] == [f"load-0{i}" for i in range(1, 9)]
    assert {t.max_full_load_subtasks for t in plan.tasks} == {8}


def test_cdc_plans_keep_the_fewest_tasks_and_every_subtask():
    tables = [tab(f"T{i:03d}", GB) for i in range(100)]
    plan = plan_migration(tables, window_hours=8, instance_class=BIG, preloaded=True)
    assert [(t.name, t.max_full_load_subtasks) for t in plan.tasks] == [("load-01", 8)]


def test_the_table_limit_lowers_the_level_and_so_cuts_big_tables_finer():
    tables = [tab("HUGE", 60 * GB, partitioned=True)] + [tab(f"T{i}", GB) for i in range(10)]
    # target = 70 GB x 12 / 96 = 8.75 GB: ceil(60 / 8.75) = 7 segments
    plain = plan_migration(tables, window_hours=8, instance_class=XL)
    assert "estimated as 7 equal segments" in task_of(plain, "APP", "HUGE").reason
    # one table per task: 10 shared tasks for 10 GB lower the level to 1 GB -> 60 segments, capped at 49
    apart = plan_migration(tables, window_hours=8, instance_class=XL, max_tables_per_task=1)
    assert "estimated as 49 equal segments" in task_of(apart, "APP", "HUGE").reason


def test_packing_balances_largest_first_onto_the_least_loaded_task():
    tables = [tab("A", 4 * GB), tab("B", 3 * GB), tab("C", 2 * GB), tab("D", 1 * GB)]
    plan = plan_migration(tables, window_hours=8, instance_class=XL, max_tables_per_task=2)
    assert [(t.name, t.tables) for t in plan.tasks] == [
        ("load-01", (("APP", "A"), ("APP", "D"))),
        ("load-02", (("APP", "B"), ("APP", "C"))),
    ]


def test_a_group_that_fits_no_task_opens_one_from_the_budget_or_is_an_error():
    tables = [tab(f"G{i}", (i + 1) * GB) for i in range(6)]
    groups = [["APP.G0", "APP.G1"], ["APP.G2", "APP.G3"], ["APP.G4", "APP.G5"]]
    plan = plan_migration(tables, window_hours=8, instance_class=XL, groups=groups, max_tables_per_task=3)
    assert [[n for _, n in t.tables] for t in plan.tasks] == [["G4", "G5"], ["G2", "G3"], ["G0", "G1"]]
    assert plan.tasks[2].reason.split("; ")[-1] == "keeps group APP.G0, APP.G1 together"
    with pytest.raises(PlannerError, match=r"^groups don't pack into 2 tasks at max_tables_per_task=3") as err:
        plan_migration(tables, window_hours=8, instance_class=XL, groups=groups, max_tables_per_task=3, max_tasks=2)
    assert err.value.field == "groups"


def test_shared_tasks_get_just_the_subtasks_their_work_needs():
    plan = plan_migration([tab(f"T{i}", GB) for i in range(3)], window_hours=8, instance_class=XL)
    assert plan.tasks[0].reason == (
        "3 table(s) balanced by bytes (largest first onto the least-loaded task); 1 load task(s), <= 200 tables "
        "each; 3 subtask(s), enough for its share of the instance (more would only slow the others)"
    )
    # beside a 100 GB table the level is 1 GB (the shared work over one task): 1 subtask for the ten small ones
    beside = plan_migration(
        [tab("HUGE", 100 * GB, partitioned=True)] + [tab(f"S{i}", 100 * MB) for i in range(10)],
        window_hours=8,
        instance_class=XL,
    )
    assert task_of(beside, "APP", "S0").max_full_load_subtasks == 1
    cdc = plan_migration([tab("L", GB, lobs=["D"])], window_hours=8, instance_class=XL, preloaded=True)
    assert cdc.tasks[0].max_full_load_subtasks == 8
    assert cdc.tasks[0].reason.startswith(
        "1 table(s) with LOB columns, kept apart: LOB lookups are slow (estimated x3)"
    )


# --- estimate, migration type, warnings, assumptions -------------------------------------------------------------


def test_the_estimate_simulates_streams_sharing_the_instance():
    plan = plan_migration([tab(f"T{i}", GB) for i in range(10)], window_hours=8, instance_class=XL)
    # 8 streams share 48 MB/s for 1 GB (166.7 s), then the two carrying 2 GB run at 12 MB/s (83.3 s): 250 s
    assert [t.estimated_seconds for t in plan.tasks] == [300.0]
    assert (plan.estimated_makespan_seconds, plan.lower_bound_seconds) == (300.0, 240.0)
    cdc = plan_migration([tab(f"T{i}", GB) for i in range(10)], window_hours=8, instance_class=XL, preloaded=True)
    assert (cdc.tasks[0].estimated_seconds, cdc.estimated_makespan_seconds, cdc.lower_bound_seconds) == (0, 0, 0)


def test_catch_up_time_and_the_never_case():
    tables = [tab(f"T{i}", GB) for i in range(10)]  # 250 s of full load
    tp = Throughput(cdc_apply_mb_per_s=2, change_rate_mb_per_s=1)
    plan = plan_migration(tables, window_hours=0.05, instance_class=XL, throughput=tp)
    assert plan.catch_up_seconds == 300.0  # 250 MB backlog at 2 - 1 MB/s: 250 s -> 5 min
    assert "CDC then applies the ~0.2 GB of changes cached during the load in about 5 min" in plan.reasons[1]
    assert "cdc-never-catches-up" not in codes(plan)
    slow = Throughput(cdc_apply_mb_per_s=1, change_rate_mb_per_s=1)
    never = plan_migration(tables, window_hours=0.05, instance_class=XL, throughput=slow)
    assert never.catch_up_seconds is None
    assert never.reasons[1].endswith("CDC cannot catch up at the assumed rates")
    assert warning_text(never, "cdc-never-catches-up").startswith(
        "CDC apply (1 MB/s) is not faster than the change rate (1 MB/s)"
    )


def one_stream(size: int, **kw) -> MigrationPlan:
    """One table at 1 MB/s per stream: its size in MB is its load in seconds."""
    tp = Throughput(full_load_mb_per_s_per_stream=1, change_rate_mb_per_s=0.01, cdc_apply_mb_per_s=2)
    return plan_migration([tab("A", size)], window_hours=1, instance_class=XL, throughput=tp, **kw)


def test_migration_type_by_the_rounded_estimate():
    near = one_stream(2950 * MB)  # 2950 s -> 50 min of a 60 min window
    assert (near.migration_type, near.fits_window) == ("full-load", True)
    assert near.reasons[1].startswith("full-load: the estimated full load (50 min) fits the 1 h window")
    assert warning_text(near, "full-load-near-window") == (
        "the full load estimate (50 min) uses more than 80% of the 1 h window; confirm with a pilot load or plan "
        "full-load-and-cdc"
    )
    over = one_stream(4000 * MB)  # 67 min, and the lower bound too
    assert (over.migration_type, over.fits_window) == ("full-load-and-cdc", False)
    assert over.reasons[1].startswith("full-load-and-cdc: the estimated full load (67 min) exceeds the 1 h window; CDC")
    # a full-load-and-cdc plan already relies on CDC: the lower bound is a reason, not a "rely on CDC" warning
    assert over.reasons[2] == (
        "even the lower bound (67 min) exceeds the 1 h window on dms.r6i.xlarge: no task split makes an offline "
        "full load fit there, hence CDC"
    )
    assert "rely on CDC" not in " ".join(w.text for w in over.warnings)
    pre = one_stream(4000 * MB, preloaded=True)
    assert (pre.migration_type, pre.fits_window, pre.catch_up_seconds) == ("cdc", True, None)
    assert pre.reasons[1].startswith("cdc: the target is pre-loaded")
    assert pre.warnings == ()


def test_warnings_for_keyless_and_keyless_lob_tables():
    nk = tab("NK", GB, has_primary_key=False, key_columns=[], lobs=["DOC"])
    plan = plan_migration([tab("OK", GB), nk], window_hours=8, instance_class=XL)
    assert codes(plan) == ["tables-without-key", "lob-tables-without-key"]
    assert warning_text(plan, "tables-without-key").startswith(
        "1 table(s) without primary or unique key (APP.NK): DMS applies their UPDATE/DELETE by matching every "
        "column (slow; full supplemental logging on them), never in batches, and validation skips them; no task "
        "mixes them with keyed tables"
    )
    assert warning_text(plan, "lob-tables-without-key").startswith("LOB table(s) without a key (APP.NK)")
    # a key-less table big enough for a big task of its own shares it with no keyed table
    big_nk = tab("NK", 60 * GB, has_primary_key=False, key_columns=[], partitioned=True)
    alone = plan_migration([tab("OK", GB), big_nk], window_hours=8, instance_class=XL)
    assert [t.tables for t in alone.tasks if ("APP", "NK") in t.tables] == [(("APP", "NK"),)]
    assert warning_text(alone, "tables-without-key").endswith(
        "; no task mixes them with keyed tables - add a key or accept a reload at cutover"
    )
    # a group puts one in a task with a keyed table: that one is named
    grouped = plan_migration([tab("OK", GB), nk], window_hours=8, instance_class=XL, groups=[["APP.OK", "APP.NK"]])
    assert "; APP.NK share tasks with keyed tables (big tables or groups)" in warning_text(
        grouped, "tables-without-key"
    )
    assert codes(plan_migration([tab("OK", GB)], window_hours=8, instance_class=XL)) == []


def test_the_offline_hint_judges_classes_on_the_finest_split():
    tables = [tab("P", 98 * GB, partitioned=True), tab("R", 49 * GB), tab("N", 20 * GB)]
    hint = "an offline full load would fit the window from"
    # R without key bounds loads whole: 49 GB at 12 MB/s is over the 0.9 h window on any class
    whole = plan_migration(tables, window_hours=0.9, instance_class=XL)
    assert whole.migration_type == "full-load-and-cdc" and not any(r.startswith(hint) for r in whole.reasons)
    # with bounds R could be cut in 49: the largest unit is N (20 GB, 28 min), and 167 GB in 54 min needs more
    # than the 48 MB/s of c6i.xlarge
    split = plan_migration(tables, window_hours=0.9, instance_class=XL, key_ranges={"APP.R": (1, 10**6)})
    assert split.migration_type == "full-load-and-cdc"
    assert f"{hint} dms.c6i.2xlarge upwards (lower bound)" in split.reasons


def test_assumptions_record_the_rates_in_user_units():
    plan = plan_migration([tab("A", 432 * GB, partitioned=True)], window_hours=8, instance_class=XL)
    assert plan.assumptions == {
        "full_load_mb_per_s_per_stream": 12.0,
        "instance_full_load_mb_per_s": 48.0,
        "max_streams": 8.0,
        "lob_penalty": 3.0,
        "cdc_apply_mb_per_s": pytest.approx(4.8),
        "change_rate_mb_per_s": 0.1,  # 2% of 432 GB per day
        "vcpu": 4.0,
    }
