"""Writing what a command produces without losing a file: everything is staged first and moved into place only
when the whole output is ready, no command writes over one of its inputs, and a file another program wrote is never
overwritten or removed.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
from collections.abc import Collection, Iterable, Mapping
from pathlib import Path
from typing import Any

from migration.cli.argparsing import UsageError

# Files of the project a command never writes, whatever --out or --output says.
PROJECT_FILES = ("Pulumi.yaml", "Pulumi.*.yaml", "__main__.py", "requirements.txt", "README.md")
# What a directory's earlier run wrote (name -> sha256 of the text): publish_dir overwrites or removes a file only
# when it is still what that run wrote, so a file another program (or a person) put there, or edited, is kept.
MANIFEST = ".written-by-plan"


def project_inputs(root: Path, extra: Iterable[str | Path | None] = ()) -> set[Path]:
    """The project's own files (stack files, program) plus `extra` input paths, relative to `root`, resolved."""
    found = {p for pattern in PROJECT_FILES for p in root.glob(pattern)}
    found |= {root / p for p in extra if p}
    return {p.resolve() for p in found}


def stack_inputs(root: Path, stack: Any) -> set[Path]:
    """What a command over this stack reads: the project's files, the inventory export and the frozen plan."""
    cfg = stack.config
    inv = cfg.inventory
    extra = [] if inv is None else [inv.columns, inv.tables, inv.lobs, inv.keys]
    return project_inputs(root, [*extra, cfg.sizing.plan_file])


def write_file(path: Path, text: str, *, flag: str, inputs: Collection[Path]) -> None:
    """Write `text` to `path` in one step (a temporary file beside it, then a rename). Refused: a directory, one of
    `inputs`, or an existing file whose first line is not this output's first line (another program's file)."""
    target = path.resolve()
    _refuse_git(target, flag, path)
    if target.is_dir():
        raise UsageError(f"{flag} {path}: is a directory; give a file name")
    if target in inputs:
        raise UsageError(f"{flag} {path}: is an input of this command; write the output elsewhere")
    if target.exists() and _first_line(target) != text.split("\n", 1)[0]:
        raise UsageError(
            f"{flag} {path}: exists and was not written by this command; remove it first or choose another path"
        )
    target.parent.mkdir(parents=True, exist_ok=True)
    _replace_from_stage(target.parent, {target.name: text})


def publish_dir(
    out_dir: Path, files: Mapping[str, str], *, flag: str, inputs: Collection[Path], owned: Iterable[str]
) -> None:
    """Put `files` (name -> text) into `out_dir` together, and remove the stale files of an earlier run (names
    matching the `owned` glob patterns). A file is overwritten or removed only when it is still what an earlier run
    wrote (its MANIFEST says so): a directory the command did not fill (say `--out .`) loses nothing. An input is
    never overwritten with other content, nor removed; nothing is written inside a `.git` directory."""
    _refuse_git(out_dir.resolve(), flag, out_dir)
    if out_dir.exists() and not out_dir.is_dir():
        raise UsageError(f"{flag} {out_dir}: is a file; give a directory")
    ours = _written_before(out_dir)
    writes = {}
    for name, text in files.items():
        target = (out_dir / name).resolve()
        if target in inputs:
            if target.read_text(encoding="utf-8", errors="replace") == text:
                continue  # the input already says exactly this (a frozen plan written where plan writes it)
            raise UsageError(f"{flag} {out_dir}: would overwrite {name}, an input of this command; use another --out")
        if _present(target) and name not in ours:
            raise UsageError(
                f"{flag} {out_dir}: {name} exists and was not written by this command (or was edited since); "
                "remove it first or choose another --out"
            )
        writes[name] = text
    out_dir.mkdir(parents=True, exist_ok=True)
    found = {p for pattern in owned for p in out_dir.glob(pattern)}
    stale = sorted(p for p in found if p.name in ours and p.name not in files and p.resolve() not in inputs)
    manifest = {name: _digest(text) for name, text in files.items()}
    _replace_from_stage(out_dir, {**writes, MANIFEST: json.dumps(manifest, indent=2, sort_keys=True) + "\n"})
    for path in stale:
        path.unlink()


def _written_before(out_dir: Path) -> set[str]:
    """The files in `out_dir` an earlier run wrote and nobody changed since: by the MANIFEST's digests, or, in a
    directory filled before the manifest existed (it holds resources.json), the files that still parse as JSON."""
    try:
        manifest = json.loads((out_dir / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        manifest = None
    present = {p.name: p for p in out_dir.glob("*") if p.is_file() and not p.is_symlink()} if out_dir.is_dir() else {}
    if isinstance(manifest, dict):
        return {n for n, digest in manifest.items() if n in present and digest == _digest(_text(present[n]))}
    if "resources.json" not in present:
        return set()
    return {n for n, p in present.items() if n.endswith(".json") and _parses(_text(p))}


def _present(path: Path) -> bool:
    try:
        return os.path.lexists(path)
    except (OSError, ValueError):  # a name too long: writing it fails with its own one line
        return False


def _refuse_git(target: Path, flag: str, given: Path) -> None:
    if ".git" in target.parts:
        raise UsageError(f"{flag} {given}: is inside a .git directory; write the output elsewhere")


def _text(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return ""


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _parses(text: str) -> bool:
    try:
        json.loads(text)
    except ValueError:
        return False
    return True


def _replace_from_stage(directory: Path, files: Mapping[str, str]) -> None:
    """Write every file into a temporary directory beside the targets, then rename each into place: a failure
    while writing (a name too long, a full disk) leaves every existing file as it was."""
    stage = Path(tempfile.mkdtemp(prefix=".staging-", dir=directory))
    try:
        for name, text in files.items():
            try:
                (stage / name).write_text(text, encoding="utf-8")
            except OSError as exc:
                why = exc.strerror or exc
                raise UsageError(f"{directory / name}: cannot be written ({why}); nothing was changed") from None
        for name in files:
            os.replace(stage / name, directory / name)
    finally:
        shutil.rmtree(stage, ignore_errors=True)


def _first_line(path: Path) -> str:
    try:
        with path.open(encoding="utf-8", errors="replace") as handle:
            return handle.readline().rstrip("\n")
    except OSError:
        return ""
