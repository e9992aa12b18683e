"""Overhead benchmark: what our layer (config model, planner, documents, components) costs over plain pulumi-aws.

Generates a prod-like stack (Pulumi.prod.yaml with a generated inventory of 2,000 tables in APP and HR, sizing auto
with maxTablesPerTask 50, so exactly 40 forward tasks plus the reverse task) into a temp dir and renders it under
Pulumi mocks with `migration.offline.run_program`. Then a hand-written pulumi-aws program registers the same
resources with the same inputs: every custom resource recorded by the first run, rebuilt by calling its
`pulumi_aws` constructor directly (camelCase inputs to snake_case kwargs, values that are another resource's fake
id/ARN wired back to that resource's Output, same protect/depends_on), under the same mocks. Both are timed best of 3;
the script prints the times, resources per second and the ratio ours / hand-written (target <= 1.2), and checks
that the hand-written run recorded identical inputs. It prints and never asserts.

Run: python benchmarks/bench_overhead.py
"""

from __future__ import annotations

import csv
import json
import os
import re
import shutil
import sys
import tempfile
import time
from pathlib import Path
from typing import Any, Callable

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import pulumi  # noqa: E402
import pulumi_aws as aws  # noqa: E402
from pulumi.runtime.config import set_all_config  # noqa: E402

from migration.cli.offline import (  # noqa: E402
    _ARN_OUTPUTS,
    FAKE_ACCOUNT,
    ProgramRun,
    Recorded,
    RecordingMocks,
    RecordingMonitor,
    reveal,
    run_program,
)
from migration.config.stackfile import read_stack_file  # noqa: E402
from migration.inventory.load import COLUMNS_HEADER  # noqa: E402
from migration.planning.design import resolve  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
TABLES = 2000
MAX_TABLES_PER_TASK = 50
EXPECTED_FORWARD_TASKS = TABLES // MAX_TABLES_PER_TASK
REPEATS = 3
REGION = "eu-west-1"  # Pulumi.prod.yaml's aws:region: the mocks build fake ARNs from it

# Type token -> the pulumi_aws constructor the hand-written program calls.
CONSTRUCTORS: dict[str, Callable[..., pulumi.CustomResource]] = {
    "aws:iam/role:Role": aws.iam.Role,
    "aws:iam/rolePolicy:RolePolicy": aws.iam.RolePolicy,
    "aws:iam/rolePolicyAttachment:RolePolicyAttachment": aws.iam.RolePolicyAttachment,
    "aws:dms/replicationSubnetGroup:ReplicationSubnetGroup": aws.dms.ReplicationSubnetGroup,
    "aws:ec2/securityGroup:SecurityGroup": aws.ec2.SecurityGroup,
    "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule": aws.vpc.SecurityGroupEgressRule,
    "aws:dms/replicationInstance:ReplicationInstance": aws.dms.ReplicationInstance,
    "aws:dms/certificate:Certificate": aws.dms.Certificate,
    "aws:dms/endpoint:Endpoint": aws.dms.Endpoint,
    "aws:dms/replicationTask:ReplicationTask": aws.dms.ReplicationTask,
    "aws:sns/topic:Topic": aws.sns.Topic,
    "aws:sns/topicSubscription:TopicSubscription": aws.sns.TopicSubscription,
    "aws:cloudwatch/metricAlarm:MetricAlarm": aws.cloudwatch.MetricAlarm,
    "aws:dms/eventSubscription:EventSubscription": aws.dms.EventSubscription,
    "aws:cloudwatch/dashboard:Dashboard": aws.cloudwatch.Dashboard,
    "aws:cloudwatch/eventRule:EventRule": aws.cloudwatch.EventRule,
    "aws:cloudwatch/eventTarget:EventTarget": aws.cloudwatch.EventTarget,
    "aws:sns/topicPolicy:TopicPolicy": aws.sns.TopicPolicy,
    "aws:dms/replicationConfig:ReplicationConfig": aws.dms.ReplicationConfig,
}
# Inputs that are objects of an *Args type: their keys are property names (camelCase -> snake_case). Every other
# mapping (tags, alarm dimensions) keeps its keys as they are.
NESTED_ARGS = {
    "oracleSettings": aws.dms.EndpointOracleSettingsArgs,
    "postgresSettings": aws.dms.EndpointPostgresSettingsArgs,
    "computeConfig": aws.dms.ReplicationConfigComputeConfigArgs,
}


