"""The runbook's steps for what DMS does not move: the build between full load and catch-up (and the resume), the
sequences at cutover, the identity columns on the way back, and the appendix of what is left behind.

Facts about the resume (DMS API Reference, ReplicationTask.StopReason; terraform-provider-aws
internal/service/dms/replication_task.go, which pulumi-aws wraps): with StopTaskCachedChangesNotApplied the task
stops after the full load with StopReason `STOPPED_AFTER_FULL_LOAD`, status `stopped`. `pulumi up` does not start
it again: the provider starts a task only when `startReplicationTask` changes, or after modifying it for a changed
setting (then with `resume-processing`, since the task is no longer `ready`). Resuming is
`aws dms start-replication-task --start-replication-task-type resume-processing`: the task applies the changes it
cached during the load, then goes on with CDC.
"""

from __future__ import annotations

from collections.abc import Sequence

from migration.config.models.sizing import InventoryConfig
from migration.config.models.stack import StackConfig
from migration.docs.prereqs.shared import sql_literal
from migration.docs.runbook.context import RunbookContext, SchemaObjectFacts
from migration.docs.runbook.markdown import Doc
from migration.docs.runbook.pictures import duration
from migration.inventory.ddl_parts import LOB_NOT_NULL_CHECK_PREFIX
from migration.inventory.names import quote_oracle
from migration.planning.left_behind import EXTRACT_SESSION

_WORK = "indexes, unique keys, foreign keys and checks"
_MAX_LISTED = 50


def _facts(ctx: RunbookContext) -> SchemaObjectFacts:
    return ctx.schema_objects or SchemaObjectFacts()


def before_load_step(ctx: RunbookContext, d: Doc) -> None:
    """Step 0, with an inventory: the target tables come from the before-load DDL part, before the first `up`
    starts the forward tasks (they run with targetTablePrepMode DO_NOTHING or TRUNCATE_BEFORE_LOAD)."""
    if ctx.schema_objects is None:
        return
    d.add(
        "Create the target schema from the inventory before the forward tasks start: tables, primary keys, "
        "defaults, identity columns (BY DEFAULT) and sequences; indexes and constraints wait for the full load:",
        "",
    )
    d.code(
        "sh",
        f"python -m migration inventory ddl --stack {ctx.stack} --part before-load --output before-load.sql",
        'psql "$PG_URL" -v ON_ERROR_STOP=1 --single-transaction -f before-load.sql',
    )


# Each DDL part runs in one transaction (psql --single-transaction): a part that fails half-way (a VALIDATE that
# finds an orphan row) leaves nothing behind, so after the fix it runs again as it is. The sequence export reads
# no input (</dev/null): run alone, sqlplus would otherwise wait at a prompt hidden by TERMOUT OFF.


def post_load_section(ctx: RunbookContext, d: Doc) -> None:
    """Between full load and catch-up: the paused tasks wait for the after-load DDL (indexes, constraints), built
    outside the downtime window (DMS User Guide, Best practices: indexes, triggers and referential integrity)."""
    facts = _facts(ctx)
    if not facts.paused_task_ids:
        return
    window = f" (the downtime window is {facts.window_hours:g} h)" if facts.window_hours else ""
    d.add(
        "## 0b. After the full load: build indexes and constraints, then resume",
        "",
        f"The forward task(s) {', '.join(f'`{t}`' for t in facts.paused_task_ids)} stop after their full load, "
        "before applying the changes cached during it (StopTaskCachedChangesNotApplied): status `stopped`, "
        "StopReason `STOPPED_AFTER_FULL_LOAD`. Loading without secondary indexes and constraints is faster, and "
        "building them now keeps them out of the cutover window.",
        "",
    )
    _wait_for_every_pause(ctx, d)
    d.add(
        f"Then build the after-load part ({facts.post_load_objects} {_WORK}; estimated "
        f"{facts.post_load_hours:.1f} h{window}, one read of each table per object: rehearse it on a restored copy "
        "and use what it took):",
        "",
    )
    d.code(
        "sh",
        f"python -m migration inventory ddl --stack {ctx.stack} --part after-load --output after-load.sql",
        'psql "$PG_URL" -v ON_ERROR_STOP=1 --single-transaction -f after-load.sql',
    )
    d.add(
        "Then resume each paused task: it applies the cached changes and goes on with CDC. `pulumi up` does not "
        "resume it (the provider starts a task only when `startReplicationTask` or a setting changes):",
        "",
    )
    if ctx.serverless:
        resume = (
            # dms_task_arn (helpers_serverless.sh) asks DMS for the replication config's ARN
            '  aws dms start-replication --region "$REGION" --replication-config-arn "$(dms_task_arn "$t")" '
            "--start-replication-type resume-processing"
        )
    else:
        resume = (
            '  aws dms start-replication-task --region "$REGION" --replication-task-arn "$(dms_task_arn "$t")" '
            "--start-replication-task-type resume-processing"
        )
    d.code("sh", "for t in " + " ".join(facts.paused_task_ids) + "; do", resume, "done")
    d.add(
        "The stack can skip the pause (`inventory.pauseBeforeCachedChanges: false`); the after-load part then runs "
        "at cutover, inside the window.",
        "",
    )


