"""The top-level component: wires roles, replication server, endpoints and tasks from the validated stack."""

from __future__ import annotations

import hashlib
import logging
from dataclasses import replace
from typing import Any

import pulumi
import pulumi_aws as aws

from migration.components.assessment import AssessmentArgs, AssessmentResources
from migration.components.endpoint import (
    EndpointArgs,
    OracleSourceEndpoint,
    OracleTargetEndpoint,
    PostgresSourceEndpoint,
    PostgresTargetEndpoint,
)
from migration.components.iam_roles import DmsRolesArgs, DmsServiceRoles
from migration.components.migration_task import MigrationTasks, ServerlessCompute, TaskArgs
from migration.components.monitoring import Monitoring, MonitoringArgs, TaskRef
from migration.components.options import Children, own_options
from migration.components.replication_server import EgressRule, InstanceArgs, ReplicationServer, ServerArgs
from migration.config import ConfigError, Connection, Stack
from migration.dms.identifiers import partition_for
from migration.notices import Level
from migration.planning.capacity import serverless_dcu, serverless_min_dcus
from migration.planning.design import MigrationDesign
from migration.planning.transitions import (
    DEPLOYED_STATE_OUTPUT,
    DeployedState,
    check_transition,
    deployed_state,
    read_deployed,
)


def _digest(text: str) -> str:
    """A short content hash: a new CA bundle gets a new certificate id, so create-before-delete can work."""
    return hashlib.sha256(text.encode()).hexdigest()[:8]


def stack_tags(stack: Stack) -> dict[str, str]:
    """Stable tags on every resource: user tags plus who manages it."""
    return dict(
        sorted({**stack.config.tags, "ManagedBy": "pulumi", "Project": stack.project, "Stack": stack.stack}.items())
    )


def egress_rules(stack: Stack) -> list[EgressRule]:
    cfg = stack.config
    rules = []
    ports = [("Oracle", cfg.source.port), ("PostgreSQL", cfg.target.port)]
    if cfg.reverse.enabled and cfg.reverse.postgres_source and cfg.reverse.oracle_target:
        ports += [("PostgreSQL", cfg.reverse.postgres_source.port), ("Oracle", cfg.reverse.oracle_target.port)]
    for label, port in ports:
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


def self_reference_name(stack: Stack) -> str:
    """This stack's own fully qualified name, for a StackReference that reads its last outputs."""
    return f"{pulumi.get_organization()}/{stack.project}/{stack.stack}"


