"""The Markdown builder every runbook section writes into; keeps the shell conventions (region, stack) in one place."""

from __future__ import annotations

from migration.docs.runbook.context import RunbookContext


class Doc:
    """The runbook's lines so far, for the context being rendered."""

    def __init__(self, ctx: RunbookContext) -> None:
        self.ctx = ctx
        self.lines: list[str] = []

    def add(self, *lines: str) -> None:
        self.lines.extend(lines)

    def code(self, lang: str, *lines: str) -> None:
        self.lines.extend([f"```{lang}", *lines, "```", ""])

    def pulumi_phase(self, phase: str) -> list[str]:
        s = self.ctx.stack
        return [f"pulumi config set phase {phase} --stack {s}", f"pulumi up --stack {s}"]
