"""The named steps of plan_migration, checked one at a time with hand-computed figures.

Defaults used: dms.r6i.xlarge (4 vCPU) = 12 MB/s per stream, 48 MB/s per instance, 8 subtasks, LOB x3, CDC apply
4.8 MB/s; dms.r6i.8xlarge (32 vCPU) = 12 MB/s per stream, 384 MB/s per instance."""

from __future__ import annotations

import math

import pytest

from migration.planning.planner import (
    GB,
    MB,
    PlannerError,
    Throughput,
    _assign,
    _assumptions,
    _big_draft,
    _bundles,
    _catch_up,
    _check_options,
    _choose_migration_type,
    _Context,
    _demote,
    _Draft,
    _Estimate,
    _estimate,
    _finest_unit,
    _mark_big,
    _needs_own_task,
    _pack,
    _parallel_load,
    _parallel_ranges,
    _range_bounds,
    _rates,
    _set_subtasks,
    _Shared,
    _size_shared,
    _tab,
    _table_warnings,
)
from tests.planning.test_planner import BIG, XL, Tab, tab  # noqa: E402  the same fake inventory tables


def ctx_for(
    tables: list[Tab],
    *,
    instance_class: str = XL,
    window_hours: float = 8,
    preloaded: bool = False,
    max_tables: int = 200,
    task_cap: int = 200,
    throughput: Throughput | None = None,
    ranges: dict | None = None,
) -> _Context:
    r = _rates(instance_class, throughput, sum(t.bytes for t in tables))
    tabs = tuple(sorted((_tab(t, r) for t in tables), key=lambda t: t.key))
    return _Context(instance_class, throughput, window_hours, preloaded, max_tables, task_cap, r, tabs, ranges or {})


def bundles_of(ctx: _Context, groups=()):
    return _bundles(ctx.tabs, groups, {t.label: t for t in ctx.tabs}, ctx.max_tables)


def labels(draft: _Draft) -> list[str]:
    return [t.label for t in draft.tabs]


# --- context and options ----------------------------------------------------------------------------------------


def test_context_totals_count_lob_work_and_set_the_target():
    ctx = ctx_for([tab("A", 4 * GB), tab("B", 2 * GB, lobs=["DOC"])])
    assert ctx.total_bytes == 6 * GB
    assert ctx.total_work == 4 * GB + 3 * 2 * GB  # LOB penalty x3
    # half of what one stream moves in total work / instance rate: 10 GB * 12 / (2 * 48)
    assert ctx.target == pytest.approx(1.25 * GB)
    assert ctx.window_s == 8 * 3600
    assert ctx.vcpu == 4


def test_check_options_returns_the_limits_and_reports_the_first_bad_option():
    assert _check_options(8, XL, None, 50, None) == (50, 200)
    assert _check_options(0.5, XL, Throughput(), 200, 10) == (200, 10)
    with pytest.raises(PlannerError, match=r"^window_hours must be"):
        _check_options(0, "dms.nope", {"x": 1}, 0, 0)
    with pytest.raises(PlannerError, match=r"^instance_class 'dms.nope'"):
        _check_options(8, "dms.nope", {"x": 1}, 0, 0)
    with pytest.raises(PlannerError, match=r"^throughput must be"):
        _check_options(8, XL, {"x": 1}, 0, 0)
    with pytest.raises(PlannerError, match=r"^max_tables_per_task must be an integer 1..1000"):
        _check_options(8, XL, None, 0, 0)
    with pytest.raises(PlannerError, match=r"^max_tasks must be an integer 1..200"):
        _check_options(8, XL, None, 1, 0)


# --- big tables -------------------------------------------------------------------------------------------------


def test_needs_own_task_from_size_and_target():
    ctx = ctx_for([tab("HUGE", 50 * GB), tab("MID", 10 * GB), tab("LOBMID", 10 * GB, lobs=["D"]), tab("SMALL", 9 * GB)])
    by = {t.label: t for t in ctx.tabs}
    assert _needs_own_task(by["APP.HUGE"], target=1e15)  # 50 GB always
    assert _needs_own_task(by["APP.MID"], target=9 * GB)
    assert not _needs_own_task(by["APP.MID"], target=10 * GB)  # work must exceed the target
    assert _needs_own_task(by["APP.LOBMID"], target=20 * GB)  # 30 GB of work
    assert not _needs_own_task(by["APP.SMALL"], target=0.0)  # under 10 GB never


