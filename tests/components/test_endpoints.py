"""The DMS endpoints under Pulumi mocks: credentials (a secret password, or a least-privilege role for Secrets
Manager), settings, certificates, and the endpoint's protection through the component's options."""

from __future__ import annotations

import json
from typing import Any

import pulumi
import pytest

from migration.cli.offline import FAKE_ACCOUNT, SECRET_SIG
from migration.components.endpoint import (
    EndpointArgs,
    OracleSourceEndpoint,
    OracleTargetEndpoint,
    PostgresSourceEndpoint,
    PostgresTargetEndpoint,
)
from migration.config import OracleSourceConfig, PostgresTargetConfig
from tests.components.kinds import CERTIFICATE, ENDPOINT, ROLE, ROLE_POLICY, custom, named
from tests.helpers import KMS_ARN, SECRET_MARK, SOURCE_PASSWORD, TARGET_SECRET_ARN, one, plain_strings, render

PROTECTED = pulumi.ResourceOptions(protect=True)


def oracle_with_password() -> OracleSourceConfig:
    return OracleSourceConfig.model_validate(
        {"host": "orcl.example.internal", "databaseName": "ORCL", "username": "DMS_USER", "password": SOURCE_PASSWORD}
    )


def postgres_with_secret() -> PostgresTargetConfig:
    return PostgresTargetConfig.model_validate(
        {
            "databaseName": "app",
            "secretsManagerSecretArn": TARGET_SECRET_ARN,
            "sslMode": "verify-full",
            "certificateArn": "arn:aws:dms:eu-west-1:210987654321:cert:ABC",
        }
    )


def endpoint_args(conn: Any, **overrides: Any) -> EndpointArgs:
    values: dict[str, Any] = dict(
        endpoint_id="oracle2pg-test-ep",
        engine_name="oracle",
        connection=conn,
        region="eu-west-1",
        secrets_role_name="oracle2pg-test-ep-secrets",
        tags={"Stack": "test"},
    )
    values.update(overrides)
    return EndpointArgs(**values)


def test_password_endpoint_sends_the_password_only_as_a_secret() -> None:
    resources, _ = render(lambda: OracleSourceEndpoint("src", endpoint_args(oracle_with_password())))
    assert [r.type for r in custom(resources)] == [ENDPOINT]
    ep = one(resources, ENDPOINT)
    assert ep.parent == "src"
    assert ep.inputs["password"] == {SECRET_SIG: SECRET_MARK, "value": SOURCE_PASSWORD}
    assert SOURCE_PASSWORD not in list(plain_strings(ep.inputs))
    assert (ep.inputs["serverName"], ep.inputs["port"], ep.inputs["username"]) == (
        "orcl.example.internal",
        1521,
        "DMS_USER",
    )
    assert (ep.inputs["endpointId"], ep.inputs["endpointType"], ep.inputs["engineName"]) == (
        "oracle2pg-test-ep",
        "source",
        "oracle",
    )
    assert ep.inputs["databaseName"] == "ORCL" and ep.inputs["sslMode"] == "none"
    assert "secretsManagerArn" not in ep.inputs and "secretsManagerAccessRoleArn" not in ep.inputs


