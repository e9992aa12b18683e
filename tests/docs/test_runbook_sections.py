"""Each runbook section on its own, cut out of the rendered runbook by its heading."""

import dataclasses
import re

import pytest

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

# The headings, in order: the title, the pictures, the shell helpers, sections 0-9, the names appendix.
HEADINGS = [
    "# Cutover runbook",
    "## At a glance",
    "## Shell helpers",
    "## 0. Prerequisites",
    "## 1. Pre-checks",
    "## 2. Freeze writes on Oracle",
    "## 3. Drain",
    "## 4. Cutover",
    "## 5. Capture the PostgreSQL position",
    "## 6. Resync sequences",
    "## 7. Switch applications to PostgreSQL",
    "## 8. Fallback",
    "## 9. Teardown",
    "## Appendix: names in Oracle and PostgreSQL",
]


def _section(ctx: RunbookContext, heading: str) -> str:
    """The rendered section that opens with `heading`, up to the next `## ` heading outside a code block."""
    lines = render_runbook(ctx).splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith(heading))
    out, fenced = [lines[start]], False
    for line in lines[start + 1 :]:
        if line.startswith("```"):
            fenced = not fenced
        if not fenced and line.startswith("## "):
            break
        out.append(line)
    return "\n".join(out)


@pytest.mark.parametrize("ctx", [CTX, NO_SLOT, NO_REVERSE, FULL_LOAD], ids=["slot", "no-slot", "no-reverse", "full"])
def test_the_runbook_is_the_sections_in_order(ctx):
    text = render_runbook(ctx)
    fenced, headings = False, []
    for line in text.splitlines():
        fenced = fenced != line.startswith("```")
        if not fenced and re.match(r"#{1,2} ", line):
            headings.append(line)
    assert len(headings) == len(HEADINGS)
    assert all(h.startswith(want) for h, want in zip(headings, HEADINGS, strict=True))
    assert "\n".join(_section(ctx, h) for h in HEADINGS) + "\n" == text


@pytest.mark.parametrize("number, heading", list(enumerate(HEADINGS[3:-1])))
def test_each_numbered_section_opens_with_its_own_heading(number, heading):
    text = _section(CTX, heading)
    assert text.startswith(f"## {number}. ")
    assert text.count("\n## ") == 0


@pytest.mark.parametrize("phase, section", [("replicate", 1), ("cutover", 5), ("fallback", 8), ("complete", 9)])
def test_header_sends_each_phase_to_its_next_section(phase, section):
    text = _section(dataclasses.replace(CTX, phase=phase), "# Cutover runbook")
    assert f"- Current phase: **{phase}** - continue at section {section}. " in text
    assert "- Forward tasks (Oracle -> PostgreSQL): `prod-fwd-core`, `prod-fwd-lobs`" in text
    assert "- Reverse task (PostgreSQL -> Oracle): `prod-rev`" in text


def test_prerequisites_mention_the_reverse_users_only_with_a_reverse_path():
    assert "Reverse path: PostgreSQL source (create the slot at step 5, not now)" in _section(CTX, "## 0. ")
    assert "Reverse path" not in _section(NO_REVERSE, "## 0. ")


def test_pre_checks_for_a_full_load_leave_the_row_counts_until_writes_are_frozen():
    # Was: section 1 counted rows for a full load, before the freeze of section 2; the counts moved to section 3.
    text = _section(FULL_LOAD, "## 1. ")
    assert "CDCLatency" not in text
    assert "Exact row counts" not in text and "all_tables" not in text
    assert "Row counts come in step 3, once step 2 has confirmed that nothing writes to Oracle" in text
    assert "Table states (validation is off: rely on the row counts in step 3):" in text
    drain = _section(FULL_LOAD, "## 3. ")
    assert "Exact row counts on both sides" in drain
    assert "FROM all_tables WHERE owner IN ('APP', 'HR')" in drain
    assert "v$session" in _section(FULL_LOAD, "## 2. ")