def test_mark_big_flags_a_group_holding_one_big_table():
    ctx = ctx_for([tab("HUGE", 60 * GB), tab("T1", GB), tab("T2", GB)])
    bundles = bundles_of(ctx, [["APP.HUGE", "APP.T1"]])
    _mark_big(bundles, ctx.target)
    assert [([t.label for t in b.tabs], b.big) for b in bundles] == [
        (["APP.HUGE", "APP.T1"], True),
        (["APP.T2"], False),
    ]


def test_range_bounds_are_even_integer_or_float_and_drop_repeats():
    assert _range_bounds(0, 100, 4) == [25, 50, 75]
    assert all(isinstance(b, int) for b in _range_bounds(0, 100, 4))
    assert _range_bounds(0.0, 1.0, 4) == [0.25, 0.5, 0.75]
    assert _range_bounds(1, 3, 4) == [1, 2]  # 1 + 2*3//4 repeats 2
    assert _range_bounds(5, 5, 4) == []


def test_parallel_load_partitions_use_the_target_for_the_segment_count():
    ctx = ctx_for([tab("P", 100 * GB, partitioned=True)])
    warnings: list[str] = []
    settings, segs, why = _parallel_load(ctx.tabs[0], 10 * GB, None, warnings)
    assert (settings, segs, warnings) == ({"type": "partitions-auto"}, 10, [])
    assert why.startswith("APP.P is partitioned: parallel-load partitions-auto, estimated as 10 equal segments")
    assert _parallel_load(ctx.tabs[0], 1 * GB, None, [])[1] == 49  # capped at MaxFullLoadSubTasks


def test_parallel_load_without_bounds_asks_for_them():
    ctx = ctx_for([tab("R", 100 * GB)])
    warnings: list[str] = []
    assert _parallel_load(ctx.tabs[0], 25 * GB, None, warnings)[:2] == ({"type": "none"}, 1)
    assert warnings == [
        "APP.R (100 GB) loads on one stream until you run SELECT MIN(ID), MAX(ID) FROM APP.R and pass it in key_ranges"
    ]


def test_parallel_ranges_from_bounds_and_the_unique_key_warning():
    ctx = ctx_for([tab("U", 100 * GB, has_primary_key=False, has_unique_key=True)])
    warnings: list[str] = []
    settings, segs, why = _parallel_ranges(ctx.tabs[0], "ID", (0, 100), 4, warnings)
    assert settings == {"type": "ranges", "columns": ["ID"], "boundaries": [["25"], ["50"], ["75"]]}
    assert segs == 4
    assert why.endswith("; ID comes from a unique key: rows with NULL ID are not loaded")
    assert warnings == ["APP.U: parallel-load ranges skip rows whose ID is NULL; check the column is NOT NULL"]

    narrow: list[str] = []
    assert _parallel_ranges(ctx.tabs[0], "ID", (7, 7), 4, narrow)[:2] == ({"type": "none"}, 1)
    assert narrow == ["APP.U (100 GB) loads on one stream: key range 7..7 has one value"]


def test_big_draft_cuts_a_big_table_into_level_sized_segments():
    ctx = ctx_for([tab("HUGE", 900 * GB, partitioned=True), tab("T1", GB)])
    bundle = bundles_of(ctx, [["APP.HUGE", "APP.T1"]])[0]
    d = _big_draft(bundle, 100 * GB, ctx, [])
    assert d.kind == "big"
    assert labels(d) == ["APP.HUGE", "APP.T1"]
    assert d.units == [100 * GB] * 9 + [GB]
    assert d.streams_cap == 9  # max(8 default subtasks, 9 segments)
    assert d.parallel == {("APP", "HUGE"): {"type": "partitions-auto"}}
    assert d.notes[-1] == "keeps group APP.HUGE, APP.T1 together"
    assert _big_draft(bundle, 10 * GB, ctx, []).streams_cap == 49


# --- assignment -------------------------------------------------------------------------------------------------


