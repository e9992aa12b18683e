"""Each runbook section on its own: the section functions render_runbook is built from."""

import dataclasses

import pytest

from migration.docs import runbook
from migration.docs.prereqs import FALLBACK_TRACKING_TABLE, LSN_QUERY
from migration.docs.runbook import RunbookContext, render_runbook

CTX = RunbookContext(
    project="oracle2pg",
    stack="prod",
    region="eu-west-1",
    phase="replicate",
    migration_type="full-load-and-cdc",
    forward_task_ids=["prod-fwd-core", "prod-fwd-lobs"],
    reverse_task_id="prod-rev",
    instance_id="prod-dms",
    source_description="Oracle ORCL at orcl.example:1521",
    target_description="PostgreSQL appdb at appdb.example:5432",
    oracle_schemas=["APP", "HR"],
    postgres_schemas=["app", "hr"],
    reverse_slot_name="dms_rev_slot",
    loopback_prevention=False,
    validation_enabled=True,
)
NO_SLOT = dataclasses.replace(CTX, reverse_slot_name=None)
NO_REVERSE = dataclasses.replace(CTX, reverse_task_id=None, reverse_slot_name=None)
FULL_LOAD = dataclasses.replace(NO_REVERSE, migration_type="full-load", validation_enabled=False)

SECTIONS = [
    runbook._header,
    runbook._pictures,  # unnumbered: the Mermaid pictures
    runbook._shell_helpers,  # unnumbered: the AWS CLI helpers the sections call
    runbook._prerequisites,
    runbook._pre_checks,
    runbook._freeze_writes,
    runbook._drain,
    runbook._cutover,
    runbook._capture_position,
    runbook._resync_sequences,
    runbook._switch_applications,
    runbook._fallback,
    runbook._teardown,
    runbook._names,  # an appendix, not numbered
]


def _render(section, ctx: RunbookContext) -> str:
    doc = runbook._Doc(ctx)
    section(ctx, doc)
    return "\n".join(doc.lines)


@pytest.mark.parametrize("ctx", [CTX, NO_SLOT, NO_REVERSE, FULL_LOAD], ids=["slot", "no-slot", "no-reverse", "full"])
def test_the_sections_in_order_are_the_whole_runbook(ctx):
    doc = runbook._Doc(ctx)
    for section in SECTIONS:
        section(ctx, doc)
    assert "\n".join(doc.lines).rstrip() + "\n" == render_runbook(ctx)


@pytest.mark.parametrize("number, section", list(enumerate(SECTIONS[3:-1])))
def test_each_numbered_section_opens_with_its_own_heading(number, section):
    text = _render(section, CTX)
    assert text.startswith(f"## {number}. ")
    assert text.count("\n## ") == 0


@pytest.mark.parametrize("phase, section", [("replicate", 1), ("cutover", 5), ("fallback", 8), ("complete", 9)])
def test_header_sends_each_phase_to_its_next_section(phase, section):
    text = _render(runbook._header, dataclasses.replace(CTX, phase=phase))
    assert f"- Current phase: **{phase}** - continue at section {section}. " in text
    assert "- Forward tasks (Oracle -> PostgreSQL): `prod-fwd-core`, `prod-fwd-lobs`" in text
    assert "- Reverse task (PostgreSQL -> Oracle): `prod-rev`" in text


def test_prerequisites_mention_the_reverse_users_only_with_a_reverse_path():
    assert "Reverse path: PostgreSQL source (create the slot at step 5, not now)" in _render(
        runbook._prerequisites, CTX
    )
    assert "Reverse path" not in _render(runbook._prerequisites, NO_REVERSE)


def test_pre_checks_for_a_full_load_leave_the_row_counts_until_writes_are_frozen():
    # Was: section 1 counted rows for a full load, before the freeze of section 2; the counts moved to section 3.
    text = _render(runbook._pre_checks, FULL_LOAD)
    assert "CDCLatency" not in text
    assert "Exact row counts" not in text and "all_tables" not in text
    assert "Row counts come in step 3, once step 2 has confirmed that nothing writes to Oracle" in text
    assert "Table states (validation is off: rely on the row counts in step 3):" in text
    drain = _render(runbook._drain, FULL_LOAD)
    assert "Exact row counts on both sides" in drain
    assert "FROM all_tables WHERE owner IN ('APP', 'HR')" in drain
    assert "v$session" in _render(runbook._freeze_writes, FULL_LOAD)


