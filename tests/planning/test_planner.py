"""Planner rules: migration type vs window, task split, parallel load, DMS limits, errors, output formats.

Expected numbers follow the documented model (module docstring of migration.planning.planner.simulate) with the
defaults for dms.r6i.xlarge (12 MB/s per stream, 48 MB/s per instance) or dms.r6i.8xlarge (12 and 384 MB/s)."""

from __future__ import annotations

import json
import random
import re
from dataclasses import replace

import pydantic
import pytest

from migration.config import CapacityConfig, SizingConfig
from migration.dms.limits import INSTANCE_CLASSES
from migration.notices import Level
from migration.planning.planner import (
    GB,
    MB,
    PLAN_FILE_WARNING,
    MigrationPlan,
    PlannerError,
    Throughput,
    plan_migration,
    render_plan_text,
    single_task_makespan_seconds,
)
from tests.planning.planner_tables import BIG, XL, Col, Tab, tab, task_of, ten_gb, warning_text  # noqa: F401

# --- migration type -------------------------------------------------------------------------------------------


def test_full_load_when_the_estimate_fits_the_window():
    plan = plan_migration(ten_gb(), window_hours=8, instance_class=XL)
    # 10 x 1 GB on 8 streams (LPT: two streams carry 2 GB): 8 streams share 48 MB/s for 1 GB, the last two run
    # at 12 MB/s for another 1 GB -> 166.7 s + 83.3 s = 250 s, rounded up to 5 min. Lower bound 10 GB / 48 MB/s.
    assert plan.migration_type == "full-load"
    assert plan.fits_window is True
    assert plan.estimated_makespan_seconds == 300.0
    assert plan.lower_bound_seconds == 240.0
    assert plan.catch_up_seconds is None
    assert [t.name for t in plan.tasks] == ["load-01"]
    assert plan.tasks[0].max_full_load_subtasks == 8
    assert any(r.startswith("full-load: the estimated full load (5 min) fits the 8 h window") for r in plan.reasons)
    assert plan.recommended_instance_class == "dms.c6i.large"
    assert plan.recommended_storage_gb == 50


def test_full_load_and_cdc_when_the_window_is_too_short_with_catch_up_time():
    tp = Throughput(change_rate_mb_per_s=1.0, cdc_apply_mb_per_s=3.0)
    plan = plan_migration(ten_gb(), window_hours=0.05, instance_class=XL, throughput=tp)
    assert plan.migration_type == "full-load-and-cdc"
    assert plan.fits_window is False
    # backlog = 1 MB/s x 250 s; catch-up = 250 MB / (3 - 1) MB/s = 125 s -> 3 min
    assert plan.catch_up_seconds == 180.0
    assert any(
        "exceeds the 0.05 h window; CDC then applies the ~0.2 GB of changes cached during the load in about 3 min" in r
        for r in plan.reasons
    )
    # the 240 s lower bound is over the 180 s window: no split can make an offline load fit
    assert any(
        r.startswith("even the lower bound (4 min) exceeds the 0.05 h window on dms.r6i.xlarge") for r in plan.reasons
    )
    # storage = 50 + 2 x (1 MB/s x (250 + 125) s) = 50.75 -> 60 GB
    assert plan.recommended_storage_gb == 60
    assert plan.recommended_instance_class == "dms.r6i.xlarge"  # 1.5 MB/s apply on large < 2 x 1 MB/s


def test_cdc_that_cannot_catch_up_is_a_warning_not_a_number():
    tp = Throughput(change_rate_mb_per_s=5.0, cdc_apply_mb_per_s=4.0)
    plan = plan_migration(ten_gb(), window_hours=0.05, instance_class=XL, throughput=tp)
    assert plan.migration_type == "full-load-and-cdc"
    assert plan.catch_up_seconds is None
    assert "replication never catches up" in warning_text(plan, "cdc-never-catches-up")


