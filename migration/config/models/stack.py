"""The whole stack config (`StackConfig`, one field per Pulumi config key) with the guards that span keys, and
`Stack`: the validated config plus the identity of the stack it belongs to."""

from __future__ import annotations

from typing import Literal, get_args

from pydantic import Field, field_validator, model_validator

from migration._model import StrictModel
from migration.config.models.connections import Connection, OracleSourceConfig, PostgresTargetConfig
from migration.config.models.instance import CapacityConfig, ReplicationInstanceConfig
from migration.config.models.migration import MigrationConfig
from migration.config.models.monitoring import MonitoringConfig
from migration.config.models.network import NetworkConfig
from migration.config.models.reverse import ReverseConfig
from migration.config.models.sizing import InventoryConfig, SizingConfig
from migration.config.patterns import TAG_KEY_RE, starts_now
from migration.dms.identifiers import iam_role_name

Phase = Literal["replicate", "cutover", "fallback", "complete"]
PHASES: tuple[Phase, ...] = get_args(Phase)  # in the order a migration goes through them
# Schemas Oracle and RDS maintain: never a place for DMS's control tables.
ORACLE_MAINTAINED_SCHEMAS = frozenset(
    {"SYS", "SYSTEM", "RDSADMIN", "XDB", "OUTLN", "DBSNMP", "AUDSYS", "MDSYS", "CTXSYS"}
)


class IamConfig(StrictModel):
    """The account-wide IAM roles DMS needs."""

    create_dms_roles: bool = Field(
        default=True,
        description="Create dms-vpc-role and dms-cloudwatch-logs-role; false when the account already has them.",
    )


class AssessmentConfig(StrictModel):
    """Premigration assessments (`python -m migration assess`): the results bucket and the role DMS assumes to write
    into it, created by the stack or brought by the user. DMS Serverless keeps its results in a DMS-managed bucket
    and needs neither (DMS User Guide, "AWS DMS Serverless premigration")."""

    create: bool | None = Field(
        default=None,
        description="Create the results bucket (private, encrypted, TLS only, expiring) and a least-privilege role "
        "for DMS to write into it. Unset: created on instance stacks unless resultBucket or serviceAccessRoleArn "
        "names your own; true is refused on DMS Serverless and together with serviceAccessRoleArn.",
    )
    result_bucket: str | None = Field(
        default=None,
        pattern=r"^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$",
        description="S3 bucket (ResultLocationBucket) for premigration assessment results: yours, or with create "
        "true the name of the bucket the stack creates (default <project>-<stack>-assess-<account id>).",
    )
    service_access_role_arn: str | None = Field(
        default=None,
        pattern=r"^arn:aws[a-z-]*:iam::\d{12}:role/[\w+=,.@/-]+$",
        description="Your IAM role ARN (ServiceAccessRoleArn) DMS uses to write the assessment results; not with "
        "create true (the stack then creates <project>-<stack>-assessment).",
    )
    result_expiration_days: int = Field(
        default=90,
        ge=1,
        le=3650,
        description="Days the bucket the stack creates keeps assessment results before S3 expires them.",
    )

    @model_validator(mode="after")
    def _one_owner(self) -> AssessmentConfig:
        if self.create and self.service_access_role_arn:
            raise ValueError(
                "assessment: create true makes the stack create the role DMS writes the results with; remove "
                "serviceAccessRoleArn, or set create false to use your own role"
            )
        if self.create is False and "result_expiration_days" in self.model_fields_set:
            raise ValueError(
                "assessment.resultExpirationDays: applies to the bucket the stack creates, and create is false"
            )
        return self

    def creates(self, serverless: bool) -> bool:
        """Whether the stack creates the bucket and the role (never on DMS Serverless)."""
        if self.create is None:
            return not serverless and not (self.result_bucket or self.service_access_role_arn)
        return self.create and not serverless

    def bucket_name(self, prefix: str, account: str) -> str:
        """The created bucket's name, known before it exists: resultBucket, else the stack's prefix (<= 40
        characters, lower case) and the account id, unique because S3 bucket names are global (<= 63)."""
        return self.result_bucket or f"{prefix}-assess-{account}"

    @staticmethod
    def role_name(prefix: str) -> str:
        """The created role's name: its ARN follows from the account id."""
        return iam_role_name(prefix, "assessment")


