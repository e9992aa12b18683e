"""One DMS replication task: what it moves (table mappings), how (task settings) and whether it runs."""

from __future__ import annotations

from dataclasses import dataclass, field

import pulumi
import pulumi_aws as aws


@dataclass
class TaskArgs:
    task_id: str
    migration_type: str
    instance_arn: pulumi.Input[str]
    source_endpoint_arn: pulumi.Input[str]
    target_endpoint_arn: pulumi.Input[str]
    table_mappings: str  # canonical JSON, validated before it gets here
    task_settings: str  # canonical JSON, without the fields AWS fills in
    start: bool
    cdc_start_position: str | None = None
    cdc_start_time: str | None = None
    tags: dict[str, str] = field(default_factory=dict)
    protect: bool = False


class MigrationTask(pulumi.ComponentResource):
    def __init__(self, name: str, args: TaskArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("oracle2pg:dms:MigrationTask", name, None, opts)
        self.task = aws.dms.ReplicationTask(
            f"{name}-task",
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
            opts=pulumi.ResourceOptions(parent=self, protect=args.protect),
        )
        self.task_arn: pulumi.Output[str] = self.task.replication_task_arn
        self.register_outputs({"taskArn": self.task_arn})