def test_cutover_checks_the_reverse_task_alongside_the_forward_tasks():
    text = _section(CTX, "## 4. ")
    assert "```sh\npython -m migration status --stack prod\n```" in text  # lists every task, the reverse one too
    assert "Expect the forward tasks `stopped` and `prod-rev` `ready`." in text
    no_rev = _section(NO_REVERSE, "## 4. ")
    assert "```sh\npython -m migration status --stack prod\n```" in no_rev
    assert "Expect the forward tasks `stopped`." in no_rev


def test_capture_without_a_slot_only_records_the_lsn():
    text = _section(NO_SLOT, "## 5. ")
    assert f'psql "$PG_URL" -Atc "{LSN_QUERY}"' in text
    assert "**Run step 8 before step 7**" in text
    assert "reverse.cdcStartPosition" not in text
    assert "nothing to capture" in _section(NO_REVERSE, "## 5. ")


def test_sequence_map_falls_back_to_upper_case_postgres_names_when_schema_counts_differ():
    text = _section(dataclasses.replace(CTX, oracle_schemas=["APP"]), "## 6. ")
    assert "CASE s.schemaname WHEN 'app' THEN 'APP' WHEN 'hr' THEN 'HR' ELSE upper(s.schemaname) END" in text
    assert "oracle_sequences_query.sql" not in _section(NO_REVERSE, "## 6. ")


def test_switch_waits_for_step_8_only_without_a_slot():
    assert "(No slot: only after step 8 is done.)" in _section(NO_SLOT, "## 7. ")
    assert "No slot" not in _section(CTX, "## 7. ")
    assert "Point the applications at PostgreSQL appdb at appdb.example:5432, smoke-test" in _section(
        NO_REVERSE, "## 7. "
    )


def test_fallback_without_a_slot_neither_starts_from_a_position_nor_watches_wal():
    text = _section(NO_SLOT, "## 8. ")
    assert "The reverse task `prod-rev` (cdc) applies PostgreSQL's changes to Oracle; the forward" in text
    assert "pg_replication_slots" not in text
    assert "### Taking production back to Oracle" in text


def test_take_back_drains_the_named_reverse_task():
    text = _section(dataclasses.replace(CTX, reverse_task_id="other-rev"), "## 8. ")
    take_back = text[text.index("### Taking production back to Oracle\n") :]
    assert "dms_metric CDCLatencyTarget other-rev\ndms_metric CDCIncomingChanges other-rev" in take_back
    assert "prod-rev" not in take_back


def test_teardown_cleans_up_only_what_the_stack_has():
    with_slot = _section(CTX, "## 9. ")
    assert "pg_drop_replication_slot" in with_slot and FALLBACK_TRACKING_TABLE in with_slot
    no_slot = _section(NO_SLOT, "## 9. ")
    assert "pg_drop_replication_slot" not in no_slot and FALLBACK_TRACKING_TABLE in no_slot
    no_rev = _section(NO_REVERSE, "## 9. ")
    assert FALLBACK_TRACKING_TABLE not in no_rev
    assert "pulumi destroy --stack prod" in no_rev


def test_names_appendix_lists_renames_and_caps_a_long_list():
    renamed = [(f"APP.T{i}", f"app.t{i}x") for i in range(501)]
    text = _section(dataclasses.replace(CTX, renamed=renamed), "## Appendix: ")
    assert text.startswith("## Appendix: names in Oracle and PostgreSQL\n\n501 migrated table(s) and column(s)")
    assert "| `APP.T499` | `app.t499x` |" in text and "APP.T500`" not in text
    assert "... and 1 more: `python -m migration inventory report --stack prod --format json`" in text
    plain = _section(dataclasses.replace(CTX, renamed=[]), "## Appendix: ")
    assert "Every migrated name is plain upper case in Oracle and its lower-case form in PostgreSQL." in plain
