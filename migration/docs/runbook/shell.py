"""The runbook's "Shell helpers" section: the AWS CLI calls, defined once in shell files shipped with the package
(`helpers_instance.sh`, `helpers_serverless.sh`), so they can be read, linted and run on their own."""

from __future__ import annotations

from importlib import resources

from migration.docs.runbook.context import RunbookContext
from migration.docs.runbook.markdown import Doc


def helper_functions(serverless: bool) -> list[str]:
    """The shell functions the sections call (dms_task_arn, dms_status, ...), for replication instances or for
    DMS Serverless replication configs."""
    name = "helpers_serverless.sh" if serverless else "helpers_instance.sh"
    return resources.files("migration.docs.runbook").joinpath(name).read_text(encoding="utf-8").splitlines()


def shell_helpers_section(ctx: RunbookContext, d: Doc) -> None:
    """The AWS CLI calls, defined once: the sections call these functions and loop over FORWARD_TASKS instead of
    repeating one command per task. POSIX sh (dash, bash, zsh with word splitting), no GNU-only date options."""
    d.add(
        "## Shell helpers",
        "",
        "Paste this block into the shell you run the steps from (POSIX sh: dash, bash, or zsh - the first line "
        "makes zsh split `$FORWARD_TASKS` into words like sh does). Every later command uses these functions and "
        "loops over `$FORWARD_TASKS`. Time windows are epoch seconds from `date -u +%s`, which the AWS CLI "
        "accepts for timestamps on Linux and macOS alike.",
        "",
    )
    d.code(
        "sh",
        '[ -n "${ZSH_VERSION:-}" ] && setopt SH_WORD_SPLIT',
        f"REGION={ctx.region}",
        f'FORWARD_TASKS="{" ".join(ctx.forward_task_ids)}"',
        *helper_functions(ctx.serverless),
    )
    if ctx.serverless:
        d.add(
            "DMS Serverless: each task is a replication config. The stack's alarms do not cover serverless "
            "replications; `python -m migration status` reads their CDC latency from CloudWatch, and a step that "
            "asks for another metric reads it on the DMS console (the replication's monitoring tab).",
            "",
        )
