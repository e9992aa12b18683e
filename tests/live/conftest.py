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
from tests.live.aws_env import REGION, fake_aws_env


@pytest.fixture(autouse=True)
def no_real_aws(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    # Port 9 (discard) on loopback: a call the Stubber does not answer fails fast instead of reaching AWS.
    fake_aws_env(monkeypatch, tmp_path, "http://127.0.0.1:9")


@dataclass
class Stubbed:
    clients: Clients
    dms: Stubber
    cloudwatch: Stubber
    sts: Stubber


@pytest.fixture
def aws() -> Iterator[Stubbed]:
    """DMS and CloudWatch clients with Stubbers; at the end every queued response must have been used. One attempt
    per call, so a stubbed throttling error reaches the code instead of being retried."""
    session = boto3.session.Session(region_name=REGION)
    once = Config(retries={"mode": "standard", "max_attempts": 1})
    c = Clients(
        dms=session.client("dms", config=once),
        cloudwatch=session.client("cloudwatch", config=once),
        sts=session.client("sts", config=once),
    )
    with Stubber(c.dms) as dms, Stubber(c.cloudwatch) as cw, Stubber(c.sts) as sts:
        yield Stubbed(c, dms, cw, sts)
        dms.assert_no_pending_responses()
        cw.assert_no_pending_responses()
        sts.assert_no_pending_responses()
