"""`monitoring:` CloudWatch alarms, DMS event notifications and a dashboard for the replication instance(s) and tasks.

Defaults follow the reference's suggested alarms: CPU > 85 % and CDC latency source > 600 s / target > 900 s, each
sustained for 15 minutes, so a single slow batch does not page anyone.
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field, field_validator

from migration._model import StrictModel
from migration.dms.limits import MAX_STORAGE_GB
from migration.dms.monitoring_settings import EMAIL_RE, MAX_EVALUATION_MINUTES, PERIOD_SECONDS, SNS_TOPIC_ARN_RE

DEFAULT_SLOT_LAG_MB = 1024
"""WAL the reverse source's replication slot may hold back before the alarm fires and `status` flags it: 1 GiB is
many minutes of a busy OLTP database's WAL, so a reverse task that stopped reading shows long before storage runs
out."""


class MonitoringConfig(StrictModel):
    """Alarms, event subscriptions and a dashboard for one replication instance and its tasks."""

    enabled: bool = Field(default=True, description="Create the alarms, event notifications and dashboard.")
    sns_topic_arn: str | None = Field(
        default=None,
        description="An existing standard (not FIFO) SNS topic in the stack's region for alarms and events. "
        "Default: the stack creates one.",
    )
    email_endpoints: list[str] = Field(
        default_factory=list, description="E-mail addresses subscribed to the topic, each listed once."
    )
    cpu_percent: int = Field(85, ge=1, le=100, description="Alarm when CPUUtilization stays above this percentage.")
    freeable_memory_mb: int = Field(1024, gt=0, description="Alarm when FreeableMemory stays below this many MB.")
    free_storage_gb: int = Field(
        10, gt=0, le=MAX_STORAGE_GB, description="Alarm when FreeStorageSpace stays below this many GB."
    )
    swap_usage_mb: int = Field(1024, gt=0, description="Alarm when SwapUsage stays above this many MB.")
    cdc_latency_source_seconds: int = Field(
        600, gt=0, description="Alarm when CDCLatencySource stays above this many seconds."
    )
    cdc_latency_target_seconds: int = Field(
        900, gt=0, description="Alarm when CDCLatencyTarget stays above this many seconds."
    )
    cdc_changes_on_disk: int = Field(
        0,
        ge=0,
        description="Alarm when CDCChangesDiskSource or CDCChangesDiskTarget (changes DMS spilled to disk: waiting "
        "for their commit, or for the target) stays above this many: CDC is falling behind.",
    )
    validation_failures: int = Field(
        0,
        ge=0,
        description="Alarm when ValidationFailedOverallCount of a validating task stays above this many rows "
        "(see the runbook: awsdms_validation_failures_v1, reload or resync).",
    )
    slot_lag_mb: int = Field(
        DEFAULT_SLOT_LAG_MB,
        gt=0,
        description="Alarm when OldestReplicationSlotLag (AWS/RDS) of the reverse source stays above this many MB: "
        "WAL its replication slot holds back. Needs reverse.postgresSource.dbInstanceIdentifier.",
    )
    evaluation_minutes: int = Field(
        15,
        ge=5,
        le=MAX_EVALUATION_MINUTES,
        description=f"How long a threshold must be breached before an alarm fires; a multiple of "
        f"{PERIOD_SECONDS // 60} minutes (the metric period).",
    )
    dashboard: bool = Field(default=True, description="A CloudWatch dashboard of the instance and its tasks.")
    # How DMS events reach the topic. DMS recommends EventBridge from engine 3.4.5 on (guide: "Working with events
    # and notifications"); SNS event subscriptions stay available as the older way.
    events: Literal["eventbridge", "sns-subscriptions", "none"] = Field(
        default="eventbridge",
        description="How DMS events reach the topic: an EventBridge rule (DMS's recommendation from engine 3.4.5), "
        "DMS event subscriptions, or none.",
    )

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
