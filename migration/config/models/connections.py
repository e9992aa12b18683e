"""The database connections (`source:`, `target:`, `reverse.postgresSource:`, `reverse.oracleTarget:`): where the
database is, how DMS logs in (a Pulumi secret or Secrets Manager) and how it verifies TLS."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field, SecretStr, field_validator, model_validator

from migration._model import StrictModel
from migration.config.models.endpoint_settings import (
    OracleSourceSettings,
    OracleTargetSettings,
    PostgresSourceSettings,
    PostgresTargetSettings,
)
from migration.config.patterns import CERT_ARN_RE, HOST_RE, SECRET_ARN_RE, check_kms_key_arn, check_pattern

ORACLE_SSL_MODES = ("none", "verify-ca")  # DMS Oracle endpoints support only these two
POSTGRES_SSL_MODES = ("none", "require", "verify-ca", "verify-full")


class Connection(StrictModel):
    """Connection fields shared by every endpoint: credentials come from a Pulumi secret or Secrets Manager."""

    host: str | None = Field(
        default=None,
        description="ServerName: DNS name or IP address of the database. Required unless secretsManagerSecretArn "
        "is set (then the secret holds it and host must be left out).",
    )
    port: int = Field(ge=1, le=65535, description="Port of the database listener.")
    database_name: str = Field(
        min_length=1, max_length=128, description="DatabaseName: the Oracle service name or PostgreSQL database."
    )
    username: str | None = Field(
        default=None,
        min_length=1,
        max_length=128,
        description="The user DMS logs in as; the prerequisites SQL creates and grants it. With "
        "secretsManagerSecretArn it may stay and must match the secret's.",
    )
    password: SecretStr | None = Field(
        default=None,
        min_length=1,
        description="The user's password, a Pulumi secret (`pulumi config set --secret --path <key>.password`); "
        "plain text is refused. Not with secretsManagerSecretArn.",
    )
    secrets_manager_secret_arn: str | None = Field(
        default=None,
        description="SecretsManagerSecretId: a Secrets Manager secret ARN holding host, port, username and "
        "password; DMS reads it through an access role the stack creates.",
    )
    ssl_mode: str = Field(default="none", description="SslMode: how DMS encrypts and verifies the connection.")
    certificate_arn: str | None = Field(
        default=None,
        description="CertificateArn: a certificate already imported into DMS (for Oracle: the wallet). Needed by "
        "verify-ca / verify-full unless caBundleFile is given; not both.",
    )
    secrets_kms_key_arn: str | None = Field(
        default=None,
        description="The customer-managed KMS key ARN of the secret, so the access role may decrypt it (only with "
        "secretsManagerSecretArn).",
    )
    ca_bundle_file: str | None = Field(
        default=None,
        description="A PEM CA bundle (e.g. the RDS global bundle), relative to the project root; the stack imports "
        "it into DMS as a certificate.",
    )

    @field_validator("host")
    @classmethod
    def _host(cls, v: str | None) -> str | None:
        return None if v is None else check_pattern(v, HOST_RE, "must be a DNS name or IP address of the database")

    @field_validator("secrets_manager_secret_arn")
    @classmethod
    def _secret(cls, v: str | None) -> str | None:
        return None if v is None else check_pattern(v, SECRET_ARN_RE, "must be a Secrets Manager secret ARN")

    @field_validator("secrets_kms_key_arn")
    @classmethod
    def _secret_kms(cls, v: str | None) -> str | None:
        return check_kms_key_arn(v)

    @field_validator("certificate_arn")
    @classmethod
    def _cert(cls, v: str | None) -> str | None:
        return None if v is None else check_pattern(v, CERT_ARN_RE, "must be a DMS certificate ARN")

    @model_validator(mode="after")
    def _credentials(self) -> Connection:
        if self.secrets_manager_secret_arn:
            # username may stay: it names the DMS user in the prerequisites SQL and must match the secret's.
            if self.password is not None or self.host is not None:
                raise ValueError(
                    "with secretsManagerSecretArn the secret holds host and password; remove host/password here "
                    "(username may stay: the prerequisites SQL uses it, and it must match the secret's)"
                )
        elif self.host is None:
            raise ValueError("host is required (or secretsManagerSecretArn whose secret holds it)")
        elif self.password is None or self.username is None:
            raise ValueError(
                "credentials missing: set username and password (pulumi config set --secret --path "
                "<key>.password) or secretsManagerSecretArn"
            )
        if self.secrets_kms_key_arn and not self.secrets_manager_secret_arn:
            raise ValueError("secretsKmsKeyArn only applies with secretsManagerSecretArn")
        if self.certificate_arn and self.ca_bundle_file:
            raise ValueError("give certificateArn (a certificate already in DMS) or caBundleFile, not both")
        if self.ssl_mode in ("verify-ca", "verify-full") and not (self.certificate_arn or self.ca_bundle_file):
            raise ValueError(
                f"sslMode {self.ssl_mode} needs certificateArn or caBundleFile (the CA that signed the "
                "database certificate)"
            )
        return self

    @property
    def uses_secrets_manager(self) -> bool:
        return self.secrets_manager_secret_arn is not None


class OracleConnection(Connection):
    """An Oracle connection: TLS is verified with an Oracle wallet imported as a DMS certificate."""

    port: int = Field(default=1521, ge=1, le=65535, description="Port of the Oracle listener.")
    ssl_mode: str = Field(
        default="none",
        description=f"SslMode: {' or '.join(ORACLE_SSL_MODES)} (the two DMS Oracle endpoints support); verify-ca "
        "needs certificateArn (the wallet). caBundleFile is refused for Oracle.",
    )

    @field_validator("ca_bundle_file")
    @classmethod
    def _no_pem(cls, v: str | None) -> str | None:
        if v is not None:
            raise ValueError(
                "DMS verifies Oracle SSL with an Oracle wallet, not a PEM bundle: import the wallet "
                "as a DMS certificate and set certificateArn"
            )
        return v

    @field_validator("ssl_mode")
    @classmethod
    def _ssl(cls, v: str) -> str:
        if v not in ORACLE_SSL_MODES:
            raise ValueError(f"DMS Oracle endpoints support sslMode none or verify-ca, got {v!r}")
        return v


class PostgresConnection(Connection):
    """A PostgreSQL connection: TLS is verified against certificateArn or a PEM caBundleFile."""

    port: int = Field(default=5432, ge=1, le=65535, description="Port of the PostgreSQL server.")
    ssl_mode: str = Field(
        default="require",
        description=f"SslMode: one of {', '.join(POSTGRES_SSL_MODES)}; verify-full when caBundleFile is given and "
        "sslMode is not. verify-ca / verify-full need certificateArn or caBundleFile.",
    )

    @model_validator(mode="before")
    @classmethod
    def _verify_with_bundle(cls, data: Any) -> Any:
        """A CA bundle means the server certificate can be verified fully: default sslMode to verify-full."""
        if isinstance(data, dict) and data.get("caBundleFile") and "sslMode" not in data:
            return {**data, "sslMode": "verify-full"}
        return data

    @field_validator("ssl_mode")
    @classmethod
    def _ssl(cls, v: str) -> str:
        if v not in POSTGRES_SSL_MODES:
            raise ValueError(f"must be one of {', '.join(POSTGRES_SSL_MODES)}, got {v!r}")
        return v


class OracleSourceConfig(OracleConnection):
    """The RDS for Oracle database the forward tasks read."""

    settings: OracleSourceSettings = Field(
        default_factory=OracleSourceSettings, description="Oracle source endpoint settings (OracleSettings)."
    )


class PostgresTargetConfig(PostgresConnection):
    """The RDS / Aurora PostgreSQL database the forward tasks write."""

    engine: Literal["postgres", "aurora-postgresql"] = Field(
        default="postgres", description="EngineName of the target endpoint: RDS PostgreSQL or Aurora PostgreSQL."
    )
    settings: PostgresTargetSettings = Field(
        default_factory=PostgresTargetSettings, description="PostgreSQL target endpoint settings (PostgreSQLSettings)."
    )


class PostgresSourceConfig(PostgresConnection):
    """PostgreSQL read by the reverse task (a user with rds_replication; logical replication on)."""

    settings: PostgresSourceSettings = Field(
        default_factory=PostgresSourceSettings, description="PostgreSQL source endpoint settings (PostgreSQLSettings)."
    )
    db_instance_identifier: str | None = Field(
        default=None,
        max_length=63,
        pattern=r"^[a-zA-Z][a-zA-Z0-9]*(?:-[a-zA-Z0-9]+)*$",  # RDS: a letter first, no "--", no trailing "-"
        description="The RDS DB instance identifier of this database (Aurora: the writer instance), so `status` "
        "shows the reverse task's replication slot lag and an alarm watches it (CloudWatch AWS/RDS OldestReplicationSlotLag and "
        "ReplicationSlotDiskUsage, dimension DBInstanceIdentifier).",
    )


class OracleTargetConfig(OracleConnection):
    """The original Oracle database the reverse task writes changes back into."""

    settings: OracleTargetSettings = Field(
        default_factory=OracleTargetSettings, description="Oracle target endpoint settings (OracleSettings)."
    )
