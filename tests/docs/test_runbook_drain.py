"""The exact drain (runbook step 3) under a stand-in `aws`: it gives up after DMS_WAIT_SECONDS instead of polling
for ever, names the tasks still running, and the runbook says what DMS does not document and what to do next."""

from __future__ import annotations

import json
import os
import re
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest

from migration.config.stackfile import read_stack_file
from migration.docs.stack_docs import runbook
from migration.planning.design import resolve

ROOT = Path(__file__).resolve().parents[2]

# A DMS whose tasks stop when asked but never reach their CDC stop position once resumed (no commit after it).
FAKE_AWS = r"""#!{python}
import json, os, sys
args = sys.argv[1:]
log = os.environ["AWS_LOG"]
with open(log, "a") as f:
    f.write(json.dumps(args) + "\n")
def arg(name):
    return args[args.index(name) + 1]
if args[1] in ("describe-replication-tasks", "describe-replications"):
    task = arg("--filters").split("Values=", 1)[1]
    if "Status" in arg("--query"):
        started = [a for a in map(json.loads, open(log)) if a[1].startswith("start-") and task.upper() in " ".join(a)]
        print("running" if started else "stopped")
    else:
        print("arn:aws:dms:eu-west-1:111122223333:task:" + task.upper())
"""


def _text(*overrides: str) -> str:
    return runbook(resolve(read_stack_file(ROOT, "prod", list(overrides)).load()))


def _helpers(text: str) -> str:
    match = re.search(r"^## Shell helpers.*?^```sh\n(.*?)^```", text, flags=re.S | re.M)
    assert match
    return match.group(1)


def _drain_section(text: str) -> str:
    match = re.search(r"^## 3\. .*?(?=^## )", text, flags=re.S | re.M)
    assert match
    return match.group(0)


def _drain(tmp_path, text: str, fake_aws: str) -> tuple[subprocess.CompletedProcess, Path]:
    """Step 3's `dms_drain_to` over the forward tasks, under `sh` with `fake_aws` standing in for the AWS CLI (it
    logs each call to the returned file) and no wait left (DMS_WAIT_SECONDS=0)."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    fake = bin_dir / "aws"
    fake.write_text(fake_aws.replace("{python}", sys.executable))
    fake.chmod(fake.stat().st_mode | stat.S_IEXEC)
    log = tmp_path / "aws.log"
    env = {**os.environ, "PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}", "AWS_LOG": str(log)}
    env["DMS_WAIT_SECONDS"] = "0"
    script = _helpers(text) + 'dms_drain_to 2026-12-02T16:00:00 $FORWARD_TASKS\necho "rc=$? [$DRAIN_RUNNING]"\n'
    result = subprocess.run(["sh", "-c", script], capture_output=True, text=True, env=env, timeout=60)
    return result, log


@pytest.mark.parametrize("overrides", [(), ("capacity.mode=serverless", "reverse.enabled=false")])
def test_the_drain_gives_up_after_its_wait_and_names_the_tasks_still_running(tmp_path, overrides):
    text = _text(*overrides)
    began = time.monotonic()
    result, log = _drain(tmp_path, text, FAKE_AWS)
    assert time.monotonic() - began < 30  # no 30-second poll once the wait is spent
    tasks = re.search(r'^FORWARD_TASKS="(.*)"$', text, flags=re.M).group(1).split()
    assert result.stdout.strip() == f"rc=1 [ {' '.join(tasks)}]"
    assert f"still running, not stopped at commit_time:2026-12-02T16:00:00: {' '.join(tasks)}" in result.stderr
    calls = [json.loads(line) for line in log.read_text().splitlines()]
    starts = [c for c in calls if c[1].startswith("start-")]
    assert len(starts) == len(tasks) and all("commit_time:2026-12-02T16:00:00" in c for c in starts)


def test_the_runbook_says_what_dms_leaves_undocumented_and_the_next_step():
    drain = _drain_section(_text())
    assert "DMS_WAIT_SECONDS" in drain and "default 30 min" in drain
    assert "does not say how a task finds it has passed that time when nothing commits after it" in drain
    assert 'for t in $DRAIN_RUNNING; do dms_metric CDCLatencySource "$t"' in drain
    assert "then stop it yourself" in drain
    assert "re-provision" not in drain and "DMS Serverless components" not in drain


def test_on_serverless_the_runbook_counts_the_restart_of_each_replication_in_the_outage():
    drain = _drain_section(_text("capacity.mode=serverless", "reverse.enabled=false"))
    assert "a start goes through the replication states again" in drain
    assert "add it to the outage estimate" in drain
    assert "dms_metric" not in drain  # no such helper on DMS Serverless: the console's monitoring tab


# A DMS whose tasks never stop, not even when asked (a task stuck stopping).
NEVER_STOPS = FAKE_AWS.replace('print("running" if started else "stopped")', 'print("running")')


@pytest.mark.parametrize("overrides", [(), ("capacity.mode=serverless", "reverse.enabled=false")])
def test_a_task_that_does_not_stop_when_asked_is_named_and_none_resumes(tmp_path, overrides):
    text = _text(*overrides)
    result, log = _drain(tmp_path, text, NEVER_STOPS)
    tasks = re.search(r'^FORWARD_TASKS="(.*)"$', text, flags=re.M).group(1).split()
    # step 3's `for t in $DRAIN_RUNNING` loop has the tasks to look at, not an empty list
    assert result.stdout.strip() == f"rc=1 [ {' '.join(tasks)}]"
    assert f"did not stop when asked, none resumed with a stop position: {' '.join(tasks)}" in result.stderr
    calls = [json.loads(line) for line in log.read_text().splitlines()]
    assert not [c for c in calls if c[1].startswith("start-")]
    assert "run the `dms_drain_to` line again" in _drain_section(text)
