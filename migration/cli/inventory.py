"""`python -m migration inventory report|ddl`: what the Oracle estate means for DMS, before anything is deployed."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterable, Iterator
from json.encoder import encode_basestring_ascii  # type: ignore[attr-defined]
from pathlib import Path
from typing import Any, TextIO

from migration.cli.argparsing import OneLineParser, UsageError
from migration.cli.outputs import project_inputs, stack_inputs, write_file
from migration.config import ConfigError
from migration.inventory.ddl import render_ddl, schema_renames
from migration.inventory.ddl_parts import PARTS, render_ddl_part
from migration.inventory.load import gc_paused, load_inventory
from migration.inventory.load_objects import load_objects
from migration.inventory.lobs import choose_lob_mode
from migration.inventory.model import Inventory, InventoryError, Table
from migration.inventory.names import NameMap, build_name_map, dms_cannot_transform, is_plain
from migration.inventory.objects import INTERVAL_PARTITIONS_AHEAD, OBJECT_FILES, SchemaObjects
from migration.inventory.typemap import (
    TypeMapping,
    identifier_too_long,
    is_reserved_postgres_word,
    oracle_to_postgres,
    oracle_type_text,
)

ROOT = Path(__file__).resolve().parents[2]
DMS_ORACLE_NAME_BYTES = 30  # DMS reference 3.6: Oracle identifiers longer than 30 bytes are not supported


def _identifier_problems(kind: str, name: str, pg: str | None = None) -> list[str]:
    """What a reviewer must know about a name: PostgreSQL's 63-byte limit and reserved words, names the mappings
    rename explicitly, names DMS cannot transform, and DMS's documented 30-byte limit on Oracle names."""
    pg = name.lower() if pg is None else pg
    problems = []
    if identifier_too_long(name.lower()):
        problems.append(f"{kind} {name} is longer than 63 bytes: named {pg} in PostgreSQL, renamed both ways")
    elif kind == "column" and dms_cannot_transform(name):
        problems.append(
            f"{kind} {name} holds # \\ / or -: DMS cannot transform its name, PostgreSQL gets it as spelled "
            "(uncertain: test one table)"
        )
    elif not is_plain(name):
        problems.append(f"{kind} {name} is not plain upper case: named {pg} in PostgreSQL, renamed both ways")
    if len(name.encode("utf-8")) > DMS_ORACLE_NAME_BYTES:
        problems.append(f"{kind} {name} is longer than 30 bytes: DMS documents such Oracle names as unsupported")
    if is_reserved_postgres_word(pg):
        problems.append(f"{kind} {name} is a PostgreSQL reserved word: it must be quoted")
    return problems


def build_report(
    inv: Inventory,
    number_datatype_scale: int = 10,
    *,
    names: NameMap | None = None,
    tables: Iterable[tuple[str, str]] | None = None,
) -> dict[str, Any]:
    """The report as plain data (JSON-ready): one row per column, one per table with the LOB choice and problems.

    `names` (default: the inventory's own map) gives every object its PostgreSQL name; `tables` limits the report
    (a stack's selection). Two Oracle names sharing a PostgreSQL name stop it with one line naming both.
    Mappings and name checks are cached per distinct type / name: estates repeat both a lot."""
    chosen, names = _chosen(inv, names, tables)
    columns: list[dict[str, Any]] = []
    rows: list[dict[str, Any]] = []
    with gc_paused():
        for table_columns, row in _report_rows(chosen, names, number_datatype_scale):
            columns += table_columns
            rows.append(row)
    return {"columns": columns, "tables": rows}


def write_json_report(
    inv: Inventory,
    out: TextIO,
    number_datatype_scale: int = 10,
    *,
    names: NameMap | None = None,
    tables: Iterable[tuple[str, str]] | None = None,
) -> None:
    """`json.dumps(build_report(...), indent=2)` to `out`, byte for byte, streamed: a million tables' report held
    whole took 6 GB. Two passes over the tables, because the JSON lists every column before every table: the
    first writes the columns, the second the tables, each row encoded and dropped as it comes."""
    chosen, names = _chosen(inv, names, tables)
    with gc_paused():  # rows are freed as they are written; collections would only rescan the inventory's maps
        _stream_json(chosen, names, number_datatype_scale, out)


