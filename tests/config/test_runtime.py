"""The config as `pulumi up` hands it to the program: the whole namespace is checked (typos refused, not ignored) and
passwords are checked leaf by leaf against the stack file, exactly as the offline plan checks them."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pulumi
import pytest
from pulumi.runtime.config import set_all_config

from migration.config import ConfigError
from migration.config.runtime import from_pulumi, namespace_values, secret_leaves
from migration.config.stackfile import read_stack_file
from tests.helpers import ROOT


class _NoResources(pulumi.runtime.Mocks):
    def new_resource(self, args: pulumi.runtime.MockResourceArgs):  # pragma: no cover - nothing is created
        return f"{args.name}-id", dict(args.inputs)

    def call(self, args: pulumi.runtime.MockCallArgs):  # pragma: no cover
        return {}


def _runtime(project_dir: Path, config: dict[str, str], secret_keys: list[str]):
    """Hand `config` to the program as the engine would and call from_pulumi in the project directory."""
    pulumi.runtime.set_mocks(_NoResources(), project="oracle2pg", stack="dev", preview=False)
    set_all_config(config, secret_keys)
    cwd = os.getcwd()
    os.chdir(project_dir)
    try:
        return from_pulumi()
    finally:
        os.chdir(cwd)
        set_all_config({}, [])


@pytest.fixture
def project(tmp_path: Path) -> Path:
    for name in ("Pulumi.yaml", "Pulumi.dev.yaml"):
        shutil.copy(ROOT / name, tmp_path / name)
    return tmp_path


def _engine_config(project: Path) -> tuple[dict[str, str], list[str]]:
    sf = read_stack_file(project, "dev")
    return sf.pulumi_config(), sorted(sf.secret_keys)


def test_the_dev_stack_loads_at_pulumi_up(project: Path):
    config, secret = _engine_config(project)
    stack = _runtime(project, config, secret)
    assert stack.stack == "dev" and stack.config.migration.type == "full-load"


def test_a_typo_in_the_namespace_is_refused_at_pulumi_up(project: Path):
    config, secret = _engine_config(project)
    config["oracle2pg:requireSSL"] = "true"
    with pytest.raises(ConfigError, match=r"^oracle2pg:requireSSL: unknown config key \(did you mean requireSsl\?\)"):
        _runtime(project, config, secret)


def test_a_plain_password_next_to_an_encrypted_one_is_refused_at_pulumi_up(project: Path):
    """One `--secret --path` leaf makes Pulumi mark the whole key secret; the stack file still shows the plain one."""
    text = (project / "Pulumi.dev.yaml").read_text()
    text = text.replace(
        "    password:\n      secure: v1:cXV4YmF6YmFyZm9v:Q2w3e4R5t6Y7u8I9o0PaSdFgHjKlZxCv\n", "    password: hunter2\n"
    )
    (project / "Pulumi.dev.yaml").write_text(text)
    config, _ = _engine_config(project)
    with pytest.raises(ConfigError, match=r"^oracle2pg:target.password: stored in plain text"):
        _runtime(project, config, ["oracle2pg:source", "oracle2pg:target"])  # the engine says both keys are secret


def test_a_password_from_outside_the_stack_file_counts_as_secret_when_its_key_is(project: Path):
    raw = {"source": {"password": "x"}, "target": {"password": "y"}}
    file_values = {"source": {"host": "h"}}  # neither password is written in the file (an ESC environment)
    assert secret_leaves(raw, {"source"}, file_values, set()) == {"source.password"}
    assert secret_leaves(raw, {"source", "target"}, None, set()) == {"source.password", "target.password"}


def test_an_encrypted_leaf_in_the_file_is_secret_and_a_plain_one_is_not():
    raw = {"source": {"password": "x"}, "reverse": {"oracleTarget": {"password": "y"}}}
    file_values = {"source": {"password": "[secure]"}, "reverse": {"oracleTarget": {"password": "y"}}}
    found = secret_leaves(raw, {"source", "reverse"}, file_values, {"source.password"})
    assert found == {"source.password"}


def test_namespace_values_decode_json_and_keep_every_key_of_the_project():
    config = {
        "oracle2pg:network": json.dumps({"vpcId": "vpc-1"}),
        "oracle2pg:requireSSL": "true",
        "aws:region": "eu-west-1",
        "other:key": "x",
    }
    assert namespace_values(config, "oracle2pg") == {"network": {"vpcId": "vpc-1"}, "requireSSL": "true"}


def test_a_secure_value_that_is_not_a_password_is_refused_at_pulumi_up_too(project: Path):
    text = (project / "Pulumi.dev.yaml").read_text()
    text = text.replace(
        "    host: orcl-dev.c1a2b3c4d5e6.eu-west-1.rds.amazonaws.com\n", "    host:\n      secure: v1:aG9zdA==:abc\n"
    )
    (project / "Pulumi.dev.yaml").write_text(text)
    config, secret = _engine_config(project)
    with pytest.raises(ConfigError, match=r"^oracle2pg:source.host: only passwords are kept secret by this program"):
        _runtime(project, config, secret)