def test_cutover_checks_the_reverse_task_alongside_the_forward_tasks():
    text = _render(runbook._cutover, CTX)
    assert "```sh\ndms_status $FORWARD_TASKS prod-rev\n```" in text
    assert "Expect the forward tasks `stopped` and `prod-rev` `ready`." in text
    no_rev = _render(runbook._cutover, NO_REVERSE)
    assert "```sh\ndms_status $FORWARD_TASKS\n```" in no_rev
    assert "Expect the forward tasks `stopped`." in no_rev


def test_capture_without_a_slot_only_records_the_lsn():
    text = _render(runbook._capture_position, NO_SLOT)
    assert f'psql "$PG_URL" -Atc "{LSN_QUERY}"' in text
    assert "**Run step 8 before step 7**" in text
    assert "reverse.cdcStartPosition" not in text
    assert "nothing to capture" in _render(runbook._capture_position, NO_REVERSE)


def test_sequence_map_falls_back_to_upper_case_postgres_names_when_schema_counts_differ():
    text = _render(runbook._resync_sequences, dataclasses.replace(CTX, oracle_schemas=["APP"]))
    assert "CASE schemaname WHEN 'app' THEN 'APP' WHEN 'hr' THEN 'HR' ELSE upper(schemaname) END" in text
    assert "oracle_sequences_query.sql" not in _render(runbook._resync_sequences, NO_REVERSE)


def test_switch_waits_for_step_8_only_without_a_slot():
    assert "(No slot: only after step 8 is done.)" in _render(runbook._switch_applications, NO_SLOT)
    assert "No slot" not in _render(runbook._switch_applications, CTX)
    assert "Point the applications at PostgreSQL appdb at appdb.example:5432, smoke-test" in _render(
        runbook._switch_applications, NO_REVERSE
    )


def test_fallback_without_a_slot_neither_starts_from_a_position_nor_watches_wal():
    text = _render(runbook._fallback, NO_SLOT)
    assert "The reverse task `prod-rev` (cdc) applies PostgreSQL's changes to Oracle; the forward" in text
    assert "pg_replication_slots" not in text
    assert "### Taking production back to Oracle" in text


def test_take_back_drains_the_named_reverse_task():
    doc = runbook._Doc(CTX)
    runbook._take_back(CTX, doc, "other-rev")
    text = "\n".join(doc.lines)
    assert text.startswith("### Taking production back to Oracle\n")
    assert "dms_metric CDCLatencyTarget other-rev\ndms_metric CDCIncomingChanges other-rev" in text
    assert "prod-rev" not in text


def test_teardown_cleans_up_only_what_the_stack_has():
    with_slot = _render(runbook._teardown, CTX)
    assert "pg_drop_replication_slot" in with_slot and FALLBACK_TRACKING_TABLE in with_slot
    no_slot = _render(runbook._teardown, NO_SLOT)
    assert "pg_drop_replication_slot" not in no_slot and FALLBACK_TRACKING_TABLE in no_slot
    no_rev = _render(runbook._teardown, NO_REVERSE)
    assert FALLBACK_TRACKING_TABLE not in no_rev
    assert "pulumi destroy --stack prod" in no_rev


def test_names_appendix_lists_renames_and_caps_a_long_list():
    renamed = [(f"APP.T{i}", f"app.t{i}x") for i in range(501)]
    text = _render(runbook._names, dataclasses.replace(CTX, renamed=renamed))
    assert text.startswith("## Appendix: names in Oracle and PostgreSQL\n\n501 migrated table(s) and column(s)")
    assert "| `APP.T499` | `app.t499x` |" in text and "APP.T500`" not in text
    assert "... and 1 more: `python -m migration inventory report --stack prod --format json`" in text
    plain = _render(runbook._names, dataclasses.replace(CTX, renamed=[]))
    assert "Every migrated name is plain upper case in Oracle and its lower-case form in PostgreSQL." in plain
