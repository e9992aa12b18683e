"""The parts under every command: paginated discovery, the CloudWatch query, AWS errors as one line, the watch
loop (redraw in place on a terminal, plain lines elsewhere, Ctrl-C), and the clients' configuration."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from botocore.exceptions import EndpointConnectionError, NoCredentialsError, PartialCredentialsError

from migration.live import metrics
from migration.live.discovery import find_endpoints, find_replications, find_tasks
from migration.live.session import RETRIES, LiveError, aws_errors, clients
from migration.live.watch import CLEAR, watch
from tests.live.conftest import Stubbed
from tests.live.scenario import FORWARD, NOW, task


def test_describe_calls_follow_every_page(aws: Stubbed):
    params = {"Filters": [{"Name": "replication-task-id", "Values": [FORWARD, "other"]}], "WithoutSettings": True}
    aws.dms.add_response(
        "describe_replication_tasks", {"ReplicationTasks": [task(FORWARD, "running")], "Marker": "m1"}, params
    )
    aws.dms.add_response(
        "describe_replication_tasks", {"ReplicationTasks": [task("other", "stopped")]}, {**params, "Marker": "m1"}
    )
    found = find_tasks(aws.clients.dms, [FORWARD, "other"])
    assert {k: v["Status"] for k, v in found.items()} == {FORWARD: "running", "other": "stopped"}


def test_calls_without_a_paginator_follow_the_marker(aws: Stubbed):
    """describe_replications has no botocore paginator: the Marker loop reads every page."""
    params = {"Filters": [{"Name": "replication-config-id", "Values": ["a", "b"]}]}
    aws.dms.add_response(
        "describe_replications", {"Replications": [{"ReplicationConfigIdentifier": "a"}], "Marker": "x"}, params
    )
    aws.dms.add_response(
        "describe_replications", {"Replications": [{"ReplicationConfigIdentifier": "b"}]}, {**params, "Marker": "x"}
    )
    assert sorted(find_replications(aws.clients.dms, ["a", "b"])) == ["a", "b"]


def test_other_aws_errors_are_one_line_with_their_code(aws: Stubbed):
    aws.dms.add_client_error("describe_endpoints", "AccessDeniedException", "not allowed\non two lines", 400)
    with pytest.raises(LiveError) as caught:
        find_endpoints(aws.clients.dms, ["e"])
    assert caught.value.kind == "access"
    assert "AccessDeniedException" in str(caught.value)


def test_a_server_error_with_an_html_body_is_one_line_without_the_html(aws: Stubbed):
    page = "<html>\n<head><title>502 Bad Gateway</title></head>\n<body>nginx</body>\n</html>"
    aws.dms.add_client_error("describe_endpoints", "502", page, 502)
    with pytest.raises(LiveError) as caught:
        find_endpoints(aws.clients.dms, ["e"])
    assert str(caught.value) == "describe endpoints: AWS server error (HTTP 502) after retries"
    assert caught.value.kind == "aws"


def test_partial_credentials_name_what_is_missing():
    exc = PartialCredentialsError(provider="env", cred_var="aws_secret_access_key")
    with pytest.raises(LiveError) as caught, aws_errors("describe endpoints"):
        raise exc
    assert str(caught.value) == (
        "describe endpoints: incomplete AWS credentials: aws_secret_access_key is missing in env (set both the "
        "access key id and the secret access key, or neither)"
    )
    assert caught.value.kind == "credentials"


@pytest.mark.parametrize(
    ("exc", "kind"),
    [
        (NoCredentialsError(), "credentials"),
        (EndpointConnectionError(endpoint_url="https://dms.eu-west-1.amazonaws.com/"), "unreachable"),
    ],
)
def test_botocore_exceptions_become_live_errors(exc: Exception, kind: str):
    with pytest.raises(LiveError) as caught, aws_errors("describe replication tasks"):
        raise exc
    assert caught.value.kind == kind
    assert str(caught.value).startswith("describe replication tasks: ")


def test_the_cloudwatch_query_names_the_task_by_its_resource_id_on_its_instance(aws: Stubbed):
    queries = metrics.task_queries(FORWARD, "oracle2pg-prod", "ABCDEF123") + metrics.instance_queries("oracle2pg-prod")
    expected = {
        "MetricDataQueries": [
            {
                "Id": f"q{n}",
                "MetricStat": {
                    "Metric": {
                        "Namespace": "AWS/DMS",
                        "MetricName": q.metric,
                        "Dimensions": [{"Name": k, "Value": v} for k, v in q.dimensions],
                    },
                    "Period": 60,
                    "Stat": q.stat,
                },
                "ReturnData": True,
            }
            for n, q in enumerate(queries)
        ],
        "StartTime": NOW - timedelta(minutes=15),
        "EndTime": NOW,
        "ScanBy": "TimestampAscending",
    }
    assert expected["MetricDataQueries"][0]["MetricStat"]["Metric"]["Dimensions"] == [
        {"Name": "ReplicationInstanceIdentifier", "Value": "oracle2pg-prod"},
        {"Name": "ReplicationTaskIdentifier", "Value": "ABCDEF123"},
    ]
    page1 = {"MetricDataResults": [{"Id": "q0", "Timestamps": [NOW], "Values": [7.0]}], "NextToken": "t"}
    page2 = {"MetricDataResults": [{"Id": "q0", "Timestamps": [NOW.replace(minute=1)], "Values": [9.0]}]}
    aws.cloudwatch.add_response("get_metric_data", page1, expected)
    aws.cloudwatch.add_response("get_metric_data", page2, {**expected, "NextToken": "t"})
    found = metrics.fetch(aws.clients.cloudwatch, queries, NOW, 15)
    assert found[(FORWARD, "CDCLatencySource")].values == (7.0, 9.0)
    assert found[(FORWARD, "CDCLatencyTarget")].latest is None
    assert found[("oracle2pg-prod", "FreeStorageSpace")].low is None


def test_watch_redraws_in_place_on_a_terminal_even_when_lines_wrap():
    """Moving the cursor up by the number of lines drawn fails once a line wraps: each frame clears the screen and
    starts at its top left corner instead, whatever the terminal's width and however long the last frame was."""
    wide = "x" * 500
    out, frames = io.StringIO(), iter([[wide, "b"], ["c"], ["e", "f", "g"]])
    slept: list[float] = []
    assert watch(lambda: next(frames), out, interval=5, sleep=slept.append, tty=True, rounds=3) == 0
    assert out.getvalue() == f"{CLEAR}{wide}\nb\n{CLEAR}c\n{CLEAR}e\nf\ng\n"
    assert CLEAR == "\x1b[H\x1b[2J"
    assert slept == [5, 5]


