"""The named steps of `build_forward_mappings`, and the one shared range-column limit."""

import pytest

from migration.dms import limits, mappings
from migration.dms.mappings import (
    ColumnRemoval,
    MappingError,
    Rename,
    Selection,
    TableSettings,
    build_forward_mappings,
    forward_selections,
)


def test_range_column_limit_is_the_one_in_limits():
    assert mappings.MAX_RANGE_COLUMNS is limits.MAX_RANGE_COLUMNS
    assert limits.MAX_RANGE_COLUMNS == 10
    pl = {"type": "ranges", "columns": [f"C{i}" for i in range(11)]}
    with pytest.raises(MappingError, match="parallel-load ranges need 1 to 10 columns"):
        build_forward_mappings(["APP"], table_settings=[TableSettings("APP", "T", parallel_load=pl)])


def test_explicit_selections_keep_percent_and_carry_load_order():
    doc = build_forward_mappings(["APP"], explicit_tables=[("APP", "A%B"), ("APP", "C")], load_order={("APP", "C"): 3})
    assert doc["rules"][:2] == [
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
    doc = build_forward_mappings(["APP", "HR"], include=["HR.%"], exclude=["TMP_%", "HR.TMP_%"])
    assert [(r["rule-name"], r["rule-action"], r["object-locator"]) for r in doc["rules"][:3]] == [
        ("1-include-hr-all", "include", {"schema-name": "HR", "table-name": "%"}),
        ("2-exclude-app-tmp_all", "exclude", {"schema-name": "APP", "table-name": "TMP_%"}),
        ("3-exclude-hr-tmp_all", "exclude", {"schema-name": "HR", "table-name": "TMP_%"}),
    ]


def test_the_typed_selection_is_what_the_document_selects():
    typed = forward_selections(["APP", "HR"], include=["T%"], exclude=["HR.TX"])
    assert typed == [
        Selection("include", "APP", "T%"),
        Selection("include", "HR", "T%"),
        Selection("exclude", "HR", "TX"),
    ]
    doc = build_forward_mappings(["APP", "HR"], selection=typed)
    selections = [r for r in doc["rules"] if r["rule-type"] == "selection"]
    assert [
        (r["rule-action"], r["object-locator"]["schema-name"], r["object-locator"]["table-name"]) for r in selections
    ] == [(t.action, t.schema, t.table) for t in typed]


def test_naming_rules_rename_or_lowercase_then_tables_and_columns():
    doc = build_forward_mappings(["APP", "HR"], schema_renames={"HR": "people"})
    rules = [r for r in doc["rules"] if r["rule-type"] == "transformation"]
    assert [(r["rule-name"], r["rule-target"], r["rule-action"], r.get("value")) for r in rules] == [
        ("3-lowercase-schema-app", "schema", "convert-lowercase", None),
        ("4-lowercase-tables-app", "table", "convert-lowercase", None),
        ("5-lowercase-columns-app", "column", "convert-lowercase", None),
        ("6-rename-schema-hr", "schema", "rename", "people"),
        ("7-lowercase-tables-hr", "table", "convert-lowercase", None),
        ("8-lowercase-columns-hr", "column", "convert-lowercase", None),
    ]


def test_column_removals():
    doc = build_forward_mappings(["APP"], removed_columns=[ColumnRemoval("APP", "T", "Old_Col")])
    assert doc["rules"][1] == {
        "rule-type": "transformation",
        "rule-id": "2",
        "rule-name": "2-remove-app-t-old_col",
        "rule-target": "column",
        "object-locator": {"schema-name": "APP", "table-name": "T", "column-name": "Old_Col"},
        "rule-action": "remove-column",
    }


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
