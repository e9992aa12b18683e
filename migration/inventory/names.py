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
- A column name holding `#`, `\\`, `/` or `-` keeps its Oracle spelling (`KEEPS_SOURCE_SPELLING`): DMS transforms
  no such column, so it arrives as DMS sends it and no rule could rename it.
- A LOB column takes no rule of its own but `remove-column` (`LOB_FOLD_ONLY`): its PostgreSQL name is the wildcard
  fold, its lower-case form. A fold PostgreSQL cannot take (a system column, over 63 bytes, another column's name)
  is a `NameConflict`; a name the fold back cannot restore (not plain upper case) stops the fallback (naming).
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
    "DMS performs no transformation on a column whose name holds # \\ / or - (DMS User Guide, Transformation rules "
    "and actions: Limitations)"
)
"""Why a column named with # \\ / or - keeps its Oracle spelling (quoted, `"A-B"`) on both sides: DMS User Guide,
"Transformation rules and actions", Limitations: "Transformations cannot be performed on columns that contain special
characters (e.g. #, \\, /, -) in their name". The DDL creates it so and neither mapping names it in a rule."""
LOB_FOLD_ONLY = (
    "DMS supports no rule on a LOB column but remove-column (DMS User Guide, Transformation rules and actions: "
    "Limitations), so it lands under the wildcard convert-lowercase fold of the AWS Knowledge Center Oracle -> "
    "PostgreSQL setup"
)
"""The decision for LOB columns (`Table.lob_columns`: BLOB, CLOB, NCLOB, XMLTYPE, LONG, LONG RAW, SDO_GEOMETRY).

DMS User Guide, "Transformation rules and actions", Limitations: "The only supported transformation for columns that
are mapped to BLOB/CLOB data types is to drop the column on the target". AWS Knowledge Center, "How do I use AWS DMS
mapping rules to migrate an Oracle schema to PostgreSQL in lowercase?", prescribes wildcard `convert-lowercase`
rules for schema, tables and columns (`column-name: %`) with no LOB exception: the canonical setup, and what the
mappings emit. So a LOB column never gets an explicit rule but `remove-column`, in either direction, and its
PostgreSQL name is what the wildcard gives, its lower-case form (`NOTES` -> `notes`, `ScanImage` -> `scanimage`),
which the DDL creates. Where the name map would need an explicit rule there is none to give: a fold PostgreSQL
cannot take (a system column name, over 63 bytes, another column's name) is refused, and with the fallback on, a
name `convert-uppercase` cannot restore (not plain upper case: `ScanImage`) is refused. Names holding # \\ / -
stay verbatim whatever their type (KEEPS_SOURCE_SPELLING). The guide does not say the wildcard reaches LOB columns:
the plan asks the DBA to check one such table in the first test load."""
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
    lob: str = ""  # why a LOB column's fold cannot stand (LOB_FOLD_ONLY), when the conflict is one

    def message(self) -> str:
        if self.lob:
            return (
                f"{self.first}: a LOB column whose wildcard fold {self.lob}, and DMS supports no rule on a LOB column "
                "but remove-column: rename it in Oracle, or leave the table out with migration.exclude"
            )
        if self.second is None:
            return (
                f"{self.first}: longer than {PG_MAX_IDENTIFIER_BYTES} bytes and DMS cannot rename a column holding "
                "# \\ / or -: rename it in Oracle or leave it out"
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
    """A column name holding # \\ / or -: DMS performs no transformation on it (KEEPS_SOURCE_SPELLING), so it keeps
    its Oracle spelling on both sides."""
    return _UNTRANSFORMABLE.search(column) is not None


def lob_fold_refusal(folded: str, system: bool) -> str:
    """Why a LOB column's wildcard fold cannot be its PostgreSQL name (LOB_FOLD_ONLY), for NameConflict.lob."""
    if system:
        return f"{folded} is a PostgreSQL system column name, which CREATE TABLE refuses"
    return f"{folded} is longer than {PG_MAX_IDENTIFIER_BYTES} bytes, which PostgreSQL would cut"


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
    items: Iterable[tuple[K, str]], *, columns: bool, lobs: Container[str] = ()
) -> tuple[dict[K, str], list[tuple[K, K | None, str]]]:
    """PostgreSQL names for the objects of one scope (a table's columns, a schema's tables), given as (key, Oracle
    name): the names that are not plain and take a rule (or stay verbatim), and the conflicts as (first key, second
    key or None, postgres name). `lobs` (columns only): the table's LOB columns, which take the fold and no rule."""
    taken: dict[str, K] = {}  # postgres name -> the object holding it
    out: dict[K, str] = {}
    conflicts: list[tuple[K, K | None, str]] = []
    long: list[tuple[str, K]] = []
    plain_check = _PLAIN_COLUMN.fullmatch if columns else _PLAIN.fullmatch
    for key, name in items:
        special = columns and _UNTRANSFORMABLE.search(name) is not None
        system = columns and name.lower() in PG_SYSTEM_COLUMNS
        plain = not special and not system and plain_check(name) is not None
        lob = not plain and not special and name in lobs
        if plain:
            pg = name.lower()
        elif special:
            if _too_long(name):
                conflicts.append((key, None, name))
                continue
            pg = name
        elif lob:  # LOB_FOLD_ONLY: the wildcard fold or nothing
            pg = name.lower()
            if _too_long(pg) or system:
                conflicts.append((key, None, pg))
                continue
        else:
            pg = name.lower()
            if _too_long(pg) or system:  # one scheme for names PostgreSQL cannot take: a hash-suffixed name
                long.append((name, key))
                continue
        if not plain and not lob:
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

    `tables` and `columns` hold only the names that are not plain and take a rule (or stay verbatim); everything
    else, LOB columns included, is its lower-case form."""

    schemas: dict[str, str]  # Oracle owner -> PostgreSQL schema, every owner
    tables: dict[tuple[str, str], str] = field(default_factory=dict)  # (owner, table) -> PostgreSQL table
    columns: dict[tuple[str, str], dict[str, str]] = field(default_factory=dict)  # (owner, table) -> {col: pg}
    conflicts: list[NameConflict] = field(default_factory=list)
    # (owner, table) -> its LOB columns that are not plain upper case: they land by the wildcard fold alone
    # (LOB_FOLD_ONLY), and the fold back cannot restore them; in table order
    lob_folds: dict[tuple[str, str], list[str]] = field(default_factory=dict)
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
        renamed; a column kept verbatim needs none, and a LOB column never has one)."""
        return {o: p for o, p in self.columns.get((owner, table), {}).items() if not dms_cannot_transform(o)}

    def kept_verbatim(self, owner: str, table: str) -> list[str]:
        """Columns of a table whose names DMS cannot transform (KEEPS_SOURCE_SPELLING), so PostgreSQL gets them as
        Oracle spells them."""
        return [o for o in self.columns.get((owner, table), {}) if dms_cannot_transform(o)]

    def folded_lobs(self, owner: str, table: str) -> list[str]:
        """LOB columns of a table that are not plain upper case (`ScanImage`): they land as their lower-case form by
        the wildcard fold alone (LOB_FOLD_ONLY), and no rule can bring them back to their Oracle spelling."""
        return list(self.lob_folds.get((owner, table), ()))

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
    """The fast path first: a table whose columns are all plain needs nothing stored (a plain LOB column's fold is
    what a plain column gets). Estates repeat column names a lot, so names already seen plain are a set look-up,
    run by `issuperset` without a Python-level loop."""
    if plain_seen.issuperset(map(_NAME, table.columns)):
        return
    column_names = list(map(_NAME, table.columns))
    new = [n for n in column_names if n not in plain_seen and is_plain_column(n)]
    plain_seen.update(new)
    if plain_seen.issuperset(column_names):
        return
    lobs = frozenset(table.lob_columns)
    renamed, conflicts = _scope(((n, n) for n in column_names), columns=True, lobs=lobs)
    key = (table.owner, table.name)
    names.columns[key] = renamed
    names._oracle_columns[key] = {pg: o for o, pg in renamed.items()}
    folds = [n for n in column_names if n in lobs and not dms_cannot_transform(n) and not is_plain(n)]
    if folds:
        names.lob_folds[key] = folds
    where = f"{table.owner}.{table.name}"
    pg_table = f"{names.schemas[table.owner]}.{names.table(*key)}"
    for a, b, pg in conflicts:
        if b is not None and b in lobs and a not in lobs:
            a, b = b, a  # the LOB column first: it is the one no rule can move
        second = None if b is None else f"{where}.{b}"
        why = _lob_why(a, second, pg, lobs)
        names.conflicts.append(NameConflict(f"{where}.{a}", second, f"{pg_table}.{pg}", (key,), why))


def _lob_why(column: str, other: str | None, pg: str, lobs: frozenset[str]) -> str:
    """The NameConflict.lob text when LOB column `column` is the one in conflict, else "" (LOB_FOLD_ONLY)."""
    if column not in lobs or dms_cannot_transform(column):
        return ""
    if other is None:
        return lob_fold_refusal(pg, pg in PG_SYSTEM_COLUMNS)
    return f"{pg} is also where {other} lands"
