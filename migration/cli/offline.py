"""Run the real Pulumi program under mocks and record every resource it would register.

This is what `pulumi preview` would see: the same `__main__.py`, the same config (from the stack file), the same
inputs. Computed outputs (ARNs, ids) are filled with recognisable fake values.
"""

from __future__ import annotations

import json
import logging
import os
import runpy
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pulumi
from pulumi.runtime import mocks as pulumi_mocks
from pulumi.runtime.config import set_all_config

from migration.config import ConfigError
from migration.config.stackfile import StackFile
from migration.dms.provider_facts import CERTIFICATE, ENDPOINT, EVENT_SUBSCRIPTION, INSTANCE, TASK, Effect, effect_of

SECRET_SIG = "4dabf18193072939515e22adb298388d"
FAKE_ACCOUNT = "123456789012"

# Outputs the program reads from resources, by type token: name of the output -> how to fake it.
_ARN_OUTPUTS = {
    INSTANCE: ("replicationInstanceArn", "rep"),
    ENDPOINT: ("endpointArn", "endpoint"),
    TASK: ("replicationTaskArn", "task"),
    CERTIFICATE: ("certificateArn", "cert"),
    EVENT_SUBSCRIPTION: ("arn", "es"),
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
    delete_before_replace: bool = False


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


STACK_REFERENCE = "pulumi:pulumi:StackReference"


class RecordingMocks(pulumi.runtime.Mocks):
    """Records every resource; answers the program's self StackReference with `deployed`, the outputs of the stack
    as deployed (None: a stack that has never been deployed)."""

    def __init__(self, region: str, deployed: dict[str, Any] | None = None) -> None:
        self.region = region
        self.deployed = deployed
        self.resources: list[Recorded] = []
        self.pending: dict[str, Any] = {}

    def new_resource(self, args: pulumi.runtime.MockResourceArgs) -> tuple[str, dict[str, Any]]:
        if args.typ == STACK_REFERENCE:  # a read, not a resource `pulumi up` creates
            name = args.inputs.get("name", args.name)
            return str(name), {"name": name, "outputs": dict(self.deployed or {}), "secretOutputNames": []}
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
                delete_before_replace=opts.get("delete_before_replace", False),
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
            "delete_before_replace": bool(request.deleteBeforeReplace),
        }
        try:
            return super().RegisterResource(request)
        finally:
            mocks.pending = {}


@dataclass
class ProgramRun:
    resources: list[Recorded]
    outputs: dict[str, Any]
    warnings: list[str] = field(default_factory=list)  # what the program logs as warnings (pulumi.log.warn)
    design: Any = None  # the MigrationDesign the program worked out (its global `design`), when it got that far


class _Collected(logging.Handler):
    """Keeps the program's log warnings for the plan to print, instead of a bare line on stderr."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(record.getMessage())


def _program_logger() -> tuple[logging.Logger, _Collected]:
    logger = logging.getLogger("oracle2pg.offline.program")
    logger.propagate = False
    for old in list(logger.handlers):
        logger.removeHandler(old)
    collected = _Collected()
    logger.addHandler(collected)
    return logger, collected


def run_program(sf: StackFile, program: Path | None = None, deployed: dict[str, Any] | None = None) -> ProgramRun:
    """Run `__main__.py` of the project at `sf.root` under mocks with the stack file's config; `deployed` is what
    the program's self StackReference reads (the outputs of the stack as deployed)."""
    program = program or sf.root / "__main__.py"
    if not program.is_file():
        raise ConfigError(f"{program}: the Pulumi program is missing; --root must be the project directory")
    region = str(sf.values.get("aws:region", "us-east-1"))
    mocks = RecordingMocks(region, deployed)
    set_all_config(sf.pulumi_config(), sorted(sf.secret_keys))
    pulumi.runtime.settings.set_root_resource(None)  # type: ignore[arg-type]  # a fresh stack per run
    logger, collected = _program_logger()
    pulumi.runtime.set_mocks(
        mocks, project=sf.project, stack=sf.stack, preview=False, logger=logger, monitor=RecordingMonitor(mocks)
    )
    outputs: dict[str, Any] = {}
    program_globals: dict[str, Any] = {}

    @pulumi.runtime.test
    def _run() -> Any:
        program_globals.update(runpy.run_path(str(program), run_name="__main__"))
        stack_resource = pulumi.runtime.settings.get_root_resource()
        exported = dict(getattr(stack_resource, "outputs", {}) or {})
        return pulumi.Output.from_input(exported).apply(outputs.update)

    cwd = os.getcwd()
    os.chdir(sf.root)  # `pulumi up` runs the program in the project directory; relative paths start there
    try:
        _run()
    finally:
        os.chdir(cwd)
    design = program_globals.get("design")
    # Pulumi registers from a thread pool, so the order the mocks saw changes from run to run: sort it, so the
    # resource list, the tree and the written documents are the same bytes for the same program and config.
    resources = sorted(mocks.resources, key=lambda r: (r.name, r.type))
    return ProgramRun(resources=resources, outputs=outputs, warnings=collected.lines, design=design)


