"""The `monitoring:` block of the stack config and the AWS limits its names must respect (reference section 9).

Defaults follow the reference's suggested alarms: CPU > 85 % and CDC latency source > 600 s / target > 900 s, each
sustained for 15 minutes, so a single slow batch does not page anyone.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from typing import Literal

from pydantic import Field, field_validator

from migration._model import StrictModel

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


class MonitoringConfig(StrictModel):
    """Alarms, event subscriptions and a dashboard for one replication instance and its tasks."""

    enabled: bool = True
    sns_topic_arn: str | None = None
    email_endpoints: list[str] = Field(default_factory=list)
    cpu_percent: int = Field(85, ge=1, le=100)
    freeable_memory_mb: int = Field(1024, gt=0)
    free_storage_gb: int = Field(10, gt=0, le=6144)
    swap_usage_mb: int = Field(1024, gt=0)
    cdc_latency_source_seconds: int = Field(600, gt=0)
    cdc_latency_target_seconds: int = Field(900, gt=0)
    evaluation_minutes: int = Field(15, ge=5, le=MAX_EVALUATION_MINUTES)
    dashboard: bool = True
    # How DMS events reach the topic. DMS recommends EventBridge from engine 3.4.5 on (guide: "Working with events
    # and notifications"); SNS event subscriptions stay available as the older way.
    events: Literal["eventbridge", "sns-subscriptions", "none"] = "eventbridge"

    @field_validator("sns_topic_arn")
    @classmethod
    def _topic_arn(cls, value: str | None) -> str | None:
        if value is not None and not SNS_TOPIC_ARN_RE.match(value):
            raise ValueError(f"{value!r} is not an SNS topic ARN (arn:aws:sns:<region>:<12-digit account>:<name>)")
        if value is not None and value.endswith(".fifo"):
            raise ValueError(f"{value!r} is a FIFO topic; alarms and DMS events need a standard topic")
        return value

    @field_validator("email_endpoints")
    @classmethod
    def _emails(cls, value: list[str]) -> list[str]:
        seen: set[str] = set()
        for email in value:
            if not EMAIL_RE.match(email):
                raise ValueError(f"{email!r} is not an e-mail address (name@domain.tld)")
            if email.lower() in seen:
                raise ValueError(f"{email!r} is listed twice")
            seen.add(email.lower())
        return value

    @field_validator("evaluation_minutes")
    @classmethod
    def _whole_periods(cls, value: int) -> int:
        if value % (PERIOD_SECONDS // 60):
            raise ValueError(f"{value} is not a multiple of {PERIOD_SECONDS // 60} (the alarm period in minutes)")
        return value

    @property
    def evaluation_periods(self) -> int:
        return self.evaluation_minutes * 60 // PERIOD_SECONDS


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
