"""`python -m migration plan`: run the real program under mocks, show what `pulumi up` would do, and gate a review.

Without a comparison it lists what a first `pulumi up` creates. With `--set`, `--against REF` or `--against-file`
it plans the stack file before and after the edit, takes "before" as the deployed stack (so whatever `pulumi up`
would refuse is refused here too) and lists the changes with what the provider does with each. Exit codes a CI
job can gate on: 0 clean, 2 a config error or a change `pulumi up` refuses, 3 a destructive change (replace,
delete, reload, phase back, abandoning the migration) unless `--allow-destructive`.
"""

from __future__ import annotations

import argparse
import io
import json
import subprocess
import tarfile
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from migration.cli.lob_limits import DOCUMENTS, lob_limit_notices
from migration.cli.offline import Change, ProgramRun, diff_runs, mask_secrets, run_program
from migration.cli.outputs import publish_dir, stack_inputs
from migration.cli.render import render_tree, section
from migration.config import ConfigError
from migration.config.stackfile import StackFile, read_stack_file, shown
from migration.notices import Level, Notice, any_destructive, note, warning
from migration.planning.design import resolve
from migration.planning.plan_source import DuplicateKeyError, decode_json_bytes, json_loads_strict

EXIT_CLEAN, EXIT_CONFIG, EXIT_DESTRUCTIVE = 0, 2, 3
# Where a task's documents are: (id input, settings input) of a replication task and of a serverless config.
_DOCUMENTS = {token: (id_input, settings) for token, (id_input, settings, _) in DOCUMENTS.items()}


@dataclass
class Comparison:
    label: str  # what "before" is, for people: "Pulumi.prod.yaml as it is", "Pulumi.prod.yaml at main"
    before: ProgramRun | None  # None: "before" does not plan (then there is nothing to compare)
    problem: str = ""
    caveats: list[Notice] = field(default_factory=list)  # what the comparison cannot see (inputs outside REF's tree)


@dataclass
class PlanResult:
    design: Any  # the MigrationDesign the program worked out
    run: ProgramRun
    comparison: Comparison | None
    edits: list[str] = field(default_factory=list)  # the --set items, as shown to people
    changes: list[Change] = field(default_factory=list)
    change_notices: list[Notice] = field(default_factory=list)
    transition_notices: list[Notice] = field(default_factory=list)  # what the deployed-state check said
    written: list[str] = field(default_factory=list)
    out_dir: Path | None = None

    @property
    def stack(self) -> Any:
        return self.design.stack

    @property
    def destructive(self) -> bool:
        return any_destructive([*self.transition_notices, *self.change_notices])


def cmd_plan(args: argparse.Namespace) -> int:
    result = plan_stack(args)
    if args.format == "json":
        print(json.dumps(to_json(result), indent=2, sort_keys=True))
    else:
        print(render_text(result, verbose=args.verbose))
    if result.destructive and not args.allow_destructive:
        if args.format != "json":
            print(
                "\nExit code 3: the preview has destructive changes (see WARNING lines); "
                "--allow-destructive accepts them."
            )
        return EXIT_DESTRUCTIVE
    return EXIT_CLEAN


def plan_stack(args: argparse.Namespace) -> PlanResult:
    """Plan the stack (after the edit, if any) against its comparison, and write the documents."""
    import pulumi

    from migration.planning.transitions import check_transition, read_deployed

    sf = read_stack_file(args.root, args.stack, args.set or [])
    sf.load()  # fail fast with the one-line config error, before anything runs
    deployed = _deployed_outputs(args.deployed) if args.deployed else None
    if deployed is not None:
        read_deployed(deployed)  # outputs this program did not write: one line before anything runs
    comparison = _comparison(args, deployed)
    if deployed is None and comparison is not None and comparison.before is not None:
        deployed = comparison.before.outputs  # "before" stands for the deployed stack
    try:
        run = run_program(sf, deployed=deployed)  # the program works the design out, once, and checks the change
    except pulumi.RunError as exc:  # the program's own one-line error: bad config, or a change up refuses
        raise ConfigError(str(exc)) from None
    result = PlanResult(run.design, run, comparison, edits=[shown(i) for i in args.set or []])
    # What the program's check said, as typed notices (the program only logs their text).
    state = read_deployed(deployed)
    result.transition_notices = check_transition(run.design, state)
    if comparison is not None and comparison.before is not None:
        result.changes = diff_runs(comparison.before, run)
        # A task whose deployed state records its LOB limits is checked by check_transition; the rendered
        # comparison covers only the tasks of a state written before that record.
        ran = {t: task.hasRun and task.lobs is None for t, task in (state.tasks if state else {}).items()}
        lowered = lob_limit_notices(comparison.before, run, ran)
        frozen = run.design.stack.config.sizing.plan_file
        result.change_notices = comparison.caveats + change_notices(result.changes, frozen) + lowered
    _write_documents(args, result)
    return result


