"""How much memory and time `inventory report --format json` needs on a million tables (issue 23: 58 s, 6 GB).

Generates N tables of one column each (benchmarks/bench_inventory.py's mix of types, LOBs and keys) into a temp dir,
then runs the command in a fresh subprocess, its output to a file, and prints its time, peak RSS and output size.
--whole also measures the report held whole and dumped at once (what the command did before streaming), for
comparison. Target: peak RSS under 1 GB at a million tables.
Run: python benchmarks/bench_report_json.py [--tables N] [--whole]
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_inventory import generate  # noqa: E402

# The report held whole and dumped at once: the command's way before it streamed.
_WHOLE = """
import json, sys
from migration.cli.inventory import build_report
from migration.inventory.load import load_inventory
columns, tables, lobs, keys, out = sys.argv[1:]
with open(out, "w") as handle:
    handle.write(json.dumps(build_report(load_inventory(columns, tables, lobs, keys)), indent=2) + "\\n")
"""


def _measure(label: str, argv: list[str], out: Path, written: Path | None = None) -> None:
    """Run one child (and only it) in a fresh process that reports the child's own peak RSS."""
    wrapper = (
        "import resource, subprocess, sys; "
        f"subprocess.run(sys.argv[1:], check=True, stdout=open({str(out)!r}, 'w')); "
        "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)"
    )
    start = time.perf_counter()
    rss_kb = int(
        subprocess.run(
            [sys.executable, "-c", wrapper, *argv], check=True, capture_output=True, text=True, cwd=ROOT
        ).stdout
    )
    seconds = time.perf_counter() - start
    print(
        f"{label}: {seconds:.1f} s, peak RSS {rss_kb / 1024:.0f} MB, output {(written or out).stat().st_size / 1e6:.0f} MB "
        f"(load average {os.getloadavg()[0]:.1f})"
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--tables", type=int, default=1_000_000)
    parser.add_argument("--whole", action="store_true", help="also measure the report held whole (needs ~6 GB)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-report-json-") as tmp:
        d = Path(tmp)
        paths = generate(d, args.tables, cols_per_table=1)
        files = [str(paths[n]) for n in ("columns", "tables", "lobs", "keys")]
        print(f"{args.tables} tables, one column each")
        flags = [f"--{n}" for n in ("columns", "tables", "lobs", "keys")]
        command = [sys.executable, "-m", "migration", "inventory", "report", "--format", "json"]
        _measure(
            "streamed", [*command, *(a for pair in zip(flags, files, strict=True) for a in pair)], d / "streamed.json"
        )
        if args.whole:
            _measure(
                "whole",
                [sys.executable, "-c", _WHOLE, *files, str(d / "whole.json")],
                d / "whole-out",
                d / "whole.json",
            )
            same = (d / "streamed.json").read_bytes() == (d / "whole.json").read_bytes()
            print(f"streamed output identical to the whole dump: {same}")


if __name__ == "__main__":
    main()
