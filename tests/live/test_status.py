"""`collect` and the readiness rules, through every state a task goes through, against stubbed DMS and CloudWatch
(botocore's Stubber checks each request and response against the service models)."""

from __future__ import annotations

import pytest

from migration.live import readiness, render
from migration.live.session import LiveError
from migration.live.snapshot import collect
from migration.live.targets import TaskTarget
from tests.live.conftest import Stubbed
from tests.live.scenario import (
    FORWARD,
    NOW,
    REVERSE,
    queue_discovery,
    queue_metrics,
    queue_tables,
    series,
    table,
    targets,
    task,
    window,
)

GIB = 1024**3


def healthy_metrics(aws: Stubbed, source: tuple[float, ...] = (3, 2, 1), target: tuple[float, ...] = (5, 4, 2)) -> None:
    queue_metrics(aws, [window(*source), window(*target), series(0), series(12), series(2 * GIB), series(80 * GIB)])


def test_creating_task_shows_its_state_and_no_table_statistics(aws: Stubbed):
    t = targets()
    queue_discovery(aws, t, [task(FORWARD, "creating", stats=False)])
    queue_metrics(aws, [None] * 6)
    snap = collect(aws.clients, t, NOW)
    status = snap.tasks[0]
    assert (status.status, status.phase, status.tables, status.eta_seconds()) == ("creating", "creating", None, None)
    assert "oracle2pg-prod-load-01 (forward, full-load-and-cdc): creating" in render.text(snap)
    found = readiness.reasons("cutover", snap)
    assert [(r.code, r.text) for r in found] == [("not-in-cdc", f"{FORWARD}: creating, not running in CDC")]


def test_full_load_running_shows_progress_eta_and_the_plan(aws: Stubbed):
    t = targets()
    queue_discovery(aws, t, [task(FORWARD, "running", percent=40, loaded=4, loading=2, queued=4, elapsed_s=240)])
    healthy_metrics(aws)
    queue_tables(
        aws, "arn:aws:dms:eu-west-1:123456789012:task:ORACLE2PGPRODLOAD01", [[table("APP", "ORDERS", "Full load")]]
    )
    snap = collect(aws.clients, t, NOW)
    status = snap.tasks[0]
    assert status.phase == "full load"
    assert status.eta_seconds() == pytest.approx(360)  # 240 s for 40 %: 360 s for the other 60 %
    line = render.text(snap, bars=True)[3]
    assert "[########............] 40%" in line
    assert "loaded 4, loading 2, queued 4, errored 0; elapsed 4m00s of 10m00s planned, ETA 6m00s" in line
    # One reason while the full load runs: latency and tables are judged once the task is in CDC.
    found = readiness.reasons("cutover", snap)
    assert [(r.code, r.text) for r in found] == [("full-load-running", f"{FORWARD}: full load not complete (40%)")]
    health = snap.instances[0]
    assert (health.free_memory_bytes, health.free_storage_bytes) == (2 * GIB, 80 * GIB)
    assert "free memory 2048 MiB, free storage 80.0 of 500 GiB" in render.text(snap)[1]


def test_instance_headroom_under_the_alarm_thresholds_is_flagged(aws: Stubbed):
    t = targets()
    queue_discovery(aws, t, [task(FORWARD, "creating", stats=False)])
    queue_metrics(aws, [None] * 4 + [series(512 * 1024 * 1024), series(4 * GIB)])
    line = render.text(collect(aws.clients, t, NOW))[1]
    assert line.endswith("free memory 512 MiB LOW, free storage 4.0 of 500 GiB LOW")


def test_eta_falls_back_to_the_plan_before_any_progress(aws: Stubbed):
    t = targets()
    queue_discovery(aws, t, [task(FORWARD, "running", percent=0, queued=10, elapsed_s=100)])
    healthy_metrics(aws)
    queue_tables(aws, "arn:aws:dms:eu-west-1:123456789012:task:ORACLE2PGPRODLOAD01", [[]])
    assert collect(aws.clients, t, NOW).tasks[0].eta_seconds() == pytest.approx(500)


def test_cdc_with_everything_validated_and_low_latency_is_ready_for_cutover(aws: Stubbed):
    t = targets()
    queue_discovery(aws, t, [task(FORWARD, "running", percent=100, loaded=3, elapsed_s=900, finished=True)])
    healthy_metrics(aws)
    arn = "arn:aws:dms:eu-west-1:123456789012:task:ORACLE2PGPRODLOAD01"
    # Two pages: describe_table_statistics has a paginator and every page is read.
    queue_tables(aws, arn, [[table("APP", "ORDERS"), table("APP", "CUSTOMERS")], [table("HR", "EMPLOYEES")]])
    snap = collect(aws.clients, t, NOW)
    status = snap.tasks[0]
    assert (status.phase, status.in_cdc, status.latency_source_seconds, status.latency_target_max) == (
        "cdc",
        True,
        1,
        5,
    )
    assert status.changes_on_disk == 12
    assert status.tables.tables == 3
    assert readiness.reasons("cutover", snap) == []
    assert "  full load done in 7m30s (10m00s planned): tables loaded 3, errored 0" in render.text(snap)
    assert render.readiness_lines("cutover", []) == ["ready for cutover"]


