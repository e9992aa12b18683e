"""The runbook's way back, section 8: start the reverse task from the LSN captured at cutover, carry back by hand
what it leaves out, then take Oracle back (its constraints and sequences restored) and switch."""

from __future__ import annotations

from migration.docs.prereqs import (
    oracle_fallback_disable_sql,
    oracle_fallback_enable_sql,
)
from migration.docs.prereqs.shared import sql_literal
from migration.docs.runbook.context import RunbookContext
from migration.docs.runbook.markdown import Doc
from migration.docs.runbook.objects import (
    identity_before_reverse,
    identity_take_back,
)
from migration.docs.runbook.sql import (
    row_count_queries,
)


def fallback_section(ctx: RunbookContext, d: Doc) -> None:
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


def _start_reverse_replication(ctx: RunbookContext, d: Doc, rev: str) -> None:
    """Section 8, first part: Oracle's FKs and triggers are disabled before the reverse task starts, or DMS's
    changes would fire them; then how to watch the reverse task and, with a slot, the WAL it retains."""
    slot = ctx.reverse_slot_name
    d.add(
        "Oracle is no longer production: disable its FK constraints and triggers on the replicated tables so "
        'DMS\'s changes do not fire them (`sqlplus "$ORA"`):',
        "",
    )
    d.code("sql", oracle_fallback_disable_sql(schemas=ctx.oracle_schemas).rstrip())
    identity_before_reverse(ctx, d)
    d.ready_for("fallback")
    d.add("Then start the reverse task:", "")
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
    d.code("sh", d.live("status", "--watch", "30"))
    d.add(
        "It shows the reverse task's state and CDC latency and, with `reverse.postgresSource.dbInstanceIdentifier` "
        "set, the slot lag from CloudWatch (`OldestReplicationSlotLag`, `ReplicationSlotDiskUsage`).",
        "",
    )
    if slot:
        d.add("WAL retained by the slot (grows if the reverse task stops):", "")
        d.code(
            "sql",
            "SELECT slot_name, active, pg_size_pretty(pg_wal_lsn_diff(pg_current_wal_lsn(), "
            f"restart_lsn)) AS retained FROM pg_replication_slots WHERE slot_name = {sql_literal(slot)};",
        )


def _take_back(ctx: RunbookContext, d: Doc, rev: str) -> None:
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
        "   While the reverse task still runs, check the drain: `status --ready-for complete` exits 0 once its CDC "
        "latency is 0 on both sides, or 1 and lists every reason it is not:",
        "",
    )
    d.code("sh", d.live("status", "--ready-for", "complete"))
    d.add(
        "3. With PostgreSQL frozen and the reverse task drained, compare the two sides once more, this time before "
        "Oracle takes production back: every count must match, or a change did not come back.",
        "",
    )
    d.add(*row_count_queries(ctx))
    _carry_back_by_hand(ctx, d)
    d.add("4. Stop all tasks.", "")
    d.code("sh", *d.pulumi_phase("complete"))
    d.add("5. Re-enable Oracle's triggers and FK constraints:", "")
    d.code("sql", oracle_fallback_enable_sql().rstrip())
    d.add("6. Move Oracle's sequences past PostgreSQL's (query saved in step 6):", "")
    d.code(
        "sh",
        'psql "$PG_URL" -At -v ON_ERROR_STOP=1 -f oracle_sequences_query.sql > oracle_sequences.sql',
        'sqlplus -S "$ORA" @oracle_sequences.sql </dev/null || echo "NOT DONE: fix each FAILED sequence and run again"',
    )
    d.add(
        "   It prints one `moved` line per sequence. If one cannot move (not found under that name, MAXVALUE "
        "reached), it prints `FAILED` with Oracle's error, moves the others anyway, and sqlplus exits with a "
        "failure: fix each FAILED sequence and run it again (the ones already moved stay as they are).",
        "",
    )
    identity_take_back(ctx, d)
    d.add("7. Switch the applications back to Oracle.", "")


def _carry_back_by_hand(ctx: RunbookContext, d: Doc) -> None:
    """Step 8.3, last: the LOB columns reverse.leaveOutColumns keeps out of the reverse task come back by hand,
    with PostgreSQL frozen and before Oracle takes production back (migration.planning.left_behind, way back)."""
    items = [i for i in ctx.left_behind if i.way_back]
    if not items:
        return
    d.add(
        f"   The reverse task leaves out {', '.join(i.what.split(' ')[0] for i in items)} "
        "(`reverse.leaveOutColumns`): carry them back now, every row by key. On PostgreSQL, extract each one into "
        "a CSV:",
        "",
    )
    d.code("sh", "psql \"$PG_URL\" -v ON_ERROR_STOP=1 <<'SQL'", *(i.postgres_sql for i in items), "SQL")
    d.add(
        "   On Oracle, as the reverse user: create each staging table, load its CSV with SQL*Loader (the control "
        "file is in the comment), update the column by key, drop the staging table:",
        "",
    )
    d.code("sql", *(i.oracle_sql for i in items))
