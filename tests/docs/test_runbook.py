import dataclasses
import re

import pytest

from migration.docs.prereqs import LSN_QUERY, SCN_QUERY
from migration.docs.runbook import RunbookContext, RunbookError, render_runbook
from migration.planning.design import resolve

PROD = RunbookContext(
    project="oracle2pg",
    stack="prod",
    region="eu-west-1",
    phase="replicate",
    migration_type="full-load-and-cdc",
    forward_task_ids=["prod-fwd-core", "prod-fwd-lobs"],
    reverse_task_id="prod-rev",
    instance_id="prod-dms",
    source_description="Oracle ORCL at orcl.abc.eu-west-1.rds.amazonaws.com:1521",
    target_description="PostgreSQL appdb at appdb.abc.eu-west-1.rds.amazonaws.com:5432",
    oracle_schemas=["APP", "HR"],
    postgres_schemas=["app", "hr"],
    reverse_slot_name="dms_rev_slot",
    loopback_prevention=False,
    validation_enabled=True,
)
NO_REVERSE = dataclasses.replace(PROD, stack="staging", reverse_task_id=None, reverse_slot_name=None)
FULL_LOAD = dataclasses.replace(NO_REVERSE, stack="dev", migration_type="full-load", validation_enabled=False)


def _section(text: str, number: int) -> str:
    match = re.search(rf"^## {number}\. .*?(?=^## |\Z)", text, flags=re.S | re.M)
    assert match, f"section {number} missing"
    return match.group(0)


def test_sections_0_to_9_in_order():
    text = render_runbook(PROD)
    headings = re.findall(r"^## (\d)\. ", text, flags=re.M)
    assert headings == [str(i) for i in range(10)]
    assert text.startswith("# Cutover runbook: oracle2pg / stack prod\n")


def test_prerequisites_command_names_the_stack():
    assert "python -m migration prereqs --stack prod" in _section(render_runbook(PROD), 0)


def test_pre_checks_read_aws_with_the_live_commands():
    # Was: dms_status, a dms_metric loop per task and a dms_table_stats loop (the console on Serverless); since
    # issue 24 section 1 watches the load, lists the tables and decides go/no-go with `status`.
    text = render_runbook(PROD)
    pre = _section(text, 1)
    # separate blocks: a pasted --watch runs until Ctrl-C, so a command after it in the same block would wait
    assert "```sh\npython -m migration status --stack prod --watch 30\n```" in pre
    assert "```sh\npython -m migration status --stack prod --chart\n```" in pre
    assert "```sh\npython -m migration status --stack prod --tables\n```" in pre
    assert "```sh\npython -m migration status --stack prod --ready-for cutover\n```" in pre
    assert "$FORWARD_TASKS" not in pre and "\naws " not in pre
    assert "every table `Validated`, 0 failed, 0 pending" in pre


def test_endpoints_are_tested_and_the_assessment_runs_before_the_load():
    prereq = _section(render_runbook(PROD), 0)
    assert (
        "```sh\npython -m migration test-connections --stack prod\npython -m migration assess --stack prod\n```"
        in prereq
    )
    serverless = _section(render_runbook(dataclasses.replace(NO_REVERSE, stack="prod", serverless_dcu=(2, 16))), 0)
    assert "python -m migration assess --stack prod --start-serverless" in serverless


@pytest.mark.parametrize(("number", "phase"), [(4, "cutover"), (8, "fallback"), (8, "complete")])
def test_every_phase_edit_is_preceded_by_its_readiness_check(number: int, phase: str):
    section = _section(render_runbook(PROD), number)
    check = section.index(f"python -m migration status --stack prod --ready-for {phase}\n")
    assert check < section.index(f"pulumi config set phase {phase} --stack prod")


def test_the_reverse_endpoints_are_tested_before_the_outage_not_during_it():
    # Was: tested in section 4, after `pulumi up` at phase cutover had created them, inside the outage
    pre = _section(render_runbook(PROD), 1)
    check = pre.index("Fallback path, before the outage")
    assert pre.index("python -m migration test-connections --stack prod", check) > check
    assert "test-connections" not in _section(render_runbook(PROD), 4)
    assert "Fallback path, before the outage" not in _section(render_runbook(NO_REVERSE), 1)


