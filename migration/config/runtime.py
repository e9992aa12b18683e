"""The stack config as `pulumi up` hands it to the program, checked exactly as the offline plan checks the stack file.

Two things the runtime alone would let through (Pulumi docs, "Accessing configuration from code"):
- the program sees every key of its namespace, not only the ones it asks for: a typo such as `requireSSL` must be
  refused, not ignored;
- `pulumi config set --secret --path source.password` marks the whole top-level key secret, so the runtime cannot
  tell a plain-text password next to an encrypted one; the stack file `Pulumi.<stack>.yaml` in the project
  directory (the program's working directory) can, leaf by leaf.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any, Mapping

from migration.config.errors import ConfigError
from migration.config.load import check_secret_leaves, load_stack_config, password_paths
from migration.config.models.stack import Stack
from migration.config.stackfile import read_stack_file


def decode_value(value: Any) -> Any:
    """Pulumi hands structured config to the program as JSON text; scalars stay strings."""
    if isinstance(value, str) and value[:1] in "{[":
        try:
            return json.loads(value)
        except json.JSONDecodeError:
            return value
    return value


def namespace_values(config: Mapping[str, Any], project: str) -> dict[str, Any]:
    """Every `<project>:<key>` of the runtime config, un-prefixed and decoded: known keys and typos alike."""
    prefix = f"{project}:"
    return {k[len(prefix) :]: decode_value(v) for k, v in sorted(config.items()) if k.startswith(prefix)}


def _leaf(values: Mapping[str, Any], dotted: str) -> tuple[bool, Any]:
    node: Any = values
    for part in dotted.split("."):
        if not isinstance(node, Mapping) or part not in node:
            return False, None
        node = node[part]
    return True, node


def secret_leaves(
    raw: Mapping[str, Any], secret_keys: set[str], file_values: Mapping[str, Any] | None, file_secrets: set[str]
) -> set[str]:
    """Which password leaves (`source.password`) are encrypted. A leaf written in the stack file is secret only if
    the file holds it as `secure:`; a leaf from elsewhere (an ESC environment, PULUMI_CONFIG) counts as secret when
    Pulumi marks its top-level key secret."""
    secret: set[str] = set()
    for key, value in raw.items():
        for path in password_paths(value):
            dotted = f"{key}{path}"
            in_file, _ = _leaf(file_values or {}, dotted)
            if (dotted in file_secrets) if in_file else (key in secret_keys):
                secret.add(dotted)
    return secret


def from_pulumi() -> Stack:
    """Read this project's whole config namespace from the Pulumi runtime once and validate it."""
    import pulumi
    from pulumi.runtime import config as runtime_config

    project, stack = pulumi.get_project(), pulumi.get_stack()
    config = {**runtime_config.get_config_env(), **runtime_config.CONFIG.get()}
    raw = namespace_values(config, project)
    secret = {k for k in raw if runtime_config.is_config_secret(f"{project}:{k}")}
    root = Path(os.getcwd())
    file_values: dict[str, Any] | None = None
    file_secrets: set[str] = set()
    if (root / f"Pulumi.{stack}.yaml").is_file():
        sf = read_stack_file(root, stack)
        file_values, file_secrets = sf.project_values(), sf.secret_paths
    else:  # e.g. --config-file elsewhere, or config from an ESC environment only
        pulumi.log.warn(
            f"Pulumi.{stack}.yaml is not in {root}: passwords are checked per top-level key only (one secret "
            "leaf makes Pulumi mark the whole key secret, so a plain-text password next to it cannot be seen)"
        )
    region = runtime_config.get_config("aws:region")
    loaded = load_stack_config(
        raw,
        project=project,
        stack=stack,
        region=region,
        secret_keys=secret,
        root=str(root),
        secret_paths=secret_leaves(raw, secret, file_values, file_secrets),
    )
    check_secret_leaves(project, file_secrets)  # as the offline plan does: only passwords may be secure values
    return loaded


__all__ = ["ConfigError", "decode_value", "from_pulumi", "namespace_values", "secret_leaves"]
