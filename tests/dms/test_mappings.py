"""Table-mapping documents: the exact rules DMS receives for each config shape, and validation that refuses every
document DMS would reject or misread."""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from typing import Any

import pytest

from migration.dms.mappings import (
    ColumnRemoval,
    MappingError,
    Rename,
    TableSettings,
    build_forward_mappings,
    build_reverse_mappings,
    render_json,
    validate_mappings,
)


def sel(rid: int, name: str, schema: str, table: str, action: str = "include") -> dict[str, Any]:
    return {
        "rule-type": "selection",
        "rule-id": str(rid),
        "rule-name": f"{rid}-{name}",
        "object-locator": {"schema-name": schema, "table-name": table},
        "rule-action": action,
        "filters": [],
    }


def tr(rid: int, name: str, target: str, locator: dict[str, str], action: str, **extra: str) -> dict[str, Any]:
    return {
        "rule-type": "transformation",
        "rule-id": str(rid),
        "rule-name": f"{rid}-{name}",
        "rule-target": target,
        "object-locator": locator,
        "rule-action": action,
        **extra,
    }


def lowercase_rules(start: int, schema: str, *, rename: str | None = None) -> list[dict[str, Any]]:
    low = schema.lower()
    locator = {"schema-name": schema}
    first = (
        tr(start, f"rename-schema-{low}", "schema", locator, "rename", value=rename)
        if rename
        else tr(start, f"lowercase-schema-{low}", "schema", locator, "convert-lowercase")
    )
    return [
        first,
        tr(
            start + 1,
            f"lowercase-tables-{low}",
            "table",
            {"schema-name": schema, "table-name": "%"},
            "convert-lowercase",
        ),
        tr(
            start + 2,
            f"lowercase-columns-{low}",
            "column",
            {"schema-name": schema, "table-name": "%", "column-name": "%"},
            "convert-lowercase",
        ),
    ]


def ids_and_names_unique(doc: dict[str, Any]) -> None:
    ids = [r["rule-id"] for r in doc["rules"]]
    names = [r["rule-name"] for r in doc["rules"]]
    assert ids == [str(i) for i in range(1, len(ids) + 1)]
    assert len(set(names)) == len(names)


def test_forward_schemas_include_exclude_exact_rules() -> None:
    doc = build_forward_mappings(["APP", "HR"], include=["%"], exclude=["APP.TMP_%"])
    assert doc == {
        "rules": [
            sel(1, "include-app-all", "APP", "%"),
            sel(2, "include-hr-all", "HR", "%"),
            sel(3, "exclude-app-tmp_all", "APP", "TMP_%", "exclude"),
            *lowercase_rules(4, "APP"),
            *lowercase_rules(7, "HR"),
        ]
    }


def test_unscoped_patterns_apply_to_every_schema_without_repeats() -> None:
    doc = build_forward_mappings(["APP", "HR"], include=["ORDERS%", "APP.ORDERS%", "HR.JOBS"], exclude=["LOG_%"])
    selections = [
        (r["rule-action"], r["object-locator"]["schema-name"], r["object-locator"]["table-name"])
        for r in doc["rules"]
        if r["rule-type"] == "selection"
    ]
    assert selections == [
        ("include", "APP", "ORDERS%"),
        ("include", "HR", "ORDERS%"),
        ("include", "HR", "JOBS"),
        ("exclude", "APP", "LOG_%"),
        ("exclude", "HR", "LOG_%"),
    ]
    ids_and_names_unique(doc)


def test_explicit_tables_replace_include_patterns() -> None:
    doc = build_forward_mappings(["APP"], include=["%"], explicit_tables=[("APP", "ORDERS"), ("APP", "ORDER$LINES")])
    assert doc["rules"][:2] == [
        sel(1, "include-app-orders", "APP", "ORDERS"),
        sel(2, "include-app-order$lines", "APP", "ORDER$LINES"),
    ]
    assert [r["rule-type"] for r in doc["rules"]].count("selection") == 2


def test_schema_rename_replaces_lowercase_for_that_schema_only() -> None:
    doc = build_forward_mappings(["APP", "HR"], schema_renames={"HR": "people"})
    assert doc["rules"][2:] == [*lowercase_rules(3, "APP"), *lowercase_rules(6, "HR", rename="people")]
    hr_schema_rules = [
        r for r in doc["rules"] if r.get("rule-target") == "schema" and r["object-locator"]["schema-name"] == "HR"
    ]
    assert [r["rule-action"] for r in hr_schema_rules] == ["rename"]


