"""The migration tasks: for each, what it moves (table mappings), how (task settings) and whether it runs."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Sequence

import pulumi
import pulumi_aws as aws


@dataclass
class TaskArgs:
    name: str  # logical task name: the child resource is `<component>-<name>`
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
    after: Sequence[str] = ()  # tasks Pulumi must update first (the forward tasks stop before the reverse starts)


class MigrationTasks(pulumi.ComponentResource):
    """One DMS replication task per `TaskArgs`, all under one component (the "create tasks" step)."""

    def __init__(self, name: str, tasks: Sequence[TaskArgs], opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("oracle2pg:dms:MigrationTasks", name, None, opts)
        self.tasks: dict[str, aws.dms.ReplicationTask] = {}
        for args in sorted(tasks, key=lambda a: len(a.after)):  # those others wait for come first
            self.tasks[args.name] = aws.dms.ReplicationTask(
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
                # A fixed task id: a replacement must delete the old task first (provider_facts.DELETE_BEFORE_REPLACE).
                opts=pulumi.ResourceOptions(
                    parent=self,
                    protect=args.protect,
                    depends_on=[self.tasks[n] for n in args.after],
                    delete_before_replace=True,
                ),
            )
        self.task_arns: dict[str, pulumi.Output[str]] = {n: t.replication_task_arn for n, t in self.tasks.items()}
        self.register_outputs({"taskArns": self.task_arns})
