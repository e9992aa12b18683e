"""The runbook's pictures (Mermaid), its shell helpers and loops, and the exact tables its row counts cover, on the
real stacks (prod, dev, tests/data/shop) and on hand-made contexts for the shapes the stacks do not have."""

from __future__ import annotations

import dataclasses
import json
import math
import os
import re
import shutil
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from migration.config.stackfile import read_stack_file
from migration.dms.identifiers import StackNames
from migration.docs.runbook import (
    MAX_GANTT_ROWS,
    MAX_INSTANCE_NODES,
    MAX_TASK_NODES,
    MigratedTable,
    RunbookContext,
    RunbookError,
    render_runbook,
)
from migration.docs.stack_docs import runbook, runbook_context
from migration.planning.design import resolve

ROOT = Path(__file__).resolve().parents[2]
SHOP = ROOT / "tests" / "data" / "shop"
SAFE_ID = re.compile(r"^[A-Za-z0-9_]+$")

BASE = RunbookContext(
    project="oracle2pg",
    stack="big",
    region="eu-west-1",
    phase="replicate",
    migration_type="full-load-and-cdc",
    forward_task_ids=["big-t1", "big-t2"],
    reverse_task_id="big-rev",
    instance_id="big-i1",
    source_description="Oracle ORCL at orcl.example:1521",
    target_description="PostgreSQL app at pg.example:5432",
    oracle_schemas=["APP"],
    postgres_schemas=["app"],
    reverse_slot_name="slot",
    loopback_prevention=False,
    validation_enabled=True,
)


def prod(*overrides: str):
    return read_stack_file(ROOT, "prod", list(overrides)).load()


def shop():
    return read_stack_file(SHOP, "shop").load()


def mermaid_blocks(text: str) -> list[str]:
    return re.findall(r"^```mermaid\n(.*?)^```", text, flags=re.S | re.M)


def block(text: str, kind: str) -> str:
    found = [b for b in mermaid_blocks(text) if b.startswith(kind)]
    assert len(found) == 1, f"{kind}: {len(found)} blocks"
    return found[0]


def nodes(flowchart: str) -> dict[str, str]:
    """Node id -> label text of every node definition (`id[...]`, `id(...)`, `id{{...}}`, `id[(...)]`)."""
    return dict(re.findall(r'^\s+(\w+)(?:\[\(|\[|\(|\{\{)"(.*?)"', flowchart, flags=re.M))


def sh_blocks(text: str) -> list[str]:
    return re.findall(r"^```sh\n(.*?)^```", text, flags=re.S | re.M)


def section(text: str, title: str) -> str:
    match = re.search(rf"^## {re.escape(title)}.*?(?=^## |\Z)", text, flags=re.S | re.M)
    assert match, title
    return match.group(0)


@pytest.fixture(scope="module")
def prod_text() -> str:
    return runbook(resolve(prod()))


# ------------------------------------------------------------------------------------------------- topology


def test_prod_topology_draws_the_real_ids_in_order(prod_text):
    names = StackNames("oracle2pg", "prod")
    chart = block(prod_text, "flowchart LR")
    found = nodes(chart)
    assert all(SAFE_ID.match(node) for node in found)
    assert found["src_ep"] == f"{names.source_endpoint_id}<br/>source endpoint"
    assert found["tgt_ep"] == f"{names.target_endpoint_id}<br/>target endpoint"
    assert found["inst_1"] == f"{names.instance_id}<br/>replication instance"
    tasks = [s.task_id for s in list(resolve(prod()).forward)]
    assert [found[f"task_{i}"] for i in range(1, 5)] == [f"{t}<br/>forward task" for t in tasks]
    assert found["rev_task"].startswith(f"{names.task_id('reverse')}<br/>reverse task, cdc")
    assert found["rev_src_ep"].startswith(names.reverse_source_endpoint_id)
    assert found["rev_tgt_ep"].startswith(names.reverse_target_endpoint_id)
    assert "(created at phase cutover)" in found["rev_task"]  # phase replicate
    # the reverse endpoints exist from the first up (their connections are tested in section 1)
    assert "created at" not in found["rev_src_ep"] and "created at" not in found["rev_tgt_ep"]
    edges = [line.strip() for line in chart.splitlines() if "->" in line]
    assert edges == [
        "oracle --> src_ep",
        "src_ep --> inst_1",
        "inst_1 --> task_1 & task_2 & task_3 & task_4",
        "task_1 & task_2 & task_3 & task_4 --> tgt_ep",
        "tgt_ep --> postgres",
        "postgres -.->|fallback| rev_src_ep",
        "rev_src_ep -.-> inst_1",
        "inst_1 -.-> rev_task",
        "rev_task -.-> rev_tgt_ep",
        "rev_tgt_ep -.-> oracle",
    ]
    # the pictures come right after the header, before any command
    assert prod_text.index("## At a glance") < prod_text.index("## Shell helpers") < prod_text.index("## 0. ")