def test_drain_stops_each_task_exactly_at_the_freeze_and_compares_row_counts():
    # Was: wait for 1-minute CloudWatch maxima of CDCIncomingChanges; now a CDC stop position at the freeze time
    text = render_runbook(PROD)
    drain = _section(text, 3)
    assert '```sh\ndms_drain_to "$FREEZE_UTC" $FORWARD_TASKS\ndms_status $FORWARD_TASKS\n```' in drain
    assert '--cdc-stop-position "commit_time:$_stop_at"' in text  # the helper, written once
    assert "SYS_EXTRACT_UTC(SYSTIMESTAMP)" in _section(text, 2)
    assert "FROM all_tables WHERE owner IN ('APP', 'HR')" in drain
    assert "FROM information_schema.tables WHERE table_schema IN ('app', 'hr')" in drain


def test_validation_failures_and_apply_exceptions_are_read_with_reload_commands():
    pre = _section(render_runbook(PROD), 1)
    assert "FROM awsdms_control.awsdms_validation_failures_v1" in pre
    assert "FROM awsdms_control.awsdms_apply_exceptions" in pre
    assert "dms_reload TASK_ID SCHEMA TABLE data-reload" in pre
    assert "ResyncSchedule" in pre


def test_lob_only_updates_are_reconciled_after_the_freeze_and_the_drain():
    text = render_runbook(dataclasses.replace(PROD, lob_updates_not_replicated=("APP.DOCUMENTS",)))
    assert "- `APP.DOCUMENTS`" in _section(text, 1)  # the tables, listed; no inventory: no SQL
    drain = _section(text, 3)
    assert "copy again the rows whose `ORA_ROWSCN` is past the SCN recorded at step 1" in drain
    assert drain.index("dms_drain_to") < drain.index("ORA_ROWSCN")


def test_freeze_records_the_oracle_scn():
    assert SCN_QUERY + ";" in _section(render_runbook(PROD), 2)


def test_phase_commands_appear_in_lifecycle_order_with_the_stack():
    text = render_runbook(PROD)
    commands = re.findall(r"^pulumi config set phase (\w+) --stack prod$", text, flags=re.M)
    assert commands == ["cutover", "fallback", "complete", "complete"]
    assert text.index("pulumi config set phase cutover") < text.index(
        "pulumi config set --path reverse.cdcStartPosition"
    )
    assert text.index("reverse.cdcStartPosition") < text.index("pulumi config set phase fallback")
    assert text.count("pulumi up --stack prod") == 4
    assert text.rstrip().count("pulumi destroy --stack prod") == 1


def test_lsn_is_captured_after_the_slot_and_stored_in_config():
    capture = _section(render_runbook(PROD), 5)
    lines = capture.splitlines()
    slot = lines.index(
        'psql "$PG_URL" -c "SELECT * FROM pg_create_logical_replication_slot(\'dms_rev_slot\', '
        "'test_decoding') WHERE NOT EXISTS (SELECT 1 FROM pg_replication_slots WHERE slot_name = "
        "'dms_rev_slot');\""
    )
    lsn = lines.index(f'LSN=$(psql "$PG_URL" -Atc "{LSN_QUERY}")')
    config = lines.index('pulumi config set --path reverse.cdcStartPosition "$LSN" --stack prod')
    assert slot < lsn < config


def test_sequence_section_resyncs_postgres_and_prepares_oracle():
    seq = _section(render_runbook(PROD), 6)
    assert "PERFORM setval(r.seq, coalesce((top + 1)::bigint, r.seqstart), false);" in seq
    assert "WHERE n.nspname IN ('app', 'hr')" in seq
    assert "CASE s.schemaname WHEN 'app' THEN 'APP' WHEN 'hr' THEN 'HR' ELSE upper(s.schemaname) END" in seq
    assert "cat > oracle_sequences_query.sql <<'SQL'" in seq


def test_fallback_disables_oracle_constraints_before_starting_the_reverse_task():
    fallback = _section(render_runbook(PROD), 8)
    disable = fallback.index("DISABLE CONSTRAINT")
    start = fallback.index("pulumi config set phase fallback --stack prod")
    assert disable < start
    assert "```sh\npython -m migration status --stack prod --watch 30\n```" in fallback  # the reverse task, its slot
    assert "Never resume a forward task while the reverse task runs" in fallback
    assert "WHERE slot_name = 'dms_rev_slot'" in fallback


