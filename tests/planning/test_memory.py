"""LOB buffers against the instance memory (DMS guide: Setting LOB support; Stream buffer task settings)."""

import json

import pytest

from migration.config import ConfigError
from migration.config.stackfile import read_stack_file
from migration.planning.design import resolve
from migration.planning.memory import (
    GIB,
    LOB_MEMORY_SHARE,
    LobTable,
    MemoryFitError,
    TaskLobs,
    fit_lob_buffers,
    smallest_class_with,
)
from migration.planning.planner import render_plan_text
from tests.helpers import ROOT

DOCUMENTS = LobTable("APP.DOCUMENTS", 15360, 3)  # 3 LOB columns, limited at 15 MB (3x the largest 5 MB LOB)


def test_the_guides_formula_for_one_big_lob_table():
    """15,360 KB x 10,000 x 3 LOB columns: what DMS would pre-allocate at the default CommitRate (~440 GB)."""
    plan = fit_lob_buffers([TaskLobs("big-documents", 12, (DOCUMENTS,))], "dms.r6i.xlarge")
    assert plan.default_demand_bytes / GIB == pytest.approx(444.2, abs=0.1)
    buffers = plan.tasks["big-documents"]
    assert buffers.commit_rate == 256
    assert buffers.stream_buffer_size_mb == 1620  # 45 MB x 3 buffers x 12 subtasks x 3, over 3 buffers
    assert plan.used_bytes <= plan.budget_bytes == int(32 * GIB * LOB_MEMORY_SHARE)


def test_small_lobs_keep_the_default_commit_rate():
    plan = fit_lob_buffers([TaskLobs("t", 8, (LobTable("APP.NOTES", 64, 1),))], "dms.r6i.large")
    assert plan.tasks["t"].commit_rate == 10000
    assert plan.tasks["t"].stream_buffer_size_mb == 8  # the formula is below DMS's default buffer


def test_only_the_subtasks_heaviest_tables_load_at_once():
    tables = tuple(LobTable(f"APP.T{i}", 64 * (i + 1), 1) for i in range(10))
    assert TaskLobs("t", 2, tables).row_kb == 640 + 576


def test_tasks_without_lobs_are_not_sized():
    plan = fit_lob_buffers([TaskLobs("plain", 8, ())], "dms.t3.micro")
    assert plan.tasks == {} and plan.used_bytes == 0


def test_a_class_too_small_is_refused_naming_the_class_that_fits():
    with pytest.raises(MemoryFitError) as err:
        fit_lob_buffers([TaskLobs("big-documents", 12, (DOCUMENTS,))], "dms.r6i.large")
    message = str(err.value)
    assert "even at CommitRate 100 (task big-documents: 46,080 KB per committed row)" in message
    assert "use dms.r6i.xlarge" in message


def test_no_class_big_enough_says_so():
    huge = tuple(LobTable(f"APP.T{i}", 102400, 20) for i in range(49))
    with pytest.raises(MemoryFitError, match="no DMS class is big enough"):
        fit_lob_buffers([TaskLobs("t", 49, huge)], "dms.r6i.large")


def test_smallest_class_prefers_the_family_then_the_newest_generation():
    assert smallest_class_with(20 * GIB, prefer_family="r5") == "dms.r5.xlarge"
    assert smallest_class_with(20 * GIB, prefer_family="t3") == "dms.r6i.xlarge"  # t3 stops at 8 GiB
    assert smallest_class_with(2000 * GIB, prefer_family="r6i") is None


def _prod(*overrides):
    return resolve(read_stack_file(ROOT, "prod", list(overrides)).load()).tasks


def test_prod_big_documents_task_gets_buffers_that_fit_and_validates_its_own_lob_limit():
    specs = {s.name: s for s in _prod()}
    docs = specs["big-documents"].settings
    assert docs["FullLoadSettings"]["CommitRate"] == 256
    assert docs["StreamBufferSettings"]["StreamBufferSizeInMB"] == 1620
    assert docs["ValidationSettings"]["ValidationPartialLobSize"] == 15360
    assert docs["TargetMetadata"]["LobMaxSize"] == 64  # the table's own bulk-max-size carries its LOBs
    plain = specs["big-orders"].settings
    assert plain["FullLoadSettings"]["CommitRate"] == 10000
    assert plain["StreamBufferSettings"]["StreamBufferSizeInMB"] == 8


def test_prod_on_a_small_class_is_refused_before_any_resource():
    with pytest.raises(ConfigError) as err:
        _prod("replicationInstance.instanceClass=dms.r6i.large")
    assert str(err.value).startswith("oracle2pg:replicationInstance.instanceClass: the LOB buffers of 1 task(s)")
    assert "use dms.r6i.xlarge" in str(err.value)