def test_reverse_path_is_drawn_only_when_the_stack_has_one():
    chart = block(render_runbook(dataclasses.replace(BASE, reverse_task_id=None, reverse_slot_name=None)), "flowchart")
    assert "rev_" not in chart and "-.->" not in chart
    cutover = block(render_runbook(dataclasses.replace(BASE, phase="cutover")), "flowchart")
    assert 'rev_task("big-rev<br/>reverse task, cdc")' in cutover  # exists from cutover on: no "created at" note


def test_several_instances_draw_each_task_under_its_own_instance():
    stack = prod("capacity.instances=2", "sizing.planFile=null")
    specs = list(resolve(stack).forward)
    assert {s.instance for s in specs} == {0, 1}
    chart = block(runbook(resolve(stack)), "flowchart LR")
    found = nodes(chart)
    ids = StackNames("oracle2pg", "prod").instance_ids(2)
    assert [found["inst_1"], found["inst_2"]] == [f"{i}<br/>replication instance" for i in ids]
    assert "    src_ep --> inst_1 & inst_2" in chart.splitlines()
    for spec in specs:
        node = next(n for n, label in found.items() if label.startswith(spec.task_id + "<br/>"))
        feeding = [line for line in chart.splitlines() if re.search(rf"--> (.* & )?{node}( |$)", line)]
        assert feeding == [f"    inst_{spec.instance + 1} --> " + feeding[0].split(" --> ")[1]]
    assert "    rev_src_ep -.-> inst_1" in chart.splitlines()  # the reverse task runs on the first instance


def test_serverless_draws_replication_configs_and_no_instance():
    text = runbook(resolve(prod("capacity.mode=serverless", "reverse.enabled=false")))
    chart = block(text, "flowchart LR")
    assert "inst_" not in chart and "replication instance" not in chart
    assert re.search(r'^    subgraph serverless\["DMS Serverless, \d+-\d+ DCU"\]$', chart, flags=re.M)
    assert "src_ep --> task_1 & task_2 & task_3 & task_4" in chart
    assert "forward replication config" in nodes(chart)["task_1"]
    assert "DMS Serverless (" in text.splitlines()[2]  # header: no replication instance named
    helpers = section(text, "Shell helpers")
    assert "aws dms describe-replications " in helpers and "describe-replication-table-statistics" in helpers
    assert "ReplicationInstanceIdentifier" not in text and "dms_metric" not in text
    assert "replication-config-id" in helpers


def test_hundreds_of_tasks_collapse_per_instance():
    tasks = [f"big-load-{i:03d}" for i in range(1, 301)]
    instances = ["big-i1", "big-i2", "big-i3"]
    ctx = dataclasses.replace(
        BASE,
        forward_task_ids=tasks,
        instance_ids=instances,
        task_instances={t: instances[i % 3] for i, t in enumerate(tasks)},
    )
    chart = block(render_runbook(ctx), "flowchart LR")
    found = nodes(chart)
    assert not any(n.startswith("task_") for n in found)
    assert found["tasks_1"] == "100 forward tasks<br/>big-load-001 ... big-load-298"
    assert found["tasks_3"] == "100 forward tasks<br/>big-load-003 ... big-load-300"
    assert "    inst_2 --> tasks_2" in chart.splitlines() and "    tasks_2 --> tgt_ep" in chart.splitlines()
    assert len(chart.splitlines()) < 40
    text = render_runbook(ctx)
    assert f"With more than {MAX_TASK_NODES} tasks" in text
    assert "and 280 more (all 300 in `FORWARD_TASKS`, Shell helpers)" in text.splitlines()[5]


