"""Fake AWS surroundings for the live tests: fake credentials, no shared config, a loopback endpoint; and the ARNs
of the stubbed resources."""

from __future__ import annotations

from pathlib import Path

import pytest

REGION = "eu-west-1"
ACCOUNT = "123456789012"

# Everything that could lead botocore to real credentials or a real endpoint.
AWS_ENV = (
    "AWS_PROFILE",
    "AWS_DEFAULT_PROFILE",
    "AWS_SESSION_TOKEN",
    "AWS_SECURITY_TOKEN",
    "AWS_WEB_IDENTITY_TOKEN_FILE",
    "AWS_ROLE_ARN",
    "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
    "AWS_CONTAINER_CREDENTIALS_FULL_URI",
    "AWS_ENDPOINT_URL_DMS",
    "AWS_ENDPOINT_URL_CLOUDWATCH",
    "AWS_ENDPOINT_URL_STS",
)


def fake_aws_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, endpoint_url: str) -> None:
    """Fake credentials, no shared config or credentials file, no instance metadata, and every request sent to
    `endpoint_url` (a loopback address): a test can never use or reach a real account."""
    for name in AWS_ENV:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv("AWS_DEFAULT_REGION", REGION)
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "no-aws-config"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "no-aws-credentials"))
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    monkeypatch.setenv("AWS_ENDPOINT_URL", endpoint_url)


def task_arn(resource_id: str) -> str:
    return f"arn:aws:dms:{REGION}:{ACCOUNT}:task:{resource_id}"


def instance_arn(resource_id: str = "INSTANCE1") -> str:
    return f"arn:aws:dms:{REGION}:{ACCOUNT}:rep:{resource_id}"


def endpoint_arn(resource_id: str) -> str:
    return f"arn:aws:dms:{REGION}:{ACCOUNT}:endpoint:{resource_id}"