# ------------------------------------------------------------------------------------------ the generated stack


def write_inventory(directory: Path) -> None:
    """2,000 small keyed tables without LOBs, so the planner's only split is by table count."""
    directory.mkdir()
    with (
        open(directory / "tables.csv", "w", newline="") as t,
        open(directory / "columns.csv", "w", newline="") as c,
        open(directory / "keys.csv", "w", newline="") as k,
    ):
        tables, columns, keys = csv.writer(t), csv.writer(c), csv.writer(k)
        tables.writerow(
            ["OWNER", "TABLE_NAME", "NUM_ROWS", "BYTES", "HAS_PRIMARY_KEY", "HAS_UNIQUE_KEY", "PARTITIONED"]
        )
        columns.writerow([*COLUMNS_HEADER, "CHAR_LENGTH"])
        keys.writerow(["OWNER", "TABLE_NAME", "CONSTRAINT_TYPE", "COLUMN_NAME", "POSITION", "CONSTRAINT_NAME"])
        for i in range(TABLES):
            owner, name = ("APP" if i % 2 else "HR"), f"T{i:04d}"
            rows = 1000 + (i * 7919) % 200000
            tables.writerow([owner, name, rows, rows * 120, "Y", "N", "NO"])
            columns.writerows(
                [
                    [owner, name, "ID", "NUMBER", 22, 12, 0, "N", "", 0],
                    [owner, name, "NAME", "VARCHAR2", 200, "", "", "N", "C", 50],
                    [owner, name, "AMOUNT", "NUMBER", 22, 12, 2, "Y", "", 0],
                    [owner, name, "CREATED_AT", "DATE", 7, "", "", "N", "", 0],
                ]
            )
            keys.writerow([owner, name, "P", "ID", 1, f"{name}_PK"])
    (directory / "lobs.csv").write_text('"OWNER","TABLE_NAME","COLUMN_NAME","MAX_BYTES"\n', encoding="utf-8")


def make_project(root: Path) -> None:
    for name in ("Pulumi.yaml", "__main__.py"):
        shutil.copy(ROOT / name, root / name)
    write_inventory(root / "inv")
    text = (ROOT / "Pulumi.prod.yaml").read_text(encoding="utf-8").replace("tests/data/inventory/", "inv/")
    # the generated inventory has no APP.DOCUMENTS; split by table count instead
    text, n = re.subn(
        r"    keyRanges:\n      APP\.DOCUMENTS: \[1, 85000\]\n", f"    maxTablesPerTask: {MAX_TABLES_PER_TASK}\n", text
    )
    if n != 1:
        raise SystemExit("Pulumi.prod.yaml changed shape: keyRanges of APP.DOCUMENTS not found")
    text = re.sub(r"    planFile: .*\n", "", text)  # plan the generated inventory afresh
    (root / "Pulumi.bench.yaml").write_text(text, encoding="utf-8")


# ---------------------------------------------------------------------------------- the hand-written program


def snake(name: str) -> str:
    return re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", name).lower()


def kwargs_of(rec: Recorded, outputs: dict[str, pulumi.Output[Any]]) -> dict[str, Any]:
    """Recorded inputs as constructor kwargs; fake ids/ARNs of earlier resources become their Outputs again."""

    def wire(value: Any) -> Any:
        if isinstance(value, str):
            return outputs.get(value, value)
        if isinstance(value, list):
            return [wire(v) for v in value]
        if isinstance(value, dict):
            return {k: wire(v) for k, v in value.items()}
        return value

    kwargs: dict[str, Any] = {}
    for key, raw in rec.inputs.items():
        value, secret = reveal(raw)
        if key in NESTED_ARGS:
            value = NESTED_ARGS[key](**{snake(k): v for k, v in value.items()})
        elif key == "__defaults":
            continue
        value = wire(value)
        kwargs[snake(key)] = pulumi.Output.secret(value) if secret else value
    return kwargs


