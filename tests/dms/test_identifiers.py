"""DMS identifiers: whatever the project/stack/task names, the derived ids satisfy DMS's rules, never change for the
same input (a changed task id replaces the task: a full reload), and long names never collide by truncation."""

from __future__ import annotations

import pytest

from migration.dms.identifiers import (
    ENDPOINT_ID_MAX,
    IAM_ROLE_NAME_MAX,
    INSTANCE_ID_MAX,
    TASK_ID_MAX,
    StackNames,
    dms_id,
    is_valid_dms_id,
    partition_for,
)

LONG = "a" * 300
NASTY = [
    "oracle2pg",
    "dev",
    "prod",
    "1stack",
    "2024-migration",
    "42",
    "0",
    "_private",
    "__init__",
    "my_project",
    "my.project",
    "a.b.c.d",
    "-leading-hyphen",
    "trailing-hyphen-",
    "double--hyphen",
    "---",
    "-",
    "_",
    ".",
    "!!!",
    "@#$%^&*()",
    "   ",
    "",
    "tab\tseparated",
    "new\nline",
    "ÄÖÜ",
    "über-stack",
    "Straße",
    "日本語",
    "données",
    "naïve-café",
    "emoji-🚀-stack",
    "🚀",
    "MiXeD-CaSe",
    "UPPER",
    "x",
    "a1",
    "a-1",
    "a_-_b",
    "a..b",
    "CamelCaseProjectName",
    "stack/with/slashes",
    "stack:with:colons",
    "stack with spaces",
    "trailing ",
    " leading",
    "9" * 70,
    "z" * 63,
    "z" * 64,
    "y" * 255,
    "y" * 256,
    LONG,
    "ab-" * 40,
    "-x-" * 100,
    "a" * 62 + "-",
    "Ω≈ç√∫",
    "0x-hex",
    "v1.2.3",
    "release/2024.10",
    "feature_ORA-1234",
    "1-2-3-4-5",
]

PAIRS = [(project, stack) for project in NASTY for stack in ("dev", "9prod", "", "Ünïcode__stack--")] + [
    (LONG, s) for s in NASTY
]


def test_nasty_list_is_big_enough() -> None:
    assert len(set(NASTY)) >= 50


@pytest.mark.parametrize(
    ("max_len", "suffix"),
    [
        (INSTANCE_ID_MAX, ""),
        (TASK_ID_MAX, "orders"),
        (ENDPOINT_ID_MAX, "oracle-source"),
        (IAM_ROLE_NAME_MAX, "secrets"),
    ],
)
def test_dms_id_is_always_valid(max_len: int, suffix: str) -> None:
    for project, stack in PAIRS:
        value = dms_id(project, stack, suffix, max_len=max_len)
        assert is_valid_dms_id(value, max_len), (project, stack, value)
        assert len(value) <= max_len
        assert value == value.lower()
        assert "--" not in value and not value.endswith("-") and value[0].isalpha()


def test_dms_id_is_deterministic() -> None:
    first = [dms_id(p, s, max_len=INSTANCE_ID_MAX) for p, s in PAIRS]
    second = [dms_id(p, s, max_len=INSTANCE_ID_MAX) for p, s in PAIRS]
    assert first == second


def test_dms_id_examples() -> None:
    assert dms_id("oracle2pg", "dev", max_len=63) == "oracle2pg-dev"
    assert dms_id("My_Project", "Prod.EU", max_len=63) == "my-project-prod-eu"
    assert dms_id("1stack", max_len=63) == "x-1stack"
    assert dms_id("!!!", "???", max_len=63) == "x"
    assert dms_id("a--b", "c-", max_len=63) == "a-b-c"
    assert dms_id("über", max_len=63) == "ber"
    assert dms_id("oracle2pg", "", "main", max_len=255) == "oracle2pg-main"


def test_short_names_are_kept_unchanged() -> None:
    assert dms_id("z" * 63, max_len=63) == "z" * 63
    assert dms_id("y" * 255, max_len=255) == "y" * 255


def test_long_names_are_cut_with_a_hash() -> None:
    value = dms_id("z" * 64, max_len=63)
    assert len(value) == 63
    assert value.startswith("z" * 54 + "-")
    assert all(c in "0123456789abcdef" for c in value[-8:])


