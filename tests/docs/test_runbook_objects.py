"""What DMS does not move, in the lifecycle: the forward task pauses before its cached changes when there are
indexes and constraints to build, the runbook builds them and resumes it, moves every sequence at cutover, makes
Oracle identities BY DEFAULT before the reverse task starts, and lists what is left behind."""

import re
from pathlib import Path

import pytest

from migration.config.stackfile import read_stack_file
from migration.docs.stack_docs import runbook
from migration.planning.design import resolve

ROOT = Path(__file__).resolve().parents[2]
HOSPITAL = ROOT / "tests" / "data" / "hospital"
OBJECT_KEYS = (
    "sequences",
    "identity",
    "defaults",
    "indexes",
    "foreignKeys",
    "checks",
    "triggers",
    "partitions",
    "partitionBounds",
)


def _design(*overrides: str):
    return resolve(read_stack_file(HOSPITAL, "hospital", overrides).load())


def _full_load(design):
    return [t.settings["FullLoadSettings"] for t in design.forward]


def _section(text: str, heading: str) -> str:
    start = text.index(heading)
    end = text.find("\n## ", start + 1)
    return text[start : end if end >= 0 else None]


def test_forward_cdc_tasks_pause_before_the_cached_changes_when_there_is_a_post_load_part():
    assert [s["StopTaskCachedChangesNotApplied"] for s in _full_load(_design())] == [True]
    assert [s["StopTaskCachedChangesApplied"] for s in _full_load(_design())] == [False]


def test_a_stack_turns_the_pause_off():
    assert [
        s["StopTaskCachedChangesNotApplied"] for s in _full_load(_design("inventory.pauseBeforeCachedChanges=false"))
    ] == [False]


def test_unique_keys_alone_are_worth_the_pause():
    """NOT NULL on a LOB column is no after-load work: it comes back at cutover (DMS writes LOBs in CDC too)."""
    design = _design("inventory.indexes=null", "inventory.foreignKeys=null", "inventory.checks=null")
    assert [s["StopTaskCachedChangesNotApplied"] for s in _full_load(design)] == [True]
    (note,) = [n for n in design.notices if n.code == "post-load-build"]
    assert note.text.startswith("after-load DDL: 2 indexes, unique keys")  # MRN, ward NAME


def test_an_older_export_keeps_the_task_settings_as_deployed():
    design = _design(*(f"inventory.{k}=null" for k in OBJECT_KEYS))
    assert [s["StopTaskCachedChangesNotApplied"] for s in _full_load(design)] == [False]
    text = runbook(design)
    assert "## 0b." not in text
    assert "--part after-load" in _section(text, "## 4. Cutover")  # applied at cutover instead


def test_an_older_export_is_named_once_in_the_plan():
    design = _design("inventory.indexes=null", "inventory.triggers=null")
    missing = [n for n in design.notices if n.code == "inventory-objects-missing"]
    assert len(missing) == 1 and "indexes.csv, triggers.csv" in missing[0].text


def test_the_plan_lists_every_table_and_column_left_behind():
    behind = {item.what: item for item in _design().left_behind}
    assert set(behind) == {
        "HOSP.SCANS.IMAGE_FILE (BFILE)",
        "HOSP.AUDIT_TRAIL.DETAILS (CLOB)",
        "HOSP.PATIENTS.AGE_YEARS (virtual)",
    }
    assert "primary or unique key" in behind["HOSP.AUDIT_TRAIL.DETAILS (CLOB)"].why
    assert "GENERATED ALWAYS AS" in behind["HOSP.PATIENTS.AGE_YEARS (virtual)"].how
    notices = [n for n in _design().notices if n.code == "left-behind"]
    assert len(notices) == 3


def test_an_excluded_table_is_left_behind_with_its_reason():
    behind = {item.what: item.why for item in _design("migration.exclude=[HOSP.AUDIT_TRAIL]").left_behind}
    assert behind["HOSP.AUDIT_TRAIL"] == "excluded by migration.include/exclude"


@pytest.fixture(scope="module")
def text():
    return runbook(_design())


def test_the_runbook_builds_the_post_load_part_between_full_load_and_catch_up_and_resumes(text):
    headings = [line for line in text.splitlines() if line.startswith("## ")]
    assert headings.index("## 0b. After the full load: build indexes and constraints, then resume") == (
        headings.index("## 0. Prerequisites") + 1
    )
    build = _section(text, "## 0b.")
    assert "--part after-load" in build
    assert "--start-replication-task-type resume-processing" in build
    assert re.search(r"estimated \d+\.\d h", build)
    assert "`pulumi up` does not resume it" in build
    assert "NOT NULL" not in build  # a LOB column stays nullable until cutover: CDC inserts, then writes the LOB


