"""`plan --deployed FILE` reads the deployed stack's outputs however they were saved: `pulumi stack output --json`
(wrapped) or `pulumi stack output deployedState --json` (inner), in UTF-8 with or without a BOM or in UTF-16 with a
BOM (PowerShell's `>`), and checks both forms alike."""

from __future__ import annotations

import codecs
import json
from pathlib import Path

import pytest

from migration.cli.main import main
from migration.config.stackfile import read_stack_file
from migration.planning.design import resolve
from migration.planning.transitions import deployed_state
from tests.helpers import ROOT


def _state() -> dict:
    return deployed_state(resolve(read_stack_file(ROOT, "prod").load()), None)


def _plan(capsys: pytest.CaptureFixture[str], tmp_path: Path, body: bytes) -> tuple[int, str, str]:
    deployed = tmp_path / "deployed.json"
    deployed.write_bytes(body)
    code = main(["plan", "--stack", "prod", "--deployed", str(deployed), "--out", str(tmp_path / "out")])
    out, err = capsys.readouterr()
    return code, out, err


@pytest.mark.parametrize(
    "encode",
    [
        lambda t: t.encode("utf-8"),
        lambda t: codecs.BOM_UTF8 + t.encode("utf-8"),
        lambda t: codecs.BOM_UTF16_LE + t.encode("utf-16-le"),
        lambda t: codecs.BOM_UTF16_BE + t.encode("utf-16-be"),
    ],
    ids=["utf-8", "utf-8-bom", "utf-16-le-bom", "utf-16-be-bom"],
)
@pytest.mark.parametrize("form", ["wrapped", "inner"])
def test_every_way_of_saving_the_outputs_is_read(capsys, tmp_path, encode, form):
    state = _state()
    doc = {"deployedState": state} if form == "wrapped" else state
    code, out, err = _plan(capsys, tmp_path, encode(json.dumps(doc)))
    assert (code, err) == (0, "")
    assert out.startswith("Offline plan of stack 'prod'")


@pytest.mark.parametrize("form", ["wrapped", "inner"])
def test_another_region_is_refused_in_either_form(capsys, tmp_path, form):
    state = {**_state(), "region": "us-east-1"}
    doc = {"deployedState": state} if form == "wrapped" else state
    code, out, err = _plan(capsys, tmp_path, json.dumps(doc).encode())
    assert (code, out) == (2, "")
    assert err.startswith("error: aws:region: the stack is deployed in us-east-1") and err.count("\n") == 1
    assert not (tmp_path / "out").exists()


def test_utf_16_without_a_bom_gets_a_hint(capsys, tmp_path):
    code, out, err = _plan(capsys, tmp_path, json.dumps({"deployedState": _state()}).encode("utf-16-le"))
    assert (code, out) == (2, "")
    assert "neither UTF-8 nor UTF-16 with a BOM" in err and "Out-File -Encoding utf8" in err