def _wait_for_every_pause(ctx: RunbookContext, d: Doc) -> None:
    """The after-load part is one file over the tables of every paused task: run before the last one paused, it
    would build indexes on tables still loading. So wait for all, and say how long the first one waits."""
    paused = _facts(ctx).paused_task_ids
    which = f"**all {len(paused)}** have paused" if len(paused) > 1 else "it has paused"
    d.add(
        f"Wait until {which}: the after-load part covers the tables of every paused task, and run earlier it builds "
        "on tables still loading. `status` shows each task `stopped` with STOPPED_AFTER_FULL_LOAD; "
        "`dms_wait_paused` returns once every one is:",
        "",
    )
    d.code("sh", d.live("status"), "dms_wait_paused " + " ".join(paused))
    d.add(*_pause_waits(ctx))


def _pause_waits(ctx: RunbookContext) -> list[str]:
    """How long each paused task waits for the last, and the catch-up once all resume: every task then holds the
    changes of the longest load and the build, not only of its own load (DBA trial on issue 21, finding 6)."""
    facts = _facts(ctx)
    loads = [(t, sec) for t, sec in ctx.full_load_estimates or () if t in facts.paused_task_ids]
    if not loads:
        return []
    first, shortest = min(loads, key=lambda e: e[1])
    last, longest = max(loads, key=lambda e: e[1])
    out = [f"Planned full loads (estimates): {', '.join(f'`{t}` {duration(sec)}' for t, sec in loads)}."]
    if len(loads) > 1:
        out[0] += (
            f" `{first}` pauses first and waits about {duration(longest - shortest)} for `{last}`, then the "
            f"build ({facts.post_load_hours:.1f} h): each task waits the longest load minus its own."
        )
    change, apply = facts.change_mb_per_s, facts.cdc_apply_mb_per_s
    if change and apply:
        wait_gb = change * (longest - shortest) / 1024
        backlog_gb = change * (longest + facts.post_load_hours * 3600) / 1024
        catch_up = (
            f"about {duration(backlog_gb * 1024 / (apply - change))}" if apply > change else "never (apply <= change)"
        )
        out.append(
            f"At the plan's change rate ({change:g} MB/s over the migrated tables) the source writes ~{wait_gb:.1f} GB "
            f"of changes while `{first}` waits. All resume with ~{backlog_gb:.1f} GB cached (the longest load plus "
            "the build); "
            f"applied at {apply:g} MB/s while changes keep coming, the catch-up takes {catch_up}, not the plan's "
            "figure, which assumes no pause."
        )
    return [" ".join(out), ""]


def after_load_at_cutover(ctx: RunbookContext, d: Doc) -> None:
    """Step 4, once the forward tasks stopped: the after-load part when no task paused for it (the pause is off, or
    nothing needed it). It comes before the reverse slot (step 5), which would otherwise retain the WAL of every
    index build, and before the sequences (step 6) and the switch (step 7), which rely on its keys and indexes;
    even with nothing to build it lists the triggers and expression indexes to convert by hand."""
    facts = _facts(ctx)
    if ctx.schema_objects is None or facts.paused_task_ids:
        return
    what = (
        f"{facts.post_load_objects} {_WORK}, estimated {facts.post_load_hours:.1f} h"
        if facts.post_load_objects
        else "nothing to build; it lists the triggers and indexes to convert by hand"
    )
    d.add(
        f"No task paused for the after-load part ({what}): apply it now, while nothing writes to PostgreSQL "
        "and before step 5 creates the reverse slot:",
        "",
    )
    d.code(
        "sh",
        f"python -m migration inventory ddl --stack {ctx.stack} --part after-load --output after-load.sql",
        'psql "$PG_URL" -v ON_ERROR_STOP=1 --single-transaction -f after-load.sql',
    )


