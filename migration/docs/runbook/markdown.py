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

    def live(self, command: str, *flags: str) -> str:
        """A live command of this project (`status`, `assess`, `test-connections`) for this stack."""
        return " ".join(("python -m migration", command, "--stack", self.ctx.stack, *flags))

    def ready_for(self, phase: str) -> None:
        """The readiness check the runbook runs before each phase edit: it must exit 0."""
        self.add(
            f"Before the edit, check that the move is safe: `status --ready-for {phase}` exits 0, or 1 and lists "
            "every reason it is not (reads AWS only, changes nothing):",
            "",
        )
        self.code("sh", self.live("status", "--ready-for", phase))
