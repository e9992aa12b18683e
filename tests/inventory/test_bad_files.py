"""Issue 23: inputs that used to give a misleading line, a traceback or silently wrong DDL: each now loads (a pipe) or
stops with one line naming the file, line, field and value; DDL for the extremes Oracle allows applies to a real
PostgreSQL 15."""

import io
import json
import os
import threading
from pathlib import Path

import pytest

from migration.cli.inventory import build_report, main, write_json_report
from migration.inventory.ddl import render_ddl
from migration.inventory.load import MAX_NUMBER, load_inventory
from migration.inventory.model import InventoryError
from migration.inventory.typemap import (
    ORACLE_MAX_BYTES,
    ORACLE_NUMBER_PRECISION,
    ORACLE_NUMBER_SCALE,
    PG_MAX_CHAR_LENGTH,
    PG_NUMERIC_MAX_PRECISION,
    PG_NUMERIC_SCALE,
)

COLUMNS = "OWNER,TABLE_NAME,COLUMN_NAME,DATA_TYPE,DATA_LENGTH,DATA_PRECISION,DATA_SCALE,NULLABLE,CHAR_USED,CHAR_LENGTH"
TABLES = "OWNER,TABLE_NAME,NUM_ROWS,BYTES,HAS_PRIMARY_KEY"
LOBS = "OWNER,TABLE_NAME,COLUMN_NAME,MAX_BYTES"
KEYS = "OWNER,TABLE_NAME,CONSTRAINT_TYPE,COLUMN_NAME,POSITION"


def write(path: Path, lines: list[str]) -> Path:
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def many_tables(n: int) -> list[str]:
    return [TABLES, *(f"APP,T{i},10,8192,N" for i in range(n))]


def columns_of(n: int, *extra: str) -> list[str]:
    return [COLUMNS, *(f"APP,T{i},ID,NUMBER,22,10,0,N,,0" for i in range(n)), *extra]


def error_of(tmp_path: Path, columns: list[str], tables: list[str], lobs: list[str] | None = None) -> str:
    with pytest.raises(InventoryError) as exc:
        load_inventory(
            write(tmp_path / "columns.csv", columns),
            write(tmp_path / "tables.csv", tables),
            write(tmp_path / "lobs.csv", lobs) if lobs else None,
        )
    return str(exc.value)


# ------------------------------------------------------------------------------------------------ reading the file


@pytest.mark.parametrize("line", [3, 5065])
def test_a_latin1_byte_is_reported_at_its_real_line(tmp_path: Path, line: int) -> None:
    """The text decoder reads ahead in blocks: the reader's line was up to ~50 lines short (5019 for 5065)."""
    tables = many_tables(6000)
    tables[line - 1] = tables[line - 1].replace(",10,", ",1\xe9,")
    path = tmp_path / "tables.csv"
    path.write_bytes(("\n".join(tables) + "\n").encode("latin-1"))
    with pytest.raises(InventoryError) as exc:
        load_inventory(write(tmp_path / "columns.csv", columns_of(6000)), path)
    assert str(exc.value) == (
        f"tables.csv line {line}: byte 0xe9 is not UTF-8: export the file as UTF-8 (or convert it, e.g. iconv -f "
        "LATIN1 -t UTF-8)"
    )


def test_two_byte_order_marks_are_named(tmp_path: Path) -> None:
    path = tmp_path / "tables.csv"
    path.write_bytes(("\ufeff\ufeff" + "\n".join(many_tables(1)) + "\n").encode("utf-8"))
    with pytest.raises(InventoryError, match=r"^tables.csv line 1: header: starts with a second byte-order mark"):
        load_inventory(write(tmp_path / "columns.csv", columns_of(1)), path)


def test_one_byte_order_mark_is_fine(tmp_path: Path) -> None:
    path = tmp_path / "tables.csv"
    path.write_bytes(("\ufeff" + "\n".join(many_tables(1)) + "\n").encode("utf-8"))
    assert list(load_inventory(write(tmp_path / "columns.csv", columns_of(1)), path).tables) == [("APP", "T0")]


