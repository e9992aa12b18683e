"""The review gate's generated bad-input corpus (tests/corpus/{plan,deployed,cli}/, made by tests/cli/gate_corpus.py):
the frozen plan file, the deployed state, the command line and the environment. Every case ends in exit code 2 and
ONE `error:` line naming the file, field or value (or exit code 3 where the change is destructive), with no
traceback, no hang, no file written by a refused run and no input changed."""

from __future__ import annotations

import hashlib
import json
import shutil
import signal
import subprocess
from pathlib import Path
from typing import Any

import pytest

from migration.cli.main import main
from migration.config.stackfile import read_stack_file
from migration.planning.design import resolve
from migration.planning.transitions import deployed_state
from tests.cli import gate_corpus
from tests.helpers import ROOT

INVENTORY = ROOT / "tests/data/inventory"
PLAN_FILE = "inv/prod-migration-plan.json"
HANG_SECONDS = 120  # a generous bound: a case that runs longer is a hang (matching used to take minutes)


def _load() -> list[dict[str, Any]]:
    cases = []
    for directory, name in (
        ("plan", "cases.jsonl"),
        ("deployed", "cases.jsonl"),
        ("cli", "cases.jsonl"),
        ("cli", "env-cases.jsonl"),
    ):
        text = (gate_corpus.CORPUS / directory / name).read_text(encoding="utf-8")
        cases += [json.loads(line) for line in text.splitlines()]
    return cases


CASES = _load()


class Hang(BaseException):
    """Raised by the alarm: not an Exception, so the CLI's last-resort handler cannot turn it into exit code 2."""


def _on_alarm(signum: int, frame: Any) -> None:
    raise Hang(f"no answer within {HANG_SECONDS} s")


def test_the_corpus_files_are_what_the_generator_writes():
    generated = gate_corpus.generate()
    for surface, cases in generated.items():
        directory = "cli" if surface == "env" else surface
        name = "env-cases.jsonl" if surface == "env" else "cases.jsonl"
        on_disk = (gate_corpus.CORPUS / directory / name).read_text(encoding="utf-8")
        assert on_disk == gate_corpus.lines(cases), f"run `python -m tests.cli.gate_corpus` ({directory}/{name})"


def test_the_corpus_is_big_enough_and_covers_every_surface():
    by_surface = {s: [c for c in CASES if c["surface"] == s] for s in gate_corpus.SURFACES}
    assert len(CASES) >= 180 and all(len(v) >= 10 for v in by_surface.values())
    assert len({(c["surface"], c["name"]) for c in CASES}) == len(CASES)
    assert {c["code"] for c in CASES} == {2, 3}


def _project(root: Path) -> Path:
    """A project like the repo's prod stack, its inventory and frozen plan under inv/."""
    root.mkdir()
    for name in ("Pulumi.yaml", "__main__.py"):
        shutil.copy(ROOT / name, root / name)
    shutil.copytree(INVENTORY, root / "inv")
    prod = (ROOT / "Pulumi.prod.yaml").read_text(encoding="utf-8").replace("tests/data/inventory/", "inv/")
    (root / "Pulumi.prod.yaml").write_text(prod, encoding="utf-8")
    return root


def _git(root: Path, *argv: str) -> None:
    git = ["git", "-C", str(root), "-c", "user.email=t@example.com", "-c", "user.name=t"]
    subprocess.run([*git, *argv], check=True, capture_output=True)


def _commit(root: Path, broken: str | None = None) -> None:
    """Commit the project (with `broken` broken in the commit only), then restore the working tree."""
    _git(root, "init", "-q")
    saved = None
    if broken:
        path = root / broken
        saved = path.read_bytes()
        if path.suffix == ".csv":
            path.unlink()
        else:
            path.write_text("{not: valid: [", encoding="utf-8")
    _git(root, "add", "-A")
    _git(root, "commit", "-qm", "base")
    if broken and saved is not None:
        (root / broken).write_bytes(saved)