def test_preloaded_target_gives_cdc_tasks_without_full_load():
    tables = [tab("ORDERS", 900 * GB, partitioned=True)] + ten_gb()
    plan = plan_migration(tables, window_hours=1, instance_class=XL, preloaded=True, max_tables_per_task=4)
    assert plan.migration_type == "cdc"
    assert plan.fits_window is True
    assert plan.estimated_makespan_seconds == 0.0 and plan.lower_bound_seconds == 0.0
    assert all(t.parallel_load == {} and t.name.startswith("load-") for t in plan.tasks)
    assert [len(t.tables) for t in plan.tasks] == [3, 4, 4]  # 11 tables, <= 4 per task, 900 GB first
    assert any("CdcStartPosition" in r and "SCN" in r for r in plan.reasons)
    assert plan.recommended_instance_class.startswith("dms.r6i.")
    assert "No full load (target pre-loaded)" in render_plan_text(plan)


# --- task split -----------------------------------------------------------------------------------------------


def test_900_gb_table_gets_its_own_task_and_partitions_auto():
    tables = [tab("ORDERS", 900 * GB, partitioned=True)] + [tab(f"S{i:02d}", GB) for i in range(50)]
    plan = plan_migration(tables, window_hours=8, instance_class=BIG)
    big = task_of(plan, "APP", "ORDERS")
    assert big.name == "big-orders"
    assert big.tables == (("APP", "ORDERS"),)
    assert big.parallel_load == {("APP", "ORDERS"): {"type": "partitions-auto"}}
    # target segment = 950 GB x 12 / (2 x 384) = 14.8 GB -> 61 segments, capped at MaxFullLoadSubTasks 49
    assert big.max_full_load_subtasks == 49
    assert plan.lower_bound_seconds == 2520.0  # 950 GB / 384 MB/s = 2474 s
    assert plan.estimated_makespan_seconds <= 1.1 * plan.lower_bound_seconds
    single = single_task_makespan_seconds(tables, instance_class=BIG)
    assert single == pytest.approx(900 * GB / (12 * MB))  # the 900 GB table alone on one stream
    assert single / plan.estimated_makespan_seconds >= 5


def test_big_table_ranges_from_measured_key_bounds():
    tables = [tab("ORDERS", 900 * GB)] + [tab(f"S{i:02d}", GB) for i in range(50)]
    plan = plan_migration(tables, window_hours=8, instance_class=BIG, key_ranges={"APP.ORDERS": (1, 4_900_000)})
    pl = task_of(plan, "APP", "ORDERS").parallel_load[("APP", "ORDERS")]
    assert pl["type"] == "ranges"
    assert pl["columns"] == ["ID"] and len(pl["columns"]) <= 10
    assert len(pl["boundaries"]) == 48  # 49 segments
    assert pl["boundaries"][:2] == [["100000"], ["200000"]]
    assert pl["boundaries"][-1] == ["4800000"]
    assert task_of(plan, "APP", "ORDERS").max_full_load_subtasks == 49


def test_big_table_without_bounds_says_what_to_measure():
    tables = [tab("ORDERS", 900 * GB)] + [tab(f"S{i:02d}", GB) for i in range(5)]
    plan = plan_migration(tables, window_hours=8, instance_class=BIG)
    big = task_of(plan, "APP", "ORDERS")
    assert big.parallel_load == {("APP", "ORDERS"): {"type": "none"}}
    assert "measure SELECT MIN(ID), MAX(ID) FROM APP.ORDERS" in big.reason
    assert "loads on one stream until you run SELECT MIN(ID), MAX(ID) FROM APP.ORDERS" in warning_text(
        plan, "key-range-needed"
    )
    assert plan.lower_bound_seconds == 75000.0  # a single 900 GB unit at 12 MB/s


