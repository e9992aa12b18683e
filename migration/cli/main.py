"""`python -m migration ...`: the offline commands.

plan       run the real program under Pulumi mocks with a stack file; print what `pulumi up` would create and
           write the DMS documents to plan/<stack>/
prereqs    the SQL DBAs run on Oracle and PostgreSQL before the first `pulumi up`, derived from the stack config
runbook    the Markdown cutover / fallback / teardown runbook of a stack
inventory  report / ddl from an Oracle inventory export (columns, tables, LOB sizes, keys)
status, assess, test-connections: the deployed stack as AWS sees it (migration/cli/status.py)
Every command turns bad input into one line on stderr and exit code 2 — never a traceback.
"""

from __future__ import annotations

import argparse
import io
import os
import sys
from pathlib import Path
from typing import Any, Sequence

from migration.cli.argparsing import OneLineParser, UsageError
from migration.config import ConfigError
from migration.docs.prereqs import PrereqsError
from migration.docs.runbook import RunbookError

ROOT = Path(__file__).resolve().parents[2]


def _cmd_plan(args: argparse.Namespace) -> int:
    from migration.cli.plan import cmd_plan

    return cmd_plan(args)


def _design(args: argparse.Namespace) -> Any:
    """The stack's migration, worked out once for this command."""
    from migration.config.stackfile import read_stack_file
    from migration.planning.design import resolve

    return resolve(read_stack_file(args.root, args.stack, args.set or []).load())


def cmd_prereqs(args: argparse.Namespace) -> int:
    from migration.docs.stack_docs import prerequisites

    print(prerequisites(_design(args), side=args.side))
    return 0


def cmd_runbook(args: argparse.Namespace) -> int:
    from migration.cli.outputs import stack_inputs, write_file
    from migration.docs.stack_docs import runbook

    design = _design(args)
    text = runbook(design)
    if args.output == "-":
        print(text)
        return 0
    out = Path(args.output) if args.output else args.root / "plan" / args.stack / "runbook.md"
    write_file(out, text, flag="--output", inputs=stack_inputs(args.root, design.stack))
    print(f"Runbook for stack '{args.stack}' written to {out}")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = OneLineParser(
        prog="python -m migration",
        description="Tools for the Oracle -> PostgreSQL DMS stack: offline (plan, prereqs, runbook, inventory) and live "
        "against AWS (status, assess, test-connections).",
    )
    parser.add_argument("--root", type=Path, default=ROOT, help="project directory (default: this checkout)")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=OneLineParser)
    plan = sub.add_parser("plan", help="show what `pulumi up` would create, offline under Pulumi mocks")
    plan.add_argument("--stack", required=True, help="stack name: reads Pulumi.<stack>.yaml")
    plan.add_argument(
        "--set",
        action="append",
        metavar="KEY=VALUE",
        help="override a config key like `pulumi config set --path` (repeatable)",
    )
    plan.add_argument("--out", type=Path, help="where to write the documents (default: plan/<stack>/)")
    against = plan.add_mutually_exclusive_group()
    against.add_argument(
        "--against", metavar="GIT_REF", help="compare with Pulumi.<stack>.yaml at this git ref (a pull request's base)"
    )
    against.add_argument("--against-file", type=Path, metavar="FILE", help="compare with this older stack file")
    plan.add_argument("--format", choices=("text", "json"), default="text", help="text for people, json for machines")
    plan.add_argument("--verbose", action="store_true", help="with a comparison, also list every resource")
    plan.add_argument(
        "--allow-destructive",
        action="store_true",
        help="exit 0 even when the preview replaces, deletes or reloads something (default: exit 3)",
    )
    plan.add_argument(
        "--deployed",
        type=Path,
        metavar="FILE",
        help="`pulumi stack output --json` of the deployed stack: check the plan against it as pulumi up would "
        "(default: none; with --set, the stack file as it is)",
    )
    plan.set_defaults(func=_cmd_plan)

    def stack_args(p: argparse.ArgumentParser) -> None:
        p.add_argument("--stack", required=True, help="stack name: reads Pulumi.<stack>.yaml")
        p.add_argument("--set", action="append", metavar="KEY=VALUE", help="override a config key (repeatable)")

    prereqs = sub.add_parser("prereqs", help="print the SQL the DBAs run before the first pulumi up")
    stack_args(prereqs)
    prereqs.add_argument(
        "--side",
        choices=("all", "oracle", "postgres"),
        default="all",
        help="only the Oracle or only the PostgreSQL scripts",
    )
    prereqs.set_defaults(func=cmd_prereqs)
    runbook = sub.add_parser("runbook", help="write the Markdown cutover runbook for a stack")
    stack_args(runbook)
    runbook.add_argument("--output", help="file to write, or - for stdout (default: plan/<stack>/runbook.md)")
    runbook.set_defaults(func=cmd_runbook)
    from migration.cli.live_args import add_parsers as add_live_parsers

    add_live_parsers(sub, stack_args)  # status, assess, test-connections (AWS, boto3)
    sub.add_parser("inventory", help="Oracle inventory report and PostgreSQL DDL (see: inventory --help)")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    for stream in (sys.stdout, sys.stderr):  # a terminal that cannot show a character gets an escape, not a crash
        if isinstance(stream, io.TextIOWrapper):
            stream.reconfigure(errors="backslashreplace")
    if argv and argv[0].startswith("--root="):  # the same as `--root X`
        argv = ["--root", argv[0].split("=", 1)[1], *argv[1:]]
    if len(argv) >= 3 and argv[0] == "--root" and argv[2] == "inventory":
        argv = ["inventory", *argv[3:], "--root", argv[1]]  # the root matters to `inventory ... --stack`
    if argv and argv[0] == "inventory":
        from migration.cli import inventory as inventory_cli

        return inventory_cli.main(argv[1:])
    try:
        args = build_parser().parse_args(argv)
        args.root = args.root.resolve()  # the program runs in the project directory: paths must not depend on cwd
        return int(args.func(args))
    except (ConfigError, UsageError, PrereqsError, RunbookError) as exc:
        return _fail(str(exc))
    except KeyboardInterrupt:  # Ctrl-C: one line and the shell's code for SIGINT (128 + 2), never a traceback
        print("interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:  # output piped into `head` and the like
        sys.stderr.close()
        return 0
    except Exception as exc:  # noqa: BLE001 - the CLI's promise: bad input never ends in a traceback
        # Bad input the checks above did not name (an unreadable file, an absurd number): still one line.
        if os.environ.get("MIGRATION_DEBUG"):
            raise
        return _fail(f"{type(exc).__name__}: {exc} (set MIGRATION_DEBUG=1 for the traceback)")


def _fail(message: str) -> int:
    """One line on stderr, whatever the message holds (a newline in a path or stack name included)."""
    print("error: " + " ".join(message.split()), file=sys.stderr)
    return 2
