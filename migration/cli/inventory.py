"""`python -m migration inventory report|ddl`: what the Oracle estate means for DMS, before anything is deployed."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from migration.cli.argparsing import OneLineParser, UsageError
from migration.inventory.ddl import render_ddl
from migration.inventory.load import gc_paused, load_inventory
from migration.inventory.lobs import choose_lob_mode
from migration.inventory.model import Inventory, InventoryError, Table
from migration.inventory.typemap import (
    TypeMapping,
    identifier_too_long,
    is_reserved_postgres_word,
    oracle_to_postgres,
    oracle_type_text,
)


def _identifier_problems(kind: str, name: str) -> list[str]:
    problems = []
    if identifier_too_long(name.lower()):
        problems.append(f"{kind} {name} is longer than 63 bytes: PostgreSQL truncates it")
    if is_reserved_postgres_word(name):
        problems.append(f"{kind} {name} is a PostgreSQL reserved word: it must be quoted")
    return problems


def build_report(inv: Inventory, number_datatype_scale: int = 10) -> dict[str, Any]:
    """The report as plain data (JSON-ready): one row per column, one per table with the LOB choice and problems.

    Mappings and name checks are cached per distinct type / name: estates repeat both a lot."""
    with gc_paused():
        return _build_report(inv, number_datatype_scale)


def _build_report(inv: Inventory, number_datatype_scale: int) -> dict[str, Any]:
    """The per-column loop stays inline: it runs once per column (a million in a big estate), so it avoids a call
    per column; the per-table steps before and after it are their own functions."""
    columns: list[dict[str, Any]] = []
    tables: list[dict[str, Any]] = []
    types: dict[tuple[Any, ...], tuple[TypeMapping, str]] = {}
    names: dict[str, list[str]] = {}
    for table in inv.tables.values():
        problems = _table_problems(table)
        geometry = lob = False
        for col in table.columns:
            sig = (col.data_type, col.data_length, col.data_precision, col.data_scale, col.char_used, col.char_length)
            hit = types.get(sig)
            if hit is None:
                hit = types[sig] = (oracle_to_postgres(col, number_datatype_scale), oracle_type_text(col))
            m = hit[0]
            columns.append(
                {
                    "owner": col.owner,
                    "table": col.table,
                    "column": col.name,
                    "oracle_type": hit[1],
                    "postgres_type": m.postgres_type,
                    "supported": m.supported,
                    "note": m.note,
                }
            )
            if not m.supported:
                problems.append(f"column {col.name} ({col.data_type}) is not migrated")
            if m.is_lob:
                lob = True
                geometry = geometry or m.full_lob_only
            name_problems = names.get(col.name)
            if name_problems is None:
                name_problems = names[col.name] = _identifier_problems("column", col.name)
            problems.extend(name_problems)
        tables.append(_table_row(table, problems, lob=lob, geometry=geometry))
    return {"columns": columns, "tables": tables}


def _table_problems(table: Table) -> list[str]:
    """Problems of the table itself, listed before its columns' problems: no key, and its name."""
    problems: list[str] = []
    if not table.has_key:
        problems.append(
            "no primary or unique key: CDC cannot apply updates/deletes by key, validation and batch apply need one"
        )
    problems.extend(_identifier_problems("table", table.name))
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


def render_text(report: dict[str, Any]) -> str:
    """Per table its column types, then the lists a reviewer acts on."""
    out: list[str] = []
    by_table: dict[tuple[str, str], list[dict[str, Any]]] = {}
    for c in report["columns"]:
        by_table.setdefault((c["owner"], c["table"]), []).append(c)
    for t in report["tables"]:
        key = "key" if t["has_key"] else "NO KEY"
        part = ", partitioned" if t["partitioned"] else ""
        out.append(f"{t['owner']}.{t['table']}  ({t['rows']} rows, {t['bytes']} bytes, {key}{part})")
        cols = by_table.get((t["owner"], t["table"]), [])
        width = max((len(c["column"]) for c in cols), default=0)
        type_width = max((len(c["oracle_type"]) for c in cols), default=0)
        for c in cols:
            target = c["postgres_type"] if c["supported"] else "NOT MIGRATED"
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
                if "63 bytes" in p or "reserved word" in p
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
        ("report", "types, LOB modes and problems per table"),
        ("ddl", "PostgreSQL CREATE SCHEMA/TABLE statements"),
    ):
        p = sub.add_parser(name, help=help_text)
        p.add_argument("--columns", required=True, help="columns.csv (ALL_TAB_COLUMNS export)")
        p.add_argument("--tables", required=True, help="tables.csv")
        p.add_argument("--keys", help="keys.csv (primary/unique key columns)")
        p.add_argument(
            "--number-datatype-scale",
            type=_scale,
            default=10,
            help="the Oracle endpoint's NumberDatatypeScale (default 10)",
        )
        if name == "report":
            p.add_argument("--lobs", help="lobs.csv (measured LOB sizes)")
            p.add_argument("--format", choices=("text", "json"), default="text")
        else:
            p.add_argument(
                "--schema-map",
                type=_schema_pair,
                action="append",
                default=[],
                metavar="ORACLE=pg",
                help="rename a schema, e.g. APP=app_new (repeatable)",
            )
            p.add_argument("--output", help="write the DDL to this file instead of stdout")
    return parser


def main(argv: list[str]) -> int:
    """Exit 0 on success, 2 on bad arguments or bad inventory files (one `error:` line, no traceback)."""
    try:
        args = _parser().parse_args(argv)
    except UsageError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except SystemExit as exc:  # --help
        return exc.code if isinstance(exc.code, int) else 0
    try:
        inv = load_inventory(args.columns, args.tables, getattr(args, "lobs", None), args.keys)
        if args.command == "report":
            report = build_report(inv, args.number_datatype_scale)
            text = json.dumps(report, indent=2) + "\n" if args.format == "json" else render_text(report)
        else:
            text = render_ddl(inv, schema_map=dict(args.schema_map), number_datatype_scale=args.number_datatype_scale)
        if getattr(args, "output", None):
            with open(args.output, "w", encoding="utf-8") as handle:
                handle.write(text)
        else:
            sys.stdout.write(text)
    except (InventoryError, ValueError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except OSError as exc:
        print(f"error: {exc.filename or ''}: {exc.strerror or exc}", file=sys.stderr)
        return 2
    return 0
