"""The runbook's sections, in the order they are run: header, pictures, shell helpers, sections 0-9 and the names
appendix; `render_runbook` joins them. Content is chosen by migration type, capacity and reverse path."""

from __future__ import annotations

from collections.abc import Sequence

from migration.docs.prereqs import (
    FALLBACK_TRACKING_TABLE,
    LSN_QUERY,
    SCN_QUERY,
    oracle_fallback_disable_sql,
    oracle_fallback_enable_sql,
    replica_identity_sql,
    slot_creation_sql,
)
from migration.docs.prereqs.shared import sql_literal
from migration.docs.runbook.context import RunbookContext
from migration.docs.runbook.drain import (
    exact_drain_step,
    freeze_time_step,
    lob_first_pass_step,
    lob_reconciliation_step,
    validation_failures_step,
)
from migration.docs.runbook.markdown import Doc
from migration.docs.runbook.objects import (
    after_load_at_cutover,
    before_load_step,
    cutover_sequences,
    default_partition_step,
    identity_before_reverse,
    identity_take_back,
    left_behind_section,
    left_behind_step,
    lob_not_null_after_switch,
    post_load_section,
)
from migration.docs.runbook.pictures import pictures_section
from migration.docs.runbook.shell import shell_helpers_section
from migration.docs.runbook.sql import (
    SESSIONS_QUERY,
    oracle_sequence_resync_query,
    postgres_sequence_resync_sql,
    row_count_queries,
    sequence_schema_map,
)

_NEXT_SECTION = {"replicate": 1, "cutover": 5, "fallback": 8, "complete": 9}
_MAX_NAMES_LISTED = 500
_MAX_TASKS_IN_HEADER = 20