def test_big_table_with_text_key_gets_no_ranges():
    orders = tab("ORDERS", 900 * GB, key_columns=["CODE"], columns=[Col("CODE", "VARCHAR2")])
    plan = plan_migration([orders], window_hours=8, instance_class=BIG)
    assert plan.tasks[0].parallel_load == {("APP", "ORDERS"): {"type": "none"}}
    assert "no single NUMBER(p,0)/INTEGER key" in warning_text(plan, "big-table-without-split-key")
    # issue 22: the plan says how long the one stream takes and which key stopped the split
    text = warning_text(plan, "big-table-without-split-key")
    assert "APP.ORDERS (900 GB) loads on one stream (about 21 h): not partitioned" in text
    assert "(key: CODE VARCHAR2)" in text


def test_range_key_from_a_unique_key_warns_about_null_rows():
    orders = tab("ORDERS", 900 * GB, has_primary_key=False, has_unique_key=True)
    plan = plan_migration([orders], window_hours=8, instance_class=BIG, key_ranges={"APP.ORDERS": (0, 10**9)})
    assert plan.tasks[0].parallel_load[("APP", "ORDERS")]["type"] == "ranges"
    assert "skip rows whose ID is NULL" in warning_text(plan, "ranges-skip-null-keys")


def test_many_tiny_tables_are_chunked_by_table_count_and_balanced():
    rnd = random.Random(3)
    tables = [tab(f"T{i:04d}", rnd.randint(1, 100) * MB) for i in range(1000)]
    plan = plan_migration(tables, window_hours=8, instance_class=XL, max_tables_per_task=200)
    assert [t.name for t in plan.tasks] == ["load-01", "load-02", "load-03", "load-04", "load-05"]
    assert all(len(t.tables) == 200 for t in plan.tasks)
    sizes = [t.bytes for t in plan.tasks]
    assert sum(sizes) == sum(t.bytes for t in tables)
    assert max(sizes) / min(sizes) < 1.01


def test_lob_tables_go_to_their_own_task_and_cost_more():
    tables = [tab(f"DOC{i}", GB, lobs=["BODY"]) for i in range(5)] + [tab(f"ROW{i}", GB) for i in range(5)]
    plan = plan_migration(tables, window_hours=8, instance_class=XL)
    lob = next(t for t in plan.tasks if t.name == "lob-01")
    assert lob.tables == tuple(("APP", f"DOC{i}") for i in range(5))
    assert "LOB" in lob.reason and "limited/full LOB settings" in lob.reason
    assert all(not n.startswith("DOC") for t in plan.tasks if t.name != "lob-01" for _, n in t.tables)
    # lower bound = (5 x 3 + 5) GB of work / 48 MB/s = 416.7 s -> 7 min
    assert plan.lower_bound_seconds == 420.0
    assert plan.recommended_instance_class.startswith("dms.r6i.")  # LOBs want memory


def test_keyless_tables_are_separated_with_a_warning():
    tables = ten_gb() + [
        tab("AUDIT", GB, has_primary_key=False, key_columns=[]),
        tab("BLOBS", GB, has_primary_key=False, key_columns=[], lobs=["B"]),
    ]
    plan = plan_migration(tables, window_hours=8, instance_class=XL)
    nokey = next(t for t in plan.tasks if t.name == "nokey-01")
    assert nokey.tables == (("APP", "AUDIT"), ("APP", "BLOBS"))
    assert "by matching every column" in nokey.reason and "cannot batch them" in nokey.reason
    assert warning_text(plan, "tables-without-key").startswith(
        "2 table(s) without primary or unique key (APP.AUDIT, APP.BLOBS)"
    )
    assert warning_text(plan, "lob-tables-without-key").startswith("LOB table(s) without a key (APP.BLOBS)")


