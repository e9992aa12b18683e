"""The bad-input corpus (tests/corpus/): every broken stack file, inventory export and command line must end in
exit code 2 and ONE `error:` line naming the key (or file, line and field) — never a traceback, never a partial
plan on disk.

Stack cases are `tests/corpus/stacks/<case>.yaml`, a full `Pulumi.<stack>.yaml` body with one thing broken, headed
by `# expect: <substring>`, `# key: <config key the line starts with>` and optionally `# xfail: <known bug>`.
Inventory cases are `tests/corpus/inventory/<case>/`: the broken file(s) plus `expect.txt`; the other files come
from tests/data/inventory.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from migration.cli.main import main

ROOT = Path(__file__).resolve().parents[2]
CORPUS = Path(__file__).resolve().parents[1] / "corpus"
GOOD_INVENTORY = Path(__file__).resolve().parents[1] / "data" / "inventory"
INVENTORY_FILES = ("columns.csv", "tables.csv", "lobs.csv", "keys.csv")


@dataclass(frozen=True)
class Case:
    name: str
    path: Path
    expect: str
    key: str
    xfail: str | None


def _header(path: Path) -> dict[str, str]:
    """The `# name: value` lines that open a case file (stops at the first other line)."""
    fields: dict[str, str] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        name, sep, value = line.removeprefix("# ").partition(": ")
        if not line.startswith("# ") or not sep or " " in name:
            break
        fields[name] = value.strip()
    return fields


def _stack_cases() -> list[Case]:
    cases = []
    for path in sorted((CORPUS / "stacks").glob("*.yaml")):
        head = _header(path)
        assert "expect" in head and "key" in head, f"{path.name}: needs # expect: and # key: header lines"
        cases.append(Case(path.stem, path, head["expect"], head["key"], head.get("xfail")))
    return cases


def _inventory_cases() -> list[Case]:
    cases = []
    for case_dir in sorted(p for p in (CORPUS / "inventory").iterdir() if p.is_dir()):
        lines = (case_dir / "expect.txt").read_text(encoding="utf-8").splitlines()
        xfail = next((x.removeprefix("xfail: ") for x in lines if x.startswith("xfail: ")), None)
        cases.append(Case(case_dir.name, case_dir, lines[0], "", xfail))
    return cases


def _params(cases: list[Case]) -> list[Any]:
    return [
        pytest.param(c, id=c.name, marks=[pytest.mark.xfail(strict=True, reason=c.xfail)] if c.xfail else [])
        for c in cases
    ]


STACK_CASES = _stack_cases()
INVENTORY_CASES = _inventory_cases()


def _project_root(tmp_path: Path) -> Path:
    """A project root like the repo's (Pulumi.yaml, the program) with a good inventory under inv/, which stack
    cases refer to."""
    tmp_path.mkdir(exist_ok=True)
    for name in ("Pulumi.yaml", "__main__.py"):
        shutil.copy(ROOT / name, tmp_path / name)
    shutil.copytree(GOOD_INVENTORY, tmp_path / "inv")
    return tmp_path


def _merged_inventory(case: Case, dest: Path) -> Path:
    """The good inventory with the case's broken file(s) laid over it."""
    dest.mkdir(parents=True)
    for name in INVENTORY_FILES:
        src = case.path / name if (case.path / name).exists() else GOOD_INVENTORY / name
        shutil.copy(src, dest / name)
    return dest


def _run(capsys: pytest.CaptureFixture[str], argv: list[str]) -> tuple[int, str, str]:
    code = main(argv)
    out, err = capsys.readouterr()
    return code, out, err


def _assert_one_error_line(code: int, out: str, err: str, start: str, expect: str) -> None:
    assert "Traceback" not in out + err, err
    assert code == 2, (code, err)
    assert err.endswith("\n") and err.count("\n") == 1, f"expected ONE stderr line, got:\n{err}"
    assert err.startswith(f"error: {start}"), err
    assert expect in err, err


def _plan(capsys: pytest.CaptureFixture[str], root: Path, stack: str = "case") -> tuple[int, str, str]:
    return _run(capsys, ["--root", str(root), "plan", "--stack", stack, "--out", str(root / "out")])


def _nothing_written(root: Path) -> None:
    out_dir = root / "out"
    assert not out_dir.exists() or not any(out_dir.iterdir()), sorted(p.name for p in out_dir.iterdir())


# ------------------------------------------------------------------------------------------------- the corpus


def test_the_corpus_is_big_enough_and_covers_every_family() -> None:
    assert len(STACK_CASES) >= 40 and len(INVENTORY_CASES) >= 10
    families = {c.name.split("-")[0] for c in STACK_CASES}
    assert {
        "type",
        "unknown",
        "range",
        "arn",
        "enum",
        "missing",
        "ident",
        "contra",
        "plaintext",
        "yaml",
        "inventory",
        "ssl",
    } <= families
    assert len({c.name for c in STACK_CASES}) == len(STACK_CASES)


def test_every_stack_case_differs_from_a_valid_stack_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """The corpus premise: with its one break undone (here: the untouched dev stack) the same harness plans."""
    root = _project_root(tmp_path)
    shutil.copy(ROOT / "Pulumi.dev.yaml", root / "Pulumi.case.yaml")
    code, out, err = _plan(capsys, root)
    assert (code, err) == (0, "")
    assert "Offline plan of stack 'case'" in out and (root / "out" / "resources.json").is_file()