def _stream_json(chosen: list[Table], names: NameMap, number_datatype_scale: int, out: TextIO) -> None:
    out.write("{")
    for index, key in enumerate(("columns", "tables")):
        out.write(f'{"," if index else ""}\n  "{key}": [')
        empty = True
        for table_columns, row in _report_rows(chosen, names, number_datatype_scale):
            for item in table_columns if index == 0 else (row,):
                out.write(("\n    " if empty else ",\n    ") + _json_indented(item, "    "))
                empty = False
        out.write("]" if empty else "\n  ]")
    out.write("\n}\n")


def _json_indented(value: Any, margin: str) -> str:
    """`json.dumps(value, indent=2)` for a value starting at `margin`, for the report's rows (dicts and lists of
    strings, numbers, booleans and None): the same text, without the standard encoder's per-call set-up, which
    dominated a million rows."""
    if isinstance(value, str):
        return encode_basestring_ascii(value)
    if value is None or value is True or value is False:
        return "null" if value is None else "true" if value else "false"
    if type(value) is int:
        return str(value)
    if isinstance(value, dict) and value:
        inner = margin + "  "
        items = (f"{inner}{encode_basestring_ascii(k)}: {_json_indented(v, inner)}" for k, v in value.items())
        return "{\n" + ",\n".join(items) + f"\n{margin}}}"
    if isinstance(value, list) and value:
        inner = margin + "  "
        return "[\n" + ",\n".join(inner + _json_indented(v, inner) for v in value) + f"\n{margin}]"
    return json.dumps(value)  # floats, empty containers


def _chosen(
    inv: Inventory, names: NameMap | None, tables: Iterable[tuple[str, str]] | None
) -> tuple[list[Table], NameMap]:
    names = build_name_map(inv) if names is None else names
    chosen = list(inv.tables.values()) if tables is None else [inv.tables[k] for k in tables]
    conflicts = names.conflicts_among((t.owner, t.name) for t in chosen)
    if conflicts:
        raise InventoryError(conflicts[0].message())
    return chosen, names


def _report_rows(
    chosen: list[Table], names: NameMap, number_datatype_scale: int
) -> Iterator[tuple[list[dict[str, Any]], dict[str, Any]]]:
    """Per table, its column rows and its table row. The per-column loop stays inline: it runs once per column (a
    million in a big estate), so it avoids a call per column; the per-table steps before and after it are their
    own functions."""
    types: dict[tuple[Any, ...], tuple[TypeMapping, str]] = {}
    problems_of: dict[str, list[str]] = {}  # plain column names: their problems depend on the name alone
    folded: dict[str, str] = {}  # plain column name -> its lower-case form, one string shared by every table
    for table in chosen:
        pg_table = names.table(table.owner, table.name)
        problems = _table_problems(table, pg_table)
        renamed = names.columns.get((table.owner, table.name))
        geometry = lob = False
        columns: list[dict[str, Any]] = []
        for col in table.columns:
            sig = (col.data_type, col.data_length, col.data_precision, col.data_scale, col.char_used, col.char_length)
            hit = types.get(sig)
            if hit is None:
                hit = types[sig] = (oracle_to_postgres(col, number_datatype_scale), oracle_type_text(col))
            m = hit[0]
            pg = renamed.get(col.name) if renamed else None
            pg_column = pg or folded.get(col.name) or folded.setdefault(col.name, col.name.lower())
            columns.append(
                {
                    "owner": col.owner,
                    "table": col.table,
                    "column": col.name,
                    "postgres_column": pg_column,
                    "oracle_type": hit[1],
                    "postgres_type": m.postgres_type,
                    "dms_type": m.dms_type,
                    "recommended_type": m.postgres_type,
                    "supported": m.supported,
                    "note": m.note,
                }
            )
            if not m.supported:
                problems.append(f"column {col.name} ({col.data_type}) is not migrated")
            if m.is_lob:
                lob = True
                geometry = geometry or m.full_lob_only
            if pg is not None:
                problems.extend(_identifier_problems("column", col.name, pg))
                continue
            name_problems = problems_of.get(col.name)
            if name_problems is None:
                name_problems = problems_of[col.name] = _identifier_problems("column", col.name)
            problems.extend(name_problems)
        row = _table_row(table, problems, lob=lob, geometry=geometry)
        row["postgres_table"] = f"{names.schema(table.owner)}.{pg_table}"
        yield columns, row


