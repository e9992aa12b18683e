"""Oracle <-> PostgreSQL column types as AWS DMS converts them, and what we recommend for pre-created DDL.

The facts follow the DMS reference (sections 1.1 and 1.2). DMS only creates columns and a primary key, and
several of its choices are poor (NUMBER(10..18) as numeric, TIMESTAMP(9) as varchar), so every mapping carries
both what DMS would create (`dms_type`) and what we put in our own DDL (`postgres_type`), plus a note saying why.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
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
_PG_RESERVED_WORDS = """
all analyse analyze and any array as asc asymmetric both case cast check collate column constraint create
current_catalog current_date current_role current_time current_timestamp current_user default deferrable desc
distinct do else end except false fetch for foreign from grant group having in initially intersect into lateral
leading limit localtime localtimestamp not null offset on only or order placing primary references returning
select session_user some symmetric table then to trailing true union unique user using variadic when where window
with
authorization binary collation concurrently cross current_schema freeze full ilike inner is isnull join left like
natural notnull outer overlaps right similar tablesample verbose
"""
_PG_RESERVED = frozenset(_PG_RESERVED_WORDS.split())

PG_MAX_IDENTIFIER_BYTES = 63


def is_reserved_postgres_word(name: str) -> bool:
    """True when `name` must be quoted to be used as a table or column name in PostgreSQL."""
    return name.lower() in _PG_RESERVED


def identifier_too_long(name: str) -> bool:
    """PostgreSQL silently truncates identifiers beyond 63 bytes (NAMEDATALEN-1), so such names collide or vanish."""
    return len(name.encode("utf-8")) > PG_MAX_IDENTIFIER_BYTES


# ---------------------------------------------------------------------------------------------- Oracle -> PG

_LOB_NOTE = "LOB: the table needs a primary or unique key for CDC (DMS looks LOBs up by key); LOB settings apply"
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


def _unsupported(note: str) -> TypeMapping:
    return TypeMapping(None, None, False, False, note)


@lru_cache(maxsize=4096)
def normalise_oracle_type(data_type: str) -> str:
    """Upper-case, single-spaced, without a schema prefix (MDSYS.SDO_GEOMETRY -> SDO_GEOMETRY)."""
    name = " ".join(data_type.upper().split())
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


@lru_cache(maxsize=8192)
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


@lru_cache(maxsize=8192)
def _map_oracle(
    dt: str,
    length: int | None,
    precision: int | None,
    scale: int | None,
    char_used: str | None,
    char_length: int | None,
    nds: int,
) -> TypeMapping:
    """Cached on the type attributes only: notes never name the column, so a million columns cost a few hundred
    distinct calls."""
    dt = normalise_oracle_type(dt)
    if dt in ("INTEGER", "INT", "SMALLINT") and scale is None:
        scale = 0
    dt = _ALIASES.get(dt, dt)
    if dt == "NUMBER":
        return _number(precision, scale, nds)
    if dt == "FLOAT":
        p = precision or 126
        if p <= 24:
            return _plain("real", f"FLOAT({p}) is binary precision {p} <= 24: real keeps ~6 decimal digits")
        return _plain(
            "double precision",
            f"FLOAT({p}) holds up to {min(38, (p * 30103 + 99999) // 100000)} "
            "decimal digits, double precision keeps ~15: pre-create numeric "
            "if exact values matter",
        )
    if dt == "BINARY_FLOAT":
        return _plain("real")
    if dt == "BINARY_DOUBLE":
        return _plain("double precision")
    if dt == "DATE":
        return TypeMapping(
            "timestamp(0)",
            "timestamp",
            True,
            False,
            "Oracle DATE carries a time of day (never PostgreSQL date); it has no fractional seconds",
        )
    if m := _TS_RE.fullmatch(dt):
        return _timestamp(int(m[1]) if m[1] else (scale if scale is not None else 6), bool(m[2]), bool(m[3]))
    if m := _IYM_RE.fullmatch(dt):
        return TypeMapping(
            "interval",
            "varchar",
            True,
            False,
            "DMS carries intervals as strings (what it creates is uncertain: varchar or interval): "
            "pre-create interval and test one row",
        )
    if m := _IDS_RE.fullmatch(dt):
        frac = int(m[2]) if m[2] else 6
        note = (
            "DMS carries intervals as strings (what it creates is uncertain: varchar or interval): "
            "pre-create interval and test one row"
        )
        if frac > 6:
            note += f"; PostgreSQL keeps 6 fractional digits, the last {frac - 6} are rounded"
        return TypeMapping("interval", "varchar", True, False, note)
    if dt in ("CHAR", "NCHAR", "VARCHAR2", "NVARCHAR2"):
        return _character(dt, length, char_used, char_length)
    if dt == "RAW":
        if length is not None and length > 2000:
            return _lob(
                "bytea",
                f"RAW({length}) is an extended type (> 2000 bytes), stored and moved as a LOB (uncertain); {_LOB_NOTE}",
            )
        return _plain("bytea")
    if dt == "CLOB":
        return _lob("text")
    if dt == "NCLOB":
        return _lob("text")
    if dt == "BLOB":
        return _lob("bytea")
    if dt == "LONG":
        return _lob(
            "text",
            "LONG is moved as a LOB in limited LOB mode only (values above the limit are truncated), "
            "not in full LOB mode or batch-optimized apply; the table needs a primary key",
            limited_only=True,
        )
    if dt == "LONG RAW":
        return _lob(
            "bytea",
            "LONG RAW is moved as a LOB in limited LOB mode only (values above the limit are "
            "truncated), not in full LOB mode or batch-optimized apply; the table needs a "
            "primary key",
            limited_only=True,
        )
    if dt == "XMLTYPE":
        return _lob(
            "text",
            "XMLTYPE is moved as a CLOB in limited LOB mode only; LogMiner does not replicate "
            "UPDATEs of XMLTYPE columns",
            limited_only=True,
        )
    if dt == "SDO_GEOMETRY":
        return _lob(
            "geometry",
            "SDO_GEOMETRY needs PostGIS on the target (CREATE EXTENSION postgis), full LOB "
            "mode, and a primary key AND a unique key on the table, else DMS skips it",
            full_only=True,
        )
    return _unsupported(_unsupported_note(dt))


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
        raise ValueError(f"{dt}: DATA_LENGTH is required for character types")
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


# ---------------------------------------------------------------------------------------------- PG -> Oracle

_PG_NUMERIC_RE = re.compile(r"(?:numeric|decimal)\s*(?:\(\s*(\d+)\s*(?:,\s*(-?\d+)\s*)?\))?")
_PG_CHAR_RE = re.compile(
    r"(character varying|varchar|character|char|bpchar|nchar|national character)"
    r"\s*(?:\(\s*(\d+)\s*\))?"
)
_PG_TS_RE = re.compile(r"(timestamptz|timestamp)\s*(?:\(\s*(\d)\s*\))?\s*(with time zone|without time zone)?")
_PG_TIME_RE = re.compile(r"(timetz|time)\s*(?:\(\s*\d\s*\))?\s*(with time zone|without time zone)?")
_PG_INTS = {
    "smallint": "NUMBER(5)",
    "int2": "NUMBER(5)",
    "smallserial": "NUMBER(5)",
    "serial2": "NUMBER(5)",
    "integer": "NUMBER(10)",
    "int": "NUMBER(10)",
    "int4": "NUMBER(10)",
    "serial": "NUMBER(10)",
    "serial4": "NUMBER(10)",
    "bigint": "NUMBER(19)",
    "int8": "NUMBER(19)",
    "bigserial": "NUMBER(19)",
    "serial8": "NUMBER(19)",
}
_PG_STRINGY = (
    "inet",
    "cidr",
    "macaddr",
    "macaddr8",
    "bit",
    "bit varying",
    "varbit",
    "point",
    "box",
    "circle",
    "line",
    "lseg",
    "int4range",
    "int8range",
    "numrange",
    "tsrange",
    "tstzrange",
    "daterange",
    "int4multirange",
    "int8multirange",
    "nummultirange",
    "tsmultirange",
    "tstzmultirange",
    "datemultirange",
)
_PG_LOB_NOTE = "LOB on the Oracle side: LOB settings apply and the table needs a primary key"


def _ora(oracle: str, dms: str | None = None, note: str = "", *, lob: bool = False) -> TypeMapping:
    return TypeMapping(oracle, dms or oracle, True, lob, note)


def postgres_to_oracle(pg_type: str) -> TypeMapping:
    """Fallback path (PG -> Oracle). Returned `postgres_type` holds the Oracle type we recommend, `dms_type`
    the Oracle type DMS would create."""
    t = " ".join(pg_type.lower().split())
    if not t:
        raise ValueError("pg_type: empty type name")
    if t.endswith("]") or t.startswith("_"):
        return _ora(
            "CLOB",
            "NCLOB",
            "arrays are moved as NCLOB text; a table with an ARRAY column needs a primary "
            "key or it is suspended in full load",
            lob=True,
        )
    if t in _PG_INTS:
        return _ora(_PG_INTS[t])
    if m := _PG_NUMERIC_RE.fullmatch(t):
        if m[1] is None:
            return _ora(
                "NUMBER",
                "NUMBER(28,6)",
                "unconstrained numeric is carried as NUMERIC(28,6): values are "
                "silently rounded to 6 decimals (0.611111104488373 -> 0.611111); "
                "constrain the PostgreSQL column or accept the rounding",
            )
        p, s = int(m[1]), int(m[2] or 0)
        if p <= 38:
            return _ora(f"NUMBER({p})" if s == 0 else f"NUMBER({p},{s})")
        return _ora(
            f"VARCHAR2({p + 2})", "VARCHAR2", f"numeric({p},{s}) exceeds Oracle's 38 digits: DMS moves it as a string"
        )
    if t in ("real", "float4"):
        return _ora(
            "BINARY_FLOAT",
            "FLOAT",
            "DMS documents FLOAT for real (BINARY_FLOAT in the engine lineage); pre-create the Oracle column",
        )
    if t in ("double precision", "float8", "float"):
        return _ora(
            "BINARY_DOUBLE",
            "FLOAT",
            "DMS creates FLOAT (decimal, 126 bits); BINARY_DOUBLE keeps the IEEE value exactly",
        )
    if t == "money":
        return _ora("NUMBER(38,4)")
    if m := _PG_CHAR_RE.fullmatch(t):
        fixed = m[1] in ("character", "char", "bpchar", "nchar", "national character")
        n = int(m[2]) if m[2] else (1 if fixed and m[1] != "bpchar" else None)
        if n is None or n > 2000:
            return _ora(
                "CLOB",
                "NCLOB",
                f"{pg_type} longer than 2000 characters (or unbounded) becomes NCLOB; {_PG_LOB_NOTE}",
                lob=True,
            )
        ora = f"CHAR({n} CHAR)" if fixed else f"VARCHAR2({n} CHAR)"
        return _ora(
            ora,
            f"NVARCHAR2({n})",
            "DMS creates national-character types; pre-create the Oracle column "
            "with CHAR semantics (PostgreSQL counts characters)",
        )
    if t == "text":
        return _ora("CLOB", "NCLOB", f"text becomes NCLOB; {_PG_LOB_NOTE}", lob=True)
    if t == "bytea":
        return _ora("BLOB", "BLOB", _PG_LOB_NOTE, lob=True)
    if t in ("boolean", "bool"):
        return _ora(
            "NUMBER(1)",
            "VARCHAR2(5)",
            "boolean is moved as the strings 'true'/'false' (VARCHAR2(5)) "
            "unless MapBooleanAsBoolean=true on both endpoints; pre-create "
            "the Oracle column and transform",
        )
    if t == "date":
        return _ora("DATE")
    if m := _PG_TIME_RE.fullmatch(t):
        tz = m[1] == "timetz" or m[2] == "with time zone"
        return _ora(
            "TIMESTAMP(0)",
            "TIMESTAMP(0)",
            "time of day is stored as TIMESTAMP(0) with a date part" + ("; the time zone offset is lost" if tz else ""),
        )
    if m := _PG_TS_RE.fullmatch(t):
        frac = m[2] or "6"
        if m[1] == "timestamptz" or m[3] == "with time zone":
            return _ora(
                f"TIMESTAMP({frac})",
                f"TIMESTAMP({frac})",
                "time zone information is lost (stored as a plain timestamp): normalise values to UTC",
            )
        return _ora(f"TIMESTAMP({frac})")
    if t.startswith("interval"):
        return _ora(
            "VARCHAR2(128)",
            "VARCHAR2(128)",
            "interval is moved as text; Oracle INTERVAL types cannot parse PostgreSQL's interval format",
        )
    if t in ("json", "jsonb"):
        return _ora("CLOB", "NCLOB", f"{t} becomes NCLOB (MapJsonbAsClob=true gives CLOB); {_PG_LOB_NOTE}", lob=True)
    if t == "uuid":
        return _ora("VARCHAR2(36)", "VARCHAR2", "uuid is moved as a string")
    if t in ("hstore",):
        return _ora("CLOB", "NCLOB", f"hstore becomes NCLOB; {_PG_LOB_NOTE}", lob=True)
    if t in _PG_STRINGY or re.fullmatch(r"(bit|bit varying|varbit)\s*\(\s*\d+\s*\)", t):
        return _ora("VARCHAR2(255)", "VARCHAR2", f"{t} is moved as its text form")
    if t in ("path", "polygon"):
        return _ora("CLOB", "CLOB", f"{t} is moved as text into a CLOB; {_PG_LOB_NOTE}", lob=True)
    if t in ("xml", "tsvector", "tsquery"):
        return _ora("CLOB", "CLOB", f"{t} is moved as a CLOB; {_PG_LOB_NOTE}", lob=True)
    if t in ("lo", "oid"):
        return _unsupported(
            f"{t} large objects are not migrated by DMS; remedy: convert them to bytea before the "
            "fallback, or exclude the column"
        )
    if t.startswith(("geometry", "geography")) or t in ("box2d", "box3d", "raster"):
        return _unsupported(
            "PostGIS types are migrated by DMS only between PostgreSQL databases; remedy: convert "
            "to WKT text or SDO_GEOMETRY outside DMS, or exclude the column"
        )
    return _unsupported(
        f"{t} is not a built-in PostgreSQL type DMS maps (user-defined, composite or domain); if it "
        "is an enum DMS writes VARCHAR2(64); remedy: cast it to a built-in type in a view, or exclude "
        "the column"
    )