def test_groups_land_in_one_task_and_overlapping_groups_merge():
    tables = [tab(f"T{i:02d}", (i + 1) * GB) for i in range(20)] + [tab("DOC", GB, lobs=["X"])]
    groups = [["APP.T00", "APP.T19"], ["APP.T19", "APP.T07"], ["APP.T03", "APP.DOC"]]
    plan = plan_migration(tables, window_hours=8, instance_class=XL, groups=groups, max_tables_per_task=5)
    first = task_of(plan, "APP", "T00")
    assert {("APP", "T07"), ("APP", "T19")} <= set(first.tables)
    assert "keeps group" in first.reason
    lob = task_of(plan, "APP", "DOC")  # a group with a LOB table moves to the LOB task as a whole
    assert lob.name.startswith("lob-") and ("APP", "T03") in lob.tables
    assert all(len(t.tables) <= 5 for t in plan.tasks)


def test_task_names_are_valid_dms_id_parts_and_unique():
    tables = [Tab("APP", "ORDERS$HIST#2", 60 * GB), Tab("OLD", "ORDERS$HIST#2", 70 * GB), tab("X", GB)]
    plan = plan_migration(tables, window_hours=8, instance_class=XL)
    names = [t.name for t in plan.tasks]
    assert names == ["big-orders-hist-2", "big-orders-hist-2-2", "load-01"]
    assert all(re.fullmatch(r"[a-z][a-z0-9]*(-[a-z0-9]+)*", n) for n in names)


# --- DMS limits -----------------------------------------------------------------------------------------------


def test_limits_hold_at_200_tasks_and_49_subtasks():
    tables = [tab(f"T{i:04d}", MB) for i in range(2000)] + [tab("HUGE", 2000 * GB, partitioned=True)]
    plan = plan_migration(
        tables, window_hours=1, instance_class=BIG, max_tables_per_task=11, throughput=Throughput(max_streams=49)
    )
    assert len(plan.tasks) <= 200
    assert all(len(t.tables) <= 11 for t in plan.tasks)
    assert all(1 <= t.max_full_load_subtasks <= 49 for t in plan.tasks)
    assert task_of(plan, "APP", "HUGE").max_full_load_subtasks == 49


def test_too_many_tables_for_200_tasks_is_an_error_with_the_fix():
    tables = [tab(f"T{i:04d}", MB) for i in range(2001)]
    with pytest.raises(
        PlannerError,
        match=r"2001 tables need 201 tasks at max_tables_per_task=10, over the "
        r"200-task limit .* raise max_tables_per_task to at least 11",
    ) as err:
        plan_migration(tables, window_hours=8, instance_class=XL, max_tables_per_task=10)
    assert err.value.field is None  # about the table count against the task limit, not one argument
    assert str(err.value) == err.value.detail


def test_big_tables_share_tasks_when_the_task_budget_runs_out():
    tables = [tab(f"BIG{i}", (60 + i) * GB, partitioned=True) for i in range(5)] + ten_gb()
    plan = plan_migration(tables, window_hours=8, instance_class=XL, max_tasks=3)
    assert [t.name for t in plan.tasks] == ["big-big4", "big-big3", "load-01"]
    assert warning_text(plan, "big-tables-share-tasks").startswith(
        "3 large table(s) (APP.BIG0, APP.BIG1, APP.BIG2) share tasks without parallel load because of the 3-task limit"
    )


