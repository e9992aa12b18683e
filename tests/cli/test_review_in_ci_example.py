"""The CI example in docs/review-in-ci.md runs the gate for every input the stacks read, not only stack files."""

from __future__ import annotations

import fnmatch
import re
from pathlib import Path

import yaml

DOC = Path(__file__).resolve().parents[2] / "docs" / "review-in-ci.md"


def _workflow() -> dict:
    block = re.search(r"```yaml\n(name: stack-plan\n.*?)```", DOC.read_text(encoding="utf-8"), re.S)
    assert block, "docs/review-in-ci.md has no stack-plan workflow"
    return yaml.safe_load(block.group(1))


def test_a_pr_editing_only_an_inventory_csv_or_the_frozen_plan_runs_the_gate() -> None:
    doc = _workflow()
    trigger = doc.get("on", doc.get(True))["pull_request"] or {}
    paths = trigger.get("paths")
    for edited in ("exports/lobs.csv", "exports/frozen-plan.json", "Pulumi.prod.yaml"):
        assert paths is None or any(fnmatch.fnmatch(edited, p) for p in paths), edited
