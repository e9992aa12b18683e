"""One PostgreSQL name per Oracle schema, table and column, computed once from the inventory, and its exact inverse.

Both directions of the migration, the DDL, the prerequisites, the runbook and the report read names from here, so
the table DMS writes forward is the table the DDL created and the table the fallback writes back is the Oracle
table it came from. The rules:

- A *plain* Oracle name (ASCII, no lower-case letter, at most 63 bytes) becomes its lower-case form: exactly what
  the mappings' `convert-lowercase` rule does forward and `convert-uppercase` undoes on the way back, so it needs
  no rule of its own.
- Any other name (`"OrderLines"`, `"select"`) becomes lower case as well, so applications keep unquoted names, and
  the mappings carry an explicit `rename` rule in each direction: the case fold back would give `ORDERLINES`.
- A name longer than 63 bytes (PostgreSQL would cut it silently, and the cut name cannot be sent back) becomes its
  first 54 bytes, `_` and 8 hex digits of a hash of the whole Oracle name: the same every run, and unique in its
  table (columns) or schema (tables); should the hash meet another name there, a counter is hashed in as well.
- A column DMS cannot transform keeps its Oracle spelling (`KEEPS_SOURCE_SPELLING`): a LOB column, or a name
  holding `#`, `\\`, `/` or `-`. It arrives as DMS sends it, and no rule could rename it.
- Two Oracle names landing on one PostgreSQL name (`Customers` and `CUSTOMERS`) are a `NameConflict`: the
  report and the DDL refuse them, the plan refuses them among the tables it migrates.

Pure: no I/O. Only names that are not plain are stored, so a million plain columns cost a check each and no memory.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Container, Iterable, Mapping
from dataclasses import dataclass, field
from operator import attrgetter
from typing import TypeVar

from migration.inventory.model import Inventory, Table
from migration.inventory.typemap import PG_MAX_IDENTIFIER_BYTES, is_reserved_postgres_word

K = TypeVar("K")
_HASH_HEX = 8  # hex digits of the hash that ends a shortened name
_HEAD_BYTES = PG_MAX_IDENTIFIER_BYTES - _HASH_HEX - 1
_UNTRANSFORMABLE = re.compile(r"[#\\/-]")  # DMS cannot transform a column whose name holds one of these
KEEPS_SOURCE_SPELLING = (
    "DMS supports no transformation of a LOB column, nor of a column named with # \\ / or -, other than removing it "
    "(DMS User Guide, Transformation rules and actions: Limitations)"
)
"""The decision for the columns DMS cannot transform, and the reason the plan and the DDL give for it.