def test_a_directory_is_named_as_one(tmp_path: Path) -> None:
    (tmp_path / "tables.csv").mkdir()
    with pytest.raises(InventoryError, match=r"^tables.csv: is a directory, expected a CSV file: "):
        load_inventory(write(tmp_path / "columns.csv", columns_of(1)), tmp_path / "tables.csv")


def test_a_named_pipe_is_read(tmp_path: Path) -> None:
    """bash's <(unzip -p export.zip tables.csv) hands over a pipe: it is a valid input."""
    pipe = tmp_path / "tables-pipe"
    os.mkfifo(pipe)
    writer = threading.Thread(target=write, args=(pipe, many_tables(2)))
    writer.start()
    try:
        inv = load_inventory(write(tmp_path / "columns.csv", columns_of(2)), pipe)
    finally:
        writer.join()
    assert list(inv.tables) == [("APP", "T0"), ("APP", "T1")]


def test_header_only_files_are_refused(tmp_path: Path) -> None:
    """A misspelt schema in the export's WHERE clause gives header-only files: not an empty report and DDL."""
    assert error_of(tmp_path, [COLUMNS], [TABLES], [LOBS]) == (
        "tables.csv: no tables, only the header: was a schema misspelt in the export's WHERE clause?"
    )


# ------------------------------------------------------------------------------------------------ absurd values


def test_max_bytes_beyond_a_64_bit_number_is_refused(tmp_path: Path) -> None:
    """10**400 in lobs.csv was an OverflowError traceback from the LOB choice."""
    columns = columns_of(1, "APP,T0,BODY,CLOB,4000,,,Y,,0")
    message = error_of(tmp_path, columns, many_tables(1), [LOBS, f"APP,T0,BODY,{10**400}"])
    assert message == (
        f"lobs.csv line 2: MAX_BYTES: expected a whole number up to {MAX_NUMBER}, got '{'1' + '0' * 39}'... "
        "(401 characters)"
    )


@pytest.mark.parametrize(
    ("field", "value", "expect"),
    [
        ("NUM_ROWS", str(MAX_NUMBER + 1), f"expected a whole number up to {MAX_NUMBER}, got '{MAX_NUMBER + 1}'"),
        ("NUM_ROWS", "1_000", "expected a whole number, got '1_000'"),
        ("BYTES", "\u0661\u0662", "expected a whole number, got '\u0661\u0662'"),
        ("BYTES", "9" * 5000, "expected a whole number up to"),
    ],
)
def test_numbers_beyond_64_bits_or_not_ascii_digits_are_refused(
    tmp_path: Path, field: str, value: str, expect: str
) -> None:
    row = {"NUM_ROWS": f"APP,T0,{value},8192,N", "BYTES": f"APP,T0,10,{value},N"}[field]
    message = error_of(tmp_path, columns_of(1), [TABLES, row])
    assert message.startswith(f"tables.csv line 2: {field}: {expect}"), message
    assert len(message) < 200


def test_largest_number_is_accepted(tmp_path: Path) -> None:
    write(tmp_path / "tables.csv", [TABLES, f"APP,T0,{MAX_NUMBER},{MAX_NUMBER},N"])
    inv = load_inventory(write(tmp_path / "columns.csv", columns_of(1)), tmp_path / "tables.csv")
    assert inv.tables[("APP", "T0")].num_rows == MAX_NUMBER


# ------------------------------------------------------------------------------------------------ DDL PG rejects