def _comparison(args: argparse.Namespace, deployed: dict[str, Any] | None) -> Comparison | None:
    """What the plan is compared with: the project at a git ref (its stack file, inventory and frozen plan), the
    stack file as it is (--set), or another stack file (--against-file)."""
    if args.against:
        return _against_ref(args, deployed)
    if args.against_file:
        text, label = _old_stack_text(args)
        return _planned_before(
            args, label, lambda: read_stack_file(args.root, args.stack, text=text, source=label), deployed
        )
    if args.set:
        label = f"Pulumi.{args.stack}.yaml as it is"
        return _planned_before(args, label, lambda: read_stack_file(args.root, args.stack), deployed)
    return None


def _planned_before(
    args: argparse.Namespace, label: str, make: Any, deployed: dict[str, Any] | None, program: Path | None = None
) -> Comparison:
    """Run today's program on the "before" stack file; a comparison the reviewer asked for must plan."""
    import pulumi

    try:
        base: StackFile = make()
        before_deployed = deployed if deployed is not None else _as_deployed(resolve(base.load()))
        return Comparison(label, run_program(base, program=program, deployed=before_deployed))
    except (ConfigError, pulumi.RunError) as exc:
        if args.against or args.against_file:
            raise ConfigError(f"{label}: {exc}") from None
        return Comparison(label, None, str(exc))


def _against_ref(args: argparse.Namespace, deployed: dict[str, Any] | None) -> Comparison:
    """`--against REF`: today's program run on the project's files at REF (stack file, inventory CSVs, frozen plan,
    each read from REF's tree, so an edit to any of them shows), extracted into a temporary directory."""
    ref, name = args.against, f"Pulumi.{args.stack}.yaml"
    if ":" in ref or ref.startswith("-") or not ref.strip():
        raise ConfigError(
            f"--against: {ref!r} is not a git ref; give a branch, tag or commit (e.g. --against main): plan reads "
            f"{name} and the files it names from that ref's tree itself"
        )
    prefix = _git(args.root, "rev-parse", "--show-prefix").decode().strip()
    top = Path(_git(args.root, "rev-parse", "--show-toplevel").decode().strip())
    _git(args.root, "rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}", what=f"{ref!r} is not a commit here")
    tree = f"{ref}:{prefix}" if prefix else ref  # the project directory's tree, however deep in the repository
    absent = Comparison(f"{name} at {ref} (absent there: a new stack)", ProgramRun(resources=[], outputs={}))
    if prefix and subprocess.run(["git", "-C", str(top), "cat-file", "-e", tree], capture_output=True).returncode:
        return absent  # the project directory itself is new in this change
    with tempfile.TemporaryDirectory(prefix="plan-against-") as tmp:
        archive = _git(top, "archive", "--format=tar", tree, what=f"cannot read the tree at {ref!r}")
        with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
            tar.extractall(tmp, filter="data")
        before_root = Path(tmp)
        if not (before_root / name).is_file():  # the stack is new in this change: everything is a create
            return absent
        label = f"{name} at {ref}"
        make = lambda: read_stack_file(before_root, args.stack, source=label)  # noqa: E731
        outside = _outside_tree(make, before_root)
        try:
            comparison = _planned_before(args, label, make, deployed, program=args.root / "__main__.py")
        except ConfigError:
            if outside:  # REF's side read today's file: an error in it is today's, and said so
                _today_first(args)
            raise
    if outside:
        text = (
            f"read from outside the tree at {ref}, so both sides used today's file (a change to it does not show "
            f"here): {', '.join(outside)}"
        )
        comparison.caveats.append(warning("input-outside-ref", text))
    return comparison