def test_the_cutover_part_checks_the_lob_columns_not_null_without_a_scan(text):
    resync = _section(text, "## 6. Resync sequences")
    assert "`CHECK (column IS NOT NULL) NOT VALID` on the LOB columns" in resync and "step 7b" in resync


def test_cutover_moves_every_sequence_from_a_freeze_export(text):
    resync = _section(text, "## 6. Resync sequences")
    assert "oracle_sequences.sql" in resync and "--part cutover" in resync
    assert "need a manual `setval`" not in resync


def test_oracle_identities_are_by_default_before_the_reverse_task_starts_and_move_at_take_back(text):
    fallback = _section(text, "## 8. Fallback")
    by_default = fallback.index("ALTER TABLE HOSP.PATIENTS MODIFY (PATIENT_ID GENERATED BY DEFAULT AS IDENTITY);")
    assert by_default < fallback.index("pulumi config set phase fallback")
    take_back = fallback.index("### Taking production back to Oracle")
    restore = fallback.index("MODIFY (PATIENT_ID GENERATED ALWAYS AS IDENTITY (START WITH LIMIT VALUE));")
    assert take_back < restore < fallback.index("Switch the applications back to Oracle")


def test_the_runbook_lists_what_is_left_behind(text):
    appendix = _section(text, "## Appendix: left behind")
    assert "| HOSP.SCANS.IMAGE_FILE (BFILE) |" in appendix
    assert "| HOSP.PATIENTS.AGE_YEARS (virtual) |" in appendix


def test_the_take_back_query_skips_identity_sequences_oracle_does_not_have(pg_server):
    """PostgreSQL names an identity's sequence table_column_seq; Oracle has no such sequence, and one bump() of a
    missing sequence would stop the whole take-back script (NO_DATA_FOUND)."""
    from migration.docs.runbook import oracle_sequence_resync_query

    db = pg_server.create_database("test_take_back_identity")
    pg_server.execute(
        "CREATE SCHEMA hosp; CREATE SEQUENCE hosp.ward_seq; SELECT setval('hosp.ward_seq', 160);"
        "CREATE TABLE hosp.patients (patient_id bigint GENERATED BY DEFAULT AS IDENTITY, name text);"
        "INSERT INTO hosp.patients (name) VALUES ('a');",
        dbname=db,
    )
    with pg_server.connect(db) as conn:
        (script,) = conn.execute(oracle_sequence_resync_query({"hosp": "HOSP"})).fetchone()
    bumps = [line for line in script.splitlines() if line.startswith("  bump(")]
    assert bumps == ["  bump('HOSP', 'WARD_SEQ', 160);"]


@pytest.mark.parametrize(
    "overrides",
    [
        ("inventory.pauseBeforeCachedChanges=false",),
        tuple(f"inventory.{k}=null" for k in OBJECT_KEYS),
    ],
    ids=["pause-off", "older-export-no-pause"],
)
def test_without_the_pause_the_after_load_part_runs_once_forward_stops_before_the_slot_and_the_sequences(overrides):
    design = _design(*overrides)
    text = runbook(design)
    assert "## 0b." not in text
    assert text.count("--part after-load") == 1
    after_load = text.index("--part after-load")
    assert text.index("## 4. Cutover") < after_load < text.index("## 5. Capture")
    assert after_load < text.index("pg_create_logical_replication_slot") < text.index("## 6. Resync")


def test_without_the_pause_the_plan_says_no_task_pauses():
    (note,) = [n for n in _design("inventory.pauseBeforeCachedChanges=false").notices if n.code == "post-load-build"]
    assert "no task pauses for it" in note.text


def test_the_plan_puts_the_build_estimate_beside_the_window():
    (note,) = [n for n in _design("sizing.windowHours=4").notices if n.code == "post-load-build"]
    assert re.search(r"estimated \d+\.\d h at 100 MB/s per table read \(window 4 h\); task\(s\) main stop", note.text)


def test_the_plan_says_the_always_identities_become_by_default_before_the_reverse_task():
    (note,) = [n for n in _design().notices if n.code == "reverse-identity-always"]
    assert "HOSP.PATIENTS.PATIENT_ID" in note.text and "ADMISSION_ID" not in note.text
    assert not [n for n in _design("reverse.enabled=false").notices if n.code == "reverse-identity-always"]


