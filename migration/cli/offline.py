"""Run the real Pulumi program under mocks and record every resource it would register.

This is what `pulumi preview` would see: the same `__main__.py`, the same config (from the stack file), the same
inputs. Computed outputs (ARNs, ids) are filled with recognisable fake values.
"""

from __future__ import annotations

import os
import runpy
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pulumi
from pulumi.runtime import mocks as pulumi_mocks
from pulumi.runtime.config import set_all_config

from migration.config.model import ConfigError
from migration.config.stackfile import StackFile

SECRET_SIG = "4dabf18193072939515e22adb298388d"
FAKE_ACCOUNT = "123456789012"

# Outputs the program reads from resources, by type token: name of the output -> how to fake it.
_ARN_OUTPUTS = {
    "aws:dms/replicationInstance:ReplicationInstance": ("replicationInstanceArn", "rep"),
    "aws:dms/endpoint:Endpoint": ("endpointArn", "endpoint"),
    "aws:dms/replicationTask:ReplicationTask": ("replicationTaskArn", "task"),
    "aws:dms/certificate:Certificate": ("certificateArn", "cert"),
    "aws:dms/eventSubscription:EventSubscription": ("arn", "es"),
}


@dataclass
class Recorded:
    type: str
    name: str
    inputs: dict[str, Any]
    custom: bool
    parent: str = ""
    protect: bool = False
    retain_on_delete: bool = False
    depends_on: list[str] = field(default_factory=list)


def reveal(value: Any) -> tuple[Any, bool]:
    """Unwrap mock-serialised secrets; tell whether anything inside was secret."""
    if isinstance(value, dict):
        if value.get(SECRET_SIG) == "1b47061264138c4ac30d75fd1eb44270":
            return reveal(value.get("value"))[0], True
        out, secret = {}, False
        for k, v in value.items():
            out[k], s = reveal(v)
            secret = secret or s
        return out, secret
    if isinstance(value, list):
        pairs = [reveal(v) for v in value]
        return [v for v, _ in pairs], any(s for _, s in pairs)
    return value, False


def mask_secrets(value: Any) -> Any:
    """Replace every secret value with the marker `[secret]` (for printing and plan files)."""
    if isinstance(value, dict):
        if value.get(SECRET_SIG) == "1b47061264138c4ac30d75fd1eb44270":
            return "[secret]"
        return {k: mask_secrets(v) for k, v in value.items()}
    if isinstance(value, list):
        return [mask_secrets(v) for v in value]
    return value


class RecordingMocks(pulumi.runtime.Mocks):
    def __init__(self, region: str) -> None:
        self.region = region
        self.resources: list[Recorded] = []
        self.pending: dict[str, Any] = {}

    def new_resource(self, args: pulumi.runtime.MockResourceArgs) -> tuple[str, dict[str, Any]]:
        opts = self.pending
        self.resources.append(
            Recorded(
                type=args.typ,
                name=args.name,
                inputs=dict(args.inputs),
                custom=bool(args.custom),
                parent=opts.get("parent", ""),
                protect=opts.get("protect", False),
                retain_on_delete=opts.get("retain", False),
                depends_on=opts.get("depends_on", []),
            )
        )
        outputs = dict(args.inputs)
        arn_key = _ARN_OUTPUTS.get(args.typ)
        if arn_key:
            outputs[arn_key[0]] = f"arn:aws:dms:{self.region}:{FAKE_ACCOUNT}:{arn_key[1]}:{args.name.upper()}"
        outputs.setdefault("arn", f"arn:aws:mock:{self.region}:{FAKE_ACCOUNT}:{args.name}")
        return f"{args.name}-id", outputs

    def call(self, args: pulumi.runtime.MockCallArgs) -> Any:
        if args.token == "aws:index/getCallerIdentity:getCallerIdentity":
            return {"accountId": FAKE_ACCOUNT, "arn": f"arn:aws:iam::{FAKE_ACCOUNT}:user/plan", "userId": "plan"}
        if args.token == "aws:index/getRegion:getRegion":
            return {"name": self.region, "region": self.region}
        if args.token == "aws:index/getPartition:getPartition":
            return {"partition": "aws", "dnsSuffix": "amazonaws.com"}
        return {}


class RecordingMonitor(pulumi_mocks.MockMonitor):
    """Passes resource options (protect, retainOnDelete, parent) to the mocks, which the Mocks API hides.

    Pulumi registers resources from a thread pool; the lock keeps each request's options with its resource.
    """

    _lock = threading.Lock()

    def RegisterResource(self, request: Any) -> Any:
        with self._lock:
            return self._register(request)

    def _register(self, request: Any) -> Any:
        mocks = self.mocks
        assert isinstance(mocks, RecordingMocks)
        mocks.pending = {
            "parent": request.parent.rsplit("::", 1)[-1] if request.parent else "",
            "protect": bool(request.protect),
            "retain": bool(request.retainOnDelete),
            "depends_on": [d.rsplit("::", 1)[-1] for d in request.dependencies],
        }
        try:
            return super().RegisterResource(request)
        finally:
            mocks.pending = {}