def _edited(doc: Any, edits: list[list[Any]]) -> Any:
    for op, path, value in edits:
        target = doc
        for step in path[:-1]:
            target = target[step]
        if op == "set":
            target[path[-1]] = value
        elif op == "del":
            del target[path[-1]]
        else:
            target[path[-1]].append(value)
    return doc


def _file_body(case: dict[str, Any], doc: Any) -> bytes:
    if "hex" in case:
        return bytes.fromhex(case["hex"])
    if "text" in case:
        return case["text"].encode("utf-8")
    return json.dumps(_edited(doc, case.get("edits", [])), indent=2).encode("utf-8")


def _deployed_doc(case: dict[str, Any]) -> Any:
    # prod ships startTask: false; the corpus edits the state of a prod that has been started
    state = deployed_state(resolve(read_stack_file(ROOT, "prod", ["migration.startTask=true"]).load()), None)
    state = _edited(state, case.get("edits", []))
    if case["form"] == "inner":
        return state
    return {"deployedState": state, "replicationInstanceArn": "arn:aws:dms:eu-west-1:1:rep:X", "tableMappings": {}}


def _argv(case: dict[str, Any], root: Path, out: Path) -> list[str]:
    surface = case["surface"]
    if surface in ("cli", "env"):
        fill = {"{out}": str(out), "{root}": str(root), "{plan}": str(root / PLAN_FILE)}
        args = [a for a in case["argv"]]
        for key, value in fill.items():
            args = [a.replace(key, value) for a in args]
        return ["--root", str(root), *args]
    argv = ["--root", str(root), "plan", "--stack", "prod", "--out", str(out)]
    for item in case.get("sets", []):
        argv += ["--set", item]
    if surface == "deployed":
        argv += ["--deployed", str(root / "deployed.json")]
    return argv


def _prepare(case: dict[str, Any], root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    surface = case["surface"]
    if surface == "plan" and ("edits" in case or "text" in case or "hex" in case):
        doc = json.loads((root / PLAN_FILE).read_text(encoding="utf-8"))
        (root / PLAN_FILE).write_bytes(_file_body(case, doc))
    elif surface == "deployed":
        raw = "text" in case or "hex" in case
        (root / "deployed.json").write_bytes(_file_body(case, None) if raw else _file_body({}, _deployed_doc(case)))
    elif surface == "cli":
        _commit(root)
    for step in case.get("setup", []):
        kind, arg = step[0], step[1]
        if kind == "remove":
            (root / arg).unlink()
        elif kind == "write":
            (root / arg).write_text(step[2], encoding="utf-8")
        elif kind == "mkdir":
            (root / arg).mkdir()
        elif kind == "path":
            monkeypatch.setenv("PATH", str(root / "no-such-bin"))
        elif kind == "git":
            _commit(root, arg or None)


def _snapshot(root: Path, out: Path) -> dict[str, str]:
    return {
        str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file() and out not in p.parents and ".git" not in p.parts
    }


@pytest.mark.parametrize("case", CASES, ids=[f"{c['surface']}-{c['name']}" for c in CASES])
def test_bad_input_gets_one_clear_answer(
    case: dict[str, Any], tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    root = _project(tmp_path / "project")
    out = tmp_path / "out"
    _prepare(case, root, monkeypatch)
    before = _snapshot(root, out)
    previous = signal.signal(signal.SIGALRM, _on_alarm)
    signal.alarm(HANG_SECONDS)
    try:
        code = main(_argv(case, root, out))
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)
    stdout, stderr = capsys.readouterr()
    assert "Traceback" not in stdout + stderr, stderr
    assert _snapshot(root, out) == before, "an input was changed or a file written into the project"
    if case["code"] == 2:
        assert code == 2, (code, stderr, stdout[-2000:])
        assert stderr.startswith("error: ") and stderr.count("\n") == 1, stderr
        assert case["expect"] in stderr, stderr
        assert "Error:" not in stderr.split(": ", 1)[1][:40], stderr  # a Python exception name is not an answer
        assert stdout == "" and not (out.exists() and any(out.iterdir()))
    else:
        assert (code, stderr) == (3, ""), stderr
        assert case["expect"] in stdout and "Exit code 3: the preview has destructive changes" in stdout