def test_shared_totals_and_minimal_task_counts():
    ctx = ctx_for([tab(f"T{i}", GB) for i in range(5)] + [tab("L", GB, lobs=["D"])], max_tables=2)
    shared = _Shared()
    for b in bundles_of(ctx):
        shared.add(b)
    assert shared.counts == {"load": 5, "lob": 1, "nokey": 0}
    assert shared.works == {"load": 5 * GB, "lob": 3 * GB, "nokey": 0.0}
    assert shared.minimal(2) == {"load": 3, "lob": 1, "nokey": 0}


def test_demote_gives_up_the_smallest_big_tables_first():
    tables = [tab(f"BIG{i}", (60 + i) * GB, partitioned=True) for i in range(5)] + [tab(f"T{i}", GB) for i in range(10)]
    ctx = ctx_for(tables, task_cap=3)
    bundles = bundles_of(ctx)
    _mark_big(bundles, ctx.target)
    big = [b for b in bundles if b.big]
    shared = _Shared()
    for b in bundles:
        if not b.big:
            shared.add(b)
    demoted = _demote(big, shared, ctx)
    assert [t.label for t in demoted] == ["APP.BIG0", "APP.BIG1", "APP.BIG2"]  # smallest first
    assert [b.tabs[0].label for b in big] == ["APP.BIG4", "APP.BIG3"]
    assert shared.counts["load"] == 13
    assert shared.works["load"] == (10 + 60 + 61 + 62) * GB


def test_demote_raises_when_even_shared_tasks_alone_are_too_many():
    ctx = ctx_for([tab(f"T{i:04d}", MB) for i in range(2001)], max_tables=10)
    shared = _Shared()
    for b in bundles_of(ctx):
        shared.add(b)
    with pytest.raises(PlannerError, match=r"^2001 tables need 201 tasks at max_tables_per_task=10, over the 200"):
        _demote([], shared, ctx)


def test_size_shared_adds_tasks_until_each_stream_is_near_the_target():
    # 100 x 1 GB on 8xlarge: target = 100 GB * 12 / (2 * 384) = 1.5625 GB, so 8 tasks x 8 streams
    ctx = ctx_for([tab(f"T{i:03d}", GB) for i in range(100)], instance_class=BIG)
    bundles = bundles_of(ctx)
    shared = _Shared()
    for b in bundles:
        shared.add(b)
    members = {"load": bundles, "lob": [], "nokey": []}
    sizes, leftover, level = _size_shared(members, shared, 0, ctx)
    assert sizes == {"load": 8, "lob": 0, "nokey": 0}
    assert leftover == 200 - 8
    assert level == pytest.approx(1.5625 * GB)


def test_size_shared_for_cdc_keeps_the_minimal_counts():
    ctx = ctx_for([tab(f"T{i:03d}", GB) for i in range(100)], instance_class=BIG, preloaded=True)
    bundles = bundles_of(ctx)
    shared = _Shared()
    for b in bundles:
        shared.add(b)
    sizes, leftover, level = _size_shared({"load": bundles, "lob": [], "nokey": []}, shared, 2, ctx)
    assert (sizes, leftover, level) == ({"load": 1, "lob": 0, "nokey": 0}, 197, ctx.target)


def test_size_shared_lowers_the_level_when_the_table_limit_forces_more_tasks():
    ctx = ctx_for([tab(f"T{i}", GB) for i in range(10)], max_tables=1)  # target 1.25 GB
    bundles = bundles_of(ctx)
    shared = _Shared()
    for b in bundles:
        shared.add(b)
    sizes, leftover, level = _size_shared({"load": bundles, "lob": [], "nokey": []}, shared, 0, ctx)
    assert (sizes["load"], leftover) == (10, 190)
    assert level == pytest.approx(1 * GB)  # 10 GB over 10 tasks


def test_pack_balances_largest_first_onto_the_least_loaded_task():
    ctx = ctx_for([tab("A", 4 * GB), tab("B", 3 * GB), tab("C", 2 * GB), tab("D", 1 * GB)])
    tasks, leftover = _pack("load", bundles_of(ctx), 2, 5, ctx)
    assert [labels(d) for d in tasks] == [["APP.A", "APP.D"], ["APP.B", "APP.C"]]
    assert [d.units for d in tasks] == [[4 * GB, 1 * GB], [3 * GB, 2 * GB]]
    assert leftover == 5


