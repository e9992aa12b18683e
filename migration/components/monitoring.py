"""CloudWatch alarms, DMS event subscriptions, an SNS topic and a dashboard for one replication instance.

Alarms: per instance (CPU, memory, storage, swap); per task (CDC latency, changes spilled to disk, validation
failures); per DMS Serverless replication the same task alarms plus its capacity use, each watched under both
dimensions a replication's metrics may carry (migration.dms.monitoring_settings.SERVERLESS_DIMENSIONS: the guide names
none), as one metric-math alarm on the larger; and the reverse source's replication slot lag (AWS/RDS OldestReplicationSlotLag) when the stack
names its DB instance.

Alarms catch slow degradation (CDC latency, memory, storage) that DMS reports only as metrics; event subscriptions
catch discrete changes (task failed or stopped, failover, low storage) the moment DMS emits them. Both publish to
one topic. No topic policy is attached: alarms and DMS publish with the owning account's rights, which the default
SNS policy already grants (a KMS-encrypted topic would also need a key policy; we create unencrypted topics).
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import pulumi
import pulumi_aws as aws

from migration.components.options import Children, own_options
from migration.config import MonitoringConfig
from migration.dms.identifiers import dms_id
from migration.dms.monitoring_settings import (
    ALARM_NAME_MAX,
    DASHBOARD_NAME_MAX,
    EVENT_SUBSCRIPTION_NAME_MAX,
    INSTANCE_EVENT_CATEGORIES,
    MAX_DASHBOARD_WIDGETS,
    NAMESPACE,
    PERIOD_SECONDS,
    RDS_NAMESPACE,
    SERVERLESS_CAPACITY_METRIC,
    SERVERLESS_CAPACITY_PERCENT,
    SERVERLESS_DIMENSIONS,
    SLOT_LAG_METRIC,
    TASK_EVENT_CATEGORIES,
    TOPIC_NAME_MAX,
    dms_event_pattern,
    topic_policy,
    topic_region,
)

RULE_NAME_MAX = 64  # EventBridge rule names: 1-64 characters

MIB = 1024 * 1024
GIB = 1024 * MIB


@dataclass
class TaskRef:
    task_id: str
    task_arn: pulumi.Input[str]
    cdc: bool
    """False for full-load-only tasks: they publish no CDC metrics, so CDC alarms on them would mean nothing."""
    instance_id: str | None = None  # the instance it runs on, when the stack has several (default: the first)
    validation: bool = False  # ValidationSettings.EnableValidation: alarm on ValidationFailedOverallCount


@dataclass
class MonitoringArgs:
    config: MonitoringConfig
    instance_id: str  # the first (or only) instance; on DMS Serverless the stack's name prefix
    instance_arn: pulumi.Input[str] | None
    tasks: Mapping[str, TaskRef]
    name_prefix: str
    region: str
    tags: Mapping[str, str]
    more_instances: Sequence[tuple[str, pulumi.Input[str]]] = ()  # (id, arn) of the further instances
    serverless: bool = False  # no instance to alarm on; `tasks` are DMS Serverless replications (ARN: the config's)
    slot_db_instance: str | None = None  # reverse.postgresSource.dbInstanceIdentifier: alarm on its slot lag


def task_resource_id(task_arn: pulumi.Input[str]) -> pulumi.Output[str]:
    """CloudWatch names a task by its external resource id (last ARN segment), not by the identifier we chose."""
    return pulumi.Output.from_input(task_arn).apply(lambda arn: arn.rsplit(":", 1)[-1])


def _metric(name: str, dims: Sequence[str], **options: str) -> list:
    return [NAMESPACE, name, *dims, *([options] if options else [])]


def dashboard_body(
    region: str, instance_id: str, tasks: Sequence[tuple[str, str, bool]], task_instances: Sequence[str] = ()
) -> str:
    """Dashboard JSON: instance health first, then a latency and a throughput graph per task.

    `tasks` holds (task id shown in titles, task resource id used as the metric dimension, cdc);
    `task_instances` the instance each task runs on (default: `instance_id`).
    """
    inst = ["ReplicationInstanceIdentifier", instance_id]
    graphs: list[tuple[str, list[list]]] = [
        ("CPU utilization (%)", [_metric("CPUUtilization", inst)]),
        ("Freeable memory (bytes)", [_metric("FreeableMemory", inst)]),
        ("Free storage space (bytes)", [_metric("FreeStorageSpace", inst)]),
        ("Swap usage (bytes)", [_metric("SwapUsage", inst)]),
    ]
    for n, (task_id, resource_id, cdc) in enumerate(tasks):
        on = task_instances[n] if n < len(task_instances) else instance_id
        dims = ["ReplicationInstanceIdentifier", on, "ReplicationTaskIdentifier", resource_id]
        if cdc:
            graphs.append(
                (
                    f"{task_id}: CDC latency (s) and incoming changes",
                    [
                        _metric("CDCLatencySource", dims),
                        _metric("CDCLatencyTarget", dims),
                        _metric("CDCIncomingChanges", dims, yAxis="right"),
                    ],
                )
            )
        throughput = [_metric("FullLoadThroughputRowsTarget", dims)]
        if cdc:
            throughput.append(_metric("CDCThroughputRowsTarget", dims))
        graphs.append((f"{task_id}: throughput (rows/s)", throughput))
    if len(graphs) > MAX_DASHBOARD_WIDGETS:
        raise ValueError(
            f"monitoring dashboard for {instance_id}: {len(graphs)} widgets, CloudWatch allows "
            f"{MAX_DASHBOARD_WIDGETS}; set monitoring.dashboard to false or split the tasks"
        )
    widgets = [
        {
            "type": "metric",
            "x": 12 * (i % 2),
            "y": 6 * (i // 2),
            "width": 12,
            "height": 6,
            "properties": {
                "title": title,
                "metrics": metrics,
                "region": region,
                "period": PERIOD_SECONDS,
                "stat": "Average",
                "view": "timeSeries",
            },
        }
        for i, (title, metrics) in enumerate(graphs)
    ]
    return json.dumps({"widgets": widgets}, sort_keys=True)


class Monitoring(pulumi.ComponentResource):
    topic_arn: pulumi.Output[str] | None
    alarm_names: list[str]
    event_subscription_names: list[str]
    dashboard_name: str | None

    def __init__(self, name: str, args: MonitoringArgs, opts: pulumi.ResourceOptions | None = None):
        super().__init__("oracle2pg:dms:Monitoring", name, None, own_options(opts))
        self._children = Children.of(self, opts)
        cfg = args.config
        self.topic_arn, self.alarm_names, self.event_subscription_names, self.dashboard_name = None, [], [], None
        self.event_rule_name: str | None = None
        if not cfg.enabled:
            self.register_outputs({})
            return
        self.name, self.args = name, args
        self.instance_id = args.instance_id.lower()  # DMS stores it lower-case; CloudWatch dimensions use that form
        self.base = (args.name_prefix, self.instance_id)
        self.tags = dict(args.tags)
        topic_arn = self._topic()
        self.topic_arn = topic_arn
        self.resource_ids = {key: task_resource_id(ref.task_arn) for key, ref in args.tasks.items()}
        self._instance_alarms(topic_arn)
        self._task_alarms(topic_arn)
        self._serverless_alarms(topic_arn)
        self._slot_alarm(topic_arn)
        if cfg.events == "eventbridge":
            self._event_rule(name, args, topic_arn, cfg.sns_topic_arn is None, self.tags)
        elif cfg.events == "sns-subscriptions":
            self._event_subscriptions(name, args, topic_arn, self.base, self.tags)
        if cfg.dashboard and not args.serverless:
            self._dashboard()
        self.register_outputs(
            {
                "topic_arn": topic_arn,
                "event_rule_name": self.event_rule_name,
                "alarm_names": self.alarm_names,
                "event_subscription_names": self.event_subscription_names,
                "dashboard_name": self.dashboard_name,
            }
        )

    def _topic(self) -> pulumi.Output[str]:
        """The stack's own alarm topic (with its e-mail subscriptions), or the one given by ARN (same region)."""
        cfg, args = self.args.config, self.args
        if cfg.sns_topic_arn is not None:
            if topic_region(cfg.sns_topic_arn) != args.region:
                raise ValueError(
                    f"monitoring.snsTopicArn: topic is in {topic_region(cfg.sns_topic_arn)}, "
                    f"alarms and DMS events can only notify a topic in {args.region}"
                )
            topic_arn: pulumi.Output[str] = pulumi.Output.from_input(cfg.sns_topic_arn)
        else:
            name = dms_id(*self.base, "dms-alerts", max_len=TOPIC_NAME_MAX)
            topic_arn = aws.sns.Topic(
                f"{self.name}-topic", name=name, tags=self.tags, opts=self._children.opts(aws.sns.Topic)
            ).arn
        for email in cfg.email_endpoints:
            aws.sns.TopicSubscription(
                f"{self.name}-email-{email.lower()}",
                topic=topic_arn,
                protocol="email",
                endpoint=email,
                opts=self._children.opts(aws.sns.TopicSubscription),
            )
        return topic_arn

    def _alarm(
        self,
        topic_arn: pulumi.Output[str],
        logical: str,
        physical: str,
        metric: str,
        operator: str,
        threshold: float,
        dimensions: Mapping[str, pulumi.Input[str]],
        missing: str,
        why: str,
        *,
        namespace: str = NAMESPACE,
        statistic: str = "Average",
    ) -> None:
        cfg = self.args.config
        aws.cloudwatch.MetricAlarm(
            f"{self.name}-{logical}",
            name=physical,
            alarm_description=why,
            namespace=namespace,
            metric_name=metric,
            dimensions=dimensions,
            statistic=statistic,
            period=PERIOD_SECONDS,
            evaluation_periods=cfg.evaluation_periods,
            datapoints_to_alarm=cfg.evaluation_periods,
            comparison_operator=operator,
            threshold=threshold,
            treat_missing_data=missing,
            alarm_actions=[topic_arn],
            ok_actions=[topic_arn],
            tags=self.tags,
            opts=self._children.opts(aws.cloudwatch.MetricAlarm),
        )
        self.alarm_names.append(physical)

    def _instance_alarms(self, topic_arn: pulumi.Output[str]) -> None:
        """CPU, memory, storage and swap on every instance; the first keeps the single-instance alarm names."""
        args, minutes = self.args, self.args.config.evaluation_minutes
        instances = [] if args.serverless else [self.instance_id, *(i.lower() for i, _ in args.more_instances)]
        for n, inst in enumerate(instances):
            suffix = "" if n == 0 else f"-{n + 1}"
            dims: dict[str, pulumi.Input[str]] = {"ReplicationInstanceIdentifier": inst}
            for key, metric, operator, threshold, why in _instance_alarms(args.config, minutes):
                physical = dms_id(args.name_prefix, inst, key, max_len=ALARM_NAME_MAX)
                self._alarm(
                    topic_arn,
                    f"{key}{suffix}",
                    physical,
                    metric,
                    operator,
                    threshold,
                    dims,
                    "missing",
                    f"{inst}: {why}",
                )

    def _task_alarms(self, topic_arn: pulumi.Output[str]) -> None:
        """Per task, on the instance it runs on: CDC latency and changes spilled to disk (source and target) of
        every CDC task, and validation failures of every validating task (metric names: AWS DMS User Guide,
        *Replication task statistics with Amazon CloudWatch*; *AWS DMS metrics*)."""
        args = self.args
        for key, ref in args.tasks.items():
            if args.serverless:
                continue
            task_instance = (ref.instance_id or self.instance_id).lower()
            dims: dict[str, pulumi.Input[str]] = {
                "ReplicationInstanceIdentifier": task_instance,
                "ReplicationTaskIdentifier": self.resource_ids[key],
            }
            for suffix, metric, threshold, why in _task_alarms(args.config, ref):
                self._alarm(
                    topic_arn,
                    f"{key}-{suffix}",
                    dms_id(args.name_prefix, ref.task_id, suffix, max_len=ALARM_NAME_MAX),
                    metric,
                    "GreaterThanThreshold",
                    threshold,
                    dims,
                    "notBreaching",
                    f"DMS task {ref.task_id}: {why} for {args.config.evaluation_minutes} min",
                )

    def _serverless_alarms(self, topic_arn: pulumi.Output[str]) -> None:
        """Per DMS Serverless replication the alarms a task on an instance gets (CDC latency and changes spilled to
        disk of a CDC replication, validation failures of a validating one: `_task_alarms`) plus its capacity
        utilization, each on the larger of the metric under either dimension (a series without datapoints drops
        out of MAX), so the alarm works whichever one DMS publishes. A dimension (or metric) no datapoint ever
        carries leaves the alarm at OK (notBreaching): the plan's note asks for a look at the graphs."""
        args, cfg = self.args, self.args.config
        if not args.serverless:
            return
        capacity = (
            "capacity",
            SERVERLESS_CAPACITY_METRIC,
            SERVERLESS_CAPACITY_PERCENT,
            f"capacity use above {SERVERLESS_CAPACITY_PERCENT}% of MaxCapacityUnits (raise capacity.maxDcu)",
        )
        for key, ref in args.tasks.items():
            values: tuple[pulumi.Input[str], ...] = (ref.task_id, ref.task_arn)
            for suffix, metric, threshold, why in [*_task_alarms(cfg, ref), capacity]:
                queries = [
                    aws.cloudwatch.MetricAlarmMetricQueryArgs(
                        id=f"m{n}",
                        return_data=False,
                        metric=aws.cloudwatch.MetricAlarmMetricQueryMetricArgs(
                            namespace=NAMESPACE,
                            metric_name=metric,
                            dimensions={dim: value},
                            period=PERIOD_SECONDS,
                            stat="Maximum",
                        ),
                    )
                    for n, (dim, value) in enumerate(zip(SERVERLESS_DIMENSIONS, values, strict=True))
                ]
                queries.append(
                    aws.cloudwatch.MetricAlarmMetricQueryArgs(
                        # the latency alarms kept their query id, so deployed alarms see no change
                        id="latency" if suffix.startswith("cdc-latency") else "value",
                        expression="MAX([m0, m1])",
                        label=metric,
                        return_data=True,
                    )
                )
                physical = dms_id(args.name_prefix, ref.task_id, suffix, max_len=ALARM_NAME_MAX)
                why_here = f"DMS Serverless replication {ref.task_id}: {why}"
                self._math_alarm(topic_arn, f"{key}-{suffix}", physical, queries, threshold, why_here)

    def _math_alarm(
        self,
        topic_arn: pulumi.Output[str],
        logical: str,
        physical: str,
        queries: Sequence[aws.cloudwatch.MetricAlarmMetricQueryArgs],
        threshold: float,
        why: str,
    ) -> None:
        cfg = self.args.config
        aws.cloudwatch.MetricAlarm(
            f"{self.name}-{logical}",
            name=physical,
            alarm_description=f"{why} for {cfg.evaluation_minutes} min",
            metric_queries=list(queries),
            evaluation_periods=cfg.evaluation_periods,
            datapoints_to_alarm=cfg.evaluation_periods,
            comparison_operator="GreaterThanThreshold",
            threshold=threshold,
            treat_missing_data="notBreaching",
            alarm_actions=[topic_arn],
            ok_actions=[topic_arn],
            tags=self.tags,
            opts=self._children.opts(aws.cloudwatch.MetricAlarm),
        )
        self.alarm_names.append(physical)

    def _slot_alarm(self, topic_arn: pulumi.Output[str]) -> None:
        """The reverse source's oldest replication slot lag (bytes of WAL held back): a reverse task that stopped
        reading, or a slot nobody reads, fills the PostgreSQL storage that production writes need. Missing data
        (no slot yet, before the runbook creates it at cutover) is not breaching."""
        args, cfg = self.args, self.args.config
        if args.slot_db_instance is None:
            return
        db = args.slot_db_instance
        self._alarm(
            topic_arn,
            "reverse-slot-lag",
            dms_id(args.name_prefix, db, "slot-lag", max_len=ALARM_NAME_MAX),
            SLOT_LAG_METRIC,
            "GreaterThanThreshold",
            cfg.slot_lag_mb * MIB,
            {"DBInstanceIdentifier": db},
            "notBreaching",
            f"{db}: replication slot lag above {cfg.slot_lag_mb} MiB for {cfg.evaluation_minutes} min: the reverse "
            "task is not reading its slot (or a slot nobody reads holds WAL)",
            namespace=RDS_NAMESPACE,
            statistic="Maximum",
        )

    def _dashboard(self) -> None:
        args, instance_id = self.args, self.instance_id
        keys = list(args.tasks)
        on = [(args.tasks[k].instance_id or instance_id).lower() for k in keys]
        # Render once with plan-time ids so a too-large dashboard fails the preview, not inside an apply.
        dashboard_body(args.region, instance_id, [(args.tasks[k].task_id, k, args.tasks[k].cdc) for k in keys], on)
        body = pulumi.Output.all(*(self.resource_ids[k] for k in keys)).apply(
            lambda ids: dashboard_body(
                args.region,
                instance_id,
                [(args.tasks[k].task_id, rid, args.tasks[k].cdc) for k, rid in zip(keys, ids, strict=True)],
                on,
            )
        )
        self.dashboard_name = dms_id(*self.base, max_len=DASHBOARD_NAME_MAX)
        aws.cloudwatch.Dashboard(
            f"{self.name}-dashboard",
            dashboard_name=self.dashboard_name,
            dashboard_body=body,
            opts=self._children.opts(aws.cloudwatch.Dashboard),
        )

    def _event_rule(
        self, name: str, args: MonitoringArgs, topic_arn: pulumi.Output[str], own_topic: bool, tags: dict[str, str]
    ) -> None:
        """DMS events of the instance and the tasks, through EventBridge to the topic. The pattern names the
        resources by ARN, so adding the reverse task at cutover updates the rule in place (an event subscription's
        source ids are ForceNew: it would be deleted and re-created)."""
        instance_arns = [] if args.instance_arn is None else [args.instance_arn, *(a for _, a in args.more_instances)]
        arns = [*instance_arns, *(ref.task_arn for ref in args.tasks.values())]
        pattern = pulumi.Output.all(*arns).apply(lambda resolved: dms_event_pattern([str(a) for a in resolved]))
        self.event_rule_name = dms_id(args.name_prefix, args.instance_id.lower(), "dms-events", max_len=RULE_NAME_MAX)
        rule = aws.cloudwatch.EventRule(
            f"{name}-dms-events",
            name=self.event_rule_name,
            description=f"DMS events of {args.instance_id} and its tasks, to the alarm topic",
            event_pattern=pattern,
            tags=tags,
            opts=self._children.opts(aws.cloudwatch.EventRule),  # a fixed name: replaced delete-first
        )
        aws.cloudwatch.EventTarget(
            f"{name}-dms-events-target",
            rule=rule.name,
            arn=topic_arn,
            opts=self._children.opts(aws.cloudwatch.EventTarget),
        )
        if own_topic:  # a topic given by ARN is the owner's to open to EventBridge (README: monitoring)
            policy = pulumi.Output.all(topic_arn, rule.arn).apply(lambda a: topic_policy(a[0], a[1]))
            aws.sns.TopicPolicy(
                f"{name}-topic-policy", arn=topic_arn, policy=policy, opts=self._children.opts(aws.sns.TopicPolicy)
            )

    def _event_subscriptions(
        self,
        name: str,
        args: MonitoringArgs,
        topic_arn: pulumi.Output[str],
        base: tuple[str, str],
        tags: dict[str, str],
    ) -> None:
        """The older way: SNS event subscriptions. Their source ids wait for the instance and tasks to exist."""
        instance_ids = pulumi.Output.from_input(args.instance_arn).apply(lambda _: [base[1]])
        subscriptions: list[tuple[str, str, tuple[str, ...], pulumi.Input[list[str]]]] = [
            ("instance", "replication-instance", INSTANCE_EVENT_CATEGORIES, instance_ids)
        ]
        if args.tasks:  # an empty source id list would subscribe to every task in the account
            refs = list(args.tasks.values())
            task_ids = pulumi.Output.all(*(r.task_arn for r in refs)).apply(lambda _: [r.task_id for r in refs])
            subscriptions.append(("task", "replication-task", TASK_EVENT_CATEGORIES, task_ids))
        for key, source_type, categories, source_ids in subscriptions:
            sub_name = dms_id(*base, key, "events", max_len=EVENT_SUBSCRIPTION_NAME_MAX)
            aws.dms.EventSubscription(
                f"{name}-{key}-events",
                name=sub_name,
                enabled=True,
                sns_topic_arn=topic_arn,
                source_type=source_type,
                event_categories=list(categories),
                source_ids=source_ids,
                tags=tags,
                opts=self._children.opts(aws.dms.EventSubscription),  # a fixed name: replaced delete-first
            )
            self.event_subscription_names.append(sub_name)