def test_latency_above_the_threshold_in_the_window_blocks_cutover(aws: Stubbed):
    t = targets()
    queue_discovery(aws, t, [task(FORWARD, "running", percent=100, loaded=3, finished=True)])
    healthy_metrics(aws, source=(700, 2, 1))  # back under the threshold now, but not for the whole window
    queue_tables(aws, "arn:aws:dms:eu-west-1:123456789012:task:ORACLE2PGPRODLOAD01", [[table("APP", "ORDERS")]])
    found = readiness.reasons("cutover", collect(aws.clients, t, NOW))
    assert [(r.code, r.subject) for r in found] == [("latency-high", FORWARD)]
    assert "CDC latency source reached 700 s in the last 15 min (threshold 600 s)" in found[0].text


def test_stopped_with_an_error_shows_the_stop_reason_and_the_failure(aws: Stubbed):
    t = targets()
    failed = task(
        FORWARD,
        "failed",
        percent=60,
        errored=1,
        stop_reason="Stop Reason FATAL_ERROR",
        failure="Last Error ORA-01555: snapshot too old Stop Reason FATAL_ERROR",
    )
    queue_discovery(aws, t, [failed])
    healthy_metrics(aws)
    queue_tables(
        aws,
        "arn:aws:dms:eu-west-1:123456789012:task:ORACLE2PGPRODLOAD01",
        [[table("APP", "ORDERS", "Table error", validation="Table error"), table("APP", "CUSTOMERS")]],
    )
    snap = collect(aws.clients, t, NOW)
    lines = render.text(snap)
    # DMS's own "Stop Reason " label is not printed after ours.
    assert "oracle2pg-prod-load-01 (forward, full-load-and-cdc): failed, stop reason FATAL_ERROR" in lines
    assert "  last failure: Last Error ORA-01555: snapshot too old Stop Reason FATAL_ERROR" in lines
    failure = "Last Error ORA-01555: snapshot too old Stop Reason FATAL_ERROR"
    expected = [("task-failed", f"{FORWARD}: failed (FATAL_ERROR; {failure})")]
    assert [(r.code, r.text) for r in readiness.reasons("cutover", snap)] == expected
    assert [(r.code, r.text) for r in readiness.reasons("complete", snap)] == expected
    assert [r.code for r in readiness.reasons("complete", snap)] == ["task-failed"]


def test_validation_failures_and_suspended_records_block_cutover(aws: Stubbed):
    t = targets()
    queue_discovery(aws, t, [task(FORWARD, "running", percent=100, loaded=2, finished=True)])
    healthy_metrics(aws)
    queue_tables(
        aws,
        "arn:aws:dms:eu-west-1:123456789012:task:ORACLE2PGPRODLOAD01",
        [
            [
                table("APP", "ORDERS", validation="Mismatched records", failed=3),
                table("APP", "DOCUMENTS", validation="Suspended records", suspended=2, pending=5),
            ]
        ],
    )
    snap = collect(aws.clients, t, NOW, table_rows=True)
    found = readiness.reasons("cutover", snap)
    assert [r.code for r in found] == ["tables-suspended", "validation-pending", "validation-failed"]
    assert "APP.DOCUMENTS" in found[0].text
    doc = render.document(snap, "cutover", found)
    assert doc["ready_for"]["ready"] is False
    assert doc["tasks"][0]["tables"]["validation_failed"] == 3
    assert [r["table"] for r in doc["tasks"][0]["table_rows"]] == ["ORDERS", "DOCUMENTS"]
    assert any("APP.ORDERS: Table completed, 1000 rows, validation Mismatched records" in x for x in render.text(snap))
    assert (
        "    APP.DOCUMENTS: Table completed, 1000 rows, validation Suspended records (pending 5, failed 0, suspended 2)"
        in (render.text(snap))
    )
    assert doc["tasks"][0]["task_phase"] == "cdc"
    assert "phase" not in doc["tasks"][0]


def test_a_task_missing_in_dms_is_listed_and_blocks_cutover(aws: Stubbed):
    t = targets()
    queue_discovery(aws, t, [])
    queue_metrics(aws, [None, None])  # the instance only: a missing task has no metrics
    snap = collect(aws.clients, t, NOW)
    assert snap.tasks[0].status == "missing"
    assert [r.code for r in readiness.reasons("cutover", snap)] == ["task-missing"]