def _outside_tree(make: Any, tree: Path) -> list[str]:
    """The inputs the stack file at REF names outside REF's tree (an absolute path, `../`): both sides read them
    from the working tree, so the comparison is blind to them."""
    try:
        stack = make().load()
    except ConfigError:
        return []  # the stack file at REF does not load: _planned_before says so
    inside = tree.resolve()
    return sorted(str(p) for p in stack_inputs(tree, stack) if not p.is_relative_to(inside))


def _today_first(args: argparse.Namespace) -> None:
    """Work today's stack out alone: its error, if it has one, named as today's."""
    try:
        resolve(read_stack_file(args.root, args.stack, args.set or []).load())
    except ConfigError as exc:
        raise ConfigError(f"Pulumi.{args.stack}.yaml in the working tree: {exc}") from None


def _git(root: Path, *argv: str, what: str = "") -> bytes:
    """A git command's output in the project directory; its failure as one line."""
    try:
        done = subprocess.run(["git", "-C", str(root), *argv], check=True, capture_output=True)
    except FileNotFoundError:
        raise ConfigError("--against: git is not installed; use --against-file with the old stack file") from None
    except subprocess.CalledProcessError as exc:
        why = (exc.stderr or b"").decode(errors="replace").strip().splitlines()[-1:] or [f"git {argv[0]} failed"]
        if argv[:2] == ("rev-parse", "--show-prefix"):
            raise ConfigError(f"--against: {root} is not in a git repository ({why[0]}); use --against-file") from None
        raise ConfigError(f"--against: {what} ({why[0]})") from None
    return done.stdout


def _as_deployed(design: Any) -> dict[str, Any]:
    """ "Before" stands for a deployed stack: its instance already exists (an engine pin past its no-new-instance
    date is then a warning, not a refusal) and its phase is its own."""
    from migration.planning.transitions import DEPLOYED_STATE_OUTPUT, instance_state

    stack = design.stack
    return {
        DEPLOYED_STATE_OUTPUT: {
            "project": stack.project,
            "stack": stack.stack,
            "region": stack.region,
            "phase": stack.config.phase,
            "replicationInstance": instance_state(design),
        }
    }


def _old_stack_text(args: argparse.Namespace) -> tuple[str, str]:
    """The older stack file `--against-file` names, and its label."""
    path = Path(args.against_file)
    try:
        return path.read_text(encoding="utf-8"), str(path)
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"--against-file: cannot read {path} ({type(exc).__name__})") from None


def _deployed_outputs(path: Path) -> dict[str, Any]:
    """The deployed stack's outputs saved to a file, as its self reference would read them: `pulumi stack output
    --json` (the wrapped object) or `pulumi stack output deployedState --json` (the inner one), checked alike.
    UTF-8 with or without a BOM and UTF-16 with a BOM (what PowerShell's `>` writes) are read."""
    from migration.planning.transitions import DEPLOYED_STATE_OUTPUT, read_deployed

    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        raise ConfigError(f"--deployed: cannot read {path} ({exc.strerror or type(exc).__name__})") from None
    try:
        doc = json_loads_strict(decode_json_bytes(data))  # read as the frozen plan file is read
    except DuplicateKeyError as exc:
        raise ConfigError(f"--deployed: {path}: {exc}; save `pulumi stack output --json` there again") from None
    except UnicodeDecodeError:
        raise ConfigError(
            f"--deployed: cannot read {path} as JSON: neither UTF-8 nor UTF-16 with a BOM; save it with "
            "`pulumi stack output --json > FILE` (in PowerShell: `| Out-File -Encoding utf8 FILE`)"
        ) from None
    except (json.JSONDecodeError, RecursionError) as exc:
        where = f" (line {exc.lineno}, column {exc.colno}: {exc.msg})" if isinstance(exc, json.JSONDecodeError) else ""
        raise ConfigError(
            f"--deployed: cannot read {path} as JSON{where}; save `pulumi stack output --json` there"
        ) from None
    if not isinstance(doc, dict):
        raise ConfigError(f"--deployed: {path} must hold the JSON object of `pulumi stack output --json`")
    if DEPLOYED_STATE_OUTPUT not in doc and _is_inner_state(doc):
        doc = {DEPLOYED_STATE_OUTPUT: doc}  # `pulumi stack output deployedState --json`: the same check
    try:
        read_deployed(doc)  # fail fast, before anything runs
    except ConfigError as exc:
        raise ConfigError(f"--deployed: {path}: {exc}") from None
    if not isinstance(doc.get(DEPLOYED_STATE_OUTPUT), dict):  # `{}` or a phase alone: the guard would be off
        keys = ", ".join(sorted(str(k) for k in doc)[:5]) or "an empty object"
        raise ConfigError(
            f"--deployed: {path} holds no {DEPLOYED_STATE_OUTPUT} output: {keys} (a stack never deployed has no "
            "outputs file — omit --deployed)"
        )
    return doc


