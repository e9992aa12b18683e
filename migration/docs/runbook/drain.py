"""The runbook's steps around the drain: reading validation failures and apply exceptions (with the reload and
resync that repair them), recording the freeze time, the exact drain with a CDC stop position, and the LogMiner
LOB-only reconciliation, which only means something once writes are frozen and the tasks have drained.

What the stop position can and cannot do, checked against the sources:
- DMS accepts `CdcStopPosition` as `server_time:` or `commit_time:` (StartReplicationTask / ModifyReplicationTask,
  DMS API reference), not as an SCN: the freeze is recorded as a UTC commit time.
- pulumi-aws wraps terraform-provider-aws, whose `aws_dms_replication_task` (internal/service/dms/
  replication_task.go) has `cdc_start_position`/`cdc_start_time` but no stop position: `pulumi up` can neither set
  one nor clear it, and with `startReplicationTask: false` (phase cutover) it only stops a task that is running.
  So the stop position is set with the AWS CLI on resume, and the task stops itself there.
"""

from __future__ import annotations

from migration.dms.task_settings import DEFAULT_CONTROL_SCHEMA
from migration.docs.runbook.context import RunbookContext
from migration.docs.runbook.lob_sql import EXTRACT_SETTINGS, LOB_CHUNK_BYTES
from migration.docs.runbook.markdown import Doc

CONTROL_SCHEMA = DEFAULT_CONTROL_SCHEMA["postgresql"]
VALIDATION_FAILURES_TABLE = f"{CONTROL_SCHEMA}.awsdms_validation_failures_v1"
APPLY_EXCEPTIONS_TABLE = f"{CONTROL_SCHEMA}.awsdms_apply_exceptions"
DRAIN_WAIT_SECONDS = 1800  # dms_drain_to's default wait (helpers_*.sh: DMS_WAIT_SECONDS)
LOB_SCN_QUERY = "SELECT CURRENT_SCN FROM V$DATABASE"
FREEZE_TIME_QUERY = "SELECT TO_CHAR(SYS_EXTRACT_UTC(SYSTIMESTAMP), 'YYYY-MM-DD\"T\"HH24:MI:SS') FROM dual"


def validation_failures_step(ctx: RunbookContext, d: Doc) -> None:
    """Rows validation found different, and changes DMS could not apply, each with the command that repairs it
    (DMS guide: AWS DMS data validation, Troubleshooting; Reloading tables during a task; AWS DMS data resync)."""
    d.add(
        "Validation failures and apply exceptions, on PostgreSQL (both must be empty before the freeze):",
        "",
    )
    d.code(
        "sql",
        f"SELECT task_name, table_owner, table_name, failure_time, key_type, key, failure_type, details FROM "
        f"{VALIDATION_FAILURES_TABLE} ORDER BY failure_time DESC LIMIT 100;",
        f"SELECT task_name, table_owner, table_name, error_time, statement, error FROM {APPLY_EXCEPTIONS_TABLE} "
        "ORDER BY error_time DESC LIMIT 100;",
    )
    d.add(
        "`task_name` is the task's resource ID (the last `:` field of its ARN). For a table with failures, first "
        "revalidate it (a failure recorded while changes were in flight clears); if it stays, reload it from "
        "Oracle (the task stays running; the table is truncated and loaded again):",
        "",
    )
    d.code(
        "sh",
        "dms_reload TASK_ID SCHEMA TABLE validate-only  # e.g. dms_reload my-task APP ORDERS validate-only",
        "dms_reload TASK_ID SCHEMA TABLE data-reload",
    )
    d.add(
        "Where the task settings carry `ResyncSettings` (data resync, engine 3.6.1+), DMS itself re-reads the "
        "failed rows from Oracle and rewrites them on its `ResyncSchedule`, pausing replication and validation "
        "while it runs; it tracks each fix in `awsdms_validation_failures_v2`. Keep that schedule out of the "
        "cutover window (`migration.resyncSchedule`).",
        "",
    )
    if ctx.resync_windows:  # the windows themselves, so the cutover can be placed clear of them
        d.add(
            "This stack's resync windows (cron in UTC: minute hour day-of-month month day-of-week; DMS guide: Data "
            "resync settings):",
            "",
        )
        d.add(*(f"- task {name}: `{cron}`, for up to {minutes} min" for name, cron, minutes in ctx.resync_windows), "")


