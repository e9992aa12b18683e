"""The Oracle inventory a DBA exports as CSV (migration/sql/oracle_inventory.sql), loaded for planning.

Streaming and frugal because real estates reach a million columns: csv rows are turned straight into compact
objects (a Column is a named tuple), repeated strings and numbers are shared, and the cyclic GC is paused while the
(acyclic) objects pile up.
Every bad value stops the load with the file, line and field, because a silently skipped row means a silently
wrong DDL or task plan.
"""

from __future__ import annotations

import csv
import gc
import sys
from array import array
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from operator import itemgetter
from pathlib import Path

from migration.inventory.model import Column, Inventory, InventoryError, Table
from migration.inventory.typemap import OracleTypeError, oracle_to_postgres

# ------------------------------------------------------------------------------------------------ CSV reading

COLUMNS_HEADER = (
    "OWNER",
    "TABLE_NAME",
    "COLUMN_NAME",
    "DATA_TYPE",
    "DATA_LENGTH",
    "DATA_PRECISION",
    "DATA_SCALE",
    "NULLABLE",
    "CHAR_USED",
)
TABLES_HEADER = ("OWNER", "TABLE_NAME", "NUM_ROWS", "BYTES", "HAS_PRIMARY_KEY")
LOBS_HEADER = ("OWNER", "TABLE_NAME", "COLUMN_NAME", "MAX_BYTES")
KEYS_HEADER = ("OWNER", "TABLE_NAME", "CONSTRAINT_TYPE", "COLUMN_NAME", "POSITION")
_YES_NO = {"Y": True, "N": False, "YES": True, "NO": False}
# The largest number any field may hold: a signed 64-bit integer. Row counts, sizes, LOB lengths and positions of a
# real estate fit (Oracle's own counters are 64-bit), and so does every consumer downstream (JSON readers, DMS task
# settings, float arithmetic in the LOB and sizing choices); a longer number is a corrupt export.
MAX_NUMBER = 2**63 - 1
# Neither Oracle (Database Object Naming Rules: no identifier contains the null character) nor PostgreSQL (4.1.1:
# a quoted identifier may contain any character except code zero) has a name holding NUL: a corrupt export.
_NUL = "\0"
_NEEDS_LENGTH = frozenset({"CHAR", "NCHAR", "VARCHAR2", "NVARCHAR2", "RAW"})


UTF16_HINT = "the file is UTF-16, not UTF-8: export it as UTF-8 (or convert it, e.g. iconv -f UTF-16 -t UTF-8)"


@dataclass(frozen=True)
class Named:
    """An inventory file and the name its errors give it: the stack passes the path as its stack file writes it
    (`exports/lobs.csv`), where a bare path is named by its basename."""

    path: Path
    label: str


def _named(path: str | Path | Named) -> Named:
    return path if isinstance(path, Named) else Named(Path(path), Path(path).name)


