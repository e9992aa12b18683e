"""The top-level component: wires roles, replication server, endpoints and tasks from the validated stack."""

from __future__ import annotations

import pulumi

from migration.components.endpoint import EndpointArgs, OracleSourceEndpoint, PostgresTargetEndpoint
from migration.components.iam_roles import DmsRolesArgs, DmsServiceRoles
from migration.components.migration_task import MigrationTask, TaskArgs
from migration.components.replication_server import EgressRule, ReplicationServer, ServerArgs
from migration.config import Stack
from migration.identifiers import StackNames, partition_for
from migration.tasks import forward_tasks


def stack_tags(stack: Stack) -> dict[str, str]:
    """Stable tags on every resource: user tags plus who manages it."""
    return dict(sorted({**stack.config.tags, "ManagedBy": "pulumi", "Project": stack.project,
                        "Stack": stack.stack}.items()))


def egress_rules(stack: Stack) -> list[EgressRule]:
    cfg = stack.config
    rules = []
    for label, port in (("Oracle source", cfg.source.port), ("PostgreSQL target", cfg.target.port)):
        for cidr in cfg.network.database_cidrs:
            rules.append(EgressRule(port=port, cidr=cidr, description=f"{label} {cidr}:{port}"))
        for sg in cfg.network.database_security_group_ids:
            rules.append(EgressRule(port=port, security_group_id=sg, description=f"{label} {sg}:{port}"))
    # Same port on both sides would give duplicate rules, which AWS rejects.
    seen, unique = set(), []
    for r in rules:
        key = (r.port, r.cidr, r.security_group_id)
        if key not in seen:
            seen.add(key)
            unique.append(r)
    return unique


class MigrationPipeline(pulumi.ComponentResource):
    def __init__(self, name: str, stack: Stack, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("oracle2pg:dms:MigrationPipeline", name, None, opts)
        cfg = stack.config
        names = StackNames(stack.project, stack.stack)
        tags = stack_tags(stack)
        child = pulumi.ResourceOptions(parent=self)
        ri = cfg.replication_instance

        self.roles = DmsServiceRoles(f"{name}-roles", DmsRolesArgs(
            create=cfg.iam.create_dms_roles, partition=partition_for(stack.region), tags=tags), opts=child)
        self.server = ReplicationServer(f"{name}-server", ServerArgs(
            instance_id=names.instance_id, subnet_group_id=names.subnet_group_id,
            security_group_name=names.security_group_name, vpc_id=cfg.network.vpc_id,
            subnet_ids=cfg.network.subnet_ids, instance_class=ri.instance_class,
            allocated_storage=ri.allocated_storage, engine_version=ri.engine_version, multi_az=ri.multi_az,
            publicly_accessible=ri.publicly_accessible, auto_minor_version_upgrade=ri.auto_minor_version_upgrade,
            egress=egress_rules(stack), extra_security_group_ids=cfg.network.extra_security_group_ids,
            kms_key_arn=ri.kms_key_arn, preferred_maintenance_window=ri.preferred_maintenance_window, tags=tags,
            depends_on=self.roles.attachments), opts=child)
        self.source = OracleSourceEndpoint(f"{name}-source", EndpointArgs(
            endpoint_id=names.source_endpoint_id, engine_name="oracle", connection=cfg.source, region=stack.region,
            secrets_role_name=names.secrets_role("oracle-source"), kms_key_arn=ri.kms_key_arn, tags=tags),
            opts=child)
        self.target = PostgresTargetEndpoint(f"{name}-target", EndpointArgs(
            endpoint_id=names.target_endpoint_id, engine_name=cfg.target.engine, connection=cfg.target,
            region=stack.region, secrets_role_name=names.secrets_role("postgres-target"),
            kms_key_arn=ri.kms_key_arn, tags=tags), opts=child)
        self.tasks: dict[str, MigrationTask] = {}
        self.table_mappings: dict[str, str] = {}
        for spec in forward_tasks(stack):
            self.tasks[spec.name] = MigrationTask(f"{name}-{spec.name}", TaskArgs(
                task_id=spec.task_id, migration_type=spec.migration_type, instance_arn=self.server.instance_arn,
                source_endpoint_arn=self.source.endpoint_arn, target_endpoint_arn=self.target.endpoint_arn,
                table_mappings=spec.mappings_json, task_settings=spec.settings_json, start=spec.start,
                cdc_start_position=spec.cdc_start_position, cdc_start_time=spec.cdc_start_time, tags=tags),
                opts=child)
            self.table_mappings[spec.name] = spec.mappings_json
        self.outputs = {
            "replicationInstanceArn": self.server.instance_arn,
            "sourceEndpointArn": self.source.endpoint_arn,
            "targetEndpointArn": self.target.endpoint_arn,
            "taskArns": {n: t.task_arn for n, t in self.tasks.items()},
            "tableMappings": self.table_mappings,
        }
        self.register_outputs(self.outputs)
