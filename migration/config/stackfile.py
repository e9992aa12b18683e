"""Read `Pulumi.yaml` and `Pulumi.<stack>.yaml` the way the Pulumi CLI would, for the offline commands.

Encrypted `secure:` values cannot be decrypted here (no Pulumi CLI, no passphrase): they become a placeholder
and their top-level key is marked secret, as the CLI marks it. `--set key=value` edits apply on top, like
`pulumi config set --path key value`.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Sequence

import yaml

from migration.config.errors import ConfigError
from migration.config.load import check_secret_leaves, load_stack_config
from migration.config.models.stack import Stack

SECRET_PLACEHOLDER = "offline-plan-placeholder"  # never a real secret: the stack file holds only ciphertext


class _ConfigLoader(yaml.SafeLoader):
    """YAML as Pulumi reads config: dates and times stay text (a CDC start time is a string, not a datetime)."""


def _mapping_without_duplicates(loader: _ConfigLoader, node: yaml.MappingNode) -> dict[Any, Any]:
    seen: set[Any] = set()
    for key_node, _ in node.value:
        key = loader.construct_object(key_node)
        if not isinstance(key, (str, int, float, bool)) and key is not None:
            raise yaml.constructor.ConstructorError(
                None, None, "a mapping key must be plain text, not a list or mapping", key_node.start_mark
            )
        if key in seen:
            raise yaml.constructor.ConstructorError(
                None, None, f"duplicate key {key!r} (Pulumi refuses it; keep one)", key_node.start_mark
            )
        seen.add(key)
    return loader.construct_mapping(node)


_ConfigLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _mapping_without_duplicates)
# YAML 1.2 as Pulumi reads it: no timestamps, and only true/false are booleans (`Backup: yes` stays text).
_ConfigLoader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag not in ("tag:yaml.org,2002:timestamp", "tag:yaml.org,2002:bool")]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_ConfigLoader.add_implicit_resolver(
    "tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF")
)


def _yaml(text: str) -> Any:
    return yaml.load(text, Loader=_ConfigLoader)  # noqa: S506 - a SafeLoader subclass


@dataclass
class StackFile:
    root: Path
    project: str
    stack: str
    values: dict[str, Any] = field(default_factory=dict)  # full keys "<namespace>:<key>" -> value
    secret_keys: set[str] = field(default_factory=set)  # full keys
    secret_paths: set[str] = field(default_factory=set)  # encrypted leaves, un-prefixed: "source.password"

    def project_values(self) -> dict[str, Any]:
        prefix = f"{self.project}:"
        return {k[len(prefix) :]: v for k, v in self.values.items() if k.startswith(prefix)}

    def load(self) -> Stack:
        """Validate the config exactly as the program does under `pulumi up`."""
        prefix = f"{self.project}:"
        secret = {k[len(prefix) :] for k in self.secret_keys if k.startswith(prefix)}
        stack = load_stack_config(
            self.project_values(),
            project=self.project,
            stack=self.stack,
            region=self.values.get("aws:region"),
            secret_keys=secret,
            root=str(self.root),
            secret_paths=self.secret_paths,
        )
        check_secret_leaves(self.project, self.secret_paths)
        return stack

    def pulumi_config(self) -> dict[str, str]:
        """Config as the Pulumi engine hands it to a program: strings, structured values as JSON."""
        return {k: v if isinstance(v, str) else json.dumps(v) for k, v in self.values.items()}


def _decrypt_placeholders(value: Any, path: str, found: set[str]) -> Any:
    """Replace each `{secure: ...}` leaf with the placeholder and add its dotted path to `found`."""
    if isinstance(value, dict):
        if set(value) == {"secure"}:
            found.add(path)
            return SECRET_PLACEHOLDER
        return {k: _decrypt_placeholders(v, f"{path}.{k}", found) for k, v in value.items()}
    if isinstance(value, list):
        return [_decrypt_placeholders(v, f"{path}[{i}]", found) for i, v in enumerate(value)]
    return value


def available_stacks(root: Path) -> list[str]:
    return sorted(p.name[len("Pulumi.") : -len(".yaml")] for p in root.glob("Pulumi.*.yaml"))


def _read_yaml(path: Path) -> Any:
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise ConfigError(f"{path.name}: not UTF-8 text") from None
    return _yaml_text(text, path.name)


def _yaml_text(text: str, name: str) -> Any:
    try:
        return _yaml(text)
    except yaml.YAMLError as exc:
        # An unclosed quote is best located where it opens; everything else where the parser gave up.
        scanner = isinstance(exc, yaml.scanner.ScannerError)
        mark = (scanner and getattr(exc, "context_mark", None)) or getattr(exc, "problem_mark", None)
        where = f" line {mark.line + 1}" if mark is not None else ""
        problem = " ".join(str(getattr(exc, "problem", "") or "").split())
        raise ConfigError(f"{name}{where}: not valid YAML" + (f" ({problem})" if problem else "")) from None


def read_stack_file(
    root: Path, stack: str, overrides: Sequence[str] = (), text: str | None = None, source: str | None = None
) -> StackFile:
    """The stack file of `stack` in project `root`, or, with `text`, that text as the stack file (an older version
    of it, named `source` in errors), with `--set` overrides applied."""
    project_file = root / "Pulumi.yaml"
    if not project_file.exists():
        raise ConfigError(f"{project_file}: not found; run from the project directory")
    project_doc = _read_yaml(project_file) or {}
    project = project_doc.get("name") if isinstance(project_doc, dict) else None
    if not isinstance(project, str) or not project:
        raise ConfigError("Pulumi.yaml: name: required key is missing")
    path = root / f"Pulumi.{stack}.yaml"
    label = source or path.name
    if text is not None:
        doc = _yaml_text(text, label)
    elif not path.exists():
        stacks = ", ".join(available_stacks(root)) or "none"
        raise ConfigError(f"--stack: no stack file Pulumi.{stack}.yaml; stacks here: {stacks}")
    else:
        doc = _read_yaml(path)
    if doc is None:
        doc = {}
    if not isinstance(doc, dict):
        raise ConfigError(f"{label}: must be a mapping with a config: key, got a {type(doc).__name__}")
    config = doc.get("config")
    if config is None:
        config = {}
    if not isinstance(config, dict):
        raise ConfigError(f"{label}: config: must be a mapping of keys to values")
    sf = StackFile(root=root, project=project, stack=stack)
    for key, raw in config.items():
        if not isinstance(key, str) or not key:
            raise ConfigError(f"{label}: config key {key!r} must be a name like {project}:migration")
        full = key if ":" in key else f"{project}:{key}"
        if full.split(":", 1)[0] not in (project, *KNOWN_NAMESPACES):
            raise ConfigError(
                f"{label}: config key {key!r} is not read by this program (its namespace is not {project}, aws or "
                "pulumi; a typo?)"
            )
        leaves: set[str] = set()
        sf.values[full] = _decrypt_placeholders(raw, full.split(":", 1)[1], leaves)
        if leaves:
            sf.secret_keys.add(full)
            if full.startswith(f"{project}:"):
                sf.secret_paths |= leaves
    for item in overrides:
        apply_override(sf, item)
    return sf


_SEGMENT_RE = re.compile(r"([^.\[\]]+)|\[(\d+)\]")


def _path_segments(path: str) -> list[str | int] | None:
    """`network.subnetIds[0]` -> ["network", "subnetIds", 0]; None when the path is malformed."""
    segments: list[str | int] = []
    pos = 0
    while pos < len(path):
        if path[pos] == "." and segments and pos + 1 < len(path):
            pos += 1
        match = _SEGMENT_RE.match(path, pos)
        if match is None:
            return None
        segments.append(match.group(1) if match.group(1) is not None else int(match.group(2)))
        pos = match.end()
    return segments if segments and isinstance(segments[0], str) else None


KNOWN_NAMESPACES = ("aws", "pulumi")


def shown(item: str) -> str:
    """A --set item as it may be printed: the value of anything password-like is masked."""
    key, sep, _ = item.partition("=")
    return f"{key}=[secret]" if sep and "password" in key.lower() else item


def apply_override(sf: StackFile, item: str) -> None:
    """`migration.type=cdc`, `network.subnetIds[0]=subnet-...` or `aws:region=eu-central-1`: set a (nested) key
    like `pulumi config set --path`."""
    key, sep, text = item.partition("=")
    if not sep or not key:
        raise ConfigError(f"--set {shown(item)!r}: expected key=value, e.g. --set migration.type=cdc")
    namespace, colon, path = key.partition(":")
    if not colon:
        namespace, path = sf.project, key
    elif namespace not in (sf.project, *KNOWN_NAMESPACES):
        raise ConfigError(
            f"--set {shown(item)!r}: namespace {namespace!r} is not read by this program; use {sf.project}:<key>, "
            "aws:<key> or a key without namespace"
        )
    parts = _path_segments(path)
    if parts is None:
        raise ConfigError(
            f"--set {shown(item)!r}: {key!r} is not a config path like migration.type or network.subnetIds[0]"
        )
    try:
        value = _yaml(text) if text else ""
    except yaml.YAMLError:
        value = text
    full = f"{namespace}:{parts[0]}"
    if namespace == sf.project:  # a value set here is plain text, whatever the file held at that path
        sf.secret_paths = {p for p in sf.secret_paths if p != path and not p.startswith((path + ".", path + "["))}
    if len(parts) == 1:
        sf.values[full] = value
        return
    node: Any = sf.values.setdefault(full, {} if isinstance(parts[1], str) else [])
    walked = str(parts[0])
    for i, part in enumerate(parts[1:], start=1):
        last = i == len(parts) - 1
        if isinstance(part, int):
            if not isinstance(node, list):
                raise ConfigError(f"--set {shown(item)!r}: {walked} is not a list")
            if part > len(node):
                raise ConfigError(f"--set {shown(item)!r}: index {part} is past the end of a list of {len(node)}")
            if part == len(node):
                node.append(None)
        elif not isinstance(node, dict):
            raise ConfigError(f"--set {shown(item)!r}: {walked} is not an object")
        if last:
            node[part] = value
        else:
            nxt = node[part] if (isinstance(part, int) or part in node) else None
            if nxt is None:
                nxt = {} if isinstance(parts[i + 1], str) else []
                node[part] = nxt
            node = nxt
        walked += f"[{part}]" if isinstance(part, int) else f".{part}"