class MigrationPipeline(pulumi.ComponentResource):
    """Everything one stack needs, from its design (`migration.planning.design.resolve`), worked out before any
    resource exists so config problems stop the program with one line.

    The first child reads the stack's own last outputs (a self StackReference); every other resource waits for
    the check of this `up` against them (migration.planning.transitions), so a refused change stops the program
    before anything is created, updated or stopped. Then, each a step: roles, the replication server (its
    instances, or none on DMS Serverless), endpoints, tasks, monitoring, the assessment bucket and role, outputs."""

    def __init__(
        self,
        name: str,
        design: MigrationDesign,
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        super().__init__("oracle2pg:dms:MigrationPipeline", name, None, own_options(opts))
        stack = design.stack
        self.name, self.design, self.stack, self.specs = name, design, stack, design.tasks
        self.names = design.ids
        self.tags = stack_tags(stack)
        self.state = design.phase
        self.bundles = design.ca_bundles
        self.instance_ids = design.instance_ids
        children = Children.of(self, opts)
        self.deployed = pulumi.StackReference(
            f"{name}-deployed", stack_name=self_reference_name(stack), opts=children.opts()
        )
        previous = self.deployed.outputs.apply(lambda outputs: self._read(outputs))
        gate = previous.apply(lambda old: self._checked(design, old))
        self._children = children.with_transformation(_waiting_for(gate))

        self.roles = DmsServiceRoles(
            f"{name}-roles",
            DmsRolesArgs(
                create=stack.config.iam.create_dms_roles, partition=partition_for(stack.region), tags=self.tags
            ),
            opts=self._children.opts(),
        )
        self.server = self._server()
        self._endpoints()
        self.tasks = self._tasks()
        self.table_mappings: dict[str, str] = {spec.name: spec.mappings_json for spec in self.specs}
        self.monitoring = self._monitoring()
        self.assessment = self._assessment()
        self.outputs = self._outputs(previous)
        self.register_outputs(self.outputs)

    def _server(self) -> ReplicationServer:
        cfg = self.stack.config
        return ReplicationServer(
            f"{self.name}-server",
            ServerArgs(
                server_id=self.names.instance_id,
                subnet_group_id=self.names.subnet_group_id,
                security_group_name=self.names.security_group_name,
                vpc_id=cfg.network.vpc_id,
                subnet_ids=cfg.network.subnet_ids,
                egress=egress_rules(self.stack),
                instances=self._instance_args(),
                extra_security_group_ids=cfg.network.extra_security_group_ids,
                tags=self.tags,
            ),
            # dms-vpc-role (and its policy) must exist before DMS can create the subnet group
            opts=self._children.opts(protect=self.state.protect, depends_on=self.roles.attachments),
        )

    def _instance_args(self) -> InstanceArgs | None:
        """The replication instances; None on DMS Serverless (no instance id)."""
        if not self.instance_ids:
            return None
        ri = self.stack.config.replication_instance
        return InstanceArgs(
            instance_ids=self.instance_ids,
            instance_class=ri.instance_class,
            allocated_storage=ri.allocated_storage,
            engine_version=ri.engine_version,
            multi_az=ri.multi_az,
            publicly_accessible=ri.publicly_accessible,
            auto_minor_version_upgrade=ri.auto_minor_version_upgrade,
            kms_key_arn=ri.kms_key_arn,
            preferred_maintenance_window=ri.preferred_maintenance_window,
            apply_immediately=ri.apply_immediately,
        )

    def _endpoint_args(
        self,
        endpoint_id: str,
        engine: str,
        conn: Connection,
        role: str,
        settings: dict[str, Any],
        eca: str | None = None,
        bundle_key: str = "",
    ) -> EndpointArgs:
        bundles = self.bundles
        return EndpointArgs(
            endpoint_id=endpoint_id,
            engine_name=engine,
            connection=conn,
            region=self.stack.region,
            secrets_role_name=self.names.secrets_role(role),
            settings=settings,
            extra_connection_attributes=eca,
            kms_key_arn=self.stack.config.replication_instance.kms_key_arn,
            ca_bundle_pem=bundles.get(bundle_key),
            certificate_id=f"{endpoint_id}-ca-{_digest(bundles.get(bundle_key, ''))}",
            tags=self.tags,
        )

    def _endpoints(self) -> None:
        """The forward endpoints always; the reverse ones in every phase once reverse.enabled (migration.planning.lifecycle)."""
        cfg, names, name = self.stack.config, self.names, self.name
        src = cfg.source
        self.source = OracleSourceEndpoint(
            f"{name}-source",
            self._endpoint_args(
                names.source_endpoint_id,
                "oracle",
                src,
                "oracle-source",
                src.settings.to_provider_args(),
                src.settings.extra_connection_attributes(),
            ),
            opts=self._children.opts(protect=self.state.protect),
        )
        self.target = PostgresTargetEndpoint(
            f"{name}-target",
            self._endpoint_args(
                names.target_endpoint_id,
                cfg.target.engine,
                cfg.target,
                "postgres-target",
                cfg.target.settings.to_provider_args(),
                bundle_key="target",
            ),
            opts=self._children.opts(protect=self.state.protect),
        )
        self.reverse_source: PostgresSourceEndpoint | None = None
        self.reverse_target: OracleTargetEndpoint | None = None
        if self.state.reverse_endpoints:
            self._reverse_endpoints()

    def _reverse_endpoints(self) -> None:
        cfg, names, name = self.stack.config, self.names, self.name
        rev = cfg.reverse
        assert rev.postgres_source is not None and rev.oracle_target is not None
        self.reverse_source = PostgresSourceEndpoint(
            f"{name}-reverse-source",
            self._endpoint_args(
                names.reverse_source_endpoint_id,
                cfg.target.engine,
                rev.postgres_source,
                "postgres-source",
                rev.postgres_source.settings.to_provider_args(),
                bundle_key="reverse.postgresSource",
            ),
            opts=self._children.opts(protect=self.state.protect),
        )
        self.reverse_target = OracleTargetEndpoint(
            f"{name}-reverse-target",
            self._endpoint_args(
                names.reverse_target_endpoint_id,
                "oracle",
                rev.oracle_target,
                "oracle-target",
                rev.oracle_target.settings.to_provider_args(),
            ),
            opts=self._children.opts(protect=self.state.protect),
        )

    def _tasks(self) -> MigrationTasks:
        """Each spec on its instance (or serverless); the reverse task waits for the forward tasks to stop."""
        forward = [s.name for s in self.specs if s.direction == "forward"]
        compute = self._serverless_compute()
        plan = self.design.plan  # DMS Serverless: each replication's floor from its own share of the load
        floors = serverless_min_dcus(self.stack.config, {t.name: t.bytes for t in plan.tasks} if plan else {})
        args = []
        for spec in self.specs:
            src, dst = (
                (self.source, self.target)
                if spec.direction == "forward"
                else (self.reverse_source, self.reverse_target)
            )
            assert src is not None and dst is not None
            args.append(
                TaskArgs(
                    name=spec.name,
                    task_id=spec.task_id,
                    migration_type=spec.migration_type,
                    instance_arn=None if compute else self.server.instance_arns[spec.instance],
                    source_endpoint_arn=src.endpoint_arn,
                    target_endpoint_arn=dst.endpoint_arn,
                    table_mappings=spec.mappings_json,
                    task_settings=spec.settings_json,
                    start=spec.start,
                    cdc_start_position=spec.cdc_start_position,
                    cdc_start_time=spec.cdc_start_time,
                    tags=self.tags,
                    after=forward if spec.direction == "reverse" else [],
                    serverless=compute and replace(compute, min_dcu=floors.get(spec.name, compute.min_dcu)),
                )
            )
        return MigrationTasks(f"{self.name}-task", args, opts=self._children.opts(protect=self.state.protect))

    def _serverless_compute(self) -> ServerlessCompute | None:
        if self.instance_ids:
            return None
        cfg = self.stack.config
        low, high = serverless_dcu(cfg)
        return ServerlessCompute(
            subnet_group_id=self.server.subnet_group.replication_subnet_group_id,
            security_group_ids=self.server.security_group_ids,
            min_dcu=low,
            max_dcu=high,
            multi_az=cfg.replication_instance.multi_az,
            kms_key_arn=cfg.replication_instance.kms_key_arn,
            preferred_maintenance_window=cfg.replication_instance.preferred_maintenance_window,
        )

    def _monitoring(self) -> Monitoring:
        ids = self.instance_ids
        first = ids[0] if ids else self.stack.prefix
        return Monitoring(
            f"{self.name}-monitoring",
            MonitoringArgs(
                config=self.stack.config.monitoring,
                instance_id=first,
                instance_arn=self.server.instance_arns[0] if ids else None,
                tasks={
                    s.name: TaskRef(
                        task_id=s.task_id,
                        task_arn=self.tasks.task_arns[s.name],
                        cdc=s.migration_type != "full-load",
                        instance_id=ids[s.instance] if ids else None,
                        validation=s.settings["ValidationSettings"]["EnableValidation"],
                    )
                    for s in self.specs
                },
                name_prefix="",
                region=self.stack.region,
                tags=self.tags,
                more_instances=list(zip(ids[1:], self.server.instance_arns[1:], strict=True)),
                serverless=not ids,
                slot_db_instance=self._slot_db_instance(),
            ),
            opts=self._children.opts(),
        )

    def _slot_db_instance(self) -> str | None:
        """The reverse source's DB instance, whose replication slot lag gets an alarm, once the reverse endpoints
        exist and the stack names it."""
        source = self.stack.config.reverse.postgres_source
        return source.db_instance_identifier if self.state.reverse_endpoints and source is not None else None

    def _assessment(self) -> AssessmentResources | None:
        """The premigration assessment's bucket and role (assessment.create); DMS Serverless needs neither."""
        a, prefix = self.stack.config.assessment, self.names.prefix
        if not a.creates(serverless=not self.instance_ids):
            return None
        bucket: pulumi.Input[str] = a.result_bucket or aws.get_caller_identity_output(
            opts=pulumi.InvokeOutputOptions(parent=self)
        ).account_id.apply(lambda account: a.bucket_name(prefix, account))
        return AssessmentResources(
            f"{self.name}-assessment",
            AssessmentArgs(
                role_name=a.role_name(prefix), bucket_name=bucket, expire_days=a.result_expiration_days, tags=self.tags
            ),
            opts=self._children.opts(),
        )

    def _outputs(self, previous: pulumi.Output[DeployedState | None]) -> dict[str, Any]:
        stack, design = self.stack, self.design
        outputs: dict[str, Any] = {
            DEPLOYED_STATE_OUTPUT: previous.apply(lambda old: deployed_state(design, old)),
            "phase": stack.config.phase,
            "sourceEndpointArn": self.source.endpoint_arn,
            "targetEndpointArn": self.target.endpoint_arn,
            "taskArns": self.tasks.task_arns,
            "tableMappings": self.table_mappings,
        }
        if self.server.instance_arns:
            outputs["replicationInstanceArn"] = self.server.instance_arns[0]
        if len(self.server.instance_arns) > 1:
            outputs["replicationInstanceArns"] = self.server.instance_arns
        if self.reverse_source is not None and self.reverse_target is not None:
            outputs["reverseSourceEndpointArn"] = self.reverse_source.endpoint_arn
            outputs["reverseTargetEndpointArn"] = self.reverse_target.endpoint_arn
        if self.monitoring.topic_arn is not None:
            outputs["alarmTopicArn"] = self.monitoring.topic_arn
        if self.assessment is not None:
            outputs["assessmentBucketName"] = self.assessment.bucket_name
            outputs["assessmentRoleArn"] = self.assessment.role_arn
        return outputs

    def _read(self, outputs: Any) -> DeployedState | None:
        try:
            return read_deployed(outputs if isinstance(outputs, dict) else None)
        except ConfigError as exc:
            raise _refusal(str(exc)) from None

    def _checked(self, design: MigrationDesign, old: DeployedState | None) -> pulumi.Resource:
        """Check this up against the deployed state; a refusal ends the program before any resource is sent."""
        try:
            notices = check_transition(design, old)
        except ConfigError as exc:
            raise _refusal(str(exc)) from None
        # The stack's own warnings (an unfrozen split, over-long names, ...) show under `pulumi up` too.
        stack_warnings = [n for n in design.notices if n.level is Level.WARNING]
        for notice in [*notices, *stack_warnings]:
            log = pulumi.log.warn if notice.level is Level.WARNING or notice.destructive else pulumi.log.info
            log(notice.text, resource=self)
        return self.deployed


def _refusal(message: str) -> pulumi.RunError:
    """The one error of a refused up. Every resource waiting on the check then fails with it too, and asyncio would
    log each of those unread failures (with a traceback) when it collects them: that noise is switched off, the
    refusal itself is what Pulumi reports."""
    logging.getLogger("asyncio").setLevel(logging.CRITICAL)
    return pulumi.RunError(message)


def _waiting_for(gate: pulumi.Output[pulumi.Resource]) -> Any:
    """A transformation that makes a resource (and, inherited, all its children) depend on `gate`: the SDK resolves
    depends_on before it registers a resource, so nothing is registered until the gate has passed."""

    def transform(args: pulumi.ResourceTransformationArgs) -> pulumi.ResourceTransformationResult:
        extra = pulumi.ResourceOptions(depends_on=[gate])
        return pulumi.ResourceTransformationResult(args.props, pulumi.ResourceOptions.merge(args.opts, extra))

    return transform
