"""The cutover runbook for one stack: every command filled in with the stack's real names, in the order to run them.

Rendered from the stack's facts so the commands cannot drift from what Pulumi deployed; deterministic (no clock) so
it can be committed and diffed. Sequence SQL lives here because sequence resync is a cutover step, not a prereq.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from migration.config.model import MIGRATION_TYPES, PHASES
from migration.docs.prereqs import (
    FALLBACK_TRACKING_TABLE,
    LSN_QUERY,
    SCN_QUERY,
    oracle_fallback_disable_sql,
    oracle_fallback_enable_sql,
    slot_creation_sql,
)

_NEXT_SECTION = {"replicate": 1, "cutover": 5, "fallback": 8, "complete": 9}
_MAX_NAMES_LISTED = 500


class RunbookError(ValueError):
    """A context the runbook cannot describe truthfully; one line naming the field."""


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

    @property
    def cdc(self) -> bool:
        return self.migration_type != "full-load"


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


def _row_count_queries(ctx: RunbookContext) -> list[str]:
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
    return [
        "Exact row counts on both sides (they must match table by table"
        + ("; tables named differently are listed in the appendix on names):" if ctx.renamed else "):"),
        "",
        "```sql",
        '-- Oracle (sqlplus "$ORA")',
        ora,
        '-- PostgreSQL (psql "$PG_URL")',
        pg,
        "```",
        "",
    ]


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

    def metric(self, metric: str, task: str) -> str:
        c = self.ctx
        return (
            f"aws cloudwatch get-metric-statistics --region {c.region} --namespace AWS/DMS "
            f"--metric-name {metric} \\\n  --dimensions Name=ReplicationInstanceIdentifier,Value={c.instance_id} "
            # CloudWatch names a task by its resource id (the last ARN segment), as the stack's alarms do.
            f'Name=ReplicationTaskIdentifier,Value="$(aws dms describe-replication-tasks --region {c.region} '
            f"--filters Name=replication-task-id,Values={task} --query 'ReplicationTasks[0].ReplicationTaskArn' "
            "--output text | awk -F: '{print $NF}')\" \\\n"
            '  --start-time "$(date -u -d \'-15 min\' +%FT%TZ)" --end-time "$(date -u +%FT%TZ)" '
            "--period 60 --statistics Maximum --query 'sort_by(Datapoints,&Timestamp)[-5:].Maximum'"
        )

    def describe_tasks(self, tasks: Sequence[str]) -> str:
        return (
            f"aws dms describe-replication-tasks --region {self.ctx.region} "
            f"--filters Name=replication-task-id,Values={','.join(tasks)} \\\n"
            "  --query 'ReplicationTasks[].[ReplicationTaskIdentifier,Status,MigrationType,StopReason,"
            "ReplicationTaskStats.FullLoadProgressPercent]' --output table"
        )

    def table_stats(self, task: str) -> list[str]:
        r = self.ctx.region
        return [
            (
                f"ARN=$(aws dms describe-replication-tasks --region {r} --filters Name=replication-task-id,"
                f"Values={task} --query 'ReplicationTasks[0].ReplicationTaskArn' --output text)"
            ),
            (
                f'aws dms describe-table-statistics --region {r} --replication-task-arn "$ARN" \\\n'
                "  --query 'TableStatistics[].[SchemaName,TableName,TableState,FullLoadRows,Inserts,Updates,Deletes,"
                "ValidationState,ValidationFailedRecords,ValidationPendingRecords]' --output table"
            ),
        ]


def render_runbook(ctx: RunbookContext) -> str:
    """Markdown runbook for the stack: sections 0-9, content chosen by migration type and reverse path."""
    d = _Doc(ctx)
    for section in (
        _header,
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


def _header(ctx: RunbookContext, d: _Doc) -> None:
    """Title and facts: whoever opens the runbook mid-migration sees which stack, tasks and phase it describes, and
    the section to continue at, before running anything."""
    rev = ctx.reverse_task_id
    d.add(
        f"# Cutover runbook: {ctx.project} / stack {ctx.stack}",
        "",
        f"- Region `{ctx.region}`, replication instance `{ctx.instance_id}`, migration type `{ctx.migration_type}`",
        f"- Source: {ctx.source_description}",
        f"- Target: {ctx.target_description}",
        f"- Forward tasks (Oracle -> PostgreSQL): {', '.join(f'`{t}`' for t in ctx.forward_task_ids)}",
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


def _pre_checks(ctx: RunbookContext, d: _Doc) -> None:
    """Section 1: cutting over is only safe when the forward tasks are healthy and caught up (CDC latency near
    zero) or, for a full load, complete with equal row counts; this is the go/no-go check before any freeze."""
    fwd = ctx.forward_task_ids
    d.add("## 1. Pre-checks (phase replicate)", "")
    d.add("Task status:", "")
    d.code("sh", d.describe_tasks(fwd))
    if ctx.cdc:
        d.add("Expect `running`. CDC latency must be near zero (seconds) for every forward task:", "")
        d.code("sh", *[d.metric(m, t) for t in fwd for m in ("CDCLatencySource", "CDCLatencyTarget")])
        d.add(
            "The task dimension is the task's resource ID (the last `:` field of `ReplicationTaskArn`), the same "
            "value the stack's CloudWatch alarms use; if a command returns no datapoints, list the dimension "
            f"values with `aws cloudwatch list-metrics --region {ctx.region} --namespace AWS/DMS "
            "--metric-name CDCLatencyTarget`.",
            "",
        )
    else:
        d.add(
            "Full load only: expect `stopped` with FullLoadProgressPercent 100 (there is no CDC latency to watch).", ""
        )
        d.add(*_row_count_queries(ctx))
    d.add(
        "Table states"
        + (
            " and validation (every table `Validated`, 0 failed, 0 pending):"
            if ctx.validation_enabled
            else " (validation is off: rely on the row counts):"
        ),
        "",
    )
    d.code("sh", *[line for t in fwd for line in d.table_stats(t)])
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
        d.code(
            "sql",
            "SELECT username, status, COUNT(*) FROM v$session WHERE type = 'USER' GROUP BY username, status;",
            SCN_QUERY + ";",
        )
    else:
        d.add(
            "Full load only: writes must have been frozen before the load started; any write since then is "
            "missing from PostgreSQL. Keep Oracle frozen until step 7.",
            "",
        )


def _drain(ctx: RunbookContext, d: _Doc) -> None:
    """Section 3: the forward tasks must apply every change captured before the freeze before they are stopped,
    or PostgreSQL starts production behind Oracle; row counts confirm it table by table."""
    d.add("## 3. Drain", "")
    if ctx.cdc:
        d.add("Wait until CDCLatencySource and CDCLatencyTarget (step 1) are 0 and CDCIncomingChanges is 0:", "")
        d.code("sh", *[d.metric("CDCIncomingChanges", t) for t in ctx.forward_task_ids])
        d.add(*_row_count_queries(ctx))
    else:
        d.add(
            "The full load must be complete: every table `Table completed` in step 1's table statistics and "
            "the row counts equal.",
            "",
        )


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
    fwd = ctx.forward_task_ids
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
    d.code("sh", d.describe_tasks([*fwd, rev] if rev else fwd))
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
    watch = [d.describe_tasks([rev]), d.metric("CDCLatencySource", rev), d.metric("CDCLatencyTarget", rev)]
    d.code("sh", *watch)
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
    d.code("sh", d.metric("CDCLatencyTarget", rev), d.metric("CDCIncomingChanges", rev))
    d.add("3. Stop all tasks:", "")
    d.code("sh", *d.pulumi_phase("complete"))
    d.add("4. Re-enable Oracle's triggers and FK constraints:", "")
    d.code("sql", oracle_fallback_enable_sql().rstrip())
    d.add("5. Move Oracle's sequences past PostgreSQL's (query saved in step 6):", "")
    d.code(
        "sh",
        'psql "$PG_URL" -At -v ON_ERROR_STOP=1 -f oracle_sequences_query.sql > oracle_sequences.sql',
        'sqlplus "$ORA" @oracle_sequences.sql',
    )
    d.add("6. Switch the applications back to Oracle.", "")


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