def test_take_back_order_stop_drain_complete_enable_sequences_switch():
    take_back = _section(render_runbook(PROD), 8).split("### Taking production back to Oracle", 1)[1]
    steps = [
        "1. Stop the applications on PostgreSQL.",
        "dms_metric CDCIncomingChanges prod-rev",
        "compare the two sides once more, this time before Oracle takes production back",
        "Exact row counts on both sides",
        "pulumi config set phase complete --stack prod",
        "ENABLE CONSTRAINT",
        'sqlplus -S "$ORA" @oracle_sequences.sql',
        "7. Switch the applications back to Oracle.",
    ]
    positions = [take_back.index(s) for s in steps]
    assert positions == sorted(positions)


def test_loopback_prevention_changes_the_warning():
    text = _section(render_runbook(dataclasses.replace(PROD, loopback_prevention=True)), 8)
    assert "Loopback prevention is configured on both tasks." in text
    assert "Never resume a forward task" not in text


def test_teardown_drops_the_slot_and_keeps_shared_roles():
    teardown = _section(render_runbook(PROD), 9)
    assert (
        "SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots WHERE slot_name = 'dms_rev_slot';"
        in teardown
    )
    assert "`dms-vpc-role`, `dms-cloudwatch-logs-role`) are account-wide and retained" in teardown


def test_without_reverse_path_there_is_no_fallback_but_a_note():
    text = render_runbook(NO_REVERSE)
    assert "pulumi config set phase fallback" not in text
    assert "reverse.cdcStartPosition" not in text and "DISABLE CONSTRAINT" not in text
    assert "This stack has no reverse path, so there is no replicated fallback" in _section(text, 8)
    assert "- Reverse task: none - this stack has no fallback path to Oracle" in text
    assert re.findall(r"^pulumi config set phase (\w+) --stack staging$", text, flags=re.M) == ["cutover", "complete"]
    assert "pg_drop_replication_slot" not in text
    assert "oracle_sequences_query.sql" not in text


def test_reverse_without_slot_warns_to_start_the_reverse_task_before_switching():
    text = render_runbook(dataclasses.replace(PROD, reverse_slot_name=None))
    capture = _section(text, 5)
    assert "**Run step 8 before step 7**" in capture
    assert "pg_create_logical_replication_slot" not in text
    assert "reverse.cdcStartPosition" not in text


def test_full_load_only_has_row_counts_instead_of_cdc_latency():
    text = render_runbook(FULL_LOAD)
    assert "CDCLatency" not in text and "CDCIncomingChanges" not in text
    pre = _section(text, 1)
    assert "Full load only: expect `stopped` with the full load at 100%" in pre
    assert "--ready-for" not in pre and "--ready-for" not in _section(text, 4)  # cutover readiness is about CDC
    # Was: the row counts in section 1, before the freeze; they now come in section 3, after it.
    assert "Exact row counts" not in pre and "Row counts come in step 3" in pre
    assert "Exact row counts on both sides" in _section(text, 3)
    assert "validation is off: rely on the row counts in step 3" in pre
    assert "writes must have been frozen before the load started" in _section(text, 2)


def test_current_phase_points_at_the_next_section():
    assert "Current phase: **cutover** - continue at section 5." in render_runbook(
        dataclasses.replace(PROD, phase="cutover")
    )
    assert "Current phase: **complete** - continue at section 9." in render_runbook(
        dataclasses.replace(PROD, phase="complete")
    )


def test_rendering_is_deterministic():
    assert render_runbook(PROD) == render_runbook(dataclasses.replace(PROD))