def test_pack_opens_a_task_from_the_leftover_budget_for_a_group_that_fits_nowhere():
    ctx = ctx_for([tab(f"G{i}", (i + 1) * GB) for i in range(6)], max_tables=3)
    groups = [["APP.G0", "APP.G1"], ["APP.G2", "APP.G3"], ["APP.G4", "APP.G5"]]
    tasks, leftover = _pack("load", bundles_of(ctx, groups), 2, 1, ctx)
    assert [labels(d) for d in tasks] == [["APP.G4", "APP.G5"], ["APP.G2", "APP.G3"], ["APP.G0", "APP.G1"]]
    assert tasks[2].notes == ["keeps group APP.G0, APP.G1 together"]
    assert leftover == 0
    with pytest.raises(PlannerError, match=r"^groups don't pack into 200 tasks at max_tables_per_task=3"):
        _pack("load", bundles_of(ctx, groups), 2, 0, ctx)


def test_set_subtasks_gives_just_the_streams_needed_at_the_level():
    ctx = ctx_for([tab("A", GB)])
    d = _Draft("load", tabs=list(ctx.tabs) * 3, units=[GB, GB, GB])
    _set_subtasks([d], "load", 1 * GB, ctx)
    assert d.streams_cap == 3
    assert d.notes == [
        "3 table(s) balanced by bytes (largest first onto the least-loaded task); 1 load task(s), <= 200 tables "
        "each; 3 subtask(s), enough for its share of the instance (more would only slow the others)"
    ]
    cdc = _Draft("lob", tabs=list(ctx.tabs), units=[GB])
    _set_subtasks([cdc], "lob", 1 * GB, ctx_for([tab("A", GB)], preloaded=True))
    assert cdc.streams_cap == 8
    assert cdc.notes[0].startswith("1 table(s) with LOB columns, kept apart: LOB lookups are slow (estimated x3)")


def test_assign_keeps_the_two_largest_big_tables_within_three_tasks():
    tables = [tab(f"BIG{i}", (60 + i) * GB, partitioned=True) for i in range(5)] + [tab(f"T{i}", GB) for i in range(10)]
    ctx = ctx_for(tables, task_cap=3)
    bundles = bundles_of(ctx)
    _mark_big(bundles, ctx.target)
    warnings: list[str] = []
    drafts, demoted = _assign(bundles, ctx, warnings)
    assert [d.kind for d in drafts] == ["big", "big", "load"]
    assert [labels(d) for d in drafts[:2]] == [["APP.BIG4"], ["APP.BIG3"]]
    assert len(drafts[2].tabs) == 13
    assert [t.label for t in demoted] == ["APP.BIG0", "APP.BIG1", "APP.BIG2"]  # smallest first
    assert warnings == []


# --- estimate, type, warnings, assembly ------------------------------------------------------------------------


def test_estimate_simulates_streams_sharing_the_instance():
    ctx = ctx_for([tab(f"T{i}", GB) for i in range(10)])
    d = _Draft("load", tabs=list(ctx.tabs), units=[float(GB)] * 10, streams_cap=8)
    est = _estimate([d], ctx)
    # 8 streams share 48 MB/s for 1 GB (166.7 s), then the two carrying 2 GB run at 12 MB/s (83.3 s)
    assert est.task_seconds == [pytest.approx(250.0)]
    assert est.makespan == pytest.approx(250.0)
    assert est.lower == pytest.approx(10 * GB / (48 * MB))
    assert est.rounded == 300.0
    cdc = _estimate([d], ctx_for([tab(f"T{i}", GB) for i in range(10)], preloaded=True))
    assert (cdc.task_seconds, cdc.makespan, cdc.lower, cdc.rounded) == ([0.0], 0.0, 0.0, 0.0)