# (type fields after the name, the field to blame): each once wrote DDL PostgreSQL 15 rejects, with exit 0.
BAD_TYPES = [
    ("NUMBER,22,5000,0", "DATA_PRECISION: NUMBER precision must be 1..38 in Oracle, got 5000"),  # numeric(5000,0)
    ("NUMBER,22,7,-2000", "DATA_SCALE: NUMBER scale must be -84..127 in Oracle, got -2000"),  # numeric(2007,0)
    ("NUMBER,22,12,2000", "DATA_SCALE: NUMBER scale must be -84..127 in Oracle, got 2000"),  # numeric(12,2000)
    ("VARCHAR2,0,,", "DATA_LENGTH: VARCHAR2 length in bytes must be 1..32767 in Oracle, got 0"),  # varchar(0)
    ("CHAR,20000000,,", "DATA_LENGTH: CHAR length in bytes must be 1..2000 in Oracle, got 20000000"),
    ("FLOAT,22,127,", "DATA_PRECISION: FLOAT precision must be 1..126 in Oracle, got 127"),
    ("TIMESTAMP,11,,10", "DATA_SCALE: TIMESTAMP fractional seconds precision must be 0..9 in Oracle, got 10"),
    ("RAW,0,,", "DATA_LENGTH: RAW length must be 1..32767 in Oracle, got 0"),
]


@pytest.mark.parametrize(("fields", "expect"), BAD_TYPES, ids=[b[0] for b in BAD_TYPES])
def test_types_no_oracle_column_can_have_are_refused_by_inventory_ddl(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], fields: str, expect: str
) -> None:
    """Refused rather than mapped to a guess: outside Oracle's own bounds the export is corrupt, and a DBA wants it
    fixed, not DDL that differs from the source."""
    columns = write(tmp_path / "columns.csv", columns_of(1, f"APP,T0,X,{fields},Y,,"))
    tables = write(tmp_path / "tables.csv", many_tables(1))
    out = tmp_path / "out.sql"
    code = main(["ddl", "--columns", str(columns), "--tables", str(tables), "--output", str(out)])
    assert (code, capsys.readouterr().err) == (2, f"error: columns.csv line 3: {expect}\n")
    assert not out.exists()


def test_char_length_beyond_data_length_is_refused(tmp_path: Path) -> None:
    columns = columns_of(1, "APP,T0,X,VARCHAR2,400,,,Y,C,20000000")
    assert error_of(tmp_path, columns, many_tables(1)) == (
        "columns.csv line 3: CHAR_LENGTH: VARCHAR2 length in characters must be at most DATA_LENGTH 400, got 20000000"
    )


def test_a_nul_byte_in_a_name_is_refused(tmp_path: Path) -> None:
    assert error_of(tmp_path, columns_of(1, "APP,T0,A\0B,DATE,7,,,Y,,"), many_tables(1)) == (
        "columns.csv line 3: COLUMN_NAME: a name cannot hold a NUL byte, got 'A\\x00B'"
    )
    assert error_of(tmp_path, columns_of(1), [TABLES, "APP,T\0,10,8192,N"]).startswith(
        "tables.csv line 2: TABLE_NAME: a name cannot hold a NUL byte"
    )


def test_oracle_bounds_map_inside_postgresql_bounds() -> None:
    """The two sets of limits held together: the widest Oracle NUMBER fits numeric, the longest CHAR fits char."""
    assert ORACLE_NUMBER_PRECISION[1] - ORACLE_NUMBER_SCALE[0] <= PG_NUMERIC_MAX_PRECISION
    assert PG_NUMERIC_SCALE[0] <= ORACLE_NUMBER_SCALE[0] and ORACLE_NUMBER_SCALE[1] <= PG_NUMERIC_SCALE[1]
    assert max(ORACLE_MAX_BYTES.values()) <= PG_MAX_CHAR_LENGTH


EXTREMES = [
    "APP,T0,N1,NUMBER,22,38,-84,Y,,",
    "APP,T0,N2,NUMBER,22,1,127,Y,,",
    "APP,T0,N3,NUMBER,22,38,127,Y,,",
    "APP,T0,C1,CHAR,2000,,,Y,B,2000",
    "APP,T0,C2,NCHAR,2000,,,Y,C,1000",
    "APP,T0,V1,VARCHAR2,4000,,,Y,C,4000",
    "APP,T0,V2,VARCHAR2,32767,,,Y,B,32767",
    "APP,T0,V3,VARCHAR2,1,,,Y,B,1",
    "APP,T0,R1,RAW,32767,,,Y,,",
    "APP,T0,F1,FLOAT,22,1,,Y,,",
    "APP,T0,F2,FLOAT,22,126,,Y,,",
    "APP,T0,T1,TIMESTAMP,11,,9,Y,,",
    "APP,T0,T2,TIMESTAMP (6) WITH TIME ZONE,13,,6,Y,,",
    "APP,T0,T3,timestamp ( 9 ) with local time zone,11,,9,Y,,",
    "APP,T0,I1,INTERVAL DAY (9) TO SECOND (9),11,9,9,Y,,",
]