def render_runbook(ctx: RunbookContext) -> str:
    """Markdown runbook for the stack: pictures, shell helpers, sections 0-9, content chosen by migration type,
    capacity and reverse path."""
    d = Doc(ctx)
    for section in (
        _header,
        pictures_section,
        shell_helpers_section,
        _prerequisites,
        post_load_section,
        _pre_checks,
        _reverse_path_check,
        _freeze_writes,
        _drain,
        _cutover,
        _capture_position,
        _resync_sequences,
        _switch_applications,
        lob_not_null_after_switch,
        _fallback,
        _teardown,
        left_behind_section,
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


def _header(ctx: RunbookContext, d: Doc) -> None:
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


def _prerequisites(ctx: RunbookContext, d: Doc) -> None:
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
    before_load_step(ctx, d)
    _before_the_load(ctx, d)


def _before_the_load(ctx: RunbookContext, d: Doc) -> None:
    """Section 0, last: DMS's own checks before any row moves: every endpoint reachable from where the tasks run,
    and the premigration assessment the DMS guide recommends (appendix). DMS Serverless has no instance to test
    from (the TestConnection API takes one): its replication tests the endpoints when it starts."""
    if ctx.serverless:
        d.add(
            "Before the load starts: run the premigration assessment (appendix) and fix every failed check. DMS "
            "Serverless has no replication instance for `test-connections` to test from: the replication tests "
            "its endpoints when it starts, and a failed test shows in `status` as the replication's failure "
            "message.",
            "",
        )
        d.code("sh", d.live("assess", "--start-serverless"))
        return
    d.add(
        "Before the load starts (first `pulumi up` with `migration.startTask: false`): test every endpoint from "
        "where the tasks run (exit 0 only when all succeed; each failure prints DMS's message), then run the "
        "premigration assessment (appendix) and fix every failed check:",
        "",
    )
    d.code("sh", d.live("test-connections"), d.live("assess"))


def _latency_loop(ctx: RunbookContext, d: Doc, metrics: Sequence[str], what: str) -> None:
    """A loop over the forward tasks reading `metrics`; on DMS Serverless, where to read them instead."""
    if ctx.serverless:
        d.add(f"DMS Serverless: read {what} of each replication on the DMS console (monitoring tab).", "")
        return
    d.code("sh", "for t in $FORWARD_TASKS; do", *(f'  dms_metric {m} "$t"' for m in metrics), "done")


def _pre_checks(ctx: RunbookContext, d: Doc) -> None:
    """Section 1: cutting over is only safe when the forward tasks are healthy and caught up (CDC latency near
    zero) or, for a full load, complete; this is the go/no-go check before any freeze. Row counts wait for the
    freeze (step 3): counted while applications write, they differ for no reason or match by chance."""
    d.add("## 1. Pre-checks (phase replicate)", "")
    d.add(
        "Watch the load (redraws every 30 s with progress bars, ETA against the plan, CDC latency from CloudWatch; "
        "Ctrl-C stops it):",
        "",
    )
    d.code("sh", d.live("status", "--watch", "30"))
    d.add("Draw the planned load next to the actual, beside the plan documents:", "")
    d.code("sh", d.live("status", "--chart"))
    d.add(
        "Table states"
        + (
            " and validation (every table `Validated`, 0 failed, 0 pending):"
            if ctx.validation_enabled
            else " (validation is off: rely on the row counts in step 3):"
        ),
        "",
    )
    d.code("sh", d.live("status", "--tables"))
    if ctx.cdc:
        d.add(
            "Go/no-go: every forward task running in CDC with its full load complete, no table errored or "
            "suspended, validation pending and failed 0, CDC latency under the stack's alarm thresholds for the "
            "whole window. Exit 0 means go; 1 lists every reason:",
            "",
        )
        d.code("sh", d.live("status", "--ready-for", "cutover"))
    else:
        d.add(
            "Full load only: expect `stopped` with the full load at 100% (there is no CDC latency to watch). "
            "Row counts come in step 3, once step 2 has confirmed that nothing writes to Oracle: counted while "
            "applications write, tables differ for no reason (or match by chance).",
            "",
        )
    if ctx.cdc:
        default_partition_step(ctx, d)
    if ctx.validation_enabled:
        validation_failures_step(ctx, d)
    lob_first_pass_step(ctx, d)


def _reverse_path_check(ctx: RunbookContext, d: Doc) -> None:
    """Section 1, last: the reverse endpoints exist from the first `pulumi up` (migration.planning.lifecycle), so
    their connections are tested here, days before the outage, not during it; the results DMS keeps are what
    `--ready-for fallback` reads after the cutover."""
    if not ctx.reverse_task_id or ctx.serverless:
        return
    d.add(
        "Fallback path, before the outage: the reverse endpoints (PostgreSQL source, Oracle target) exist since the "
        "first `pulumi up`. Test them from every instance now (and again after any change to a password, security "
        "group or certificate), so a fault is fixed while Oracle still takes the writes; `status --ready-for "
        "fallback` reads these results after the cutover. The reverse task itself comes at step 4:",
        "",
    )
    d.code("sh", d.live("test-connections"))


def _freeze_writes(ctx: RunbookContext, d: Doc) -> None:
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
        freeze_time_step(ctx, d)
    else:
        d.add(
            "Full load only: writes must have been frozen before the load started; any write since then is "
            "missing from PostgreSQL. Keep Oracle frozen until step 7. Confirm that no application session "
            "remains before counting rows in step 3:",
            "",
        )
        d.code("sql", SESSIONS_QUERY)


def _drain(ctx: RunbookContext, d: Doc) -> None:
    """Section 3: the forward tasks must apply every change captured before the freeze before they are stopped,
    or PostgreSQL starts production behind Oracle; row counts confirm it table by table. Counting happens here,
    after the freeze, because only then do both sides stand still."""
    d.add("## 3. Drain", "")
    if ctx.cdc:
        exact_drain_step(ctx, d)
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
    d.add(*row_count_queries(ctx))
    lob_reconciliation_step(ctx, d)


# What a stop or start looks like under `pulumi up` (migration.dms.provider_facts; terraform-provider-aws,
# internal/service/dms/replication_task.go, which pulumi-aws wraps).
PROVIDER_WAIT_NOTE = (
    "In provider terms: `startReplicationTask: false` makes the provider stop each task and wait for `stopped`, "
    "a fixed 5 minutes per task. A big task that takes longer makes `pulumi up` fail on the safe side: check the "
    "task status below and run `pulumi up` again. The EventBridge rule for DMS events adds the reverse task in "
    "place (with `monitoring.events: sns-subscriptions` the task-events subscription is deleted and re-created)."
)


def _cutover(ctx: RunbookContext, d: Doc) -> None:
    """Section 4: phase `cutover` stops the forward tasks through Pulumi (so the stack stays the source of truth)
    and, with a reverse path, creates the reverse task stopped, ready for the fallback (its endpoints were tested
    in step 1: the outage is no time to find a wrong password)."""
    rev = ctx.reverse_task_id
    d.add("## 4. Cutover", "")
    if ctx.cdc:
        d.ready_for("cutover")
    d.code("sh", *d.pulumi_phase("cutover"))
    d.add(
        "Stops the forward tasks (they are kept, not replaced)"
        + (
            f"; creates the reverse task `{rev}` (cdc, DO_NOTHING) without starting it, on the reverse endpoints "
            "tested in step 1."
            if rev
            else "."
        ),
        "",
        PROVIDER_WAIT_NOTE,
        "",
        "Check:",
        "",
    )
    d.code("sh", d.live("status"))
    d.add("Expect the forward tasks `stopped`" + (f" and `{rev}` `ready`." if rev else "."), "")
    after_load_at_cutover(ctx, d)
    left_behind_step(ctx, d)


def _capture_position(ctx: RunbookContext, d: Doc) -> None:
    """Section 5: the reverse task must start from PostgreSQL's position before the first application write, or
    those writes never reach Oracle; with a slot the LSN goes into the stack config, without one the order of
    steps 7 and 8 has to change."""
    rev = ctx.reverse_task_id
    slot = ctx.reverse_slot_name
    d.add("## 5. Capture the PostgreSQL position (before any application writes)", "")
    keyless = replica_identity_sql(ctx.replica_identity_full, ctx.reverse_slot_plugin) if rev else []
    if keyless and ctx.reverse_slot_plugin != "pglogical":
        d.add(
            "The tables without a primary key log whole old rows from now on, so the reverse task can apply "
            "their UPDATEs and DELETEs:",
            "",
        )
        d.code("sh", "psql \"$PG_URL\" -v ON_ERROR_STOP=1 <<'SQL'", *keyless, "SQL")
    if rev and slot:
        d.add(
            f"Create the replication slot `{slot}` (no-op if it exists), then capture the LSN the reverse task "
            "starts from:",
            "",
        )
        d.code(
            "sh",
            f'psql "$PG_URL" -c "{" ".join(slot_creation_sql(slot, ctx.reverse_slot_plugin).splitlines())}"',
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


def _resync_sequences(ctx: RunbookContext, d: Doc) -> None:
    """Section 6: DMS does not replicate sequences, so PostgreSQL's would hand out keys that already exist; with a
    reverse path the query that later moves Oracle's sequences forward is saved now, while it is at hand."""
    d.add("## 6. Resync sequences", "")
    if not cutover_sequences(ctx, d):
        d.add(
            "DMS does not replicate sequences. Set every sequence used by a column in "
            f"{', '.join(ctx.postgres_schemas)} to max(column)+1:",
            "",
        )
        d.code(
            "sh",
            "psql \"$PG_URL\" -v ON_ERROR_STOP=1 <<'SQL'",
            postgres_sequence_resync_sql(ctx.postgres_schemas),
            "SQL",
        )
        d.add(
            "Sequences not tied to a column (used only by application code) need a manual `setval`. If FKs or "
            "triggers were left out for the load, create/enable them now.",
            "",
        )
    if ctx.reverse_task_id:
        d.add(
            "Oracle side, for the take-back in step 8: save this query now. Run on PostgreSQL once it has stopped "
            "writing, it prints the SQL*Plus script that advances Oracle's sequences past PostgreSQL's values, each "
            "under its exact Oracle name from the inventory (a sequence the inventory does not know: its PostgreSQL "
            "name in upper case):",
            "",
        )
        d.code(
            "sh",
            "cat > oracle_sequences_query.sql <<'SQL'",
            oracle_sequence_resync_query(
                sequence_schema_map(ctx), ctx.schema_objects.sequence_names if ctx.schema_objects else ()
            ),
            "SQL",
        )
        d.add(
            "Oracle identity columns use system sequences: `ALTER TABLE t MODIFY (c GENERATED BY DEFAULT AS "
            "IDENTITY (START WITH LIMIT VALUE))`.",
            "",
        )


def _switch_applications(ctx: RunbookContext, d: Doc) -> None:
    """Section 7: the moment PostgreSQL becomes production; without a slot it must wait for step 8 so the reverse
    task sees every write."""
    d.add("## 7. Switch applications to PostgreSQL", "")
    d.add(
        f"Point the applications at {ctx.target_description}, smoke-test, then open traffic."
        + (" (No slot: only after step 8 is done.)" if ctx.reverse_task_id and not ctx.reverse_slot_name else ""),
        "",
    )


def _fallback(ctx: RunbookContext, d: Doc) -> None:
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


def _teardown(ctx: RunbookContext, d: Doc) -> None:
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
            "sql",
            f"SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots WHERE slot_name = {sql_literal(slot)};",
        )
    if ctx.reverse_task_id:
        d.add(f"On Oracle drop `{FALLBACK_TRACKING_TABLE}` once it is empty, and drop the DMS users on both sides.", "")


def _quoted_names(ctx: RunbookContext, d: Doc) -> None:
    """The PostgreSQL names that only work quoted (reserved words, names DMS keeps as Oracle spells them because
    it transforms no name holding # \\ / or -): every application query must write them so, or PostgreSQL folds
    them (or reads a keyword) and finds no such object."""
    if not ctx.quoted:
        return
    d.add(
        f"{len(ctx.quoted)} migrated table(s) and column(s) only work quoted in PostgreSQL: a reserved word, or a "
        "name kept as Oracle spells it (DMS transforms no column name holding `#`, `\\`, `/` or `-`). "
        "Applications must write them exactly as below, quotes included, in every query:",
        "",
        "| Oracle | PostgreSQL (quoted) |",
        "|---|---|",
    )
    d.add(*[f"| `{ora}` | `{pg}` |" for ora, pg in ctx.quoted[:_MAX_NAMES_LISTED]])
    d.add("")


def _names(ctx: RunbookContext, d: Doc) -> None:
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
    if not ctx.renamed and not ctx.quoted:
        d.add("Every migrated name is plain upper case in Oracle and its lower-case form in PostgreSQL.", "")
        return
    _quoted_names(ctx, d)
    if not ctx.renamed:
        return
    d.add(
        f"{len(ctx.renamed)} migrated table(s) and column(s) are named differently from the case fold; the forward "
        + ("and reverse mappings carry" if ctx.reverse_task_id else "mappings carry")
        + " a rename rule for each:",
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
