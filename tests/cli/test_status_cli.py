"""`status`, `--ready-for` and `test-connections` end to end against moto's server on loopback, holding the prod
stack's instance, endpoints and tasks under their deterministic ids; and the one-line errors when AWS cannot be
asked. moto implements the DMS calls used here (instances, endpoints, tasks, connections) and CloudWatch's
get_metric_data; table statistics and assessments are covered with the Stubber in tests/live/."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, TextIO

import boto3
import pytest
from moto.server import ThreadedMotoServer

from migration.cli.main import main
from migration.config.stackfile import read_stack_file
from migration.live.watch import watch
from tests.helpers import ROOT
from tests.live.aws_env import REGION, fake_aws_env

PROD_TASKS = (
    "oracle2pg-prod-big-documents",
    "oracle2pg-prod-big-orders",
    "oracle2pg-prod-load-01",
    "oracle2pg-prod-nokey-01",
)
PROD_ENDPOINTS = (
    ("oracle2pg-prod-oracle-source", "source", "oracle"),
    ("oracle2pg-prod-postgres-target", "target", "aurora-postgresql"),
    ("oracle2pg-prod-postgres-source", "source", "aurora-postgresql"),
    ("oracle2pg-prod-oracle-target", "target", "oracle"),
)


@pytest.fixture(scope="module")
def moto_url() -> Iterator[str]:
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    try:
        yield f"http://{host}:{port}"
    finally:
        server.stop()


@pytest.fixture(scope="module")
def prod_in_moto(moto_url: str, tmp_path_factory: pytest.TempPathFactory) -> str:
    """The prod stack's resources, created once under the ids the program derives."""
    with pytest.MonkeyPatch.context() as mp:
        fake_aws_env(mp, tmp_path_factory.mktemp("aws"), moto_url)
        dms = boto3.client("dms", region_name=REGION)
        instance = dms.create_replication_instance(
            ReplicationInstanceIdentifier="oracle2pg-prod",
            ReplicationInstanceClass="dms.r6i.xlarge",
            AllocatedStorage=500,
        )["ReplicationInstance"]["ReplicationInstanceArn"]
        arns = {
            eid: dms.create_endpoint(
                EndpointIdentifier=eid, EndpointType=kind, EngineName=engine, ServerName="db.internal", Port=5432
            )["Endpoint"]["EndpointArn"]
            for eid, kind, engine in PROD_ENDPOINTS
        }
        for task_id in PROD_TASKS:
            dms.create_replication_task(
                ReplicationTaskIdentifier=task_id,
                SourceEndpointArn=arns["oracle2pg-prod-oracle-source"],
                TargetEndpointArn=arns["oracle2pg-prod-postgres-target"],
                ReplicationInstanceArn=instance,
                MigrationType="full-load-and-cdc",
                TableMappings='{"rules": []}',
            )
    return moto_url