def _pulumi_config_set_path(stack_file: Path, command: str) -> None:
    """What `pulumi config set --path 'ns:key.sub' VALUE --stack S` does to Pulumi.<S>.yaml (Pulumi CLI docs,
    "Structured configuration")."""
    import shlex

    import yaml

    args = shlex.split(command)
    assert args[:4] == ["pulumi", "config", "set", "--path"], command
    key, value = args[4], args[5]
    top, _, sub = key.partition(".")
    data = yaml.safe_load(stack_file.read_text(encoding="utf-8"))
    data["config"].setdefault(top, {})[sub] = value
    stack_file.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")


def test_the_freeze_export_command_sets_the_key_the_config_model_reads(text, tmp_path):
    import shutil

    resync = _section(text, "## 6. Resync sequences")
    (command,) = [line for line in resync.splitlines() if line.startswith("pulumi config set --path")]
    assert "SPOOL sequences.csv" in (ROOT / "migration" / "sql" / "oracle_sequences.sql").read_text()
    root = tmp_path / "hospital"
    shutil.copytree(HOSPITAL, root)
    (root / "sequences.csv").rename(root / "inventory-time-sequences.csv")
    stack_file = root / "Pulumi.hospital.yaml"
    stack_file.write_text(stack_file.read_text().replace("sequences: sequences.csv", "sequences: old.csv"))
    _pulumi_config_set_path(stack_file, command)
    shutil.copy(root / "inventory-time-sequences.csv", root / "sequences.csv")  # what the freeze export spooled
    assert read_stack_file(root, "hospital", []).load().config.inventory.sequences == "sequences.csv"


def test_the_runbook_lists_the_sequences_tied_to_no_column_with_a_check(text):
    resync = _section(text, "## 6. Resync sequences")
    untied = resync[resync.index("tied to no column") :]
    assert "`hosp.invoice_no_seq`" in untied and "ward_seq" not in untied.split("```")[0]
    assert "DO $check$" in untied and "RAISE WARNING" in untied


def test_the_runbook_says_the_cutover_part_gives_trigger_fed_keys_their_sequence_as_default(text):
    """DBA trial on issue 21, finding 7."""
    resync = _section(text, "## 6. Resync sequences").split("```")
    prose = " ".join(resync[::2])
    assert "makes that sequence their default" in prose
    assert "`hosp.clinical_notes.note_id`, `hosp.wards.ward_id`" in prose


def test_the_untied_sequence_check_offers_candidates_and_claims_no_tie(text):
    """DBA trial on issue 21, finding 8: it said a sequence 'hands out N next, but t.c already holds up to M'
    though nothing ties that sequence to that table."""
    resync = _section(text, "## 6. Resync sequences")
    untied = resync[resync.index("tied to no column") :]
    assert "Nothing in the export ties that key to that sequence" in untied
    assert "candidate to check in the application code" in untied
    assert "if it feeds that column" not in untied and "but %.% already holds" not in untied


def test_serverless_resume_after_the_build_asks_dms_for_each_replication_config_arn():
    build = _section(runbook(_design("capacity.mode=serverless", "reverse.enabled=false")), "## 0b.")
    assert '--replication-config-arn "$(dms_task_arn "$t")" --start-replication-type resume-processing' in build
    assert "<" not in build.split("```sh", 2)[-1]  # no placeholder left in the resume loop


def test_the_foreign_keys_added_not_valid_are_validated_after_the_switch(text):
    """DBA re-trial on issue 21: the after-load part adds foreign keys NOT VALID (a child row loaded before its
    parent's cached insert would fail a check there); the after-switch part validates them, and step 7b runs it."""
    step = text[text.index("## 7b.") : text.index("## 8.")]
    assert "--part after-switch" in step and "foreign key(s) NOT VALID" in step
    assert "--single-transaction" not in step  # each VALIDATE commits alone
    assert text.index("## 7. Switch") < text.index("## 7b.")


def test_the_cutover_step_counts_the_partitioned_tables_key_checks_in_the_window(text):
    """Final check: the partitioned table's foreign key is added checked at cutover; its read is said with its time."""
    resync = _section(text, "## 6. Resync sequences")
    assert "foreign keys of partitioned tables, checked" in resync
    assert re.search(r"1,638\.4 GB read, about .+ at 100 MB/s per table read, inside the window", resync)