@pytest.mark.parametrize(
    "changes, message",
    [
        ({"phase": "migrate"}, "phase: 'migrate' is not a phase; allowed: replicate, cutover, fallback, complete"),
        (
            {"migration_type": "cdc-only"},
            "migration_type: 'cdc-only' is not allowed; allowed: full-load, cdc, full-load-and-cdc",
        ),
        ({"forward_task_ids": []}, "forward_task_ids: give at least one replication task identifier as a list"),
        ({"reverse_task_id": None}, "reverse_slot_name: a replication slot is set but the stack has no reverse task"),
        (
            {"reverse_task_id": None, "reverse_slot_name": None, "phase": "fallback"},
            "phase: 'fallback' needs a reverse path, and this stack has no reverse task",
        ),
    ],
)
def test_inconsistent_context_is_refused(changes, message):
    with pytest.raises(RunbookError) as err:
        dataclasses.replace(PROD, **changes)
    assert str(err.value) == message


def test_cutover_and_fallback_say_what_the_provider_does_and_how_to_recover_from_a_timeout():
    text = render_runbook(PROD)
    cutover, fallback = _section(text, 4), _section(text, 8)
    assert "wait for `stopped`, a fixed 5 minutes per task" in cutover
    assert "run `pulumi up` again" in cutover
    assert "`pulumi up` refuses a phase that goes back" in fallback


def test_runbook_lists_the_names_that_are_not_a_case_fold():
    from pathlib import Path

    from migration.config.stackfile import read_stack_file
    from migration.docs.stack_docs import runbook

    shop = Path(__file__).resolve().parents[1] / "data" / "shop"
    text = runbook(resolve(read_stack_file(shop, "shop").load()))
    appendix = text[text.index("## Appendix: names in Oracle and PostgreSQL") :]
    # SHOP.notes.TEXT is a CLOB, upper case so that the fallback can fold it back: no rename, no row
    assert "14 migrated table(s) and column(s) are named differently from the case fold" in appendix
    for row in (
        "| `SHOP.OrderLines` | `shop.orderlines` |",
        "| `SHOP.OrderLines.select` | `shop.orderlines.select` |",
        "| `SHOP.notes.id` | `shop.notes.id` |",
    ):
        assert row in appendix.splitlines()
    assert "SHOP.CUSTOMERS" not in appendix  # excluded: not migrated
    # Was: the row counts pointed at this appendix; they now label each table with its Oracle name on both sides.
    assert "'SHOP.\"OrderLines\"', 'shop.orderlines', count(*) FROM shop.orderlines" in text


def test_runbook_without_inventory_says_names_fold_by_case_only():
    text = render_runbook(PROD)
    assert "This stack has no inventory: the task mappings fold names by case only" in text


def test_the_fallback_slot_uses_the_plugin_prereqs_create_it_with():
    text = _section(render_runbook(dataclasses.replace(PROD, reverse_slot_plugin="pglogical")), 5)
    assert "'pglogical_output'" in text and "test_decoding" not in text
    assert "'test_decoding'" in _section(render_runbook(PROD), 5)


def test_runbook_lists_the_names_applications_must_quote():
    """Issue 22 trial finding 11: "ORDER#" and "ship-to" kept their Oracle spelling (DMS transforms no such name)
    and reserved words like `select` only work quoted, yet the appendix left them out."""
    from pathlib import Path

    from migration.config.stackfile import read_stack_file
    from migration.docs.stack_docs import runbook

    shop = Path(__file__).resolve().parents[1] / "data" / "shop"
    text = runbook(resolve(read_stack_file(shop, "shop").load()))
    appendix = text[text.index("## Appendix: names in Oracle and PostgreSQL") :]
    rows = appendix.splitlines()
    assert '| `SHOP.STAFF.EMP#` | `shop.staff."EMP#"` |' in rows
    assert '| `SHOP.STAFF.Dept-Code` | `shop.staff."Dept-Code"` |' in rows
    assert '| `SHOP.OrderLines.select` | `shop.orderlines."select"` |' in rows
    assert "Applications must write them exactly as below, quotes included" in appendix
    assert "the forward and reverse mappings carry a rename rule" in appendix  # shop has a reverse path


def test_without_a_reverse_path_the_names_appendix_claims_no_reverse_rename():
    ctx = dataclasses.replace(NO_REVERSE, renamed=[("APP.OrderLines", "app.orderlines")], quoted=[])
    appendix = render_runbook(ctx).split("## Appendix: names in Oracle and PostgreSQL")[1]
    assert "the forward mappings carry a rename rule for each" in appendix
    assert "reverse" not in appendix.split("## ")[0]