def freeze_time_step(ctx: RunbookContext, d: Doc) -> None:
    """The freeze as a UTC commit time: the stop position of the exact drain (step 3)."""
    d.add("Record the freeze time in UTC for the exact drain (step 3):", "")
    d.code("sql", FREEZE_TIME_QUERY + ";")
    d.code("sh", "FREEZE_UTC=YYYY-MM-DDTHH:MM:SS  # the time the query printed")


def exact_drain_step(ctx: RunbookContext, d: Doc) -> None:
    """Each forward task resumes with a stop position at the freeze and stops itself once it has applied every
    change committed up to it: no reading of 1-minute CloudWatch maxima, no guessing when the last change landed."""
    d.add(
        "Stop each forward task and resume it with a CDC stop position at the freeze: it applies every change "
        "committed up to `$FREEZE_UTC` and then stops by itself (DMS takes `commit_time:` or `server_time:`, not "
        "an SCN). The provider has no stop position, so `pulumi up` neither sets nor clears it, and step 4 finds "
        "the tasks already stopped.",
        "",
    )
    d.code("sh", 'dms_drain_to "$FREEZE_UTC" $FORWARD_TASKS', "dms_status $FORWARD_TASKS")
    d.add(
        "Expect every task `stopped` with a stop reason naming the CDC stop position. If one stops for another "
        "reason, read its log and step 1's failure tables before going on.",
        "",
    )
    _when_the_drain_does_not_stop(ctx, d)


def _when_the_drain_does_not_stop(ctx: RunbookContext, d: Doc) -> None:
    """The stop position's one undocumented edge, with the next step; and on DMS Serverless, the restart's cost."""
    d.add(
        f"`dms_drain_to` waits at most `DMS_WAIT_SECONDS` (default {DRAIN_WAIT_SECONDS // 60} min) and then names "
        "the tasks still running, instead of polling for ever. DMS documents a `commit_time:` stop position only "
        'as "when you want a CDC operation to stop" (DMS API reference: StartReplicationTask, CdcStopPosition); '
        "it does not say how a task finds it has passed that time when nothing commits after it, and with writes "
        "frozen nothing may. So a task still running after the wait is not an error in itself. Next step for "
        "each one named (kept in `$DRAIN_RUNNING`): check that it has nothing left to apply, CDC latency near 0 "
        "and no incoming changes"
        + (" (DMS Serverless: on the replication's monitoring tab)," if ctx.serverless else ":"),
        "",
    )
    if not ctx.serverless:
        d.code(
            "sh",
            'for t in $DRAIN_RUNNING; do dms_metric CDCLatencySource "$t"; dms_metric CDCIncomingChanges "$t"; done',
        )
    d.add(
        "then stop it yourself (`aws dms stop-replication-task`, or `stop-replication` on DMS Serverless) and "
        "confirm with the row counts below; if latency is not near 0, the task is behind: wait and run "
        "`dms_wait_stopped TASK_ID` again rather than stop it.",
        "",
        "If it says `did not stop when asked` instead, no task was resumed with the stop position: wait for the "
        "tasks named (`dms_wait_stopped TASK_ID`), then run the `dms_drain_to` line again (DMS refuses to stop a "
        "task already stopped: that error is harmless).",
        "",
    )
    if ctx.serverless:
        d.add(
            "DMS Serverless: `dms_drain_to` stops and restarts each replication. A stop keeps the replication "
            "provisioned (DMS API reference: StopReplication), but a start goes through the replication states "
            "again (initializing, testing connection, fetching metadata, calculating capacity; DMS guide: *AWS DMS "
            "Serverless components*) before it applies a change: minutes per replication, inside the outage. Time "
            "it in a rehearsal and add it to the outage estimate.",
            "",
        )


