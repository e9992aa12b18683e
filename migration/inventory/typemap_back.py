"""PostgreSQL -> Oracle types, for the way back: what the reverse task writes into Oracle for each PostgreSQL
type the forward path created (and which types DMS cannot carry back at all)."""

from __future__ import annotations

import re

from migration.inventory.typemap import TypeMapping, unsupported_mapping

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


_PG_BIT_RE = re.compile(r"(bit|bit varying|varbit)\s*\(\s*\d+\s*\)")
_PG_FIXED_CHAR = ("character", "char", "bpchar", "nchar", "national character")
_PG_ARRAY = _ora(
    "CLOB",
    "NCLOB",
    "arrays are moved as NCLOB text; a table with an ARRAY column needs a primary key or it is suspended in full load",
    lob=True,
)
_PG_INTERVAL = _ora(
    "VARCHAR2(128)",
    "VARCHAR2(128)",
    "interval is moved as text; Oracle INTERVAL types cannot parse PostgreSQL's interval format",
)
_PG_POSTGIS = unsupported_mapping(
    "PostGIS types are migrated by DMS only between PostgreSQL databases; remedy: convert "
    "to WKT text or SDO_GEOMETRY outside DMS, or exclude the column"
)


def _pg_text_form(t: str) -> TypeMapping:
    return _ora("VARCHAR2(255)", "VARCHAR2", f"{t} is moved as its text form")


# Types whose mapping depends on the (normalised) name alone, grouped by family. A table rather than branches: one
# dict look-up before any regular expression runs. TypeMapping is frozen, so sharing the instances is safe.
_PG_BY_NAME: dict[str, TypeMapping] = {
    # numbers
    **{name: _ora(oracle) for name, oracle in _PG_INTS.items()},
    **dict.fromkeys(
        ("real", "float4"),
        _ora(
            "BINARY_FLOAT",
            "FLOAT",
            "DMS documents FLOAT for real (BINARY_FLOAT in the engine lineage); pre-create the Oracle column",
        ),
    ),
    **dict.fromkeys(
        ("double precision", "float8", "float"),
        _ora(
            "BINARY_DOUBLE",
            "FLOAT",
            "DMS creates FLOAT (decimal, 126 bits); BINARY_DOUBLE keeps the IEEE value exactly",
        ),
    ),
    "money": _ora("NUMBER(38,4)"),
    **dict.fromkeys(
        ("boolean", "bool"),
        _ora(
            "NUMBER(1)",
            "VARCHAR2(5)",
            "boolean is moved as the strings 'true'/'false' (VARCHAR2(5)) "
            "unless MapBooleanAsBoolean=true on both endpoints; pre-create "
            "the Oracle column and transform",
        ),
    ),
    # character and binary LOBs
    "text": _ora("CLOB", "NCLOB", f"text becomes NCLOB; {_PG_LOB_NOTE}", lob=True),
    "bytea": _ora("BLOB", "BLOB", _PG_LOB_NOTE, lob=True),
    # date and time (time, timestamp and interval carry modifiers: see _pg_datetime)
    "date": _ora("DATE"),
    # documents and other types DMS moves as text
    **{
        t: _ora("CLOB", "NCLOB", f"{t} becomes NCLOB (MapJsonbAsClob=true gives CLOB); {_PG_LOB_NOTE}", lob=True)
        for t in ("json", "jsonb")
    },
    "uuid": _ora("VARCHAR2(36)", "VARCHAR2", "uuid is moved as a string"),
    "hstore": _ora("CLOB", "NCLOB", f"hstore becomes NCLOB; {_PG_LOB_NOTE}", lob=True),
    **{t: _pg_text_form(t) for t in _PG_STRINGY},
    **{
        t: _ora("CLOB", "CLOB", f"{t} is moved as text into a CLOB; {_PG_LOB_NOTE}", lob=True)
        for t in ("path", "polygon")
    },
    **{
        t: _ora("CLOB", "CLOB", f"{t} is moved as a CLOB; {_PG_LOB_NOTE}", lob=True)
        for t in ("xml", "tsvector", "tsquery")
    },
    # not migrated
    **{
        t: unsupported_mapping(
            f"{t} large objects are not migrated by DMS; remedy: convert them to bytea before the "
            "fallback, or exclude the column"
        )
        for t in ("lo", "oid")
    },
    **dict.fromkeys(("box2d", "box3d", "raster"), _PG_POSTGIS),
}


def postgres_to_oracle(pg_type: str) -> TypeMapping:
    """Fallback path (PG -> Oracle). Returned `postgres_type` holds the Oracle type we recommend, `dms_type`
    the Oracle type DMS would create.

    Arrays first (any element type), then the name-only types of `_PG_BY_NAME`, then one step per family whose
    type takes modifiers (numeric(p,s), varchar(n), timestamp(p) ...), each returning None when not its family."""
    t = " ".join(pg_type.lower().split())
    if not t:
        raise ValueError("pg_type: empty type name")
    if t.endswith("]") or t.startswith("_"):
        return _PG_ARRAY
    by_name = _PG_BY_NAME.get(t)
    if by_name is not None:
        return by_name
    if (mapping := _pg_numeric(t)) is not None:
        return mapping
    if (mapping := _pg_character(t, pg_type)) is not None:
        return mapping
    if (mapping := _pg_datetime(t)) is not None:
        return mapping
    return _pg_bit_postgis_or_unknown(t)


def _pg_numeric(t: str) -> TypeMapping | None:
    """numeric/decimal: unconstrained loses digits to DMS's NUMERIC(28,6); beyond 38 digits Oracle has no NUMBER."""
    m = _PG_NUMERIC_RE.fullmatch(t)
    if m is None:
        return None
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


def _pg_character(t: str, pg_type: str) -> TypeMapping | None:
    """char/varchar and their spellings: up to 2000 characters a CHAR-semantics column, beyond (or unbounded) a CLOB.
    The LOB note quotes `pg_type` as the caller wrote it."""
    m = _PG_CHAR_RE.fullmatch(t)
    if m is None:
        return None
    fixed = m[1] in _PG_FIXED_CHAR
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


def _pg_datetime(t: str) -> TypeMapping | None:
    """time, timestamp and interval with their modifiers; Oracle has no time-of-day type and keeps no zone in a
    plain TIMESTAMP, so the notes say what is lost."""
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
        return _PG_INTERVAL
    return None


def _pg_bit_postgis_or_unknown(t: str) -> TypeMapping:
    """The last step: bit(n) as text, PostGIS types with modifiers refused, anything else a user-defined type."""
    if _PG_BIT_RE.fullmatch(t):
        return _pg_text_form(t)
    if t.startswith(("geometry", "geography")):
        return _PG_POSTGIS
    return unsupported_mapping(
        f"{t} is not a built-in PostgreSQL type DMS maps (user-defined, composite or domain); if it "
        "is an enum DMS writes VARCHAR2(64); remedy: cast it to a built-in type in a view, or exclude "
        "the column"
    )
