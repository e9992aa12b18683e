"""The cutover runbook for one stack: every command filled in with the stack's real names, in the order to run them.

Rendered from the stack's facts so the commands cannot drift from what Pulumi deployed; deterministic (no clock) so
it can be committed and diffed. Sequence SQL lives here because sequence resync is a cutover step, not a prereq.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import NamedTuple

from migration.config import MIGRATION_TYPES, PHASES
from migration.dms.identifiers import StackNames
from migration.docs.prereqs import (
    FALLBACK_TRACKING_TABLE,
    LSN_QUERY,
    SCN_QUERY,
    oracle_fallback_disable_sql,
    oracle_fallback_enable_sql,
    slot_creation_sql,
)
from migration.inventory.names import quote_oracle, quote_postgres

_NEXT_SECTION = {"replicate": 1, "cutover": 5, "fallback": 8, "complete": 9}
_MAX_NAMES_LISTED = 500
# Above these counts the topology draws one node per instance ("N tasks") or one for all instances: a flowchart
# with more boxes than that stops being readable, and the ids are all in the Shell helpers anyway.
MAX_TASK_NODES = 12
MAX_INSTANCE_NODES = 8
# The Gantt chart draws at most this many tasks (the longest ones: they set the pace of the load).
MAX_GANTT_ROWS = 40
_MAX_TASKS_IN_HEADER = 20
SESSIONS_QUERY = "SELECT username, status, COUNT(*) FROM v$session WHERE type = 'USER' GROUP BY username, status;"


class RunbookError(ValueError):
    """A context the runbook cannot describe truthfully; one line naming the field."""


@dataclass(frozen=True)
class EndpointIds:
    """The DMS endpoint identifiers of a stack (migration.dms.identifiers.StackNames)."""

    source: str
    target: str
    reverse_source: str
    reverse_target: str

    @classmethod
    def of(cls, project: str, stack: str) -> EndpointIds:
        names = StackNames(project, stack)
        return cls(
            names.source_endpoint_id,
            names.target_endpoint_id,
            names.reverse_source_endpoint_id,
            names.reverse_target_endpoint_id,
        )


class MigratedTable(NamedTuple):
    """A table a forward task migrates, under its exact name on each side (the inventory's name map)."""

    oracle_owner: str
    oracle_table: str
    postgres_schema: str
    postgres_table: str


@dataclass(frozen=True)
class RunbookContext:
    project: str
    stack: str
    region: str
    phase: str
    migration_type: str
    forward_task_ids: Sequence[str]
    reverse_task_id: str | None
    instance_id: str
    source_description: str
    target_description: str
    oracle_schemas: Sequence[str]
    postgres_schemas: Sequence[str]
    reverse_slot_name: str | None
    loopback_prevention: bool
    validation_enabled: bool
    # LOB tables whose LOB-only UPDATEs LogMiner does not replicate (migration.lobUpdatesNotReplicated)
    lob_updates_not_replicated: Sequence[str] = ()
    # (Oracle name, PostgreSQL name) of every migrated table and column whose PostgreSQL name is not the plain
    # case fold, from the inventory's name map; None when the stack has no inventory (names folded by case only).
    renamed: Sequence[tuple[str, str]] | None = None
    # Every replication instance of the stack, the first being `instance_id`; empty: `instance_id` alone.
    instance_ids: Sequence[str] = ()
    # Task id (forward and reverse) -> the instance it runs on; a task not listed runs on `instance_id`.
    task_instances: Mapping[str, str] = field(default_factory=dict)
    # DMS Serverless: (min, max) capacity units of the replication configs; the stack then has no instance.
    serverless_dcu: tuple[int, int] | None = None
    # None: the ids StackNames derives from project and stack (what the stack deploys).
    endpoint_ids: EndpointIds | None = None
    # (task id, estimated seconds of its full load) from the migration plan (sizing.mode auto); None without a plan
    # or without a full load.
    full_load_estimates: Sequence[tuple[str, float]] | None = None
    # Every table the forward tasks migrate; None without an inventory (the runbook then counts whole schemas).
    migrated_tables: Sequence[MigratedTable] | None = None

    def __post_init__(self) -> None:
        if self.phase not in PHASES:
            raise RunbookError(f"phase: {self.phase!r} is not a phase; allowed: {', '.join(PHASES)}")
        if self.migration_type not in MIGRATION_TYPES:
            raise RunbookError(
                f"migration_type: {self.migration_type!r} is not allowed; allowed: {', '.join(MIGRATION_TYPES)}"
            )
        if isinstance(self.forward_task_ids, str) or not self.forward_task_ids:
            raise RunbookError("forward_task_ids: give at least one replication task identifier as a list")
        if not self.postgres_schemas or isinstance(self.postgres_schemas, str):
            raise RunbookError("postgres_schemas: give at least one schema as a list")
        if not self.reverse_task_id and self.reverse_slot_name:
            raise RunbookError("reverse_slot_name: a replication slot is set but the stack has no reverse task")
        if not self.reverse_task_id and self.phase == "fallback":
            raise RunbookError("phase: 'fallback' needs a reverse path, and this stack has no reverse task")
        self._check_capacity()
        self._check_estimates()

    def _check_capacity(self) -> None:
        if isinstance(self.instance_ids, str):
            raise RunbookError("instance_ids: give the replication instance identifiers as a list")
        if self.serverless_dcu is not None:
            if self.instance_ids or self.task_instances:
                raise RunbookError("instance_ids: DMS Serverless runs no replication instance; leave them empty")
            if self.reverse_task_id:
                raise RunbookError("reverse_task_id: DMS Serverless cannot run the reverse task (no CDC start point)")
            return
        if self.instance_ids and self.instance_ids[0] != self.instance_id:
            raise RunbookError(f"instance_ids: the first must be instance_id {self.instance_id!r}")
        tasks = {*self.forward_task_ids, *([self.reverse_task_id] if self.reverse_task_id else [])}
        for task, instance in self.task_instances.items():
            if task not in tasks:
                raise RunbookError(f"task_instances: {task!r} is not a task of this runbook")
            if instance not in self.instances:
                raise RunbookError(f"task_instances: {task!r} runs on {instance!r}, which is not an instance listed")

    def _check_estimates(self) -> None:
        for task, seconds in self.full_load_estimates or ():
            if task not in self.forward_task_ids:
                raise RunbookError(f"full_load_estimates: {task!r} is not a forward task")
            if not seconds >= 0:
                raise RunbookError(f"full_load_estimates: {task!r} has a negative estimate")

    @property
    def cdc(self) -> bool:
        return self.migration_type != "full-load"

    @property
    def serverless(self) -> bool:
        return self.serverless_dcu is not None

    @property
    def instances(self) -> list[str]:
        """The replication instances the tasks run on; none on DMS Serverless."""
        if self.serverless:
            return []
        return list(self.instance_ids) or [self.instance_id]

    def instance_of(self, task: str) -> str:
        return self.task_instances.get(task, self.instances[0])

    @property
    def endpoints(self) -> EndpointIds:
        return self.endpoint_ids or EndpointIds.of(self.project, self.stack)


def _in_list(names: Sequence[str]) -> str:
    return ", ".join("'" + n.replace("'", "''") + "'" for n in names)


def postgres_sequence_resync_sql(schemas: Sequence[str]) -> str:
    """DMS does not replicate sequences: set each one used by a column (serial, identity or a nextval default)
    so its next value is max(column)+1 over every column that uses it, or its start value for empty tables."""
    return f"""DO $$
DECLARE
  r record;
  top numeric;
BEGIN
  FOR r IN
    WITH links AS (
      SELECT d.objid AS seqid, d.refobjid AS relid, d.refobjsubid AS attnum      -- serial / identity (owned by)
      FROM pg_depend d
      WHERE d.classid = 'pg_class'::regclass AND d.refclassid = 'pg_class'::regclass AND d.deptype IN ('a', 'i')
      UNION
      SELECT d.refobjid, ad.adrelid, ad.adnum                                   -- DEFAULT nextval('seq')
      FROM pg_depend d JOIN pg_attrdef ad ON ad.oid = d.objid
      WHERE d.classid = 'pg_attrdef'::regclass AND d.refclassid = 'pg_class'::regclass
    )
    SELECT l.seqid::regclass AS seq, q.seqstart, q.seqincrement,
           string_agg(format('SELECT max(%I)::numeric AS v FROM %I.%I', a.attname, n.nspname, c.relname),
                      ' UNION ALL ' ORDER BY n.nspname, c.relname, a.attname) AS probe
    FROM links l
    JOIN pg_class s ON s.oid = l.seqid AND s.relkind = 'S'
    JOIN pg_sequence q ON q.seqrelid = s.oid
    JOIN pg_class c ON c.oid = l.relid
    JOIN pg_namespace n ON n.oid = c.relnamespace
    JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum = l.attnum
    WHERE n.nspname IN ({_in_list(schemas)})
    GROUP BY l.seqid, q.seqstart, q.seqincrement
    ORDER BY l.seqid::regclass::text
  LOOP
    IF r.seqincrement < 0 THEN
      RAISE NOTICE 'skipped descending sequence %: set it by hand', r.seq;
      CONTINUE;
    END IF;
    EXECUTE 'SELECT max(v) FROM (' || r.probe || ') m' INTO top;
    PERFORM setval(r.seq, coalesce((top + 1)::bigint, r.seqstart), false);
    RAISE NOTICE '% next value %', r.seq, coalesce((top + 1)::bigint, r.seqstart);
  END LOOP;
END
$$;"""


def oracle_sequence_resync_query(schema_map: Mapping[str, str]) -> str:
    """A PostgreSQL query whose output is a SQL*Plus script moving each Oracle sequence to PostgreSQL's last value.

    Run at take-back, when PostgreSQL has stopped writing. Oracle sequences of the same (upper-case) name are
    advanced with the INCREMENT BY trick, which works on every Oracle version (no RESTART needed)."""
    cases = " ".join(f"WHEN '{pg}' THEN '{ora.upper()}'" for pg, ora in schema_map.items())
    return f"""SELECT $o$DECLARE
  PROCEDURE bump(p_owner VARCHAR2, p_name VARCHAR2, p_last NUMBER) IS
    q VARCHAR2(300) := '"' || p_owner || '"."' || p_name || '"';
    v_inc NUMBER;
    v_cur NUMBER;
  BEGIN
    SELECT increment_by INTO v_inc FROM all_sequences WHERE sequence_owner = p_owner AND sequence_name = p_name;
    EXECUTE IMMEDIATE 'SELECT ' || q || '.NEXTVAL FROM dual' INTO v_cur;
    IF v_inc > 0 AND v_cur < p_last THEN
      EXECUTE IMMEDIATE 'ALTER SEQUENCE ' || q || ' INCREMENT BY ' || (p_last - v_cur);
      EXECUTE IMMEDIATE 'SELECT ' || q || '.NEXTVAL FROM dual' INTO v_cur;
      EXECUTE IMMEDIATE 'ALTER SEQUENCE ' || q || ' INCREMENT BY ' || v_inc;
    END IF;
  END;
BEGIN
$o$ || coalesce(string_agg(format('  bump(%L, %L, %s);',
                                  CASE schemaname {cases} ELSE upper(schemaname) END,
                                  upper(sequencename), last_value), E'\\n' ORDER BY schemaname, sequencename),
                '  NULL;')
   || E'\\nEND;\\n/\\nEXIT'
FROM pg_sequences
WHERE schemaname IN ({_in_list(list(schema_map))}) AND last_value IS NOT NULL AND increment_by > 0;"""


def _schema_map(ctx: RunbookContext) -> dict[str, str]:
    if len(ctx.oracle_schemas) == len(ctx.postgres_schemas):
        return {pg: ora.upper() for pg, ora in zip(ctx.postgres_schemas, ctx.oracle_schemas, strict=True)}
    return {pg: pg.upper() for pg in ctx.postgres_schemas}


def _sql_literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def oracle_table_label(table: MigratedTable) -> str:
    """How Oracle SQL names the table (`SHOP."OrderLines"`): the label both row-count queries give it."""
    return f"{quote_oracle(table.oracle_owner)}.{quote_oracle(table.oracle_table)}"


def postgres_table_label(table: MigratedTable) -> str:
    return f"{quote_postgres(table.postgres_schema)}.{quote_postgres(table.postgres_table)}"


def oracle_row_count_sql(tables: Sequence[MigratedTable]) -> str:
    """One Oracle query counting exactly `tables`, one line per table, in the given order (column n)."""
    rows = [
        f"SELECT 1 AS n, {_sql_literal(oracle_table_label(tables[0]))} AS oracle_table, COUNT(*) AS row_count "
        f"FROM {oracle_table_label(tables[0])}"
    ]
    rows += [
        f"UNION ALL SELECT {i}, {_sql_literal(oracle_table_label(t))}, COUNT(*) FROM {oracle_table_label(t)}"
        for i, t in enumerate(tables[1:], start=2)
    ]
    define = "SET DEFINE OFF\n" if any("&" in oracle_table_label(t) for t in tables) else ""  # SQL*Plus variables
    return define + "SELECT oracle_table, row_count FROM (\n" + "\n".join(rows) + "\n) ORDER BY n;"


def postgres_row_count_sql(tables: Sequence[MigratedTable]) -> str:
    """The same count on PostgreSQL, under each table's PostgreSQL name, labelled with its Oracle name and listed in
    the same order as the Oracle query, so the two outputs compare line by line."""
    first = tables[0]
    rows = [
        f"SELECT 1 AS n, {_sql_literal(oracle_table_label(first))} AS oracle_table, "
        f"{_sql_literal(postgres_table_label(first))} AS postgres_table, count(*) AS row_count "
        f"FROM {postgres_table_label(first)}"
    ]
    rows += [
        f"UNION ALL SELECT {i}, {_sql_literal(oracle_table_label(t))}, {_sql_literal(postgres_table_label(t))}, "
        f"count(*) FROM {postgres_table_label(t)}"
        for i, t in enumerate(tables[1:], start=2)
    ]
    return "SELECT oracle_table, postgres_table, row_count FROM (\n" + "\n".join(rows) + "\n) AS counted ORDER BY n;"


def _schema_row_count_sql(ctx: RunbookContext) -> tuple[str, str]:
    """(Oracle, PostgreSQL) queries counting every table of the stack's schemas: without an inventory the runbook
    does not know which tables the tasks migrate."""
    pg = (
        f"SELECT table_schema, table_name, (xpath('/row/c/text()', query_to_xml(format('SELECT count(*) AS c "
        f"FROM %I.%I', table_schema, table_name), false, true, '')))[1]::text::bigint AS row_count "
        f"FROM information_schema.tables WHERE table_schema IN ({_in_list(ctx.postgres_schemas)}) "
        "AND table_type = 'BASE TABLE' ORDER BY 1, 2;"
    )
    ora = (
        "SELECT owner, table_name, TO_NUMBER(EXTRACTVALUE(XMLTYPE(DBMS_XMLGEN.GETXML("
        "'SELECT COUNT(*) C FROM \"' || owner || '\".\"' || table_name || '\"')), '/ROWSET/ROW/C')) AS row_count "
        f"FROM all_tables WHERE owner IN ({_in_list([s.upper() for s in ctx.oracle_schemas])}) "
        "AND nested = 'NO' AND temporary = 'N' ORDER BY 1, 2;"
    )
    return ora, pg


def _row_count_queries(ctx: RunbookContext) -> list[str]:
    tables = ctx.migrated_tables
    if tables:
        intro = (
            f"Exact row counts on both sides of the {len(tables)} table(s) the forward tasks migrate, each under its "
            "exact name on that side. Both queries label a table with its Oracle name and list the tables in the "
            "same order, so the outputs compare line by line; every count must match:"
        )
        ora, pg = oracle_row_count_sql(tables), postgres_row_count_sql(tables)
    else:
        intro = (
            "Exact row counts on both sides (they must match table by table"
            + ("; tables named differently are listed in the appendix on names)." if ctx.renamed else ").")
            + f" This stack has no inventory, so these count every table of the schemas "
            f"{', '.join(ctx.oracle_schemas)} / {', '.join(ctx.postgres_schemas)}, including tables the tasks do "
            "not migrate (those show on one side only):"
        )
        ora, pg = _schema_row_count_sql(ctx)
    return [intro, "", "```sql", '-- Oracle (sqlplus "$ORA")', ora, '-- PostgreSQL (psql "$PG_URL")', pg, "```", ""]


class _Doc:
    """Markdown builder; keeps the shell conventions (region, stack) in one place."""

    def __init__(self, ctx: RunbookContext) -> None:
        self.ctx = ctx
        self.lines: list[str] = []

    def add(self, *lines: str) -> None:
        self.lines.extend(lines)

    def code(self, lang: str, *lines: str) -> None:
        self.lines.extend([f"```{lang}", *lines, "```", ""])

    def pulumi_phase(self, phase: str) -> list[str]:
        s = self.ctx.stack
        return [f"pulumi config set phase {phase} --stack {s}", f"pulumi up --stack {s}"]


def render_runbook(ctx: RunbookContext) -> str:
    """Markdown runbook for the stack: pictures, shell helpers, sections 0-9, content chosen by migration type,
    capacity and reverse path."""
    d = _Doc(ctx)
    for section in (
        _header,
        _pictures,
        _shell_helpers,
        _prerequisites,
        _pre_checks,
        _freeze_writes,
        _drain,
        _cutover,
        _capture_position,
        _resync_sequences,
        _switch_applications,
        _fallback,
        _teardown,
        _names,
    ):
        section(ctx, d)
    return "\n".join(d.lines).rstrip() + "\n"


def _where_tasks_run(ctx: RunbookContext) -> str:
    if ctx.serverless_dcu is not None:
        low, high = ctx.serverless_dcu
        return f"DMS Serverless ({low}-{high} DCU; no replication instance)"
    if len(ctx.instances) == 1:
        return f"replication instance `{ctx.instance_id}`"
    return f"{len(ctx.instances)} replication instances ({', '.join(f'`{i}`' for i in ctx.instances)})"


def _header(ctx: RunbookContext, d: _Doc) -> None:
    """Title and facts: whoever opens the runbook mid-migration sees which stack, tasks and phase it describes, and
    the section to continue at, before running anything."""
    rev = ctx.reverse_task_id
    fwd = ctx.forward_task_ids
    listed = ", ".join(f"`{t}`" for t in fwd[:_MAX_TASKS_IN_HEADER])
    if len(fwd) > _MAX_TASKS_IN_HEADER:
        listed += f" and {len(fwd) - _MAX_TASKS_IN_HEADER} more (all {len(fwd)} in `FORWARD_TASKS`, Shell helpers)"
    d.add(
        f"# Cutover runbook: {ctx.project} / stack {ctx.stack}",
        "",
        f"- Region `{ctx.region}`, {_where_tasks_run(ctx)}, migration type `{ctx.migration_type}`",
        f"- Source: {ctx.source_description}",
        f"- Target: {ctx.target_description}",
        f"- Forward tasks (Oracle -> PostgreSQL): {listed}",
        f"- Reverse task (PostgreSQL -> Oracle): `{rev}`"
        if rev
        else "- Reverse task: none - this stack has no fallback path to Oracle",
        f"- Current phase: **{ctx.phase}** - continue at section {_NEXT_SECTION[ctx.phase]}. "
        "Phase order: replicate -> cutover -> fallback -> complete.",
        "",
        "Shell variables: `PG_URL` = libpq URL of the target database as its master user, `ORA` = SQL*Plus "
        "connect string of the Oracle master user. Keep passwords out of this file.",
        "",
    )


# ------------------------------------------------------------------------------------------------- pictures


def _mermaid_text(text: str) -> str:
    """Text for a quoted Mermaid label: Mermaid's entity codes for the characters that would end or mark up it."""
    return text.replace("#", "#35;").replace('"', "#quot;").replace("<", "#lt;").replace(">", "#gt;")


def _label(*lines: str) -> str:
    return '"' + "<br/>".join(_mermaid_text(line) for line in lines) + '"'


def _span(tasks: Sequence[str]) -> str:
    return tasks[0] if len(tasks) == 1 else f"{tasks[0]} ... {tasks[-1]}"


def _task_nodes(ctx: RunbookContext, group: str, tasks: Sequence[str], out: list[str]) -> list[str]:
    """Node ids for the forward tasks of one instance (or of DMS Serverless): one node each, or one "N tasks" node
    when the stack has more tasks than a readable picture holds."""
    kind = "replication config" if ctx.serverless else "task"
    if len(ctx.forward_task_ids) <= MAX_TASK_NODES:
        ids = []
        for task in tasks:
            node = f"task_{ctx.forward_task_ids.index(task) + 1}"
            out.append(f"    {node}({_label(task, f'forward {kind}')})")
            ids.append(node)
        return ids
    node = f"tasks_{group}"
    out.append(f"    {node}({_label(f'{len(tasks)} forward {kind}s', _span(tasks))})")
    return [node]


def topology_mermaid(ctx: RunbookContext) -> list[str]:
    """Oracle -> source endpoint -> replication instance(s) -> tasks -> target endpoint -> PostgreSQL, with the
    real ids, and the reverse path (dashed) back to Oracle when the stack has one."""
    ep = ctx.endpoints
    created_later = ctx.phase == "replicate"  # the reverse endpoints and task come with phase cutover
    later = ["(created at phase cutover)"] if created_later else []
    out = [
        "flowchart LR",
        f"    oracle[({_label(ctx.source_description)})]",
        f"    src_ep[{_label(ep.source, 'source endpoint')}]",
        f"    tgt_ep[{_label(ep.target, 'target endpoint')}]",
        f"    postgres[({_label(ctx.target_description)})]",
    ]
    edges = ["    oracle --> src_ep"]
    reverse_hub = ""
    fwd = list(ctx.forward_task_ids)
    if ctx.serverless_dcu is not None:
        low, high = ctx.serverless_dcu
        out.append(f"    subgraph serverless[{_label(f'DMS Serverless, {low}-{high} DCU')}]")
        nodes = _task_nodes(ctx, "serverless", fwd, out)
        out.append("    end")
        edges.append(f"    src_ep --> {' & '.join(nodes)}")
        edges.append(f"    {' & '.join(nodes)} --> tgt_ep")
    else:
        instances = ctx.instances
        groups: list[tuple[str, list[str]]]  # (instance node, its tasks)
        if len(instances) <= MAX_INSTANCE_NODES:
            groups = []
            for i, instance in enumerate(instances, start=1):
                out.append(f"    inst_{i}{{{{{_label(instance, 'replication instance')}}}}}")
                groups.append((f"inst_{i}", [t for t in fwd if ctx.instance_of(t) == instance]))
            if ctx.reverse_task_id:
                reverse_hub = f"inst_{instances.index(ctx.instance_of(ctx.reverse_task_id)) + 1}"
        else:
            out.append(f"    insts{{{{{_label(f'{len(instances)} replication instances', _span(instances))}}}}}")
            groups = [("insts", fwd)]
            reverse_hub = "insts"
        edges.append(f"    src_ep --> {' & '.join(node for node, _ in groups)}")
        for node, tasks in groups:
            if tasks:
                nodes = _task_nodes(ctx, node.removeprefix("inst_"), tasks, out)
                edges.append(f"    {node} --> {' & '.join(nodes)}")
                edges.append(f"    {' & '.join(nodes)} --> tgt_ep")
    edges.append("    tgt_ep --> postgres")
    if ctx.reverse_task_id and reverse_hub:
        out += [
            f"    rev_src_ep[{_label(ep.reverse_source, 'reverse source endpoint', *later)}]",
            f"    rev_task({_label(ctx.reverse_task_id, 'reverse task, cdc', *later)})",
            f"    rev_tgt_ep[{_label(ep.reverse_target, 'reverse target endpoint', *later)}]",
        ]
        edges += [
            "    postgres -.->|fallback| rev_src_ep",
            f"    rev_src_ep -.-> {reverse_hub}",
            f"    {reverse_hub} -.-> rev_task",
            "    rev_task -.-> rev_tgt_ep",
            "    rev_tgt_ep -.-> oracle",
        ]
    return out + edges


def phases_mermaid(ctx: RunbookContext) -> list[str]:
    """The phase state machine, the current phase marked; `fallback` only when the stack has a reverse path."""
    out = [
        "stateDiagram-v2",
        "    direction LR",
        f'    state "{ctx.phase} (current phase)" as {ctx.phase}',
        "    [*] --> replicate",
        "    replicate --> cutover: section 4",
    ]
    if ctx.reverse_task_id:
        out += ["    cutover --> fallback: fallback, section 8", "    fallback --> complete: take back, section 8"]
    out += [
        "    cutover --> complete: teardown, section 9",
        "    replicate --> complete: abandon",
        "    complete --> [*]: pulumi destroy",
        "    classDef current fill:#ffd54f,stroke:#e65100,stroke-width:3px",
        f"    class {ctx.phase} current",
    ]
    return out


def _duration(seconds: float) -> str:
    minutes = math.ceil(seconds / 60)
    return f"{minutes} min" if minutes < 60 else f"{minutes // 60} h {minutes % 60:02d} min"


def _gantt_rows(ctx: RunbookContext) -> list[tuple[str, float]]:
    """The tasks the chart draws, in task order: all of them, or the longest MAX_GANTT_ROWS."""
    estimates = list(ctx.full_load_estimates or ())
    if len(estimates) <= MAX_GANTT_ROWS:
        return estimates
    keep = set(sorted(estimates, key=lambda e: (-e[1], e[0]))[:MAX_GANTT_ROWS])
    return [e for e in estimates if e in keep]


def gantt_mermaid(ctx: RunbookContext) -> list[str]:
    """Each task's planned full load from 0 to its estimated finish (tasks load side by side), grouped by the
    instance it runs on; [] when there is no plan or no full load."""
    if not ctx.full_load_estimates or ctx.migration_type == "cdc":
        return []
    out = [
        "gantt",
        "    title Planned full load per task (estimate, not a measurement)",
        "    dateFormat HH:mm",
        "    axisFormat %H:%M",
        "    todayMarker off",
    ]
    rows = _gantt_rows(ctx)
    groups = ["DMS Serverless"] if ctx.serverless else ctx.instances
    for group in groups:
        mine = [(t, s) for t, s in rows if ctx.serverless or ctx.instance_of(t) == group]
        if not mine:
            continue
        out.append(f"    section {group}")
        out += [
            f"    {task} ({_duration(seconds)}) :t{ctx.forward_task_ids.index(task) + 1}, 00:00, "
            f"{max(1, math.ceil(seconds))}s"
            for task, seconds in mine
        ]
    return out


def _pictures(ctx: RunbookContext, d: _Doc) -> None:
    """The migration at a glance, before any command: what talks to what (with the ids the commands use), where
    the lifecycle stands, and how long the planned full load should take."""
    intro = "Topology, with the ids the commands below use"
    if ctx.reverse_task_id:
        intro += "; dashed: the reverse path (PostgreSQL -> Oracle) for the fallback"
        intro += ", created at phase cutover" if ctx.phase == "replicate" else ""
    if len(ctx.forward_task_ids) > MAX_TASK_NODES:
        intro += f". With more than {MAX_TASK_NODES} tasks each instance shows its task count and first and last task"
    d.add("## At a glance", "", intro + ":", "")
    d.code("mermaid", *topology_mermaid(ctx))
    d.add(f"Phases (`pulumi config set phase <name>`), the current one, **{ctx.phase}**, highlighted:", "")
    d.code("mermaid", *phases_mermaid(ctx))
    gantt = gantt_mermaid(ctx)
    if not gantt:
        return
    assert ctx.full_load_estimates is not None
    longest_task, longest = max(ctx.full_load_estimates, key=lambda e: e[1])
    drawn = len(_gantt_rows(ctx))
    d.add(
        "Planned full load per task, from the migration plan (`migration-plan.json`): an **estimate** from the "
        "planner's throughput assumptions, not a measurement. The tasks load side by side, so each bar runs from "
        f"the start of the load (00:00) to the task's estimated finish; the longest, `{longest_task}`, sets the "
        f"pace at about {_duration(longest)}."
        + (
            f" The {drawn} longest of {len(ctx.full_load_estimates)} tasks are drawn."
            if drawn < len(ctx.full_load_estimates)
            else ""
        ),
        "",
    )
    d.code("mermaid", *gantt)


# --------------------------------------------------------------------------------------------- shell helpers


def _instance_helpers() -> list[str]:
    return [
        "# dms_task_arn TASK_ID: the replication task's ARN",
        "dms_task_arn() {",
        '  aws dms describe-replication-tasks --region "$REGION" --filters "Name=replication-task-id,Values=$1" \\',
        "    --query 'ReplicationTasks[0].ReplicationTaskArn' --output text",
        "}",
        "# dms_task_instance TASK_ID: the replication instance the task runs on, asked from DMS (with several",
        "# instances each task is measured on its own one)",
        "dms_task_instance() {",
        '  _instance_arn=$(aws dms describe-replication-tasks --region "$REGION" \\',
        '    --filters "Name=replication-task-id,Values=$1" \\',
        "    --query 'ReplicationTasks[0].ReplicationInstanceArn' --output text)",
        '  aws dms describe-replication-instances --region "$REGION" \\',
        '    --filters "Name=replication-instance-arn,Values=$_instance_arn" \\',
        "    --query 'ReplicationInstances[0].ReplicationInstanceIdentifier' --output text",
        "}",
        "# dms_metric METRIC TASK_ID: the last five 1-minute maxima of a task metric over the past 15 minutes",
        "dms_metric() {",
        "  _now=$(date -u +%s)",
        '  printf \'%s %s: \' "$2" "$1"',
        '  aws cloudwatch get-metric-statistics --region "$REGION" --namespace AWS/DMS --metric-name "$1" \\',
        '    --dimensions "Name=ReplicationInstanceIdentifier,Value=$(dms_task_instance "$2")" \\',
        '      "Name=ReplicationTaskIdentifier,Value=$(dms_task_arn "$2" | awk -F: \'{print $NF}\')" \\',
        '    --start-time $((_now - 900)) --end-time "$_now" --period 60 --statistics Maximum \\',
        "    --query 'sort_by(Datapoints,&Timestamp)[-5:].Maximum' --output text",
        "}",
        "# dms_status TASK_ID...: status, stop reason and full-load progress of the tasks",
        "dms_status() {",
        '  aws dms describe-replication-tasks --region "$REGION" \\',
        "    --filters \"Name=replication-task-id,Values=$(echo \"$@\" | tr ' ' ',')\" \\",
        "    --query 'ReplicationTasks[].[ReplicationTaskIdentifier,Status,MigrationType,StopReason,"
        "ReplicationTaskStats.FullLoadProgressPercent]' \\",
        "    --output table",
        "}",
        "# dms_table_stats TASK_ID: state, rows and validation of each table of the task",
        "dms_table_stats() {",
        '  aws dms describe-table-statistics --region "$REGION" --replication-task-arn "$(dms_task_arn "$1")" \\',
        "    --query 'TableStatistics[].[SchemaName,TableName,TableState,FullLoadRows,Inserts,Updates,Deletes,"
        "ValidationState,ValidationFailedRecords,ValidationPendingRecords]' \\",
        "    --output table",
        "}",
    ]


def _serverless_helpers() -> list[str]:
    return [
        "# dms_task_arn TASK_ID: the ARN of the task's DMS Serverless replication config",
        "dms_task_arn() {",
        '  aws dms describe-replications --region "$REGION" --filters "Name=replication-config-id,Values=$1" \\',
        "    --query 'Replications[0].ReplicationConfigArn' --output text",
        "}",
        "# dms_status TASK_ID...: status, stop reason and full-load progress of the replications",
        "dms_status() {",
        '  aws dms describe-replications --region "$REGION" \\',
        "    --filters \"Name=replication-config-id,Values=$(echo \"$@\" | tr ' ' ',')\" \\",
        "    --query 'Replications[].[ReplicationConfigIdentifier,Status,ReplicationType,StopReason,"
        "ReplicationStats.FullLoadProgressPercent]' \\",
        "    --output table",
        "}",
        "# dms_table_stats TASK_ID: state, rows and validation of each table of the replication",
        "dms_table_stats() {",
        '  aws dms describe-replication-table-statistics --region "$REGION" \\',
        '    --replication-config-arn "$(dms_task_arn "$1")" \\',
        "    --query 'ReplicationTableStatistics[].[SchemaName,TableName,TableState,FullLoadRows,Inserts,Updates,"
        "Deletes,ValidationState,ValidationFailedRecords,ValidationPendingRecords]' \\",
        "    --output table",
        "}",
    ]


def _shell_helpers(ctx: RunbookContext, d: _Doc) -> None:
    """The AWS CLI calls, defined once: the sections call these functions and loop over FORWARD_TASKS instead of
    repeating one command per task. POSIX sh (dash, bash, zsh with word splitting), no GNU-only date options."""
    d.add(
        "## Shell helpers",
        "",
        "Paste this block into the shell you run the steps from (POSIX sh: dash, bash, or zsh - the first line "
        "makes zsh split `$FORWARD_TASKS` into words like sh does). Every later command uses these functions and "
        "loops over `$FORWARD_TASKS`. Time windows are epoch seconds from `date -u +%s`, which the AWS CLI "
        "accepts for timestamps on Linux and macOS alike.",
        "",
    )
    d.code(
        "sh",
        '[ -n "${ZSH_VERSION:-}" ] && setopt SH_WORD_SPLIT',
        f"REGION={ctx.region}",
        f'FORWARD_TASKS="{" ".join(ctx.forward_task_ids)}"',
        *(_serverless_helpers() if ctx.serverless else _instance_helpers()),
    )
    if ctx.serverless:
        d.add(
            "DMS Serverless: each task is a replication config. The stack wires no CloudWatch metrics for "
            "serverless replications, so CDC latency is read on the DMS console (the replication's monitoring tab) "
            "where the steps below ask for it.",
            "",
        )


def _prerequisites(ctx: RunbookContext, d: _Doc) -> None:
    """Section 0: DMS cannot read or write until the DBAs have run the stack's SQL prerequisites; points at the
    `prereqs` command instead of repeating the SQL, so there is one source for it."""
    d.add(
        "## 0. Prerequisites",
        "",
        "Print this stack's SQL prerequisites and have a DBA run each script as the "
        "master user of its database (replace `<password>`):",
        "",
    )
    d.code("sh", f"python -m migration prereqs --stack {ctx.stack}")
    d.add(
        "Oracle source: supplemental logging, archive log retention, DMS user. PostgreSQL target: DMS role, "
        "schema privileges. Pre-create the PostgreSQL schema (SCT) without FKs/triggers firing during the load."
        + (
            " Reverse path: PostgreSQL source (create the slot at step 5, not now) and the Oracle target user."
            if ctx.reverse_task_id
            else ""
        ),
        "",
    )


def _latency_loop(ctx: RunbookContext, d: _Doc, metrics: Sequence[str], what: str) -> None:
    """A loop over the forward tasks reading `metrics`; on DMS Serverless, where to read them instead."""
    if ctx.serverless:
        d.add(f"DMS Serverless: read {what} of each replication on the DMS console (monitoring tab).", "")
        return
    d.code("sh", "for t in $FORWARD_TASKS; do", *(f'  dms_metric {m} "$t"' for m in metrics), "done")


def _pre_checks(ctx: RunbookContext, d: _Doc) -> None:
    """Section 1: cutting over is only safe when the forward tasks are healthy and caught up (CDC latency near
    zero) or, for a full load, complete; this is the go/no-go check before any freeze. Row counts wait for the
    freeze (step 3): counted while applications write, they differ for no reason or match by chance."""
    d.add("## 1. Pre-checks (phase replicate)", "")
    d.add("Task status:", "")
    d.code("sh", "dms_status $FORWARD_TASKS")
    if ctx.cdc:
        d.add("Expect `running`. CDC latency must be near zero (seconds) for every forward task:", "")
        _latency_loop(ctx, d, ("CDCLatencySource", "CDCLatencyTarget"), "CDCLatencySource and CDCLatencyTarget")
        if not ctx.serverless:
            d.add(
                "The task dimension is the task's resource ID (the last `:` field of `ReplicationTaskArn`), the "
                "same value the stack's CloudWatch alarms use, and the instance dimension is the instance DMS "
                "runs the task on; if a line shows no datapoints, list the dimension values with `aws cloudwatch "
                f"list-metrics --region {ctx.region} --namespace AWS/DMS --metric-name CDCLatencyTarget`.",
                "",
            )
    else:
        d.add(
            "Full load only: expect `stopped` with FullLoadProgressPercent 100 (there is no CDC latency to watch). "
            "Row counts come in step 3, once step 2 has confirmed that nothing writes to Oracle: counted while "
            "applications write, tables differ for no reason (or match by chance).",
            "",
        )
    d.add(
        "Table states"
        + (
            " and validation (every table `Validated`, 0 failed, 0 pending):"
            if ctx.validation_enabled
            else " (validation is off: rely on the row counts in step 3):"
        ),
        "",
    )
    d.code("sh", 'for t in $FORWARD_TASKS; do dms_table_stats "$t"; done')
    if ctx.cdc and ctx.lob_updates_not_replicated:
        d.add(
            "LogMiner does not replicate UPDATEs that change only LOB columns, and the stack accepts that for "
            f"{', '.join(ctx.lob_updates_not_replicated)}: before cutover, compare those LOBs (e.g. a checksum of "
            "each LOB column per key range on both sides) and copy the rows that differ.",
            "",
        )


def _freeze_writes(ctx: RunbookContext, d: _Doc) -> None:
    """Section 2: a write to Oracle after the freeze would be lost at cutover, so applications stop first; the SCN
    is recorded so the log shows where Oracle stopped. A full load cannot pick up later writes at all."""
    d.add("## 2. Freeze writes on Oracle", "")
    if ctx.cdc:
        d.add(
            "Stop the applications (or lock their accounts) so nothing writes to Oracle, then check that no "
            "application sessions remain and record the SCN for the log:",
            "",
        )
        d.code("sql", SESSIONS_QUERY, SCN_QUERY + ";")
    else:
        d.add(
            "Full load only: writes must have been frozen before the load started; any write since then is "
            "missing from PostgreSQL. Keep Oracle frozen until step 7. Confirm that no application session "
            "remains before counting rows in step 3:",
            "",
        )
        d.code("sql", SESSIONS_QUERY)


def _drain(ctx: RunbookContext, d: _Doc) -> None:
    """Section 3: the forward tasks must apply every change captured before the freeze before they are stopped,
    or PostgreSQL starts production behind Oracle; row counts confirm it table by table. Counting happens here,
    after the freeze, because only then do both sides stand still."""
    d.add("## 3. Drain", "")
    if ctx.cdc:
        d.add("Wait until CDCLatencySource and CDCLatencyTarget (step 1) are 0 and CDCIncomingChanges is 0:", "")
        _latency_loop(ctx, d, ("CDCIncomingChanges",), "CDCIncomingChanges")
        d.add(
            "Now count: writes are frozen (step 2) and the tasks have applied every change, so both sides stand "
            "still. Counted earlier, a table still being written differs by the changes in flight.",
            "",
        )
    else:
        d.add(
            "The full load must be complete: every table `Table completed` in step 1's table statistics. Writes "
            "are frozen (step 2), so both sides stand still and the row counts must be equal.",
            "",
        )
    d.add(*_row_count_queries(ctx))


# What a stop or start looks like under `pulumi up` (migration.dms.provider_facts; replication_task.go).
PROVIDER_WAIT_NOTE = (
    "In provider terms: `startReplicationTask: false` makes the provider stop each task and wait for `stopped`, "
    "a fixed 5 minutes per task. A big task that takes longer makes `pulumi up` fail on the safe side: check the "
    "task status below and run `pulumi up` again. The EventBridge rule for DMS events adds the reverse task in "
    "place (with `monitoring.events: sns-subscriptions` the task-events subscription is deleted and re-created)."
)


def _cutover(ctx: RunbookContext, d: _Doc) -> None:
    """Section 4: phase `cutover` stops the forward tasks through Pulumi (so the stack stays the source of truth)
    and, with a reverse path, creates the reverse task stopped, ready for the fallback."""
    rev = ctx.reverse_task_id
    d.add("## 4. Cutover", "")
    d.code("sh", *d.pulumi_phase("cutover"))
    d.add(
        "Stops the forward tasks (they are kept, not replaced)"
        + (
            f"; creates the reverse endpoints and the reverse task `{rev}` (cdc, DO_NOTHING) without starting it."
            if rev
            else "."
        ),
        "",
        PROVIDER_WAIT_NOTE,
        "",
        "Check:",
        "",
    )
    d.code("sh", "dms_status $FORWARD_TASKS" + (f" {rev}" if rev else ""))
    d.add("Expect the forward tasks `stopped`" + (f" and `{rev}` `ready`." if rev else "."), "")


def _capture_position(ctx: RunbookContext, d: _Doc) -> None:
    """Section 5: the reverse task must start from PostgreSQL's position before the first application write, or
    those writes never reach Oracle; with a slot the LSN goes into the stack config, without one the order of
    steps 7 and 8 has to change."""
    rev = ctx.reverse_task_id
    slot = ctx.reverse_slot_name
    d.add("## 5. Capture the PostgreSQL position (before any application writes)", "")
    if rev and slot:
        d.add(
            f"Create the replication slot `{slot}` (no-op if it exists), then capture the LSN the reverse task "
            "starts from:",
            "",
        )
        d.code(
            "sh",
            f'psql "$PG_URL" -c "{" ".join(slot_creation_sql(slot).splitlines())}"',
            f'LSN=$(psql "$PG_URL" -Atc "{LSN_QUERY}")',
            'echo "$LSN"',
            f'pulumi config set --path reverse.cdcStartPosition "$LSN" --stack {ctx.stack}',
        )
        d.add("The next `pulumi up` (step 8) starts the reverse task from this LSN.", "")
    elif rev:
        d.add(
            "No replication slot is configured, so DMS cannot start from an LSN (it needs SlotName): the reverse "
            "task starts from the moment it starts. **Run step 8 before step 7**, or PostgreSQL writes made before "
            "the reverse task starts never reach Oracle. Record the LSN for the log:",
            "",
        )
        d.code("sh", f'psql "$PG_URL" -Atc "{LSN_QUERY}"')
    else:
        d.add(
            "No reverse path: nothing to capture. Once applications write to PostgreSQL there is no replicated "
            "way back to Oracle.",
            "",
        )


def _resync_sequences(ctx: RunbookContext, d: _Doc) -> None:
    """Section 6: DMS does not replicate sequences, so PostgreSQL's would hand out keys that already exist; with a
    reverse path the query that later moves Oracle's sequences forward is saved now, while it is at hand."""
    d.add(
        "## 6. Resync sequences",
        "",
        "DMS does not replicate sequences. Set every sequence used by a column in "
        f"{', '.join(ctx.postgres_schemas)} to max(column)+1:",
        "",
    )
    d.code(
        "sh", "psql \"$PG_URL\" -v ON_ERROR_STOP=1 <<'SQL'", postgres_sequence_resync_sql(ctx.postgres_schemas), "SQL"
    )
    d.add(
        "Sequences not tied to a column (used only by application code) need a manual `setval`. If FKs or "
        "triggers were left out for the load, create/enable them now.",
        "",
    )
    if ctx.reverse_task_id:
        d.add(
            "Oracle side, for the take-back in step 8: save this query now. Run on PostgreSQL once it has stopped "
            "writing, it prints the SQL*Plus script that advances Oracle's sequences (same names, upper-case) past "
            "PostgreSQL's values:",
            "",
        )
        d.code("sh", "cat > oracle_sequences_query.sql <<'SQL'", oracle_sequence_resync_query(_schema_map(ctx)), "SQL")
        d.add(
            "Oracle identity columns use system sequences: `ALTER TABLE t MODIFY (c GENERATED BY DEFAULT AS "
            "IDENTITY (START WITH LIMIT VALUE))`.",
            "",
        )


def _switch_applications(ctx: RunbookContext, d: _Doc) -> None:
    """Section 7: the moment PostgreSQL becomes production; without a slot it must wait for step 8 so the reverse
    task sees every write."""
    d.add("## 7. Switch applications to PostgreSQL", "")
    d.add(
        f"Point the applications at {ctx.target_description}, smoke-test, then open traffic."
        + (" (No slot: only after step 8 is done.)" if ctx.reverse_task_id and not ctx.reverse_slot_name else ""),
        "",
    )


def _fallback(ctx: RunbookContext, d: _Doc) -> None:
    """Section 8: keeps Oracle current from PostgreSQL so production can go back to it; a stack without a reverse
    path gets a note instead, so nobody looks for a fallback that does not exist."""
    d.add("## 8. Fallback", "")
    rev = ctx.reverse_task_id
    if rev:
        _start_reverse_replication(ctx, d, rev)
        _take_back(ctx, d, rev)
    else:
        d.add(
            "This stack has no reverse path, so there is no replicated fallback: after step 7, returning to Oracle "
            "means a new migration. Keep Oracle unchanged and read-only until PostgreSQL is trusted.",
            "",
        )


def _start_reverse_replication(ctx: RunbookContext, d: _Doc, rev: str) -> None:
    """Section 8, first part: Oracle's FKs and triggers are disabled before the reverse task starts, or DMS's
    changes would fire them; then how to watch the reverse task and, with a slot, the WAL it retains."""
    slot = ctx.reverse_slot_name
    d.add(
        "Oracle is no longer production: disable its FK constraints and triggers on the replicated tables so "
        'DMS\'s changes do not fire them (`sqlplus "$ORA"`):',
        "",
    )
    d.code("sql", oracle_fallback_disable_sql(schemas=ctx.oracle_schemas).rstrip())
    d.add("Start the reverse task:", "")
    d.code("sh", *d.pulumi_phase("fallback"))
    d.add(
        "In provider terms this `up` sets the reverse task's start position (a modify of the stopped task) and "
        "starts it (`start-replication`); `pulumi up` refuses a phase that goes back, so a mistaken edit cannot "
        "resume the forward tasks.",
        "",
    )
    d.add(
        f"The reverse task `{rev}` (cdc) applies PostgreSQL's changes to Oracle"
        + (" from `reverse.cdcStartPosition`" if slot else "")
        + "; the forward tasks stay stopped. "
        + (
            "Loopback prevention is configured on both tasks."
            if ctx.loopback_prevention
            else "Never resume a forward task while the reverse task runs: without loopback prevention changes "
            "would loop."
        ),
        "",
        "Watch it:",
        "",
    )
    d.code("sh", f"dms_status {rev}", f"dms_metric CDCLatencySource {rev}", f"dms_metric CDCLatencyTarget {rev}")
    if slot:
        d.add("WAL retained by the slot (grows if the reverse task stops):", "")
        d.code(
            "sql",
            "SELECT slot_name, active, pg_size_pretty(pg_wal_lsn_diff(pg_current_wal_lsn(), "
            f"restart_lsn)) AS retained FROM pg_replication_slots WHERE slot_name = '{slot}';",
        )


def _take_back(ctx: RunbookContext, d: _Doc, rev: str) -> None:
    """Section 8, second part: returning production to Oracle only loses nothing in this order: stop writes, drain
    the reverse task, stop it, restore Oracle's constraints and sequences, then switch."""
    d.add(
        "### Taking production back to Oracle",
        "",
        "1. Stop the applications on PostgreSQL.",
        "2. Wait until the reverse task's CDCLatencyTarget and CDCIncomingChanges are 0:",
        "",
    )
    d.code("sh", f"dms_metric CDCLatencyTarget {rev}", f"dms_metric CDCIncomingChanges {rev}")
    d.add(
        "3. With PostgreSQL frozen and the reverse task drained, compare the two sides once more, this time before "
        "Oracle takes production back: every count must match, or a change did not come back.",
        "",
    )
    d.add(*_row_count_queries(ctx))
    d.add("4. Stop all tasks:", "")
    d.code("sh", *d.pulumi_phase("complete"))
    d.add("5. Re-enable Oracle's triggers and FK constraints:", "")
    d.code("sql", oracle_fallback_enable_sql().rstrip())
    d.add("6. Move Oracle's sequences past PostgreSQL's (query saved in step 6):", "")
    d.code(
        "sh",
        'psql "$PG_URL" -At -v ON_ERROR_STOP=1 -f oracle_sequences_query.sql > oracle_sequences.sql',
        'sqlplus "$ORA" @oracle_sequences.sql',
    )
    d.add("7. Switch the applications back to Oracle.", "")


def _teardown(ctx: RunbookContext, d: _Doc) -> None:
    """Section 9: protected resources can only be destroyed after phase `complete`, and what Pulumi does not own
    (the replication slot, the fallback tracking table, the DMS users) has to be removed by hand."""
    slot = ctx.reverse_slot_name
    d.add("## 9. Teardown", "")
    d.code("sh", *d.pulumi_phase("complete"), f"pulumi destroy --stack {ctx.stack}")
    d.add(
        "Phase `complete` stops every task and lifts `protect` from the production tasks and endpoints; "
        "`pulumi destroy` fails before that. The shared DMS IAM roles (`dms-vpc-role`, "
        "`dms-cloudwatch-logs-role`) are account-wide and retained.",
        "",
    )
    if slot:
        d.add("Drop the replication slot, or it keeps retaining WAL:", "")
        d.code(
            "sql", f"SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots WHERE slot_name = '{slot}';"
        )
    if ctx.reverse_task_id:
        d.add(f"On Oracle drop `{FALLBACK_TRACKING_TABLE}` once it is empty, and drop the DMS users on both sides.", "")


def _names(ctx: RunbookContext, d: _Doc) -> None:
    """Appendix: which Oracle object each PostgreSQL name stands for, where it is not the case fold. Row counts,
    validation failures and the fallback are read by these names; without an inventory, say what is assumed."""
    d.add("## Appendix: names in Oracle and PostgreSQL", "")
    if ctx.renamed is None:
        d.add(
            "This stack has no inventory: the task mappings fold names by case only (`APP.ORDERS` <-> `app.orders`). "
            'An Oracle table or column that is not plain upper case (`"OrderLines"`, `"select"`) or is longer '
            "than 63 bytes would come back under a name Oracle does not have: configure `oracle2pg:inventory` to "
            "get exact rename rules both ways.",
            "",
        )
        return
    if not ctx.renamed:
        d.add("Every migrated name is plain upper case in Oracle and its lower-case form in PostgreSQL.", "")
        return
    d.add(
        f"{len(ctx.renamed)} migrated table(s) and column(s) are named differently from the case fold; the forward "
        "and reverse mappings carry a rename rule for each:",
        "",
        "| Oracle | PostgreSQL |",
        "|---|---|",
    )
    d.add(*[f"| `{ora}` | `{pg}` |" for ora, pg in ctx.renamed[:_MAX_NAMES_LISTED]])
    if len(ctx.renamed) > _MAX_NAMES_LISTED:
        d.add(
            "",
            f"... and {len(ctx.renamed) - _MAX_NAMES_LISTED} more: `python -m migration inventory report --stack "
            f"{ctx.stack} --format json` lists every column's PostgreSQL name.",
        )
    d.add("")