def test_many_instances_collapse_into_one_node():
    instances = [f"big-i{i}" for i in range(1, MAX_INSTANCE_NODES + 3)]
    tasks = [f"big-t{i}" for i in range(1, 21)]
    ctx = dataclasses.replace(
        BASE,
        forward_task_ids=tasks,
        instance_id=instances[0],
        instance_ids=instances,
        task_instances={t: instances[i % len(instances)] for i, t in enumerate(tasks)},
    )
    found = nodes(block(render_runbook(ctx), "flowchart LR"))
    assert found["insts"] == f"{len(instances)} replication instances<br/>big-i1 ... big-i{len(instances)}"
    assert found["tasks_insts"] == "20 forward tasks<br/>big-t1 ... big-t20"
    assert not any(n.startswith("inst_") for n in found)


def test_labels_escape_what_would_break_the_diagram():
    ctx = dataclasses.replace(BASE, source_description='Oracle "ORCL" <prod> #1')
    assert 'oracle[("Oracle #quot;ORCL#quot; #lt;prod#gt; #35;1")]' in block(render_runbook(ctx), "flowchart")


@pytest.mark.parametrize(
    "changes, message",
    [
        ({"instance_ids": ["other", "big-i1"]}, "instance_ids: the first must be instance_id 'big-i1'"),
        ({"task_instances": {"big-t1": "nowhere"}}, "task_instances: 'big-t1' runs on 'nowhere'"),
        ({"task_instances": {"ghost": "big-i1"}}, "task_instances: 'ghost' is not a task of this runbook"),
        ({"serverless_dcu": (2, 8)}, "reverse_task_id: DMS Serverless cannot run the reverse task"),
        ({"full_load_estimates": [("ghost", 60.0)]}, "full_load_estimates: 'ghost' is not a forward task"),
    ],
)
def test_inconsistent_capacity_is_refused(changes, message):
    with pytest.raises(RunbookError, match=re.escape(message)):
        dataclasses.replace(BASE, **changes)


# ----------------------------------------------------------------------------------------------- phases


@pytest.mark.parametrize("phase", ["replicate", "cutover", "fallback", "complete"])
def test_phase_diagram_marks_the_current_phase(phase):
    chart = block(render_runbook(dataclasses.replace(BASE, phase=phase)), "stateDiagram-v2")
    lines = [line.strip() for line in chart.splitlines()]
    assert f'state "{phase} (current phase)" as {phase}' in lines
    assert [line for line in lines if line.startswith("class ")] == [f"class {phase} current"]
    assert sum("(current phase)" in line for line in lines) == 1
    for transition in (
        "replicate --> cutover: section 4",
        "cutover --> fallback: fallback, section 8",
        "fallback --> complete: take back, section 8",
        "replicate --> complete: abandon",
    ):
        assert transition in lines


def test_phase_diagram_has_no_fallback_without_a_reverse_path():
    chart = block(render_runbook(dataclasses.replace(BASE, reverse_task_id=None, reverse_slot_name=None)), "state")
    assert "fallback" not in chart
    assert "    cutover --> complete: teardown, section 9" in chart.splitlines()


# ------------------------------------------------------------------------------------------------- gantt


def test_gantt_rows_match_the_plan_estimates(prod_text):
    stack = prod()
    plan = resolve(stack).plan
    assert plan is not None
    by_name = {t.name: t.estimated_seconds for t in plan.tasks}
    expected = [(s.task_id, math.ceil(by_name[s.name])) for s in list(resolve(stack).forward)]
    chart = block(prod_text, "gantt")
    rows = re.findall(r"^    (\S+) \([^)]*\) :t\d+, 00:00, (\d+)s$", chart, flags=re.M)
    assert [(task, int(seconds)) for task, seconds in rows] == expected
    assert expected == [
        ("oracle2pg-prod-big-documents", 1140),
        ("oracle2pg-prod-big-orders", 960),
        ("oracle2pg-prod-load-01", 180),
        ("oracle2pg-prod-nokey-01", 1380),
    ]
    assert "    oracle2pg-prod-nokey-01 (23 min) :t4, 00:00, 1380s" in chart.splitlines()
    assert "estimate" in chart.splitlines()[1]
    assert "an **estimate**" in section(prod_text, "At a glance")


def test_gantt_groups_tasks_by_instance():
    ctx = dataclasses.replace(
        BASE,
        instance_ids=["big-i1", "big-i2"],
        task_instances={"big-t1": "big-i2", "big-t2": "big-i1", "big-rev": "big-i1"},
        full_load_estimates=[("big-t1", 3700.0), ("big-t2", 59.0)],
    )
    chart = block(render_runbook(ctx), "gantt")
    assert chart.splitlines()[5:] == [
        "    section big-i1",
        "    big-t2 (1 min) :t2, 00:00, 59s",
        "    section big-i2",
        "    big-t1 (1 h 02 min) :t1, 00:00, 3700s",
    ]


