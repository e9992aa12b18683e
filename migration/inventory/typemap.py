"""Oracle <-> PostgreSQL column types as AWS DMS converts them, and what we recommend for pre-created DDL.

The facts follow the DMS reference (sections 1.1 and 1.2). DMS only creates columns and a primary key, and
several of its choices are poor (NUMBER(10..18) as numeric, TIMESTAMP(9) as varchar), so every mapping carries
both what DMS would create (`dms_type`) and what we put in our own DDL (`postgres_type`), plus a note saying why.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from migration.inventory.model import Column


@dataclass(frozen=True, slots=True)
class TypeMapping:
    """One column type conversion.

    For `oracle_to_postgres` the type fields are PostgreSQL types; for `postgres_to_oracle` (the fallback path)
    the same fields hold ORACLE types: `postgres_type` is then the Oracle type we recommend, `dms_type` the Oracle
    type DMS would create. One dataclass keeps the report and planning code identical for both directions.
    """

    postgres_type: str | None
    dms_type: str | None
    supported: bool
    is_lob: bool
    note: str
    full_lob_only: bool = False
    limited_lob_only: bool = False


# PostgreSQL 15 key words that cannot be a table or column name unquoted: the "reserved" and
# "reserved (can be function or type)" entries of the SQL Key Words appendix (pg_get_keywords catcode R and T).
_PG_RESERVED_TEXT = """
all analyse analyze and any array as asc asymmetric both case cast check collate column constraint create
current_catalog current_date current_role current_time current_timestamp current_user default deferrable desc
distinct do else end except false fetch for foreign from grant group having in initially intersect into lateral
leading limit localtime localtimestamp not null offset on only or order placing primary references returning
select session_user some symmetric table then to trailing true union unique user using variadic when where window
with
authorization binary collation concurrently cross current_schema freeze full ilike inner is isnull join left like
natural notnull outer overlaps right similar tablesample verbose
"""
PG_RESERVED_WORDS = frozenset(_PG_RESERVED_TEXT.split())

PG_MAX_IDENTIFIER_BYTES = 63

# The limits that decide whether a column's type fields can be real. Oracle's own bounds (Oracle Database SQL
# Language Reference, "Data Types": NUMBER, FLOAT, TIMESTAMP, and the character and RAW types with
# MAX_STRING_SIZE=EXTENDED), as (lowest, highest). An export outside them is corrupt (a hand edit, a shifted column),
# so the column is refused with the field and value rather than mapped to a guessed type: a DBA wants the broken
# export fixed, not DDL that silently differs from the source.
ORACLE_NUMBER_PRECISION = (1, 38)
ORACLE_NUMBER_SCALE = (-84, 127)
ORACLE_FLOAT_PRECISION = (1, 126)
ORACLE_FRACTIONAL_SECONDS = (0, 9)
ORACLE_MAX_BYTES = {"CHAR": 2000, "NCHAR": 2000, "VARCHAR2": 32767, "NVARCHAR2": 32767, "RAW": 32767}
# PostgreSQL 15's bounds on what the DDL may write (PostgreSQL documentation 8.1.2 "Arbitrary Precision Numbers":
# numeric precision up to 1000, scale -1000..1000; 8.3 "Character Types": char/varchar length up to 10485760).
# Every type the map derives from an Oracle type within the bounds above lies within these (NUMBER(38,-84) ->
# numeric(122,0), CHAR(2000) -> char(2000), VARCHAR2 beyond 4000 bytes -> text): tests hold the two sets together.
PG_NUMERIC_MAX_PRECISION = 1000
PG_NUMERIC_SCALE = (-1000, 1000)
PG_MAX_CHAR_LENGTH = 10485760


class OracleTypeError(ValueError):
    """Type fields no Oracle column can have; `field` is the export column to blame (DATA_PRECISION ...)."""

    def __init__(self, field: str, message: str):
        super().__init__(f"{field}: {message}")
        self.field = field
        self.detail = message


def _check_range(field: str, what: str, value: int, bounds: tuple[int, int]) -> None:
    if not bounds[0] <= value <= bounds[1]:
        raise OracleTypeError(field, f"{what} must be {bounds[0]}..{bounds[1]} in Oracle, got {value}")


def is_reserved_postgres_word(name: str) -> bool:
    """True when `name` must be quoted to be used as a table or column name in PostgreSQL."""
    return name.lower() in PG_RESERVED_WORDS


def identifier_too_long(name: str) -> bool:
    """PostgreSQL silently truncates identifiers beyond 63 bytes (NAMEDATALEN-1), so such names collide or vanish."""
    return len(name.encode("utf-8")) > PG_MAX_IDENTIFIER_BYTES


# ---------------------------------------------------------------------------------------------- Oracle -> PG

_LOB_NOTE = (
    "LOB: DMS moves it only for tables with a primary or unique key (full load too); with LogMiner, UPDATEs that "
    "change only LOB columns are not replicated; LOB settings apply"
)
_TS_RE = re.compile(r"TIMESTAMP(?:\((\d)\))?( WITH (LOCAL )?TIME ZONE)?")
_IYM_RE = re.compile(r"INTERVAL YEAR(?:\((\d)\))? TO MONTH")
_IDS_RE = re.compile(r"INTERVAL DAY(?:\((\d)\))? TO SECOND(?:\((\d)\))?")
_ALIASES = {
    "INTEGER": "NUMBER",
    "INT": "NUMBER",
    "SMALLINT": "NUMBER",
    "DECIMAL": "NUMBER",
    "NUMERIC": "NUMBER",
    "DEC": "NUMBER",
    "REAL": "FLOAT",
    "DOUBLE PRECISION": "FLOAT",
}


def _plain(pg: str, note: str = "") -> TypeMapping:
    return TypeMapping(pg, pg, True, False, note)


def _lob(pg: str, note: str = _LOB_NOTE, *, full_only: bool = False, limited_only: bool = False) -> TypeMapping:
    return TypeMapping(pg, pg, True, True, note, full_lob_only=full_only, limited_lob_only=limited_only)


def unsupported_mapping(note: str) -> TypeMapping:
    return TypeMapping(None, None, False, False, note)


_SPACE_IN_PARENTHESES = re.compile(r" ?\( ?| ?\)| ?, ?")  # not after ")": TIMESTAMP(6) WITH TIME ZONE


def normalise_oracle_type(data_type: str) -> str:
    """Upper-case, single-spaced, no space around parentheses and commas (TIMESTAMP (6) -> TIMESTAMP(6)), without a
    schema prefix (MDSYS.SDO_GEOMETRY -> SDO_GEOMETRY)."""
    name = " ".join(data_type.upper().split())
    if "(" in name:
        name = _SPACE_IN_PARENTHESES.sub(lambda m: m[0].strip(), name)
    if "." in name and "(" not in name:
        name = name.rsplit(".", 1)[1]
    return name


def oracle_type_text(col: Column) -> str:
    """The type as a DBA would write it in DDL, for reports (NUMBER(12,2), VARCHAR2(100 CHAR))."""
    return _type_text(
        col.data_type,
        col.data_length,
        col.data_precision,
        col.data_scale,
        col.char_used,
        getattr(col, "char_length", None),
    )


def _type_text(
    data_type: str,
    length: int | None,
    precision: int | None,
    scale: int | None,
    char_used: str | None,
    char_length: int | None,
) -> str:
    dt = normalise_oracle_type(data_type)
    if dt == "NUMBER":
        if precision is None:
            return "NUMBER" if scale is None else f"NUMBER(*,{scale})"
        return f"NUMBER({precision})" if not scale else f"NUMBER({precision},{scale})"
    if dt == "FLOAT":
        return f"FLOAT({precision or 126})"
    if dt in ("CHAR", "NCHAR", "VARCHAR2", "NVARCHAR2"):
        n = char_length if char_used == "C" and char_length else length
        unit = "" if dt.startswith("N") else (" CHAR" if char_used == "C" else " BYTE")
        return f"{dt}({n}{unit})"
    if dt == "RAW":
        return f"RAW({length})"
    return data_type


def oracle_to_postgres(col: Column, number_datatype_scale: int = 10) -> TypeMapping:
    """Map one Oracle column; `number_datatype_scale` is the Oracle endpoint setting NumberDatatypeScale."""
    if not -2 <= number_datatype_scale <= 38:
        raise ValueError(f"number_datatype_scale: expected -2..38 (NumberDatatypeScale), got {number_datatype_scale}")
    return _map_oracle(
        col.data_type,
        col.data_length,
        col.data_precision,
        col.data_scale,
        col.char_used,
        getattr(col, "char_length", None),
        number_datatype_scale,
    )


class TypeMapper:
    """`oracle_to_postgres` memoized for one caller's run over many columns (a DDL, a plan): a big estate has a
    million columns but a few hundred distinct type signatures. Per run, not per module: nothing outlives the run
    that filled it."""

    def __init__(self, number_datatype_scale: int = 10) -> None:
        self.number_datatype_scale = number_datatype_scale
        self._memo: dict[tuple[object, ...], TypeMapping] = {}

    def map(self, col: Column) -> TypeMapping:
        signature = col[3:]  # the type fields (and NULLABLE, which no mapping reads: at most twice the entries)
        mapping = self._memo.get(signature)
        if mapping is None:
            mapping = self._memo[signature] = oracle_to_postgres(col, self.number_datatype_scale)
        return mapping


_CHARACTER_TYPES = frozenset(("CHAR", "NCHAR", "VARCHAR2", "NVARCHAR2"))
_INTERVAL_NOTE = (
    "DMS carries intervals as strings (what it creates is uncertain: varchar or interval): "
    "pre-create interval and test one row"
)
# Types whose mapping depends on the name alone. A table rather than branches: one dict look-up, and each entry
# reads as "Oracle type -> what we recommend and why". TypeMapping is frozen, so sharing the instances is safe.
_ORACLE_BY_NAME: dict[str, TypeMapping] = {
    # numbers
    "BINARY_FLOAT": _plain("real"),
    "BINARY_DOUBLE": _plain("double precision"),
    # date and time
    "DATE": TypeMapping(
        "timestamp(0)",
        "timestamp",
        True,
        False,
        "Oracle DATE carries a time of day (never PostgreSQL date); it has no fractional seconds",
    ),
    # LOBs and the types DMS moves as LOBs
    "CLOB": _lob("text"),
    "NCLOB": _lob("text"),
    "BLOB": _lob("bytea"),
    "LONG": _lob(
        "text",
        "LONG is moved as a LOB in limited LOB mode only (values above the limit are truncated), "
        "not in full LOB mode or batch-optimized apply; the table needs a primary key",
        limited_only=True,
    ),
    "LONG RAW": _lob(
        "bytea",
        "LONG RAW is moved as a LOB in limited LOB mode only (values above the limit are "
        "truncated), not in full LOB mode or batch-optimized apply; the table needs a "
        "primary key",
        limited_only=True,
    ),
    # DMS guide, Using an Oracle database as a source, "Source data types for Oracle" (awsdocs/aws-dms-user-guide
    # CHAP_Source.Oracle.md): XMLTYPE -> CLOB with no LOB-mode restriction, unlike LONG/LONG RAW; copies of that
    # table differ, this one is followed. Batch apply still leaves it out (migration.planning.planner.batch).
    "XMLTYPE": _lob(
        "text",
        "XMLTYPE is moved as a CLOB (limited or full LOB mode); LogMiner does not replicate UPDATEs of XMLTYPE columns",
    ),
    "SDO_GEOMETRY": _lob(
        "geometry",
        "SDO_GEOMETRY needs PostGIS on the target (CREATE EXTENSION postgis), full LOB "
        "mode, and a primary key AND a unique key on the table, else DMS skips it",
        full_only=True,
    ),
}


def _map_oracle(
    dt: str,
    length: int | None,
    precision: int | None,
    scale: int | None,
    char_used: str | None,
    char_length: int | None,
    nds: int,
) -> TypeMapping:
    """The type attributes only: notes never name the column, so callers that map a million columns memoize by
    these attributes (`TypeMapper`) and pay for a few hundred distinct calls.

    Name-only types come from `_ORACLE_BY_NAME`; the families whose mapping depends on size, precision or a
    parsed type name each have their own step below."""
    dt = normalise_oracle_type(dt)
    if dt in ("INTEGER", "INT", "SMALLINT") and scale is None:
        scale = 0  # the ANSI integer names are NUMBER(*,0)
    dt = _ALIASES.get(dt, dt)
    by_name = _ORACLE_BY_NAME.get(dt)
    if by_name is not None:
        return by_name
    if dt == "NUMBER":
        return _number(precision, scale, nds)
    if dt == "FLOAT":
        return _float(precision)
    if dt in _CHARACTER_TYPES:
        return _character(dt, length, char_used, char_length)
    if dt == "RAW":
        return _raw(length)
    temporal = _oracle_timestamp_or_interval(dt, scale)
    if temporal is not None:
        return temporal
    return unsupported_mapping(_unsupported_note(dt))


def _float(precision: int | None) -> TypeMapping:
    """FLOAT(p) counts binary digits (default 126): up to 24 fits real, beyond that only double precision comes
    close, and the note says how many decimal digits the Oracle column can really hold."""
    p = precision or 126
    _check_range("DATA_PRECISION", "FLOAT precision", p, ORACLE_FLOAT_PRECISION)
    if p <= 24:
        return _plain("real", f"FLOAT({p}) is binary precision {p} <= 24: real keeps ~6 decimal digits")
    return _plain(
        "double precision",
        f"FLOAT({p}) holds up to {min(38, (p * 30103 + 99999) // 100000)} "
        "decimal digits, double precision keeps ~15: pre-create numeric "
        "if exact values matter",
    )


def _raw(length: int | None) -> TypeMapping:
    """RAW above 2000 bytes is an extended type that DMS moves as a LOB, so it picks up the LOB rules."""
    if length is not None:
        _check_range("DATA_LENGTH", "RAW length", length, (1, ORACLE_MAX_BYTES["RAW"]))
    if length is not None and length > 2000:
        return _lob(
            "bytea",
            f"RAW({length}) is an extended type (> 2000 bytes), stored and moved as a LOB (uncertain); {_LOB_NOTE}",
        )
    return _plain("bytea")


def _oracle_timestamp_or_interval(dt: str, scale: int | None) -> TypeMapping | None:
    """TIMESTAMP and INTERVAL carry their precision inside the type name, so they are parsed rather than looked
    up; None when `dt` is neither. A bare TIMESTAMP takes its precision from DATA_SCALE (default 6)."""
    if m := _TS_RE.fullmatch(dt):
        if m[1] is None and scale is not None:
            _check_range("DATA_SCALE", "TIMESTAMP fractional seconds precision", scale, ORACLE_FRACTIONAL_SECONDS)
        return _timestamp(int(m[1]) if m[1] else (scale if scale is not None else 6), bool(m[2]), bool(m[3]))
    if _IYM_RE.fullmatch(dt):
        return TypeMapping("interval", "varchar", True, False, _INTERVAL_NOTE)
    if m := _IDS_RE.fullmatch(dt):
        frac = int(m[2]) if m[2] else 6
        note = _INTERVAL_NOTE
        if frac > 6:
            note += f"; PostgreSQL keeps 6 fractional digits, the last {frac - 6} are rounded"
        return TypeMapping("interval", "varchar", True, False, note)
    return None


def _unsupported_note(dt: str) -> str:
    if dt == "BFILE":
        return (
            "BFILE is not migrated by DMS (arrives NULL); remedy: copy the files out of band and store a path "
            "or bytea, or exclude the column"
        )
    if dt in ("ROWID", "UROWID"):
        return (
            f"{dt} is not migrated by DMS (arrives NULL) and physical row ids mean nothing on PostgreSQL; "
            "remedy: stop depending on it and exclude the column"
        )
    if dt == "ANYDATA":
        return (
            "ANYDATA is not supported by DMS; remedy: convert the values to a typed or text column in a staging "
            "table or view, or exclude the column"
        )
    if dt.startswith("REF "):
        return (
            "REF columns are not supported by DMS; remedy: store the referenced object's key instead, "
            "or exclude the column"
        )
    if dt == "VARRAY":
        return (
            "VARRAY columns are not supported by DMS; remedy: unnest them into a child table (or JSON text) "
            "before migrating, or exclude the column"
        )
    return (
        f"{dt} is not a built-in type DMS migrates (user-defined object, VARRAY, nested table or unknown type); "
        "remedy: expose its attributes as scalar columns (view or staging table) and migrate those, "
        "or exclude the column"
    )


def _integer_type(digits: int) -> str:
    return "smallint" if digits <= 4 else "integer" if digits <= 9 else "bigint"


def _number(precision: int | None, scale: int | None, nds: int) -> TypeMapping:
    if precision is not None:
        _check_range("DATA_PRECISION", "NUMBER precision", precision, ORACLE_NUMBER_PRECISION)
    if scale is not None:
        _check_range("DATA_SCALE", "NUMBER scale", scale, ORACLE_NUMBER_SCALE)
    if precision is not None and scale is None:
        scale = 0  # NUMBER(p) is NUMBER(p,0); an export may leave DATA_SCALE empty for it
    if precision is None and scale is None:
        if nds == -1:
            return _plain(
                "double precision",
                "unconstrained NUMBER with NumberDatatypeScale=-1 becomes double "
                "precision: values beyond ~15 significant digits are rounded",
            )
        if nds == -2:
            return _plain(
                "varchar",
                "unconstrained NUMBER with NumberDatatypeScale=-2 is moved as a string; "
                "pre-create numeric if the column is used as a number",
            )
        return _plain(
            f"numeric(38,{nds})",
            f"unconstrained NUMBER: DMS uses NumberDatatypeScale={nds} -> "
            f"numeric(38,{nds}); more fractional digits are rounded, integers get "
            f"{nds} useless decimals: check the data and pre-create a tighter type",
        )
    if precision is None:  # NUMBER(*,s); INTEGER is NUMBER(*,0)
        if scale == 0:
            return _plain(
                "numeric(38,0)",
                "INTEGER (NUMBER(*,0)): what DMS creates is uncertain (numeric(38,0) "
                "or double precision); pre-create the column",
            )
        precision = 38
    assert scale is not None
    if scale < 0:
        digits = precision - scale
        return TypeMapping(
            f"numeric({digits},0)",
            "double precision",
            True,
            False,
            f"NUMBER({precision},{scale}) has a negative scale: DMS would create double precision "
            f"(lossy for large values); numeric({digits},0) is exact",
        )
    if scale == 0:
        if precision <= 9:
            return _plain(_integer_type(precision))
        if precision <= 18:
            return TypeMapping(
                "bigint",
                f"numeric({precision},0)",
                True,
                False,
                f"DMS would create numeric({precision},0); bigint is faster and exact for "
                f"{precision} digits (pre-create it or add a change-data-type int8 rule)",
            )
        return _plain(f"numeric({precision},0)")
    note = "scale > precision needs PostgreSQL 15 or later" if scale > precision else ""
    return _plain(f"numeric({precision},{scale})", note)


def _timestamp(frac: int, with_tz: bool, local: bool) -> TypeMapping:
    kept = min(frac, 6)
    loss = (
        f"PostgreSQL keeps 6 fractional digits: the last {frac - 6} of TIMESTAMP({frac}) are rounded"
        if frac > 6
        else ""
    )
    if not with_tz:
        if frac <= 6:
            return _plain(f"timestamp({frac})")
        return TypeMapping(
            "timestamp(6)", "varchar(37)", True, False, f"DMS would create varchar(37) for TIMESTAMP({frac}); {loss}"
        )
    kind = "WITH LOCAL TIME ZONE" if local else "WITH TIME ZONE"
    note = (
        f"TIMESTAMP {kind} is moved as a string in the source time zone unless ConvertTimestampWithZoneToUTC="
        "true; what DMS creates is uncertain (varchar or timestamptz): pre-create timestamptz"
    )
    return TypeMapping(f"timestamp({kept}) with time zone", "varchar", True, False, f"{note}; {loss}" if loss else note)


def _character(dt: str, length: int | None, char_used: str | None, char_length: int | None) -> TypeMapping:
    if length is None:
        raise OracleTypeError("DATA_LENGTH", f"required for {dt}, got an empty value")
    _check_range("DATA_LENGTH", f"{dt} length in bytes", length, (1, ORACLE_MAX_BYTES[dt]))
    if char_used == "C" and char_length and char_length > length:
        raise OracleTypeError(
            "CHAR_LENGTH", f"{dt} length in characters must be at most DATA_LENGTH {length}, got {char_length}"
        )
    if dt in ("VARCHAR2", "NVARCHAR2") and length > 4000:
        return _lob(
            "text", f"{dt} longer than 4000 bytes is an extended type: DMS moves it as a CLOB (DMS 3.5.0+); {_LOB_NOTE}"
        )
    n = char_length if char_used == "C" and char_length else length
    notes = []
    if char_used == "C" and not char_length:
        notes.append("CHAR semantics but CHAR_LENGTH not exported: sized from DATA_LENGTH in bytes (an upper bound)")
    elif char_used == "B":
        notes.append(
            f"BYTE semantics: fits (PostgreSQL counts characters), but multibyte text written back on "
            f"fallback may exceed {length} bytes"
        )
    if dt in ("CHAR", "NCHAR"):
        notes.insert(
            0,
            f"DMS would create varchar({n}) and trims trailing blanks (TrimSpaceInChar); "
            f"char({n}) keeps Oracle's blank-padded semantics",
        )
        return TypeMapping(f"char({n})", f"varchar({n})", True, False, "; ".join(notes))
    return _plain(f"varchar({n})", "; ".join(notes))
