"""The migration tasks: for each, what it moves (table mappings), how (task settings) and whether it runs.

On replication instances each is an `aws.dms.ReplicationTask` on its instance; on DMS Serverless each is an
`aws.dms.ReplicationConfig` with its own compute config (capacity in DCU, the stack's subnet group and security
group). Both are started and stopped by the same phase inputs (`start_replication_task` / `start_replication`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Sequence

import pulumi
import pulumi_aws as aws

from migration.components.options import Children, own_options


@dataclass
class ServerlessCompute:
    """The compute config of a DMS Serverless replication (ReplicationConfigComputeConfigArgs)."""

    subnet_group_id: pulumi.Input[str]
    security_group_ids: Sequence[pulumi.Input[str]]
    min_dcu: int
    max_dcu: int
    multi_az: bool = False
    kms_key_arn: str | None = None
    preferred_maintenance_window: str | None = None


@dataclass
class TaskArgs:
    name: str  # logical task name: the child resource is `<component>-<name>`
    task_id: str
    migration_type: str
    instance_arn: pulumi.Input[str] | None  # None on DMS Serverless
    source_endpoint_arn: pulumi.Input[str]
    target_endpoint_arn: pulumi.Input[str]
    table_mappings: str  # canonical JSON, validated before it gets here
    task_settings: str  # canonical JSON, without the fields AWS fills in
    start: bool
    cdc_start_position: str | None = None
    cdc_start_time: str | None = None
    tags: dict[str, str] = field(default_factory=dict)
    # Tasks of the same component Pulumi must update first (the forward tasks stop before the reverse starts): an
    # order among the component's own children, which no caller's option can name.
    after: Sequence[str] = ()
    serverless: ServerlessCompute | None = None


class MigrationTasks(pulumi.ComponentResource):
    """One DMS replication task (or serverless replication config) per `TaskArgs`, all under one component.
    `opts.protect` protects every task."""

    def __init__(self, name: str, tasks: Sequence[TaskArgs], opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("oracle2pg:dms:MigrationTasks", name, None, own_options(opts))
        children = Children.of(self, opts)
        self.tasks: dict[str, pulumi.CustomResource] = {}
        self.task_arns: dict[str, pulumi.Output[str]] = {}
        for args in sorted(tasks, key=lambda a: len(a.after)):  # those others wait for come first
            kind = aws.dms.ReplicationTask if args.serverless is None else aws.dms.ReplicationConfig
            after = [self.tasks[n] for n in args.after]
            task_opts = children.opts(kind, protect=children.protect, depends_on=after)
            if args.serverless is None:
                task = self._task(name, args, task_opts)
                self.tasks[args.name], self.task_arns[args.name] = task, task.replication_task_arn
            else:
                config = self._config(name, args, args.serverless, task_opts)
                self.tasks[args.name], self.task_arns[args.name] = config, config.arn
        self.register_outputs({"taskArns": self.task_arns})

    def _task(self, name: str, args: TaskArgs, opts: pulumi.ResourceOptions) -> aws.dms.ReplicationTask:
        assert args.instance_arn is not None
        return aws.dms.ReplicationTask(
            f"{name}-{args.name}",
            replication_task_id=args.task_id,
            migration_type=args.migration_type,
            replication_instance_arn=args.instance_arn,
            source_endpoint_arn=args.source_endpoint_arn,
            target_endpoint_arn=args.target_endpoint_arn,
            table_mappings=args.table_mappings,
            replication_task_settings=args.task_settings,
            start_replication_task=args.start,
            cdc_start_position=args.cdc_start_position,
            cdc_start_time=args.cdc_start_time,
            tags=args.tags,
            opts=opts,
        )

    def _config(
        self, name: str, args: TaskArgs, compute: ServerlessCompute, opts: pulumi.ResourceOptions
    ) -> aws.dms.ReplicationConfig:
        """DMS Serverless takes no CDC start point (the config refuses one before this point)."""
        return aws.dms.ReplicationConfig(
            f"{name}-{args.name}",
            replication_config_identifier=args.task_id,
            replication_type=args.migration_type,
            source_endpoint_arn=args.source_endpoint_arn,
            target_endpoint_arn=args.target_endpoint_arn,
            table_mappings=args.table_mappings,
            replication_settings=args.task_settings,
            start_replication=args.start,
            compute_config=aws.dms.ReplicationConfigComputeConfigArgs(
                replication_subnet_group_id=compute.subnet_group_id,
                vpc_security_group_ids=list(compute.security_group_ids),
                min_capacity_units=compute.min_dcu,
                max_capacity_units=compute.max_dcu,
                multi_az=compute.multi_az,
                kms_key_id=compute.kms_key_arn,
                preferred_maintenance_window=compute.preferred_maintenance_window,
            ),
            tags=args.tags,
            opts=opts,
        )