def test_gantt_keeps_the_longest_tasks_of_a_big_plan():
    tasks = [f"big-t{i}" for i in range(1, MAX_GANTT_ROWS + 11)]
    ctx = dataclasses.replace(
        BASE, forward_task_ids=tasks, full_load_estimates=[(t, 60.0 * (i + 1)) for i, t in enumerate(tasks)]
    )
    text = render_runbook(ctx)
    rows = [line for line in block(text, "gantt").splitlines() if ":t" in line]
    assert len(rows) == MAX_GANTT_ROWS
    assert rows[0].startswith("    big-t11 ") and rows[-1].startswith(f"    big-t{len(tasks)} ")
    assert f"The {MAX_GANTT_ROWS} longest of {len(tasks)} tasks are drawn." in text


@pytest.mark.parametrize(
    "text_of",
    [
        lambda: runbook(resolve(read_stack_file(ROOT, "dev").load())),  # no plan (sizing manual, no inventory)
        lambda: runbook(resolve(prod("migration.type=cdc"))),  # a cdc-only stack has no full load to plan
        lambda: render_runbook(dataclasses.replace(BASE, migration_type="cdc", full_load_estimates=[("big-t1", 9.0)])),
    ],
    ids=["dev", "prod-cdc", "cdc-context"],
)
def test_no_gantt_without_a_planned_full_load(text_of):
    text = text_of()
    assert not any(b.startswith("gantt") for b in mermaid_blocks(text))
    assert len(mermaid_blocks(text)) == 2


def test_gantt_leaves_out_tasks_the_plan_made_but_the_stack_dropped():
    stack = prod("inventory.unsupportedColumns=exclude-table")  # nokey-01's only table is excluded
    ctx = runbook_context(resolve(stack))
    assert ctx.full_load_estimates == [
        ("oracle2pg-prod-big-documents", 1140.0),
        ("oracle2pg-prod-big-orders", 960.0),
        ("oracle2pg-prod-load-01", 180.0),
    ]


# ------------------------------------------------------------------------------------- helpers and loops


def _all_texts() -> dict[str, str]:
    return {
        "prod": runbook(resolve(prod())),
        "dev": runbook(resolve(read_stack_file(ROOT, "dev").load())),
        "shop": runbook(resolve(shop())),
        "serverless": runbook(resolve(prod("capacity.mode=serverless", "reverse.enabled=false"))),
        "instances": runbook(resolve(prod("capacity.instances=2", "sizing.planFile=null"))),
    }


@pytest.fixture(scope="module")
def texts() -> dict[str, str]:
    return _all_texts()


def test_no_gnu_only_date_and_no_bash_only_syntax(texts):
    for name, text in texts.items():
        assert "date -d" not in text and "date -u -d" not in text, name
        assert "--date" not in text, name
        shell = "\n".join(sh_blocks(text))
        for bashism in ("[[", "local ", "declare ", "function ", "=(", "${!", "<<<", "source "):
            assert bashism not in shell, (name, bashism)
    assert "_now=$(date -u +%s)" in texts["prod"]
    assert '--start-time $((_now - 900)) --end-time "$_now"' in texts["prod"]


@pytest.mark.skipif(shutil.which("sh") is None, reason="no POSIX sh")
def test_every_shell_block_parses_with_posix_sh(texts, tmp_path):
    for name, text in texts.items():
        for i, code in enumerate(sh_blocks(text)):
            script = tmp_path / f"{name}-{i}.sh"
            script.write_text(code)
            result = subprocess.run(["sh", "-n", str(script)], capture_output=True, text=True)
            assert result.returncode == 0, (name, i, result.stderr, code[:300])