def test_watch_writes_json_lines_without_blank_lines():
    out, frames = io.StringIO(), iter([['{"n": 1}'], ['{"n": 2}']])
    watch(lambda: next(frames), out, interval=1, sleep=lambda _s: None, tty=False, rounds=2, blank_between=False)
    assert out.getvalue() == '{"n": 1}\n{"n": 2}\n'


def test_watch_appends_plain_frames_when_not_a_terminal():
    out, frames = io.StringIO(), iter([["a"], ["b"]])
    watch(lambda: next(frames), out, interval=1, sleep=lambda _s: None, tty=False, rounds=2)
    assert out.getvalue() == "a\n\nb\n"
    assert "\x1b" not in out.getvalue()


def test_watch_stops_on_ctrl_c_without_a_traceback():
    out = io.StringIO()

    def interrupted(_seconds: float) -> None:
        raise KeyboardInterrupt

    assert watch(lambda: ["x"], out, interval=1, sleep=interrupted, tty=True) == 130
    assert out.getvalue() == f"{CLEAR}x\n\n"


def test_clients_use_the_stack_region_and_standard_retries():
    c = clients("eu-west-1")
    assert c.dms.meta.region_name == c.cloudwatch.meta.region_name == "eu-west-1"
    assert RETRIES.retries == {"mode": "standard", "total_max_attempts": 5}
    assert c.dms.meta.config.retries["mode"] == "standard"


def test_an_unknown_profile_is_one_line():
    with pytest.raises(LiveError) as caught:
        clients("eu-west-1", profile="nobody-has-this-profile")
    assert caught.value.kind == "credentials"
