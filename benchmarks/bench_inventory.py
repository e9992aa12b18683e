"""How long loading and reporting a big Oracle inventory takes, and how much memory it needs.

Generates 20,000 tables / 1,000,000 columns (and a 1/10 copy) into a temp dir, then measures each size in a fresh
subprocess so peak RSS belongs to that size alone. Each measurement scans the same files with a bare csv.reader
just before and just after the load (the floor, their mean: what reading the CSV costs before any checking or
object building) and reports the load as a multiple of it. Targets for the full size: load <= 3 s and <= 3x the
floor, <= 500 MB. Timings on a shared machine are noisy: --repeat N measures the full size N times and prints the
medians, with the load average.
Run: python benchmarks/bench_inventory.py [--tables N] [--repeat N]
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from migration.inventory.load import COLUMNS_HEADER  # noqa: E402

# (DATA_TYPE, DATA_LENGTH, DATA_PRECISION, DATA_SCALE, CHAR_USED, CHAR_LENGTH): a plausible mix of column types
_TYPES = [
    ("NUMBER", 22, 10, 0, "", 0),
    ("NUMBER", 22, 12, 2, "", 0),
    ("NUMBER", 22, "", "", "", 0),
    ("NUMBER", 22, 5, 0, "", 0),
    ("VARCHAR2", 400, "", "", "C", 100),
    ("VARCHAR2", 30, "", "", "B", 30),
    ("VARCHAR2", 4000, "", "", "B", 4000),
    ("CHAR", 1, "", "", "B", 1),
    ("DATE", 7, "", "", "", 0),
    ("TIMESTAMP(6)", 11, "", 6, "", 0),
    ("TIMESTAMP(6) WITH TIME ZONE", 13, "", 6, "", 0),
    ("NVARCHAR2", 200, "", "", "C", 100),
    ("RAW", 16, "", "", "", 0),
    ("BINARY_DOUBLE", 8, "", "", "", 0),
    ("FLOAT", 22, 126, "", "", 0),
    ("INTERVAL DAY(2) TO SECOND(6)", 11, 2, 6, "", 0),
]
_LOB_TYPES = [("CLOB", 4000, "", "", "", 0), ("BLOB", 4000, "", "", "", 0)]


def generate(directory: Path, n_tables: int, cols_per_table: int = 50) -> dict[str, Path]:
    paths = {name: directory / f"{name}.csv" for name in ("tables", "columns", "lobs", "keys")}
    with (
        open(paths["tables"], "w", newline="") as ft,
        open(paths["columns"], "w", newline="") as fc,
        open(paths["lobs"], "w", newline="") as fl,
        open(paths["keys"], "w", newline="") as fk,
    ):
        wt, wc, wl, wk = csv.writer(ft), csv.writer(fc), csv.writer(fl), csv.writer(fk)
        wt.writerow(["OWNER", "TABLE_NAME", "NUM_ROWS", "BYTES", "HAS_PRIMARY_KEY", "HAS_UNIQUE_KEY", "PARTITIONED"])
        wc.writerow([*COLUMNS_HEADER, "CHAR_LENGTH"])
        wl.writerow(["OWNER", "TABLE_NAME", "COLUMN_NAME", "MAX_BYTES"])
        wk.writerow(["OWNER", "TABLE_NAME", "CONSTRAINT_TYPE", "COLUMN_NAME", "POSITION", "CONSTRAINT_NAME"])
        for t in range(n_tables):
            owner, table = f"SCHEMA_{t % 20:02d}", f"TABLE_{t:06d}"
            has_pk = t % 10 != 0
            wt.writerow(
                [
                    owner,
                    table,
                    t * 137 % 10_000_000,
                    t * 8192 % 10**10,
                    "Y" if has_pk else "N",
                    "N",
                    "YES" if t % 50 == 0 else "NO",
                ]
            )
            for c in range(cols_per_table):
                spec = _LOB_TYPES[c % 2] if t % 7 == 0 and c >= cols_per_table - 2 else _TYPES[c % len(_TYPES)]
                name = "ID" if c == 0 else f"COL_{c:03d}"
                wc.writerow(
                    [owner, table, name, spec[0], spec[1], spec[2], spec[3], "N" if c == 0 else "Y", spec[4], spec[5]]
                )
                if spec[0] in ("CLOB", "BLOB") and t % 14 == 0:
                    wl.writerow([owner, table, name, (t * 7919) % (50 * 1024 * 1024)])
            if has_pk:
                wk.writerow([owner, table, "P", "ID", 1, f"{table}_PK"])
    return paths


def csv_floor(paths: dict[str, Path]) -> float:
    """Seconds a bare csv.reader takes over the same files, opened as the loader opens them."""
    start = time.perf_counter()
    for path in paths.values():
        with open(path, newline="", encoding="utf-8-sig") as handle:
            for _ in csv.reader(handle):
                pass
    return time.perf_counter() - start


def measure(directory: Path) -> dict[str, float | int | str]:
    """One size, in this (fresh) process."""
    from migration.cli.inventory import build_report
    from migration.inventory.load import load_inventory

    paths = {name: directory / f"{name}.csv" for name in ("tables", "columns", "lobs", "keys")}
    before = csv_floor(paths)  # also brings the files into the page cache for the load
    start = time.perf_counter()
    inv = load_inventory(paths["columns"], paths["tables"], paths["lobs"], paths["keys"])
    loaded = time.perf_counter()
    floor = (before + csv_floor(paths)) / 2  # scans on both sides of the load: a shared machine's load drifts
    report = build_report(inv)
    reported = time.perf_counter()
    # The stack's way: tables split into tasks of at most 200 (DMS: "a few hundred tables per task"), each task's
    # mapping with its LOB tables' lob-settings, validated.
    from migration.dms.mappings import TableSettings, build_forward_mappings
    from migration.inventory.lobs import choose_lob_mode

    tables = list(inv.tables.values())
    schemas = inv.schemas()
    documents = 0
    for first in range(0, len(tables), 200):
        chunk = tables[first : first + 200]
        settings = []
        for t in chunk:
            lob = choose_lob_mode(t)
            if lob is not None:
                settings.append(
                    TableSettings(t.owner, t.name, lob={"mode": lob.mode, "bulk-max-size": str(lob.bulk_max_size_kb)})
                )
        build_forward_mappings(schemas, explicit_tables=[(t.owner, t.name) for t in chunk], table_settings=settings)
        documents += 1
    mappings = f"{time.perf_counter() - reported:.2f} s ({documents} task mappings of <= 200 tables)"
    total = time.perf_counter() - start
    return {
        "tables": len(inv.tables),
        "columns": len(report["columns"]),
        "floor_s": round(floor, 3),
        "load_s": round(loaded - start, 3),
        "load_vs_floor": round((loaded - start) / floor, 2),
        "report_s": round(reported - loaded, 3),
        "mappings": mappings,
        "total_s": round(total, 3),
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
    }


def _run(directory: Path) -> dict[str, float | int | str]:
    out = subprocess.run(
        [sys.executable, __file__, "--measure", str(directory)], check=True, capture_output=True, text=True
    ).stdout
    result: dict[str, float | int | str] = json.loads(out)
    print(
        f"{result['tables']:>6} tables {result['columns']:>8} columns: load {result['load_s']:.2f} s "
        f"= {result['load_vs_floor']:.2f}x the csv.reader floor {result['floor_s']:.2f} s, "
        f"report {result['report_s']:.2f} s, mappings {result['mappings']}, total {result['total_s']:.2f} s, "
        f"peak RSS {result['peak_rss_mb']:.0f} MB (load average {os.getloadavg()[0]:.1f})"
    )
    return result


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--tables", type=int, default=20_000)
    parser.add_argument("--repeat", type=int, default=1, help="measure the full size this many times (medians)")
    parser.add_argument("--measure", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        print(json.dumps(measure(Path(args.measure))))
        return
    with tempfile.TemporaryDirectory(prefix="bench-inventory-") as tmp:
        directories = []
        for n in (args.tables // 10, args.tables):
            directories.append(Path(tmp) / str(n))
            directories[-1].mkdir()
            generate(directories[-1], n)
        small = _run(directories[0])
        runs = [_run(directories[1]) for _ in range(max(1, args.repeat))]
    big = {k: statistics.median(float(r[k]) for r in runs) for k in ("floor_s", "load_s", "load_vs_floor", "total_s")}
    big["peak_rss_mb"] = max(float(r["peak_rss_mb"]) for r in runs)
    print(
        f"full size, median of {len(runs)}: load {big['load_s']:.2f} s = {big['load_vs_floor']:.2f}x the floor "
        f"({big['floor_s']:.2f} s), total {big['total_s']:.2f} s, peak RSS {big['peak_rss_mb']:.0f} MB "
        "(targets: load <= 3 s and <= 3x the floor, <= 500 MB)"
    )
    print(
        f"ratio full/tenth: time {big['total_s'] / float(small['total_s']):.1f}x, "
        f"memory {big['peak_rss_mb'] / float(small['peak_rss_mb']):.1f}x"
    )


if __name__ == "__main__":
    main()
