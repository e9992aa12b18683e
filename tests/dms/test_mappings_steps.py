"""The named steps of `build_forward_mappings`, and the one shared range-column limit."""

import pytest

from migration.dms import limits, mappings
from migration.dms.mappings import (
    ColumnRemoval,
    MappingError,
    Rename,
    TableSettings,
    _add_column_removals,
    _add_explicit_selections,
    _add_naming_rules,
    _add_pattern_selections,
    _Builder,
    build_forward_mappings,
)


def test_range_column_limit_is_the_one_in_limits():
    assert mappings.MAX_RANGE_COLUMNS is limits.MAX_RANGE_COLUMNS
    assert limits.MAX_RANGE_COLUMNS == 10
    pl = {"type": "ranges", "columns": [f"C{i}" for i in range(11)]}
    with pytest.raises(MappingError, match="parallel-load ranges need 1 to 10 columns"):
        build_forward_mappings(["APP"], table_settings=[TableSettings("APP", "T", parallel_load=pl)])


def test_explicit_selections_keep_percent_and_carry_load_order():
    b = _Builder()
    _add_explicit_selections(b, [("APP", "A%B"), ("APP", "C")], {("APP", "C"): 3})
    assert b.rules == [
        {
            "rule-type": "selection",
            "rule-id": "1",
            "rule-name": "1-include-app-a%b",
            "object-locator": {"schema-name": "APP", "table-name": "A%B"},
            "rule-action": "include",
            "filters": [],
        },
        {
            "rule-type": "selection",
            "rule-id": "2",
            "rule-name": "2-include-app-c",
            "object-locator": {"schema-name": "APP", "table-name": "C"},
            "rule-action": "include",
            "filters": [],
            "load-order": 3,
        },
    ]


def test_pattern_selections_scope_and_name():
    b = _Builder()
    _add_pattern_selections(b, "exclude", ["TMP_%", "HR.TMP_%"], ["APP", "HR"])
    assert [(r["rule-name"], r["rule-action"], r["object-locator"]) for r in b.rules] == [
        ("1-exclude-app-tmp_all", "exclude", {"schema-name": "APP", "table-name": "TMP_%"}),
        ("2-exclude-hr-tmp_all", "exclude", {"schema-name": "HR", "table-name": "TMP_%"}),
    ]


def test_naming_rules_rename_or_lowercase_then_tables_and_columns():
    b = _Builder()
    _add_naming_rules(b, ["APP", "HR"], {"HR": "people"})
    assert [(r["rule-name"], r["rule-target"], r["rule-action"], r.get("value")) for r in b.rules] == [
        ("1-lowercase-schema-app", "schema", "convert-lowercase", None),
        ("2-lowercase-tables-app", "table", "convert-lowercase", None),
        ("3-lowercase-columns-app", "column", "convert-lowercase", None),
        ("4-rename-schema-hr", "schema", "rename", "people"),
        ("5-lowercase-tables-hr", "table", "convert-lowercase", None),
        ("6-lowercase-columns-hr", "column", "convert-lowercase", None),
    ]


def test_column_removals():
    b = _Builder()
    _add_column_removals(b, [ColumnRemoval("APP", "T", "Old_Col")])
    assert b.rules == [
        {
            "rule-type": "transformation",
            "rule-id": "1",
            "rule-name": "1-remove-app-t-old_col",
            "rule-target": "column",
            "object-locator": {"schema-name": "APP", "table-name": "T", "column-name": "Old_Col"},
            "rule-action": "remove-column",
        }
    ]


def test_steps_run_in_document_order():
    """Removals and renames before the case folds: DMS applies the lowest rule-id of the transformation rules
    matching one object, so a fold placed first would win (the removal after it never happened)."""
    doc = build_forward_mappings(
        ["APP"],
        exclude=["APP.X"],
        explicit_tables=[("APP", "T")],
        removed_columns=[ColumnRemoval("APP", "T", "C")],
        table_settings=[TableSettings("APP", "T", lob={"mode": "none"})],
        renames=[Rename("APP", "T", "Mixed", "mixed")],
    )
    assert [r["rule-name"] for r in doc["rules"]] == [
        "1-include-app-t",
        "2-exclude-app-x",
        "3-remove-app-t-c",
        "4-rename-column-APP-T-Mixed",
        "5-lowercase-schema-app",
        "6-lowercase-tables-app",
        "7-lowercase-columns-app",
        "8-settings-app-t",
    ]