def test_ddl_for_the_extremes_oracle_allows_applies_to_postgresql(tmp_path: Path, pg_server) -> None:
    inv = load_inventory(write(tmp_path / "c.csv", columns_of(1, *EXTREMES)), write(tmp_path / "t.csv", many_tables(1)))
    ddl = render_ddl(inv)
    assert "left out" not in ddl  # TIMESTAMP (6) WITH TIME ZONE once dropped the column with only a comment
    db = pg_server.database("test_bad_files_extremes", ddl)
    with pg_server.connect(db) as conn:
        types = dict(
            conn.execute(
                "SELECT column_name, format_type(atttypid, atttypmod) FROM pg_attribute a JOIN"
                " information_schema.columns c ON c.column_name = a.attname AND a.attrelid = 'app.t0'::regclass"
                " WHERE c.table_schema = 'app'"
            ).fetchall()
        )
    assert types["n1"] == "numeric(122,0)" and types["n3"] == "numeric(38,127)"
    assert types["c1"] == "character(2000)" and types["v2"] == "text"
    assert types["t2"] == "timestamp(6) with time zone" and types["t3"] == "timestamp(6) with time zone"
    assert len(types) == 1 + len(EXTREMES)


# ------------------------------------------------------------------------------------------------ streamed JSON

SAMPLE_DIR = Path(__file__).resolve().parents[1] / "data" / "inventory"


@pytest.mark.parametrize("selection", [None, [], [("HR", "EMPLOYEES")]], ids=["all", "none", "one"])
def test_streamed_json_report_is_the_whole_report_dumped(selection: list[tuple[str, str]] | None) -> None:
    """The stream writes row by row what json.dumps(report, indent=2) wrote from the report held whole."""
    inv = load_inventory(*(SAMPLE_DIR / n for n in ("columns.csv", "tables.csv", "lobs.csv", "keys.csv")))
    out = io.StringIO()
    write_json_report(inv, out, 0, tables=selection)
    assert out.getvalue() == json.dumps(build_report(inv, 0, tables=selection), indent=2) + "\n"
    assert json.loads(out.getvalue())["columns"] or selection == []


def test_the_type_map_keeps_no_module_level_cache() -> None:
    """The project's rule: memos live for one run (TypeMapper), so nothing is shared between runs or stacks."""
    from migration.inventory import typemap

    cached = [name for name, value in vars(typemap).items() if hasattr(value, "cache_info")]
    assert cached == []
    mapper = typemap.TypeMapper(0)
    inv = load_inventory(*(SAMPLE_DIR / n for n in ("columns.csv", "tables.csv")))
    columns = [c for t in inv.tables.values() for c in t.columns]
    assert [mapper.map(c) for c in columns] == [typemap.oracle_to_postgres(c, 0) for c in columns]


def test_streamed_json_escapes_as_json_dumps_does(tmp_path: Path) -> None:
    odd = ['APP,T0,"Naïve ""q"" \\ tab\t€",VARCHAR2,40,,,Y,C,10', "APP,T0,ORDER,DATE,7,,,Y,,"]
    inv = load_inventory(write(tmp_path / "c.csv", columns_of(1, *odd)), write(tmp_path / "t.csv", many_tables(1)))
    out = io.StringIO()
    write_json_report(inv, out)
    assert out.getvalue() == json.dumps(build_report(inv), indent=2) + "\n"
    assert "\\u20ac" in out.getvalue() and "true" in out.getvalue() and "null" in out.getvalue()
