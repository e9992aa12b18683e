"""The stack config model: a valid config loads with the documented defaults, and every bad input is refused with
one line that names the key path and what is allowed (never the password)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from migration.config import CONFIG_KEYS, ConfigError
from tests.helpers import (
    CERT_ARN,
    KMS_ARN,
    SOURCE_PASSWORD,
    SOURCE_SECRET_ARN,
    TARGET_PASSWORD,
    config_error,
    del_path,
    load,
    set_path,
    valid_raw,
)

Mutate = Callable[[dict[str, Any]], Any]


def test_valid_config_loads_with_its_values() -> None:
    stack = load()
    cfg = stack.config
    assert (stack.project, stack.stack, stack.region, stack.prefix) == (
        "oracle2pg",
        "test",
        "eu-west-1",
        "oracle2pg-test",
    )
    assert cfg.network.vpc_id == "vpc-0a1b2c3d4e5f60718"
    assert cfg.network.subnet_ids == ["subnet-0a1b2c3d4e5f60711", "subnet-0a1b2c3d4e5f60722"]
    assert cfg.network.database_cidrs == ["10.20.0.0/16"]
    assert cfg.replication_instance.instance_class == "dms.r6i.large"
    assert cfg.replication_instance.allocated_storage == 100
    assert cfg.source.host == "orcl.example.internal"
    assert cfg.source.password is not None and cfg.source.password.get_secret_value() == SOURCE_PASSWORD
    assert cfg.target.password is not None and cfg.target.password.get_secret_value() == TARGET_PASSWORD
    assert cfg.migration.type == "full-load-and-cdc"
    assert cfg.migration.schemas == ["APP", "HR"]
    assert cfg.migration.has_cdc and cfg.migration.has_full_load
    assert cfg.tags == {"Owner": "data-platform"}


def test_defaults_are_the_safe_ones() -> None:
    raw = valid_raw()
    del raw["replicationInstance"]
    cfg = load(raw).config
    ri = cfg.replication_instance
    assert (ri.instance_class, ri.allocated_storage, ri.engine_version) == ("dms.t3.medium", 50, "3.6.1")
    assert ri.publicly_accessible is False
    assert ri.multi_az is False
    assert ri.auto_minor_version_upgrade is False
    assert ri.kms_key_arn is None and ri.preferred_maintenance_window is None
    assert cfg.source.port == 1521 and cfg.target.port == 5432
    assert cfg.source.ssl_mode == "none"
    assert cfg.target.ssl_mode == "require"
    assert cfg.target.engine == "postgres"
    m = cfg.migration
    assert (m.include, m.exclude, m.tasks, m.schema_renames) == (["%"], [], [], {})
    assert m.target_table_prep_mode == "DO_NOTHING" and m.target_is_disposable is False and m.start_task is False
    assert cfg.iam.create_dms_roles is True
    assert cfg.network.database_security_group_ids == [] and cfg.network.extra_security_group_ids == []


def test_secrets_manager_credentials_need_no_host_or_password() -> None:
    raw = valid_raw()
    raw["source"] = {"databaseName": "ORCL", "secretsManagerSecretArn": SOURCE_SECRET_ARN}
    src = load(raw).config.source
    assert src.uses_secrets_manager is True
    assert (src.host, src.username, src.password) == (None, None, None)
    assert load().config.source.uses_secrets_manager is False


def test_optional_values_are_kept_and_normalised() -> None:
    raw = valid_raw()
    set_path(raw, "replicationInstance.kmsKeyArn", KMS_ARN)
    set_path(raw, "replicationInstance.preferredMaintenanceWindow", "Sun:02:00-Sun:03:00")
    set_path(raw, "target.sslMode", "verify-full")
    set_path(raw, "target.certificateArn", CERT_ARN)
    set_path(raw, "source.sslMode", "verify-ca")
    set_path(raw, "source.certificateArn", CERT_ARN)
    set_path(raw, "network.databaseSecurityGroupIds", ["sg-0f1e2d3c4b5a69791"])
    set_path(raw, "tags", {"b": "2", "a": "1"})
    cfg = load(raw).config
    assert cfg.replication_instance.kms_key_arn == KMS_ARN
    assert cfg.replication_instance.preferred_maintenance_window == "sun:02:00-sun:03:00"
    assert (cfg.target.ssl_mode, cfg.target.certificate_arn) == ("verify-full", CERT_ARN)
    assert cfg.source.ssl_mode == "verify-ca"
    assert list(cfg.tags) == ["a", "b"]


def test_security_groups_alone_are_enough_to_reach_the_databases() -> None:
    raw = valid_raw()
    set_path(raw, "network.databaseCidrs", [])
    set_path(raw, "network.databaseSecurityGroupIds", ["sg-0f1e2d3c4b5a69791"])
    assert load(raw).config.network.database_security_group_ids == ["sg-0f1e2d3c4b5a69791"]


def test_drop_and_create_is_allowed_for_a_disposable_target() -> None:
    raw = valid_raw()
    set_path(raw, "migration.targetTablePrepMode", "DROP_AND_CREATE")
    set_path(raw, "migration.targetIsDisposable", True)
    assert load(raw).config.migration.target_table_prep_mode == "DROP_AND_CREATE"


def test_storage_bounds_are_inclusive() -> None:
    for gb in (5, 6144):
        assert (
            load(
                set_path(valid_raw(), "replicationInstance.allocatedStorage", gb)
            ).config.replication_instance.allocated_storage
            == gb
        )


def _use_secret_arn(raw: dict[str, Any], key: str, arn: str) -> dict[str, Any]:
    for field in ("host", "username", "password"):
        raw[key].pop(field, None)
    raw[key]["secretsManagerSecretArn"] = arn
    return raw


# (id, mutation, expected message start, fragment that must follow it)
ERRORS: list[tuple[str, Mutate, str, str]] = [
    (
        "vpc",
        lambda r: set_path(r, "network.vpcId", "vpc-123"),
        "oracle2pg:network.vpcId: ",
        "must be a VPC id like vpc-0a1b2c3d4e5f60718, got 'vpc-123'",
    ),
    (
        "subnet-id",
        lambda r: set_path(r, "network.subnetIds", ["subnet-0a1b2c3d4e5f60711", "subnet-xyz"]),
        "oracle2pg:network.subnetIds: ",
        "must be subnet ids like subnet-0a1b2c3d4e5f60718, got 'subnet-xyz'",
    ),
    (
        "one-subnet",
        lambda r: set_path(r, "network.subnetIds", ["subnet-0a1b2c3d4e5f60711"]),
        "oracle2pg:network.subnetIds: ",
        "at least 2 items",
    ),
    (
        "dup-subnets",
        lambda r: set_path(r, "network.subnetIds", ["subnet-0a1b2c3d4e5f60711"] * 2),
        "oracle2pg:network.subnetIds: ",
        "subnet ids must be distinct",
    ),
    (
        "bad-cidr",
        lambda r: set_path(r, "network.databaseCidrs", ["10.20.0.0/33"]),
        "oracle2pg:network.databaseCidrs: ",
        "must be CIDR blocks like 10.20.0.0/16, got '10.20.0.0/33'",
    ),
    (
        "cidr-host-bits",
        lambda r: set_path(r, "network.databaseCidrs", ["10.20.1.5/16"]),
        "oracle2pg:network.databaseCidrs: ",
        "10.20.1.5/16 has host bits set; did you mean 10.20.0.0/16?",
    ),
    (
        "cidr-without-prefix",
        lambda r: set_path(r, "network.databaseCidrs", ["10.20.1.5"]),
        "oracle2pg:network.databaseCidrs: ",
        "must be CIDR blocks with a prefix length like 10.20.0.0/16, got '10.20.1.5'",
    ),
    (
        "world",
        lambda r: set_path(r, "network.databaseCidrs", ["0.0.0.0/0"]),
        "oracle2pg:network.databaseCidrs: ",
        "0.0.0.0/0 opens the databases' ports to the whole internet",
    ),
    (
        "world-v6",
        lambda r: set_path(r, "network.databaseCidrs", ["::/0"]),
        "oracle2pg:network.databaseCidrs: ",
        "::/0 opens the databases' ports to the whole internet",
    ),
    (
        "unreachable",
        lambda r: set_path(r, "network.databaseCidrs", []),
        "oracle2pg:network: ",
        "set databaseCidrs or databaseSecurityGroupIds",
    ),
    (
        "db-sg",
        lambda r: set_path(r, "network.databaseSecurityGroupIds", ["sg-1"]),
        "oracle2pg:network.databaseSecurityGroupIds: ",
        "must be security group ids like sg-0a1b2c3d4e5f60718, got 'sg-1'",
    ),
    (
        "extra-sg",
        lambda r: set_path(r, "network.extraSecurityGroupIds", ["sg-0a1b2c3d4e5f6071"]),
        "oracle2pg:network.extraSecurityGroupIds: ",
        "got 'sg-0a1b2c3d4e5f6071'",
    ),
    (
        "class",
        lambda r: set_path(r, "replicationInstance.instanceClass", "db.r6i.large"),
        "oracle2pg:replicationInstance.instanceClass: ",
        "dms.<family>.<size>",
    ),
    (
        "class-family",
        lambda r: set_path(r, "replicationInstance.instanceClass", "dms.m5.large"),
        "oracle2pg:replicationInstance.instanceClass: ",
        "got 'dms.m5.large'",
    ),
    (
        "storage-4",
        lambda r: set_path(r, "replicationInstance.allocatedStorage", 4),
        "oracle2pg:replicationInstance.allocatedStorage: ",
        "greater than or equal to 5, got 4",
    ),
    (
        "storage-6145",
        lambda r: set_path(r, "replicationInstance.allocatedStorage", 6145),
        "oracle2pg:replicationInstance.allocatedStorage: ",
        "less than or equal to 6144, got 6145",
    ),
    (
        "engine-version",
        lambda r: set_path(r, "replicationInstance.engineVersion", "latest"),
        "oracle2pg:replicationInstance.engineVersion: ",
        "must be a pinned DMS engine version like 3.5.4, got 'latest'",
    ),
    (
        "engine-version-short",
        lambda r: set_path(r, "replicationInstance.engineVersion", "3.5"),
        "oracle2pg:replicationInstance.engineVersion: ",
        "got '3.5'",
    ),
    (
        "kms",
        lambda r: set_path(r, "replicationInstance.kmsKeyArn", "alias/mykey"),
        "oracle2pg:replicationInstance.kmsKeyArn: ",
        "must be a KMS key ARN like arn:aws:kms:eu-west-1:111122223333:key/<id>, got 'alias/mykey'",
    ),
    (
        "kms-alias-arn",
        lambda r: set_path(r, "replicationInstance.kmsKeyArn", "arn:aws:kms:eu-west-1:111122223333:alias/dms"),
        "oracle2pg:replicationInstance.kmsKeyArn: ",
        "not an alias ARN: DMS reads back the key ARN, so an alias would replace the resource on every pulumi up",
    ),
    (
        "secret-kms-alias-arn",
        lambda r: set_path(
            r,
            "source",
            {
                "databaseName": "ORCL",
                "secretsManagerSecretArn": "arn:aws:secretsmanager:eu-west-1:111122223333:secret:s-AbC123",
                "secretsKmsKeyArn": "arn:aws:kms:eu-west-1:111122223333:alias/secrets",
            },
        ),
        "oracle2pg:source.secretsKmsKeyArn: ",
        "not an alias ARN",
    ),
    (
        "window",
        lambda r: set_path(r, "replicationInstance.preferredMaintenanceWindow", "sunday 3am"),
        "oracle2pg:replicationInstance.preferredMaintenanceWindow: ",
        "must look like sun:03:00-sun:04:00",
    ),
    (
        "host",
        lambda r: set_path(r, "source.host", "db_host.example"),
        "oracle2pg:source.host: ",
        "must be a DNS name or IP address of the database, got 'db_host.example'",
    ),
    ("host-space", lambda r: set_path(r, "target.host", "pg host"), "oracle2pg:target.host: ", "got 'pg host'"),
    ("port-0", lambda r: set_path(r, "source.port", 0), "oracle2pg:source.port: ", "greater than or equal to 1, got 0"),
    (
        "port-70000",
        lambda r: set_path(r, "target.port", 70000),
        "oracle2pg:target.port: ",
        "less than or equal to 65535, got 70000",
    ),
    (
        "secret-arn",
        lambda r: _use_secret_arn(r, "source", "prod/oracle/dms"),
        "oracle2pg:source.secretsManagerSecretArn: ",
        "must be a Secrets Manager secret ARN, got 'prod/oracle/dms'",
    ),
    (
        "secret-arn-and-password",
        lambda r: set_path(r, "source.secretsManagerSecretArn", SOURCE_SECRET_ARN),
        "oracle2pg:source: ",
        "with secretsManagerSecretArn the secret holds host and password",
    ),
    (
        "secret-arn-and-host",
        lambda r: set_path(_use_secret_arn(r, "source", SOURCE_SECRET_ARN), "source.host", "orcl.example.internal"),
        "oracle2pg:source: ",
        "remove host/password here",
    ),
    (
        "no-password",
        lambda r: del_path(r, "target.password"),
        "oracle2pg:target: ",
        "credentials missing: set username and password",
    ),
    ("no-username", lambda r: del_path(r, "source.username"), "oracle2pg:source: ", "credentials missing"),
    (
        "no-host",
        lambda r: del_path(r, "target.host"),
        "oracle2pg:target: ",
        "host is required (or secretsManagerSecretArn whose secret holds it)",
    ),
    (
        "verify-ca-no-cert",
        lambda r: set_path(r, "target.sslMode", "verify-ca"),
        "oracle2pg:target: ",
        "sslMode verify-ca needs certificateArn",
    ),
    (
        "oracle-verify-ca-no-cert",
        lambda r: set_path(r, "source.sslMode", "verify-ca"),
        "oracle2pg:source: ",
        "sslMode verify-ca needs certificateArn",
    ),
    (
        "oracle-require",
        lambda r: set_path(r, "source.sslMode", "require"),
        "oracle2pg:source.sslMode: ",
        "DMS Oracle endpoints support sslMode none or verify-ca, got 'require'",
    ),
    (
        "postgres-ssl",
        lambda r: set_path(r, "target.sslMode", "prefer"),
        "oracle2pg:target.sslMode: ",
        "must be one of none, require, verify-ca, verify-full, got 'prefer'",
    ),
    (
        "cert-arn",
        lambda r: set_path(set_path(r, "target.sslMode", "verify-full"), "target.certificateArn", "x"),
        "oracle2pg:target.certificateArn: ",
        "must be a DMS certificate ARN, got 'x'",
    ),
    (
        "target-engine",
        lambda r: set_path(r, "target.engine", "mysql"),
        "oracle2pg:target.engine: ",
        "'postgres' or 'aurora-postgresql', got 'mysql'",
    ),
    (
        "migration-type",
        lambda r: set_path(r, "migration.type", "full"),
        "oracle2pg:migration.type: ",
        "'full-load', 'cdc' or 'full-load-and-cdc', got 'full'",
    ),
    (
        "lower-schema",
        lambda r: set_path(r, "migration.schemas", ["APP", "hr"]),
        "oracle2pg:migration.schemas: ",
        "must be Oracle schema names as stored (upper case, e.g. APP), got 'hr'",
    ),
    ("no-schema", lambda r: set_path(r, "migration.schemas", []), "oracle2pg:migration.schemas: ", "at least 1 item"),
    (
        "dup-schema",
        lambda r: set_path(r, "migration.schemas", ["APP", "APP"]),
        "oracle2pg:migration.schemas: ",
        "schemas are listed twice",
    ),
    (
        "rename-unknown",
        lambda r: set_path(r, "migration.schemaRenames", {"SALES": "sales"}),
        "oracle2pg:migration: ",
        "schemaRenames names SALES, which is not in schemas",
    ),
    (
        "rename-upper-target",
        lambda r: set_path(r, "migration.schemaRenames", {"APP": "App"}),
        "oracle2pg:migration.schemaRenames: ",
        "values must be lower-case PostgreSQL schema names, got 'App'",
    ),
    (
        "pattern",
        lambda r: set_path(r, "migration.include", ["APP.orders"]),
        "oracle2pg:migration.include: ",
        "in double quotes (e.g. LEDGER.\"Invoice\"), got 'APP.orders' (unquoted, Oracle reads it upper case); for "
        'the name as stored write APP."orders"',
    ),
    (
        "pattern-exclude",
        lambda r: set_path(r, "migration.exclude", ["APP.ORD ERS"]),
        "oracle2pg:migration.exclude: ",
        "got 'APP.ORD ERS'",
    ),
    (
        "pattern-unknown-schema",
        lambda r: set_path(r, "migration.exclude", ["SALES.X"]),
        "oracle2pg:migration: ",
        "pattern 'SALES.X' names schema SALES, which is not in schemas",
    ),
    (
        "task-pattern-unknown-schema",
        lambda r: set_path(r, "migration.tasks", [{"name": "orders", "include": ["SALES.ORDERS"]}]),
        "oracle2pg:migration: ",
        "pattern 'SALES.ORDERS' names schema SALES",
    ),
    (
        "dup-task",
        lambda r: set_path(r, "migration.tasks", [{"name": "a", "include": ["%"]}, {"name": "a", "include": ["X"]}]),
        "oracle2pg:migration: ",
        "task names must be unique",
    ),
    (
        "task-name",
        lambda r: set_path(r, "migration.tasks", [{"name": "Orders_1", "include": ["%"]}]),
        "oracle2pg:migration.tasks[0].name: ",
        "lower-case letters, digits and single hyphens, e.g. orders, got 'Orders_1'",
    ),
    (
        "task-name-double-hyphen",
        lambda r: set_path(
            r, "migration.tasks", [{"name": "ok", "include": ["%"]}, {"name": "a--b", "include": ["%"]}]
        ),
        "oracle2pg:migration.tasks[1].name: ",
        "got 'a--b'",
    ),
    (
        "task-no-include",
        lambda r: set_path(r, "migration.tasks", [{"name": "a", "include": []}]),
        "oracle2pg:migration.tasks[0].include: ",
        "at least 1 item",
    ),
    (
        "drop-and-create",
        lambda r: set_path(r, "migration.targetTablePrepMode", "DROP_AND_CREATE"),
        "oracle2pg:migration: ",
        "DROP_AND_CREATE drops target tables",
    ),
    (
        "prep-mode",
        lambda r: set_path(r, "migration.targetTablePrepMode", "TRUNCATE"),
        "oracle2pg:migration.targetTablePrepMode: ",
        "got 'TRUNCATE'",
    ),
    (
        "unknown-top",
        lambda r: set_path(r, "replication", {}),
        "oracle2pg:replication: ",
        "unknown config key; known keys: network, replicationInstance, source, target",
    ),
    (
        "unknown-nested",
        lambda r: set_path(r, "network.vpcID", "vpc-0a1b2c3d4e5f60718"),
        "oracle2pg:network.vpcID: ",
        "unknown key (did you mean vpcId?)",
    ),
    (
        "unknown-nested-no-near-key",
        lambda r: set_path(r, "network.routeTables", []),
        "oracle2pg:network.routeTables: ",
        "unknown key (check the spelling; keys are camelCase)",
    ),
    (
        "unknown-in-list-item",
        lambda r: set_path(r, "migration.tasks", [{"name": "a", "include": ["%"], "excludes": ["X"]}]),
        "oracle2pg:migration.tasks[0].excludes: ",
        "unknown key (did you mean exclude?)",
    ),
    (
        "unknown-snake-case",
        lambda r: set_path(r, "replicationInstance.instance_class", "dms.t3.medium"),
        "oracle2pg:replicationInstance.instance_class: ",
        "unknown key",
    ),
    (
        "unknown-in-task",
        lambda r: set_path(r, "migration.tasks", [{"name": "a", "include": ["%"], "tables": []}]),
        "oracle2pg:migration.tasks[0].tables: ",
        "unknown key",
    ),
    ("missing-section", lambda r: del_path(r, "migration"), "oracle2pg:migration: ", "required key is missing"),
    ("missing-nested", lambda r: del_path(r, "network.vpcId"), "oracle2pg:network.vpcId: ", "required key is missing"),
    ("missing-type", lambda r: del_path(r, "migration.type"), "oracle2pg:migration.type: ", "required key is missing"),
    (
        "tag-aws-prefix",
        lambda r: set_path(r, "tags", {"aws:owner": "x"}),
        "oracle2pg:tags: ",
        "tag key 'aws:owner' is not allowed (1-128 chars, no aws: prefix)",
    ),
    (
        "tag-aws-prefix-upper",
        lambda r: set_path(r, "tags", {"AWS:Owner": "x"}),
        "oracle2pg:tags: ",
        "tag key 'AWS:Owner' is not allowed",
    ),
    (
        "tag-value-long",
        lambda r: set_path(r, "tags", {"Owner": "x" * 257}),
        "oracle2pg:tags: ",
        "tag Owner value is longer than 256 characters",
    ),
]


@pytest.mark.parametrize(("mutate", "start", "fragment"), [e[1:] for e in ERRORS], ids=[e[0] for e in ERRORS])
def test_bad_input_gives_one_line_naming_the_key(mutate: Mutate, start: str, fragment: str) -> None:
    raw = valid_raw()
    mutate(raw)
    message = config_error(raw)
    assert message.startswith(start), message
    assert fragment in message, message
    assert "(and" not in message, message  # exactly one problem in each case
    assert SOURCE_PASSWORD not in message and TARGET_PASSWORD not in message


def test_unknown_top_level_key_lists_every_known_key() -> None:
    message = config_error(set_path(valid_raw(), "netwrk", {}))
    assert message.startswith("oracle2pg:netwrk: unknown config key (did you mean network?); known keys: ")
    assert message.endswith(", ".join(CONFIG_KEYS))


@pytest.mark.parametrize(("typo", "meant"), [("requireSSL", "requireSsl"), ("requireSsll", "requireSsl")])
def test_a_near_miss_of_a_top_level_key_names_the_key_meant(typo: str, meant: str) -> None:
    message = config_error(set_path(valid_raw(), typo, True))
    assert message.startswith(f"oracle2pg:{typo}: unknown config key (did you mean {meant}?); known keys: ")


def test_an_unrelated_unknown_key_gets_no_guess() -> None:
    assert "did you mean" not in config_error(set_path(valid_raw(), "zzz", 1))


def test_password_in_plain_text_is_refused() -> None:
    message = config_error(valid_raw(), secret_keys=("target",))
    assert message == (
        "oracle2pg:source.password: stored in plain text; set it with "
        "`pulumi config set --secret --path source.password <value>`"
    )
    message = config_error(valid_raw(), secret_keys=())
    assert message.startswith("oracle2pg:source.password: stored in plain text")
    assert SOURCE_PASSWORD not in message


def test_target_password_in_plain_text_is_refused() -> None:
    message = config_error(valid_raw(), secret_keys=("source",))
    assert message.startswith("oracle2pg:target.password: stored in plain text")


def test_plain_text_check_needs_no_secret_keys_without_passwords() -> None:
    raw = valid_raw()
    _use_secret_arn(raw, "source", SOURCE_SECRET_ARN)
    _use_secret_arn(raw, "target", SOURCE_SECRET_ARN.replace("oracle", "postgres"))
    assert load(raw, secret_keys=()).config.target.uses_secrets_manager is True


@pytest.mark.parametrize(
    ("region", "message"),
    [
        (None, "aws:region: required key is missing (pulumi config set aws:region eu-west-1)"),
        ("", "aws:region: required key is missing (pulumi config set aws:region eu-west-1)"),
        ("Europe", "aws:region: must be an AWS region like eu-west-1, got 'Europe'"),
        ("eu-west", "aws:region: must be an AWS region like eu-west-1, got 'eu-west'"),
    ],
)
def test_region_is_required_and_checked(region: str | None, message: str) -> None:
    assert config_error(valid_raw(), region=region) == message


def test_gov_and_china_regions_are_accepted() -> None:
    assert load(region="us-gov-west-1").region == "us-gov-west-1"
    assert load(region="cn-north-1").region == "cn-north-1"


def test_several_problems_report_the_first_and_count_the_rest() -> None:
    raw = valid_raw()
    set_path(raw, "network.vpcId", "x")
    set_path(raw, "migration.type", "x")
    assert config_error(raw) == (
        "oracle2pg:network.vpcId: must be a VPC id like vpc-0a1b2c3d4e5f60718, got 'x' (and 1 more problem)"
    )
    set_path(raw, "replicationInstance.allocatedStorage", 1)
    assert config_error(raw).endswith("got 'x' (and 2 more problems)")


@pytest.mark.parametrize(
    "mutate",
    [
        lambda r: set_path(r, "source.password", 987654321),
        lambda r: set_path(r, "source.password", ["Src-Pa55word!"]),
        lambda r: set_path(r, "source.sslMode", "verify-ca"),
        lambda r: set_path(r, "source.secretsManagerSecretArn", SOURCE_SECRET_ARN),
    ],
    ids=["password-not-a-string", "password-a-list", "model-error-beside-password", "secret-arn-beside-password"],
)
def test_error_never_shows_the_password(mutate: Mutate) -> None:
    raw = valid_raw()
    mutate(raw)
    message = config_error(raw)
    assert message.startswith("oracle2pg:source"), message
    for secret in (SOURCE_PASSWORD, TARGET_PASSWORD, "987654321"):
        assert secret not in message, message


def test_config_is_frozen() -> None:
    cfg = load().config
    with pytest.raises(Exception, match="frozen"):
        cfg.network.vpc_id = "vpc-00000000"  # type: ignore[misc]


@pytest.mark.parametrize("window", ["sun:25:00-sun:26:00", "sun:03:00-sun:03:10"])
def test_maintenance_window_must_be_a_real_time_range(window: str) -> None:
    with pytest.raises(ConfigError, match=r"^oracle2pg:replicationInstance\.preferredMaintenanceWindow: "):
        load(set_path(valid_raw(), "replicationInstance.preferredMaintenanceWindow", window))


@pytest.mark.parametrize("instance_class", ["dms.t3.xlarge", "dms.r6i.99xlarge"])
def test_instance_class_sizes_exist(instance_class: str) -> None:
    with pytest.raises(ConfigError, match=r"^oracle2pg:replicationInstance\.instanceClass: "):
        load(set_path(valid_raw(), "replicationInstance.instanceClass", instance_class))


def test_error_never_echoes_a_secret_key_given_as_text() -> None:
    raw = valid_raw()
    raw["source"] = f"DMS_USER/{SOURCE_PASSWORD}@orcl:1521/ORCL"
    message = config_error(raw)
    assert message.startswith("oracle2pg:source: ")
    assert SOURCE_PASSWORD not in message


def test_a_typo_of_a_required_key_names_the_typo_not_the_missing_key() -> None:
    message = config_error(set_path(valid_raw(), "migration.tasks", [{"nmae": "a", "include": ["%"]}]))
    assert message == "oracle2pg:migration.tasks[0].nmae: unknown key (did you mean name?) (and 1 more problem)"


def test_a_near_miss_of_an_allowed_value_is_echoed_with_the_value_meant() -> None:
    message = config_error(set_path(valid_raw(), "migration.type", "full-lod"))
    assert message == (
        "oracle2pg:migration.type: Input should be 'full-load', 'cdc' or 'full-load-and-cdc', got 'full-lod' "
        "(did you mean full-load?)"
    )


def test_near_misses_of_an_instance_class_and_a_numeric_engine_version_say_what_was_meant() -> None:
    message = config_error(set_path(valid_raw(), "replicationInstance.instanceClass", "dms.t3.larg"))
    assert message.endswith("got 'dms.t3.larg' (did you mean dms.t3.large?)")
    message = config_error(set_path(valid_raw(), "replicationInstance.engineVersion", 3.6))
    assert "must be a pinned DMS engine version like 3.6.1 in quotes, got the number 3.6" in message


def test_the_reverse_users_control_schema_and_the_forward_filter_must_fit_the_reverse_user() -> None:
    from migration.config.stackfile import read_stack_file
    from tests.helpers import ROOT

    with pytest.raises(ConfigError, match="reverse.controlSchema: APP is a migrated or Oracle-maintained schema"):
        read_stack_file(ROOT, "prod", ["reverse.controlSchema=APP"]).load()
    with pytest.raises(ConfigError, match="reverse.controlSchema: SYS is a migrated or Oracle-maintained schema"):
        read_stack_file(ROOT, "prod", ["reverse.controlSchema=SYS"]).load()
    with pytest.raises(ConfigError, match="lists DMS_FB, but the reverse task writes as DMS_REVERSE"):
        read_stack_file(ROOT, "prod", ["source.settings.filterTransactionsOfUser=[DMS_FB]"]).load()