def test_removed_columns_and_table_settings() -> None:
    doc = build_forward_mappings(
        ["APP"],
        removed_columns=[ColumnRemoval("APP", "ORDERS", "LEGACY_BLOB")],
        table_settings=[
            TableSettings("APP", "DOCS", lob={"mode": "limited", "bulk-max-size": "6144"}),
            TableSettings("APP", "SALES", parallel_load={"type": "partitions-auto"}),
            TableSettings("APP", "NOTHING_SET"),
        ],
    )
    # the removal comes before the case folds (rule 2, right after the selection): of the rules matching one
    # column DMS applies the lowest rule-id, so after the fold it was never applied
    assert doc["rules"][1] == tr(
        2,
        "remove-app-orders-legacy_blob",
        "column",
        {"schema-name": "APP", "table-name": "ORDERS", "column-name": "LEGACY_BLOB"},
        "remove-column",
    )
    assert doc["rules"][5:] == [
        {
            "rule-type": "table-settings",
            "rule-id": "6",
            "rule-name": "6-settings-app-docs",
            "object-locator": {"schema-name": "APP", "table-name": "DOCS"},
            "lob-settings": {"mode": "limited", "bulk-max-size": "6144"},
        },
        {
            "rule-type": "table-settings",
            "rule-id": "7",
            "rule-name": "7-settings-app-sales",
            "object-locator": {"schema-name": "APP", "table-name": "SALES"},
            "parallel-load": {"type": "partitions-auto"},
        },
    ]


def test_reverse_mapping_renames_back_and_upper_cases() -> None:
    doc = build_reverse_mappings({"app": "APP", "people": "HR"})
    assert doc == {
        "rules": [
            sel(1, "include-app-all", "app", "%"),
            sel(2, "include-people-all", "people", "%"),
            tr(3, "rename-schema-app", "schema", {"schema-name": "app"}, "rename", value="APP"),
            tr(4, "uppercase-tables-app", "table", {"schema-name": "app", "table-name": "%"}, "convert-uppercase"),
            tr(
                5,
                "uppercase-columns-app",
                "column",
                {"schema-name": "app", "table-name": "%", "column-name": "%"},
                "convert-uppercase",
            ),
            tr(6, "rename-schema-people", "schema", {"schema-name": "people"}, "rename", value="HR"),
            tr(
                7, "uppercase-tables-people", "table", {"schema-name": "people", "table-name": "%"}, "convert-uppercase"
            ),
            tr(
                8,
                "uppercase-columns-people",
                "column",
                {"schema-name": "people", "table-name": "%", "column-name": "%"},
                "convert-uppercase",
            ),
        ]
    }


def test_reverse_mapping_renames_before_the_folds_and_carries_lob_settings() -> None:
    """Explicit renames get lower rule-ids than the convert-uppercase wildcards: DMS applies the lowest rule-id of
    the rules matching one object, so "orderlines" goes back to "OrderLines", not ORDERLINES."""
    doc = build_reverse_mappings(
        {"shop": "SHOP"},
        renames=[Rename("shop", "orderlines", None, "OrderLines"), Rename("shop", "orderlines", "select", "select")],
        table_settings=[TableSettings("shop", "documents", lob={"mode": "unlimited", "bulk-max-size": "0"})],
    )
    assert doc["rules"][1:3] == [
        tr(
            2,
            "rename-table-shop-orderlines",
            "table",
            {"schema-name": "shop", "table-name": "orderlines"},
            "rename",
            value="OrderLines",
        ),
        tr(
            3,
            "rename-column-shop-orderlines-select",
            "column",
            {"schema-name": "shop", "table-name": "orderlines", "column-name": "select"},
            "rename",
            value="select",
        ),
    ]
    assert [r["rule-action"] for r in doc["rules"][3:6]] == ["rename", "convert-uppercase", "convert-uppercase"]
    assert doc["rules"][6] == {
        "rule-type": "table-settings",
        "rule-id": "7",
        "rule-name": "7-settings-shop-documents",
        "object-locator": {"schema-name": "shop", "table-name": "documents"},
        "lob-settings": {"mode": "unlimited", "bulk-max-size": "0"},
    }


def test_forward_renames_and_odd_names_make_valid_rule_names() -> None:
    doc = build_forward_mappings(
        ["SHOP"], renames=[Rename("SHOP", "Order Lines/2", None, "order lines/2")], include=["%"]
    )
    rename = doc["rules"][1]
    assert rename["rule-name"] == "2-rename-table-SHOP-Order_Lines_2"
    assert (rename["object-locator"], rename["value"]) == (
        {"schema-name": "SHOP", "table-name": "Order Lines/2"},
        "order lines/2",
    )
    assert int(rename["rule-id"]) < min(
        int(r["rule-id"]) for r in doc["rules"] if r.get("rule-action") == "convert-lowercase"
    )