def _is_inner_state(doc: dict[str, Any]) -> bool:
    """The `deployedState` object itself: it names its stack or carries tasks or an instance, keys no other output
    of this program has (`pulumi stack output --json` holds them under deployedState)."""
    return bool({"project", "stack", "region", "tasks", "replicationInstance"} & set(doc))


def _write_documents(args: argparse.Namespace, result: PlanResult) -> None:
    """The task documents, resources and outputs, as files a reviewer can diff, put in place together once all of
    them are ready. A preview of an edit never overwrites the documents of the stack as it is; no input is written
    over, and a directory plan did not fill loses nothing."""
    edited = bool(args.set)
    out_dir = args.out or (args.root / "plan" / (f"{args.stack}-preview" if edited else args.stack))
    files = _documents(result)
    inputs = stack_inputs(args.root, result.stack) | ({Path(args.deployed).resolve()} if args.deployed else set())
    publish_dir(out_dir, files, flag="--out", inputs=inputs, owned=_OWNED)
    result.written, result.out_dir = list(files), out_dir


# What plan writes into its directory, for removing what an earlier run wrote for tasks that no longer exist.
_OWNED = ("*.table-mappings.json", "*.task-settings.json", "migration-plan.json")


def _documents(result: PlanResult) -> dict[str, str]:
    files: dict[str, str] = {}
    for r in result.run.resources:
        documents = _DOCUMENTS.get(r.type)
        if documents is not None:
            id_field, settings_field = documents
            task_id = r.inputs[id_field]
            for field_name, suffix in (("tableMappings", "table-mappings"), (settings_field, "task-settings")):
                doc = json.loads(r.inputs[field_name])
                files[f"{task_id}.{suffix}.json"] = json.dumps(doc, indent=2, sort_keys=True) + "\n"
    files["resources.json"] = json.dumps(_resources(result.run), indent=2, sort_keys=True) + "\n"
    files["outputs.json"] = json.dumps(mask_secrets(result.run.outputs), indent=2, sort_keys=True) + "\n"
    if result.design.plan is not None:
        files["migration-plan.json"] = result.design.plan.to_json() + "\n"
    return files


def _resources(run: ProgramRun) -> list[dict[str, Any]]:
    return [
        {
            "type": r.type,
            "name": r.name,
            "parent": r.parent,
            "protect": r.protect,
            "retainOnDelete": r.retain_on_delete,
            "deleteBeforeReplace": r.delete_before_replace,
            "inputs": mask_secrets(r.inputs),
        }
        for r in run.resources
    ]


# ------------------------------------------------------------------------------------------------------- output


def _summary(result: PlanResult) -> str:
    s = result.stack
    custom = [r for r in result.run.resources if r.custom]
    head = f"Offline plan of stack '{s.stack}' (project {s.project}, region {s.region}), run under Pulumi mocks"
    if result.comparison is None:
        return f"{head}: `pulumi up` would create {len(custom)} resources."
    counts: dict[str, int] = {}
    for c in result.changes:
        counts[c.kind] = counts.get(c.kind, 0) + 1
    order = ("create", "update", "replace", "refused", "delete")
    tally = ", ".join(f"{counts[k]} to {k}" for k in order if counts.get(k)) or "no change"
    return f"{head}, compared with {result.comparison.label}: {tally} ({len(custom)} resources after)."