def test_throttling_ends_in_a_one_line_error(aws: Stubbed):
    t = targets()
    aws.dms.add_response("describe_replication_instances", {"ReplicationInstances": []})
    aws.dms.add_response("describe_endpoints", {"Endpoints": []})
    aws.dms.add_client_error("describe_replication_tasks", "ThrottlingException", "Rate exceeded", 400)
    with pytest.raises(LiveError) as caught:
        collect(aws.clients, t, NOW)
    assert caught.value.kind == "throttled"
    assert "\n" not in str(caught.value)


def test_a_filter_that_matches_nothing_is_an_empty_answer(aws: Stubbed):
    """DMS answers a describe whose filter matches nothing with ResourceNotFoundFault."""
    t = targets()
    aws.dms.add_client_error("describe_replication_instances", "ResourceNotFoundFault", "No instances found", 400)
    aws.dms.add_client_error("describe_endpoints", "ResourceNotFoundFault", "No endpoints found", 400)
    aws.dms.add_client_error("describe_replication_tasks", "ResourceNotFoundFault", "No tasks found", 400)
    snap = collect(aws.clients, t, NOW)
    assert (snap.missing_instances, snap.endpoints, snap.tasks[0].found) == (["oracle2pg-prod"], {}, False)


def test_the_reverse_task_has_to_drain_before_complete(aws: Stubbed):
    t = targets(
        TaskTarget(FORWARD, "forward", "full-load-and-cdc"),
        TaskTarget(REVERSE, "reverse", "cdc"),
        stack_phase="fallback",
    )
    queue_discovery(
        aws,
        t,
        [task(FORWARD, "stopped", percent=100, finished=True), task(REVERSE, "running", migration_type="cdc")],
    )
    # forward: 4 task metrics, reverse: 4, instance: 2
    queue_metrics(aws, [None] * 4 + [series(3), series(0), None, None] + [None, None])
    queue_tables(aws, "arn:aws:dms:eu-west-1:123456789012:task:ORACLE2PGPRODLOAD01", [[]])
    queue_tables(aws, "arn:aws:dms:eu-west-1:123456789012:task:ORACLE2PGPRODREVERSE", [[]])
    found = readiness.reasons("complete", collect(aws.clients, t, NOW))
    assert [(r.code, r.subject) for r in found] == [("reverse-not-drained", REVERSE)]
    assert "3/0 s" in found[0].text


def test_serverless_replications_are_found_by_their_config_ids(aws: Stubbed):
    t = targets(TaskTarget(FORWARD, "forward", "full-load-and-cdc", 600.0), instance_ids=())
    config_arn = "arn:aws:dms:eu-west-1:123456789012:replication-config:CFG1"
    aws.dms.add_response("describe_endpoints", {"Endpoints": []})
    aws.dms.add_response(
        "describe_replication_configs",
        {"ReplicationConfigs": [{"ReplicationConfigIdentifier": FORWARD, "ReplicationConfigArn": config_arn}]},
        {"Filters": [{"Name": "replication-config-id", "Values": [FORWARD]}]},
    )
    replication = {
        "ReplicationConfigIdentifier": FORWARD,
        "ReplicationConfigArn": config_arn,
        "Status": "running",
        "ReplicationStats": {"FullLoadProgressPercent": 25, "ElapsedTimeMillis": 300_000, "TablesLoading": 3},
    }
    aws.dms.add_response(
        "describe_replications",
        {"Replications": [replication]},
        {"Filters": [{"Name": "replication-config-id", "Values": [FORWARD]}]},
    )
    aws.dms.add_response(
        "describe_replication_table_statistics",
        {"ReplicationConfigArn": config_arn, "ReplicationTableStatistics": [table("APP", "ORDERS", "Full load")]},
        {"ReplicationConfigArn": config_arn},
    )
    queue_metrics(aws, [None] * 4)  # its CDC latency, under both dimensions (tests/live/test_metrics.py)
    snap = collect(aws.clients, t, NOW)
    status = snap.tasks[0]
    assert (status.arn, status.phase, status.eta_seconds()) == (config_arn, "full load", pytest.approx(900))
    assert status.tables.states == {"Full load": 1}
    assert render.text(snap)[0].startswith("stack prod in eu-west-1 (DMS Serverless)")


def test_a_serverless_config_never_started_has_no_replication(aws: Stubbed):
    t = targets(TaskTarget(FORWARD, "forward", "full-load-and-cdc"), instance_ids=())
    config_arn = "arn:aws:dms:eu-west-1:123456789012:replication-config:CFG1"
    aws.dms.add_response("describe_endpoints", {"Endpoints": []})
    aws.dms.add_response(
        "describe_replication_configs",
        {"ReplicationConfigs": [{"ReplicationConfigIdentifier": FORWARD, "ReplicationConfigArn": config_arn}]},
    )
    aws.dms.add_client_error("describe_replications", "ResourceNotFoundFault", "none", 400)
    status = collect(aws.clients, t, NOW).tasks[0]
    assert (status.status, status.found) == ("not started", True)


