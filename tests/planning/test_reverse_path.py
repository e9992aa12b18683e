"""The reverse task's own settings, the stack's name checks and what the plan says about names."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from migration.config import ConfigError
from migration.config.stackfile import read_stack_file
from migration.planning.design import resolve
from migration.planning.naming import NO_INVENTORY_NOTE
from tests.helpers import load, valid_raw

ROOT = Path(__file__).resolve().parents[2]
SHOP = ROOT / "tests" / "data" / "shop"


def shop(*overrides: str):
    return read_stack_file(SHOP, "shop", ["phase=cutover", *overrides]).load()


def reverse_of(stack):
    (rev,) = [s for s in resolve(stack).tasks if s.direction == "reverse"]
    return rev


def test_reverse_control_tables_go_to_the_reverse_users_schema():
    settings = reverse_of(shop()).settings
    assert settings["ControlTablesSettings"]["ControlSchema"] == "DMS_FALLBACK"
    prod = reverse_of(read_stack_file(ROOT, "prod", ["phase=cutover"]).load()).settings
    assert prod["ControlTablesSettings"]["ControlSchema"] == "DMS_REVERSE"  # the name prereqs creates


def test_reverse_errors_stop_the_task_even_when_the_forward_target_is_disposable():
    errors = reverse_of(shop("migration.strictErrors=false", "migration.targetIsDisposable=true")).settings
    assert errors["ErrorBehavior"]["DataTruncationErrorPolicy"] == "STOP_TASK"
    assert errors["ErrorBehavior"]["ApplyErrorUpdatePolicy"] == "STOP_TASK"


def test_control_schema_must_be_the_reverse_users_own():
    stack = read_stack_file(ROOT, "prod", []).load()
    assert stack.config.reverse.oracle_control_schema == "DMS_REVERSE"
    raw = valid_raw()
    raw["reverse"] = {
        "enabled": True,
        "controlSchema": "OTHER",
        "postgresSource": {"host": "pg", "databaseName": "app", "username": "dms_rev", "password": "p"},
        "oracleTarget": {"host": "ora", "databaseName": "ORCL", "username": "dms_back", "password": "p"},
    }
    secret = ("source", "target", "reverse")
    with pytest.raises(ConfigError, match=r"^oracle2pg:reverse: controlSchema OTHER must be the reverse user's own"):
        load(raw, secret_keys=secret)
    raw["reverse"].pop("controlSchema")
    assert load(raw, secret_keys=secret).config.reverse.oracle_control_schema == "DMS_BACK"


def test_the_fallback_may_not_truncate_lobs_the_forward_path_refuses_to_truncate():
    with pytest.raises(ConfigError) as err:
        shop("reverse.postgresSource.settings.failTasksOnLobTruncation=false")
    assert str(err.value) == (
        "oracle2pg:reverse.postgresSource.settings.failTasksOnLobTruncation: false lets the fallback truncate LOBs "
        "the forward path refuses to truncate (source.settings.failTasksOnLobTruncation: true); set it true"
    )


def test_a_pattern_that_matches_no_table_is_refused():
    with pytest.raises(ConfigError) as err:
        resolve(shop("migration.exclude=[SHOP.CUSTOMERS, SHOP.LEGACY_CODES, SHOP.EVENTLOG]"))
    assert str(err.value) == (
        "oracle2pg:migration.exclude: pattern 'SHOP.EVENTLOG' matches no table of the inventory in schemas SHOP, "
        "ARCHIVE (names are case-sensitive: SHOP.EventLog differs in case; a % wildcard matches it); fix or remove it"
    )


def test_a_collision_among_the_migrated_tables_is_refused_naming_both():
    with pytest.raises(ConfigError) as err:
        resolve(shop("migration.exclude=[SHOP.LEGACY_CODES]"))
    assert str(err.value) == (
        "oracle2pg:migration: SHOP.CUSTOMERS and SHOP.Customers both become shop.customers in PostgreSQL (names "
        "fold to lower case); rename one in Oracle or leave one out"
    )
    with pytest.raises(ConfigError, match=r"SHOP.LEGACY_CODES.Code and SHOP.LEGACY_CODES.CODE both become"):
        resolve(shop("migration.exclude=[SHOP.CUSTOMERS]"))


def test_without_an_inventory_the_plan_says_which_names_need_one():
    dev = resolve(read_stack_file(ROOT, "dev", []).load())
    assert [n.text for n in dev.notices if n.code == "no-inventory"] == [NO_INVENTORY_NOTE]
    assert NO_INVENTORY_NOTE not in dev.forward[0].reasons
    assert "need the inventory for exact rename rules both ways" in NO_INVENTORY_NOTE


def test_plan_lists_the_renames_and_the_verbatim_columns():
    reasons = reverse_of(shop()).reasons
    assert reasons[0].startswith(
        "names: 5 table(s) and 9 column(s) are not plain upper case: explicit rename rules PostgreSQL -> Oracle ("
    )
    assert any(
        r.startswith(
            "names: 2 column(s) keep their Oracle spelling, quoted, as DMS transforms no name holding # \\ / or - "
            "(SHOP.STAFF.EMP#, SHOP.STAFF.Dept-Code)"
        )
        for r in reasons
    )
    assert (
        "shop.documents: LOB mode unlimited, bulk-max-size 0 KB, as forward: a LOB that went forward comes back "
        "whole" in reasons
    )


def test_reverse_selects_exactly_what_moved_even_when_an_exclude_names_a_twin():
    """SHOP.CUSTOMERS is excluded forward; lower-cased, that exclude would also hit shop.customers, the name of the
    "Customers" table that did move (excludes win in DMS). The reverse selection drops it."""
    rules = reverse_of(shop()).mappings["rules"]
    selection = [(r["rule-action"], r["object-locator"]) for r in rules if r["rule-type"] == "selection"]
    assert selection == [
        ("include", {"schema-name": "shop", "table-name": "%"}),
        ("include", {"schema-name": "archive", "table-name": "%"}),
        ("exclude", {"schema-name": "shop", "table-name": "legacy_codes"}),
    ]
    forward = json.dumps([s.mappings for s in resolve(shop()).tasks if s.direction == "forward"])
    assert '"value": "orderlines"' in forward


def test_a_reverse_mapping_over_the_limit_says_the_renames_fill_it(monkeypatch):
    """The fallback is one task for every table: a large estate of names that are not plain upper case can fill
    the 2 MB DMS accepts. Here the limit is lowered between the planned forward tasks (<= 4.6 KB) and the reverse."""
    from migration.dms import mappings

    monkeypatch.setattr(mappings, "MAX_MAPPING_BYTES", 6000)
    with pytest.raises(ConfigError) as err:
        resolve(shop("sizing.mode=auto", "sizing.windowHours=6"))
    assert str(err.value) == (
        "oracle2pg:reverse: table mapping is larger than 2 MB; split the tables across more tasks (the fallback is "
        "one task; 14 of its rules rename names that are not plain upper case)"
    )


def test_oracle_names_over_30_bytes_are_warned_about_once_for_the_stack():
    (note,) = [n.line for n in resolve(shop()).notices if n.code == "oracle-names-over-30-bytes"]
    assert note.startswith("WARNING 3 Oracle name(s) over 30 bytes (SHOP.CUSTOMER_LOYALTY_PROGRAM_MEMBERSHIP_TIER")
    assert "oracle-check-object-30-bytes-limit" in note


def test_a_postgis_column_stays_out_of_the_reverse_task_with_the_reason(tmp_path):
    # The type map: DMS moves PostGIS types only between PostgreSQL databases, so geometry cannot flow back
    import shutil

    shutil.copytree(SHOP, tmp_path / "shop")
    with (tmp_path / "shop" / "columns.csv").open("a", encoding="utf-8") as f:
        f.write('"SHOP","OrderLines","SHAPE","SDO_GEOMETRY",1,"","","Y","",""\n')
    stack = read_stack_file(tmp_path / "shop", "shop", ["phase=cutover"]).load()
    rev = reverse_of(stack)
    removed = {(r.schema, r.table, r.column) for r in rev.removed_columns}
    assert ("shop", "orderlines", "shape") in removed
    assert any(
        "SHOP.OrderLines.SHAPE: not in the reverse task (SDO_GEOMETRY arrives as geometry" in r for r in rev.reasons
    )
    assert not any("SHAPE" in r for r in reverse_of(shop()).reasons)


def shop_with_column(tmp_path: Path, row: str, *overrides: str):
    import shutil

    shutil.copytree(SHOP, tmp_path / "shop")
    with (tmp_path / "shop" / "columns.csv").open("a", encoding="utf-8") as f:
        f.write(row + "\n")
    return read_stack_file(tmp_path / "shop", "shop", ["phase=replicate", *overrides]).load()


def test_a_mixed_case_lob_column_stops_a_plan_with_the_fallback_on_in_one_line(tmp_path):
    """No rule but remove-column may name a LOB column (names.LOB_FOLD_ONLY): ScanImage lands as scanimage by the
    wildcard fold, and the reverse task's convert-uppercase would write SCANIMAGE. Said before the load, in the
    replicate phase, not at cutover."""
    row = '"SHOP","DOCUMENTS","ScanImage","BLOB",4000,"","","Y","",""'
    with pytest.raises(ConfigError) as err:
        resolve(shop_with_column(tmp_path, row))
    message = str(err.value)
    assert "\n" not in message
    assert message.startswith(
        "oracle2pg:reverse: SHOP.DOCUMENTS.ScanImage: a LOB column whose name is not plain upper case cannot go back "
        "to Oracle: DMS supports no rule on a LOB column but remove-column (DMS User Guide, Transformation rules and "
        "actions: Limitations)"
    )
    assert message.endswith(
        "(as scanimage), and the reverse task's convert-uppercase would write SCANIMAGE; rename it in Oracle, leave "
        "the table out with migration.exclude, or keep it forward and leave the column out of the reverse task with "
        "reverse.leaveOutColumns: [SHOP.DOCUMENTS.ScanImage] (then carried back by hand after a fallback)"
    )


def test_without_the_fallback_a_mixed_case_lob_column_lands_by_the_wildcard_fold(tmp_path):
    row = '"SHOP","DOCUMENTS","ScanImage","BLOB",4000,"","","Y","",""'
    plan = resolve(shop_with_column(tmp_path, row, "reverse.enabled=false"))
    (task,) = [
        s
        for s in plan.tasks
        if s.direction == "forward" and "SHOP.DOCUMENTS.ScanImage -> scanimage" in " ".join(s.reasons)
    ]
    named = [r for r in task.mappings["rules"] if r.get("object-locator", {}).get("column-name") == "ScanImage"]
    assert named == []  # before: a rename to scanimage (an unsupported rule), or a quoted "ScanImage" column
    assert any(
        r.get("rule-action") == "convert-lowercase" and r["rule-target"] == "column" for r in task.mappings["rules"]
    )


def test_a_lob_column_the_forward_task_removes_does_not_stop_the_fallback(tmp_path):
    """EventLog has no key, so DMS cannot move its LOB columns and the forward task removes them: the mixed-case
    name never reaches PostgreSQL, and the reverse task removes it as well."""
    stack = shop_with_column(tmp_path, '"SHOP","EventLog","Attachment","BLOB",4000,"","","Y","",""', "phase=cutover")
    removed = {(r.schema, r.table, r.column) for r in reverse_of(stack).removed_columns}
    assert ("shop", "eventlog", "attachment") in removed


def test_a_lob_column_folding_to_a_system_column_stops_the_plan_in_one_line(tmp_path):
    """Before: renamed to a hashed name, a rule DMS does not support on a LOB column."""
    stack = shop_with_column(tmp_path, '"SHOP","DOCUMENTS","XMIN","CLOB",4000,"","","Y","",""')
    with pytest.raises(ConfigError) as err:
        resolve(stack)
    assert str(err.value) == (
        "oracle2pg:migration: SHOP.DOCUMENTS.XMIN: a LOB column whose wildcard fold xmin is a PostgreSQL system "
        "column name, which CREATE TABLE refuses, and DMS supports no rule on a LOB column but remove-column: rename "
        "it in Oracle, or leave the table out with migration.exclude"
    )
