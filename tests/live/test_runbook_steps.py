"""Where the runbook calls the live commands (issue 24): the order of the readiness checks in the fallback steps, and
no `test-connections` on DMS Serverless, where it cannot run. Through the `runbook` command."""

from __future__ import annotations

import pytest

from migration.cli.main import main
from tests.helpers import ROOT


def runbook(capsys: pytest.CaptureFixture[str], *sets: str) -> str:
    assert main(["--root", str(ROOT), "runbook", "--stack", "prod", *sets, "--output", "-"]) == 0
    return capsys.readouterr().out


def test_ready_for_fallback_comes_before_the_up_that_starts_the_reverse_task(capsys: pytest.CaptureFixture[str]):
    text = runbook(capsys)
    check = text.index("python -m migration status --stack prod --ready-for fallback")
    start = text.index("Then start the reverse task:")
    up = text.index("pulumi config set phase fallback --stack prod")
    assert check < start < up


def test_the_drain_is_checked_while_the_reverse_task_still_runs(capsys: pytest.CaptureFixture[str]):
    back = runbook(capsys).split("### Taking production back to Oracle", 1)[1]
    check = back.index("python -m migration status --stack prod --ready-for complete")
    assert check < back.index("3. With PostgreSQL frozen") < back.index("4. Stop all tasks.")
    assert back.count("python -m migration status --stack prod --ready-for complete") == 1
    assert check < back.index("pulumi config set phase complete --stack prod")


def test_serverless_runbook_does_not_call_test_connections(capsys: pytest.CaptureFixture[str]):
    text = runbook(capsys, "--set", "capacity.mode=serverless", "--set", "reverse.enabled=false")
    assert "python -m migration test-connections" not in text
    assert "DMS Serverless has no replication instance for `test-connections`" in text
    assert "python -m migration assess --stack prod --start-serverless" in text
    assert "python -m migration test-connections --stack prod" in runbook(capsys)