# --- errors ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kwargs", "field", "message"),
    [
        (
            {"instance_class": "dms.r6i.huge"},
            "instance_class",
            "instance_class 'dms.r6i.huge' is not a known DMS class; allowed: dms.c5, "
            "dms.c6i, dms.r5, dms.r6i, dms.t3 with sizes large..24xlarge",
        ),
        ({"tables": []}, "tables", "tables is empty: the inventory selected no tables to migrate"),
        (
            {"tables": {"a": 1}},
            "tables",
            "tables must be a list of inventory tables, got dict (pass inventory.tables.values())",
        ),
        ({"tables": [tab("A", 1), tab("A", 2)]}, "tables", "tables[1]: APP.A appears twice in the inventory"),
        ({"tables": [tab("A", -1)]}, "tables", "tables[0] APP.A: bytes must be an integer >= 0, got -1"),
        (
            {"groups": [["app.t1"]]},
            "groups",
            "groups[0]: unknown table 'app.t1'; use OWNER.TABLE as in the inventory (did you "
            "mean 'APP.T1'? names are case-sensitive)",
        ),
        (
            {"groups": [["APP.T1", "APP.T2", "APP.T3"]], "max_tables_per_task": 2},
            "groups",
            "groups: 3 tables (APP.T1, ...) must share one task but max_tables_per_task is 2",
        ),
        ({"key_ranges": {"APP.NOPE": (1, 2)}}, "key_ranges", "key_ranges: unknown table 'APP.NOPE'"),
        (
            {"key_ranges": {"APP.T2": (1, 2)}},
            "key_ranges",
            "key_ranges['APP.T2']: ranges need a single NUMBER(p,0)/INTEGER key column, "
            "table has key columns ['A', 'B']",
        ),
        ({"max_tasks": 0}, "max_tasks", "max_tasks must be an integer 1..200"),
        (
            {"max_tasks": 201},
            "max_tasks",
            "max_tasks must be an integer 1..200 (DMS quota: 200 tasks per replication instance)",
        ),
    ],
)
def test_bad_input_raises_one_line_planner_error_naming_the_argument(kwargs, field, message):
    args = {
        "tables": [tab("T1", GB), tab("T2", GB, key_columns=["A", "B"]), tab("T3", GB)],
        "window_hours": 8,
        "instance_class": XL,
        **kwargs,
    }
    with pytest.raises(PlannerError) as err:
        plan_migration(args.pop("tables"), **args)
    assert message in str(err.value)
    assert "\n" not in str(err.value)
    # callers map the argument to their own key without reading the message
    assert err.value.field == field
    assert str(err.value) == field + err.value.detail


@pytest.mark.parametrize(
    ("model", "data"),
    [
        (SizingConfig, {"mode": "auto", "windowHours": 0}),
        (SizingConfig, {"mode": "auto", "windowHours": "eight"}),
        (SizingConfig, {"maxTablesPerTask": 0}),
        (SizingConfig, {"maxTablesPerTask": 1001}),
        (SizingConfig, {"throughput": {"maxStreams": 50}}),
        (SizingConfig, {"keyRanges": {"APP.T1": [9, 2]}}),
        (SizingConfig, {"groups": ["APP.T1"]}),
        (CapacityConfig, {"instances": 61}),
        (CapacityConfig, {"instances": 0}),
    ],
)
def test_options_the_config_model_validates_are_not_checked_again_by_the_planner(model, data):
    """One validation per input: these reach the planner only through the stack config, which refuses them."""
    with pytest.raises(pydantic.ValidationError):
        model.model_validate(data)


def test_throughput_model_is_strict_camel_case_and_bounded():
    tp = Throughput.model_validate({"fullLoadMbPerSPerStream": 20, "maxStreams": 16})
    assert tp.full_load_mb_per_s_per_stream == 20 and tp.max_streams == 16
    with pytest.raises(pydantic.ValidationError, match="less than or equal to 49"):
        Throughput(max_streams=50)
    with pytest.raises(pydantic.ValidationError, match="Extra inputs are not permitted"):
        Throughput.model_validate({"rowsPerSecond": 1000})
    plan = plan_migration(ten_gb(), window_hours=8, instance_class=XL, throughput=tp)
    assert plan.assumptions["full_load_mb_per_s_per_stream"] == 20.0
    assert plan.assumptions["instance_full_load_mb_per_s"] == 48.0  # class default kept


def test_instance_classes_constant_covers_the_supported_families():
    assert INSTANCE_CLASSES["dms.t3.micro"] == (2, 1)
    assert INSTANCE_CLASSES["dms.r6i.xlarge"] == (4, 32)
    assert INSTANCE_CLASSES["dms.c5.9xlarge"] == (36, 72)
    assert "dms.r5.9xlarge" not in INSTANCE_CLASSES
    assert {c.split(".")[1] for c in INSTANCE_CLASSES} == {"t3", "c5", "c6i", "r5", "r6i"}


