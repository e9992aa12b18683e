"""The parser entries of the live commands (status, assess, test-connections). boto3 loads only when one of them
runs: the offline commands never pay for it."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from typing import Any

from migration.live.targets import PHASES


def _run(name: str) -> Callable[[argparse.Namespace], int]:
    def run(args: argparse.Namespace) -> int:
        from migration.cli import status

        return int(getattr(status, name)(args))

    return run


def _positive(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number of seconds: {text!r}") from None
    if not 0 < value < float("inf"):
        raise argparse.ArgumentTypeError(f"must be a positive number of seconds, got {text!r}")
    return value


def add_parsers(sub: Any, stack_args: Callable[[argparse.ArgumentParser], None]) -> None:
    def common(p: argparse.ArgumentParser) -> None:
        stack_args(p)
        p.add_argument("--profile", help="AWS profile (default: the standard credential chain)")
        p.add_argument("--format", choices=("text", "json"), default="text", help="text for people, json for machines")

    status = sub.add_parser("status", help="live status of the stack's DMS tasks, read from AWS (read-only)")
    common(status)
    status.add_argument("--tables", action="store_true", help="also list every table: rows, state, validation")
    status.add_argument("--watch", type=_positive, metavar="SECONDS", help="redraw every SECONDS until Ctrl-C")
    status.add_argument(
        "--ready-for", choices=PHASES, help="exit 0 when moving to this phase is safe, 1 with every reason when not"
    )
    status.add_argument(
        "--chart",
        nargs="?",
        const="",
        metavar="SVG",
        help="also draw the planned full load next to the actual (default: plan/<stack>/load-progress.svg)",
    )
    status.set_defaults(func=_run("cmd_status"))
    assess = sub.add_parser("assess", help="run the DMS premigration assessment of the forward tasks")
    common(assess)
    assess.add_argument("--timeout", type=_positive, default=3600, help="seconds to wait (default 3600)")
    assess.add_argument(
        "--start-serverless", action="store_true", help="DMS Serverless: accept that a passing assessment starts it"
    )
    assess.set_defaults(func=_run("cmd_assess"))
    test = sub.add_parser("test-connections", help="test every endpoint from the replication instances, wait")
    common(test)
    test.add_argument("--timeout", type=_positive, default=600, help="seconds to wait (default 600)")
    test.set_defaults(func=_run("cmd_test_connections"))