DMS User Guide, "Transformation rules and actions", Limitations: "Transformations cannot be performed on columns
that contain special characters (e.g. #, \\, /, -) in their name" and "The only supported transformation for
columns that are mapped to BLOB/CLOB data types is to drop the column on the target". The guide does not say what
a wildcard `convert-lowercase` does to such a column, so the project takes the safe, explicit reading: the target
column keeps the Oracle spelling (quoted: `"ScanImage"`, `"NOTES"`, `"A-B"`), the DDL creates it so, neither
mapping carries a rule for it other than `remove-column`, and the wildcard folds, should DMS skip them there,
change nothing. A LOB column is one the type map moves as a LOB (`Table.lob_columns`: BLOB, CLOB, NCLOB, XMLTYPE,
LONG, LONG RAW, SDO_GEOMETRY)."""
# One expression each for the hot checks (a million columns): ASCII, no lower-case letter, 1..63 bytes; for a column
# also none of the characters DMS cannot transform.
_PLAIN = re.compile(rf"[^a-z\x80-\U0010ffff]{{1,{PG_MAX_IDENTIFIER_BYTES}}}")
_PLAIN_COLUMN = re.compile(rf"[^a-z#\\/\-\x80-\U0010ffff]{{1,{PG_MAX_IDENTIFIER_BYTES}}}")
_NAME = attrgetter("name")
# PostgreSQL 15 documentation, "System Columns" (ddl-system-columns): every table has these, and CREATE TABLE refuses
# a column of the same name ("column name ... conflicts with a system column name"). `oid` is no longer one (PG 12).
PG_SYSTEM_COLUMNS = frozenset(("tableoid", "xmin", "cmin", "xmax", "cmax", "ctid"))
_PG_PLAIN = re.compile(r"[a-z_][a-z0-9_$]*")
_ORACLE_PLAIN = re.compile(r"[A-Z][A-Z0-9_$#]*")
# Oracle SQL reserved words (SQL Language Reference, appendix "Oracle SQL Reserved Words"): an identifier spelled
# like one must be quoted in Oracle SQL even when it is upper case.
_ORACLE_RESERVED = frozenset(
    """
ACCESS ADD ALL ALTER AND ANY AS ASC AUDIT BETWEEN BY CHAR CHECK CLUSTER COLUMN COLUMN_VALUE COMMENT COMPRESS CONNECT
CREATE CURRENT DATE DECIMAL DEFAULT DELETE DESC DISTINCT DROP ELSE EXCLUSIVE EXISTS FILE FLOAT FOR FROM GRANT GROUP
HAVING IDENTIFIED IMMEDIATE IN INCREMENT INDEX INITIAL INSERT INTEGER INTERSECT INTO IS LEVEL LIKE LOCK LONG
MAXEXTENTS MINUS MLSLABEL MODE MODIFY NESTED_TABLE_ID NOAUDIT NOCOMPRESS NOT NOWAIT NULL NUMBER OF OFFLINE ON ONLINE
OPTION OR ORDER PCTFREE PRIOR PUBLIC RAW RENAME RESOURCE REVOKE ROW ROWID ROWNUM ROWS SELECT SESSION SET SHARE SIZE
SMALLINT START SUCCESSFUL SYNONYM SYSDATE TABLE THEN TO TRIGGER UID UNION UNIQUE UPDATE USER VALIDATE VALUES VARCHAR
VARCHAR2 VIEW WHENEVER WHERE WITH
""".split()
)


@dataclass(frozen=True, slots=True)
class NameConflict:
    """Two Oracle names that would become one PostgreSQL name (`second` set), or a name no PostgreSQL name can
    stand for (`second` None). Names are qualified as Oracle spells them; `tables` are the Oracle tables involved
    (none for a schema conflict, which always matters)."""

    first: str
    second: str | None
    postgres: str
    tables: tuple[tuple[str, str], ...]

    def message(self) -> str:
        if self.second is None:
            what = (
                "a PostgreSQL system column name"
                if self.postgres.rpartition(".")[2] in PG_SYSTEM_COLUMNS
                else f"longer than {PG_MAX_IDENTIFIER_BYTES} bytes"
            )
            return (
                f"{self.first}: {what} and DMS cannot rename it (a LOB column, or a name holding # \\ / or -): "
                "rename it in Oracle or leave it out"
            )
        return (
            f"{self.first} and {self.second} both become {self.postgres} in PostgreSQL (names fold to lower case); "
            "rename one in Oracle or leave one out"
        )


def is_plain(name: str) -> bool:
    """ASCII without lower-case letters and at most 63 bytes: the case folds of the mappings carry it both ways."""
    return _PLAIN.fullmatch(name) is not None


def is_plain_column(name: str) -> bool:
    """A plain name without the characters DMS cannot transform in a column name (# \\ / -), whose fold is not a
    PostgreSQL system column (PG_SYSTEM_COLUMNS)."""
    return _PLAIN_COLUMN.fullmatch(name) is not None and name.lower() not in PG_SYSTEM_COLUMNS


def dms_cannot_transform(column: str) -> bool:
    """A column name holding # \\ / or -: DMS performs no transformation on it (DMS User Guide, transformation
    rules, limitations), so it keeps its Oracle spelling on both sides."""
    return _UNTRANSFORMABLE.search(column) is not None


def shortened(folded: str, oracle: str, salt: int = 0) -> str:
    """A name over 63 bytes: its first 54 bytes (never half a character), `_`, 8 hex digits of a hash of the whole
    Oracle name (and of `salt`, when the plain hash meets another name)."""
    key = oracle if not salt else f"{oracle}\x00{salt}"
    digest = hashlib.blake2b(key.encode("utf-8"), digest_size=_HASH_HEX // 2).hexdigest()
    head = folded.encode("utf-8")[:_HEAD_BYTES].decode("utf-8", errors="ignore")
    return f"{head}_{digest}"


def _too_long(name: str) -> bool:
    return len(name.encode("utf-8")) > PG_MAX_IDENTIFIER_BYTES


def quote_postgres(name: str) -> str:
    """A PostgreSQL identifier for SQL text, quoted only when it must be: anything but a plain lower-case name, or
    a reserved word (`"select"`)."""
    if _PG_PLAIN.fullmatch(name) and not is_reserved_postgres_word(name):
        return name
    return '"' + name.replace('"', '""') + '"'


def quote_oracle(name: str) -> str:
    """An Oracle identifier for SQL text, as stored in the dictionary: quoted unless it is a plain upper-case name
    that is not a reserved word (`"EventLog"`, `"LEVEL"`; `EVENTS` stays bare)."""
    if _ORACLE_PLAIN.fullmatch(name) and name not in _ORACLE_RESERVED:
        return name
    return '"' + name.replace('"', '""') + '"'


def _scope(
    items: Iterable[tuple[K, str]], *, columns: bool, verbatim: Container[str] = ()
) -> tuple[dict[K, str], list[tuple[K, K | None, str]]]:
    """PostgreSQL names for the objects of one scope (a table's columns, a schema's tables), given as (key, Oracle
    name): the names that are not plain, and the conflicts as (first key, second key or None, postgres name).
    `verbatim` (columns only): names kept as Oracle spells them whatever they hold (the table's LOB columns)."""
    taken: dict[str, K] = {}  # postgres name -> the object holding it
    out: dict[K, str] = {}
    conflicts: list[tuple[K, K | None, str]] = []
    long: list[tuple[str, K]] = []
    plain_check = _PLAIN_COLUMN.fullmatch if columns else _PLAIN.fullmatch
    for key, name in items:
        kept = columns and (name in verbatim or _UNTRANSFORMABLE.search(name) is not None)
        system = columns and name.lower() in PG_SYSTEM_COLUMNS
        plain = not kept and not system and plain_check(name) is not None
        if plain:
            pg = name.lower()
        elif kept:
            if _too_long(name) or name in PG_SYSTEM_COLUMNS:
                conflicts.append((key, None, name))
                continue
            pg = name
        else:
            pg = name.lower()
            if _too_long(pg) or system:  # one scheme for names PostgreSQL cannot take: a hash-suffixed name
                long.append((name, key))
                continue
        if not plain:
            out[key] = pg
        if pg in taken:
            conflicts.append((taken[pg], key, pg))
        else:
            taken[pg] = key
    for name, key in sorted(long, key=lambda item: item[0]):  # the same names get the same short names in any order
        salt = 0
        pg = shortened(name.lower(), name)
        while pg in taken:
            salt += 1
            pg = shortened(name.lower(), name, salt)
        taken[pg] = key
        out[key] = pg
    return out, conflicts


@dataclass
class NameMap:
    """Oracle -> PostgreSQL names of one inventory (under given schema renames) and the inverse.

    `tables` and `columns` hold only the names that are not plain, and the columns kept verbatim (`verbatim`);
    everything else is its lower-case form."""

    schemas: dict[str, str]  # Oracle owner -> PostgreSQL schema, every owner
    tables: dict[tuple[str, str], str] = field(default_factory=dict)  # (owner, table) -> PostgreSQL table
    columns: dict[tuple[str, str], dict[str, str]] = field(default_factory=dict)  # (owner, table) -> {col: pg}
    conflicts: list[NameConflict] = field(default_factory=list)
    # (owner, table) -> the columns kept as Oracle spells them (KEEPS_SOURCE_SPELLING), in table order
    verbatim: dict[tuple[str, str], list[str]] = field(default_factory=dict)
    _owners: dict[str, str] = field(default_factory=dict)  # PostgreSQL schema -> Oracle owner
    _oracle_tables: dict[tuple[str, str], str] = field(default_factory=dict)  # (pg schema, pg table) -> table
    _oracle_columns: dict[tuple[str, str], dict[str, str]] = field(default_factory=dict)
    _all: list[tuple[str, str]] = field(default_factory=list)

    # ------------------------------------------------------------------------------------------- Oracle -> PG

    def schema(self, owner: str) -> str:
        return self.schemas[owner]

    def table(self, owner: str, table: str) -> str:
        return self.tables.get((owner, table)) or table.lower()

    def column(self, owner: str, table: str, column: str) -> str:
        renamed = self.columns.get((owner, table))
        return (renamed.get(column) if renamed else None) or column.lower()

    # ------------------------------------------------------------------------------------------- PG -> Oracle

    def oracle_owner(self, pg_schema: str) -> str:
        return self._owners[pg_schema]

    def oracle_table(self, pg_schema: str, pg_table: str) -> tuple[str, str]:
        owner = self._owners[pg_schema]
        return owner, self._oracle_tables.get((pg_schema, pg_table)) or pg_table.upper()

    def oracle_column(self, owner: str, table: str, pg_column: str) -> str:
        """The Oracle column of Oracle table `owner.table` that PostgreSQL calls `pg_column`."""
        renamed = self._oracle_columns.get((owner, table))
        return (renamed.get(pg_column) if renamed else None) or pg_column.upper()

    # ------------------------------------------------------------------------------------------------ queries

    def renamed_columns(self, owner: str, table: str) -> dict[str, str]:
        """{Oracle column: PostgreSQL column} for the columns of a table that need rename rules (not plain and
        renamed; a column kept verbatim needs none)."""
        kept = self.verbatim.get((owner, table), ())
        return {o: p for o, p in self.columns.get((owner, table), {}).items() if o not in kept}

    def kept_verbatim(self, owner: str, table: str) -> list[str]:
        """Columns of a table DMS cannot transform (KEEPS_SOURCE_SPELLING), so PostgreSQL gets them as Oracle spells
        them: no rule but remove-column may name them."""
        return list(self.verbatim.get((owner, table), ()))

    def all_tables(self) -> list[tuple[str, str]]:
        """Every (owner, table) the map covers, in inventory order."""
        return list(self._all)

    def conflicts_among(self, tables: Iterable[tuple[str, str]] | None = None) -> list[NameConflict]:
        """The conflicts whose every table is in `tables` (all of them when None): a collision with a table the
        stack leaves out does not matter to it."""
        if tables is None:
            return list(self.conflicts)
        chosen = set(tables)
        return [c for c in self.conflicts if all(t in chosen for t in c.tables)]


def build_name_map(
    inv: Inventory, schema_renames: Mapping[str, str] | None = None, owners: Iterable[str] | None = None
) -> NameMap:
    """Every owner, table and column of the inventory (only those of `owners` when given: a stack's schemas).
    `schema_renames` ({Oracle owner: PostgreSQL schema}) wins over the fold for schemas."""
    renames = dict(schema_renames or {})
    wanted = inv.schemas() if owners is None else [o for o in inv.schemas() if o in set(owners)]
    folded, conflicts = _scope(((o, o) for o in wanted if o not in renames), columns=False)
    names = NameMap(schemas={o: renames.get(o) or folded.get(o) or o.lower() for o in wanted})
    for owner, pg in names.schemas.items():
        if pg in names._owners:
            conflicts.append((names._owners[pg], owner, pg))
        names._owners.setdefault(pg, owner)
    names.conflicts += [NameConflict(f"schema {a}", f"schema {b}", f"schema {pg}", ()) for a, b, pg in conflicts if b]
    _map_tables(inv, names)
    return names


def _map_tables(inv: Inventory, names: NameMap) -> None:
    """Tables per PostgreSQL schema (two owners may share one through renames), then each table's columns."""
    by_schema: dict[str, list[Table]] = {}
    plain_seen: set[str] = set()
    for table in inv.tables.values():
        pg_schema = names.schemas.get(table.owner)
        if pg_schema is not None:
            by_schema.setdefault(pg_schema, []).append(table)
    for pg_schema, tables in by_schema.items():
        renamed, conflicts = _scope((((t.owner, t.name), t.name) for t in tables), columns=False)
        for key, pg in renamed.items():
            names.tables[key] = pg
            names._oracle_tables[(pg_schema, pg)] = key[1]
        for a, b, pg in conflicts:
            assert b is not None  # only columns can be names nothing stands for
            names.conflicts.append(NameConflict(f"{a[0]}.{a[1]}", f"{b[0]}.{b[1]}", f"{pg_schema}.{pg}", (a, b)))
        for table in tables:
            names._all.append((table.owner, table.name))
            _map_columns(table, names, plain_seen)


def _map_columns(table: Table, names: NameMap, plain_seen: set[str]) -> None:
    """The fast path first: a table without LOB columns whose columns are all plain needs nothing stored. Estates
    repeat column names a lot, so names already seen plain are a set look-up, run by `issuperset` without a
    Python-level loop. A LOB column keeps its Oracle spelling however plain its name (KEEPS_SOURCE_SPELLING)."""
    lobs = frozenset(table.lob_columns)
    if not lobs and plain_seen.issuperset(map(_NAME, table.columns)):
        return
    column_names = list(map(_NAME, table.columns))
    new = [n for n in column_names if n not in plain_seen and is_plain_column(n)]
    plain_seen.update(new)
    if not lobs and plain_seen.issuperset(column_names):
        return
    renamed, conflicts = _scope(((n, n) for n in column_names), columns=True, verbatim=lobs)
    key = (table.owner, table.name)
    names.columns[key] = renamed
    names._oracle_columns[key] = {pg: o for o, pg in renamed.items()}
    kept = [n for n in column_names if renamed.get(n) == n and (n in lobs or dms_cannot_transform(n))]
    if kept:
        names.verbatim[key] = kept
    where = f"{table.owner}.{table.name}"
    for a, b, pg in conflicts:
        second = None if b is None else f"{where}.{b}"
        names.conflicts.append(
            NameConflict(f"{where}.{a}", second, f"{names.schemas[table.owner]}.{names.table(*key)}.{pg}", (key,))
        )
