"""LogMiner's lost LOB-only updates (issue 22 trial finding 1): the plan warning and the runbook say the same two
passes with the same time budget against the downtime window, the runbook lists the tables and carries real SQL,
and the PostgreSQL half of that SQL runs on PostgreSQL 15, writing only the rows whose LOBs differ."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from migration.config.stackfile import read_stack_file
from migration.docs.stack_docs import runbook
from migration.inventory.ddl_parts import render_ddl_part
from migration.planning.design import resolve

ROOT = Path(__file__).resolve().parents[2]


def _design(*overrides: str):
    return resolve(read_stack_file(ROOT, "prod", list(overrides)).load())


def _warning(design) -> str:
    (note,) = [n.text for n in design.notices if n.code == "logminer-lob-updates-accepted"]
    return note


def _section(text: str, number: int) -> str:
    match = re.search(rf"^## {number}\. .*?(?=^## )", text, flags=re.S | re.M)
    assert match
    return match.group(0)


def test_the_plan_and_the_runbook_say_the_same_two_passes_and_list_the_tables():
    design = _design("sizing.windowHours=1")
    warning = _warning(design)
    said = warning.split("(accepted in migration.lobUpdatesNotReplicated); ", 1)[1]
    assert said.startswith("reconcile them in two passes (runbook steps 1 and 3): before the freeze, record the SCN")
    assert "A full pass reads 12.0 GiB (the export's BYTES of 1 table(s)): about 0.3 h at 10 MB/s" in said
    assert "within the 1 h downtime window even if every row changed" in said
    text = runbook(design)
    pre, drain = _section(text, 1), _section(text, 3)
    assert "- `APP.DOCUMENTS`" in pre
    assert f"What the plan says of them: {said}." in pre
    assert f"What the plan says of it: {said}." in drain
    assert "@lob_extract.sql 0" in pre and '@lob_extract.sql "$LOB_CHECK_SCN"' in drain
    assert drain.index("dms_drain_to") < drain.index("@lob_extract.sql")
    assert "WHERE ORA_ROWSCN > &1" in pre


def test_a_pass_longer_than_the_window_is_said_in_both_with_binary_reader():
    design = _design()  # prod: 12 GiB of LOB tables, a 0.25 h window
    said = _warning(design).split("(accepted in migration.lobUpdatesNotReplicated); ", 1)[1]
    assert "about 0.3 h at 10 MB/s, more than the 0.25 h downtime window" in said
    assert "use Binary Reader (source.settings.reader: binary-reader), which replicates LOB-only updates" in said
    assert said in runbook(design)
    # prod filters the reverse task's user out of the forward CDC, which Binary Reader cannot do: say so
    assert "filterTransactionsOfUser works with LogMiner only: switching means dropping it" in said
    unfiltered = _design("source.settings.filterTransactionsOfUser=null")
    assert "filterTransactionsOfUser" not in _warning(unfiltered)


def test_binary_reader_needs_no_reconciliation():
    design = _design("source.settings.reader=binary-reader", "source.settings.filterTransactionsOfUser=null")
    assert not [n for n in design.notices if n.code == "logminer-lob-updates-accepted"]
    assert "lob_extract.sql" not in runbook(design)


@pytest.fixture(scope="module")
def documents_db(pg_server):
    design = _design()
    before = render_ddl_part(design.inventory, design.objects, "before-load", names=design.names, tables=design.moved)
    db = pg_server.database("test_lob_reconciliation", before)
    return design, db


def _load_script(design) -> str:
    return runbook(design).split("cat > lob_load.sql <<'SQL'\n", 1)[1].split("\nSQL\n", 1)[0]


def _documents(pg_server, db):
    with pg_server.connect(db) as conn:
        conn.execute("TRUNCATE app.documents")
        for doc_id, body, pdf in ((1, "body", b"\x00\x01"), (2, "same", b"\xbe\xef"), (3, None, None)):
            conn.execute(
                "INSERT INTO app.documents (doc_id, title, lang, doc_body, doc_pdf, metadata, created_at) "
                "VALUES (%s, 't', 'en', %s, %s, '<m/>', now())",
                (doc_id, body, pdf),
            )


def _rows(pg_server, db):
    with pg_server.connect(db) as conn:
        return conn.execute(
            "SELECT doc_id, doc_body, doc_pdf, xmin::text FROM app.documents ORDER BY doc_id"
        ).fetchall()


def test_each_table_goes_in_chunks_by_the_hash_of_its_key():
    """A 408 GB table was one spool file, one temporary table and one UPDATE (issue 22 re-trial B3): APP.DOCUMENTS
    (12 GiB in the export) now goes in 3 chunks of ORA_HASH(key, 2), each its own file."""
    text = runbook(_design())
    extract = text.split("cat > lob_extract.sql <<'SQL'\n", 1)[1].split("\nSQL\n", 1)[0]
    for i in range(3):
        assert f"SPOOL APP.DOCUMENTS.lobs.{i}.csv\n" in extract
        assert f"WHERE ORA_ROWSCN > &1 AND ORA_HASH(t.DOC_ID, 2) = {i}\n/" in extract
    assert extract.count("WITH FUNCTION lob_hex") == 3  # each chunk's query carries its BLOB function
    load = _load_script(_design())
    assert load.count("BEGIN;") == load.count("COMMIT;") == load.count("ON COMMIT DROP;") == 3
    assert "chunks of about 4 GiB of its export size (ORA_HASH of its key)" in _section(text, 1)


def test_the_load_writes_only_the_rows_whose_lobs_differ(pg_server, documents_db, tmp_path):
    design, db = documents_db
    _documents(pg_server, db)
    before = _rows(pg_server, db)
    # What SQL*Plus spools (CSV, quoted text, BLOB as hex), in chunk files: row 1's PDF was edited alone in Oracle
    # (lost by LogMiner), row 2 is current, row 3 has an empty body on one side and NULL on the other (no difference).
    (tmp_path / "APP.DOCUMENTS.lobs.0.csv").write_text('1,"body","cafe","<m/>"\n2,"same","beef","<m/>"\n')
    (tmp_path / "APP.DOCUMENTS.lobs.1.csv").write_text('3,"","","<m/>"\n')
    (tmp_path / "APP.DOCUMENTS.lobs.2.csv").write_text("")
    result = pg_server.psql(_load_script(design), db, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    after = _rows(pg_server, db)
    assert [r[:3] for r in after] == [(1, "body", b"\xca\xfe"), (2, "same", b"\xbe\xef"), (3, None, None)]
    assert after[0][3] != before[0][3] and after[1:] == before[1:]  # rows 2 and 3 were not written


def test_a_chunk_that_fails_keeps_the_chunks_committed_before_it(pg_server, documents_db, tmp_path):
    design, db = documents_db
    _documents(pg_server, db)
    (tmp_path / "APP.DOCUMENTS.lobs.0.csv").write_text('1,"body","cafe","<m/>"\n')
    (tmp_path / "APP.DOCUMENTS.lobs.1.csv").write_text('2,"changed","beef","<m/>"\n')
    (tmp_path / "APP.DOCUMENTS.lobs.2.csv").write_text('3,"only two fields"\n')  # a spool cut short
    result = pg_server.psql(_load_script(design), db, cwd=tmp_path)
    assert result.returncode != 0 and "missing data for column" in result.stderr
    assert [r[:3] for r in _rows(pg_server, db)][:2] == [(1, "body", b"\xca\xfe"), (2, "changed", b"\xbe\xef")]