@dataclass
class Change:
    kind: str  # "create" | "delete" | "update" | "replace" | "refused"
    type: str
    name: str
    fields: list[str] = field(default_factory=list)
    effects: dict[str, Effect] = field(default_factory=dict)  # input -> provider effect (restart, move, ...)
    protected: bool = False  # protect is on for the deployed resource: pulumi up refuses its replace or delete
    # For a task whose tableMappings change: the rule types whose rules differ ("selection", "transformation",
    # "table-settings"); settings alone (LOB sizes, parallel load) move no table.
    mapping_rule_types: list[str] = field(default_factory=list)


def _arn_of(rec: Recorded) -> str | None:
    """The fake ARN the mocks gave `rec` (what other resources' inputs hold when they point at it)."""
    arn_key = _ARN_OUTPUTS.get(rec.type)
    return f":{arn_key[1]}:{rec.name.upper()}" if arn_key else None


def _changed(type_token: str, name: str, a: dict[str, Any], b: dict[str, Any], flags: list[str]) -> Change | None:
    fields = sorted(k for k in set(a) | set(b) if a.get(k) != b.get(k))
    if not fields and not flags:
        return None
    effects = {f: e for f in fields if (e := effect_of(type_token, f)) is not None}
    kind = "replace" if "replace" in effects.values() else "refused" if "refused" in effects.values() else "update"
    return Change(kind, type_token, name, fields + flags, effects)


def _cascade(changes: list[Change], old: dict[str, Recorded], new: dict[str, Recorded]) -> None:
    """A replaced endpoint gets a new ARN, and the tasks using it are replaced (their endpoint inputs are
    ForceNew). A replaced instance gets a new ARN too; its tasks would be moved, but AWS refuses to delete an
    instance that still has tasks, so that `up` fails half-way: shown as a move with the reason."""
    replaced = {c.name for c in changes if c.kind == "replace" and c.type in (INSTANCE, ENDPOINT)}
    if not replaced:
        return
    by_name = {c.name: c for c in changes}
    for name in sorted(set(old) & set(new)):
        rec = new[name]
        if rec.type != TASK:
            continue
        for dep in sorted(replaced):
            arn = _arn_of(new[dep])
            input_name = next(
                (k for k, v in rec.inputs.items() if arn and isinstance(v, str) and v.endswith(arn)), None
            )
            if input_name is None:
                continue
            change = by_name.get(name) or Change("update", TASK, name, protected=old[name].protect)
            if name not in by_name:
                changes.append(change)
                by_name[name] = change
            effect = effect_of(TASK, input_name) or "restart"
            change.effects[input_name] = effect
            change.fields.append(f"({dep} replaced)")
            if effect == "replace":
                change.kind = "replace"


def diff_runs(before: ProgramRun, after: ProgramRun) -> list[Change]:
    """What `pulumi up` would do to go from `before` to `after`, by resource name and inputs, with the provider's
    effect of each changed input (migration.dms.provider_facts)."""
    old = {r.name: r for r in before.resources if r.custom}
    new = {r.name: r for r in after.resources if r.custom}
    changes = [Change("create", new[n].type, n) for n in sorted(set(new) - set(old))]
    changes += [Change("delete", old[n].type, n, protected=old[n].protect) for n in sorted(set(old) - set(new))]
    for n in sorted(set(old) & set(new)):
        if old[n].type != new[n].type:  # e.g. a task moving to DMS Serverless: a new resource under the old name
            changes.append(Change("replace", new[n].type, n, [f"was {old[n].type}"], protected=old[n].protect))
            continue
        flags = [f for f in ("protect",) if getattr(old[n], f) != getattr(new[n], f)]
        change = _changed(new[n].type, n, mask_secrets(old[n].inputs), mask_secrets(new[n].inputs), flags)
        if change is not None:
            change.protected = old[n].protect
            if "tableMappings" in change.fields:
                change.mapping_rule_types = mapping_rule_types(
                    old[n].inputs["tableMappings"], new[n].inputs["tableMappings"]
                )
            changes.append(change)
    _cascade(changes, old, new)
    return changes


def mapping_rule_types(before: Any, after: Any) -> list[str]:
    """The rule types whose rules differ between two table-mapping documents (JSON text), rule ids and names aside
    (inserting a rule renumbers the ones after it); every type when either does not parse."""
    try:
        old, new = _rules_by_type(before), _rules_by_type(after)
    except (ValueError, TypeError, AttributeError, KeyError):
        return ["selection", "transformation", "table-settings"]
    return sorted(t for t in set(old) | set(new) if old.get(t) != new.get(t))


def _rules_by_type(doc: Any) -> dict[str, list[Any]]:
    rules = json.loads(doc)["rules"] if isinstance(doc, str) else doc["rules"]
    out: dict[str, list[Any]] = {}
    for rule in rules:
        body = {k: v for k, v in rule.items() if k not in ("rule-id", "rule-name")}
        out.setdefault(str(rule.get("rule-type")), []).append(json.dumps(body, sort_keys=True))
    return out