def lob_first_pass_step(ctx: RunbookContext, d: Doc) -> None:
    """Step 1, last: LogMiner loses UPDATEs that change only LOB columns. The first pass copies every row's LOBs
    while Oracle still takes writes, after recording the SCN; step 3 then copies only the rows changed since, so
    the outage holds the second pass alone."""
    if not (ctx.cdc and ctx.lob_updates_not_replicated):
        return
    d.add(
        "LOB-only updates (LogMiner does not replicate UPDATEs that change only LOB columns; the stack accepts it "
        "in `migration.lobUpdatesNotReplicated`) of these tables:",
        "",
        *(f"- `{t}`" for t in ctx.lob_updates_not_replicated),
        "",
    )
    if not ctx.lob_reconciliation:
        d.add(
            "This stack has no inventory, so the runbook has no SQL for them: before the freeze, record the SCN "
            f"(`{LOB_SCN_QUERY}`) and copy each table's LOBs; after the freeze and the drain (step 3), copy again "
            "the rows whose `ORA_ROWSCN` is past that SCN.",
            "",
        )
        return
    d.add(f"What the plan says of them: {ctx.lob_reconciliation_note}.", "", "Write the two scripts once:", "")
    d.code("sh", *_lob_scripts(ctx))
    d.add(
        "First pass, the last thing before the freeze (Oracle still takes writes): record the SCN, then copy every "
        "row's LOBs (from SCN 0). Each table goes in chunks of about "
        f"{LOB_CHUNK_BYTES // 2**30} GiB of its export size (ORA_HASH of its key), each its own spool file and "
        "transaction; each `UPDATE n` is the number of rows of a chunk whose LOBs PostgreSQL had stale. A load "
        "that stops part way keeps the chunks it committed: run it again (it writes only the rows that differ):",
        "",
    )
    d.code(
        "sh",
        f"LOB_CHECK_SCN=$(printf 'SET HEADING OFF FEEDBACK OFF PAGESIZE 0\\n{LOB_SCN_QUERY};\\n' | "
        "sqlplus -S \"$ORA\" | tr -dc '0-9')",
        'echo "LOB_CHECK_SCN=$LOB_CHECK_SCN"  # keep it: step 3 starts from it',
        *_lob_pass("0"),
    )


def _lob_scripts(ctx: RunbookContext) -> list[str]:
    return [
        "cat > lob_extract.sql <<'SQL'",
        *EXTRACT_SETTINGS,
        *(r.oracle_extract for r in ctx.lob_reconciliation),
        "EXIT",
        "SQL",
        "cat > lob_load.sql <<'SQL'",
        *(r.postgres_load for r in ctx.lob_reconciliation),
        "SQL",
    ]


def _lob_pass(since: str) -> list[str]:
    return [
        f'NLS_LANG=AMERICAN_AMERICA.AL32UTF8 sqlplus -S "$ORA" @lob_extract.sql {since}',
        'psql "$PG_URL" -v ON_ERROR_STOP=1 -f lob_load.sql',
    ]


def lob_reconciliation_step(ctx: RunbookContext, d: Doc) -> None:
    """Step 3, last: with writes frozen and the tasks drained, the rows changed since the first pass's SCN are
    copied again; compared any earlier, an edit between the check and the freeze would be lost silently."""
    if not (ctx.cdc and ctx.lob_updates_not_replicated):
        return
    tables = ", ".join(ctx.lob_updates_not_replicated)
    if not ctx.lob_reconciliation:
        d.add(
            f"LOB-only updates of {tables}: now that writes are frozen and the tasks have drained, copy again the "
            "rows whose `ORA_ROWSCN` is past the SCN recorded at step 1's first pass; copied any earlier, an edit "
            "between the copy and the freeze would be lost silently.",
            "",
        )
        return
    d.add(
        f"LOB-only updates of {tables}, second pass: writes are frozen and the tasks have drained, so copy the rows "
        "changed since step 1's `LOB_CHECK_SCN` (copied any earlier, an edit between the copy and the freeze would "
        f"be lost silently). What the plan says of it: {ctx.lob_reconciliation_note}.",
        "",
    )
    d.code("sh", "LOB_CHECK_SCN=${LOB_CHECK_SCN:?set it to the SCN step 1 printed}", *_lob_pass('"$LOB_CHECK_SCN"'))