def _changes_text(result: PlanResult) -> str:
    comparison = result.comparison
    if comparison is None:
        return ""
    if comparison.before is None:
        return section("Changes", f"No comparison: {comparison.label} cannot be planned ({comparison.problem}).")
    lines = []
    for c in result.changes:
        detail = f" ({', '.join(c.fields)})" if c.fields else ""
        lines.append(f"  {c.kind:<8} {c.name}  ({c.type}){detail}")
    return section(f"Changes against {comparison.label} ({len(result.changes)})", "\n".join(lines) or "  none")


def _decisions(result: PlanResult) -> str:
    """The stack's own notes first (the split, names; its warnings print under Warnings, as `pulumi up` logs
    them), then each task's reasons."""
    stack = [f"  stack: {n.line}" for n in result.design.notices if n.level is not Level.WARNING]
    tasks = [f"  {spec.task_id}: {reason}" for spec in result.design.tasks for reason in spec.reasons]
    return "\n".join(stack + tasks)


def render_text(result: PlanResult, *, verbose: bool) -> str:
    from migration.planning.planner import render_plan_text

    parts = [_summary(result)]
    if result.comparison is not None:
        if result.edits:
            parts.append("Config edits previewed: " + ", ".join(result.edits))
        parts.append(_changes_text(result))
    warnings = [
        *(f"WARNING (pulumi up would say it too): {w}" for w in result.run.warnings),
        *(  # the deployed-state check's notes: `pulumi up` logs them as info, not among its warnings
            f"{n.line} (against the deployed state)"
            for n in result.transition_notices
            if n.level is not Level.WARNING and not n.destructive
        ),
        *(_change_line(n) for n in result.change_notices),
    ]
    parts.append(section("Warnings", "\n".join(warnings)))
    if result.comparison is None or verbose:
        custom = [r for r in result.run.resources if r.custom]
        parts.append(section(f"Resources ({len(custom)}), by component", render_tree(result.run.resources)))
    if result.design.plan is not None:
        parts.append(section("Migration plan (sizing: auto)", render_plan_text(result.design.plan)))
    parts.append(section("Decisions", _decisions(result)))
    where = f"{result.out_dir}/: {', '.join(result.written)}"
    parts.append(section("Files", f"DMS documents and the full resource list written to {where}"))
    return "\n".join(p for p in parts if p)


def to_json(result: PlanResult) -> dict[str, Any]:
    """Everything the text shows, for machines: resources, changes, warnings, the migration plan, decisions."""
    comparison = result.comparison
    return {
        "stack": result.stack.stack,
        "project": result.stack.project,
        "region": result.stack.region,
        "comparedWith": None if comparison is None else comparison.label,
        "comparisonProblem": None if comparison is None or comparison.before else comparison.problem,
        "resources": _resources(result.run),
        "changes": [
            {
                "kind": c.kind,
                "type": c.type,
                "name": c.name,
                "fields": c.fields,
                "effects": c.effects,
                "protected": c.protected,
            }
            for c in result.changes
        ],
        "warnings": [*result.run.warnings, *(_change_line(n) for n in result.change_notices)],
        "destructive": result.destructive,
        "migrationPlan": None if result.design.plan is None else json.loads(result.design.plan.to_json()),
        "stackNotes": [n.line for n in result.design.notices],
        "notices": [_notice_json(n, "stack") for n in result.design.notices]
        + [_notice_json(n, "deployed") for n in result.transition_notices]
        + [_notice_json(n, "change") for n in result.change_notices],
        "decisions": {spec.task_id: list(spec.reasons) for spec in result.design.tasks},
        "outputs": mask_secrets(result.run.outputs),
        "files": [str((result.out_dir or Path(".")) / name) for name in result.written],
    }


# ------------------------------------------------------------------------------------- warnings of a change


def _replaced_why() -> dict[str, str]:
    from migration.dms.provider_facts import ENDPOINT, EVENT_SUBSCRIPTION, INSTANCE, TASK

    return {
        TASK: "the new task starts from scratch: a full reload, or a lost CDC position",
        INSTANCE: "every task on it stops; AWS refuses to delete an instance that still has tasks, so that up fails "
        "half-way",
        ENDPOINT: "the tasks using it are replaced as well",
        EVENT_SUBSCRIPTION: "DMS events between the delete and the create are not notified",
    }


PROTECTED = "; it is protected, so pulumi up stops there: nothing is replaced until you unprotect it"