def test_catch_up_time_and_the_never_case():
    r = ctx_for([tab("A", GB)], throughput=Throughput(cdc_apply_mb_per_s=2, change_rate_mb_per_s=1)).rates
    warnings: list[str] = []
    seconds, tail = _catch_up(r, 3600, warnings)
    assert seconds == pytest.approx(3600.0)  # 3.6 GB backlog at 2 - 1 MB/s
    assert tail == (
        "CDC then applies the ~3.6 GB of changes cached during the load in about 60 min, "
        "and downtime is only the final cutover"
    )
    assert warnings == []
    slow = ctx_for([tab("A", GB)], throughput=Throughput(cdc_apply_mb_per_s=1, change_rate_mb_per_s=1)).rates
    seconds, tail = _catch_up(slow, 3600, warnings)
    assert math.isinf(seconds)
    assert tail == "CDC cannot catch up at the assumed rates"
    assert warnings[0].startswith("CDC apply (1 MB/s) is not faster than the change rate (1 MB/s)")


def test_choose_migration_type_by_the_rounded_estimate():
    ctx = ctx_for([tab("A", GB)], window_hours=1, throughput=Throughput(cdc_apply_mb_per_s=2, change_rate_mb_per_s=1))
    reasons: list[str] = []
    warnings: list[str] = []
    assert _choose_migration_type(ctx, _Estimate([2950.0], 2950.0, 100.0), reasons, warnings) == (
        "full-load",
        True,
        None,
    )
    assert reasons[0].startswith("full-load: the estimated full load (50 min) fits the 1 h window")
    assert warnings == [
        "the full load estimate (50 min) uses more than 80% of the 1 h window; confirm with a pilot load or plan "
        "full-load-and-cdc"
    ]

    reasons, warnings = [], []
    mtype, fits, catch_up = _choose_migration_type(ctx, _Estimate([4000.0], 4000.0, 4000.0), reasons, warnings)
    assert (mtype, fits, catch_up) == ("full-load-and-cdc", False, pytest.approx(4000.0))
    assert reasons[0].startswith("full-load-and-cdc: the estimated full load (67 min) exceeds the 1 h window; CDC")
    assert warnings[0].startswith("even the lower bound (67 min) exceeds the 1 h window on dms.r6i.xlarge")

    pre = ctx_for([tab("A", GB)], window_hours=1, preloaded=True)
    reasons, warnings = [], []
    assert _choose_migration_type(pre, _Estimate([0.0], 0.0, 0.0), reasons, warnings) == ("cdc", True, None)
    assert reasons[0].startswith("cdc: the target is pre-loaded")
    assert warnings == []


def test_table_warnings_for_keyless_lob_and_demoted_tables():
    ctx = ctx_for([tab("OK", GB), tab("NK", GB, has_primary_key=False, key_columns=[], lobs=["DOC"])], task_cap=3)
    nk = next(t for t in ctx.tabs if t.label == "APP.NK")
    apart = [_Draft("nokey", tabs=[nk])]
    warnings = _table_warnings(ctx, [nk], apart)
    assert [w.split(":")[0] for w in warnings] == [
        "1 table(s) without primary or unique key (APP.NK)",
        "LOB table(s) without a key (APP.NK)",
        "1 large table(s) (APP.NK) share tasks without parallel load because of the 3-task limit",
    ]
    assert "they are in their own nokey task(s)" in warnings[0]
    shared = _table_warnings(ctx, [], [_Draft("load", tabs=list(ctx.tabs))])
    assert "they share tasks with keyed tables (big tables or groups)" in shared[0]
    assert _table_warnings(ctx_for([tab("OK", GB)]), [], []) == []


def test_finest_unit_assumes_49_segments_only_where_parallel_load_is_possible():
    tables = [tab("P", 98 * GB, partitioned=True), tab("R", 49 * GB), tab("N", 20 * GB)]
    assert _finest_unit(ctx_for(tables)) == 49 * GB  # R: no ranges given, loads whole
    assert _finest_unit(ctx_for(tables, ranges={"APP.R": (1, 10)})) == 20 * GB
    assert _finest_unit(ctx_for(tables[:1])) == 2 * GB


def test_assumptions_record_the_rates_in_user_units():
    ctx = ctx_for([tab("A", 432 * GB)])
    assert _assumptions(ctx) == {
        "full_load_mb_per_s_per_stream": 12.0,
        "instance_full_load_mb_per_s": 48.0,
        "max_streams": 8.0,
        "lob_penalty": 3.0,
        "cdc_apply_mb_per_s": pytest.approx(4.8),
        "change_rate_mb_per_s": 0.1,  # 2% of 432 GB per day
        "vcpu": 4.0,
    }
