"""The runbook in the order it is run (`render_runbook` joins its sections: header, pictures, shell helpers,
sections 0-9, the appendices), and the outage itself, sections 2-7: freeze, drain, cutover, the reverse start
position, sequences, switch, then teardown. Before the outage: preparation; the way back: fallback; the names:
names_appendix. Content is chosen by migration type, capacity and reverse path."""

from __future__ import annotations

from migration.docs.prereqs import (
    FALLBACK_TRACKING_TABLE,
    LSN_QUERY,
    SCN_QUERY,
    replica_identity_sql,
    slot_creation_sql,
)
from migration.docs.prereqs.shared import sql_literal
from migration.docs.runbook.context import RunbookContext
from migration.docs.runbook.drain import (
    exact_drain_step,
    freeze_time_step,
    lob_reconciliation_step,
)
from migration.docs.runbook.fallback import fallback_section
from migration.docs.runbook.markdown import Doc
from migration.docs.runbook.names_appendix import names_section
from migration.docs.runbook.objects import (
    after_load_at_cutover,
    cutover_sequences,
    left_behind_section,
    left_behind_step,
    lob_not_null_after_switch,
    post_load_section,
)
from migration.docs.runbook.pictures import pictures_section
from migration.docs.runbook.preparation import (
    header_section,
    pre_checks_section,
    prerequisites_section,
    reverse_path_check_section,
)
from migration.docs.runbook.shell import shell_helpers_section
from migration.docs.runbook.sql import (
    SESSIONS_QUERY,
    oracle_sequence_resync_query,
    postgres_sequence_resync_sql,
    row_count_queries,
    sequence_schema_map,
)


def render_runbook(ctx: RunbookContext) -> str:
    """Markdown runbook for the stack: pictures, shell helpers, sections 0-9, content chosen by migration type,
    capacity and reverse path."""
    d = Doc(ctx)
    for section in (
        header_section,
        pictures_section,
        shell_helpers_section,
        prerequisites_section,
        post_load_section,
        pre_checks_section,
        reverse_path_check_section,
        _freeze_writes,
        _drain,
        _cutover,
        _capture_position,
        _resync_sequences,
        _switch_applications,
        lob_not_null_after_switch,
        fallback_section,
        _teardown,
        left_behind_section,
        names_section,
    ):
        section(ctx, d)
    return "\n".join(d.lines).rstrip() + "\n"


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