class _Csv:
    """One open inventory file: positions of the wanted header columns and error messages that name the line."""

    def __init__(
        self, path: Path, label: str, reader: Iterator[list[str]], required: tuple[str, ...], optional: tuple[str, ...]
    ):
        self.name = label
        self.reader = reader
        header = next((row for row in reader if row), None)  # blank lines before the header are harmless
        if header is None:
            raise InventoryError(f"{self.name} line 1: header: the file is empty; expected {','.join(required)}")
        if any("\x00" in h for h in header):  # ASCII in UTF-16 without a BOM: a NUL after each character
            raise InventoryError(f"{self.name} line {self.line}: {UTF16_HINT}")
        if header[0].startswith("\ufeff"):  # the first byte-order mark is dropped by the utf-8-sig codec
            raise InventoryError(
                f"{self.name} line {self.line}: header: starts with a second byte-order mark (U+FEFF): the file was "
                "converted to UTF-8 twice; remove the extra mark"
            )
        names = [h.strip().upper() for h in header]
        missing = [h for h in required if h not in names]
        if missing:
            raise InventoryError(
                f"{self.name} line {self.line}: header: missing {', '.join(missing)}; "
                f"required columns are {','.join(required)}{_separator_hint(path)}"
            )
        self.pos = {h: names.index(h) for h in (*required, *optional) if h in names}
        self.width = max(self.pos.values()) + 1

    @property
    def line(self) -> int:
        return self.reader.line_num  # type: ignore[attr-defined]

    def error(self, fld: str, message: str) -> InventoryError:
        return InventoryError(f"{self.name} line {self.line}: {fld}: {message}")

    def rows(self) -> Iterator[list[str]]:
        """The data rows: blank lines skipped, a short row an error naming its line. (The columns loop, the hot
        one, inlines the same test to save a generator step per row.)"""
        width = self.width
        for row in self.reader:
            if len(row) < width:
                if not row:
                    continue
                raise self.short_row(row)
            yield row

    def short_row(self, row: list[str]) -> InventoryError:
        return InventoryError(f"{self.name} line {self.line}: expected at least {self.width} fields, got {len(row)}")

    def number(self, text: str, fld: str, minimum: int | None = None) -> int | None:
        """A whole number (ASCII digits, an optional sign, at most MAX_NUMBER) or None for an empty field (NULL in
        the export)."""
        s = text.strip()
        if not s:
            return None
        digits = s[1:] if s[0] in "+-" else s
        if not (digits.isascii() and digits.isdigit()):
            raise self.error(fld, f"expected a whole number, got {shown(text)}")
        value = int(s) if len(digits) <= 19 else MAX_NUMBER + 1  # int() refuses past 4300 digits
        if abs(value) > MAX_NUMBER:
            raise self.error(fld, f"expected a whole number up to {MAX_NUMBER}, got {shown(text)}")
        if minimum is not None and value < minimum:
            raise self.error(fld, f"expected a whole number >= {minimum}, got {text!r}")
        return value

    def identifier(self, text: str, fld: str) -> str:
        """An interned name: not empty, no NUL."""
        name = sys.intern(text.strip())
        if not name or _NUL in name:
            raise self.error(fld, f"a name cannot hold a NUL byte, got {shown(text)}" if name else "empty value")
        return name

    def required_number(self, text: str, fld: str, hint: str = "") -> int:
        value = self.number(text, fld, 0)
        if value is None:
            raise self.error(fld, f"expected a whole number, got an empty value{hint}")
        return value

    def yes_no(self, text: str, fld: str) -> bool:
        flag = _YES_NO.get(text.strip().upper())
        if flag is None:
            raise self.error(fld, f"expected Y or N, got {text!r}")
        return flag


def shown(text: str, limit: int = 40) -> str:
    """A field's value for a one-line message: quoted, cut short when it is long."""
    return repr(text) if len(text) <= limit else f"{text[:limit]!r}... ({len(text)} characters)"


@contextmanager
def _open_csv(path: str | Path | Named, required: tuple[str, ...], optional: tuple[str, ...] = ()) -> Iterator[_Csv]:
    """Any readable file: a regular file, or a pipe such as bash's <(unzip -p export.zip columns.csv)."""
    p, label = _named(path).path, _named(path).label
    try:
        handle = open(p, newline="", encoding="utf-8-sig")
    except FileNotFoundError:
        raise InventoryError(f"{label}: file not found: {p}") from None
    except IsADirectoryError:
        raise InventoryError(f"{label}: is a directory, expected a CSV file: {p}") from None
    except OSError as exc:
        raise InventoryError(f"{label}: cannot read {p}: {exc.strerror or exc}") from None
    with handle:
        # strict: a quote left open at the end (a truncated export) or text after a closing quote is an error,
        # not a field that silently swallows the rest of the file
        reader = csv.reader(handle, strict=True)
        try:
            yield _Csv(p, label, reader, required, optional)
        except UnicodeDecodeError as exc:
            raise _not_utf8(p, label, reader.line_num + 1, exc) from None
        except csv.Error as exc:
            raise InventoryError(f"{label} line {reader.line_num}: malformed CSV: {exc}{_separator_hint(p)}") from None


def _separator_hint(p: Path) -> str:
    """A file whose first line is split by ';' or tabs rather than commas (a spreadsheet's regional CSV): say so."""
    try:
        with open(p, encoding="utf-8-sig", errors="replace") as handle:
            first = handle.readline() if p.is_file() else ""
    except OSError:
        return ""
    found = [(first.count(sep), name) for sep, name in ((";", "';'"), ("\t", "tabs")) if first.count(sep) > 0]
    if not found or max(found)[0] <= first.count(","):
        return ""
    return f" (the fields are separated by {max(found)[1]}, not commas: export the file as comma-separated CSV)"