def _notice_json(n: Notice, source: str) -> dict[str, Any]:
    """A notice for machines: gate on `level`, `code` and `destructive`, never on the text."""
    return {"source": source, "level": n.level.value, "code": n.code, "text": n.text, "destructive": n.destructive}


def _change_line(n: Notice) -> str:
    """A change notice as the plan prints it: `WARNING: ...` or `NOTE: ...`."""
    return f"{n.level.value.upper()}: {n.text}"


def change_notices(changes: Sequence[Any], frozen: str | None = None) -> list[Notice]:
    """The changes a DBA must not apply to a running migration without thinking, one notice each, in the terms of
    what the provider does under `pulumi up` (migration.dms.provider_facts). Warnings here are destructive.
    `frozen`: the stack's sizing.planFile, when its split is frozen."""
    from migration.dms.provider_facts import TASK

    out: list[Notice] = []
    replaced_why = _replaced_why()
    for c in changes:
        fields = ", ".join(c.fields)
        guard = PROTECTED if c.protected else ""
        if c.kind == "replace":
            why = replaced_why.get(c.type, "it gets a new id and ARN")
            text = f"{c.name} would be REPLACED, delete then create ({fields}): {why}{guard}."
            out.append(warning("replace", text, destructive=True))
        elif c.kind == "refused":
            refused = ", ".join(f for f, e in c.effects.items() if e == "refused")
            text = (
                f"{c.name} changes {refused}: AWS cannot change a deployed task's migration type; the "
                "provider stops the task first, the modify fails and the task stays stopped. pulumi up refuses it on "
                "a deployed task."
            )
            out.append(warning("migration-type-change", text, destructive=True))
        elif c.kind == "delete" and (c.type == TASK or c.protected):
            what = ": its tables stop replicating" if c.type == TASK else ""
            text = f"{c.name} would be DELETED{what}{guard.replace('replaced', 'deleted')}."
            out.append(warning("delete", text, destructive=True))
        elif c.kind == "update" and c.type == TASK:
            out += _task_update_notices(c, frozen)
        # An engine upgrade is said by check_transition (migration.planning.transitions), with --deployed alone too.
    return out


def _task_update_notices(c: Any, frozen: str | None) -> list[Notice]:
    out = []
    if "tableMappings" in c.fields and set(c.mapping_rule_types) <= {"table-settings"}:
        text = (
            f"{c.name} changes only the table settings of its mappings (LOB sizes, parallel load): no table moves in "
            "or out; the settings apply to what the task loads from now on"
        )
        out.append(note("table-settings-change", text))
    elif "tableMappings" in c.fields and "selection" not in c.mapping_rule_types:
        # Same selection rules, so the same tables. DMS guide, "Modifying a task": a task's table mappings are
        # changed on a stopped task and resumed (the provider stops and starts it, see the restart note); a resumed
        # task applies the new rules to the changes it captures from then on and does not load its tables again.
        text = (
            f"{c.name} changes the transformation rules of its mappings (renames, added or removed columns), not its "
            "tables: the provider stops the task, modifies it and resumes it with the new rules, which apply to the "
            "changes captured from then on; no table is loaded again, so a new column gets values on the target "
            "only from rows changed after the resume (create it there first when targetTablePrepMode keeps the "
            "tables; reload the table to fill it for the rows already there)"
        )
        out.append(note("transformation-change", text))
    elif "tableMappings" in c.fields:
        text = (
            f"{c.name} changes its table mappings: a table that moves into a running CDC task is loaded "
            "again, one that moves out stops replicating. "
            + (
                f"The split is frozen in {frozen}: this change comes from an edit to that file or to the config."
                if frozen
                else "Freeze the split with sizing.planFile before the first pulumi up."
            )
        )
        out.append(warning("table-mappings-change", text, destructive=True))
    if "move" in c.effects.values():
        text = (
            f"{c.name} moves to another replication instance: the provider stops it, moves it "
            "(MoveReplicationTask) and starts it again only if startReplicationTask is true."
        )
        out.append(note("task-move", text))
    restart = sorted(f for f, e in c.effects.items() if e == "restart")
    if restart:
        text = (
            f"{c.name} is modified in place ({', '.join(restart)}): a running task is stopped, modified and "
            "started again (each wait is 5 minutes in the provider; if up times out on a big task, run it again)."
        )
        out.append(note("task-restart", text))
    return out
