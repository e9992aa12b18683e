"""A stack whose tasks come from the Oracle inventory shipped under tests/data (the prod stack), and the documents
derived from it: prerequisites and runbook."""

import json
from pathlib import Path

import pytest

from migration.config import ConfigError
from migration.config.stackfile import read_stack_file
from migration.docs.stack_docs import prerequisites, runbook
from migration.inventory.model import Column, Table
from migration.planning.design import resolve
from migration.planning.table_rules import table_rules

ROOT = Path(__file__).resolve().parents[2]


def prod(*overrides):
    return read_stack_file(ROOT, "prod", list(overrides)).load()


def rules_of(spec, kind):
    return [r for r in spec.mappings["rules"] if r["rule-type"] == kind]


@pytest.fixture(scope="module")
def specs():
    return {s.name: s for s in resolve(prod()).tasks}


def test_planner_splits_the_sample_schema_into_tasks(specs):
    assert set(specs) == {"big-documents", "big-orders", "load-01", "nokey-01"}
    tables = {
        s.name: sorted(r["object-locator"]["table-name"] for r in rules_of(s, "selection")) for s in specs.values()
    }
    assert tables == {
        "big-documents": ["DOCUMENTS"],
        "big-orders": ["ORDERS"],
        "load-01": ["ADDRESSES", "CUSTOMERS", "DEPARTMENTS", "EMPLOYEES", "JOB_HISTORY"],
        "nokey-01": ["AUDIT_LOG"],
    }
    assert all(s.migration_type == "full-load-and-cdc" for s in specs.values())


def test_lob_table_gets_limited_mode_sized_from_its_largest_lob(specs):
    (settings,) = rules_of(specs["big-documents"], "table-settings")
    # DOC_PDF measured at 5 MB: DMS converts LOBs to binary, so 3 x 5 MB = 15360 KB
    assert settings["lob-settings"] == {"mode": "limited", "bulk-max-size": "15360"}
    assert settings["object-locator"] == {"schema-name": "APP", "table-name": "DOCUMENTS"}
    assert any("largest LOB 5.0 MB in DOC_PDF" in r for r in specs["big-documents"].reasons)


def test_big_tables_get_parallel_load(specs):
    (orders,) = rules_of(specs["big-orders"], "table-settings")
    assert orders["parallel-load"] == {"type": "partitions-auto"}
    (docs,) = rules_of(specs["big-documents"], "table-settings")
    assert docs["parallel-load"]["type"] == "ranges" and docs["parallel-load"]["columns"] == ["DOC_ID"]
    assert len(docs["parallel-load"]["boundaries"]) <= 48
    assert json.loads(specs["big-documents"].settings_json)["FullLoadSettings"]["MaxFullLoadSubTasks"] > 1


def test_unsupported_columns_are_removed_by_explicit_choice(specs):
    removed = {
        (r["object-locator"]["table-name"], r["object-locator"]["column-name"])
        for s in specs.values()
        for r in rules_of(s, "transformation")
        if r["rule-action"] == "remove-column"
    }
    assert removed == {
        ("ADDRESSES", "ADDRESS"),
        ("ADDRESSES", "SCAN"),
        ("AUDIT_LOG", "SOURCE_ROWID"),
        ("AUDIT_LOG", "DETAILS"),  # a LOB of a key-less table: DMS does not move it, so it is removed by choice
    }


def test_unsupported_columns_fail_by_default():
    with pytest.raises(ConfigError) as err:
        resolve(prod("inventory.unsupportedColumns=fail"))
    assert str(err.value).startswith("oracle2pg:inventory.unsupportedColumns: APP.ADDRESSES.ADDRESS (ADDRESS_T)")
    assert "choose remove-column or exclude-table" in str(err.value)


def test_exclude_table_drops_the_whole_table():
    specs = resolve(prod("inventory.unsupportedColumns=exclude-table")).tasks
    selected = {
        r["object-locator"]["table-name"]
        for s in specs
        for r in rules_of(s, "selection")
        if r["rule-action"] == "include"
    }
    assert "ADDRESSES" not in selected and "AUDIT_LOG" not in selected
    assert "CUSTOMERS" in selected


