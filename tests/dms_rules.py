"""A small evaluator of DMS table-mapping rules, written from the DMS User Guide rather than from our builders, to
check the documents the stack generates the way DMS reads them.

What it models:
- selection: `%` any run, `_` one character (LIKE, case-sensitive); a table is picked when an include (or
  explicit) rule matches and no exclude rule does (exclude wins);
- transformation: per object (schema, table, column) the rules of that rule-target whose object-locator matches
  the object's *source* names; of several, the one with the lowest rule-id applies ("If you specify multiple
  transformation rules for the same object, AWS DMS applies the transformation rule with the lower rule-id");
  actions rename, convert-lowercase, convert-uppercase, remove-column; no transformation applies to a column whose
  name holds # \\ / or - ("Transformations cannot be performed on columns that contain special characters"); a rule
  naming a LOB column explicitly with any action but remove-column is an error ("The only supported transformation
  for columns that are mapped to BLOB/CLOB data types is to drop the column on the target"; the caller says which
  columns are LOBs), while the wildcard `column-name: %` folds reach it (AWS Knowledge Center, "How do I use AWS DMS
  mapping rules to migrate an Oracle schema to PostgreSQL in lowercase?": no LOB exception);
- table-settings: the lowest rule-id table-settings rule matching the table.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

_SPECIAL = re.compile(r"[#\\/-]")


def like(pattern: str, name: str) -> bool:
    body = "".join(".*" if c == "%" else "." if c == "_" else re.escape(c) for c in pattern)
    return re.fullmatch(body, name, re.DOTALL) is not None


class Rules:
    """One table-mapping document, asked the questions DMS asks of it."""

    def __init__(self, doc: Mapping[str, Any]) -> None:
        self.rules = sorted(doc["rules"], key=lambda r: int(r["rule-id"]))

    def _matching(
        self, kind: str, target: str | None, schema: str, table: str | None = None, column: str | None = None
    ):
        for rule in self.rules:
            if rule["rule-type"] != kind or (target is not None and rule.get("rule-target") != target):
                continue
            loc = rule["object-locator"]
            if not like(loc["schema-name"], schema):
                continue
            if table is not None and "table-name" in loc and not like(loc["table-name"], table):
                continue
            if column is not None and not like(loc["column-name"], column):
                continue
            yield rule

    def selects(self, schema: str, table: str) -> bool:
        picked = excluded = False
        for rule in self._matching("selection", None, schema, table):
            if rule["rule-action"] == "exclude":
                excluded = True
            else:
                picked = True
        return picked and not excluded

    @staticmethod
    def _apply(rule: Mapping[str, Any] | None, name: str) -> str | None:
        if rule is None:
            return name
        action = rule["rule-action"]
        if action == "rename":
            return str(rule["value"])
        if action == "convert-lowercase":
            return name.lower()
        if action == "convert-uppercase":
            return name.upper()
        if action == "remove-column":
            return None
        raise AssertionError(f"the evaluator does not model rule-action {action}")

    def schema(self, schema: str) -> str:
        out = self._apply(next(self._matching("transformation", "schema", schema), None), schema)
        assert out is not None
        return out

    def table(self, schema: str, table: str) -> str:
        out = self._apply(next(self._matching("transformation", "table", schema, table), None), table)
        assert out is not None
        return out

    def column(self, schema: str, table: str, column: str, *, lob: bool = False) -> str | None:
        """The target name of a column, None when a rule removes it (`lob`: a column DMS moves as a LOB)."""
        rule = next(self._matching("transformation", "column", schema, table, column), None)
        if _SPECIAL.search(column):
            return column
        if lob and rule is not None and rule["object-locator"]["column-name"] == column:
            assert rule["rule-action"] == "remove-column", f"DMS supports no {rule['rule-action']} on LOB {column}"
        return self._apply(rule, column)

    def table_settings(self, schema: str, table: str) -> Mapping[str, Any]:
        return next(self._matching("table-settings", None, schema, table), {})