def _not_utf8(p: Path, label: str, near: int, exc: UnicodeDecodeError) -> InventoryError:
    """The text decoder reads ahead in blocks, so the reader's line is only near the bad byte: a regular file is read
    again, as bytes, to name the exact line (a pipe cannot be read again)."""
    bad = exc.object[exc.start : exc.start + 1]
    where = f"near line {near}"
    head = bytes(exc.object[:200])
    if head.startswith((b"\xff\xfe", b"\xfe\xff")) or b"\x00" in head:  # a NUL in text: UTF-16 (PowerShell, SSMS)
        return InventoryError(f"{label} line 1: {UTF16_HINT}")
    if p.is_file():
        with open(p, "rb") as raw:
            for number, line in enumerate(raw, 1):
                try:
                    line.decode("utf-8")
                except UnicodeDecodeError as found:
                    where, bad = f"line {number}", line[found.start : found.start + 1]
                    break
    return InventoryError(
        f"{label} {where}: byte 0x{bytes(bad).hex()} is not UTF-8: export the file as UTF-8 (or convert it, e.g. "
        "iconv -f LATIN1 -t UTF-8)"
    )


@contextmanager
def gc_paused() -> Iterator[None]:
    """Millions of acyclic objects would trigger many useless full collections."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def load_inventory(
    columns: str | Path | Named,
    tables: str | Path | Named,
    lobs: str | Path | Named | None = None,
    keys: str | Path | Named | None = None,
) -> Inventory:
    """Load the exported CSVs; tables first because every other file must name known tables (and columns)."""
    with gc_paused():
        inv, table_lines = _load_tables(tables)
        _load_columns(columns, inv)
        for index, (key, table) in enumerate(inv.tables.items()):
            if not table.columns:
                raise InventoryError(
                    f"{_named(columns).label}: no columns for {key[0]}.{key[1]} "
                    f"(listed on {_named(tables).label} line {table_lines[index]})"
                )
        del table_lines
        if lobs is not None:
            _load_lobs(lobs, inv)
        if keys is not None:
            _load_keys(keys, inv)
        # The inventory lives as long as the process: move its (acyclic) objects out of the collector's sight, or
        # every later collection rescans a million columns and report, mappings and planner slow down
        # superlinearly. Before the collector is back on: freezing also resets the allocation count, which would
        # otherwise start a collection of the million new objects at the first allocation.
        gc.freeze()
    return inv


def _load_tables(path: str | Path | Named) -> tuple[Inventory, array[int]]:
    """The tables, and each one's line in the file by its position in the inventory's order: a flat array of
    machine integers (8 bytes a table), not a dict of a million int objects, because only error messages read it."""
    tables: dict[tuple[str, str], Table] = {}
    lines = array("q")
    with _open_csv(path, TABLES_HEADER, ("PARTITIONED", "HAS_UNIQUE_KEY")) as f:
        i_own, i_tab, i_rows, i_bytes, i_pk = (f.pos[h] for h in TABLES_HEADER)
        i_part, i_uk = f.pos.get("PARTITIONED"), f.pos.get("HAS_UNIQUE_KEY")
        for row in f.rows():
            owner, name = f.identifier(row[i_own], "OWNER"), f.identifier(row[i_tab], "TABLE_NAME")
            key = (owner, name)
            if key in tables:
                first = lines[list(tables).index(key)]
                raise f.error("TABLE_NAME", f"duplicate table {owner}.{name} (first on line {first})")
            tables[key] = Table(
                owner,
                name,
                f.required_number(row[i_rows], "NUM_ROWS", " (statistics missing? run DBMS_STATS.GATHER_SCHEMA_STATS)"),
                f.required_number(row[i_bytes], "BYTES"),
                f.yes_no(row[i_pk], "HAS_PRIMARY_KEY"),
                f.yes_no(row[i_uk], "HAS_UNIQUE_KEY") if i_uk is not None else False,
                f.yes_no(row[i_part], "PARTITIONED") if i_part is not None else False,
            )
            lines.append(f.line)
        if not tables:
            raise InventoryError(
                f"{f.name}: no tables, only the header: was a schema misspelt in the export's WHERE clause?"
            )
    return Inventory(tables), lines


# A column's type fields as Column holds them: DATA_TYPE, DATA_LENGTH, DATA_PRECISION, DATA_SCALE, NULLABLE,
# CHAR_USED, CHAR_LENGTH.
_TypeFields = tuple[str, int | None, int | None, int | None, bool, str | None, int | None]


def _column_type(f: _Csv, raw: tuple[str, ...]) -> tuple[_TypeFields, bool]:
    """Parse and check the type fields of a column row (DATA_TYPE .. CHAR_USED [, CHAR_LENGTH]), once per distinct
    raw text: the Column fields they fill, and whether DMS moves that type as a LOB."""
    s_type, s_len, s_prec, s_scale, s_null, s_cu, *s_cl = raw
    dtype = sys.intern(s_type.strip())
    if not dtype:
        raise f.error("DATA_TYPE", "empty value")
    length = f.number(s_len, "DATA_LENGTH", 0)
    if length is None and dtype.upper() in _NEEDS_LENGTH:
        raise f.error("DATA_LENGTH", f"required for {dtype}, got an empty value")
    precision = f.number(s_prec, "DATA_PRECISION", 0)
    scale = f.number(s_scale, "DATA_SCALE")
    nullable = f.yes_no(s_null, "NULLABLE")
    char_used = s_cu.strip().upper() or None
    if char_used not in (None, "B", "C"):
        raise f.error("CHAR_USED", f"expected B, C or empty, got {s_cu!r}")
    char_length = f.number(s_cl[0], "CHAR_LENGTH", 0) if s_cl else None
    values: _TypeFields = (dtype, length, precision, scale, nullable, char_used, char_length)
    try:
        return values, oracle_to_postgres(Column("", "", "", *values)).is_lob
    except OracleTypeError as exc:  # a type no Oracle column can have: the field and value, on this line
        raise f.error(exc.field, exc.detail) from None


def _load_columns(path: str | Path | Named, inv: Inventory) -> None:
    """The hot loop, kept to what each row needs. A big estate has a million columns but a few hundred distinct type
    signatures, so the type fields are parsed, checked and mapped once per distinct raw text (memoized for this
    call, which also shares the int objects); the export lists a table's columns together, so the table is looked
    up once per run of rows; and each Column (a named tuple) is one C call on the table's names, the column name and
    the shared type fields."""
    tables = inv.tables
    signatures: dict[tuple[str, ...], tuple[_TypeFields, bool]] = {}  # raw type fields -> (fields, is LOB)
    intern, new, nul = sys.intern, tuple.__new__, _NUL
    with _open_csv(path, COLUMNS_HEADER, ("CHAR_LENGTH",)) as f:
        names = itemgetter(*(f.pos[h] for h in COLUMNS_HEADER[:3]))
        attributes = itemgetter(*(f.pos[h] for h in (*COLUMNS_HEADER[3:], "CHAR_LENGTH") if h in f.pos))
        width, last_owner, last_name, owner, tname = f.width, None, None, "", ""
        table: Table | None = None
        run: list[Column] = []  # the current table's columns and LOB columns, stored on it as tuples per run
        lob_run: list[str] = []
        append, lob_append, seen = run.append, lob_run.append, set[str]()  # bound once per run
        for row in f.reader:  # f.rows() inlined: a generator step per row costs more than the test
            if len(row) < width:
                if not row:
                    continue
                raise f.short_row(row)
            row_owner, row_table, cname = names(row)
            if row_owner != last_owner or row_table != last_name or table is None:
                if table is not None:
                    _store_run(table, run, lob_run)
                table = tables.get((row_owner.strip(), row_table.strip()))
                if table is None:
                    raise f.error("TABLE_NAME", f"{row_owner.strip()}.{row_table.strip()} is not in tables.csv")
                last_owner, last_name, owner, tname = row_owner, row_table, table.owner, table.name
                run, lob_run = [], []
                append, lob_append = run.append, lob_run.append
                seen = {c.name for c in table.columns}
            cname = intern(cname.strip())
            if cname in seen or not cname or nul in cname:
                if cname in seen:
                    raise f.error("COLUMN_NAME", f"duplicate column {owner}.{tname}.{cname}")
                f.identifier(cname, "COLUMN_NAME")
            seen.add(cname)
            raw = attributes(row)
            signature = signatures.get(raw)
            if signature is None:
                signature = signatures[raw] = _column_type(f, raw)
            values, is_lob = signature
            append(new(Column, (owner, tname, cname, *values)))
            if is_lob:
                lob_append(cname)
        if table is not None:
            _store_run(table, run, lob_run)


def _store_run(table: Table, columns: list[Column], lob_columns: list[str]) -> None:
    """One run of a table's rows onto the table, as tuples. The export lists a table's columns together, so this is
    once per table; a hand-made file listing a table twice adds the second run to the first."""
    table.columns = (*table.columns, *columns) if table.columns else tuple(columns)
    if lob_columns:
        table.lob_columns = (*table.lob_columns, *lob_columns)


def _table_for(f: _Csv, inv: Inventory, row: list[str], i_own: int, i_tab: int) -> Table:
    owner, tname = row[i_own].strip(), row[i_tab].strip()
    table = inv.tables.get((owner, tname))
    if table is None:
        raise f.error("TABLE_NAME", f"{owner}.{tname} is not in tables.csv")
    return table


def _column_in(f: _Csv, table: Table, name: str) -> str:
    for c in table.columns:
        if c.name == name:
            return c.name
    raise f.error("COLUMN_NAME", f"{table.owner}.{table.name}.{name} is not in columns.csv")


def _load_lobs(path: str | Path | Named, inv: Inventory) -> None:
    with _open_csv(path, LOBS_HEADER) as f:
        i_own, i_tab, i_col, i_max = (f.pos[h] for h in LOBS_HEADER)
        for row in f.rows():
            table = _table_for(f, inv, row, i_own, i_tab)
            name = _column_in(f, table, row[i_col].strip())
            if name not in (table.lob_columns or ()):
                # migration/sql/oracle_inventory.sql measures LOB columns only: a row for another column is a
                # hand edit or an export of another schema version, and its measurement would be dropped unseen.
                kind = next(c.data_type for c in table.columns if c.name == name)
                raise f.error("COLUMN_NAME", f"{table.owner}.{table.name}.{name} is {kind}, not a LOB column")
            size = f.number(row[i_max], "MAX_BYTES", 0)
            measured = table.lob_max_bytes
            if name in measured:
                raise f.error("COLUMN_NAME", f"duplicate measurement for {table.owner}.{table.name}.{name}")
            if size is not None:  # empty = not measured (LONG cannot be measured with DBMS_LOB)
                table.lob_max_bytes = {**measured, name: size} if measured else {name: size}


def _load_keys(path: str | Path | Named, inv: Inventory) -> None:
    """Primary key columns by POSITION; without a PK, the first unique constraint seen (CONSTRAINT_NAME, when
    exported, separates several unique constraints of one table). The export sorts by table, so one table's rows
    are gathered at a time (_KeyRows) and stored on it when the next table starts: a million tables' positions are
    never held at once."""
    pending: dict[tuple[str, str], _KeyRows] = {}  # tables whose positions are not 1..n (yet)
    names: dict[tuple[str, str], tuple[str, ...]] = {}  # unique constraint names of the tables that have some
    with _open_csv(path, KEYS_HEADER, ("CONSTRAINT_NAME",)) as f:
        i_own, i_tab, i_type, i_col, i_pos = (f.pos[h] for h in KEYS_HEADER)
        i_name = f.pos.get("CONSTRAINT_NAME")
        run: _KeyRows | None = None
        for row in f.rows():
            table = _table_for(f, inv, row, i_own, i_tab)
            if run is None or run.table is not table:
                if run is not None:
                    run.store(pending, names)
                run = _KeyRows(table, pending, names, f.line)
            kind = row[i_type].strip().upper()
            if kind not in ("P", "U"):
                raise f.error("CONSTRAINT_TYPE", f"expected P or U, got {row[i_type]!r}")
            constraint = None if i_name is None else row[i_name].strip()
            run.add(f, kind, constraint, _column_in(f, table, row[i_col].strip()), f.number(row[i_pos], "POSITION", 1))
        if run is not None:
            run.store(pending, names)
    for key, table in inv.tables.items():
        run = pending.get(key)
        if table.has_primary_key and not table.key_columns and not (run and run.primary):
            raise InventoryError(
                f"{f.name}: {key[0]}.{key[1]}: tables.csv says HAS_PRIMARY_KEY=Y but there are no P rows for it"
            )
        if run is not None:
            raise run.bad_positions(f.name)


class _KeyRows:
    """One table's keys.csv rows: positions per constraint, and the first line of each kind (P, U) for messages. A
    table listed again later (a hand-made file) starts from what its earlier rows stored."""

    def __init__(
        self,
        table: Table,
        pending: dict[tuple[str, str], _KeyRows],
        names: dict[tuple[str, str], tuple[str, ...]],
        line: int,
    ):
        key = (table.owner, table.name)
        earlier = pending.pop(key, None)
        self.table = table
        self.primary: dict[int, str] = earlier.primary if earlier else {}
        self.unique: dict[str, dict[int, str]] = earlier.unique if earlier else {}
        self.first_line: dict[str, int] = earlier.first_line if earlier else {}
        if earlier is None and table.has_primary_key and table.key_columns:  # stored by an earlier run
            self.primary, self.first_line["P"] = dict(enumerate(table.key_columns, 1)), line
        if earlier is None and key in names:
            self.unique = {n: dict(enumerate(cols, 1)) for n, cols in zip(names[key], table.unique_keys, strict=True)}
            self.first_line["U"] = line

    def add(self, f: _Csv, kind: str, constraint: str | None, name: str, position: int | None) -> None:
        table = self.table
        where = f"{table.owner}.{table.name}"
        if position is None:
            raise f.error("POSITION", "expected a whole number >= 1, got an empty value")
        if kind == "P":
            if not table.has_primary_key:
                raise f.error("CONSTRAINT_TYPE", f"{where} has a P row but tables.csv says HAS_PRIMARY_KEY=N")
            cols, what = self.primary, "primary key"
            table.key_name = constraint or ""
        else:
            cols = self.unique.setdefault(constraint or "", {})
            what = f"unique key {constraint or ''}".rstrip()
            table.has_unique_key = True
        self.first_line.setdefault(kind, f.line)
        if position in cols:
            hint = (
                ""
                if kind == "P" or constraint is not None
                else " (several unique constraints? export CONSTRAINT_NAME too)"
            )
            raise f.error("POSITION", f"{where} {what} has position {position} twice{hint}")
        cols[position] = name

    def _valid(self) -> bool:
        return all(sorted(c) == list(range(1, len(c) + 1)) for c in (self.primary, *self.unique.values()))

    def store(self, pending: dict[tuple[str, str], _KeyRows], names: dict[tuple[str, str], tuple[str, ...]]) -> None:
        """Onto the table when every constraint's positions are 1..n; else kept pending (later rows may fill the
        gap, or the load ends with the error)."""
        table, key = self.table, (self.table.owner, self.table.name)
        if not self._valid():
            pending[key] = self
            return
        table.unique_keys = tuple(tuple(u[p] for p in sorted(u)) for u in self.unique.values())
        if self.unique:
            names[key] = tuple(self.unique)
        table.unique_key_names = tuple(self.unique) if any(self.unique) else ()
        if self.primary:
            table.key_columns = tuple(self.primary[p] for p in sorted(self.primary))
        elif table.unique_keys and not table.has_primary_key:
            table.key_columns = table.unique_keys[0]

    def bad_positions(self, file: str) -> InventoryError:
        kind, positions = next(
            (k, p)
            for k, p in (("P", self.primary), *(("U", u) for u in self.unique.values()))
            if sorted(p) != list(range(1, len(p) + 1))
        )
        where = f"{self.table.owner}.{self.table.name}"
        return InventoryError(
            f"{file} line {self.first_line[kind]}: POSITION: {where} key positions {sorted(positions)} are not "
            f"1..{len(positions)}"
        )