def test_rule_ids_and_names_unique_in_a_large_document() -> None:
    tables = [("APP", f"T{i}") for i in range(300)] + [("APP", "T_1"), ("APP", "T-1")]
    doc = build_forward_mappings(
        ["APP", "HR"],
        explicit_tables=tables,
        exclude=["%TMP%"],
        removed_columns=[ColumnRemoval("APP", "T1", "C")] * 2,
        table_settings=[TableSettings("APP", "T1", lob={"mode": "none"})] * 2,
    )
    ids_and_names_unique(doc)
    assert all(len(r["rule-name"]) <= 255 for r in doc["rules"])


def test_rule_names_are_capped_at_255_characters() -> None:
    doc = build_forward_mappings(["APP"], explicit_tables=[("APP", "T" * 300)])
    assert len(doc["rules"][0]["rule-name"]) == 255
    assert doc["rules"][0]["rule-name"].startswith("1-include-app-ttt")


def test_empty_explicit_table_list_is_refused() -> None:
    with pytest.raises(MappingError, match="selects nothing"):
        build_forward_mappings(["APP"], explicit_tables=[])


def test_too_large_document_is_refused() -> None:
    """DMS processes table mappings up to 2 MB: 1000 tables with a few hundred mixed-case columns each fit,
    twice as many columns do not."""
    tables = [("APP", f"TABLE_WITH_A_RATHER_LONG_NAME_{i:05d}") for i in range(1000)]
    renames = [Rename("APP", t, f"Column{c}", f"column{c}") for _, t in tables[:100] for c in range(40)]
    assert len(json.dumps(build_forward_mappings(["APP"], explicit_tables=tables, renames=renames))) > 1_000_000
    with pytest.raises(MappingError, match="larger than 2 MB; split the tables across more tasks"):
        build_forward_mappings(["APP"], explicit_tables=tables, renames=renames * 2)


def test_render_json_is_canonical() -> None:
    doc = build_forward_mappings(["APP"], exclude=["APP.TMP_%"])
    shuffled = {"rules": [dict(reversed(list(r.items()))) for r in doc["rules"]]}
    assert render_json(doc) == render_json(shuffled) == render_json(copy.deepcopy(doc))
    text = render_json(doc)
    assert " " not in text and json.loads(text) == doc
    assert text.startswith(
        '{"rules":[{"filters":[],"object-locator":{"schema-name":"APP","table-name":"%"},'
        '"rule-action":"include","rule-id":"1","rule-name":"1-include-app-all"'
    )


# --------------------------------------------------------------------------------------------------- validation


def good() -> dict[str, Any]:
    return {
        "rules": [
            sel(1, "include-app-all", "APP", "%"),
            {
                "rule-type": "table-settings",
                "rule-id": "2",
                "rule-name": "2-settings",
                "object-locator": {"schema-name": "APP", "table-name": "DOCS"},
                "lob-settings": {"mode": "limited", "bulk-max-size": "64"},
                "parallel-load": {"type": "ranges", "columns": ["ID"], "boundaries": [["100"], ["200"]]},
            },
        ]
    }


def test_the_good_document_is_valid() -> None:
    validate_mappings(good())


def _settings(doc: dict[str, Any]) -> dict[str, Any]:
    return doc["rules"][1]