def cutover_sequences(ctx: RunbookContext, d: Doc) -> bool:
    """Step 6: with a sequences export, the cutover DDL part, which moves every sequence and identity, not only
    those tied to a column. False when the stack has no sequences export (step 6 keeps its generic resync)."""
    facts = _facts(ctx)
    if not facts.sequences_exported:
        return False
    d.add(
        "At the write freeze, export Oracle's sequences again (every value handed out until now is below "
        f"LAST_NUMBER), point `{SEQUENCES_KEY}` at the new file and apply the cutover part: it moves every "
        "sequence and identity past Oracle's values, trigger-fed and application-called ones included, and past "
        "the loaded rows' max(column) where it can tie the sequence to a column. From the project root:",
        "",
    )
    d.code(
        "sh",
        f'NLS_LANG=AMERICAN_AMERICA.AL32UTF8 sqlplus -S "$ORA" @migration/sql/oracle_sequences.sql '
        f'"{",".join(ctx.oracle_schemas)}" </dev/null',
        sequences_config_command(ctx.project, ctx.stack, FREEZE_SEQUENCES_FILE),
        f"python -m migration inventory ddl --stack {ctx.stack} --part cutover --output cutover.sql",
        'psql "$PG_URL" -v ON_ERROR_STOP=1 --single-transaction -f cutover.sql',
    )
    d.add(
        "The same part lists any rows sitting in a DEFAULT partition"
        + (
            ", and adds `CHECK (column IS NOT NULL) NOT VALID` on the LOB columns Oracle declares NOT NULL, which "
            "DMS needed nullable while it loaded and applied changes (it inserts a row, then writes its LOBs): "
            "instant, no scan inside the window, and every new row is checked; step 7b validates them after "
            "the switch."
            if facts.lob_not_null_columns
            else "."
        ),
        "",
    )
    if facts.trigger_fed_keys:
        d.add(
            "Oracle fed these key columns from a sequence in a BEFORE INSERT trigger, which PostgreSQL does not "
            "have: the cutover part makes that sequence their default (`ALTER COLUMN ... SET DEFAULT nextval(...)`), "
            "so an insert that omits the key works as it did in Oracle: "
            + ", ".join(f"`{k}`" for k in facts.trigger_fed_keys[:_MAX_LISTED])
            + (
                f" and {len(facts.trigger_fed_keys) - _MAX_LISTED} more"
                if len(facts.trigger_fed_keys) > _MAX_LISTED
                else ""
            )
            + ".",
            "",
        )
    _untied_sequences(facts, d)
    d.add("Create the PL/pgSQL versions of the Oracle triggers the after-load part lists, now.", "")
    return True


# oracle_sequences.sql spools into the current directory under this name (its SPOOL line).
FREEZE_SEQUENCES_FILE = "sequences.csv"
# The stack config key that names the sequences export, as the config model spells it (Pulumi config keys are the
# field aliases, under the project's namespace).
SEQUENCES_KEY = f"{StackConfig.model_fields['inventory'].alias}.{InventoryConfig.model_fields['sequences'].alias}"


def sequences_config_command(project: str, stack: str, path: str) -> str:
    """The `pulumi config set --path` that points the stack's sequences export at `path` (relative to the project
    root, like every inventory path)."""
    return f"pulumi config set --path '{project}:{SEQUENCES_KEY}' {path} --stack {stack}"


