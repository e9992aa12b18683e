"""Writing what a command produces without losing a file: everything is staged first and moved into place only
when the whole output is ready, no command writes over one of its inputs, and a file another program wrote is never
overwritten or removed.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Collection, Iterable, Mapping
from pathlib import Path
from typing import Any

from migration.cli.argparsing import UsageError

# Files of the project a command never writes, whatever --out or --output says.
PROJECT_FILES = ("Pulumi.yaml", "Pulumi.*.yaml", "__main__.py", "requirements.txt", "README.md")


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
    matching the `owned` glob patterns) when `out_dir` holds that run's `resources.json`: a directory the command
    did not fill (say `--out .`) loses nothing. An input is never overwritten with other content, nor removed."""
    if out_dir.exists() and not out_dir.is_dir():
        raise UsageError(f"{flag} {out_dir}: is a file; give a directory")
    targets = {name: (out_dir / name).resolve() for name in files}
    writes = {}
    for name, text in files.items():
        if targets[name] in inputs:
            if targets[name].read_text(encoding="utf-8", errors="replace") == text:
                continue  # the input already says exactly this (a frozen plan written where plan writes it)
            raise UsageError(f"{flag} {out_dir}: would overwrite {name}, an input of this command; use another --out")
        writes[name] = text
    out_dir.mkdir(parents=True, exist_ok=True)
    stale = _stale(out_dir, set(files), owned, inputs)
    _replace_from_stage(out_dir, writes)
    for path in stale:
        path.unlink()


def _stale(out_dir: Path, keep: set[str], owned: Iterable[str], inputs: Collection[Path]) -> list[Path]:
    if not (out_dir / "resources.json").is_file():
        return []
    found = {p for pattern in owned for p in out_dir.glob(pattern)}
    return sorted(p for p in found if p.name not in keep and p.resolve() not in inputs)


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
