"""The generator of the review gate's bad-input corpus: the frozen plan file, the deployed state, the command line
and the environment (project directory, PATH). Each case is one JSON line in tests/corpus/<surface>/cases.jsonl;
`python -m tests.cli.gate_corpus` writes them again after a change here (tests/cli/test_gate_corpus.py checks the
files are what this module generates, and runs every case).

A case: `surface`, `name` (unique), `code` (2: one `error:` line; 3: destructive, no error line), `expect` (a
substring of the error line, or of stdout for code 3) and what it breaks:
- plan:     `edits` to the shipped prod plan file ([op, path, value], op set/del/append), or `text`/`hex` as the
            whole file; `sets` are --set items;
- deployed: `form` (wrapped: `pulumi stack output --json`; inner: `... deployedState --json`) and `edits` to prod's
            deployedState, or `text`/`hex` as the whole file;
- cli:      `argv` after `--root <project>` (`{out}`, `{root}` and `{plan}` are filled in);
- env:      `setup` steps on the project directory, then `argv`.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

CORPUS = Path(__file__).resolve().parents[1] / "corpus"
SURFACES = ("plan", "deployed", "cli", "env")
PLAN_KEY = "oracle2pg:sizing.planFile"
TASKS = ("big-documents", "big-orders", "load-01", "nokey-01")  # the shipped prod plan's tasks, in order
TABLES = {  # prod's inventory tables -> the task the shipped plan puts them in
    "APP.DOCUMENTS": 0,
    "APP.ORDERS": 1,
    "APP.ADDRESSES": 2,
    "APP.CUSTOMERS": 2,
    "HR.DEPARTMENTS": 2,
    "HR.EMPLOYEES": 2,
    "HR.JOB_HISTORY": 2,
    "APP.AUDIT_LOG": 3,
}
NOT_A_PLAN = "is not a migration-plan.json written by `plan`"


def _case(surface: str, name: str, expect: str, code: int = 2, **fields: Any) -> dict[str, Any]:
    return {"surface": surface, "name": name, "code": code, "expect": expect, **fields}


def plan_cases() -> list[dict[str, Any]]:
    out = []
    add = out.append
    for key in ("migration_type", "instance_class", "tasks", "estimated_makespan_seconds", "window_hours"):
        add(_case("plan", f"missing-{key}", NOT_A_PLAN, edits=[["del", [key], None]]))
    for value, label in (({}, "object"), ("tasks", "string"), (None, "null"), (7, "number")):
        add(
            _case(
                "plan",
                f"tasks-{label}",
                f"{NOT_A_PLAN}: tasks is a JSON {label}, not a list of tasks",
                edits=[["set", ["tasks"], value]],
            )
        )
    add(_case("plan", "tasks-empty", "lists no task", edits=[["set", ["tasks"], []]]))
    for key, value in (("estimated_makespan_seconds", "soon"), ("window_hours", [1]), ("catch_up_seconds", "x")):
        add(_case("plan", f"type-{key}", NOT_A_PLAN, edits=[["set", [key], value]]))
    for i, task in enumerate(TASKS):
        t = ["tasks", i]
        for field in (
            "name",
            "tables",
            "bytes",
            "estimated_seconds",
            "parallel_load",
            "max_full_load_subtasks",
            "reason",
        ):
            expect = f"tasks[{i}].tables is missing" if field == "tables" else f"key {field!r} is missing"
            add(_case("plan", f"{task}-missing-{field}", f"{NOT_A_PLAN}: {expect}", edits=[["del", [*t, field], None]]))
        for value, label in (("Load-01", "upper"), ("", "empty"), ("a--b", "double-hyphen"), ("reverse", "reserved")):
            add(
                _case(
                    "plan", f"{task}-name-{label}", f"task name {value!r} must be", edits=[["set", [*t, "name"], value]]
                )
            )
        add(_case("plan", f"{task}-name-null", "task name None must be", edits=[["set", [*t, "name"], None]]))
        for value in (0, 50, -3):
            add(
                _case(
                    "plan",
                    f"{task}-subtasks-{value}",
                    "max_full_load_subtasks must be 1..49",
                    edits=[["set", [*t, "max_full_load_subtasks"], value]],
                )
            )
        add(
            _case(
                "plan",
                f"{task}-instance-negative",
                '"instance": -1 is not an instance',
                edits=[["set", [*t, "instance"], -1]],
            )
        )
        add(
            _case(
                "plan",
                f"{task}-instance-beyond",
                "is placed on instance 3, but the stack runs 1",
                edits=[["set", [*t, "instance"], 2]],
            )
        )
        add(
            _case(
                "plan",
                f"{task}-instance-text",
                f'tasks[{i}].instance: "first" is not a whole number',
                edits=[["set", [*t, "instance"], "first"]],
            )
        )
        add(
            _case(
                "plan",
                f"{task}-ghost-table",
                f"task {task} names APP.GHOST, which the inventory lacks",
                edits=[["append", [*t, "tables"], ["APP", "GHOST"]]],
            )
        )
        add(
            _case(
                "plan",
                f"{task}-table-not-a-pair",
                f'.tables[{1 if i != 2 else 5}]: ["APP"] is not an [OWNER, TABLE] pair',
                edits=[["append", [*t, "tables"], ["APP"]]],
            )
        )
        add(
            _case(
                "plan",
                f"{task}-tables-string",
                f"tasks[{i}].tables is a JSON string, not a list",
                edits=[["set", [*t, "tables"], "APP.ORDERS"]],
            )
        )
        add(
            _case(
                "plan",
                f"{task}-parallel-load-of-another-table",
                f"tasks[{i}].parallel_load: 'HR.NOT_HERE' is not one of the task's tables",
                edits=[["set", [*t, "parallel_load", "HR.NOT_HERE"], {"type": "partitions-auto"}]],
            )
        )
    add(
        _case(
            "plan",
            "duplicate-task",
            "task big-documents is listed twice",
            edits=[["set", ["tasks", 1, "name"], "big-documents"]],
        )
    )
    for table, task in TABLES.items():
        slug = table.lower().replace(".", "-").replace("_", "-")
        add(
            _case(
                "plan",
                f"excluded-{slug}",
                f"task {TASKS[task]} lists {table}, which the config does not select (migration.exclude matches it)",
                sets=[f"migration.exclude=[{table}]"],
            )
        )
        other = (task + 1) % len(TASKS)
        add(
            _case(
                "plan",
                f"twice-{slug}",
                f"{table} is selected by tasks",
                edits=[["append", ["tasks", other, "tables"], table.split(".")]],
            )
        )
        if table != "APP.ORDERS":
            i = TABLES[table]
            add(
                _case(
                    "plan",
                    f"partitions-auto-{slug}",
                    "partitions-auto on a table the inventory does not list as partitioned",
                    edits=[["set", ["tasks", i, "parallel_load", table], {"type": "partitions-auto"}]],
                )
            )
    for schema in ("APP", "HR"):
        other = "HR" if schema == "APP" else "APP"
        add(
            _case(
                "plan",
                f"schema-dropped-{schema.lower()}",
                f"its schema {other} is not in migration.schemas",
                sets=[f"migration.schemas=[{schema}]"],
            )
        )
    add(_case("plan", "include-narrowed", "migration.include does not match it", sets=["migration.include=[APP.%]"]))
    docs = ["tasks", 0, "parallel_load", "APP.DOCUMENTS"]
    for label, edit, expect in (
        ("column-missing", ["set", [*docs, "columns"], ["NO_SUCH"]], "column NO_SUCH is not a column of the table"),
        ("column-lower-case", ["set", [*docs, "columns"], ["doc_id"]], "column doc_id is not a column of the table"),
        ("columns-empty", ["set", [*docs, "columns"], []], "columns [] must be a non-empty list of column names"),
        ("columns-string", ["set", [*docs, "columns"], "DOC_ID"], "columns 'DOC_ID' must be a non-empty list"),
        (
            "boundaries-reversed",
            ["set", [*docs, "boundaries"], [["200"], ["100"]]],
            "boundaries out of order: 200 then 100",
        ),
        (
            "boundaries-equal",
            ["set", [*docs, "boundaries"], [["100"], ["100"]]],
            "boundaries out of order: 100 then 100",
        ),
        (
            "boundaries-numeric-order",
            ["set", [*docs, "boundaries"], [["9"], ["10"], ["8"]]],
            "boundaries out of order: 10 then 8",
        ),
        ("boundaries-empty", ["set", [*docs, "boundaries"], []], "boundaries [] must be a non-empty list"),
        ("boundaries-missing", ["del", [*docs, "boundaries"], None], "boundaries None must be a non-empty list"),
        (
            "boundary-too-wide",
            ["set", [*docs, "boundaries"], [["1", "2"]]],
            "boundary ['1', '2'] must hold one value per column (1)",
        ),
        (
            "boundary-not-a-list",
            ["set", [*docs, "boundaries"], ["100", "200"]],
            "boundary '100' must hold one value per column (1)",
        ),
        (
            "boundary-null",
            ["set", [*docs, "boundaries"], [[None]]],
            "boundary [None] must hold one value per column (1)",
        ),
        ("type-unknown", ["set", [*docs, "type"], "stripes"], "type 'stripes' is not one of"),
        ("type-missing", ["del", [*docs, "type"], None], "type None is not one of"),
        (
            "subpartitions-unpartitioned",
            ["set", [*docs, "type"], "subpartitions-auto"],
            "subpartitions-auto on a table",
        ),
        ("partitions-list-unpartitioned", ["set", [*docs, "type"], "partitions-list"], "partitions-list on a table"),
    ):
        add(
            _case(
                "plan",
                f"parallel-{label}",
                f"task big-documents: parallel_load of APP.DOCUMENTS: {expect}",
                edits=[edit],
            )
        )
    for label, text, expect in (
        ("empty", "", "not JSON (line 1, column 1: Expecting value)"),
        ("not-json", "{tasks: []", "not JSON (line 1, column 2: Expecting property name"),
        ("array", "[]", "it holds a JSON array, not an object"),
        ("string", '"plan"', "it holds a JSON string, not an object"),
        ("null", "null", "it holds a JSON null, not an object"),
    ):
        add(_case("plan", f"file-{label}", f"{NOT_A_PLAN}: {expect}", text=text))
    add(
        _case(
            "plan",
            "file-latin-1",
            f"{NOT_A_PLAN}: neither UTF-8 nor UTF-16 with a BOM (byte 14)",
            hex=b'{"tasks": "caf\xe9"}'.hex(),
        )
    )
    add(
        _case(
            "plan", "file-deep-nesting", f"{NOT_A_PLAN}: not JSON (nested too deeply)", text="[" * 100000 + "]" * 100000
        )
    )
    add(
        _case(
            "plan",
            "task-not-an-object",
            f"{NOT_A_PLAN}: tasks[2] is not an object",
            edits=[["set", ["tasks", 2], "load-01"]],
        )
    )
    add(
        _case(
            "plan",
            "parallel-load-a-list",
            f"{NOT_A_PLAN}: tasks[0].parallel_load is a JSON array",
            edits=[["set", ["tasks", 0, "parallel_load"], []]],
        )
    )
    add(
        _case(
            "plan",
            "subtasks-bool",
            f"{NOT_A_PLAN}: tasks[1].max_full_load_subtasks: true is not a whole number",
            edits=[["set", ["tasks", 1, "max_full_load_subtasks"], True]],
        )
    )
    add(_case("plan", "plan-file-directory", "sizing.planFile: cannot read", sets=["sizing.planFile=inv"]))
    return out


def deployed_cases() -> list[dict[str, Any]]:
    out = []
    inst = ["replicationInstance"]
    task = ["tasks", "oracle2pg-prod-load-01"]
    edits: list[tuple[str, list[Any], str, int]] = [
        ("region", [["set", ["region"], "us-east-1"]], "aws:region: the stack is deployed in us-east-1", 2),
        ("project", [["set", ["project"], "shop"]], "these outputs belong to stack shop/prod, not oracle2pg/prod", 2),
        ("stack", [["set", ["stack"], "dev"]], "these outputs belong to stack oracle2pg/dev", 2),
        ("phase-upper", [["set", ["phase"], "REPLICATE"]], "(phase: Input should be", 2),
        ("phase-null", [["set", ["phase"], None]], "(phase: Input should be", 2),
        ("phase-number", [["set", ["phase"], 3]], "(phase: Input should be", 2),
        ("phase-missing", [["del", ["phase"], None]], "(phase: Field required", 2),
        (
            "phase-ahead",
            [["set", ["phase"], "cutover"]],
            "the stack is deployed at cutover; going back to replicate",
            2,
        ),
        ("engine-banana", [["set", [*inst, "engineVersion"], "banana"]], "engineVersion: String should match", 2),
        ("engine-empty", [["set", [*inst, "engineVersion"], ""]], "engineVersion: String should match", 2),
        ("engine-number", [["set", [*inst, "engineVersion"], 3.6]], "engineVersion: Input should be a valid string", 2),
        ("engine-newer", [["set", [*inst, "engineVersion"], "3.9.9"]], "is older than the deployed 3.9.9", 2),
        ("engine-huge-part", [["set", [*inst, "engineVersion"], "3." + "9" * 400]], "engineVersion: String should", 2),
        ("storage-bigger", [["set", [*inst, "allocatedStorage"], 10000]], "less than the deployed 10000 GB", 2),
        (
            "storage-text",
            [["set", [*inst, "allocatedStorage"], "lots"]],
            "allocatedStorage: Input should be a valid",
            2,
        ),
        ("instance-list", [["set", inst, []]], "(replicationInstance: Input should be", 2),
        ("tasks-list", [["set", ["tasks"], []]], "(tasks: Input should be a valid dictionary", 2),
        ("task-type", [["set", [*task, "migrationType"], "cdc"]], "task oracle2pg-prod-load-01 is deployed as cdc", 2),
        ("task-type-unknown", [["set", [*task, "migrationType"], "bulk"]], "migrationType: Input should be", 2),
        ("task-direction", [["set", [*task, "direction"], "sideways"]], "direction: Input should be", 2),
        ("task-no-name", [["del", [*task, "name"], None]], "name: Field required", 2),
        ("task-has-run-text", [["set", [*task, "hasRun"], "often"]], "hasRun: Input should be a valid boolean", 2),
        (
            "task-position-moved",
            [["set", [*task, "hasRun"], True], ["set", [*task, "cdcStartPosition"], "0/1234"]],
            "task oracle2pg-prod-load-01 has run from 0/1234",
            2,
        ),
        (
            "task-dropped",
            [
                [
                    "set",
                    ["tasks", "oracle2pg-prod-load-02"],
                    {"name": "load-02", "direction": "forward", "migrationType": "full-load-and-cdc", "hasRun": True},
                ]
            ],
            "deployed task oracle2pg-prod-load-02 (load-02) has run and is no longer in the plan",
            3,
        ),
        (
            "task-renamed",
            [
                [
                    "set",
                    ["tasks", "oracle2pg-prod-bulk-01"],
                    {"name": "bulk-01", "direction": "forward", "migrationType": "full-load-and-cdc", "hasRun": True},
                ],
                ["del", ["tasks", "oracle2pg-prod-load-01"], None],
            ],
            "deployed task oracle2pg-prod-bulk-01 (bulk-01) has run and is no longer in the plan",
            3,
        ),
    ]
    tables = [*task, "tables"]  # the task's table record: count, digest and (under the cap) names
    zeros = "0" * 32
    edits += [
        ("tables-count-negative", [["set", [*tables, "count"], -1]], "tables.count: Input should be greater than", 2),
        (
            "tables-count-text",
            [["set", [*tables, "count"], "many"]],
            "tables.count: Input should be a valid integer",
            2,
        ),
        ("tables-count-missing", [["del", [*tables, "count"], None]], "tables.count: Field required", 2),
        ("tables-digest-short", [["set", [*tables, "digest"], "abc"]], "tables.digest: String should match pattern", 2),
        ("tables-digest-upper", [["set", [*tables, "digest"], "A" * 32]], "tables.digest: String should match", 2),
        ("tables-digest-number", [["set", [*tables, "digest"], 7]], "tables.digest: Input should be a valid string", 2),
        ("tables-names-string", [["set", [*tables, "names"], "HR.EMPLOYEES"]], "tables.names: Input should be a", 2),
        ("tables-names-numbers", [["set", [*tables, "names"], [1, 2, 3, 4, 5]]], "tables.names.0: Input should be", 2),
        ("tables-names-extra", [["append", [*tables, "names"], "HR.X"]], "names lists 6 tables but count is 5", 2),
        ("tables-list", [["set", tables, []]], "tables: Input should be a valid dictionary", 2),
        (
            "tables-moved-in",
            [
                [
                    "set",
                    tables,
                    {
                        "count": 4,
                        "digest": zeros,
                        "names": ["APP.ADDRESSES", "APP.CUSTOMERS", "HR.DEPARTMENTS", "HR.JOB_HISTORY"],
                    },
                ]
            ],
            "task oracle2pg-prod-load-01 (load-01) has run and its tables change (in: HR.EMPLOYEES)",
            3,
        ),
        (
            "tables-counted-changed",
            [["set", tables, {"count": 6, "digest": zeros}]],
            "has run and its tables change (6 tables when deployed, 5 now, not the same set)",
            3,
        ),
    ]
    for form in ("wrapped", "inner"):
        for name, ops, expect, code in edits:
            out.append(_case("deployed", f"{form}-{name}", expect, code, form=form, edits=ops))
    cannot = "cannot read"
    for label, text in (
        ("empty", ""),
        ("not-json", "{deployedState"),
        ("trailing", '{"a": 1} x'),
        ("deep", "[" * 100000),
    ):
        out.append(_case("deployed", f"file-{label}", f"--deployed: {cannot}", text=text))
    for label, text in (("array", "[]"), ("string", '"replicate"'), ("number", "3"), ("null", "null")):
        out.append(
            _case("deployed", f"file-{label}", "must hold the JSON object of `pulumi stack output --json`", text=text)
        )
    out.append(
        _case("deployed", "file-latin-1", "neither UTF-8 nor UTF-16 with a BOM", hex=b'{"phase": "caf\xe9"}'.hex())
    )
    out.append(
        _case(
            "deployed",
            "file-utf16-no-bom",
            "neither UTF-8 nor UTF-16 with a BOM",
            hex='{"phase": "x"}'.encode("utf-16-le").hex(),
        )
    )
    out.append(
        _case(
            "deployed",
            "foreign-outputs",
            "hold no deployedState or phase: they are not this program's",
            text='{"bucketName": "b", "url": "u"}',
        )
    )
    out.append(
        _case(
            "deployed",
            "deployed-state-string",
            "(deployedState: Input should be a valid dictionary",
            text='{"deployedState": "replicate"}',
        )
    )
    out.append(_case("deployed", "legacy-phase-bad", "(phase: Input should be", text='{"phase": "later"}'))
    # issue 23 CI trial: outputs that would switch the guard off, and a number no float holds
    no_state = "holds no deployedState output: "
    out.append(_case("deployed", "empty-object", f"{no_state}an empty object", text="{}"))
    out.append(_case("deployed", "empty-object-bom", f"{no_state}an empty object", hex=("\ufeff{}").encode().hex()))
    out.append(
        _case("deployed", "phase-alone", f"{no_state}phase (a stack never deployed", text='{"phase": "replicate"}')
    )
    for form in ("wrapped", "inner"):
        out.append(
            _case(
                "deployed",
                f"storage-huge-{form}",
                "replicationInstance.allocatedStorage: Input should be less than or equal to",
                form=form,
                edits=[["set", ["replicationInstance", "allocatedStorage"], 10**400]],
            )
        )
    out.append(
        _case(
            "deployed",
            "storage-1e400",
            "allocatedStorage: Input should be a finite number",
            text='{"deployedState": {"phase": "replicate", "replicationInstance": {"engineVersion": "3.6.1", '
            '"allocatedStorage": 1e400}}}',
        )
    )
    return out


def cli_cases() -> list[dict[str, Any]]:
    plan = ["plan", "--stack", "prod", "--out", "{out}"]
    out = []
    for ref, expect in (
        ("HEAD:Pulumi.yaml", "--against: 'HEAD:Pulumi.yaml' is not a git ref"),
        ("HEAD:", "--against: 'HEAD:' is not a git ref"),
        (":/message", "is not a git ref"),
        ("-p", "argument --against: expected one argument"),
        ("--upload-pack=x", "argument --against: expected one argument"),
        (" ", "--against: ' ' is not a git ref"),
        ("no-such-branch", "--against: 'no-such-branch' is not a commit here"),
        ("HEAD~999", "--against: 'HEAD~999' is not a commit here"),
        ("0" * 40, "is not a commit here"),
        ("HEAD^{tree}", "is not a commit here"),
    ):
        out.append(_case("cli", f"against-{len(out):02d}", expect, argv=[*plan, "--against", ref]))
    for argv, expect in (
        (["--against", "HEAD", "--against-file", "{plan}"], "not allowed with argument"),
        (["--against-file", "{root}/nope.yaml"], "--against-file: cannot read"),
        (["--against-file", "{root}"], "--against-file: cannot read"),
        (["--against-file", "{plan}"], "prod-migration-plan.json: aws:region: required key is missing"),
        (["--deployed", "{root}/nope.json"], "--deployed: cannot read"),
        (["--deployed", "{root}"], "--deployed: cannot read"),
        (["--deployed"], "argument --deployed: expected one argument"),
        (["--format", "xml"], "argument --format: invalid choice: 'xml'"),
        (["--set", "sizing.planFile={root}/nope.json"], "sizing.planFile: cannot read"),
        (["--set", "sizing.planFile={root}"], "sizing.planFile: cannot read"),
        (["--set", "sizing.planFile=Pulumi.yaml"], NOT_A_PLAN),
        (["--set", "migration.exclude=[APP.AUDIT_LOG]"], "lists APP.AUDIT_LOG, which the config does not select"),
        (["--set", "capacity.instances=0"], "capacity.instances"),
    ):
        out.append(_case("cli", f"plan-option-{len(out):02d}", expect, argv=[*plan, *argv]))
    for argv, expect in (
        (["plan", "--stack", "", "--out", "{out}"], "--stack"),
        (["plan", "--stack", "../prod", "--out", "{out}"], "--stack"),
        (["plan", "--stack", "prod", "--out", "{root}/Pulumi.prod.yaml"], "--out"),
        (["plan", "--stack", "prod", "--out", "{root}/inv/lobs.csv"], "--out"),
        (["plan", "--stack", "prod", "--against"], "argument --against: expected one argument"),
        (["plan", "--stack", "prod", "--out"], "argument --out: expected one argument"),
        (["plan", "--stack", "prod", "--out", "{root}/.git"], "is inside a .git directory"),
        (["plan", "--stack", "prod", "--out", "{root}/.git/plan"], "is inside a .git directory"),
    ):
        out.append(_case("cli", f"plan-args-{len(out):02d}", expect, argv=argv))
    return out


def env_cases() -> list[dict[str, Any]]:
    plan = ["plan", "--stack", "prod", "--out", "{out}"]
    cases = [
        ("no-project-file", [["remove", "Pulumi.yaml"]], plan, "Pulumi.yaml: not found"),
        ("project-without-name", [["write", "Pulumi.yaml", "runtime: python\n"]], plan, "Pulumi.yaml: name: required"),
        ("no-program", [["remove", "__main__.py"]], plan, "the Pulumi program is missing"),
        ("plan-file-missing", [["remove", "inv/prod-migration-plan.json"]], plan, "sizing.planFile: cannot read"),
        (
            "plan-file-a-directory",
            [["remove", "inv/prod-migration-plan.json"], ["mkdir", "inv/prod-migration-plan.json"]],
            plan,
            "sizing.planFile: cannot read",
        ),
        ("no-git-repository", [], [*plan, "--against", "HEAD"], "is not in a git repository"),
        ("git-not-installed", [["path", ""]], [*plan, "--against", "HEAD"], "git is not installed"),
        ("ref-without-stack-dir", [["git", ""]], [*plan, "--against", "HEAD~1"], "is not a commit here"),
        (
            "plan-file-bad-at-ref",
            [["git", "inv/prod-migration-plan.json"]],
            [*plan, "--against", "HEAD"],
            "Pulumi.prod.yaml at HEAD: oracle2pg:sizing.planFile",
        ),
        ("stack-bad-at-ref", [["git", "Pulumi.prod.yaml"]], [*plan, "--against", "HEAD"], "Pulumi.prod.yaml at HEAD: "),
        (
            "inventory-missing-at-ref",
            [["git", "inv/lobs.csv"]],
            [*plan, "--against", "HEAD"],
            "Pulumi.prod.yaml at HEAD: oracle2pg:inventory",
        ),
        (
            "inventory-dir-not-file",
            [["remove", "inv/keys.csv"], ["mkdir", "inv/keys.csv"]],
            plan,
            "keys.csv: is a directory, expected a CSV file",
        ),
    ]
    state = '{"deployedState": {"phase": "replicate", "project": "oracle2pg", "stack": "prod", "region": "eu-west-1"}}'
    cases += [  # issue 23 CI trial: the gate never writes over its --deployed file, nor a file it did not write
        (
            "deployed-file-where-plan-writes",
            [["mkdir", "plan-out"], ["write", "plan-out/outputs.json", state]],
            ["plan", "--stack", "prod", "--out", "{root}/plan-out", "--deployed", "{root}/plan-out/outputs.json"],
            "would overwrite outputs.json, an input of this command",
        ),
        (
            "out-holds-notes",
            [["mkdir", "notes"], ["write", "notes/outputs.json", "my notes\n"]],
            ["plan", "--stack", "prod", "--out", "{root}/notes"],
            "outputs.json exists and was not written by this command",
        ),
    ]
    return [_case("env", name, expect, setup=setup, argv=argv) for name, setup, argv, expect in cases]


def generate() -> dict[str, list[dict[str, Any]]]:
    return {"plan": plan_cases(), "deployed": deployed_cases(), "cli": cli_cases(), "env": env_cases()}


def lines(cases: list[dict[str, Any]]) -> str:
    return "".join(json.dumps(c, sort_keys=True) + "\n" for c in cases)


def main() -> None:
    for surface, cases in generate().items():
        directory = CORPUS / ("cli" if surface == "env" else surface)
        name = "env-cases.jsonl" if surface == "env" else "cases.jsonl"
        (directory / name).write_text(lines(cases), encoding="utf-8")


if __name__ == "__main__":
    main()
