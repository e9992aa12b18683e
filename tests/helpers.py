"""Shared test helpers: a valid raw stack config to mutate, and ways to run components or the whole program under
Pulumi mocks. Mocks are process-global, so every helper installs fresh ones per call (never at import time)."""

from __future__ import annotations

import copy
import shutil
import subprocess
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

import pulumi
import pytest

from migration.cli import offline
from migration.cli.offline import SECRET_SIG, ProgramRun, Recorded, RecordingMocks, RecordingMonitor
from migration.config import ConfigError, Stack, load_stack_config
from migration.config.stackfile import read_stack_file

ROOT = Path(__file__).resolve().parent.parent
PROJECT = "oracle2pg"
REGION = "eu-west-1"
SOURCE_PASSWORD = "Src-Pa55word!"
TARGET_PASSWORD = "Tgt-Pa55word!"
SECRET_MARK = "1b47061264138c4ac30d75fd1eb44270"
SOURCE_SECRET_ARN = "arn:aws:secretsmanager:eu-west-1:210987654321:secret:prod/oracle/dms-AbC123"
TARGET_SECRET_ARN = "arn:aws:secretsmanager:eu-west-1:210987654321:secret:prod/postgres/dms-XyZ789"
CERT_ARN = "arn:aws:dms:eu-west-1:210987654321:cert:ABCDEF123456"
KMS_ARN = "arn:aws:kms:eu-west-1:210987654321:key/4f1c2b3a-9d8e-4c7b-a6f5-0e1d2c3b4a59"


def valid_raw() -> dict[str, Any]:
    """A complete, valid config (keys without the project prefix). When the model gains a required key, add it
    here once; tests mutate a fresh copy."""
    return copy.deepcopy(
        {
            "network": {
                "vpcId": "vpc-0a1b2c3d4e5f60718",
                "subnetIds": ["subnet-0a1b2c3d4e5f60711", "subnet-0a1b2c3d4e5f60722"],
                "databaseCidrs": ["10.20.0.0/16"],
            },
            "replicationInstance": {
                "instanceClass": "dms.r6i.large",
                "allocatedStorage": 100,
                "engineVersion": "3.6.1",
            },
            "source": {
                "host": "orcl.example.internal",
                "databaseName": "ORCL",
                "username": "DMS_USER",
                "password": SOURCE_PASSWORD,
            },
            "target": {
                "host": "pg.example.internal",
                "databaseName": "app",
                "username": "dms_user",
                "password": TARGET_PASSWORD,
            },
            "migration": {"type": "full-load-and-cdc", "schemas": ["APP", "HR"]},
            "tags": {"Owner": "data-platform"},
        }
    )


def load(
    raw: dict[str, Any] | None = None,
    *,
    region: str | None = REGION,
    stack: str = "test",
    secret_keys: Sequence[str] = ("source", "target"),
) -> Stack:
    return load_stack_config(
        valid_raw() if raw is None else raw, project=PROJECT, stack=stack, region=region, secret_keys=set(secret_keys)
    )


def config_error(raw: dict[str, Any], **kwargs: Any) -> str:
    """The ConfigError message for `raw`; fails the test if it loads or the message is not one line."""
    with pytest.raises(ConfigError) as info:
        load(raw, **kwargs)
    message = str(info.value)
    assert "\n" not in message, message
    return message


def set_path(raw: dict[str, Any], path: str, value: Any) -> dict[str, Any]:
    """`set_path(raw, "network.vpcId", "x")`: set a nested key (like `pulumi config set --path`)."""
    *parents, last = path.split(".")
    node = raw
    for part in parents:
        node = node.setdefault(part, {})
    node[last] = value
    return raw


def del_path(raw: dict[str, Any], path: str) -> dict[str, Any]:
    *parents, last = path.split(".")
    node = raw
    for part in parents:
        node = node[part]
    del node[last]
    return raw


# ------------------------------------------------------------------------------------------------ Pulumi mocks


def render(build: Callable[[], Any], *, region: str = REGION) -> tuple[list[Recorded], Any]:
    """Run `build()` (which declares components) under fresh recording mocks; return what it registered and
    what `build` returned."""
    mocks = RecordingMocks(region)
    pulumi.runtime.set_mocks(mocks, project=PROJECT, stack="test", preview=False, monitor=RecordingMonitor(mocks))
    result: list[Any] = []

    @pulumi.runtime.test
    def _run() -> None:
        result.append(build())

    _run()
    return mocks.resources, result[0]


def run_stack(overrides: Sequence[str] = (), stack: str = "dev") -> ProgramRun:
    """Run the real `__main__.py` with `Pulumi.<stack>.yaml` plus `--set`-style overrides, under mocks."""
    return offline.run_program(read_stack_file(ROOT, stack, overrides))


def of_type(resources: Sequence[Recorded], type_token: str) -> list[Recorded]:
    return [r for r in resources if r.type == type_token]


def one(resources: Sequence[Recorded], type_token: str) -> Recorded:
    found = of_type(resources, type_token)
    assert len(found) == 1, [r.name for r in found]
    return found[0]


def is_secret(value: Any) -> bool:
    return isinstance(value, dict) and value.get(SECRET_SIG) == SECRET_MARK


def plain_strings(value: Any) -> Iterator[str]:
    """Every string in `value` that is NOT inside a secret wrapper (dict keys included)."""
    if is_secret(value):
        return
    if isinstance(value, dict):
        for k, v in value.items():
            yield str(k)
            yield from plain_strings(v)
    elif isinstance(value, (list, tuple)):
        for v in value:
            yield from plain_strings(v)
    elif isinstance(value, str):
        yield value


def git(repo: Path, *argv: str) -> None:
    """git in `repo` with a throwaway identity, failing the test on an error."""
    subprocess.run(["git", "-C", str(repo), "-c", "user.email=t@example.com", "-c", "user.name=t", *argv], check=True)


def committed_prod_project(tmp_path: Path, *, start_task: bool = False) -> Path:
    """The program, the prod stack and its inventory, committed in a git repository of its own (`start_task`: with
    the forward tasks started, so they count as having run)."""
    repo = tmp_path / "repo"
    repo.mkdir()
    for name in ("Pulumi.yaml", "__main__.py", "Pulumi.prod.yaml"):
        shutil.copy(ROOT / name, repo / name)
    shutil.copytree(ROOT / "tests/data/inventory", repo / "tests/data/inventory")
    if start_task:
        stack = repo / "Pulumi.prod.yaml"
        stack.write_text(stack.read_text(encoding="utf-8").replace("startTask: false", "startTask: true"), "utf-8")
    git(repo, "init", "-q")
    git(repo, "add", ".")
    git(repo, "commit", "-qm", "base")
    return repo
