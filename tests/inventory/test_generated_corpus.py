"""A generated bad-input corpus for the inventory CSVs (issue 23), the CSV sibling of tests/corpus/inventory/: every
field of every file given values no export can hold, and whole-file damage (encodings, BOMs, truncation, a
directory), each laid over the good inventory of tests/data/inventory with fixed seeds.

Each case must end in exit code 2 and exactly one `error:` line naming the broken file (and, for a broken field,
its line), no traceback, no Python exception name, no output written, and within a bound (SIGALRM, not a timing
assertion: a hang fails the test instead of stalling the suite).
"""

from __future__ import annotations

import csv
import io
import random
import re
import signal
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from migration.cli.inventory import main

GOOD = Path(__file__).resolve().parents[1] / "data" / "inventory"
FILES = ("columns.csv", "tables.csv", "lobs.csv", "keys.csv")
BOUND_SECONDS = 30

# Values no numeric field can hold (every numeric field is parsed on every row, whatever the column's type).
NOT_NUMBERS = ["abc", "1.5", "1e3", "1_000", "0x10", "\u0663", "nan", "--1", "+-1", "1 2", "9" * 20, "1" + "0" * 400]
NOT_NUMBERS += ["9" * 5000]
NOT_YES_NO = ["maybe", "1", "T", "", "YESS"]
NOT_NAMES = ["A\0B", ""]
FIELDS: dict[str, dict[str, list[str]]] = {
    "tables.csv": {
        "OWNER": NOT_NAMES,
        "TABLE_NAME": NOT_NAMES,
        "NUM_ROWS": NOT_NUMBERS + ["-1"],
        "BYTES": NOT_NUMBERS + ["-1"],
        "HAS_PRIMARY_KEY": NOT_YES_NO,
        "HAS_UNIQUE_KEY": NOT_YES_NO,
        "PARTITIONED": NOT_YES_NO,
    },
    "columns.csv": {
        "OWNER": NOT_NAMES,
        "TABLE_NAME": NOT_NAMES,
        "COLUMN_NAME": NOT_NAMES,
        "DATA_TYPE": [""],
        "DATA_LENGTH": NOT_NUMBERS + ["-1"],
        "DATA_PRECISION": NOT_NUMBERS + ["-1"],
        "DATA_SCALE": NOT_NUMBERS,
        "NULLABLE": NOT_YES_NO,
        "CHAR_USED": ["X", "BYTE"],
        "CHAR_LENGTH": NOT_NUMBERS + ["-1"],
    },
    "lobs.csv": {"OWNER": NOT_NAMES, "TABLE_NAME": NOT_NAMES, "COLUMN_NAME": NOT_NAMES, "MAX_BYTES": NOT_NUMBERS},
    "keys.csv": {
        "OWNER": NOT_NAMES,
        "TABLE_NAME": NOT_NAMES,
        "CONSTRAINT_TYPE": ["X", "R", ""],
        "COLUMN_NAME": NOT_NAMES,
        "POSITION": NOT_NUMBERS + ["0", "-1"],
    },
}


@dataclass(frozen=True)
class Case:
    id: str
    broken: str  # the file laid over the good inventory
    write: Callable[[Path], None]  # writes the broken file at the given path
    line: int | None  # the line the error must name, when the break is on one line
    expect: str = ""  # what the error must say besides the file (the true cause, when a hint could mislead)


def _rows(name: str) -> list[list[str]]:
    with open(GOOD / name, newline="", encoding="utf-8") as handle:
        return list(csv.reader(handle))


def _csv_bytes(rows: list[list[str]]) -> bytes:
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    return out.getvalue().encode("utf-8")


def _writer(data: bytes) -> Callable[[Path], None]:
    return lambda path: path.write_bytes(data)


def _field_cases() -> Iterator[Case]:
    for name, fields in FIELDS.items():
        rows = _rows(name)
        for field, values in fields.items():
            column = rows[0].index(field)
            for i, value in enumerate(values):
                line = random.Random(f"{name}:{field}:{i}").randrange(2, len(rows) + 1)  # a data line, 1-based
                broken = [list(r) for r in rows]
                broken[line - 1][column] = value
                yield Case(f"{name[:-4]}-{field.lower()}-{i}", name, _writer(_csv_bytes(broken)), line)


def _latin1(rows: list[list[str]], seed: str) -> tuple[bytes, int]:
    line = random.Random(seed).randrange(2, len(rows) + 1)
    lines = _csv_bytes(rows).split(b"\n")
    lines[line - 1] = lines[line - 1].replace(b",", b",\xe9", 1)
    return b"\n".join(lines), line


