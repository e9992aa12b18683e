"""`python -m migration ...`: the offline commands.

plan       run the real program under Pulumi mocks with a stack file; print what `pulumi up` would create and
           write the DMS documents to plan/<stack>/
prereqs    the SQL DBAs run on Oracle and PostgreSQL before the first `pulumi up`, derived from the stack config
runbook    the Markdown cutover / fallback / teardown runbook of a stack
inventory  report / ddl from an Oracle inventory export (columns, tables, LOB sizes, keys)
Every command turns bad input into one line on stderr and exit code 2 — never a traceback.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path
from typing import Any, Sequence

from migration.cli.argparsing import OneLineParser, UsageError
from migration.config.model import ConfigError
from migration.docs.prereqs import PrereqsError
from migration.docs.runbook import RunbookError

ROOT = Path(__file__).resolve().parents[2]

# Inputs worth showing per resource type, in this order.
KEY_INPUTS: dict[str, tuple[str, ...]] = {
    "aws:iam/role:Role": ("name",),
    "aws:iam/rolePolicyAttachment:RolePolicyAttachment": ("policyArn",),
    "aws:iam/rolePolicy:RolePolicy": (),
    "aws:dms/replicationSubnetGroup:ReplicationSubnetGroup": ("replicationSubnetGroupId", "subnetIds"),
    "aws:ec2/securityGroup:SecurityGroup": ("name", "vpcId"),
    "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule": ("fromPort", "cidrIpv4", "referencedSecurityGroupId"),
    "aws:dms/replicationInstance:ReplicationInstance": (
        "replicationInstanceId",
        "replicationInstanceClass",
        "allocatedStorage",
        "engineVersion",
        "multiAz",
        "publiclyAccessible",
        "kmsKeyArn",
    ),
    "aws:dms/endpoint:Endpoint": (
        "endpointId",
        "endpointType",
        "engineName",
        "serverName",
        "port",
        "databaseName",
        "sslMode",
        "username",
        "password",
        "secretsManagerArn",
    ),
    "aws:dms/replicationTask:ReplicationTask": (
        "replicationTaskId",
        "migrationType",
        "startReplicationTask",
        "cdcStartPosition",
        "cdcStartTime",
    ),
    "aws:cloudwatch/metricAlarm:MetricAlarm": ("metricName", "comparisonOperator", "threshold"),
    "aws:dms/eventSubscription:EventSubscription": ("name", "sourceType", "eventCategories"),
    "aws:sns/topic:Topic": ("name",),
    "aws:cloudwatch/dashboard:Dashboard": ("dashboardName",),
}


def _short(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        value = int(value)  # the mock transport turns every number into a float
    if isinstance(value, str):
        return value if len(value) <= 60 else value[:57] + "..."
    text = json.dumps(value, sort_keys=True, separators=(",", ":"))
    return text if len(text) <= 60 else text[:57] + "..."


def describe(rec: Any) -> str:
    from migration.cli.offline import mask_secrets

    inputs = mask_secrets(rec.inputs)
    keys = KEY_INPUTS.get(rec.type)
    if keys is None:
        keys = tuple(k for k, v in inputs.items() if isinstance(v, (str, int, bool)))[:3]
    parts = [f"{k}={_short(inputs[k])}" for k in keys if inputs.get(k) not in (None, "", [])]
    if rec.type == "aws:dms/replicationTask:ReplicationTask":
        parts += task_settings_summary(inputs.get("replicationTaskSettings", "{}"))
    flags = [f for f, on in (("protected", rec.protect), ("retained-on-delete", rec.retain_on_delete)) if on]
    return " ".join(parts + [f"[{', '.join(flags)}]"] if flags else parts)


def task_settings_summary(settings_json: str) -> list[str]:
    """The task settings a DBA checks first, from the document the task receives."""
    doc = json.loads(settings_json)
    meta, full = doc.get("TargetMetadata", {}), doc.get("FullLoadSettings", {})
    if not meta.get("SupportLobs", True):
        lob = "none"
    elif meta.get("FullLobMode"):
        lob = f"full/{meta.get('LobChunkSize')}KB-chunks"
    else:
        lob = f"limited/{meta.get('LobMaxSize')}KB"
    errors = doc.get("ErrorBehavior", {}).get("DataErrorPolicy", "?")
    validation = "on" if doc.get("ValidationSettings", {}).get("EnableValidation") else "off"
    if doc.get("ValidationSettings", {}).get("ValidationOnly"):
        validation = "only"
    return [
        f"prep={full.get('TargetTablePrepMode', '?')}",
        f"subtasks={full.get('MaxFullLoadSubTasks', '?')}",
        f"lob={lob}",
        f"validation={validation}",
        f"dataErrors={errors}",
    ]


def render_table(rows: Sequence[tuple[str, str, str]]) -> str:
    headers = ("TYPE", "NAME", "KEY SETTINGS")
    w0 = max(len(headers[0]), *(len(r[0]) for r in rows))
    w1 = max(len(headers[1]), *(len(r[1]) for r in rows))
    lines = [f"{headers[0]:<{w0}}  {headers[1]:<{w1}}  {headers[2]}"]
    lines += [f"{a:<{w0}}  {b:<{w1}}  {c}".rstrip() for a, b, c in rows]
    return "\n".join(lines)


def cmd_plan(args: argparse.Namespace) -> int:
    import pulumi

    from migration.cli.offline import mask_secrets, run_program
    from migration.config.stackfile import read_stack_file, shown
    from migration.planning.planner import render_plan_text
    from migration.planning.tasks import all_tasks, migration_plan

    sf = read_stack_file(args.root, args.stack, args.set or [])
    stack = sf.load()  # fail fast with the one-line config error, before anything runs
    specs = all_tasks(stack)
    plan = migration_plan(stack)
    baseline = _baseline(args) if args.set else None
    deployed_baseline = baseline.outputs if baseline is not None and not isinstance(baseline, str) else None
    deployed = _deployed_outputs(args.deployed) if args.deployed else deployed_baseline
    try:
        run = run_program(sf, deployed=deployed)
    except pulumi.RunError as exc:  # the program's own one-line error: bad config, or a change up refuses
        raise ConfigError(str(exc)) from None
    resources = sorted((r for r in run.resources if r.custom), key=lambda r: r.name)
    rows = [(r.type, r.name, describe(r)) for r in resources]
    # A preview of an edit (--set) never overwrites the documents of the stack as it is.
    out_dir = args.out or (args.root / "plan" / (f"{args.stack}-preview" if args.set else args.stack))
    out_dir.mkdir(parents=True, exist_ok=True)
    for stale in [
        *out_dir.glob("*.table-mappings.json"),
        *out_dir.glob("*.task-settings.json"),
        *out_dir.glob("migration-plan.json"),
    ]:
        stale.unlink()  # documents of tasks that no longer exist would mislead
    written = []
    for r in resources:
        if r.type == "aws:dms/replicationTask:ReplicationTask":
            task_id = r.inputs["replicationTaskId"]
            documents = (("tableMappings", "table-mappings"), ("replicationTaskSettings", "task-settings"))
            for field_name, suffix in documents:
                path = out_dir / f"{task_id}.{suffix}.json"
                path.write_text(
                    json.dumps(json.loads(r.inputs[field_name]), indent=2, sort_keys=True) + "\n", encoding="utf-8"
                )
                written.append(path.name)
    (out_dir / "resources.json").write_text(
        json.dumps(
            [
                {
                    "type": r.type,
                    "name": r.name,
                    "parent": r.parent,
                    "protect": r.protect,
                    "retainOnDelete": r.retain_on_delete,
                    "inputs": mask_secrets(r.inputs),
                }
                for r in run.resources
            ],
            indent=2,
            sort_keys=True,
        )
        + "\n",
        encoding="utf-8",
    )
    (out_dir / "outputs.json").write_text(
        json.dumps(mask_secrets(run.outputs), indent=2, sort_keys=True) + "\n", encoding="utf-8"
    )
    written += ["resources.json", "outputs.json"]
    print(
        f"Offline plan of stack '{args.stack}' (project {stack.project}, region {stack.region}), run under "
        f"Pulumi mocks: `pulumi up` would create {len(resources)} resources."
    )
    if args.set:
        print("Config edits previewed: " + ", ".join(shown(item) for item in args.set))
    print()
    print(render_table(rows))
    if plan is not None:
        print()
        print("Migration plan (sizing: auto):")
        print(render_plan_text(plan).rstrip())
        (out_dir / "migration-plan.json").write_text(plan.to_json() + "\n", encoding="utf-8")
        written.append("migration-plan.json")
    for line in run.warnings:
        print(f"\nWARNING (pulumi up would say it too): {line}")
    decisions = [(s.task_id, r) for s in specs for r in s.reasons]
    if decisions:
        print()
        print("Decisions:")
        for task_id, reason in decisions:
            print(f"  {task_id}: {reason}")
    print()
    print(f"DMS documents and the full resource list written to {out_dir}/: {', '.join(written)}")
    if args.set:
        return _print_changes(args, run, baseline)
    return 0


def _baseline(args: argparse.Namespace) -> Any:
    """The stack file as it is, run under mocks: what `plan --set` compares with and takes as deployed.
    None when it does not validate (then there is nothing to compare with)."""
    import pulumi

    from migration.cli.offline import run_program
    from migration.config.stackfile import read_stack_file

    try:
        base_file = read_stack_file(args.root, args.stack)
        base_file.load()
        return run_program(base_file, deployed=_deployed_outputs(args.deployed) if args.deployed else None)
    except (ConfigError, pulumi.RunError) as exc:
        return str(exc)


def _deployed_outputs(path: Path) -> dict[str, Any]:
    """`pulumi stack output --json` of the deployed stack, saved to a file: what its self reference would read."""
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ConfigError(f"--deployed: cannot read {path} as JSON ({type(exc).__name__})") from None
    if not isinstance(doc, dict):
        raise ConfigError(f"--deployed: {path} must hold the JSON object of `pulumi stack output --json`")
    return doc


def _print_changes(args: argparse.Namespace, run: Any, baseline: Any) -> int:
    """With --set: what the edit would change against the stack file as it is, and any task replacement."""
    from migration.cli.offline import diff_runs

    if isinstance(baseline, str):
        print()
        print(f"No comparison: Pulumi.{args.stack}.yaml as it is does not validate ({baseline}).")
        return 0
    changes = diff_runs(baseline, run)
    print()
    print(f"Changes against Pulumi.{args.stack}.yaml as it is ({len(changes)}):")
    for c in changes:
        detail = f" ({', '.join(c.fields)})" if c.fields else ""
        print(f"  {c.kind:<8} {c.type} {c.name}{detail}")
    for line in change_warnings(changes, before=baseline, after=run):
        print(line)
    return 0


_REPLACED = {
    "aws:dms/replicationTask:ReplicationTask": "the new task starts from scratch: a full reload, or a lost CDC position",
    "aws:dms/replicationInstance:ReplicationInstance": (
        "every task on it stops; AWS refuses to delete an instance that still has tasks, so that up fails half-way"
    ),
    "aws:dms/endpoint:Endpoint": "the tasks using it are replaced as well",
    "aws:dms/eventSubscription:EventSubscription": "DMS events between the delete and the create are not notified",
}


def change_warnings(changes: Sequence[Any], before: Any, after: Any) -> list[str]:
    """The changes a DBA must not apply to a running migration without thinking, one line each, in the terms of
    what the provider does under `pulumi up` (migration.dms.provider_facts)."""
    from migration.config.model import PHASES
    from migration.dms.provider_facts import TASK

    out = []
    old_phase, new_phase = before.outputs.get("phase"), after.outputs.get("phase")
    if old_phase in PHASES and new_phase in PHASES and PHASES.index(new_phase) < PHASES.index(old_phase):
        # pulumi up refuses this unless allowPhaseBack names the deployed phase (migration.planning.transitions)
        out.append(
            f"WARNING: phase goes back from {old_phase} to {new_phase}: forward tasks would resume and apply Oracle "
            "changes over PostgreSQL data written since cutover. Only do this if PostgreSQL never took writes."
        )
    for c in changes:
        fields = ", ".join(c.fields)
        if c.kind == "replace":
            why = _REPLACED.get(c.type, "it gets a new id and ARN")
            out.append(f"WARNING: {c.name} would be REPLACED, delete then create ({fields}): {why}.")
        elif c.kind == "refused":
            refused = ", ".join(f for f, e in c.effects.items() if e == "refused")
            out.append(
                f"WARNING: {c.name} changes {refused}: AWS cannot change a task's migration type; the provider stops "
                "the task first, the modify fails and the task stays stopped. pulumi up refuses it: give the task a "
                "new name instead (a new task that loads its tables again)."
            )
        elif c.kind == "delete" and c.type == TASK:
            out.append(
                f"WARNING: {c.name} would be DELETED: its tables stop replicating (with protect: true the deletion "
                "is refused until phase complete)."
            )
        elif c.kind == "update" and c.type == TASK:
            out += _task_update_warnings(c)
    return ([""] if out else []) + out


def _task_update_warnings(c: Any) -> list[str]:
    out = []
    if "tableMappings" in c.fields:
        out.append(
            f"WARNING: {c.name} changes its table mappings: a table that moves into a running CDC task is loaded "
            "again, one that moves out stops replicating. Freeze the split with sizing.planFile before the "
            "first pulumi up."
        )
    if "move" in c.effects.values():
        out.append(
            f"NOTE: {c.name} moves to another replication instance: the provider stops it, moves it "
            "(MoveReplicationTask) and starts it again only if startReplicationTask is true."
        )
    restart = sorted(f for f, e in c.effects.items() if e == "restart")
    if restart:
        out.append(
            f"NOTE: {c.name} is modified in place ({', '.join(restart)}): a running task is stopped, modified and "
            "started again (each wait is 5 minutes in the provider; if up times out on a big task, run it again)."
        )
    return out


def _load(args: argparse.Namespace) -> Any:
    from migration.config.stackfile import read_stack_file

    return read_stack_file(args.root, args.stack, args.set or []).load()


def cmd_prereqs(args: argparse.Namespace) -> int:
    from migration.docs.stack_docs import prerequisites

    print(prerequisites(_load(args), side=args.side))
    return 0


def cmd_runbook(args: argparse.Namespace) -> int:
    from migration.docs.stack_docs import runbook

    text = runbook(_load(args))
    if args.output == "-":
        print(text)
        return 0
    out = Path(args.output) if args.output else args.root / "plan" / args.stack / "runbook.md"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(text, encoding="utf-8")
    print(f"Runbook for stack '{args.stack}' written to {out}")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = OneLineParser(
        prog="python -m migration", description="Offline tools for the Oracle -> PostgreSQL DMS stack."
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
    plan.add_argument(
        "--deployed",
        type=Path,
        metavar="FILE",
        help="`pulumi stack output --json` of the deployed stack: check the plan against it as pulumi up would "
        "(default: none; with --set, the stack file as it is)",
    )
    plan.set_defaults(func=cmd_plan)

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
    sub.add_parser("inventory", help="Oracle inventory report and PostgreSQL DDL (see: inventory --help)")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if len(argv) >= 3 and argv[0] == "--root" and argv[2] == "inventory":
        argv = ["inventory", *argv[3:], "--root", argv[1]]  # the root matters to `inventory ... --stack`
    if argv and argv[0] == "inventory":
        from migration.cli import inventory as inventory_cli

        return inventory_cli.main(argv[1:])
    try:
        args = build_parser().parse_args(argv)
        return int(args.func(args))
    except (ConfigError, UsageError, PrereqsError, RunbookError) as exc:
        return _fail(str(exc))
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