@pytest.fixture
def in_moto(prod_in_moto: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    fake_aws_env(monkeypatch, tmp_path, prod_in_moto)


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(["--root", str(ROOT), *args])
    out, err = capsys.readouterr()
    return code, out, err


def test_the_ids_the_fixture_creates_are_the_stacks(in_moto: None):
    from migration.cli.status import targets_of
    from migration.planning.design import resolve

    t = targets_of(resolve(read_stack_file(ROOT, "prod", []).load()))
    assert [x.task_id for x in t.tasks] == list(PROD_TASKS)
    assert t.instance_ids == ("oracle2pg-prod",)
    # The reverse endpoints exist from phase replicate on: test-connections tests them before the cutover.
    assert (t.stack_phase, t.reverse_enabled) == ("replicate", True)
    assert [e.endpoint_id for e in t.endpoints] == [e for e, _, _ in PROD_ENDPOINTS]
    assert t.thresholds.slot_lag_mb == 1024  # monitoring.slotLagMb's default: the alarm's threshold too
    slot = targets_of(resolve(read_stack_file(ROOT, "prod", ["monitoring.slotLagMb=4096"]).load()))
    assert slot.thresholds.slot_lag_mb == 4096
    off = targets_of(resolve(read_stack_file(ROOT, "prod", ["reverse.enabled=false"]).load()))
    assert [e.endpoint_id for e in off.endpoints] == [e for e, _, _ in PROD_ENDPOINTS[:2]]
    cut = targets_of(resolve(read_stack_file(ROOT, "prod", ["phase=cutover"]).load()))
    assert [e.endpoint_id for e in cut.endpoints] == [e for e, _, _ in PROD_ENDPOINTS]


def test_status_lists_every_task_with_its_state(in_moto: None, capsys: pytest.CaptureFixture[str]):
    code, out, err = run(capsys, "status", "--stack", "prod")
    assert (code, err) == (0, "")
    assert out.splitlines()[0].startswith("stack prod in eu-west-1 (1 instance(s))")
    assert "instance oracle2pg-prod (dms.r6i.xlarge): available" in out
    for task_id in PROD_TASKS:
        assert f"{task_id} (forward, full-load-and-cdc): creating" in out


def test_status_json_parses_and_carries_the_plans_estimates(in_moto: None, capsys: pytest.CaptureFixture[str]):
    code, out, _ = run(capsys, "status", "--stack", "prod", "--format", "json")
    doc = json.loads(out)
    assert code == 0
    assert [t["task_id"] for t in doc["tasks"]] == list(PROD_TASKS)
    assert {t["status"] for t in doc["tasks"]} == {"creating"}
    assert doc["tasks"][0]["planned_full_load_seconds"] == 1140.0  # from the prod stack's frozen plan


def test_the_chart_is_written_where_asked(in_moto: None, capsys: pytest.CaptureFixture[str], tmp_path: Path):
    out_file = tmp_path / "charts" / "prod.svg"
    code, _, err = run(capsys, "status", "--stack", "prod", "--chart", str(out_file))
    assert code == 0
    assert err == f"chart written to {out_file}\n"
    svg = out_file.read_text(encoding="utf-8")
    for task_id in PROD_TASKS:
        assert f'class="planned" data-task="{task_id}"' in svg


def test_ready_for_cutover_exits_1_with_every_reason(in_moto: None, capsys: pytest.CaptureFixture[str]):
    code, out, err = run(capsys, "status", "--stack", "prod", "--ready-for", "cutover")
    assert (code, err) == (1, "")
    lines = out.splitlines()
    assert lines[0] == "not ready for cutover: 4 reason(s)"  # one per task: none is in CDC
    for task_id in PROD_TASKS:
        assert f"  - {task_id}: creating, not running in CDC" in lines


def test_ready_for_as_json(in_moto: None, capsys: pytest.CaptureFixture[str]):
    code, out, _ = run(capsys, "status", "--stack", "prod", "--ready-for", "cutover", "--format", "json")
    ready = json.loads(out)["ready_for"]
    assert (code, ready["phase"], ready["ready"]) == (1, "cutover", False)
    assert {r["code"] for r in ready["reasons"]} == {"not-in-cdc"}


def test_test_connections_reports_each_endpoint(in_moto: None, capsys: pytest.CaptureFixture[str]):
    code, out, _ = run(capsys, "test-connections", "--stack", "prod", "--format", "json")
    results = json.loads(out)["results"]
    assert code == 0
    # at phase replicate, the reverse endpoints too: tested days before the cutover (was: the forward two only)
    assert sorted(r["endpoint"] for r in results) == sorted(e for e, _, _ in PROD_ENDPOINTS)
    assert {(r["instance"], r["status"]) for r in results} == {("oracle2pg-prod", "successful")}


def test_test_connections_fails_on_what_is_not_found(in_moto: None, capsys: pytest.CaptureFixture[str]):
    """Nothing of the stack in this region: every endpoint of the phase and the instance are failures, named."""
    code, out, _ = run(capsys, "test-connections", "--stack", "prod", "--set", "aws:region=us-east-1")
    assert code == 1
    assert out.splitlines() == [
        "replication instance oracle2pg-prod: not found in DMS",
        "oracle2pg-prod-oracle-source: not found in DMS",
        "oracle2pg-prod-postgres-target: not found in DMS",
        "oracle2pg-prod-postgres-source: not found in DMS",
        "oracle2pg-prod-oracle-target: not found in DMS",
    ]


def test_test_connections_on_serverless_is_one_line(in_moto: None, capsys: pytest.CaptureFixture[str]):
    code, out, err = run(
        capsys,
        "test-connections",
        "--stack",
        "prod",
        "--set",
        "capacity.mode=serverless",
        "--set",
        "reverse.enabled=false",
    )
    assert (code, out) == (2, "")
    assert "a DMS Serverless stack has none" in err
    assert err.count("\n") == 1


def test_status_of_a_stack_not_found_is_one_line_and_exit_2(in_moto: None, capsys: pytest.CaptureFixture[str]):
    code, out, err = run(capsys, "status", "--stack", "prod", "--set", "aws:region=us-east-1")
    assert (code, out) == (2, "")
    assert err.startswith("error: nothing of stack prod found in DMS in us-east-1")
    assert err.count("\n") == 1


def test_ready_for_complete_with_nothing_found_is_not_ready(in_moto: None, capsys: pytest.CaptureFixture[str]):
    code, out, _ = run(capsys, "status", "--stack", "prod", "--set", "aws:region=us-east-1", "--ready-for", "complete")
    assert code == 1
    assert out.splitlines()[1] == "  - nothing of stack prod found in DMS in us-east-1"


def test_no_credentials_is_one_line_and_exit_2(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
):
    fake_aws_env(monkeypatch, tmp_path, "http://127.0.0.1:9")
    monkeypatch.delenv("AWS_ACCESS_KEY_ID")
    monkeypatch.delenv("AWS_SECRET_ACCESS_KEY")
    code, out, err = run(capsys, "status", "--stack", "prod")
    assert (code, out) == (2, "")
    assert err.startswith("error: describe replication instances: no AWS credentials found")
    assert err.count("\n") == 1


def test_an_unreachable_endpoint_is_one_line_and_exit_2(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
):
    fake_aws_env(monkeypatch, tmp_path, "http://127.0.0.1:9")
    monkeypatch.setenv("AWS_MAX_ATTEMPTS", "1")
    code, _, err = run(capsys, "status", "--stack", "prod")
    assert code == 2
    assert err.startswith("error: describe replication instances: AWS endpoint unreachable")
    assert err.count("\n") == 1


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["status", "--stack", "prod", "--watch", "0"], "must be a positive number of seconds"),
        (["status", "--stack", "prod", "--ready-for", "replicate"], "invalid choice"),
        (["status", "--stack", "prod", "--watch", "5", "--ready-for", "cutover"], "do not combine"),
        (["assess", "--stack", "prod", "--set", "assessment.create=false"], "set assessment.resultBucket"),
    ],
)
def test_bad_arguments_are_one_line(in_moto: None, capsys: pytest.CaptureFixture[str], args: list[str], message: str):
    code, _, err = run(capsys, *args)
    assert code == 2
    assert message in err
    assert err.count("\n") == 1