def _task_alarms(cfg: MonitoringConfig, ref: TaskRef) -> list[tuple[str, str, float, str]]:
    """(name suffix, metric, threshold, why) of one task's alarms; the latency suffixes keep their names."""
    out: list[tuple[str, str, float, str]] = []
    if ref.cdc:
        for side, seconds in (("source", cfg.cdc_latency_source_seconds), ("target", cfg.cdc_latency_target_seconds)):
            out.append(
                (
                    f"cdc-latency-{side}",
                    f"CDCLatency{side.capitalize()}",
                    seconds,
                    f"CDC latency {side} above {seconds} s",
                )
            )
        for side in ("source", "target"):
            out.append(
                (
                    f"cdc-changes-disk-{side}",
                    f"CDCChangesDisk{side.capitalize()}",
                    cfg.cdc_changes_on_disk,
                    f"more than {cfg.cdc_changes_on_disk} changes spilled to disk on the {side} side (CDC falls behind)",
                )
            )
    if ref.validation:
        out.append(
            (
                "validation-failures",
                "ValidationFailedOverallCount",
                cfg.validation_failures,
                f"more than {cfg.validation_failures} rows failed validation (runbook: validation failures)",
            )
        )
    return out


def _instance_alarms(cfg: MonitoringConfig, minutes: int) -> list[tuple[str, str, str, float, str]]:
    """(key, metric, operator, threshold, why) of the alarms every replication instance gets."""
    return [
        (
            "cpu",
            "CPUUtilization",
            "GreaterThanThreshold",
            cfg.cpu_percent,
            f"DMS instance CPU above {cfg.cpu_percent} % for {minutes} min: tasks fall behind",
        ),
        (
            "memory",
            "FreeableMemory",
            "LessThanThreshold",
            cfg.freeable_memory_mb * MIB,
            f"DMS instance freeable memory below {cfg.freeable_memory_mb} MiB for {minutes} min: changes spill",
        ),
        (
            "storage",
            "FreeStorageSpace",
            "LessThanThreshold",
            cfg.free_storage_gb * GIB,
            f"DMS instance free storage below {cfg.free_storage_gb} GiB for {minutes} min: reading pauses when full",
        ),
        (
            "swap",
            "SwapUsage",
            "GreaterThanThreshold",
            cfg.swap_usage_mb * MIB,
            f"DMS instance swap above {cfg.swap_usage_mb} MiB for {minutes} min: instance class too small",
        ),
    ]