def test_secrets_manager_endpoint_gets_a_least_privilege_role() -> None:
    resources, comp = render(
        lambda: PostgresTargetEndpoint(
            "tgt",
            endpoint_args(
                postgres_with_secret(), engine_name="aurora-postgresql", kms_key_arn=KMS_ARN, region="eu-central-1"
            ),
        ),
        region="eu-central-1",
    )
    assert sorted((r.type, r.name) for r in custom(resources)) == sorted(
        [(ROLE, "tgt-secrets-role"), (ROLE_POLICY, "tgt-secrets-read"), (ENDPOINT, "tgt-endpoint")]
    )
    assert all(r.parent == "tgt" for r in custom(resources))
    role = one(resources, ROLE).inputs
    assert role["name"] == "oracle2pg-test-ep-secrets"
    trust = json.loads(role["assumeRolePolicy"])
    assert trust["Statement"] == [
        {
            "Action": "sts:AssumeRole",
            "Effect": "Allow",
            "Principal": {"Service": ["dms.amazonaws.com", "dms.eu-central-1.amazonaws.com"]},
        }
    ]
    policy = one(resources, ROLE_POLICY)
    assert policy.inputs["role"] == "tgt-secrets-role-id"
    statements = json.loads(policy.inputs["policy"])["Statement"]
    assert statements == [
        {
            "Effect": "Allow",
            "Resource": TARGET_SECRET_ARN,
            "Action": ["secretsmanager:DescribeSecret", "secretsmanager:GetSecretValue"],
        }
    ]
    ep = one(resources, ENDPOINT)
    assert ep.inputs["secretsManagerArn"] == TARGET_SECRET_ARN
    assert ep.inputs["secretsManagerAccessRoleArn"] == f"arn:aws:mock:eu-central-1:{FAKE_ACCOUNT}:tgt-secrets-role"
    for absent in ("password", "username", "serverName", "port"):
        assert absent not in ep.inputs, absent
    assert (ep.inputs["endpointType"], ep.inputs["engineName"]) == ("target", "aurora-postgresql")
    assert ep.inputs["sslMode"] == "verify-full"
    assert ep.inputs["certificateArn"] == "arn:aws:dms:eu-west-1:210987654321:cert:ABC"
    assert ep.inputs["kmsKeyArn"] == KMS_ARN
    assert "tgt-secrets-read" in ep.depends_on  # the role can read the secret before DMS tests the connection
    assert comp.secrets_role is not None


ORACLE_SETTINGS = ({"add_supplemental_logging": True}, "oracleSettings", {"addSupplementalLogging": True})
POSTGRES_SETTINGS = ({"heartbeat_enable": True}, "postgresSettings", {"heartbeatEnable": True})


@pytest.mark.parametrize(
    ("cls", "endpoint_type", "settings"),
    [
        (OracleSourceEndpoint, "source", ORACLE_SETTINGS),
        (PostgresTargetEndpoint, "target", POSTGRES_SETTINGS),
        (PostgresSourceEndpoint, "source", POSTGRES_SETTINGS),
        (OracleTargetEndpoint, "target", ORACLE_SETTINGS),
    ],
)
def test_endpoint_kinds(cls: Any, endpoint_type: str, settings: tuple[dict[str, Any], str, dict[str, Any]]) -> None:
    kwargs, key, expected = settings
    resources, _ = render(lambda: cls("ep", endpoint_args(oracle_with_password(), settings=kwargs), PROTECTED))
    ep = one(resources, ENDPOINT)
    assert ep.inputs["endpointType"] == endpoint_type
    assert ep.inputs[key] == expected
    assert ep.protect is True
    assert cls.type_token.startswith("oracle2pg:dms:")


def test_endpoint_without_settings_sends_none() -> None:
    resources, _ = render(lambda: OracleSourceEndpoint("src", endpoint_args(oracle_with_password())))
    inputs = one(resources, ENDPOINT).inputs
    assert "oracleSettings" not in inputs and "postgresSettings" not in inputs


def test_protect_reaches_the_endpoint_but_not_its_role_or_certificate() -> None:
    """The role and the certificate are replaced with the config (a new CA bundle, a new id); the endpoint holds the
    connection the tasks use."""
    args = endpoint_args(postgres_with_secret(), ca_bundle_pem="-----BEGIN CERTIFICATE-----", certificate_id="c-1")
    resources, comp = render(lambda: PostgresTargetEndpoint("tgt", args, PROTECTED))
    by_name = named(resources)
    assert by_name["tgt-endpoint"].protect
    assert [r.name for r in resources if r.protect] == ["tgt-endpoint"]
    assert one(resources, CERTIFICATE).inputs["certificateId"] == "c-1"
    assert comp.certificate is not None and comp.secrets_role is not None


def test_endpoint_role_is_replaced_delete_first_and_the_certificate_create_first() -> None:
    args = endpoint_args(postgres_with_secret(), ca_bundle_pem="-----BEGIN CERTIFICATE-----", certificate_id="c-1")
    resources, _ = render(lambda: PostgresTargetEndpoint("tgt", args))
    assert {r.name: r.delete_before_replace for r in custom(resources)} == {
        "tgt-secrets-role": True,  # a fixed role name
        "tgt-secrets-read": False,
        "tgt-ca": False,  # its id carries the bundle's hash: the new one can exist next to the old
        "tgt-endpoint": True,
    }