def _watch_sleeping_with(monkeypatch: pytest.MonkeyPatch, sleep: Callable[[float], None]) -> None:
    """`status --watch` with this sleep (time.sleep itself stays: botocore uses it too)."""

    def watching(frame: Callable[[], list[str]], out: TextIO, **kwargs: Any) -> int:
        return watch(frame, out, **{**kwargs, "sleep": sleep})

    monkeypatch.setattr("migration.cli.status.watch", watching)


def test_ready_for_fallback_refuses_what_pulumi_up_would_refuse(in_moto: None, capsys: pytest.CaptureFixture[str]):
    """The stack config check that refuses phase fallback with reverse.cdcStartPosition now is asked, not copied."""
    args = ("status", "--stack", "prod", "--set", "phase=cutover", "--ready-for", "fallback", "--format", "json")
    code, out, _ = run(capsys, *args)
    reasons = json.loads(out)["ready_for"]["reasons"]
    assert code == 1
    assert reasons[0]["code"] == "config-refused"
    assert "set reverse.cdcStartPosition to the PostgreSQL LSN captured at cutover" in reasons[0]["text"]


def test_watch_shows_an_aws_error_in_the_frame_and_goes_on(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
):
    fake_aws_env(monkeypatch, tmp_path, "http://127.0.0.1:9")
    monkeypatch.setenv("AWS_MAX_ATTEMPTS", "1")
    naps: list[float] = []

    def sleep(seconds: float) -> None:
        naps.append(seconds)
        if len(naps) == 2:
            raise KeyboardInterrupt

    _watch_sleeping_with(monkeypatch, sleep)
    code, out, err = run(capsys, "status", "--stack", "prod", "--watch", "7")
    assert (code, err) == (130, "interrupted\n")
    errors = [x for x in out.splitlines() if x.startswith("error: ")]
    assert len(errors) == 2  # two frames: the first error did not end the watch
    assert "AWS endpoint unreachable" in errors[0]
    assert errors[0].endswith("(trying again in 7 s)")


def test_watch_json_writes_one_object_per_line(
    in_moto: None, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
):
    naps: list[float] = []

    def sleep(seconds: float) -> None:
        naps.append(seconds)
        if len(naps) == 2:
            raise KeyboardInterrupt

    _watch_sleeping_with(monkeypatch, sleep)
    code, out, _ = run(capsys, "status", "--stack", "prod", "--watch", "1", "--format", "json")
    lines = out.splitlines()
    assert code == 130
    assert [json.loads(x)["stack"] for x in lines if x] == ["prod", "prod"]
    assert "" not in lines[:-1]


def test_ctrl_c_while_testing_names_the_tests_already_started(
    in_moto: None, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
):
    def interrupted(*_args: object, started: list[str], **_kwargs: object) -> None:
        started.append("oracle2pg-prod-oracle-source from oracle2pg-prod")
        raise KeyboardInterrupt

    monkeypatch.setattr("migration.cli.status.run_connection_tests", interrupted)
    code, out, err = run(capsys, "test-connections", "--stack", "prod")
    assert (code, out) == (130, "")
    assert err == (
        "interrupted; the connection tests already started keep running in AWS: "
        "oracle2pg-prod-oracle-source from oracle2pg-prod\n"
    )


def test_watch_with_a_chart_tells_its_path_once(
    in_moto: None, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
):
    naps: list[float] = []

    def sleep(seconds: float) -> None:
        naps.append(seconds)
        if len(naps) == 3:
            raise KeyboardInterrupt

    _watch_sleeping_with(monkeypatch, sleep)
    svg = tmp_path / "c.svg"
    code, out, err = run(capsys, "status", "--stack", "prod", "--watch", "1", "--chart", str(svg))
    assert code == 130
    assert out.count("stack prod in eu-west-1") == 3
    assert err == f"chart written to {svg}\ninterrupted\n"
    assert svg.read_text(encoding="utf-8").startswith("<svg")