def _untied_sequences(facts: SchemaObjectFacts, d: Doc) -> None:
    """The sequences the cutover part moved from LAST_NUMBER alone: a stale export is not caught by max(column)
    for them, so the check (also at the end of cutover.sql) is printed to run again by hand."""
    if not facts.untied_sequences:
        return
    d.add(
        f"{len(facts.untied_sequences)} sequence(s) are tied to no column (application-called, or fed by a trigger "
        "the export cannot tie), so only LAST_NUMBER moved them: "
        + ", ".join(f"`{q}`" for q in facts.untied_sequences[:_MAX_LISTED])
        + (
            f" and {len(facts.untied_sequences) - _MAX_LISTED} more (all in cutover.sql)"
            if len(facts.untied_sequences) > _MAX_LISTED
            else ""
        )
        + ". This check (it changes nothing) lists each primary key already at or past one of them. Nothing in the "
        "export ties that key to that sequence: each line is a candidate to check in the application code that "
        "inserts into the table. If it takes the key from that sequence, run the setval the line prints; "
        "otherwise ignore the line:",
        "",
    )
    d.code("sh", "psql \"$PG_URL\" -v ON_ERROR_STOP=1 <<'SQL'", facts.untied_check, "SQL")


def identity_before_reverse(ctx: RunbookContext, d: Doc) -> None:
    """Before the reverse task starts: it inserts PostgreSQL's key values, which a GENERATED ALWAYS identity in
    Oracle refuses (ORA-32795), so those columns become BY DEFAULT first."""
    always = _facts(ctx).identity_always
    if not always:
        return
    d.add(
        "Oracle identity columns GENERATED ALWAYS refuse the key values the reverse task writes (ORA-32795): make "
        "them BY DEFAULT before it starts (step 8's take-back restores them):",
        "",
    )
    d.code("sql", *(_modify_identity(c, "BY DEFAULT") for c in always))


def identity_take_back(ctx: RunbookContext, d: Doc) -> None:
    """At take-back: every Oracle identity moves past the keys PostgreSQL handed out (START WITH LIMIT VALUE), the
    ALWAYS ones back to ALWAYS."""
    facts = _facts(ctx)
    if not (facts.identity_always or facts.identity_by_default):
        return
    d.add("   Oracle identity columns move past PostgreSQL's keys (and ALWAYS comes back):", "")
    d.code(
        "sql",
        *(_modify_identity(c, "ALWAYS", limit=True) for c in facts.identity_always),
        *(_modify_identity(c, "BY DEFAULT", limit=True) for c in facts.identity_by_default),
    )


def _modify_identity(column: str, generation: str, *, limit: bool = False) -> str:
    owner, table, name = column.split(".", 2)
    start = " (START WITH LIMIT VALUE)" if limit else ""
    return (
        f"ALTER TABLE {quote_oracle(owner)}.{quote_oracle(table)} MODIFY ({quote_oracle(name)} GENERATED "
        f"{generation} AS IDENTITY{start});"
    )


def left_behind_section(ctx: RunbookContext, d: Doc) -> None:
    """Every table and column the migration does not move, why, and how to move it by hand: a table (the first
    rows, it stays readable at thousands), then every item's SQL in two scripts to paste whole, one per side."""
    items = [i for i in ctx.left_behind if not i.way_back]  # those come back by hand at the fallback (step 8)
    if not items:
        return
    shown = items[:_MAX_LISTED]
    more = (
        [f"... and {len(items) - _MAX_LISTED} more: every one is in the scripts below.", ""]
        if len(items) > _MAX_LISTED
        else []
    )
    d.add(
        "## Appendix: left behind",
        "",
        "What no task moves: move it by hand after the freeze (step 2), before the switch (step 7).",
        "",
        "| Not moved | Why | By hand |",
        "|---|---|---|",
        *(f"| {i.what} | {i.why} | {i.how} |".replace("\n", " ") for i in shown),
        "",
        *more,
        "On PostgreSQL, once the before-load part is applied: the tables and columns to receive them (a comment "
        "where PostgreSQL has no type):",
        "",
    )
    d.code(
        "sh", "psql \"$PG_URL\" -v ON_ERROR_STOP=1 <<'SQL'", *(i.postgres_sql for i in items if i.postgres_sql), "SQL"
    )
    d.add(
        "On Oracle, after the freeze: each extract spools a CSV into the current directory, OWNER.TABLE.csv for a "
        "whole table (key-less or excluded) and OWNER.TABLE.COLUMN.csv for a column with its key. The session "
        "prints dates and timestamps in ISO forms PostgreSQL reads, in UTC (the defaults would print `02-DEC-26`):",
        "",
    )
    d.code(
        "sh",
        "NLS_LANG=AMERICAN_AMERICA.AL32UTF8 sqlplus -S \"$ORA\" <<'SQL'",
        "WHENEVER SQLERROR EXIT FAILURE",
        "SET MARKUP CSV ON DELIMITER , QUOTE ON",
        "SET FEEDBACK OFF TERMOUT OFF PAGESIZE 0 LINESIZE 32767 TRIMSPOOL ON LONG 2000000000 LONGCHUNKSIZE 32767",
        EXTRACT_SESSION,
        *(i.oracle_sql for i in items if i.oracle_sql),
        "SQL",
    )
    loads = list(dict.fromkeys(i.load_sql for i in items if i.load_sql))  # two LOBs of a key-less table: one copy
    if not loads:
        return
    d.add(
        "Then load each CSV on PostgreSQL, from the same directory. Each load is one transaction: a whole table is "
        "emptied and copied again, a column is copied into a staging table and set by key; a failed copy stops "
        "the script and leaves that table as it was. A load that needs a column PostgreSQL has no type for is "
        "commented out: add the column as text first.",
        "",
    )
    d.code("sh", "psql \"$PG_URL\" -v ON_ERROR_STOP=1 <<'SQL'", *loads, "SQL")