BAD: list[tuple[str, Callable[[dict[str, Any]], Any], str]] = [
    ("empty", lambda d: d.update(rules=[]), "table mapping must have a non-empty 'rules' list"),
    ("no-rules-key", lambda d: d.pop("rules"), "table mapping must have a non-empty 'rules' list"),
    (
        "dup-id",
        lambda d: _settings(d).update({"rule-id": "1"}),
        "table mapping rule 1 (2-settings): rule-id and rule-name must be unique in the mapping",
    ),
    (
        "dup-name",
        lambda d: _settings(d).update({"rule-name": "1-include-app-all"}),
        "table mapping rule 2 (1-include-app-all): rule-id and rule-name must be unique",
    ),
    ("id-not-numeric", lambda d: d["rules"][0].update({"rule-id": "one"}), "rule-id must be a numeric string"),
    ("id-not-string", lambda d: d["rules"][0].update({"rule-id": 1}), "rule-id must be a numeric string"),
    ("no-name", lambda d: d["rules"][0].update({"rule-name": ""}), "rule-name must be a non-empty string"),
    (
        "bad-selection-action",
        lambda d: d["rules"][0].update({"rule-action": "keep"}),
        "table mapping rule 1 (1-include-app-all): selection rule-action must be one of include, exclude, explicit",
    ),
    (
        "bad-rule-type",
        lambda d: d["rules"][0].update({"rule-type": "filter"}),
        "rule-type must be selection, transformation or table-settings",
    ),
    (
        "missing-locator",
        lambda d: d["rules"][0].pop("object-locator"),
        "table mapping rule 1 (1-include-app-all): object-locator with schema-name is required",
    ),
    (
        "missing-schema",
        lambda d: d["rules"][0]["object-locator"].pop("schema-name"),
        "object-locator with schema-name is required",
    ),
    (
        "selection-no-table",
        lambda d: d["rules"][0]["object-locator"].pop("table-name"),
        "selection needs object-locator.table-name",
    ),
    (
        "no-include",
        lambda d: d["rules"][0].update({"rule-action": "exclude"}),
        "table mapping selects nothing: it needs at least one include selection rule",
    ),
    (
        "limited-lob-zero",
        lambda d: _settings(d)["lob-settings"].update({"bulk-max-size": "0"}),
        "table mapping rule 2 (2-settings): limited LOB mode needs bulk-max-size > 0 (KB)",
    ),
    (
        "limited-lob-default-size",
        lambda d: _settings(d)["lob-settings"].pop("bulk-max-size"),
        "limited LOB mode needs bulk-max-size > 0 (KB)",
    ),
    (
        "lob-size-not-number",
        lambda d: _settings(d)["lob-settings"].update({"bulk-max-size": "64KB"}),
        "lob-settings.bulk-max-size must be a whole number of KB",
    ),
    (
        "bad-lob-mode",
        lambda d: _settings(d)["lob-settings"].update({"mode": "full"}),
        "lob-settings.mode must be one of limited, unlimited, none",
    ),
    (
        "ranges-11-columns",
        lambda d: _settings(d)["parallel-load"].update(columns=[f"C{i}" for i in range(11)], boundaries=[]),
        "parallel-load ranges need 1 to 10 columns",
    ),
    (
        "ranges-no-columns",
        lambda d: _settings(d)["parallel-load"].update(columns=[]),
        "parallel-load ranges need 1 to 10 columns",
    ),
    (
        "boundary-length",
        lambda d: _settings(d)["parallel-load"].update(boundaries=[["100", "x"]]),
        "each parallel-load boundary needs one value per column",
    ),
    (
        "bad-parallel-type",
        lambda d: _settings(d)["parallel-load"].update(type="parallel"),
        "parallel-load.type must be one of partitions-auto, subpartitions-auto, partitions-list, ranges, none",
    ),
    (
        "settings-nothing",
        lambda d: [_settings(d).pop("lob-settings"), _settings(d).pop("parallel-load")],
        "table mapping rule 2 (2-settings): table-settings rule sets nothing (lob-settings or parallel-load expected)",
    ),
    (
        "settings-no-table",
        lambda d: _settings(d)["object-locator"].pop("table-name"),
        "table-settings needs object-locator.table-name",
    ),
    (
        "transformation-bad-target",
        lambda d: d["rules"].append(tr(3, "t", "view", {"schema-name": "APP"}, "convert-lowercase")),
        "rule-target must be one of schema, table",
    ),
    (
        "transformation-bad-action",
        lambda d: d["rules"].append(tr(3, "t", "schema", {"schema-name": "APP"}, "lowercase")),
        "rule-action must be one of rename,",
    ),
    (
        "rename-without-value",
        lambda d: d["rules"].append(tr(3, "t", "schema", {"schema-name": "APP"}, "rename")),
        "table mapping rule 3 (3-t): rename needs a value",
    ),
    (
        "table-rule-without-table",
        lambda d: d["rules"].append(tr(3, "t", "table", {"schema-name": "APP"}, "convert-lowercase")),
        "a table rule needs object-locator.table-name",
    ),
    (
        "column-rule-without-column",
        lambda d: d["rules"].append(tr(3, "t", "column", {"schema-name": "APP", "table-name": "%"}, "remove-column")),
        "a column rule needs object-locator.column-name",
    ),
]


@pytest.mark.parametrize(("mutate", "message"), [b[1:] for b in BAD], ids=[b[0] for b in BAD])
def test_validate_mappings_rejects(mutate: Callable[[dict[str, Any]], Any], message: str) -> None:
    doc = good()
    mutate(doc)
    with pytest.raises(MappingError) as info:
        validate_mappings(doc)
    assert message in str(info.value)
    assert "\n" not in str(info.value)


def test_ten_range_columns_are_allowed() -> None:
    doc = good()
    cols = [f"C{i}" for i in range(10)]
    _settings(doc)["parallel-load"].update(columns=cols, boundaries=[[str(i) for i in range(10)]])
    validate_mappings(doc)