def test_metric_command_is_written_once_and_the_loops_use_the_task_list(prod_text):
    helpers = section(prod_text, "Shell helpers")
    assert prod_text.count("aws cloudwatch get-metric-statistics") == 1
    assert "aws cloudwatch get-metric-statistics" in helpers
    assert prod_text.count("dms_metric() {") == 1
    tasks = [s.task_id for s in list(resolve(prod()).forward)]
    assert f'FORWARD_TASKS="{" ".join(tasks)}"' in helpers.splitlines()
    after = prod_text[prod_text.index("## 0. ") :]
    # latency and table states are `python -m migration status` (issue 24); the drain is dms_drain_to (issue 22)
    assert "for t in $FORWARD_TASKS; do" not in after
    for task in tasks:
        assert task not in after.split("## Appendix: premigration assessment")[0]  # named once, in the helpers
    assert not re.search(r"^aws ", after.split("## Appendix: premigration assessment")[0], flags=re.M)


FAKE_AWS = r"""#!{python}
import json, os, sys
args = sys.argv[1:]
with open(os.environ["AWS_LOG"], "a") as log:
    log.write(json.dumps(args) + "\n")
placement = json.loads(os.environ["PLACEMENT"])
def arg(name):
    return args[args.index(name) + 1]
if args[:2] == ["dms", "describe-replication-tasks"]:
    task = arg("--filters").split("Values=", 1)[1]
    if "ReplicationInstanceArn" in arg("--query"):
        print("arn:aws:dms:eu-west-1:111122223333:rep:" + placement[task].upper())
    else:
        print("arn:aws:dms:eu-west-1:111122223333:task:RES-" + task.upper())
elif args[:2] == ["dms", "describe-replication-instances"]:
    print(arg("--filters").rsplit(":", 1)[1].lower())
elif args[:2] == ["cloudwatch", "get-metric-statistics"]:
    print("0 0 0")
"""


def test_the_latency_loop_measures_each_task_on_its_own_instance(tmp_path):
    """Runs the helpers and a latency loop over FORWARD_TASKS under sh with a stand-in `aws` that answers like DMS:
    every get-metric-statistics call names the task's own instance and its resource id, over the last 15 minutes.
    (Section 1 reads latency with `python -m migration status` since issue 24; the helper stays for the drain.)"""
    stack = prod("capacity.instances=2", "sizing.planFile=null")
    specs = list(resolve(stack).forward)
    ids = StackNames("oracle2pg", "prod").instance_ids(2)
    placement = {s.task_id: ids[s.instance] for s in specs}
    text = runbook(resolve(stack))
    helpers = sh_blocks(section(text, "Shell helpers"))[0]
    loop = 'for t in $FORWARD_TASKS; do\n  dms_metric CDCLatencySource "$t"\n  dms_metric CDCLatencyTarget "$t"\ndone\n'
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    fake = bin_dir / "aws"
    fake.write_text(FAKE_AWS.replace("{python}", sys.executable))
    fake.chmod(fake.stat().st_mode | stat.S_IEXEC)
    log = tmp_path / "aws.log"
    env = {**os.environ, "PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}", "AWS_LOG": str(log)}
    env["PLACEMENT"] = json.dumps(placement)
    result = subprocess.run(["sh", "-c", helpers + loop], capture_output=True, text=True, env=env, check=True)
    calls = [json.loads(line) for line in log.read_text().splitlines()]
    metrics = [c for c in calls if c[:2] == ["cloudwatch", "get-metric-statistics"]]
    assert len(metrics) == 2 * len(specs)
    seen = []
    for call in metrics:
        dims = call[call.index("--dimensions") + 1 : call.index("--dimensions") + 3]
        task = next(t for t in placement if dims[1] == f"Name=ReplicationTaskIdentifier,Value=RES-{t.upper()}")
        assert dims[0] == f"Name=ReplicationInstanceIdentifier,Value={placement[task]}"
        start, end = int(call[call.index("--start-time") + 1]), int(call[call.index("--end-time") + 1])
        assert end - start == 900
        seen.append((task, call[call.index("--metric-name") + 1]))
    assert seen == [(s.task_id, m) for s in specs for m in ("CDCLatencySource", "CDCLatencyTarget")]
    assert set(placement.values()) == set(ids)  # both instances measured
    assert f"{specs[0].task_id} CDCLatencySource: 0 0 0" in result.stdout


# ---------------------------------------------------------------------------------------------- row counts


def _sql_after(text: str, marker: str) -> str:
    chunk = text[text.index(marker) + len(marker) + 1 :]
    return chunk[: min(i for i in (chunk.find("\n-- "), chunk.find("\n```")) if i >= 0)]


