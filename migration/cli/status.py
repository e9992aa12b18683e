"""`python -m migration status | assess | test-connections`: the stack's DMS resources as AWS sees them now.

status            per task: state, stop reason, full-load progress against the plan, CDC latency, tables and
                  validation; instance headroom. `--ready-for PHASE` exits 0 when the move is safe, 1 with every
                  reason when not. Read-only: describe/list/get calls only.
assess            start the premigration assessment of every forward task, wait, print results by severity.
test-connections  test every endpoint from every replication instance, wait, print each result.
AWS errors (no credentials, throttled, unreachable, no such resource) are one line on stderr and exit code 2.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from migration.config import ConfigError
from migration.live import assessment, chart, readiness, render
from migration.live.connections import run_connection_tests
from migration.live.discovery import find_endpoints, find_instances, find_replication_configs, find_tasks
from migration.live.session import LiveError, caller_account, clients
from migration.live.snapshot import Snapshot, collect
from migration.live.targets import EndpointTarget, Targets, TaskTarget, Thresholds
from migration.live.watch import INTERRUPTED, watch
from migration.planning.design import MigrationDesign

EXIT_OK, EXIT_NOT_READY, EXIT_ERROR = 0, 1, 2


def targets_of(design: MigrationDesign) -> Targets:
    """The one adapter from the offline design to the live commands: deterministic ids, directions, the plan's
    estimates and the thresholds."""
    stack, cfg, names = design.stack, design.config, design.ids
    plan = design.plan
    planned = {t.name: t.estimated_seconds for t in plan.tasks} if plan is not None else {}
    endpoints = [
        EndpointTarget(names.source_endpoint_id, "oracle-source", "forward"),
        EndpointTarget(names.target_endpoint_id, "postgres-target", "forward"),
    ]
    if design.phase.reverse_endpoints:  # DMS holds the reverse endpoints in every phase once reverse.enabled
        endpoints += [
            EndpointTarget(names.reverse_source_endpoint_id, "postgres-source", "reverse"),
            EndpointTarget(names.reverse_target_endpoint_id, "oracle-target", "reverse"),
        ]
    m = cfg.monitoring
    return Targets(
        stack=stack.stack,
        region=stack.region,
        instance_ids=tuple(design.instance_ids),
        tasks=tuple(TaskTarget(s.task_id, s.direction, s.migration_type, planned.get(s.name)) for s in design.tasks),
        endpoints=tuple(endpoints),
        reverse_source_db_instance=_slot_instance(design),
        stack_phase=cfg.phase,
        reverse_enabled=cfg.reverse.enabled,
        thresholds=Thresholds(
            cdc_latency_source_seconds=m.cdc_latency_source_seconds,
            cdc_latency_target_seconds=m.cdc_latency_target_seconds,
            window_minutes=m.evaluation_minutes,
            free_storage_gb=m.free_storage_gb,
            freeable_memory_mb=m.freeable_memory_mb,
            slot_lag_mb=m.slot_lag_mb,
        ),
    )


def _slot_instance(design: MigrationDesign) -> str | None:
    rev = design.config.reverse
    return rev.postgres_source.db_instance_identifier if rev.enabled and rev.postgres_source else None


def assessment_location(design: MigrationDesign, sts: Any) -> tuple[str | None, str | None]:
    """The results bucket and role ARN `assess` gives DMS: the user's (assessment.resultBucket and
    .serviceAccessRoleArn), or those the stack creates (assessment.create), named from the account in use the way
    the stack names them, so `assess` needs neither the stack outputs nor a Pulumi login."""
    a, prefix = design.config.assessment, design.ids.prefix
    if not a.creates(serverless=not design.instance_ids):
        return a.result_bucket, a.service_access_role_arn
    partition, account = caller_account(sts)
    return a.bucket_name(prefix, account), f"arn:{partition}:iam::{account}:role/{a.role_name(prefix)}"


def _design(args: argparse.Namespace) -> MigrationDesign:
    from migration.config.stackfile import read_stack_file
    from migration.planning.design import resolve

    return resolve(read_stack_file(args.root, args.stack, args.set or []).load())


def _edit_refused(args: argparse.Namespace, phase: str) -> str | None:
    """Why `pulumi up` would refuse the stack file once `phase` is set in it (the config checks' own message), or
    None: the stack file is read again with that edit, as `pulumi config set phase` would leave it."""
    from migration.config.stackfile import read_stack_file
    from migration.planning.design import resolve

    try:
        resolve(read_stack_file(args.root, args.stack, [*(args.set or []), f"phase={phase}"]).load())
    except ConfigError as exc:
        return " ".join(str(exc).split())
    return None


def _targets(args: argparse.Namespace) -> Targets:
    return targets_of(_design(args))


def _now() -> datetime:
    return datetime.now(UTC)


def _one_line(exc: Exception) -> int:
    print("error: " + " ".join(str(exc).split()), file=sys.stderr)
    return EXIT_ERROR


def _live(command: Callable[[argparse.Namespace], int]) -> Callable[[argparse.Namespace], int]:
    """AWS errors end the command with one line and exit 2 (config errors go through the CLI's own handler)."""

    def run(args: argparse.Namespace) -> int:
        try:
            return command(args)
        except LiveError as exc:
            return _one_line(exc)
        except KeyboardInterrupt:
            print("interrupted", file=sys.stderr)
            return INTERRUPTED

    return run


def _interrupted(what: str, started: list[str]) -> int:
    """Ctrl-C while waiting: what DMS was asked to do goes on without us; say which."""
    if started:
        print(f"interrupted; the {what} already started keep running in AWS: {', '.join(started)}", file=sys.stderr)
    else:
        print("interrupted", file=sys.stderr)
    return INTERRUPTED


@_live
def cmd_status(args: argparse.Namespace) -> int:
    targets = _targets(args)
    c = clients(targets.region, args.profile)
    if args.ready_for:
        if args.watch:
            raise ConfigError("status: --watch and --ready-for do not combine (--ready-for answers once)")
        snap = collect(c, targets, _now(), table_rows=args.tables, connections=args.ready_for == "fallback")
        _write_chart(args, snap)
        found = readiness.reasons(args.ready_for, snap, refused=_edit_refused(args, args.ready_for))
        if args.format == "json":
            print(json.dumps(render.document(snap, args.ready_for, found), indent=2, default=str))
        else:
            print("\n".join(render.readiness_lines(args.ready_for, found)))
        return EXIT_NOT_READY if found else EXIT_OK
    if not args.watch:
        snap = collect(c, targets, _now(), table_rows=args.tables)
        if snap.nothing_found:
            raise LiveError(_nothing_found(targets), "not-found")
        _write_chart(args, snap)
        print("\n".join(_show(args, snap, bars=sys.stdout.isatty(), indent=2)))
        return EXIT_OK
    tty = sys.stdout.isatty() and args.format == "text"
    charted: list[bool] = []  # the chart's path is told once, not in every frame

    def frame() -> list[str]:
        """One frame; an AWS error (after botocore's retries) is shown in the frame and the watch goes on."""
        try:
            snap = collect(c, targets, _now(), table_rows=args.tables)
        except LiveError as exc:
            return _frame_error(args, targets, str(exc))
        if snap.nothing_found:
            return _frame_error(args, targets, _nothing_found(targets))
        _write_chart(args, snap, quiet=bool(charted))
        charted.append(True)
        return _show(args, snap, bars=tty, indent=None)

    code = watch(frame, sys.stdout, interval=args.watch, sleep=time.sleep, tty=tty, blank_between=args.format == "text")
    if code == INTERRUPTED:
        print("interrupted", file=sys.stderr)
    return code


def _show(args: argparse.Namespace, snap: Snapshot, *, bars: bool, indent: int | None) -> list[str]:
    if args.format == "json":
        return [json.dumps(render.document(snap), indent=indent, default=str)]
    return render.text(snap, bars=bars)


def _nothing_found(targets: Targets) -> str:
    return (
        f"nothing of stack {targets.stack} found in DMS in {targets.region} (no instance, endpoint or task under "
        "its ids): a wrong region or account, or the stack is not deployed"
    )


def _frame_error(args: argparse.Namespace, targets: Targets, message: str) -> list[str]:
    line = " ".join(message.split())
    stamp = f"{_now():%Y-%m-%d %H:%M:%S} UTC"
    if args.format == "json":
        return [json.dumps({"stack": targets.stack, "region": targets.region, "taken_at": stamp, "error": line})]
    return [f"stack {targets.stack} in {targets.region}, {stamp}", f"error: {line} (trying again in {args.watch:g} s)"]


def _write_chart(args: argparse.Namespace, snap: Snapshot, *, quiet: bool = False) -> None:
    """--chart: the planned full load next to the actual, beside the plan documents unless a path is given."""
    if args.chart is None:
        return
    path = Path(args.chart) if args.chart else args.root / "plan" / args.stack / "load-progress.svg"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(chart.svg(snap), encoding="utf-8")
    if not quiet:
        print(f"chart written to {path}", file=sys.stderr)


@_live
def cmd_test_connections(args: argparse.Namespace) -> int:
    """Exit 0 only when every endpoint of the phase was tested from every instance and each test succeeded."""
    targets = _targets(args)
    c = clients(targets.region, args.profile)
    if targets.serverless:
        raise LiveError(
            "test-connections needs a replication instance (the DMS TestConnection API takes one) and a DMS "
            "Serverless stack has none: its replication tests the endpoints when it starts",
            "unsupported",
        )
    instances = find_instances(c.dms, targets.instance_ids)
    endpoints = find_endpoints(c.dms, [e.endpoint_id for e in targets.endpoints])
    missing = [e.endpoint_id for e in targets.endpoints if e.endpoint_id not in endpoints]
    missing_instances = [i for i in targets.instance_ids if i not in instances]
    wanted = [endpoints[e.endpoint_id] for e in targets.endpoints if e.endpoint_id in endpoints]
    found = [instances[i] for i in targets.instance_ids if i in instances]
    started: list[str] = []
    try:
        results = run_connection_tests(
            c.dms,
            wanted,
            found,
            sleep=time.sleep,
            clock=time.monotonic,
            timeout_seconds=args.timeout,
            progress=_progress(args),
            started=started,
        )
    except KeyboardInterrupt:
        return _interrupted("connection tests", started)
    if args.format == "json":
        print(
            json.dumps(
                {"results": [r.to_dict() for r in results], "missing": missing, "missing_instances": missing_instances},
                indent=2,
            )
        )
    else:
        for r in results:
            print(f"{r.endpoint_id} from {r.instance_id}: {r.status}" + (f": {r.message}" if r.message else ""))
        for instance_id in missing_instances:
            print(f"replication instance {instance_id}: not found in DMS")
        for endpoint_id in missing:
            print(f"{endpoint_id}: not found in DMS")
    complete = len(results) == len(wanted) * len(found) and not missing and not missing_instances
    return EXIT_OK if results and complete and all(r.ok for r in results) else EXIT_NOT_READY


@_live
def cmd_assess(args: argparse.Namespace) -> int:
    design = _design(args)
    targets = targets_of(design)
    c = clients(targets.region, args.profile)
    forward = [t.task_id for t in targets.forward()]
    suffix = _now().strftime("%Y%m%d%H%M%S")
    folder = f"{targets.stack}/assessments"
    if targets.serverless:
        if not args.start_serverless:
            raise ConfigError(
                "assess: on DMS Serverless the assessment runs inside StartReplication, which starts the "
                "replication when the assessment passes; pass --start-serverless to accept that"
            )
        arns = find_replication_configs(c.dms, forward)
        runs = [assessment.start_serverless_run(c.dms, i, arns[i], folder=folder) for i in forward if i in arns]
        config_arns: dict[str, str] | None = arns
    else:
        bucket, role = assessment_location(design, c.sts)
        if not bucket or not role:
            raise ConfigError(
                "assess: set assessment.resultBucket and assessment.serviceAccessRoleArn (the bucket DMS writes "
                "the results to and the role it assumes to write them), or let the stack create them "
                "(assessment.create)",
                key="assessment",
            )
        tasks = find_tasks(c.dms, forward)
        pairs = [(i, str(tasks[i]["ReplicationTaskArn"])) for i in forward if i in tasks]
        runs = assessment.start_task_runs(c.dms, pairs, role_arn=role, bucket=bucket, folder=folder, run_suffix=suffix)
        config_arns = None
    if not runs:
        raise LiveError("assess: none of the stack's forward tasks exists in DMS yet", "not-found")
    try:
        assessment.wait(
            c.dms,
            runs,
            sleep=time.sleep,
            clock=time.monotonic,
            config_arns=config_arns,
            timeout_seconds=args.timeout,
            progress=_progress(args),
        )
    except KeyboardInterrupt:
        return _interrupted("assessment runs", [f"{r.task_id} ({r.run_arn})" for r in runs])
    if args.format == "json":
        print(json.dumps({"runs": [r.to_dict() for r in runs]}, indent=2))
    else:
        print("\n".join(assessment.lines(runs)))
    return EXIT_NOT_READY if any(r.failed or not r.done for r in runs) else EXIT_OK


def _progress(args: argparse.Namespace) -> Callable[[str], None]:
    def show(line: str) -> None:
        if args.format == "text":
            print(line, file=sys.stderr, flush=True)

    return show
