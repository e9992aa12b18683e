"""Loading the stack config: `load_stack_config` is the single entry point (migration.config.runtime feeds it from
the Pulumi runtime, the offline tools from the stack file, migration.config.stackfile), plus the secret checks
and reading a connection's CA bundle file.

Keys are the Pulumi config keys of the project (`oracle2pg:network`, `oracle2pg:source`, ...), values camelCase
objects.
"""

from __future__ import annotations

import os
from typing import Any, Mapping

from pydantic import ValidationError

from migration.config.errors import ConfigError, did_you_mean, format_error
from migration.config.models.connections import Connection
from migration.config.models.stack import Stack, StackConfig
from migration.config.patterns import REGION_RE
from migration.dms.monitoring_settings import topic_region

CONFIG_KEYS = tuple(f.alias or n for n, f in StackConfig.model_fields.items())


def load_stack_config(
    raw: Mapping[str, Any],
    *,
    project: str,
    stack: str,
    region: str | None,
    secret_keys: frozenset[str] | set[str] = frozenset(),
    root: str = ".",
    secret_paths: frozenset[str] | set[str] | None = None,
) -> Stack:
    """Validate the raw config objects (keys without project prefix) and return the stack, or raise ConfigError.

    `secret_keys` are the (un-prefixed) keys Pulumi holds as secrets; a password in a key that is not secret was
    written in plain text into the stack file, which we refuse. When the stack file itself is at hand,
    `secret_paths` names every encrypted leaf (`reverse.oracleTarget.password`), so each password is checked on
    its own: one secure value makes Pulumi mark the whole key secret, the plain one next to it included.
    """
    unknown = sorted(set(raw) - set(CONFIG_KEYS))
    if unknown:
        hint = did_you_mean(unknown[0], CONFIG_KEYS)
        raise ConfigError(
            f"{project}:{unknown[0]}: unknown config key{hint}; known keys: {', '.join(CONFIG_KEYS)}", key=unknown[0]
        )
    if not region:
        raise ConfigError("aws:region: required key is missing (pulumi config set aws:region eu-west-1)")
    if not isinstance(region, str) or not REGION_RE.match(region):
        raise ConfigError(f"aws:region: must be an AWS region like eu-west-1, got {region!r}")
    _refuse_plain_passwords(raw, project, secret_keys, secret_paths)
    try:
        config = StackConfig.model_validate(dict(raw))
    except ValidationError as exc:
        # An unknown key first: a typo (`nmae`) also shows up as a missing key, and the typo is the cause.
        errors = sorted(exc.errors(), key=lambda e: e.get("type") != "extra_forbidden")
        line = format_error(project, errors[0], StackConfig)
        if len(errors) > 1:
            line += f" (and {len(errors) - 1} more problem{'s' if len(errors) > 2 else ''})"
        loc = errors[0].get("loc") or (None,)
        raise ConfigError(line, key=str(loc[0]) if loc[0] is not None else None) from None
    topic = config.monitoring.sns_topic_arn
    if topic and topic_region(topic) != region:
        raise ConfigError(
            f"{project}:monitoring.snsTopicArn: the topic is in {topic_region(topic)} but the stack deploys to "
            f"{region}; CloudWatch alarms and DMS events can only notify a topic in their own region",
            key="monitoring",
        )
    return Stack(project=project, stack=stack, region=region, config=config, root=root)


def _refuse_plain_passwords(
    raw: Mapping[str, Any],
    project: str,
    secret_keys: frozenset[str] | set[str],
    secret_paths: frozenset[str] | set[str] | None,
) -> None:
    """A password written in plain text into the stack file is refused (see load_stack_config)."""
    for key, value in raw.items():
        for path in password_paths(value):
            plain = f"{key}{path}" not in secret_paths if secret_paths is not None else key not in secret_keys
            if not plain:
                continue
            raise ConfigError(
                f"{project}:{key}{path}: stored in plain text; set it with "
                f"`pulumi config set --secret --path {key}{path} <value>`",
                key=key,
            )


def check_secret_leaves(project: str, secret_paths: frozenset[str] | set[str]) -> None:
    """Only passwords may be `secure:` values: the program keeps nothing else secret, so any other encrypted leaf
    would reach resource inputs and state in plain text."""
    for leaf in sorted(secret_paths):
        if not leaf.endswith(".password"):
            raise ConfigError(
                f"{project}:{leaf}: only passwords are kept secret by this program; this value would reach "
                "resource inputs and state in plain text. Store it plainly, or put the credentials in Secrets "
                "Manager (secretsManagerSecretArn)",
                key=leaf.split(".")[0],
            )


def password_paths(value: Any, path: str = "") -> list[str]:
    """The paths (`.source.password`) of every password set inside `value`."""
    found: list[str] = []
    if isinstance(value, Mapping):
        for k, v in value.items():
            if k == "password" and v is not None:
                found.append(f"{path}.password")
            else:
                found.extend(password_paths(v, f"{path}.{k}"))
    return found


def read_ca_bundle(stack: Stack, key: str, conn: Connection | None) -> str | None:
    """The PEM text of a connection's caBundleFile (relative to the project root), checked to look like PEM."""
    if conn is None or not conn.ca_bundle_file:
        return None
    path = os.path.join(stack.root, conn.ca_bundle_file)
    try:
        with open(path, encoding="utf-8") as fh:
            text = fh.read()
    except OSError:
        raise ConfigError(f"{stack.project}:{key}.caBundleFile: cannot read {path}", key=key.split(".")[0]) from None
    if "-----BEGIN CERTIFICATE-----" not in text:
        raise ConfigError(f"{stack.project}:{key}.caBundleFile: {path} holds no PEM certificate", key=key.split(".")[0])
    return text