class StackConfig(StrictModel):
    """Everything a stack declares. Field aliases are the Pulumi config keys (without the project prefix)."""

    network: NetworkConfig = Field(description="Where the replication instance lives and what it may reach.")
    replication_instance: ReplicationInstanceConfig = Field(
        default_factory=ReplicationInstanceConfig, description="The replication instance(s)."
    )
    source: OracleSourceConfig = Field(description="The RDS for Oracle database the forward tasks read.")
    target: PostgresTargetConfig = Field(description="The RDS / Aurora PostgreSQL database the forward tasks write.")
    migration: MigrationConfig = Field(description="What the forward tasks migrate and how.")
    iam: IamConfig = Field(default_factory=IamConfig, description="The account-wide DMS service roles.")
    tags: dict[str, str] = Field(
        default_factory=dict,
        description="Tags on every resource (keys 1-128 characters without the aws: prefix, values up to 256).",
    )
    phase: Phase = Field(
        default="replicate",
        description="Where the migration stands, in this order: replicate (forward tasks run), cutover (PostgreSQL "
        "takes the writes), fallback (the reverse task writes back to Oracle), complete (every task stops).",
    )
    # A one-off: lets this `pulumi up` take the phase back from the deployed phase named here (checked against the
    # stack's own outputs at up time: migration.planning.transitions).
    allow_phase_back: Literal["cutover", "fallback", "complete"] | None = Field(
        default=None,
        description="A one-off: lets this pulumi up take the phase back from the deployed phase named here.",
    )
    protect: bool = Field(
        default=False,
        description="Pulumi protect on the production tasks and endpoints (lifted in phase complete).",
    )
    require_ssl: bool = Field(default=False, description="Refuse any endpoint with sslMode none.")
    reverse: ReverseConfig = Field(default_factory=ReverseConfig, description="The fallback path.")
    monitoring: MonitoringConfig = Field(default_factory=MonitoringConfig, description="Alarms, events and dashboard.")
    inventory: InventoryConfig | None = Field(
        default=None, description="The Oracle inventory exports; needed by sizing.mode auto."
    )
    sizing: SizingConfig = Field(default_factory=SizingConfig, description="How the tables are split into tasks.")
    assessment: AssessmentConfig = Field(
        default_factory=AssessmentConfig,
        description="Premigration assessments: the results bucket and the DMS role, created or your own.",
    )
    capacity: CapacityConfig = Field(
        default_factory=CapacityConfig, description="How many instances, or DMS Serverless."
    )

    @model_validator(mode="after")
    def _capacity(self) -> StackConfig:
        """What DMS Serverless cannot do for this migration, and what the planner needs to choose a count."""
        cap = self.capacity
        for task in self.migration.tasks:
            if task.instance is not None and (cap.mode == "serverless" or task.instance > cap.instances_or(1)):
                raise ValueError(
                    f"migration.tasks: task {task.name} asks for instance {task.instance}; the stack runs "
                    + ("on DMS Serverless" if cap.mode == "serverless" else f"{cap.instances_or(1)} instance(s)")
                )
        if cap.instances == "auto" and self.sizing.mode != "auto":
            raise ValueError(
                "capacity.instances: auto lets the planner choose the count from the inventory and the window; it "
                "needs sizing.mode: auto"
            )
        if cap.mode == "serverless":
            if self.assessment.create:
                raise ValueError(
                    "assessment.create: DMS Serverless writes its assessment results to a DMS-managed bucket and "
                    "needs no bucket or role; remove create, or use capacity.mode: instances"
                )
            # DMS guide, "Limitations of DMS Serverless": custom CDC start points are not supported.
            if self.reverse.enabled:
                raise ValueError(
                    "capacity.mode: serverless cannot run the reverse task: the fallback starts from the LSN captured "
                    "at cutover, and DMS Serverless does not support custom CDC start points; use mode: instances, or "
                    "reverse.enabled: false"
                )
            if self.migration.type == "cdc" and not starts_now(self.migration.cdc_start_position):
                raise ValueError(
                    "capacity.mode: serverless does not support custom CDC start points (DMS Serverless "
                    "limitations); migration.cdcStartPosition must be now, or use mode: instances"
                )
        return self

    @model_validator(mode="after")
    def _lifecycle(self) -> StackConfig:
        """Guards that keep every phase change free of a data-loss path."""
        past_replicate = self.phase != "replicate"
        if past_replicate and self.migration.target_table_prep_mode != "DO_NOTHING":
            raise ValueError(
                f"phase: {self.phase} means PostgreSQL now holds production writes; "
                f"migration.targetTablePrepMode {self.migration.target_table_prep_mode} would empty "
                "its tables on any reload of a forward task; set it to DO_NOTHING"
            )
        if self.phase == "fallback" and self.reverse.enabled and starts_now(self.reverse.cdc_start_position):
            raise ValueError(
                "phase: fallback starts the reverse task; set reverse.cdcStartPosition to the PostgreSQL LSN captured "
                "at cutover (SELECT pg_current_wal_lsn()), not now: changes written since cutover would never reach "
                "Oracle"
            )
        if self.phase == "fallback" and not self.reverse.enabled:
            raise ValueError(
                "phase: fallback runs the reverse PostgreSQL -> Oracle task; set reverse.enabled: true "
                "with its postgresSource and oracleTarget"
            )
        rev_source = self.reverse.postgres_source if self.reverse.enabled else None
        if (
            rev_source is not None
            and self.source.settings.fail_tasks_on_lob_truncation
            and not rev_source.settings.fail_tasks_on_lob_truncation
        ):
            raise ValueError(
                "reverse.postgresSource.settings.failTasksOnLobTruncation: false lets the fallback truncate LOBs the "
                "forward path refuses to truncate (source.settings.failTasksOnLobTruncation: true); set it true"
            )
        self._check_ssl()
        if self.sizing.mode == "auto":
            if self.inventory is None:
                raise ValueError("sizing: mode auto plans from table sizes; set inventory.columns and inventory.tables")
            if self.migration.tasks:
                raise ValueError(
                    "sizing: mode auto builds the task list itself; remove migration.tasks or use mode manual"
                )
        self._check_reverse_user()
        if self.reverse.loopback_prevention and self.reverse.enabled and not self.migration.has_cdc:
            raise ValueError(
                "reverse.loopbackPrevention only matters when the forward task replicates changes "
                "(migration.type cdc or full-load-and-cdc)"
            )
        return self

    def _check_ssl(self) -> None:
        """With requireSsl, every endpoint the stack creates encrypts."""
        if not self.require_ssl:
            return
        conns: list[tuple[str, Connection | None]] = [
            ("source", self.source),
            ("target", self.target),
            ("reverse.postgresSource", self.reverse.postgres_source if self.reverse.enabled else None),
            ("reverse.oracleTarget", self.reverse.oracle_target if self.reverse.enabled else None),
        ]
        for key, conn in conns:
            if conn is not None and conn.ssl_mode == "none":
                raise ValueError(
                    f"{key}.sslMode: requireSsl is on, so every endpoint must encrypt; use "
                    "require/verify-full (PostgreSQL) or verify-ca with a wallet certificate (Oracle)"
                )

    def _check_reverse_user(self) -> None:
        """The reverse user's control schema is its own, never a migrated or an Oracle-maintained schema; and the
        forward LogMiner filter names the user the reverse task writes as, or its changes would flow forward."""
        rev = self.reverse
        if not rev.enabled:
            return
        control = rev.oracle_control_schema
        if control in self.migration.schemas or control in ORACLE_MAINTAINED_SCHEMAS:
            raise ValueError(
                f"reverse.controlSchema: {control} is a migrated or Oracle-maintained schema; DMS's control tables "
                "belong in the reverse user's own schema"
            )
        users = self.source.settings.filter_transactions_of_user
        if users and rev.oracle_user not in users:
            raise ValueError(
                f"source.settings.filterTransactionsOfUser: lists {', '.join(users)}, but the reverse task writes as "
                f"{rev.oracle_user}; name that user, or its changes would be captured forward again"
            )

    @field_validator("tags")
    @classmethod
    def _tags(cls, v: dict[str, str]) -> dict[str, str]:
        for k, val in v.items():
            if not TAG_KEY_RE.match(k) or k.lower().startswith("aws:"):
                raise ValueError(f"tag key {k!r} is not allowed (1-128 chars, no aws: prefix)")
            if len(val) > 256:
                raise ValueError(f"tag {k} value is longer than 256 characters")
        return dict(sorted(v.items()))


class Stack(StrictModel):
    """The validated config plus the identity of the stack it belongs to."""

    project: str
    stack: str
    region: str
    config: StackConfig
    root: str = "."  # project directory: relative inventory paths start here

    @property
    def prefix(self) -> str:
        return f"{self.project}-{self.stack}"