def _table_problems(table: Table, pg_table: str | None = None) -> list[str]:
    """Problems of the table itself, listed before its columns' problems: no key, and its name."""
    problems: list[str] = []
    if not table.has_key:
        problems.append(
            "no primary or unique key: CDC cannot apply updates/deletes by key, validation and batch apply need one"
        )
    problems.extend(_identifier_problems("table", table.name, pg_table))
    return problems


def _table_row(table: Table, problems: list[str], *, lob: bool, geometry: bool) -> dict[str, Any]:
    """The table's report row. Needs what its columns showed (`lob`: any LOB column; `geometry`: any column that
    needs full LOB mode, i.e. SDO_GEOMETRY) for the key problems LOBs bring and for the LOB mode choice.
    Appends to `problems`, which becomes the row's list."""
    if lob and not table.has_key:
        problems.append("LOB columns without a primary or unique key: DMS cannot look them up during CDC")
    if geometry and not (table.has_primary_key and table.has_unique_key):
        problems.append("SDO_GEOMETRY needs a primary key and a unique key, else DMS skips the table")
    choice = choose_lob_mode(table) if lob else None
    return {
        "owner": table.owner,
        "table": table.name,
        "rows": table.num_rows,
        "bytes": table.bytes,
        "has_key": table.has_key,
        "partitioned": table.partitioned,
        "lob_mode": choice.mode if choice else None,
        "lob_bulk_max_size_kb": choice.bulk_max_size_kb if choice else None,
        "lob_reason": choice.reason if choice else None,
        "problems": problems,
    }


_NAME_PROBLEMS = ("63 bytes", "30 bytes", "reserved word", "not plain upper case", "cannot transform its name")


def render_text(report: dict[str, Any]) -> str:
    """Per table its column types, then the lists a reviewer acts on."""
    out: list[str] = []
    by_table: dict[tuple[str, str], list[dict[str, Any]]] = {}
    for c in report["columns"]:
        by_table.setdefault((c["owner"], c["table"]), []).append(c)
    for t in report["tables"]:
        key = "key" if t["has_key"] else "NO KEY"
        part = ", partitioned" if t["partitioned"] else ""
        folded = f"{t['owner']}.{t['table']}".lower()
        renamed = f" -> {t['postgres_table']}" if t.get("postgres_table", folded) != folded else ""
        out.append(f"{t['owner']}.{t['table']}{renamed}  ({t['rows']} rows, {t['bytes']} bytes, {key}{part})")
        cols = by_table.get((t["owner"], t["table"]), [])
        width = max((len(c["column"]) for c in cols), default=0)
        type_width = max((len(c["oracle_type"]) for c in cols), default=0)
        for c in cols:
            target = c["postgres_type"] if c["supported"] else "NOT MIGRATED"
            if c["supported"] and c.get("postgres_column", c["column"].lower()) != c["column"].lower():
                target = f"{c['postgres_column']} {target}"
            note = f"  -- {c['note']}" if c["note"] else ""
            out.append(f"  {c['column']:<{width}}  {c['oracle_type']:<{type_width}}  -> {target}{note}")
        out.extend(f"  ! {p}" for p in t["problems"])
    sections = [
        (
            "Unsupported columns",
            [
                f"{c['owner']}.{c['table']}.{c['column']} ({c['oracle_type']}): {c['note']}"
                for c in report["columns"]
                if not c["supported"]
            ],
        ),
        ("LOB tables", [f"{t['owner']}.{t['table']}: {t['lob_reason']}" for t in report["tables"] if t["lob_mode"]]),
        (
            "Tables without a primary or unique key",
            [f"{t['owner']}.{t['table']}" for t in report["tables"] if not t["has_key"]],
        ),
        (
            "Identifier problems",
            [
                f"{t['owner']}.{t['table']}: {p}"
                for t in report["tables"]
                for p in t["problems"]
                if any(marker in p for marker in _NAME_PROBLEMS)
            ],
        ),
    ]
    for title, items in sections:
        out.append("")
        out.append(f"== {title} ({len(items)})")
        out.extend(f"  {item}" for item in items)
    return "\n".join(out) + "\n"


