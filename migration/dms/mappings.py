"""DMS table-mapping documents: selection, naming transformations and table settings (DMS User Guide: Specifying table selection and transformations rules using JSON).

Pure logic. Every document is checked by `validate_mappings` before any resource uses it, so a bad rule is a
plan-time error rather than a failed task hours into a migration.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any, Iterable, Mapping, Sequence

from migration.dms.limits import MAX_RANGE_COLUMNS

SELECTION_ACTIONS = ("include", "exclude", "explicit")
TRANSFORMATION_TARGETS = (
    "schema",
    "table",
    "column",
    "table-tablespace",
    "index-tablespace",
    "primary-key",
    "unique-index",
)
TRANSFORMATION_ACTIONS = (
    "rename",
    "convert-lowercase",
    "convert-uppercase",
    "add-prefix",
    "remove-prefix",
    "replace-prefix",
    "add-suffix",
    "remove-suffix",
    "replace-suffix",
    "remove-column",
    "include-column",
    "add-column",
    "change-data-type",
    "define-primary-key",
)
LOB_MODES = ("limited", "unlimited", "none")
# "AWS DMS can only process table mapping JSON files up to 2 MB in size" (DMS User Guide, Specifying table selection
# and transformations rules using JSON). Rename rules for names that are not plain upper case make documents grow
# with the columns, so the documented limit, not a guessed 128 KB, is the one to hold.
MAX_MAPPING_BYTES = 2_000_000
_RULE_NAME_JUNK = re.compile(r"[^\w$#%-]+")
PARALLEL_LOAD_TYPES = ("partitions-auto", "subpartitions-auto", "partitions-list", "ranges", "none")


class MappingError(ValueError):
    """A table-mapping document DMS would reject or misread."""


class MappingTooLargeError(MappingError):
    """A table-mapping document over the size DMS processes (MAX_MAPPING_BYTES)."""


@dataclass(frozen=True)
class Selection:
    """One selection rule: include or exclude a table (pattern with `%`/`_`, or an exact name). `exact` marks the
    planner's or inventory's exact names (their rule names keep `%` as it is); `load_order` makes one load first."""

    action: str  # include | exclude
    schema: str
    table: str
    exact: bool = False
    load_order: int | None = None

    @property
    def pair(self) -> tuple[str, str]:
        return (self.schema, self.table)


@dataclass(frozen=True)
class TableSettings:
    """Per-table settings DMS applies through a `table-settings` rule."""

    schema: str
    table: str
    lob: Mapping[str, Any] | None = None  # {"mode": "limited", "bulk-max-size": "6144"}
    parallel_load: Mapping[str, Any] | None = None  # {"type": "partitions-auto"}


@dataclass(frozen=True)
class ColumnRemoval:
    """A column the task leaves behind (an explicit config choice, e.g. a type DMS cannot move)."""

    schema: str
    table: str
    column: str


@dataclass(frozen=True)
class Rename:
    """An explicit `rename` of a table (`column` None) or a column: the object-locator in source names, `value` the
    name on the target. Emitted before the case-fold rules, because DMS applies the rule with the lowest rule-id
    when several transformation rules match one object (DMS User Guide, transformation rules: rule-id)."""

    schema: str
    table: str
    column: str | None
    value: str


@dataclass
class _Builder:
    rules: list[dict[str, Any]] = field(default_factory=list)

    def add(self, rule_type: str, name: str, **body: Any) -> None:
        """Rule ids count up from 1 in the order rules are added; names start with the id (unique) and keep
        letters, digits and `_ $ # % -` only (quoted Oracle names may hold anything)."""
        rule_id = str(len(self.rules) + 1)
        rule_name = _RULE_NAME_JUNK.sub("_", f"{rule_id}-{name}")[:255]
        self.rules.append({"rule-type": rule_type, "rule-id": rule_id, "rule-name": rule_name, **body})


def _scoped(patterns: Iterable[str], schemas: Sequence[str]) -> list[tuple[str, str]]:
    """`TABLE` means that table pattern in every schema; `SCHEMA.TABLE` stays as given. Order kept, no repeats."""
    out: list[tuple[str, str]] = []
    for p in patterns:
        schema, _, table = p.rpartition(".")
        for s in [schema] if schema else schemas:
            if (s, table) not in out:
                out.append((s, table))
    return out


def forward_selections(
    schemas: Sequence[str],
    *,
    include: Sequence[str] = ("%",),
    exclude: Sequence[str] = (),
    explicit_tables: Sequence[tuple[str, str]] | None = None,
    load_order: Mapping[tuple[str, str], int] | None = None,
) -> list[Selection]:
    """The selection rules of a forward mapping, in rule order: `explicit_tables` (a planner's or inventory's exact
    table list, some with a DMS load-order: higher loads first) replace the `include` patterns; excludes follow."""
    order = load_order or {}
    if explicit_tables is not None:
        out = [Selection("include", s, t, exact=True, load_order=order.get((s, t))) for s, t in explicit_tables]
    else:
        out = [Selection("include", s, t) for s, t in _scoped(include, schemas)]
    return out + [Selection("exclude", s, t) for s, t in _scoped(exclude, schemas)]


def build_forward_mappings(
    schemas: Sequence[str],
    *,
    include: Sequence[str] = ("%",),
    exclude: Sequence[str] = (),
    explicit_tables: Sequence[tuple[str, str]] | None = None,
    schema_renames: Mapping[str, str] | None = None,
    table_settings: Sequence[TableSettings] = (),
    removed_columns: Sequence[ColumnRemoval] = (),
    load_order: Mapping[tuple[str, str], int] | None = None,
    renames: Sequence[Rename] = (),
    selection: Sequence[Selection] | None = None,
) -> dict[str, Any]:
    """Oracle -> PostgreSQL mapping: select the tables, remove the columns left behind, rename the tables and columns
    whose names are not plain upper case (`renames`, from the inventory's name map), then lower-case every other
    name (PostgreSQL folds unquoted names to lower case; Oracle stores them upper case), rename schemas where asked,
    then per-table settings.

    Removals and renames come before the case folds: of several transformation rules matching one object, DMS
    applies the one with the lowest rule-id, so a wildcard fold placed first would win over them.

    The selection is `selection` when given (see `forward_selections`), else worked out from `include`, `exclude`,
    `explicit_tables` and `load_order` the same way.
    """
    schema_map = dict(schema_renames or {})
    if selection is None:
        selection = forward_selections(
            schemas, include=include, exclude=exclude, explicit_tables=explicit_tables, load_order=load_order
        )
    b = _Builder()
    _add_selections(b, selection)
    _add_column_removals(b, removed_columns)
    _add_renames(b, renames)
    _add_naming_rules(b, schemas, schema_map)
    _add_table_settings(b, table_settings)
    doc = {"rules": b.rules}
    validate_mappings(doc)
    return doc


def _add_selections(b: _Builder, selection: Sequence[Selection]) -> None:
    """One selection rule each. Exact names keep their characters in the rule name (lower-cased); in patterns `%`
    reads as `all`."""
    for sel in selection:
        name = f"{sel.action}-{sel.schema}-{sel.table}".lower()
        body: dict[str, Any] = {
            "object-locator": {"schema-name": sel.schema, "table-name": sel.table},
            "rule-action": sel.action,
            "filters": [],
        }
        if sel.load_order is not None:
            body["load-order"] = sel.load_order
        b.add("selection", name if sel.exact else name.replace("%", "all"), **body)


def _add_naming_rules(b: _Builder, schemas: Sequence[str], renames: Mapping[str, str]) -> None:
    """Per schema: rename it (when asked) or lower-case it, then lower-case its tables and columns, because
    PostgreSQL folds unquoted names to lower case while Oracle stores them upper case."""
    for schema in schemas:
        if schema in renames:
            b.add(
                "transformation",
                f"rename-schema-{schema}".lower(),
                **{
                    "rule-target": "schema",
                    "object-locator": {"schema-name": schema},
                    "rule-action": "rename",
                    "value": renames[schema],
                },
            )
        else:
            b.add(
                "transformation",
                f"lowercase-schema-{schema}".lower(),
                **{
                    "rule-target": "schema",
                    "object-locator": {"schema-name": schema},
                    "rule-action": "convert-lowercase",
                },
            )
        b.add(
            "transformation",
            f"lowercase-tables-{schema}".lower(),
            **{
                "rule-target": "table",
                "object-locator": {"schema-name": schema, "table-name": "%"},
                "rule-action": "convert-lowercase",
            },
        )
        b.add(
            "transformation",
            f"lowercase-columns-{schema}".lower(),
            **{
                "rule-target": "column",
                "object-locator": {"schema-name": schema, "table-name": "%", "column-name": "%"},
                "rule-action": "convert-lowercase",
            },
        )


def _add_renames(b: _Builder, renames: Sequence[Rename]) -> None:
    """One rename rule per table or column whose target name is not the case fold of its source name."""
    for r in renames:
        locator = {"schema-name": r.schema, "table-name": r.table}
        if r.column is not None:
            locator["column-name"] = r.column
        target = "table" if r.column is None else "column"
        b.add(
            "transformation",
            f"rename-{target}-{r.schema}-{r.table}" + ("" if r.column is None else f"-{r.column}"),
            **{"rule-target": target, "object-locator": locator, "rule-action": "rename", "value": r.value},
        )


def _add_column_removals(b: _Builder, removed: Sequence[ColumnRemoval]) -> None:
    """A remove-column rule per column the config leaves behind (e.g. a type DMS cannot move)."""
    for rc in removed:
        b.add(
            "transformation",
            f"remove-{rc.schema}-{rc.table}-{rc.column}".lower(),
            **{
                "rule-target": "column",
                "object-locator": {"schema-name": rc.schema, "table-name": rc.table, "column-name": rc.column},
                "rule-action": "remove-column",
            },
        )


def build_reverse_mappings(
    schema_map: Mapping[str, str],
    selection: Sequence[Selection] | None = None,
    *,
    renames: Sequence[Rename] = (),
    table_settings: Sequence[TableSettings] = (),
    removed_columns: Sequence[ColumnRemoval] = (),
) -> dict[str, Any]:
    """PostgreSQL -> Oracle mapping for the fallback task: `schema_map` is {postgres_schema: ORACLE_SCHEMA}.
    `removed_columns` (PostgreSQL names): columns the forward tasks left behind never flow back either.

    Selects `selection` (include/exclude `Selection`s in PostgreSQL names;
    default: every table of each schema), renames the tables and columns whose Oracle names are not plain upper
    case (`renames`, in PostgreSQL names: before the folds, which they must win over), renames the schema back to
    its Oracle name and upper-cases every other table and column name so changes land in the original Oracle
    objects; `table_settings` (PostgreSQL names) carry each table's LOB settings back.
    """
    b = _Builder()
    if selection is None:
        selection = [Selection("include", s, "%") for s in schema_map]
    for sel in selection:
        b.add(
            "selection",
            f"{sel.action}-{sel.schema}-{sel.table}".replace("%", "all"),
            **{
                "object-locator": {"schema-name": sel.schema, "table-name": sel.table},
                "rule-action": sel.action,
                "filters": [],
            },
        )
    _add_renames(b, renames)
    _add_column_removals(b, removed_columns)
    _add_reverse_naming_rules(b, schema_map)
    _add_table_settings(b, table_settings)
    doc = {"rules": b.rules}
    validate_mappings(doc)
    return doc


def _add_reverse_naming_rules(b: _Builder, schema_map: Mapping[str, str]) -> None:
    """Per PostgreSQL schema: rename it back to its Oracle name, and upper-case its tables and columns."""
    for pg_schema, ora_schema in schema_map.items():
        b.add(
            "transformation",
            f"rename-schema-{pg_schema}",
            **{
                "rule-target": "schema",
                "object-locator": {"schema-name": pg_schema},
                "rule-action": "rename",
                "value": ora_schema,
            },
        )
        b.add(
            "transformation",
            f"uppercase-tables-{pg_schema}",
            **{
                "rule-target": "table",
                "object-locator": {"schema-name": pg_schema, "table-name": "%"},
                "rule-action": "convert-uppercase",
            },
        )
        b.add(
            "transformation",
            f"uppercase-columns-{pg_schema}",
            **{
                "rule-target": "column",
                "object-locator": {"schema-name": pg_schema, "table-name": "%", "column-name": "%"},
                "rule-action": "convert-uppercase",
            },
        )


def _add_table_settings(b: _Builder, settings: Sequence[TableSettings]) -> None:
    for ts in settings:
        body: dict[str, Any] = {"object-locator": {"schema-name": ts.schema, "table-name": ts.table}}
        if ts.lob is not None:
            body["lob-settings"] = dict(ts.lob)
        if ts.parallel_load is not None:
            body["parallel-load"] = dict(ts.parallel_load)
        if len(body) > 1:
            b.add("table-settings", f"settings-{ts.schema}-{ts.table}".lower(), **body)


def _fail(rule: Mapping[str, Any], msg: str) -> MappingError:
    return MappingError(f"table mapping rule {rule.get('rule-id', '?')} ({rule.get('rule-name', '?')}): {msg}")


def validate_mappings(doc: Mapping[str, Any]) -> None:
    """Check a mapping document the way DMS reads it; raise MappingError naming the first bad rule."""
    rules = doc.get("rules")
    if not isinstance(rules, list) or not rules:
        raise MappingError("table mapping must have a non-empty 'rules' list")
    ids: set[str] = set()
    names: set[str] = set()
    has_include = False
    for rule in rules:
        rid, rname = rule.get("rule-id"), rule.get("rule-name")
        if not isinstance(rid, str) or not rid.isdigit():
            raise _fail(rule, "rule-id must be a numeric string")
        if not isinstance(rname, str) or not rname:
            raise _fail(rule, "rule-name must be a non-empty string")
        if rid in ids or rname in names:
            raise _fail(rule, "rule-id and rule-name must be unique in the mapping")
        ids.add(rid)
        names.add(rname)
        locator = rule.get("object-locator")
        if not isinstance(locator, Mapping) or not locator.get("schema-name"):
            raise _fail(rule, "object-locator with schema-name is required")
        kind = rule.get("rule-type")
        if kind == "selection":
            if rule.get("rule-action") not in SELECTION_ACTIONS:
                raise _fail(rule, f"selection rule-action must be one of {', '.join(SELECTION_ACTIONS)}")
            if not locator.get("table-name"):
                raise _fail(rule, "selection needs object-locator.table-name")
            if "load-order" in rule and (not isinstance(rule["load-order"], int) or rule["load-order"] < 0):
                raise _fail(rule, "load-order must be a whole number >= 0 (higher loads first)")
            has_include = has_include or rule["rule-action"] in ("include", "explicit")
        elif kind == "transformation":
            _check_transformation(rule, locator)
        elif kind == "table-settings":
            _check_table_settings(rule, locator)
        else:
            raise _fail(rule, "rule-type must be selection, transformation or table-settings")
    if not has_include:
        raise MappingError("table mapping selects nothing: it needs at least one include selection rule")
    # The size of what the task receives: compact, and ASCII (json escapes the rest), so characters are bytes.
    if len(json.dumps(doc, separators=(",", ":"))) > MAX_MAPPING_BYTES:
        raise MappingTooLargeError("table mapping is larger than 2 MB; split the tables across more tasks")


def _check_transformation(rule: Mapping[str, Any], locator: Mapping[str, Any]) -> None:
    target, action = rule.get("rule-target"), rule.get("rule-action")
    if target not in TRANSFORMATION_TARGETS:
        raise _fail(rule, f"rule-target must be one of {', '.join(TRANSFORMATION_TARGETS)}")
    if action not in TRANSFORMATION_ACTIONS:
        raise _fail(rule, f"rule-action must be one of {', '.join(TRANSFORMATION_ACTIONS)}")
    if action in ("rename", "add-prefix", "add-suffix") and not rule.get("value"):
        raise _fail(rule, f"{action} needs a value")
    if target in ("table", "column") and not locator.get("table-name"):
        raise _fail(rule, f"a {target} rule needs object-locator.table-name")
    if target == "column" and not locator.get("column-name"):
        raise _fail(rule, "a column rule needs object-locator.column-name")


def _check_table_settings(rule: Mapping[str, Any], locator: Mapping[str, Any]) -> None:
    if not locator.get("table-name"):
        raise _fail(rule, "table-settings needs object-locator.table-name")
    lob = rule.get("lob-settings")
    if lob is not None:
        if lob.get("mode") not in LOB_MODES:
            raise _fail(rule, f"lob-settings.mode must be one of {', '.join(LOB_MODES)}")
        size = lob.get("bulk-max-size", "0")
        if not str(size).isdigit():
            raise _fail(rule, "lob-settings.bulk-max-size must be a whole number of KB")
        if lob["mode"] == "limited" and int(size) <= 0:
            raise _fail(rule, "limited LOB mode needs bulk-max-size > 0 (KB)")
    pl = rule.get("parallel-load")
    if pl is not None:
        if pl.get("type") not in PARALLEL_LOAD_TYPES:
            raise _fail(rule, f"parallel-load.type must be one of {', '.join(PARALLEL_LOAD_TYPES)}")
        if pl["type"] == "ranges":
            cols = pl.get("columns") or []
            if not cols or len(cols) > MAX_RANGE_COLUMNS:
                raise _fail(rule, f"parallel-load ranges need 1 to {MAX_RANGE_COLUMNS} columns")
            for boundary in pl.get("boundaries") or []:
                if len(boundary) != len(cols):
                    raise _fail(rule, "each parallel-load boundary needs one value per column")
    if lob is None and pl is None:
        raise _fail(rule, "table-settings rule sets nothing (lob-settings or parallel-load expected)")


def render_json(doc: Mapping[str, Any]) -> str:
    """Canonical JSON (sorted keys, no spaces): the same document always renders to the same bytes."""
    return json.dumps(doc, sort_keys=True, separators=(",", ":"))
