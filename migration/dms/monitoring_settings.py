"""The `monitoring:` block of the stack config and the AWS limits its names must respect (reference section 9).

Defaults follow the reference's suggested alarms: CPU > 85 % and CDC latency source > 600 s / target > 900 s, each
sustained for 15 minutes, so a single slow batch does not page anyone.
"""

from __future__ import annotations

import re

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