def test_plan_with_root_elsewhere_reads_the_inventory_under_root(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """The harness for inventory cases relies on this: relative inventory paths start at --root."""
    root = _project_root(tmp_path / "project")
    prod = (ROOT / "Pulumi.prod.yaml").read_text(encoding="utf-8").replace("tests/data/inventory/", "inv/")
    (root / "Pulumi.case.yaml").write_text(prod, encoding="utf-8")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    code, out, err = _plan(capsys, root)
    assert (code, err) == (0, "")
    assert "Migration plan (sizing: auto)" in out


@pytest.mark.parametrize("case", _params(STACK_CASES))
def test_broken_stack_file_is_one_error_line(case: Case, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = _project_root(tmp_path)
    shutil.copy(case.path, root / "Pulumi.case.yaml")
    code, out, err = _plan(capsys, root)
    _assert_one_error_line(code, out, err, case.key, case.expect)
    assert out == ""
    _nothing_written(root)


@pytest.mark.parametrize("case", _params(INVENTORY_CASES))
def test_broken_inventory_through_inventory_report(
    case: Case, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    inv = _merged_inventory(case, tmp_path / "inv")
    code, out, err = _run(
        capsys, ["inventory", "report", *(a for f in INVENTORY_FILES for a in (f"--{f[:-4]}", str(inv / f)))]
    )
    _assert_one_error_line(code, out, err, case.expect, case.expect)
    assert out == ""


@pytest.mark.parametrize("case", _params(INVENTORY_CASES))
def test_broken_inventory_through_a_stack(case: Case, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    for name in ("Pulumi.yaml", "__main__.py"):
        shutil.copy(ROOT / name, tmp_path / name)
    _merged_inventory(case, tmp_path / "inv")
    shutil.copy(ROOT / "tests/data/inventory/prod-migration-plan.json", tmp_path / "inv")  # the frozen split
    prod = (ROOT / "Pulumi.prod.yaml").read_text(encoding="utf-8")
    assert prod.count("tests/data/inventory/") == len(INVENTORY_FILES) + 1
    (tmp_path / "Pulumi.case.yaml").write_text(prod.replace("tests/data/inventory/", "inv/"), encoding="utf-8")
    code, out, err = _plan(capsys, tmp_path)
    # Through a stack, the file is named as the stack file names it (inv/lobs.csv), not by its basename.
    named = "inv/" + case.expect.replace("(listed on ", "(listed on inv/")
    _assert_one_error_line(code, out, err, f"oracle2pg:inventory: {named}", named)
    _nothing_written(tmp_path)


# ------------------------------------------------------------------------------------------------ command line

CLI_CASES = [
    pytest.param(["frobnicate"], "invalid choice: 'frobnicate'", id="unknown-command"),
    pytest.param(["plan"], "the following arguments are required: --stack", id="plan-missing-stack"),
    pytest.param(["runbook"], "the following arguments are required: --stack", id="runbook-missing-stack"),
    pytest.param(
        ["plan", "--stack", "dev", "--set", "novalue"], "--set 'novalue': expected key=value", id="set-without-equals"
    ),
    pytest.param(["plan", "--stack", "dev", "--set", "=cdc"], "--set '=cdc': expected key=value", id="set-empty-key"),
    pytest.param(
        ["plan", "--stack", "dev", "--set", "migration..type=cdc"], "is not a config path", id="set-empty-segment"
    ),
    pytest.param(
        ["plan", "--stack", "dev", "--set", "network.vpcId.id=vpc-1"],
        "network.vpcId is not an object",
        id="set-into-a-scalar",
    ),
    pytest.param(
        ["plan", "--stack", "dev", "--set", "migration.type=bulk"], "oracle2pg:migration.type:", id="set-bad-enum"
    ),
    pytest.param(
        ["plan", "--stack", "dev", "--set", "netwrk.vpcId=vpc-0a1b2c3d4e5f60718"],
        "oracle2pg:netwrk: unknown config key",
        id="set-unknown-key",
    ),
    pytest.param(
        ["plan", "--stack", "staging"],
        "--stack: no stack file Pulumi.staging.yaml; stacks here: dev",
        id="unknown-stack",
    ),
    pytest.param(
        ["prereqs", "--stack", "dev", "--side", "mysql"],
        "argument --side: invalid choice: 'mysql'",
        id="prereqs-unknown-side",
    ),
    pytest.param(
        ["plan", "--stack", "dev", "--frobnicate"], "unrecognized arguments: --frobnicate", id="plan-unknown-option"
    ),
    pytest.param(
        ["inventory", "report"], "--columns and --tables required (or --stack", id="inventory-missing-columns"
    ),
    pytest.param(["inventory", "lint"], "invalid choice: 'lint'", id="inventory-unknown-command"),
]


@pytest.mark.parametrize(("argv", "expect"), CLI_CASES)
def test_bad_command_line_is_one_error_line(
    argv: list[str], expect: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    shutil.copy(ROOT / "Pulumi.yaml", tmp_path / "Pulumi.yaml")
    shutil.copy(ROOT / "Pulumi.dev.yaml", tmp_path / "Pulumi.dev.yaml")
    if argv[0] != "inventory":  # the inventory command takes no --root (it reads only the files it is given)
        argv = ["--root", str(tmp_path), *argv]
    if argv[2:3] == ["plan"]:
        argv = [*argv, "--out", str(tmp_path / "out")]
    code, out, err = _run(capsys, argv)
    _assert_one_error_line(code, out, err, "", expect)
    assert out == ""
    _nothing_written(tmp_path)


def test_inventory_file_missing_on_the_command_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = _run(
        capsys,
        [
            "inventory",
            "report",
            "--columns",
            str(tmp_path / "columns.csv"),
            "--tables",
            str(GOOD_INVENTORY / "tables.csv"),
        ],
    )
    _assert_one_error_line(code, out, err, "", f"columns.csv: file not found: {tmp_path / 'columns.csv'}")
