"""The README is the front door: small, opening with the two commands that work on a fresh machine, and linking
into docs/ without dead ends. CI (.ci/run) runs the README's test command, so the two cannot drift apart.

Each check is a small function over text or files; the tests run it on the checkout and on a broken example, so
every check is shown to be able to fail.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"
DOCS = ROOT / "docs"

README_MAX_BYTES = 15_000  # issue 20: the README is a front door; operations material lives in docs/
SETUP_AND_MAIN_JOB = "pip install -r requirements.txt && python -m migration plan --stack dev"
TEST_COMMAND = "python -m pytest -q"


_FENCE = re.compile(r"^\s*(```|~~~)")
_LINK = re.compile(r"\[[^\]]*\]\(([^)\s]+)\)")
_HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")


def prose_lines(text: str) -> list[str]:
    """The lines outside fenced code blocks."""
    lines, fenced = [], False
    for line in text.splitlines():
        if _FENCE.match(line):
            fenced = not fenced
        elif not fenced:
            lines.append(line)
    return lines


def first_code_block(text: str) -> list[str]:
    """The lines of the first fenced code block, or [] when there is none."""
    block: list[str] | None = None
    for line in text.splitlines():
        if _FENCE.match(line):
            if block is not None:
                return block
            block = []
        elif block is not None:
            block.append(line)
    return []


def anchors(text: str) -> set[str]:
    """GitHub's heading anchors: lower case, punctuation dropped, spaces to hyphens."""
    found = set()
    for line in prose_lines(text):
        m = _HEADING.match(line)
        if m:
            slug = re.sub(r"[^\w\- ]", "", m.group(2).lower()).replace(" ", "-")
            found.add(slug)
    return found


def broken_links(md_file: Path) -> list[str]:
    """Relative links of a Markdown file whose file (or heading anchor) does not exist."""
    text = md_file.read_text(encoding="utf-8")
    broken = []
    for line in prose_lines(text):
        for target in _LINK.findall(line):
            if re.match(r"^[a-z][a-z0-9+.-]*:", target):  # https:, mailto: ...: not a file of the repository
                continue
            path_part, _, fragment = target.partition("#")
            path = (md_file.parent / path_part).resolve() if path_part else md_file
            if not path.is_file():
                broken.append(f"{target} (no such file)")
            elif fragment and path.suffix == ".md" and fragment not in anchors(path.read_text(encoding="utf-8")):
                broken.append(f"{target} (no such heading)")
    return broken


def shell_commands(script: str) -> list[str]:
    """The command lines of a shell script: stripped, without comments and blank lines."""
    lines = (line.split(" #", 1)[0].strip() for line in script.splitlines())
    return [line for line in lines if line and not line.startswith("#")]


def markdown_files() -> list[Path]:
    return [README, *sorted(DOCS.glob("*.md"))]


# --- the checkout -------------------------------------------------------------------------------------------------


def test_readme_is_a_front_door_of_at_most_15000_bytes():
    size = len(README.read_bytes())
    assert size <= README_MAX_BYTES, f"README.md is {size} bytes; move operations material into docs/"


def test_readme_opens_with_the_setup_and_test_commands_exactly():
    assert first_code_block(README.read_text(encoding="utf-8")) == [SETUP_AND_MAIN_JOB, TEST_COMMAND]


@pytest.mark.parametrize("md_file", markdown_files(), ids=lambda p: str(p.relative_to(ROOT)))
def test_every_relative_link_points_to_an_existing_file(md_file: Path):
    assert broken_links(md_file) == []


def test_every_guide_in_docs_is_linked_from_the_readme():
    readme = README.read_text(encoding="utf-8")
    linked = {(ROOT / target.partition("#")[0]).resolve() for target in _LINK.findall(readme)}
    orphans = [p.name for p in sorted(DOCS.glob("*.md")) if p.resolve() not in linked]
    assert orphans == []


def test_ci_runs_the_readmes_test_command():
    readme_test_command = first_code_block(README.read_text(encoding="utf-8"))[-1]
    assert readme_test_command in shell_commands((ROOT / ".ci" / "run").read_text(encoding="utf-8"))


# --- each check fails on a broken example ------------------------------------------------------------------------


def test_a_missing_file_or_heading_is_a_broken_link(tmp_path: Path):
    (tmp_path / "guide.md").write_text("# A guide\n\n## The way back\n", encoding="utf-8")
    page = tmp_path / "page.md"
    page.write_text(
        "[ok](guide.md) [ok](guide.md#the-way-back) [web](https://example.com/x.md) [self](#top)\n"
        "[gone](missing.md) [typo](guide.md#the-way-there)\n\n# Top\n"
        "```\n[in code](not-checked.md)\n```\n",
        encoding="utf-8",
    )
    assert broken_links(page) == ["missing.md (no such file)", "guide.md#the-way-there (no such heading)"]


def test_anchors_follow_github_slugs():
    text = "# What `pulumi up` checks against the deployed stack\n## Names: the way there and back\n```\n# no\n```\n"
    assert anchors(text) == {"what-pulumi-up-checks-against-the-deployed-stack", "names-the-way-there-and-back"}


def test_a_readme_without_the_commands_up_front_is_caught():
    text = "# x\n\n```bash\npython -m pytest -q\n" + SETUP_AND_MAIN_JOB + "\n```\n"
    assert first_code_block(text) != [SETUP_AND_MAIN_JOB, TEST_COMMAND]
    assert first_code_block("no code at all") == []


def test_a_commented_out_test_command_does_not_count_as_run():
    assert TEST_COMMAND not in shell_commands("#!/bin/sh\n# python -m pytest -q\npython -m pytest -q -k fast\n")
    assert TEST_COMMAND in shell_commands("set -e\n  python -m pytest -q  # the README's\n")
