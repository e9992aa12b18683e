"""reverse.leaveOutColumns (issue 22 trial finding 3): a mixed-case LOB column, which cannot go back to Oracle,
moves forward once the DBA names it; the reverse task removes it (remove-column is the one rule DMS allows on a LOB
column), and the fallback carries it back by hand with SQL (the PostgreSQL extract runs on PostgreSQL 15 here)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from migration.config import ConfigError
from migration.config.stackfile import read_stack_file
from migration.docs.stack_docs import runbook
from migration.inventory.ddl_parts import render_ddl_part
from migration.planning.design import resolve

SHOP = Path(__file__).resolve().parents[1] / "data" / "shop"
SCAN = '"SHOP","DOCUMENTS","ScanImage","BLOB",4000,"","","Y","",""'
LEAVE_OUT = "reverse.leaveOutColumns=[SHOP.DOCUMENTS.ScanImage]"


def _shop(tmp_path: Path, *overrides: str):
    shutil.copytree(SHOP, tmp_path / "shop")
    with (tmp_path / "shop" / "columns.csv").open("a", encoding="utf-8") as f:
        f.write(SCAN + "\n")
    return read_stack_file(tmp_path / "shop", "shop", ["phase=cutover", *overrides]).load()


def test_a_named_lob_column_moves_forward_and_stays_out_of_the_reverse_task(tmp_path):
    design = resolve(_shop(tmp_path, LEAVE_OUT))
    assert design.reverse is not None
    removed = {(r.schema, r.table, r.column) for r in design.reverse.removed_columns}
    assert ("shop", "documents", "scanimage") in removed
    assert any(
        r.startswith("SHOP.DOCUMENTS.ScanImage: not in the reverse task (left out by reverse.leaveOutColumns")
        for r in design.reverse.reasons
    )
    # re-trial B8: the reverse notes no longer say the column it removes "lands by the wildcard convert-lowercase"
    assert not [r for r in design.reverse.reasons if "ScanImage -> scanimage" in r]
    assert any("SHOP.DOCUMENTS.ScanImage -> scanimage" in r for s in design.forward for r in s.reasons)  # forward
    forward_removed = {(r.schema, r.table, r.column) for s in design.forward for r in s.removed_columns}
    assert ("SHOP", "DOCUMENTS", "ScanImage") not in forward_removed  # it moves forward
    (back,) = [i for i in design.left_behind if i.way_back]
    assert back.what == "SHOP.DOCUMENTS.ScanImage (BLOB), on the way back"
    assert back.postgres_sql == (
        "\\copy (SELECT doc_id, encode(scanimage, 'hex') FROM shop.documents ORDER BY doc_id) "
        "TO 'SHOP.DOCUMENTS.ScanImage.csv' (FORMAT csv)"
    )
    assert 'UPDATE SHOP.DOCUMENTS SET "ScanImage" = b WHERE DOC_ID = r.DOC_ID;' in back.oracle_sql


def test_the_quoted_form_the_table_keys_take_names_the_same_column(tmp_path):
    """Final check: migration.exclude and the other table keys want SHOP."OrderLines"; this key took only the bare
    stored name and refused the quoted one as "no table ... that the forward tasks move"."""
    quoted = resolve(_shop(tmp_path, 'reverse.leaveOutColumns=[SHOP."DOCUMENTS"."ScanImage"]'))
    assert quoted.reverse is not None
    assert ("shop", "documents", "scanimage") in {(r.schema, r.table, r.column) for r in quoted.reverse.removed_columns}


def test_the_runbook_carries_it_back_at_the_fallback_not_in_the_forward_left_behind_scripts(tmp_path):
    text = runbook(resolve(_shop(tmp_path, LEAVE_OUT)))
    fallback = text[text.index("## 8. Fallback") : text.index("## 9.")]
    assert "The reverse task leaves out SHOP.DOCUMENTS.ScanImage (`reverse.leaveOutColumns`)" in fallback
    assert fallback.index("carry them back now") < fallback.index("4. Stop all tasks.")
    assert "encode(scanimage, 'hex')" in fallback and "HEXTORAW" in fallback
    appendix = text[text.index("## Appendix: left behind") :] if "## Appendix: left behind" in text else ""
    assert "ScanImage" not in appendix


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (
            "[SHOP.NOPE.ScanImage]",
            "oracle2pg:reverse.leaveOutColumns[0]: 'SHOP.NOPE.ScanImage': no table SHOP.NOPE that the forward tasks move",
        ),
        (
            "[SHOP.DOCUMENTS.DOC_ID]",
            "oracle2pg:reverse.leaveOutColumns[0]: 'SHOP.DOCUMENTS.DOC_ID': not a LOB column of SHOP.DOCUMENTS",
        ),
    ],
)
def test_a_name_that_is_not_a_moved_lob_column_is_refused_in_one_line(tmp_path, value, message):
    with pytest.raises(ConfigError) as err:
        resolve(_shop(tmp_path, f"reverse.leaveOutColumns={value}"))
    assert str(err.value).startswith(message) and "\n" not in str(err.value)


def test_a_name_without_three_parts_is_refused_by_the_config(tmp_path):
    with pytest.raises(ConfigError) as err:
        _shop(tmp_path, "reverse.leaveOutColumns=[DOCUMENTS.ScanImage]")
    assert "leaveOutColumns" in str(err.value) and "expected OWNER.TABLE.COLUMN" in str(err.value)


def test_the_way_back_extract_runs_on_postgresql(tmp_path, pg_server):
    design = resolve(_shop(tmp_path, LEAVE_OUT))
    (back,) = [i for i in design.left_behind if i.way_back]
    before = render_ddl_part(design.inventory, design.objects, "before-load", names=design.names, tables=design.moved)
    db = pg_server.database("test_way_back_extract", before)
    with pg_server.connect(db) as conn:
        conn.execute("INSERT INTO shop.documents (doc_id, scanimage) VALUES (7, '\\xcafe'), (8, NULL)")
        query = back.postgres_sql.removeprefix("\\copy ").split(" TO '")[0]
        with conn.cursor().copy(f"COPY {query} TO STDOUT (FORMAT csv)") as copy:
            out = b"".join(bytes(chunk) for chunk in copy).decode()
    assert out == "7,cafe\n8,\n"


def test_the_way_back_says_its_time_against_the_window(tmp_path):
    """Carrying a left-out column back copies every row's value row by row in the fallback (issue 22 re-trial B4):
    the plan says how long, at the one MB/s every copy by hand assumes, against sizing.windowHours."""
    design = resolve(_shop(tmp_path, LEAVE_OUT, "sizing.windowHours=0.0001"))
    (line,) = [n.text for n in design.notices if n.code == "left-behind" and "on the way back" in n.text]
    assert "in the fallback's outage: at most " in line
    assert "at 10 MB/s, more than the 0.0001 h downtime window (time it on a restored copy" in line