def _scale(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number -2..38, got {text!r}") from None
    if not -2 <= value <= 38:
        raise argparse.ArgumentTypeError(f"expected -2..38 (NumberDatatypeScale), got {value}")
    return value


def _schema_pair(text: str) -> tuple[str, str]:
    old, sep, new = text.partition("=")
    if not sep or not old.strip() or not new.strip():
        raise argparse.ArgumentTypeError(f"expected ORACLE_SCHEMA=postgres_schema, got {text!r}")
    return old.strip(), new.strip()


def _parser() -> argparse.ArgumentParser:
    parser = OneLineParser(
        prog="python -m migration inventory", description="Report on or create DDL for an exported Oracle inventory."
    )
    sub = parser.add_subparsers(dest="command", required=True, parser_class=OneLineParser)
    for name, help_text in (
        ("report", "types, LOB modes, PostgreSQL names and problems per table"),
        ("ddl", "PostgreSQL CREATE SCHEMA/TABLE statements"),
    ):
        p = sub.add_parser(name, help=help_text)
        p.add_argument(
            "--stack",
            help="read a stack instead of the flags below: its inventory files, schema renames, NumberDatatypeScale "
            "and include/exclude (Pulumi.<stack>.yaml under --root)",
        )
        p.add_argument("--root", type=Path, default=ROOT, help="project directory of --stack (default: this checkout)")
        p.add_argument("--columns", help="columns.csv (ALL_TAB_COLUMNS export); required without --stack")
        p.add_argument("--tables", help="tables.csv; required without --stack")
        p.add_argument("--keys", help="keys.csv (primary/unique key columns)")
        p.add_argument(
            "--number-datatype-scale",
            type=_scale,
            help="the Oracle endpoint's NumberDatatypeScale (default 10)",
        )
        p.add_argument(
            "--schema-map",
            type=_schema_pair,
            action="append",
            default=[],
            metavar="ORACLE=pg",
            help="rename a schema, e.g. APP=app_new (repeatable)",
        )
        p.add_argument("--lobs", help="lobs.csv (measured LOB sizes)")
        if name == "report":
            p.add_argument("--format", choices=("text", "json"), default="text")
        else:
            p.add_argument(
                "--interval-partitions-ahead",
                type=int,
                help="partitions the before-load part creates past the exported ones on an interval-partitioned "
                f"table (default {INTERVAL_PARTITIONS_AHEAD}; with --stack: inventory.intervalPartitionsAhead)",
            )
            p.add_argument("--output", help="write the DDL to this file instead of stdout")
            p.add_argument(
                "--part",
                choices=PARTS,
                help="one part of the DDL, applied at its moment: before-load (tables, keys, defaults, identity, "
                "sequences), after-load (indexes, unique keys, checks, foreign keys NOT VALID; before the cached "
                "changes), cutover (sequences and identities past Oracle's, NOT NULL back on LOB columns), "
                "after-switch (foreign keys validated online); without it, today's tables and keys alone. "
                "Reads the object exports named by the stack, or next to --columns",
            )
    return parser


_FILE_FLAGS = ("columns", "tables", "keys", "lobs", "number_datatype_scale", "interval_partitions_ahead")


def _from_flags(args: argparse.Namespace) -> tuple[Inventory, NameMap, int, list[tuple[str, str]] | None, bool]:
    """The inventory files named on the command line: every table, schemas renamed by --schema-map."""
    missing = [f"--{n}" for n in ("columns", "tables") if not getattr(args, n)]
    if missing:
        raise UsageError(f"{' and '.join(missing)} required (or --stack to read them from a stack)")
    inv = load_inventory(args.columns, args.tables, getattr(args, "lobs", None), args.keys)
    names = build_name_map(inv, schema_renames(inv, dict(args.schema_map)))
    scale = 10 if args.number_datatype_scale is None else args.number_datatype_scale
    return inv, names, scale, None, False


def _from_stack(args: argparse.Namespace) -> tuple[Inventory, NameMap, int, list[tuple[str, str]] | None, bool]:
    """A stack's inventory under its schema renames and NumberDatatypeScale, limited to the tables its tasks move
    (the design's, so a table `inventory.unsupportedColumns: exclude-table` leaves out gets no DDL either), and
    whether the stack has a reverse path (the DDL's rename comments say "both ways" only then)."""
    from migration.config.stackfile import read_stack_file
    from migration.planning.design import resolve

    given = [f"--{n.replace('_', '-')}" for n in _FILE_FLAGS if getattr(args, n, None) is not None]
    given += ["--schema-map"] if args.schema_map else []
    if given:
        raise UsageError(
            f"--stack reads the inventory, renames and NumberDatatypeScale from the stack; drop {given[0]}"
        )
    stack = read_stack_file(args.root, args.stack).load()
    if stack.config.inventory is None:
        raise ConfigError(f"{stack.project}:inventory: stack {args.stack} has no inventory configured")
    design = resolve(stack)
    inv, names = design.inventory, design.names
    assert inv is not None and names is not None  # the stack has an inventory
    order = {key: i for i, key in enumerate(inv.tables)}
    tables = sorted(design.moved, key=order.__getitem__)
    return inv, names, stack.config.source.settings.number_datatype_scale, tables, stack.config.reverse.enabled


def _objects(args: argparse.Namespace, inv: Inventory) -> SchemaObjects:
    """The schema-object exports: those the stack names, or those oracle_inventory.sql wrote next to --columns."""
    if args.stack:
        from migration.config.stackfile import read_stack_file
        from migration.planning.stack_inventory import load_stack_objects

        return load_stack_objects(read_stack_file(args.root, args.stack).load(), inv)
    folder = Path(args.columns).parent
    return load_objects(inv, {k: folder / f"{k}.csv" for k in OBJECT_FILES if (folder / f"{k}.csv").is_file()})


def _partitions_ahead(args: argparse.Namespace) -> int:
    """--interval-partitions-ahead, or the stack's inventory.intervalPartitionsAhead."""
    if args.stack:
        from migration.config.stackfile import read_stack_file

        inventory = read_stack_file(args.root, args.stack).load().config.inventory
        assert inventory is not None  # _from_stack refused a stack without one
        return inventory.interval_partitions_ahead
    ahead = args.interval_partitions_ahead
    if ahead is not None and ahead < 0:
        raise UsageError(f"--interval-partitions-ahead: expected 0 or more, got {ahead}")
    return INTERVAL_PARTITIONS_AHEAD if ahead is None else ahead


def _inputs(args: argparse.Namespace) -> set[Path]:
    """The files this run reads, which --output must never replace."""
    if args.stack:
        from migration.config.stackfile import read_stack_file

        return stack_inputs(args.root, read_stack_file(args.root, args.stack).load())
    flags = [getattr(args, n, None) for n in ("columns", "tables", "keys", "lobs")]
    return project_inputs(Path.cwd(), [Path(f).resolve() for f in flags if f])


def main(argv: list[str]) -> int:
    """Exit 0 on success, 2 on bad arguments, a bad stack or bad inventory files (one `error:` line, no traceback)."""
    try:
        args = _parser().parse_args(argv)
    except UsageError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except SystemExit as exc:  # --help
        return exc.code if isinstance(exc.code, int) else 0
    try:
        inv, names, scale, tables, reverse_path = _from_stack(args) if args.stack else _from_flags(args)
        if args.command == "report" and args.format == "json":
            write_json_report(inv, sys.stdout, scale, names=names, tables=tables)
            return 0
        if args.command == "report":
            text = render_text(build_report(inv, scale, names=names, tables=tables))
        elif args.part:
            objects = _objects(args, inv)
            text = render_ddl_part(
                inv,
                objects,
                args.part,
                names=names,
                tables=tables,
                number_datatype_scale=scale,
                interval_partitions_ahead=_partitions_ahead(args),
                reverse_path=reverse_path,
            )
        else:
            text = render_ddl(inv, names=names, tables=tables, number_datatype_scale=scale, reverse_path=reverse_path)
        if getattr(args, "output", None):
            write_file(Path(args.output), text, flag="--output", inputs=_inputs(args))
        else:
            sys.stdout.write(text)
    except (InventoryError, ValueError) as exc:  # ConfigError and UsageError are ValueErrors too
        print("error: " + " ".join(str(exc).split()), file=sys.stderr)
        return 2
    except OSError as exc:
        print(f"error: {exc.filename or ''}: {exc.strerror or exc}", file=sys.stderr)
        return 2
    return 0