def test_table_statistics_that_cannot_be_read_degrade_to_a_line_and_a_reason(aws: Stubbed):
    """No dms:DescribeTableStatistics (or a 5xx after retries): the rest of the status stands, readiness says it
    cannot judge the tables."""
    t = targets()
    queue_discovery(aws, t, [task(FORWARD, "running", percent=100, loaded=3, finished=True)])
    healthy_metrics(aws)
    aws.dms.add_client_error("describe_table_statistics", "AccessDeniedException", "not authorized", 400)
    snap = collect(aws.clients, t, NOW)
    why = "table statistics of arn:aws:dms:eu-west-1:123456789012:task:ORACLE2PGPRODLOAD01: access denied"
    assert f"  table statistics unavailable: {why} (AccessDeniedException)" in render.text(snap)
    found = readiness.reasons("cutover", snap)
    assert [r.code for r in found] == ["tables-unknown"]
    assert found[0].text.startswith(f"{FORWARD}: cannot judge the tables: table statistics unavailable: {why}")


def test_latency_needs_datapoints_for_most_of_the_window(aws: Stubbed):
    t = targets()
    queue_discovery(aws, t, [task(FORWARD, "running", percent=100, loaded=3, finished=True)])
    queue_metrics(aws, [series(1), window(2), series(0), series(12), series(2 * GIB), series(80 * GIB)])
    queue_tables(aws, "arn:aws:dms:eu-west-1:123456789012:task:ORACLE2PGPRODLOAD01", [[table("APP", "ORDERS")]])
    found = readiness.reasons("cutover", collect(aws.clients, t, NOW))
    assert [(r.code, r.text) for r in found] == [
        (
            "latency-unknown",
            f"{FORWARD}: 1 CDC latency source datapoint(s) in the last 15 min, 12 needed to show it stayed under "
            "the threshold",
        )
    ]


def test_complete_at_phase_replicate_with_forward_tasks_in_cdc_is_not_ready(aws: Stubbed):
    t = targets(TaskTarget(FORWARD, "forward", "full-load-and-cdc"), TaskTarget(REVERSE, "reverse", "cdc"))
    queue_discovery(aws, t, [task(FORWARD, "running", percent=100, finished=True)])
    queue_metrics(aws, [None] * 6)
    queue_tables(aws, "arn:aws:dms:eu-west-1:123456789012:task:ORACLE2PGPRODLOAD01", [[]])
    found = readiness.reasons("complete", collect(aws.clients, t, NOW))
    assert [(r.code, r.subject) for r in found] == [("forward-running", FORWARD)]
    assert "cdc at phase replicate; cut over first" in found[0].text


def test_complete_at_fallback_needs_the_reverse_task(aws: Stubbed):
    t = targets(
        TaskTarget(FORWARD, "forward", "full-load-and-cdc"),
        TaskTarget(REVERSE, "reverse", "cdc"),
        stack_phase="fallback",
    )
    queue_discovery(aws, t, [task(FORWARD, "stopped", percent=100, finished=True)])
    queue_metrics(aws, [None] * 6)
    queue_tables(aws, "arn:aws:dms:eu-west-1:123456789012:task:ORACLE2PGPRODLOAD01", [[]])
    found = readiness.reasons("complete", collect(aws.clients, t, NOW))
    assert [(r.code, r.subject) for r in found] == [("task-missing", REVERSE)]


def test_fallback_at_phase_replicate_says_the_reverse_task_comes_at_cutover(aws: Stubbed):
    t = targets()
    queue_discovery(aws, t, [task(FORWARD, "running", percent=100, finished=True)])
    healthy_metrics(aws)
    queue_tables(aws, "arn:aws:dms:eu-west-1:123456789012:task:ORACLE2PGPRODLOAD01", [[]])
    found = readiness.reasons("fallback", collect(aws.clients, t, NOW))
    assert [r.code for r in found] == ["before-cutover"]
    assert "the reverse task comes at cutover" in found[0].text
    assert "reverse.enabled" not in found[0].text


def test_a_full_load_past_the_plans_estimate_is_flagged_late(aws: Stubbed):
    t = targets()
    queue_discovery(aws, t, [task(FORWARD, "running", percent=80, loaded=8, loading=2, elapsed_s=900)])
    healthy_metrics(aws)
    queue_tables(aws, "arn:aws:dms:eu-west-1:123456789012:task:ORACLE2PGPRODLOAD01", [[]])
    snap = collect(aws.clients, t, NOW)
    assert "elapsed 15m00s of 10m00s planned LATE, ETA" in render.text(snap)[3]
    assert render.document(snap)["tasks"][0]["late"] is True