# --- output ---------------------------------------------------------------------------------------------------


def sample_plan(order_seed: int | None = None) -> MigrationPlan:
    tables = [
        tab("ORDERS", 900 * GB, partitioned=True),
        tab("LINES", 120 * GB),
        tab("DOC", 3 * GB, lobs=["BODY"]),
        tab("AUDIT", GB, has_primary_key=False, key_columns=[]),
    ]
    tables += [tab(f"T{i:03d}", (i % 7 + 1) * 100 * MB) for i in range(300)]
    if order_seed is not None:
        random.Random(order_seed).shuffle(tables)
    return plan_migration(
        tables,
        window_hours=4,
        instance_class=XL,
        groups=[["APP.T001", "APP.T002"]],
        key_ranges={"APP.LINES": (1, 1_000_000)},
    )


def test_to_dict_is_json_and_round_trips():
    plan = sample_plan()
    data = plan.to_dict()
    assert json.loads(json.dumps(data)) == data
    again = MigrationPlan.from_dict(json.loads(plan.to_json()))
    assert again.to_json() == plan.to_json()
    # the file keeps each warning's text; read back, a warning is a warning with the plan-file code
    assert again == replace(plan, warnings=again.warnings)
    assert [w.text for w in again.warnings] == [w.text for w in plan.warnings] and plan.warnings
    assert {(w.level, w.code) for w in again.warnings} == {(Level.WARNING, PLAN_FILE_WARNING)}
    assert data["warnings"] == [w.text for w in plan.warnings]
    big = next(t for t in data["tasks"] if t["name"] == "big-orders")
    assert big["tables"] == [["APP", "ORDERS"]]
    assert big["parallel_load"] == {"APP.ORDERS": {"type": "partitions-auto"}}
    assert data["migration_type"] == "full-load-and-cdc"
    assert all(t["estimated_seconds"] % 60 == 0 for t in data["tasks"])  # whole minutes only


def test_same_input_in_any_order_gives_the_same_plan():
    assert sample_plan().to_dict() == sample_plan(order_seed=1).to_dict() == sample_plan(order_seed=2).to_dict()


def test_render_text_shows_tasks_numbers_and_verdict():
    plan = sample_plan()
    text = render_plan_text(plan)
    big = task_of(plan, "APP", "ORDERS")
    row = next(line for line in text.splitlines() if line.startswith("big-orders "))
    assert row.split()[:4] == ["big-orders", "1", "900", str(big.max_full_load_subtasks)]
    assert row.endswith("partitions-auto")
    segments = len(task_of(plan, "APP", "LINES").parallel_load[("APP", "LINES")]["boundaries"]) + 1
    assert segments > 1
    assert next(line for line in text.splitlines() if line.startswith("big-lines ")).endswith(f"ranges:{segments}")
    hours = plan.estimated_makespan_seconds / 3600
    assert f"Full load: {hours:.0f} h estimated" in text or f"Full load: {hours:.1f} h estimated" in text
    assert "vs window 4 h: does not fit" in text
    assert f"Recommended: {plan.recommended_instance_class}, {plan.recommended_storage_gb} GB storage" in text
    assert "AWS publishes no fixed rows/s per instance figure" in text
    assert "! 1 table(s) without primary or unique key (APP.AUDIT)" in text
    total = next(line for line in text.splitlines() if line.startswith("total "))
    assert total.split()[1] == "304"
    finish = next(line for line in text.splitlines() if line.startswith("big-orders ")).split()[4:6]
    verdict = re.search(r"^Full load: (.+?) estimated", text, re.MULTILINE)
    assert verdict and " ".join(total.split()[3:5]) == verdict.group(1)  # the total row's time is the makespan
    assert finish and text.splitlines()[1].split()[4] == "finishes"
