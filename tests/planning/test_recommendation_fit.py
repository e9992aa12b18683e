"""One recommended instance class, consistent with every check: the planner's throughput sizing and the LOB-buffer
memory fit (DMS guide: Setting LOB support; Stream buffer task settings). A frozen plan never changes class."""

import json
import shutil
from pathlib import Path

from migration.config.stackfile import read_stack_file
from migration.planning.design import resolve
from migration.planning.planner import render_plan_text
from tests.helpers import ROOT

FROZEN = "tests/data/inventory/prod-migration-plan.json"


def test_a_fresh_prod_plan_recommends_the_class_that_holds_its_lob_buffers():
    design = resolve(read_stack_file(ROOT, "prod", ["sizing.planFile=null"]).load())
    text = render_plan_text(design.plan)
    # today: "Recommended: dms.r6i.large" next to a NOTE that dms.r6i.large cannot hold the LOB buffers
    assert "Recommended: dms.r6i.xlarge, " in text
    # the load overruns the window on the configured xlarge: the planner itself never recommends below it
    assert "no smaller than the configured dms.r6i.xlarge: the full load and catch-up above are estimated on it" in (
        text
    )
    assert json.loads(design.plan.to_json())["recommended_instance_class"] == "dms.r6i.xlarge"
    assert not [n for n in design.notices if "cannot hold the LOB buffers" in n.text or "recommended" in n.code]


def test_a_frozen_plan_keeps_its_class_and_says_once_which_class_would_fit():
    design = resolve(read_stack_file(ROOT, "prod").load())
    assert design.plan.recommended_instance_class == "dms.r6i.large"  # the plan file, unchanged
    (line,) = [n.line for n in design.notices if n.code == "frozen-plan-class-lob-buffers"]
    assert line.startswith(f"WARNING the frozen plan {FROZEN} recommends dms.r6i.large, which cannot hold the LOB")
    assert "dms.r6i.xlarge would hold them" in line
    assert "Recommended: dms.r6i.large, " in render_plan_text(design.plan)


def _lob_heavy_shop(tmp_path, columns: int, mb: int):
    """The shop stack with a table of `columns` BLOBs of `mb` MB each, planned automatically."""
    shop = tmp_path / "shop"
    shutil.copytree(ROOT / "tests" / "data" / "shop", shop)
    with (shop / "tables.csv").open("a", encoding="utf-8") as f:
        f.write('"SHOP","SCANS",50000,10737418240,"Y","N","NO"\n')
    with (shop / "keys.csv").open("a", encoding="utf-8") as f:
        f.write('"SHOP","SCANS","P","SCAN_ID",1,"SCANS_PK"\n')
    with (shop / "columns.csv").open("a", encoding="utf-8") as cols, (shop / "lobs.csv").open("a") as lobs:
        cols.write('"SHOP","SCANS","SCAN_ID","NUMBER",22,12,0,"N","",""\n')
        for i in range(1, columns + 1):
            cols.write(f'"SHOP","SCANS","IMAGE_{i}","BLOB",4000,"","","Y","",""\n')
            lobs.write(f'"SHOP","SCANS","IMAGE_{i}",{mb * 1024 * 1024}\n')
    stackfile = shop / "Pulumi.shop.yaml"
    stackfile.write_text(
        stackfile.read_text().replace('      - SHOP."notes"\n', '      - SHOP."notes"\n      - SHOP.SCANS\n')
    )
    return read_stack_file(shop, "shop", ["sizing.mode=auto", "sizing.windowHours=6"]).load()


def test_a_lob_heavy_inventory_gets_a_class_with_room_for_its_buffers(tmp_path):
    design = resolve(_lob_heavy_shop(tmp_path, columns=10, mb=3))
    text = render_plan_text(design.plan)
    assert "  - instance: dms.r6i.large is the smallest class of the r (memory) family" in text  # throughput alone
    assert "Recommended: dms.r6i.xlarge, " in text
    assert "at dms.r6i.large the LOB buffers of 4 task(s) need 10.2 GiB even at CommitRate 100" in text


def _commit_rates(design) -> dict[str, int]:
    return {s.name: s.settings["FullLoadSettings"]["CommitRate"] for s in design.forward}


def test_on_serverless_each_replication_fits_its_lob_buffers_alone_and_the_summaries_name_it(tmp_path):
    stack = _lob_heavy_shop(tmp_path, columns=10, mb=1)
    pooled = resolve(stack)
    alone = resolve(
        read_stack_file(
            Path(stack.root),
            "shop",
            ["sizing.mode=auto", "sizing.windowHours=6", "capacity.mode=serverless", "reverse.enabled=false"],
        ).load()
    )
    summaries = [n.text for n in alone.notices if n.code == "lob-buffers"]
    # today: one line pooling every replication's buffers into one 16 DCU budget, at one CommitRate
    assert len(summaries) == 4  # the LONG table applies row by row in a task of its own
    assert all(t.startswith("LOB buffers on replication oracle2pg-shop-") for t in summaries)
    before, after = _commit_rates(pooled), _commit_rates(alone)
    assert all(after[name] >= rate for name, rate in before.items())
    assert after["big-scans"] > before["big-scans"]


def test_with_several_instances_each_lob_buffers_line_names_its_instance(tmp_path):
    stack = _lob_heavy_shop(tmp_path, columns=10, mb=1)
    overrides = ["sizing.mode=auto", "sizing.windowHours=6", "capacity.instances=2"]
    design = resolve(read_stack_file(Path(stack.root), "shop", overrides).load())
    lines = [n.text for n in design.notices if n.code == "lob-buffers"]
    # today: two identical-looking "LOB buffers: ..." lines, neither saying which instance it is
    assert len(lines) == len({s.instance for s in design.forward if s.name in _lob_tasks(design)}) == 2
    assert sorted(t.split(":")[0] for t in lines) == [
        "LOB buffers on instance oracle2pg-shop",
        "LOB buffers on instance oracle2pg-shop-2",
    ]


def _lob_tasks(design) -> set[str]:
    return {s.name for s in design.forward if any("LOB buffers CommitRate" in r for r in s.reasons)}
