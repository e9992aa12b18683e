"""Step 0b with forward tasks of very different lengths (DBA trial on issue 21, finding 6): `load-01` planned
30 min, `big-documents` 4.5 h. The after-load part covers every paused task's tables, so the runbook waits until
all have paused, says how long the first one waits, and the catch-up estimate counts what it caches meanwhile."""

import dataclasses
import subprocess

from migration.docs.runbook import RunbookContext, render_runbook
from migration.docs.runbook.context import SchemaObjectFacts
from migration.docs.runbook.shell import helper_functions

TASKS = ["logi-load-01", "logi-big-documents"]
CTX = RunbookContext(
    project="oracle2pg",
    stack="logi",
    region="eu-west-1",
    phase="replicate",
    migration_type="full-load-and-cdc",
    forward_task_ids=TASKS,
    reverse_task_id=None,
    instance_id="logi-dms",
    source_description="Oracle ORCL at orcl.example:1521",
    target_description="PostgreSQL logi at pg.example:5432",
    oracle_schemas=["LOGI"],
    postgres_schemas=["logi"],
    reverse_slot_name=None,
    loopback_prevention=False,
    validation_enabled=True,
    full_load_estimates=[("logi-load-01", 1800.0), ("logi-big-documents", 16200.0)],
    schema_objects=SchemaObjectFacts(
        paused_task_ids=TASKS, post_load_hours=0.5, post_load_objects=12, change_mb_per_s=0.5, cdc_apply_mb_per_s=10.0
    ),
)


def _step_0b(ctx: RunbookContext) -> str:
    text = render_runbook(ctx)
    return text[text.index("## 0b.") : text.index("## 1.")]


def test_the_build_waits_until_every_task_has_paused():
    step = _step_0b(CTX)
    wait = step.index("dms_wait_paused logi-load-01 logi-big-documents")
    assert step.index("Wait until **all 2** have paused") < wait < step.index("--part after-load")
    assert "python -m migration status --stack logi\ndms_wait_paused" in step


def test_the_first_paused_task_waits_the_longest_load_minus_its_own_and_the_catch_up_counts_it():
    step = " ".join(_step_0b(CTX).split())
    assert "`logi-load-01` 30 min, `logi-big-documents` 4 h 30 min" in step
    assert "`logi-load-01` pauses first and waits about 4 h 00 min for `logi-big-documents`, then the build" in step
    # 0.5 MB/s x 4 h = 7.0 GB while load-01 waits; all resume with 0.5 MB/s x (4.5 h + 0.5 h) = 8.8 GB, applied
    # at 10 MB/s against 0.5 MB/s of new changes: 9000 / 9.5 s = 16 min
    assert "the source writes ~7.0 GB of changes while `logi-load-01` waits" in step
    assert "All resume with ~8.8 GB cached" in step and "the catch-up takes about 16 min" in step


def test_one_paused_task_without_a_plan_gets_no_waits():
    ctx = dataclasses.replace(
        CTX,
        full_load_estimates=None,
        schema_objects=SchemaObjectFacts(paused_task_ids=TASKS[:1], post_load_hours=0.5, post_load_objects=3),
    )
    step = _step_0b(ctx)
    assert "Wait until it has paused" in step and "pauses first" not in step and "catch-up" not in step


def test_dms_wait_paused_returns_once_every_task_is_stopped_after_its_full_load(tmp_path):
    """The helper as the runbook pastes it, with `aws` answering 0, 1, then 2 tasks paused (sleep stubbed)."""
    script = "\n".join(
        [
            "REGION=eu-west-1",
            *helper_functions(False),
            # $(aws ...) runs in a subshell: the poll count lives in a file
            'aws() { printf "%s\\n" "$*" > query; echo x >> polls; n=$(wc -l < polls); echo $((n < 3 ? n - 1 : 2)); }',
            "sleep() { :; }",
            "dms_wait_paused logi-load-01 logi-big-documents",
            'echo "polled $(wc -l < polls)"',
        ]
    )
    out = subprocess.run(["sh", "-c", script], cwd=tmp_path, capture_output=True, text=True, check=True, timeout=20)
    assert out.stdout.split() == ["polled", "3"]
    query = (tmp_path / "query").read_text()
    assert "Values=logi-load-01,logi-big-documents" in query
    assert "contains(StopReason || '', 'STOPPED_AFTER_FULL_LOAD')" in query


def test_the_serverless_helpers_parse():
    subprocess.run(["sh", "-n", "-c", "\n".join(helper_functions(True))], check=True, timeout=20)
