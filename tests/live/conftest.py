"""Stubbed AWS clients for the live package. Every call goes through botocore's Stubber, which checks the request
parameters and the response shapes against the real DMS and CloudWatch service models; nothing reaches AWS."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import boto3
import pytest
from botocore.config import Config
from botocore.stub import Stubber

from migration.live.session import Clients

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


@pytest.fixture(autouse=True)
def no_real_aws(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    # Port 9 (discard) on loopback: a call the Stubber does not answer fails fast instead of reaching AWS.
    fake_aws_env(monkeypatch, tmp_path, "http://127.0.0.1:9")


@dataclass
class Stubbed:
    clients: Clients
    dms: Stubber
    cloudwatch: Stubber


@pytest.fixture
def aws() -> Iterator[Stubbed]:
    """DMS and CloudWatch clients with Stubbers; at the end every queued response must have been used. One attempt
    per call, so a stubbed throttling error reaches the code instead of being retried."""
    session = boto3.session.Session(region_name=REGION)
    once = Config(retries={"mode": "standard", "max_attempts": 1})
    c = Clients(dms=session.client("dms", config=once), cloudwatch=session.client("cloudwatch", config=once))
    with Stubber(c.dms) as dms, Stubber(c.cloudwatch) as cw:
        yield Stubbed(c, dms, cw)
        dms.assert_no_pending_responses()
        cw.assert_no_pending_responses()


def task_arn(resource_id: str) -> str:
    return f"arn:aws:dms:{REGION}:{ACCOUNT}:task:{resource_id}"


def instance_arn(resource_id: str = "INSTANCE1") -> str:
    return f"arn:aws:dms:{REGION}:{ACCOUNT}:rep:{resource_id}"


def endpoint_arn(resource_id: str) -> str:
    return f"arn:aws:dms:{REGION}:{ACCOUNT}:endpoint:{resource_id}"