def hand_written(recorded: list[Recorded], with_components: bool = False) -> None:
    """The same resources as plain pulumi-aws calls, in the order our program registered them. With
    `with_components`, also the same (empty) component resources as parents: that isolates what registering the
    component tree costs from what our pure logic costs."""
    outputs: dict[str, pulumi.Output[Any]] = {}
    by_name: dict[str, pulumi.Resource] = {}
    for rec in recorded:
        parent = by_name.get(rec.parent) if with_components else None
        if not rec.custom:
            if with_components:
                component = pulumi.ComponentResource(rec.type, rec.name, None, pulumi.ResourceOptions(parent=parent))
                component.register_outputs({})
                by_name[rec.name] = component
            continue
        depends = [by_name[d] for d in rec.depends_on if d in by_name]
        res = CONSTRUCTORS[rec.type](
            rec.name,
            **kwargs_of(rec, outputs),
            opts=pulumi.ResourceOptions(parent=parent, protect=rec.protect, depends_on=depends),
        )
        by_name[rec.name] = res
        outputs[f"{rec.name}-id"] = res.id
        arn_key = _ARN_OUTPUTS.get(rec.type)
        if arn_key:
            outputs[f"arn:aws:dms:{REGION}:{FAKE_ACCOUNT}:{arn_key[1]}:{rec.name.upper()}"] = getattr(
                res, snake(arn_key[0])
            )
        if hasattr(res, "arn"):
            outputs[f"arn:aws:mock:{REGION}:{FAKE_ACCOUNT}:{rec.name}"] = res.arn


def run_hand_written(sf: Any, recorded: list[Recorded], with_components: bool = False) -> ProgramRun:
    """Same mock setup as `run_program`, with the hand-written function instead of `__main__.py`."""
    mocks = RecordingMocks(REGION)
    set_all_config(sf.pulumi_config(), sorted(sf.secret_keys))
    pulumi.runtime.settings.set_root_resource(None)  # type: ignore[arg-type]
    pulumi.runtime.set_mocks(mocks, project=sf.project, stack=sf.stack, preview=False, monitor=RecordingMonitor(mocks))

    @pulumi.runtime.test
    def _run() -> None:
        hand_written(recorded, with_components)

    _run()
    return ProgramRun(resources=mocks.resources, outputs={})


# ------------------------------------------------------------------------------------------------------- timing


def best_of(fn: Callable[[], ProgramRun]) -> tuple[float, ProgramRun]:
    best, run = float("inf"), None
    for _ in range(REPEATS):
        start = time.perf_counter()
        run = fn()
        best = min(best, time.perf_counter() - start)
    assert run is not None
    return best, run


def signature(run: ProgramRun) -> list[tuple[str, str, str]]:
    return sorted((r.type, r.name, json.dumps(reveal(r.inputs)[0], sort_keys=True)) for r in run.resources if r.custom)


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="bench-overhead-") as tmp:
        root = Path(tmp)
        make_project(root)
        os.chdir(root)  # `pulumi up` runs the program in the project directory; relative paths start there
        sf = read_stack_file(root, "bench")
        stack = sf.load()
        start = time.perf_counter()
        specs = resolve(stack).tasks
        logic = time.perf_counter() - start
        forward = sum(1 for s in specs if s.direction == "forward")
        print(
            f"stack: {TABLES} tables in APP/HR, {forward} forward tasks (expected {EXPECTED_FORWARD_TASKS}), "
            f"{len(specs) - forward} reverse (phase {stack.config.phase})"
        )

        ours, ours_run = best_of(lambda: run_program(sf))
        recorded = ours_run.resources
        custom = sum(1 for r in recorded if r.custom)
        components = len(recorded) - custom
        hand, hand_run = best_of(lambda: run_hand_written(sf, recorded))
        tree, tree_run = best_of(lambda: run_hand_written(sf, recorded, with_components=True))
        start = time.perf_counter()
        resolve(sf.load())
        warm_logic = time.perf_counter() - start

        same = signature(ours_run) == signature(hand_run) == signature(tree_run)
        print(
            f"resources: {custom} custom + {components} components; the hand-written runs registered the same "
            f"types, names and inputs: {'yes' if same else 'NO'}"
        )
        print(f"{'':44}{'time':>9}  {'resources/s':>11}")
        for label, seconds in (
            (f"ours (run_program, best of {REPEATS})", ours),
            (f"hand-written pulumi_aws (best of {REPEATS})", hand),
            (f"hand-written + the same {components} components", tree),
        ):
            print(f"{label:44}{seconds:7.3f} s  {custom / seconds:11.1f}")
        print(f"ratio ours / hand-written: {ours / hand:.2f} (target <= 1.2)")
        print(
            f"overhead {ours - hand:.3f} s: registering the component tree {tree - hand:.3f} s, config + task specs "
            f"{warm_logic:.3f} s per run (inventory cached; its first load took {logic:.3f} s with the specs)"
        )


if __name__ == "__main__":
    main()
