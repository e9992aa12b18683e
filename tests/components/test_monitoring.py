"""Monitoring: the config block's validation, and the alarms/subscriptions/dashboard the component declares."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import pulumi
import pytest
from pulumi.runtime.mocks import MockMonitor
from pydantic import ValidationError

from migration.components.monitoring import Monitoring, MonitoringArgs, TaskRef
from migration.config import MonitoringConfig

ACCOUNT = "123456789012"
TOPIC = f"arn:aws:sns:eu-west-1:{ACCOUNT}:ops-alerts"
MIB, GIB = 1024 * 1024, 1024**3


@dataclass
class Created:
    typ: str
    name: str
    urn: str
    inputs: dict[str, Any]


class Mocks(pulumi.runtime.Mocks):
    def __init__(self) -> None:
        self.calls: list[tuple[str, str, dict[str, Any]]] = []

    def new_resource(self, args: pulumi.runtime.MockResourceArgs) -> tuple[str, dict[str, Any]]:
        self.calls.append((args.typ, args.name, args.inputs))
        return args.name + "-id", {**args.inputs, "arn": f"arn:aws:mock:eu-west-1:{ACCOUNT}:{args.name}"}

    def call(self, args: pulumi.runtime.MockCallArgs) -> tuple[dict, list[tuple[str, str]] | None]:
        return {}, None


def task_arn(resource_id: str) -> str:
    return f"arn:aws:dms:eu-west-1:{ACCOUNT}:task:{resource_id}"


def make_args(config: dict[str, Any] | None = None, tasks: dict[str, TaskRef] | None = None) -> MonitoringArgs:
    if tasks is None:
        tasks = {
            "hr": TaskRef("oracle2pg-prod-hr", task_arn("HRTASKEXTERNALID"), cdc=True),
            "archive": TaskRef("oracle2pg-prod-archive", task_arn("ARCHIVEEXTID"), cdc=False),
        }
    return MonitoringArgs(
        config=MonitoringConfig.model_validate(config or {}),
        instance_id="Oracle2pg-Prod-Ri",
        instance_arn=f"arn:aws:dms:eu-west-1:{ACCOUNT}:rep:INSTEXT",
        tasks=tasks,
        name_prefix="oracle2pg-prod",
        region="eu-west-1",
        tags={"project": "oracle2pg"},
    )


def render(args: MonitoringArgs, name: str = "mon") -> list[Created]:
    """Declare the component under fresh mocks (other test files install their own) and return its children."""
    mocks = Mocks()
    monitor = MockMonitor(mocks)
    pulumi.runtime.set_mocks(mocks, project="p", stack="dev", preview=False, monitor=monitor)

    @pulumi.runtime.test
    def run() -> None:
        Monitoring(name, args)

    run()
    urns = {urn.rsplit("::", 1)[-1]: urn for urn in monitor.resources}
    return [Created(typ, n, urns[n], inputs) for typ, n, inputs in mocks.calls if typ != "oracle2pg:dms:Monitoring"]


def of_type(created: list[Created], typ: str) -> dict[str, Created]:
    return {c.name: c for c in created if c.typ == typ}


def alarms(created: list[Created]) -> dict[str, dict[str, Any]]:
    return {c.name: c.inputs for c in created if c.typ == "aws:cloudwatch/metricAlarm:MetricAlarm"}


def test_instance_alarms_use_byte_thresholds_and_lower_case_instance_dimension():
    got = alarms(render(make_args({"freeableMemoryMb": 2048, "freeStorageGb": 20, "swapUsageMb": 512})))
    expected = {
        "mon-cpu": ("CPUUtilization", "GreaterThanThreshold", 85),
        "mon-memory": ("FreeableMemory", "LessThanThreshold", 2048 * MIB),
        "mon-storage": ("FreeStorageSpace", "LessThanThreshold", 20 * GIB),
        "mon-swap": ("SwapUsage", "GreaterThanThreshold", 512 * MIB),
    }
    for logical, (metric, operator, threshold) in expected.items():
        alarm = got[logical]
        assert (alarm["metricName"], alarm["comparisonOperator"], alarm["threshold"]) == (metric, operator, threshold)
        assert alarm["namespace"] == "AWS/DMS"
        assert alarm["dimensions"] == {"ReplicationInstanceIdentifier": "oracle2pg-prod-ri"}
        assert (alarm["period"], alarm["evaluationPeriods"], alarm["datapointsToAlarm"]) == (300, 3, 3)
        assert alarm["name"] == f"oracle2pg-prod-oracle2pg-prod-ri-{logical.removeprefix('mon-')}"
        assert alarm["alarmActions"] == alarm["okActions"] == ["arn:aws:mock:eu-west-1:123456789012:mon-topic"]
        assert alarm["tags"] == {"project": "oracle2pg"}


def test_cdc_alarms_only_for_cdc_tasks_keyed_by_task_resource_id():
    got = alarms(render(make_args({"cdcLatencySourceSeconds": 300, "evaluationMinutes": 30})))
    assert sorted(got) == [
        "mon-cpu",
        "mon-hr-cdc-changes-disk-source",
        "mon-hr-cdc-changes-disk-target",
        "mon-hr-cdc-latency-source",
        "mon-hr-cdc-latency-target",
        "mon-memory",
        "mon-storage",
        "mon-swap",
    ]
    source, target = got["mon-hr-cdc-latency-source"], got["mon-hr-cdc-latency-target"]
    assert (source["metricName"], source["threshold"]) == ("CDCLatencySource", 300)
    assert (target["metricName"], target["threshold"]) == ("CDCLatencyTarget", 900)
    for alarm in (source, target):
        assert alarm["dimensions"] == {
            "ReplicationInstanceIdentifier": "oracle2pg-prod-ri",
            "ReplicationTaskIdentifier": "HRTASKEXTERNALID",
        }
        assert alarm["treatMissingData"] == "notBreaching"
        assert alarm["comparisonOperator"] == "GreaterThanThreshold"
        assert alarm["evaluationPeriods"] == 6
    assert source["name"] == "oracle2pg-prod-oracle2pg-prod-hr-cdc-latency-source"


def test_changes_spilled_to_disk_and_validation_failures_alarm_per_task():
    tasks = {
        "hr": TaskRef("oracle2pg-prod-hr", task_arn("HRTASKEXTERNALID"), cdc=True, validation=True),
        "archive": TaskRef("oracle2pg-prod-archive", task_arn("ARCHIVEEXTID"), cdc=False, validation=True),
    }
    got = alarms(render(make_args({"cdcChangesOnDisk": 5000}, tasks)))
    for side in ("source", "target"):
        disk = got[f"mon-hr-cdc-changes-disk-{side}"]
        assert (disk["metricName"], disk["threshold"]) == (f"CDCChangesDisk{side.capitalize()}", 5000)
    assert "mon-archive-cdc-changes-disk-source" not in got  # a full-load task publishes no CDC metrics
    for key, rid in (("hr", "HRTASKEXTERNALID"), ("archive", "ARCHIVEEXTID")):
        failures = got[f"mon-{key}-validation-failures"]
        assert (failures["metricName"], failures["threshold"]) == ("ValidationFailedOverallCount", 0)
        assert failures["dimensions"]["ReplicationTaskIdentifier"] == rid


def test_task_dimension_resolves_from_an_output_arn():
    tasks = {"hr": TaskRef("hr-task", pulumi.Output.from_input(task_arn("FROMOUTPUT")), cdc=True)}
    got = alarms(render(make_args(tasks=tasks)))
    assert got["mon-hr-cdc-latency-target"]["dimensions"]["ReplicationTaskIdentifier"] == "FROMOUTPUT"


SNS = {"events": "sns-subscriptions"}


def test_eventbridge_is_the_default_and_routes_every_dms_event_of_the_stack_to_the_topic():
    created = render(make_args())
    assert of_type(created, "aws:dms/eventSubscription:EventSubscription") == {}
    rule = of_type(created, "aws:cloudwatch/eventRule:EventRule")["mon-dms-events"].inputs
    assert json.loads(rule["eventPattern"]) == {
        "source": ["aws.dms"],
        "resources": sorted(
            [f"arn:aws:dms:eu-west-1:{ACCOUNT}:rep:INSTEXT", task_arn("HRTASKEXTERNALID"), task_arn("ARCHIVEEXTID")]
        ),
    }
    target = of_type(created, "aws:cloudwatch/eventTarget:EventTarget")["mon-dms-events-target"].inputs
    assert target["arn"] == "arn:aws:mock:eu-west-1:123456789012:mon-topic"
    policy = json.loads(of_type(created, "aws:sns/topicPolicy:TopicPolicy")["mon-topic-policy"].inputs["policy"])
    events = next(s for s in policy["Statement"] if s["Principal"] == {"Service": "events.amazonaws.com"})
    assert events["Condition"] == {"ArnEquals": {"aws:SourceArn": "arn:aws:mock:eu-west-1:123456789012:mon-dms-events"}}
    alarms_statement = next(s for s in policy["Statement"] if s["Principal"] == {"Service": "cloudwatch.amazonaws.com"})
    assert alarms_statement["Condition"] == {"StringEquals": {"aws:SourceAccount": ACCOUNT}}


def test_a_given_topic_gets_no_policy_from_the_stack():
    created = render(make_args({"snsTopicArn": TOPIC}))
    assert of_type(created, "aws:sns/topicPolicy:TopicPolicy") == {}
    assert of_type(created, "aws:cloudwatch/eventTarget:EventTarget")["mon-dms-events-target"].inputs["arn"] == TOPIC


def test_events_none_creates_neither_rule_nor_subscription():
    created = render(make_args({"events": "none"}))
    assert of_type(created, "aws:cloudwatch/eventRule:EventRule") == {}
    assert of_type(created, "aws:dms/eventSubscription:EventSubscription") == {}


def test_event_subscriptions_cover_instance_and_tasks():
    subs = of_type(render(make_args(SNS)), "aws:dms/eventSubscription:EventSubscription")
    instance, task = subs["mon-instance-events"].inputs, subs["mon-task-events"].inputs
    assert instance["sourceType"] == "replication-instance"
    assert instance["eventCategories"] == [
        "failure",
        "low storage",
        "failover",
        "maintenance",
        "configuration change",
        "deletion",
    ]
    assert instance["sourceIds"] == ["oracle2pg-prod-ri"]
    assert task["sourceType"] == "replication-task"
    assert task["eventCategories"] == ["failure", "state change", "configuration change", "deletion"]
    assert task["sourceIds"] == ["oracle2pg-prod-hr", "oracle2pg-prod-archive"]
    for sub in (instance, task):
        assert sub["enabled"] is True
        assert sub["snsTopicArn"] == "arn:aws:mock:eu-west-1:123456789012:mon-topic"
        assert len(sub["name"]) < 255
    assert task["name"] == "oracle2pg-prod-oracle2pg-prod-ri-task-events"


def test_no_task_subscription_without_tasks_since_empty_source_ids_means_all_tasks():
    subs = of_type(render(make_args(SNS, tasks={})), "aws:dms/eventSubscription:EventSubscription")
    assert sorted(subs) == ["mon-instance-events"]


def test_topic_created_with_email_subscriptions():
    created = render(make_args({"emailEndpoints": ["dba@example.com", "Ops@Example.org"]}))
    topics = of_type(created, "aws:sns/topic:Topic")
    assert topics["mon-topic"].inputs["name"] == "oracle2pg-prod-oracle2pg-prod-ri-dms-alerts"
    subs = of_type(created, "aws:sns/topicSubscription:TopicSubscription")
    assert {n: (s.inputs["protocol"], s.inputs["endpoint"], s.inputs["topic"]) for n, s in subs.items()} == {
        "mon-email-dba@example.com": ("email", "dba@example.com", "arn:aws:mock:eu-west-1:123456789012:mon-topic"),
        "mon-email-ops@example.org": ("email", "Ops@Example.org", "arn:aws:mock:eu-west-1:123456789012:mon-topic"),
    }


def test_existing_topic_is_used_and_none_created():
    created = render(make_args({**SNS, "snsTopicArn": TOPIC, "emailEndpoints": ["dba@example.com"]}))
    assert of_type(created, "aws:sns/topic:Topic") == {}
    assert (
        of_type(created, "aws:sns/topicSubscription:TopicSubscription")["mon-email-dba@example.com"].inputs["topic"]
        == TOPIC
    )
    assert {tuple(a["alarmActions"]) for a in alarms(created).values()} == {(TOPIC,)}
    subs = of_type(created, "aws:dms/eventSubscription:EventSubscription")
    assert {s.inputs["snsTopicArn"] for s in subs.values()} == {TOPIC}


def test_existing_topic_in_another_region_is_refused():
    with pytest.raises(ValueError, match=r"monitoring.snsTopicArn: topic is in us-east-1, .* in eu-west-1"):
        render(make_args({"snsTopicArn": f"arn:aws:sns:us-east-1:{ACCOUNT}:ops"}))


def test_dashboard_graphs_instance_health_and_every_task():
    dashboards = of_type(render(make_args()), "aws:cloudwatch/dashboard:Dashboard")
    dashboard = dashboards["mon-dashboard"].inputs
    assert dashboard["dashboardName"] == "oracle2pg-prod-oracle2pg-prod-ri"
    body = json.loads(dashboard["dashboardBody"])
    titles = [w["properties"]["title"] for w in body["widgets"]]
    assert titles == [
        "CPU utilization (%)",
        "Freeable memory (bytes)",
        "Free storage space (bytes)",
        "Swap usage (bytes)",
        "oracle2pg-prod-hr: CDC latency (s) and incoming changes",
        "oracle2pg-prod-hr: throughput (rows/s)",
        "oracle2pg-prod-archive: throughput (rows/s)",
    ]
    assert body["widgets"][0]["properties"]["metrics"] == [
        ["AWS/DMS", "CPUUtilization", "ReplicationInstanceIdentifier", "oracle2pg-prod-ri"]
    ]
    hr_dims = ["ReplicationInstanceIdentifier", "oracle2pg-prod-ri", "ReplicationTaskIdentifier", "HRTASKEXTERNALID"]
    assert body["widgets"][4]["properties"]["metrics"] == [
        ["AWS/DMS", "CDCLatencySource", *hr_dims],
        ["AWS/DMS", "CDCLatencyTarget", *hr_dims],
        ["AWS/DMS", "CDCIncomingChanges", *hr_dims, {"yAxis": "right"}],
    ]
    assert [m[1] for m in body["widgets"][5]["properties"]["metrics"]] == [
        "FullLoadThroughputRowsTarget",
        "CDCThroughputRowsTarget",
    ]
    assert [m[-1] for m in body["widgets"][6]["properties"]["metrics"]] == ["ARCHIVEEXTID"]
    assert {w["properties"]["region"] for w in body["widgets"]} == {"eu-west-1"}
    assert [(w["x"], w["y"]) for w in body["widgets"][:3]] == [(0, 0), (12, 0), (0, 6)]


def test_dashboard_can_be_switched_off():
    assert of_type(render(make_args({"dashboard": False})), "aws:cloudwatch/dashboard:Dashboard") == {}


def test_too_many_tasks_for_one_dashboard_fail_at_plan_time():
    tasks = {f"t{i}": TaskRef(f"task-{i}", task_arn(f"EXT{i}"), cdc=True) for i in range(249)}
    with pytest.raises(ValueError, match=r"502 widgets, CloudWatch allows 500"):
        render(make_args(tasks=tasks))


def test_disabled_creates_nothing():
    assert render(make_args({"enabled": False})) == []


def test_every_child_is_parented_and_named_after_the_component():
    created = render(make_args({"emailEndpoints": ["dba@example.com"]}), name="fwd-mon")
    assert len(created) == 1 + 1 + 8 + 3 + 1  # topic, email, alarms, event rule + target + topic policy, dashboard
    for child in created:
        assert child.name.startswith("fwd-mon-")
        assert child.urn == f"urn:pulumi:dev::p::oracle2pg:dms:Monitoring${child.typ}::{child.name}"


def test_defaults_follow_the_reference():
    cfg = MonitoringConfig()
    assert (cfg.cpu_percent, cfg.freeable_memory_mb, cfg.free_storage_gb, cfg.swap_usage_mb) == (85, 1024, 10, 1024)
    assert (cfg.cdc_latency_source_seconds, cfg.cdc_latency_target_seconds, cfg.evaluation_periods) == (600, 900, 3)
    assert cfg.enabled and cfg.dashboard and cfg.sns_topic_arn is None and cfg.email_endpoints == []


@pytest.mark.parametrize(
    "data, field, message",
    [
        ({"cpuPercent": 0}, "cpuPercent", "greater than or equal to 1"),
        ({"cpuPercent": 101}, "cpuPercent", "less than or equal to 100"),
        ({"freeableMemoryMb": 0}, "freeableMemoryMb", "greater than 0"),
        ({"freeStorageGb": -1}, "freeStorageGb", "greater than 0"),
        ({"swapUsageMb": 0}, "swapUsageMb", "greater than 0"),
        ({"cdcLatencySourceSeconds": 0}, "cdcLatencySourceSeconds", "greater than 0"),
        ({"cdcLatencyTargetSeconds": -5}, "cdcLatencyTargetSeconds", "greater than 0"),
        ({"evaluationMinutes": 0}, "evaluationMinutes", "greater than or equal to 5"),
        ({"evaluationMinutes": 12}, "evaluationMinutes", "12 is not a multiple of 5"),
        ({"snsTopicArn": "arn:aws:sqs:eu-west-1:123456789012:q"}, "snsTopicArn", "is not an SNS topic ARN"),
        ({"snsTopicArn": "arn:aws:sns:eu-west-1:1234:t"}, "snsTopicArn", "is not an SNS topic ARN"),
        ({"snsTopicArn": f"arn:aws:sns:eu-west-1:{ACCOUNT}:t.fifo"}, "snsTopicArn", "is a FIFO topic"),
        ({"emailEndpoints": ["not-an-email"]}, "emailEndpoints", "'not-an-email' is not an e-mail address"),
        ({"emailEndpoints": ["a@b"]}, "emailEndpoints", "'a@b' is not an e-mail address"),
        ({"emailEndpoints": ["a@b.io", "A@B.io"]}, "emailEndpoints", "'A@B.io' is listed twice"),
        ({"cpuThreshold": 80}, "cpuThreshold", "Extra inputs are not permitted"),
    ],
)
def test_invalid_config_is_rejected_naming_the_field(data, field, message):
    with pytest.raises(ValidationError) as err:
        MonitoringConfig.model_validate(data)
    (error,) = err.value.errors()
    assert error["loc"][0] == field
    assert message in error["msg"]


def test_gov_cloud_topic_arn_is_accepted():
    arn = f"arn:aws-us-gov:sns:us-gov-west-1:{ACCOUNT}:alerts"
    assert MonitoringConfig.model_validate({"snsTopicArn": arn}).sns_topic_arn == arn


def config_arn(name: str) -> str:
    return f"arn:aws:dms:eu-west-1:{ACCOUNT}:replication-config:{name}"


def serverless_args(config: dict[str, Any] | None = None) -> MonitoringArgs:
    tasks = {
        "hr": TaskRef("oracle2pg-prod-hr", config_arn("HRCONFIG"), cdc=True),
        "archive": TaskRef("oracle2pg-prod-archive", config_arn("ARCHIVECONFIG"), cdc=False),
    }
    args = make_args(config, tasks)
    return MonitoringArgs(**{**args.__dict__, "instance_arn": None, "serverless": True})


def test_serverless_replications_get_cdc_latency_alarms_under_both_dimensions():
    # Was: no alarm at all on a DMS Serverless stack
    got = alarms(render(serverless_args({"cdcLatencySourceSeconds": 300})))
    # no instance alarm; the full-load replication gets its capacity alarm only
    assert sorted(got) == [
        "mon-archive-capacity",
        "mon-hr-capacity",
        "mon-hr-cdc-changes-disk-source",
        "mon-hr-cdc-changes-disk-target",
        "mon-hr-cdc-latency-source",
        "mon-hr-cdc-latency-target",
    ]
    source = got["mon-hr-cdc-latency-source"]
    assert (source["threshold"], source["comparisonOperator"], source["treatMissingData"]) == (
        300,
        "GreaterThanThreshold",
        "notBreaching",
    )
    assert "metricName" not in source and "dimensions" not in source
    queries = {q["id"]: q for q in source["metricQueries"]}
    assert queries["latency"]["expression"] == "MAX([m0, m1])" and queries["latency"]["returnData"] is True
    dims = [queries[m]["metric"]["dimensions"] for m in ("m0", "m1")]
    assert dims == [
        {"ReplicationConfigIdentifier": "oracle2pg-prod-hr"},
        {"ReplicationConfigArn": config_arn("HRCONFIG")},
    ]
    for m in ("m0", "m1"):
        metric = queries[m]["metric"]
        assert (metric["namespace"], metric["metricName"], metric["period"], metric["stat"]) == (
            "AWS/DMS",
            "CDCLatencySource",
            300,
            "Maximum",
        )
        assert queries[m]["returnData"] is False
    assert got["mon-hr-cdc-latency-target"]["threshold"] == 900
    assert source["name"] == "oracle2pg-prod-oracle2pg-prod-hr-cdc-latency-source"


def test_the_reverse_source_slot_lag_alarm_needs_the_db_instance():
    # Was: no alarm on the replication slot the reverse task reads
    assert "mon-reverse-slot-lag" not in alarms(render(make_args()))
    args = MonitoringArgs(**{**make_args({"slotLagMb": 2048}).__dict__, "slot_db_instance": "pg-writer-1"})
    slot = alarms(render(args))["mon-reverse-slot-lag"]
    assert (slot["namespace"], slot["metricName"], slot["statistic"]) == (
        "AWS/RDS",
        "OldestReplicationSlotLag",
        "Maximum",
    )
    assert slot["dimensions"] == {"DBInstanceIdentifier": "pg-writer-1"}
    assert (slot["threshold"], slot["comparisonOperator"], slot["treatMissingData"]) == (
        2048 * MIB,
        "GreaterThanThreshold",
        "notBreaching",
    )
    assert slot["name"] == "oracle2pg-prod-pg-writer-1-slot-lag"
    assert MonitoringConfig().slot_lag_mb == 1024


def test_the_stack_alarms_on_the_named_reverse_source_from_phase_replicate():
    from migration.cli.offline import run_program
    from migration.config.stackfile import read_stack_file
    from tests.helpers import ROOT

    def slot_alarms(*overrides: str) -> list[dict[str, Any]]:
        run = run_program(read_stack_file(ROOT, "prod", list(overrides)))
        alarm_type = "aws:cloudwatch/metricAlarm:MetricAlarm"
        return [r.inputs for r in run.resources if r.type == alarm_type and r.inputs.get("namespace") == "AWS/RDS"]

    named = "reverse.postgresSource.dbInstanceIdentifier=orders-pg-1"
    (alarm,) = slot_alarms(named)
    assert alarm["dimensions"] == {"DBInstanceIdentifier": "orders-pg-1"}
    assert slot_alarms() == []  # prod does not name the instance
    assert slot_alarms(named, "reverse.enabled=false") == []


def test_a_serverless_stack_alarms_on_each_replication_and_its_plan_says_the_dimension_is_unconfirmed():
    from migration.cli.offline import run_program
    from migration.config.stackfile import read_stack_file
    from migration.planning.design import resolve
    from tests.helpers import ROOT

    file = read_stack_file(ROOT, "prod", ["capacity.mode=serverless", "reverse.enabled=false"])
    stack = file.load()
    run = run_program(file)
    alarm_type = "aws:cloudwatch/metricAlarm:MetricAlarm"
    math = [r.inputs for r in run.resources if r.type == alarm_type and "metricQueries" in r.inputs]
    configs = [r for r in run.resources if r.type == "aws:dms/replicationConfig:ReplicationConfig"]
    metrics = [{q["metric"]["metricName"] for q in a["metricQueries"] if "metric" in q} for a in math]
    # today only CDC latency: no spill-to-disk, validation-failure or capacity alarm on Serverless
    per_config = {"CDCLatencySource", "CDCLatencyTarget", "CDCChangesDiskSource", "CDCChangesDiskTarget"}
    per_config |= {"ValidationFailedOverallCount", "CapacityUtilization"}
    # the nokey replication validates nothing (DMS validates only tables with a key): no validation alarm there
    expected = sorted([*per_config] * len(configs))
    expected.remove("ValidationFailedOverallCount")
    assert configs and sorted(m for (m,) in metrics) == expected
    (note,) = [n for n in resolve(stack).notices if n.code == "serverless-alarm-dimension"]
    assert "unconfirmed" in note.text
    assert not [n for n in resolve(read_stack_file(ROOT, "prod", []).load()).notices if n.code == note.code]
