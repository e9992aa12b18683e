"""The stack's documents follow the design: what the tasks do is what prereqs prepare."""

from migration.config.stackfile import read_stack_file
from migration.docs.stack_docs import prerequisites
from migration.planning.design import resolve
from tests.helpers import ROOT


def test_prereqs_grant_the_control_schema_the_tasks_use_when_an_override_moves_it():
    override = 'migration.taskSettingsOverrides={"ControlTablesSettings": {"ControlSchema": "dms_ctl"}}'
    design = resolve(read_stack_file(ROOT, "prod", [override]).load())
    assert {t.control_schema for t in design.forward} == {"dms_ctl"}
    sql = prerequisites(design, side="postgres")
    assert "CREATE SCHEMA IF NOT EXISTS dms_ctl;" in sql and "GRANT USAGE, CREATE ON SCHEMA dms_ctl TO" in sql
    assert "awsdms_control" not in sql


def test_without_an_override_the_control_tables_stay_in_awsdms_control():
    design = resolve(read_stack_file(ROOT, "prod").load())
    assert {t.control_schema for t in design.forward} == {"awsdms_control"}
    assert "CREATE SCHEMA IF NOT EXISTS awsdms_control;" in prerequisites(design, side="postgres")
