"""What monitoring DMS and CloudWatch receive: the AWS limits alarm, topic and dashboard names must respect, the
DMS event categories, and the EventBridge pattern and topic policy (reference section 9). The `monitoring:` block
of the stack config is migration.config.models.monitoring.MonitoringConfig.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence

NAMESPACE = "AWS/DMS"
"""The CloudWatch namespace of every DMS metric, instance, task and Serverless replication alike (DMS User Guide,
"Monitoring AWS DMS tasks": AWS DMS metrics)."""

SERVERLESS_DIMENSIONS = ("ReplicationConfigIdentifier", "ReplicationConfigArn")
"""The dimensions a DMS Serverless replication's metrics may carry. The DMS guide (*Monitoring AWS DMS Serverless
replications*) lists CDCLatencySource and CDCLatencyTarget per replication in AWS/DMS but names no dimension, and
no stored copy of the guide, API reference or provider source does: alarms and `status` watch both."""

SERVERLESS_CAPACITY_METRIC = "CapacityUtilization"
"""A DMS Serverless replication's use of its capacity, in percent of MaxCapacityUnits. The stored DMS guide copies
name no capacity metric; this name is the one AWS's DMS monitoring runbook sample charts as "Capacity utilization
for DMS Serverless", so, like the dimension above, it is unconfirmed: its alarm sits at OK (notBreaching) if DMS
publishes no such series, and the plan's note asks the DBA to check the graphs show datapoints."""
SERVERLESS_CAPACITY_PERCENT = 90
"""Planning choice: a replication held at 90% of its MaxCapacityUnits has no room to scale; raise capacity.maxDcu."""

RDS_NAMESPACE = "AWS/RDS"
SLOT_LAG_METRIC = "OldestReplicationSlotLag"
"""Bytes of WAL the most-lagging replication slot of a DB instance holds back, dimension DBInstanceIdentifier
(RDS User Guide, *Amazon CloudWatch metrics for Amazon RDS*)."""

PERIOD_SECONDS = 300
"""DMS publishes its CloudWatch metrics at 5-minute resolution by default, so finer alarm periods see gaps."""

MAX_EVALUATION_MINUTES = 1440
"""CloudWatch caps evaluation periods x period at one day for periods of a minute or more."""

ALARM_NAME_MAX = 255
TOPIC_NAME_MAX = 256
DASHBOARD_NAME_MAX = 255
EVENT_SUBSCRIPTION_NAME_MAX = 254
"""DMS wants subscription names *less than* 255 characters."""

MAX_DASHBOARD_WIDGETS = 500

INSTANCE_EVENT_CATEGORIES: tuple[str, ...] = (
    "failure",
    "low storage",
    "failover",
    "maintenance",
    "configuration change",
    "deletion",
)
TASK_EVENT_CATEGORIES: tuple[str, ...] = ("failure", "state change", "configuration change", "deletion")
"""Exact `DescribeEventCategories` strings; `creation` is left out because Pulumi already reports creations."""

SNS_TOPIC_ARN_RE = re.compile(r"^arn:aws[a-z-]*:sns:([a-z]{2}(?:-[a-z]+)+-\d):\d{12}:[A-Za-z0-9_.-]{1,256}$")
EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s.]+(?:\.[^@\s.]+)+$")


def topic_region(arn: str) -> str:
    """The region of an SNS topic ARN already accepted by `SNS_TOPIC_ARN_RE`."""
    match = SNS_TOPIC_ARN_RE.match(arn)
    if not match:
        raise ValueError(f"not an SNS topic ARN: {arn!r}")
    return match.group(1)


DMS_EVENT_SOURCE = "aws.dms"  # EventBridge source of DMS events (EventBridge events reference: DMS)


def dms_event_pattern(resource_arns: Sequence[str]) -> str:
    """The EventBridge pattern for every DMS event of these resources (instance and tasks), as JSON."""
    return json.dumps({"source": [DMS_EVENT_SOURCE], "resources": sorted(resource_arns)}, sort_keys=True)


def topic_policy(topic_arn: str, event_rule_arn: str) -> str:
    """The alarm topic's policy: the owning account manages it, CloudWatch alarms of the account and the one
    EventBridge rule may publish. EventBridge needs this statement ("update your Amazon SNS topics' access
    policies" to allow events.amazonaws.com); the others keep what the default policy gave."""
    account = topic_arn.split(":")[4]
    partition = topic_arn.split(":")[1]
    return json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Sid": "AccountManagesTopic",
                    "Effect": "Allow",
                    "Principal": {"AWS": f"arn:{partition}:iam::{account}:root"},
                    "Action": ["sns:GetTopicAttributes", "sns:SetTopicAttributes", "sns:Subscribe", "sns:Publish"],
                    "Resource": topic_arn,
                },
                {
                    "Sid": "CloudWatchAlarmsPublish",
                    "Effect": "Allow",
                    "Principal": {"Service": "cloudwatch.amazonaws.com"},
                    "Action": "sns:Publish",
                    "Resource": topic_arn,
                    "Condition": {"StringEquals": {"aws:SourceAccount": account}},
                },
                {
                    "Sid": "DmsEventRulePublishes",
                    "Effect": "Allow",
                    "Principal": {"Service": "events.amazonaws.com"},
                    "Action": "sns:Publish",
                    "Resource": topic_arn,
                    "Condition": {"ArnEquals": {"aws:SourceArn": event_rule_arn}},
                },
            ],
        },
        sort_keys=True,
    )