def test_long_names_sharing_a_prefix_get_different_ids() -> None:
    base = "customer-order-history-archive-" * 3
    for max_len in (INSTANCE_ID_MAX, TASK_ID_MAX):
        names = [base * (max_len // len(base) + 1) + tail for tail in ("a", "b", "1", "orders", "orders-2")]
        ids = [dms_id("oracle2pg", "prod", n, max_len=max_len) for n in names]
        assert len(set(ids)) == len(ids), ids
        assert all(len(i) == max_len or len(i) == max_len - 1 for i in ids)
        assert len({i[:40] for i in ids}) == 1  # they really share the prefix; only the hash tells them apart


def test_names_differing_only_in_case_past_the_cut_still_differ() -> None:
    a = dms_id(LONG + "Orders", max_len=INSTANCE_ID_MAX)
    b = dms_id(LONG + "ORDERS", max_len=INSTANCE_ID_MAX)
    assert a != b


@pytest.mark.parametrize(
    ("value", "valid"),
    [
        ("a", True),
        ("abc-123", True),
        ("a" * 63, True),
        ("a" * 64, False),
        ("", False),
        ("1abc", False),
        ("-abc", False),
        ("abc-", False),
        ("a--b", False),
        ("ABC", False),
        ("a_b", False),
        ("a.b", False),
    ],
)
def test_is_valid_dms_id(value: str, valid: bool) -> None:
    assert is_valid_dms_id(value, 63) is valid


def test_stack_names_are_all_valid_for_every_nasty_name() -> None:
    for project, stack in PAIRS:
        names = StackNames(project, stack)
        assert is_valid_dms_id(names.instance_id, INSTANCE_ID_MAX), names.instance_id
        for endpoint_id in (
            names.source_endpoint_id,
            names.target_endpoint_id,
            names.reverse_source_endpoint_id,
            names.reverse_target_endpoint_id,
        ):
            assert is_valid_dms_id(endpoint_id, ENDPOINT_ID_MAX), endpoint_id
        assert is_valid_dms_id(names.subnet_group_id, 255) and names.subnet_group_id != "default"
        assert is_valid_dms_id(names.security_group_name, 255)
        assert is_valid_dms_id(names.task_id("orders"), TASK_ID_MAX)
        assert is_valid_dms_id(names.task_id("x" * 40), TASK_ID_MAX)
        assert is_valid_dms_id(names.secrets_role("postgres-target"), IAM_ROLE_NAME_MAX)
        ids = [
            names.instance_id,
            names.source_endpoint_id,
            names.target_endpoint_id,
            names.reverse_source_endpoint_id,
            names.reverse_target_endpoint_id,
        ]
        assert len(set(ids)) == len(ids)


def test_stack_names_for_the_real_project() -> None:
    names = StackNames("oracle2pg", "prod")
    assert names.prefix == "oracle2pg-prod"
    assert names.instance_id == "oracle2pg-prod"
    assert names.subnet_group_id == "oracle2pg-prod-subnets"
    assert names.security_group_name == "dms-oracle2pg-prod"
    assert names.source_endpoint_id == "oracle2pg-prod-oracle-source"
    assert names.target_endpoint_id == "oracle2pg-prod-postgres-target"
    assert names.reverse_source_endpoint_id == "oracle2pg-prod-postgres-source"
    assert names.reverse_target_endpoint_id == "oracle2pg-prod-oracle-target"
    assert names.task_id("main") == "oracle2pg-prod-main"
    assert names.secrets_role("oracle-source") == "oracle2pg-prod-oracle-source-secrets"


def test_stacks_of_one_long_project_do_not_share_names() -> None:
    a, b = StackNames(LONG, "dev"), StackNames(LONG, "prod")
    assert a.instance_id != b.instance_id
    assert a.task_id("main") != b.task_id("main")


@pytest.mark.parametrize(
    ("region", "partition"),
    [("eu-west-1", "aws"), ("us-east-1", "aws"), ("cn-north-1", "aws-cn"), ("us-gov-west-1", "aws-us-gov")],
)
def test_partition_for(region: str, partition: str) -> None:
    assert partition_for(region) == partition


def test_security_group_name_never_starts_with_sg_dash() -> None:
    assert not StackNames("sg", "dev").security_group_name.startswith("sg-")
