"""One recommended instance class, consistent with every check: the planner's throughput sizing and the LOB-buffer
memory fit (DMS guide: Setting LOB support; Stream buffer task settings). A frozen plan never changes class."""

import json
import shutil

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
    assert "  - instance: dms.r6i.xlarge rather than dms.r6i.large (enough for throughput): at dms.r6i.large the " in (
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
        stackfile.read_text().replace("      - SHOP.notes\n", "      - SHOP.notes\n      - SHOP.SCANS\n")
    )
    return read_stack_file(shop, "shop", ["sizing.mode=auto", "sizing.windowHours=6"]).load()


def test_a_lob_heavy_inventory_gets_a_class_with_room_for_its_buffers(tmp_path):
    design = resolve(_lob_heavy_shop(tmp_path, columns=10, mb=3))
    text = render_plan_text(design.plan)
    assert "  - instance: dms.r6i.large is the smallest class of the r (memory) family" in text  # throughput alone
    assert "Recommended: dms.r6i.xlarge, " in text
    assert "at dms.r6i.large the LOB buffers of 4 task(s) need 10.2 GiB even at CommitRate 100" in text
