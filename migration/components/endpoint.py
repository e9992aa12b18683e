"""DMS endpoints. One base assembles the endpoint and, when credentials live in Secrets Manager, a role that can
read only that one secret; the subclasses name the four endpoint kinds the migration uses."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any, Literal, Mapping

import pulumi
import pulumi_aws as aws

from migration.components.options import Children, own_options
from migration.config import Connection


@dataclass
class EndpointArgs:
    endpoint_id: str
    engine_name: str  # "oracle" | "postgres" | "aurora-postgresql"
    connection: Connection
    region: str
    secrets_role_name: str  # used only with Secrets Manager
    settings: Mapping[str, Any] = field(default_factory=dict)  # EndpointOracleSettingsArgs / Postgres kwargs
    extra_connection_attributes: str | None = None
    kms_key_arn: str | None = None
    ca_bundle_pem: str | None = None  # imported as a DMS certificate for verify-ca / verify-full
    certificate_id: str = ""
    tags: dict[str, str] = field(default_factory=dict)


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
    """`opts.protect` protects the endpoint (not its secrets role or certificate)."""

    endpoint_type: Literal["source", "target"]
    settings_kind: Literal["oracle", "postgres"]
    type_token: str

    def __init__(self, name: str, args: EndpointArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__(self.type_token, name, None, own_options(opts))
        children = Children.of(self, opts)
        conn = args.connection
        self.secrets_role: aws.iam.Role | None = None
        self.certificate: aws.dms.Certificate | None = None
        creds, depends = self._credentials(name, args, children)
        certificate_arn = self._certificate_arn(name, args, children)
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
            **self._settings(args),
            opts=children.opts(aws.dms.Endpoint, protect=children.protect, depends_on=depends),
        )
        self.endpoint_arn: pulumi.Output[str] = self.endpoint.endpoint_arn
        self.register_outputs({"endpointArn": self.endpoint_arn})

    def _credentials(
        self, name: str, args: EndpointArgs, children: Children
    ) -> tuple[dict[str, Any], list[pulumi.Resource]]:
        """The endpoint's credential inputs, and what it must wait for: with Secrets Manager, a role that can read
        the secret (and its policy, so DMS can read it when it tests the connection); else the password, secret."""
        conn = args.connection
        if not conn.secrets_manager_secret_arn:
            assert conn.password is not None
            return {
                "server_name": conn.host,
                "port": conn.port,
                "username": conn.username,
                "password": pulumi.Output.secret(conn.password.get_secret_value()),
            }, []
        self.secrets_role = aws.iam.Role(
            f"{name}-secrets-role",
            name=args.secrets_role_name,
            assume_role_policy=secrets_trust_policy(args.region),
            description=f"Lets DMS read the credentials of endpoint {args.endpoint_id}",
            tags=args.tags,
            opts=children.opts(aws.iam.Role),  # a fixed role name: replaced delete-first
        )
        policy = aws.iam.RolePolicy(
            f"{name}-secrets-read",
            role=self.secrets_role.id,
            policy=secret_read_policy(conn.secrets_manager_secret_arn, conn.secrets_kms_key_arn),
            opts=children.opts(aws.iam.RolePolicy),
        )
        return {
            "secrets_manager_arn": conn.secrets_manager_secret_arn,
            "secrets_manager_access_role_arn": self.secrets_role.arn,
        }, [policy]

    def _certificate_arn(self, name: str, args: EndpointArgs, children: Children) -> pulumi.Input[str] | None:
        """The CA bundle imported as a DMS certificate, or the certificate the connection names (if any)."""
        if not args.ca_bundle_pem:
            return args.connection.certificate_arn
        self.certificate = aws.dms.Certificate(
            f"{name}-ca",
            certificate_id=args.certificate_id,
            certificate_pem=args.ca_bundle_pem,
            tags=args.tags,
            opts=children.opts(aws.dms.Certificate),
        )
        return self.certificate.certificate_arn

    def _settings(self, args: EndpointArgs) -> dict[str, Any]:
        if not args.settings:
            return {}
        settings_cls = (
            aws.dms.EndpointOracleSettingsArgs
            if self.settings_kind == "oracle"
            else aws.dms.EndpointPostgresSettingsArgs
        )
        return {f"{self.settings_kind}_settings": settings_cls(**args.settings)}


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