def test_key_less_lob_column_follows_the_unsupported_columns_choice(specs):
    """DMS moves LOBs only for tables with a primary or unique key, in full load too: never carried silently."""
    assert (
        "APP.AUDIT_LOG.DETAILS: removed from the task (DMS moves LOB columns only for tables with a primary or "
        "unique key, in full load too)" in specs["nokey-01"].reasons
    )
    keyless = Table(
        "APP", "NOTES", 10, 8192, False, columns=[Column("APP", "NOTES", "BODY", "CLOB", 4000, None, None, True, None)]
    )
    with pytest.raises(ConfigError) as err:
        table_rules(prod("inventory.unsupportedColumns=fail"), [keyless])
    assert str(err.value).startswith("oracle2pg:inventory.unsupportedColumns: APP.NOTES.BODY (CLOB) cannot be moved")
    assert "only for tables with a primary or unique key" in str(err.value)
    specs_excluded = resolve(prod("inventory.unsupportedColumns=exclude-table")).tasks
    assert not [s for s in specs_excluded if "AUDIT_LOG" in json.dumps(s.mappings)]


def test_planner_reasons_and_window(specs):
    plan = resolve(prod()).plan
    assert plan.migration_type == "full-load-and-cdc" and plan.fits_window is False
    assert plan.window_hours == 0.25


def test_missing_inventory_file_is_one_line():
    with pytest.raises(ConfigError, match=r"^oracle2pg:inventory.lobs: file not found: .*nope.csv$"):
        resolve(prod("inventory.lobs=tests/data/inventory/nope.csv"))


def test_stack_without_inventory_selects_whole_schemas():
    (spec,) = resolve(read_stack_file(ROOT, "dev").load()).tasks
    includes = [
        (r["object-locator"]["schema-name"], r["object-locator"]["table-name"])
        for r in rules_of(spec, "selection")
        if r["rule-action"] == "include"
    ]
    assert includes == [("APP", "%"), ("HR", "%")]
    assert not rules_of(spec, "table-settings")


def test_prerequisites_follow_the_stack_and_its_inventory():
    sql = prerequisites(resolve(prod()))
    assert "EXEC rdsadmin.rdsadmin_util.set_configuration('archivelog retention hours', 48);" in sql
    assert "ALTER TABLE APP.AUDIT_LOG ADD SUPPLEMENTAL LOG DATA (ALL) COLUMNS" in sql
    assert "DBMS_LOGMNR" in sql
    assert "-- Replication slot dms_reverse_slot (endpoint SlotName): not now." in sql  # reverse source: at cutover
    assert "rds.logical_replication" in sql
    binary = prerequisites(
        resolve(prod("source.settings.reader=binary-reader", "source.settings.filterTransactionsOfUser=null"))
    )
    assert "create_archivelog_dir" in binary and "create_archivelog_dir" not in sql


def test_prerequisites_of_a_full_load_stack_skip_cdc_logging():
    sql = prerequisites(resolve(read_stack_file(ROOT, "dev").load()), side="oracle")
    assert "alter_supplemental_logging" not in sql
    assert "DMS_USER" in sql


def test_runbook_names_this_stacks_tasks_and_commands():
    text = runbook(resolve(prod()))
    assert "pulumi config set phase cutover --stack prod" in text
    assert (
        'FORWARD_TASKS="oracle2pg-prod-big-documents oracle2pg-prod-big-orders oracle2pg-prod-load-01 oracle2pg-prod-nokey-01"'
        in text
    )
    assert "oracle2pg-prod-reverse" in text
    assert "## Appendix: premigration assessment" in text
    assert "```sh\npython -m migration assess --stack prod\n```" in text  # was: raw aws dms commands per task
    assert "pg_current_wal_lsn()" in text


def test_planner_errors_name_the_stack_file_key():
    with pytest.raises(ConfigError) as err:
        resolve(prod("sizing.planFile=null", "sizing.keyRanges={APP.NOPE: [1, 2]}"))
    assert str(err.value) == (
        "oracle2pg:sizing.keyRanges: unknown table 'APP.NOPE'; use OWNER.TABLE exactly as in the inventory"
    )
