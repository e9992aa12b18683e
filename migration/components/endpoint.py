"""DMS endpoints. One base assembles the endpoint and, when credentials live in Secrets Manager, a role that can
read only that one secret; the subclasses name the four endpoint kinds the migration uses."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any, Literal, Mapping

import pulumi
import pulumi_aws as aws

from migration.config import Connection as _Connection


@dataclass
class EndpointArgs:
    endpoint_id: str
    engine_name: str  # "oracle" | "postgres" | "aurora-postgresql"
    connection: _Connection
    region: str
    secrets_role_name: str  # used only with Secrets Manager
    settings: Mapping[str, Any] = field(default_factory=dict)  # EndpointOracleSettingsArgs / Postgres kwargs
    extra_connection_attributes: str | None = None
    kms_key_arn: str | None = None
    ca_bundle_pem: str | None = None  # imported as a DMS certificate for verify-ca / verify-full
    certificate_id: str = ""
    tags: dict[str, str] = field(default_factory=dict)
    protect: bool = False


def secrets_trust_policy(region: str) -> str:
    """DMS assumes the Secrets Manager access role through its regional service principal."""
    return json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Effect": "Allow",
                    "Action": "sts:AssumeRole",
                    "Principal": {"Service": sorted(["dms.amazonaws.com", f"dms.{region}.amazonaws.com"])},
                }
            ],
        },
        sort_keys=True,
    )


def secret_read_policy(secret_arn: str, kms_key_arn: str | None = None) -> str:
    """Least privilege: read exactly the endpoint's secret (and decrypt it with its own key), nothing else."""
    statements: list[dict[str, Any]] = [
        {
            "Effect": "Allow",
            "Action": ["secretsmanager:DescribeSecret", "secretsmanager:GetSecretValue"],
            "Resource": secret_arn,
        }
    ]
    if kms_key_arn:
        statements.append(
            {
                "Effect": "Allow",
                "Action": "kms:Decrypt",
                "Resource": kms_key_arn,
                "Condition": {
                    "StringEquals": {"kms:ViaService": f"secretsmanager.{_region(secret_arn)}.amazonaws.com"}
                },
            }
        )
    return json.dumps({"Version": "2012-10-17", "Statement": statements}, sort_keys=True)


def _region(arn: str) -> str:
    return arn.split(":")[3]


class _DmsEndpoint(pulumi.ComponentResource):
    endpoint_type: Literal["source", "target"]
    settings_kind: Literal["oracle", "postgres"]
    type_token: str

    def __init__(self, name: str, args: EndpointArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__(self.type_token, name, None, opts)
        conn = args.connection
        child = pulumi.ResourceOptions(parent=self)
        creds: dict[str, Any] = {}
        self.secrets_role: aws.iam.Role | None = None
        if conn.secrets_manager_secret_arn:
            self.secrets_role = aws.iam.Role(
                f"{name}-secrets-role",
                name=args.secrets_role_name,
                assume_role_policy=secrets_trust_policy(args.region),
                description=f"Lets DMS read the credentials of endpoint {args.endpoint_id}",
                tags=args.tags,
                opts=pulumi.ResourceOptions(parent=self, delete_before_replace=True),  # a fixed role name
            )
            policy = aws.iam.RolePolicy(
                f"{name}-secrets-read",
                role=self.secrets_role.id,
                policy=secret_read_policy(conn.secrets_manager_secret_arn, conn.secrets_kms_key_arn),
                opts=child,
            )
            creds = {
                "secrets_manager_arn": conn.secrets_manager_secret_arn,
                "secrets_manager_access_role_arn": self.secrets_role.arn,
            }
            depends: list[pulumi.Resource] = [policy]
        else:
            assert conn.password is not None
            creds = {
                "server_name": conn.host,
                "port": conn.port,
                "username": conn.username,
                "password": pulumi.Output.secret(conn.password.get_secret_value()),
            }
            depends = []
        certificate_arn: pulumi.Input[str] | None = conn.certificate_arn
        self.certificate: aws.dms.Certificate | None = None
        if args.ca_bundle_pem:
            self.certificate = aws.dms.Certificate(
                f"{name}-ca",
                certificate_id=args.certificate_id,
                certificate_pem=args.ca_bundle_pem,
                tags=args.tags,
                opts=child,
            )
            certificate_arn = self.certificate.certificate_arn
        settings: dict[str, Any] = {}
        if args.settings:
            settings_cls = (
                aws.dms.EndpointOracleSettingsArgs
                if self.settings_kind == "oracle"
                else aws.dms.EndpointPostgresSettingsArgs
            )
            settings[f"{self.settings_kind}_settings"] = settings_cls(**args.settings)
        self.endpoint = aws.dms.Endpoint(
            f"{name}-endpoint",
            endpoint_id=args.endpoint_id,
            endpoint_type=self.endpoint_type,
            engine_name=args.engine_name,
            database_name=conn.database_name,
            ssl_mode=conn.ssl_mode,
            certificate_arn=certificate_arn,
            kms_key_arn=args.kms_key_arn,
            extra_connection_attributes=args.extra_connection_attributes,
            tags=args.tags,
            # AWS refuses to modify an endpoint that running tasks use; the provider pauses them around the
            # modify and resumes them (provider issue #27661, PR #34316).
            pause_replication_tasks=True,
            **creds,
            **settings,
            opts=pulumi.ResourceOptions(
                parent=self, depends_on=depends, protect=args.protect, delete_before_replace=True
            ),
        )
        self.endpoint_arn: pulumi.Output[str] = self.endpoint.endpoint_arn
        self.register_outputs({"endpointArn": self.endpoint_arn})


class OracleSourceEndpoint(_DmsEndpoint):
    """The Oracle database DMS reads from (forward path)."""

    endpoint_type = "source"
    settings_kind = "oracle"
    type_token = "oracle2pg:dms:OracleSourceEndpoint"


class PostgresTargetEndpoint(_DmsEndpoint):
    """The PostgreSQL / Aurora PostgreSQL database DMS writes to (forward path)."""

    endpoint_type = "target"
    settings_kind = "postgres"
    type_token = "oracle2pg:dms:PostgresTargetEndpoint"


class PostgresSourceEndpoint(_DmsEndpoint):
    """PostgreSQL read through logical replication (reverse, fallback path)."""

    endpoint_type = "source"
    settings_kind = "postgres"
    type_token = "oracle2pg:dms:PostgresSourceEndpoint"


class OracleTargetEndpoint(_DmsEndpoint):
    """The original Oracle database receiving changes back (reverse, fallback path)."""

    endpoint_type = "target"
    settings_kind = "oracle"
    type_token = "oracle2pg:dms:OracleTargetEndpoint"