def test_a_commit_rate_override_above_the_fit_is_refused():
    with pytest.raises(ConfigError, match=r"CommitRate: 5000 would not fit the LOB buffers .* at most 256"):
        _prod("migration.taskSettingsOverrides={FullLoadSettings: {CommitRate: 5000}}")


def test_logminer_cdc_with_lob_tables_needs_binary_reader_or_an_acknowledgement():
    with pytest.raises(ConfigError) as err:
        _prod("migration.lobUpdatesNotReplicated=[]")
    assert str(err.value).startswith(
        "oracle2pg:source.settings.reader: with LogMiner, DMS does not replicate UPDATEs that change only LOB "
        "columns, and these CDC tables have LOBs: APP.DOCUMENTS"
    )
    binary = _prod(
        "migration.lobUpdatesNotReplicated=[]",
        "source.settings.reader=binary-reader",
        "source.settings.filterTransactionsOfUser=null",
    )
    assert not any("LogMiner" in r for s in binary for r in s.reasons)


def test_a_full_load_stack_needs_no_acknowledgement():
    specs = _prod("migration.lobUpdatesNotReplicated=[]", "migration.type=full-load", "reverse.enabled=false")
    assert json.dumps([s.reasons for s in specs]).count("LogMiner") == 0


def test_an_acknowledgement_pattern_covers_the_tables_it_matches():
    design = resolve(read_stack_file(ROOT, "prod", ["migration.lobUpdatesNotReplicated=[APP.%]"]).load())
    (note,) = [n.line for n in design.notices if n.code == "logminer-lob-updates-accepted"]
    assert "of APP.DOCUMENTS are not replicated" in note and "not a LOB table" not in note


def test_on_serverless_the_lob_buffers_fit_the_dcu_maximum():
    specs = {s.name: s for s in _prod("capacity.mode=serverless", "reverse.enabled=false")}
    assert specs["big-documents"].settings["FullLoadSettings"]["CommitRate"] == 256  # 16 DCU = 32 GiB
    with pytest.raises(
        ConfigError, match=r"^oracle2pg:capacity.maxDcu: .* DMS Serverless at 4 DCU; set capacity.maxDcu to 16"
    ):
        _prod("capacity.mode=serverless", "reverse.enabled=false", "capacity.maxDcu=4")


def test_the_serverless_recommendation_holds_the_lob_buffers_the_maxdcu_check_asks_for(tmp_path):
    """Re-trial B2: the check said 'set capacity.maxDcu to 128', then the plan recommended 64 DCU (and the class
    of 64) with 128 set: the recommendation is now what the check asks for, and names the class of that size."""
    lobs = tmp_path / "lobs.csv"
    lobs.write_text((ROOT / "tests/data/inventory/lobs.csv").read_text().replace("5242880", "10485760"))
    stack = [
        "capacity.mode=serverless",
        "reverse.enabled=false",
        "sizing.planFile=null",
        f"inventory.lobs={lobs}",
        "replicationInstance.instanceClass=dms.r6i.large",  # 16 GiB: 8 DCU for throughput
    ]
    with pytest.raises(ConfigError, match=r"DMS Serverless at 8 DCU; set capacity.maxDcu to 16$"):
        resolve(read_stack_file(ROOT, "prod", stack).load())
    plan = resolve(read_stack_file(ROOT, "prod", [*stack, "capacity.maxDcu=128"]).load()).plan
    assert plan is not None and (plan.recommended_dcu, plan.recommended_instance_class) == (16, "dms.r6i.xlarge")
    assert plan.reasons[-1] == (
        "capacity: MaxCapacityUnits 16 DCU rather than 8 (enough for throughput): the LOB buffers of replication "
        "big-documents need 16 DCU (50% of its memory at CommitRate 100 or more; DMS guide: Setting LOB support)"
    )
    assert "Recommended: MaxCapacityUnits 16 DCU per replication config" in render_plan_text(plan)
    # a frozen plan keeps its value and says what the LOB buffers need
    frozen = tmp_path / "plan.json"
    frozen.write_text(plan.to_json().replace('"recommended_dcu": 16', '"recommended_dcu": 8'))
    design = resolve(read_stack_file(ROOT, "prod", [*stack, "capacity.maxDcu=128", f"sizing.planFile={frozen}"]).load())
    assert design.plan is not None and design.plan.recommended_dcu == 8
    (note,) = [n.line for n in design.notices if n.code == "frozen-plan-dcu-lob-buffers"]
    assert "recommends MaxCapacityUnits 8 DCU, but the LOB buffers of replication big-documents need 16 DCU" in note
