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
from migration.docs.runbook.markdown import Doc

CONTROL_SCHEMA = DEFAULT_CONTROL_SCHEMA["postgresql"]
VALIDATION_FAILURES_TABLE = f"{CONTROL_SCHEMA}.awsdms_validation_failures_v1"
APPLY_EXCEPTIONS_TABLE = f"{CONTROL_SCHEMA}.awsdms_apply_exceptions"
DRAIN_WAIT_SECONDS = 1800  # dms_drain_to's default wait (helpers_*.sh: DMS_WAIT_SECONDS)
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


def lob_reconciliation_step(ctx: RunbookContext, d: Doc) -> None:
    """LogMiner loses UPDATEs that change only LOB columns; compared before the freeze, an edit between the check
    and the freeze would be lost silently, so the comparison runs here, with both sides standing still."""
    if not (ctx.cdc and ctx.lob_updates_not_replicated):
        return
    d.add(
        "LOB-only updates: LogMiner does not replicate UPDATEs that change only LOB columns, and the stack accepts "
        f"that for {', '.join(ctx.lob_updates_not_replicated)}. Now that writes are frozen and the tasks have "
        "drained, compare those LOBs (e.g. a checksum of each LOB column per key range on both sides) and copy "
        "the rows that differ; compared any earlier, an edit between the check and the freeze is lost silently. "
        "Where such edits are frequent, Binary Reader is the better choice (`source.settings.reader: "
        "binary-reader`): the DMS guide steers LOB workloads there, and it replicates LOB-only updates.",
        "",
    )