def _whole_file_cases() -> Iterator[Case]:
    for name in FILES:
        rows, short = _rows(name), name[:-4]
        good = _csv_bytes(rows)
        latin1, line = _latin1(rows, name)
        yield Case(f"{short}-latin1", name, _writer(latin1), line)
        yield Case(f"{short}-utf16", name, _writer(good.decode().encode("utf-16")), 1, "iconv -f UTF-16")
        yield Case(f"{short}-utf16-no-bom", name, _writer(good.decode().encode("utf-16-le")), 1, "is UTF-16")
        semicolons = good.replace(b",", b";")
        yield Case(f"{short}-semicolons", name, _writer(semicolons), 1, "separated by ';', not commas")
        unquoted = good.replace(b'"', b"").replace(b",", b";")
        yield Case(f"{short}-semicolons-unquoted", name, _writer(unquoted), 1, "separated by ';', not commas")
        yield Case(f"{short}-tabs", name, _writer(good.replace(b",", b"\t")), 1, "separated by tabs")
        yield Case(f"{short}-two-boms", name, _writer("\ufeff\ufeff".encode() + good), 1)
        yield Case(f"{short}-empty", name, _writer(b""), 1)
        yield Case(f"{short}-blank-lines-only", name, _writer(b"\n\n\n"), None)
        yield Case(f"{short}-directory", name, lambda path: path.mkdir(), None)
        yield Case(f"{short}-header-missing-a-column", name, _writer(_csv_bytes([rows[0][1:], *rows[1:]])), 1)
        yield Case(f"{short}-no-header", name, _writer(_csv_bytes(rows[1:])), None)
        open_quote = _csv_bytes(rows[:-1]) + ",".join([*rows[-1][:-1], '"' + rows[-1][-1]]).encode()
        yield Case(f"{short}-open-quote-at-end", name, _writer(open_quote), None)
        yield Case(
            f"{short}-text-after-a-quote",
            name,
            _writer(good.replace(b",", b',"a"b,', 1)),
            None,
        )
        short_line = random.Random(f"short:{name}").randrange(2, len(rows) + 1)
        cut = [list(r) for r in rows]
        cut[short_line - 1] = cut[short_line - 1][:2]
        yield Case(f"{short}-short-row", name, _writer(_csv_bytes(cut)), short_line)
        duplicated = [*rows, rows[random.Random(f"dup:{name}").randrange(1, len(rows))]]
        yield Case(f"{short}-duplicate-row", name, _writer(_csv_bytes(duplicated)), len(duplicated))
        garbage = random.Random(f"garbage:{name}").randbytes(300)
        yield Case(f"{short}-random-bytes", name, _writer(garbage), None)
    for name in ("columns.csv", "tables.csv", "keys.csv"):  # lobs.csv with no rows is valid: nothing measured
        yield Case(f"{name[:-4]}-header-only", name, _writer(_csv_bytes(_rows(name)[:1])), None)


CASES = [*_field_cases(), *_whole_file_cases()]


class Hang(Exception):
    pass


def _alarm(signum: int, frame: object) -> None:
    raise Hang(f"no answer within {BOUND_SECONDS} s")


def test_the_generated_corpus_is_big_and_its_ids_unique() -> None:
    assert len(CASES) >= 120
    assert len({c.id for c in CASES}) == len(CASES)


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_generated_bad_input_is_one_error_line(case: Case, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    inv = tmp_path / "inv"
    inv.mkdir()
    for name in FILES:
        if name == case.broken:
            case.write(inv / name)
        else:
            (inv / name).write_bytes((GOOD / name).read_bytes())
    files = [a for name in FILES if name != "lobs.csv" for a in (f"--{name[:-4]}", str(inv / name))]
    output = tmp_path / "out.sql"
    if case.broken == "lobs.csv":  # only the report reads lobs.csv; it writes to stdout
        argv = ["report", *files, "--lobs", str(inv / "lobs.csv")]
    else:
        argv = ["ddl", *files, "--output", str(output)]
    previous = signal.signal(signal.SIGALRM, _alarm)
    signal.alarm(BOUND_SECONDS)
    try:
        code = main(argv)
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)
    out, err = capsys.readouterr()
    assert "Traceback" not in err and not re.search(r"[A-Z][a-z]+(Error|Exception)\b", err), err
    assert (code, out) == (2, ""), err
    assert err.startswith("error: ") and err.count("\n") == 1 and err.endswith("\n"), err
    where = f"{case.broken} line {case.line}:" if case.line else case.broken
    assert where in err and case.expect in err, err
    assert not output.exists()