def lob_not_null_after_switch(ctx: RunbookContext, d: Doc) -> None:
    """Step 7b, with the applications on PostgreSQL: the CHECKs the cutover part added NOT VALID on the LOB columns
    are validated (VALIDATE CONSTRAINT takes SHARE UPDATE EXCLUSIVE: reads and writes go on), then SET NOT NULL
    skips its scan on the validated CHECK and only its ACCESS EXCLUSIVE lock is brief (PostgreSQL 15, ALTER
    TABLE: VALIDATE CONSTRAINT, SET NOT NULL), and the CHECK goes. Found in the catalogue by the part's prefix."""
    columns = _facts(ctx).lob_not_null_columns
    if not columns:
        return
    d.add(
        "## 7b. After the switch: NOT NULL on the LOB columns, online",
        "",
        f"The cutover part checks new rows of {len(columns)} LOB column(s) Oracle declares NOT NULL "
        f"({', '.join(f'`{c}`' for c in columns[:_MAX_LISTED])}) with a CHECK NOT VALID. Validate each now, "
        "while the applications write (one scan per table, under a lock that blocks no read or write), then set "
        "NOT NULL, which skips its scan on the validated CHECK and holds its exclusive lock only a moment, and drop "
        "the CHECK. A NULL found (a LOB DMS did not write) stops the script naming the constraint: copy that "
        "row's LOB from Oracle, then run it again; a lock timeout: run it again.",
        "",
    )
    schemas = ctx.postgres_schemas
    d.code(
        "sh",
        "psql \"$PG_URL\" -v ON_ERROR_STOP=1 <<'SQL'",
        _each_lob_check("'ALTER TABLE %s VALIDATE CONSTRAINT %I', c.conrelid::regclass, c.conname", schemas),
        "SET lock_timeout = '5s';",
        _each_lob_check(
            "'ALTER TABLE %s ALTER COLUMN %I SET NOT NULL', c.conrelid::regclass, a.attname", schemas, valid=True
        ),
        _each_lob_check("'ALTER TABLE %s DROP CONSTRAINT %I', c.conrelid::regclass, c.conname", schemas, valid=True),
        "SQL",
    )


def _each_lob_check(statement: str, schemas: Sequence[str], valid: bool = False) -> str:
    """A psql \\gexec running `statement` (format() arguments) for each CHECK the cutover part added on a LOB
    column of `schemas` (the partitioned parent only: its statements recurse), `valid`: once validated."""
    like = LOB_NOT_NULL_CHECK_PREFIX.replace("_", "\\_")
    return "\n".join(
        [
            f"SELECT format({statement})",
            "FROM pg_constraint c JOIN pg_namespace n ON n.oid = c.connamespace",
            "  JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = c.conkey[1]",
            f"WHERE c.contype = 'c' AND c.conislocal AND c.conname LIKE '{like}%'",
            f"  AND n.nspname IN ({', '.join(sql_literal(s) for s in schemas)})"
            + (" AND c.convalidated" if valid else ""),
            "ORDER BY 1 \\gexec",
        ]
    )