def test_counting_happens_after_the_freeze(texts):
    for name, text in texts.items():
        freeze = text.index("## 2. Freeze writes on Oracle")
        assert freeze < text.index("Exact row counts"), name
        assert "Exact row counts" not in section(text, "1. Pre-checks"), name
        assert "COUNT(*)" not in section(text, "1. Pre-checks") + section(text, "0. Prerequisites"), name
    assert "Now count: writes are frozen (step 2)" in section(texts["prod"], "3. Drain")
    assert "Writes are frozen (step 2), so both sides stand still" in section(texts["dev"], "3. Drain")


def test_row_counts_cover_exactly_the_tables_shop_migrates():
    stack = shop()
    moved = resolve(stack).moved
    text = runbook(resolve(stack))
    drain = section(text, "3. Drain")
    ora = _sql_after(drain, '-- Oracle (sqlplus "$ORA")')
    pg = _sql_after(drain, '-- PostgreSQL (psql "$PG_URL")')
    ora_tables = re.findall(r"COUNT\(\*\)(?: AS row_count)? FROM (.+)$", ora, flags=re.M)
    pg_tables = re.findall(r"count\(\*\)(?: AS row_count)? FROM (.+)$", pg, flags=re.M)
    assert len(ora_tables) == len(pg_tables) == len(moved) == 9
    assert ora_tables == [
        "ARCHIVE.ORDERS_2019",
        "SHOP.CUSTOMER_LOYALTY_PROGRAM_MEMBERSHIP_TIER_HISTORY_SNAPSHOT_ARCHIVE_2024",
        'SHOP."Customers"',
        "SHOP.DOCUMENTS",
        'SHOP."EventLog"',
        'SHOP."ORDER"',
        'SHOP."OrderLines"',
        "SHOP.STAFF",
        'SHOP."notes"',
    ]
    assert pg_tables[2:] == [
        "shop.customers",
        "shop.documents",
        "shop.eventlog",
        'shop."order"',
        "shop.orderlines",
        "shop.staff",
        "shop.notes",
    ]
    assert re.fullmatch(r"shop\.customer_loyalty_program_membership_tier_history_snaps\w*_[0-9a-f]{8}", pg_tables[1])
    # the two excluded tables (a case collision and a table left out) are not counted
    assert "SHOP.CUSTOMERS" not in ora and "LEGACY_CODES" not in ora + pg
    # both sides label a table with its Oracle name, in the same order
    assert 'UNION ALL SELECT 7, \'SHOP."OrderLines"\', COUNT(*) FROM SHOP."OrderLines"' in ora
    assert "UNION ALL SELECT 7, 'SHOP.\"OrderLines\"', 'shop.orderlines', count(*) FROM shop.orderlines" in pg
    assert "9 table(s) the forward tasks migrate" in drain
    assert "every table of the schemas" not in drain


def test_prod_row_counts_leave_out_excluded_tables():
    full = section(runbook(resolve(prod())), "3. Drain")
    assert "APP.AUDIT_LOG" in full and "app.addresses" in full
    excluded = section(runbook(resolve(prod("inventory.unsupportedColumns=exclude-table"))), "3. Drain")
    assert "AUDIT_LOG" not in excluded and "ADDRESSES" not in excluded.upper()
    assert "6 table(s) the forward tasks migrate" in excluded
    assert "UNION ALL SELECT 6, 'HR.JOB_HISTORY', 'hr.job_history', count(*) FROM hr.job_history" in excluded


def test_without_an_inventory_the_counts_say_they_cover_whole_schemas():
    drain = section(runbook(resolve(read_stack_file(ROOT, "dev").load())), "3. Drain")
    assert "this stack has no inventory, so these count every table of the schemas APP, HR" in drain.replace(
        "This", "this"
    )
    assert "FROM information_schema.tables WHERE table_schema IN ('app', 'hr')" in drain


def test_count_sql_for_many_tables_stays_one_query_per_side():
    tables = [MigratedTable("APP", f"T{i:04d}", "app", f"t{i:04d}") for i in range(3000)]
    drain = section(render_runbook(dataclasses.replace(BASE, migrated_tables=tables)), "3. Drain")
    ora = _sql_after(drain, '-- Oracle (sqlplus "$ORA")')
    pg = _sql_after(drain, '-- PostgreSQL (psql "$PG_URL")')
    for sql in (ora, pg):
        assert sql.count(";") == 1 and sql.rstrip().endswith("ORDER BY n;")
        assert len(sql.splitlines()) == 3000 + 2
        assert max(len(line) for line in sql.splitlines()) < 140
