"""A ConfigError carries the config key it is about as a field (`key`), so code that groups or routes errors never
parses the message."""

from __future__ import annotations

from typing import Any

import pytest

from migration.config import ConfigError
from tests.helpers import load, set_path, valid_raw


def _key_of(raw: dict[str, Any], **kwargs: Any) -> str | None:
    with pytest.raises(ConfigError) as info:
        load(raw, **kwargs)
    return info.value.key


@pytest.mark.parametrize(
    ("path", "value", "key"),
    [
        ("network.vpcId", "vpc-nope", "network"),
        ("reverse.oracleTarget.sslMode", "require", "reverse"),
        ("replicationInstance.allocatedStorge", 60, "replicationInstance"),
        ("capacity.instances", 61, "capacity"),
    ],
)
def test_a_field_error_names_its_top_level_key(path: str, value: Any, key: str) -> None:
    assert _key_of(set_path(valid_raw(), path, value)) == key


def test_an_unknown_top_level_key_is_the_key() -> None:
    raw = valid_raw()
    raw["requireSSL"] = True
    assert _key_of(raw) == "requireSSL"


def test_a_plain_text_password_names_its_key() -> None:
    assert _key_of(valid_raw(), secret_keys=("source",)) == "target"


def test_a_topic_in_another_region_is_a_monitoring_error() -> None:
    raw = set_path(valid_raw(), "monitoring.snsTopicArn", "arn:aws:sns:us-east-1:210987654321:dms-alerts")
    assert _key_of(raw) == "monitoring"