@dataclass
class ProgramRun:
    resources: list[Recorded]
    outputs: dict[str, Any]


def run_program(sf: StackFile, program: Path | None = None) -> ProgramRun:
    """Run `__main__.py` of the project at `sf.root` under mocks with the stack file's config."""
    program = program or sf.root / "__main__.py"
    if not program.is_file():
        raise ConfigError(f"{program}: the Pulumi program is missing; --root must be the project directory")
    region = str(sf.values.get("aws:region", "us-east-1"))
    mocks = RecordingMocks(region)
    set_all_config(sf.pulumi_config(), sorted(sf.secret_keys))
    pulumi.runtime.settings.set_root_resource(None)  # type: ignore[arg-type]  # a fresh stack per run
    pulumi.runtime.set_mocks(mocks, project=sf.project, stack=sf.stack, preview=False, monitor=RecordingMonitor(mocks))
    outputs: dict[str, Any] = {}

    @pulumi.runtime.test
    def _run() -> Any:
        runpy.run_path(str(program), run_name="__main__")
        stack_resource = pulumi.runtime.settings.get_root_resource()
        exported = dict(getattr(stack_resource, "outputs", {}) or {})
        return pulumi.Output.from_input(exported).apply(outputs.update)

    cwd = os.getcwd()
    os.chdir(sf.root)  # `pulumi up` runs the program in the project directory; relative paths start there
    try:
        _run()
    finally:
        os.chdir(cwd)
    return ProgramRun(resources=mocks.resources, outputs=outputs)


# Inputs whose change makes the provider replace a task: a new task starts from scratch (full reload or a lost
# CDC position), so a config edit must never touch them on an existing task.
TASK_REPLACE_INPUTS = (
    "replicationTaskId",
    "migrationType",
    "replicationInstanceArn",
    "sourceEndpointArn",
    "targetEndpointArn",
    "resourceIdentifier",
)
TASK_TYPE = "aws:dms/replicationTask:ReplicationTask"
INSTANCE_TYPE = "aws:dms/replicationInstance:ReplicationInstance"
ENDPOINT_TYPE = "aws:dms/endpoint:Endpoint"
# Inputs the AWS provider cannot change in place (ForceNew), by resource type. A replaced instance or endpoint
# has a new ARN, which in turn replaces every task that uses it.
REPLACE_INPUTS: dict[str, tuple[str, ...]] = {
    TASK_TYPE: TASK_REPLACE_INPUTS,
    INSTANCE_TYPE: ("replicationInstanceId", "kmsKeyArn", "publiclyAccessible", "replicationSubnetGroupId"),
    ENDPOINT_TYPE: ("endpointId", "kmsKeyArn"),
    "aws:dms/replicationSubnetGroup:ReplicationSubnetGroup": ("replicationSubnetGroupId",),
    "aws:dms/certificate:Certificate": ("certificateId", "certificatePem", "certificateWallet"),
}


@dataclass
class Change:
    kind: str  # "create" | "delete" | "update" | "replace"
    type: str
    name: str
    fields: list[str] = field(default_factory=list)


def diff_runs(before: ProgramRun, after: ProgramRun) -> list[Change]:
    """What `pulumi up` would do to go from `before` to `after`, by resource name and inputs."""
    old = {r.name: r for r in before.resources if r.custom}
    new = {r.name: r for r in after.resources if r.custom}
    changes = [Change("create", new[n].type, n) for n in sorted(set(new) - set(old))]
    changes += [Change("delete", old[n].type, n) for n in sorted(set(old) - set(new))]
    for n in sorted(set(old) & set(new)):
        a, b = mask_secrets(old[n].inputs), mask_secrets(new[n].inputs)
        fields = sorted(k for k in set(a) | set(b) if a.get(k) != b.get(k))
        flags = [f for f in ("protect",) if getattr(old[n], f) != getattr(new[n], f)]
        if fields or flags:
            replace = any(f in REPLACE_INPUTS.get(new[n].type, ()) for f in fields)
            changes.append(Change("replace" if replace else "update", new[n].type, n, fields + flags))
    # A new instance or endpoint ARN replaces the tasks that point at it.
    if any(c.kind == "replace" and c.type in (INSTANCE_TYPE, ENDPOINT_TYPE) for c in changes):
        for c in changes:
            if c.type == TASK_TYPE and c.kind == "update":
                c.kind = "replace"
                c.fields.append("(instance or endpoint replaced)")
        touched = {c.name for c in changes}
        for n in sorted(set(old) & set(new)):
            if new[n].type == TASK_TYPE and n not in touched:
                changes.append(Change("replace", TASK_TYPE, n, ["(instance or endpoint replaced)"]))
    return changes
