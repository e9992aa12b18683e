"""The named steps and name tables behind `oracle_to_postgres` / `postgres_to_oracle`: each step maps its own
family and declines (None) every other, and a name-only table entry can never shadow a family step."""

import pytest

from migration.inventory.typemap import (
    _ALIASES,
    _CHARACTER_TYPES,
    _LOB_NOTE,
    _ORACLE_BY_NAME,
    _PG_BY_NAME,
    TypeMapping,
    _float,
    _map_oracle,
    _oracle_timestamp_or_interval,
    _pg_bit_postgis_or_unknown,
    _pg_character,
    _pg_datetime,
    _pg_numeric,
    _raw,
    postgres_to_oracle,
)

# ------------------------------------------------------------------------------------------------ Oracle -> PG


def test_oracle_name_table_never_shadows_a_family_step():
    for name in _ORACLE_BY_NAME:
        assert name not in ("NUMBER", "FLOAT", "RAW") and name not in _CHARACTER_TYPES and name not in _ALIASES
        assert _oracle_timestamp_or_interval(name, None) is None


def test_oracle_name_table_entries():
    assert _ORACLE_BY_NAME["BINARY_FLOAT"] == TypeMapping("real", "real", True, False, "")
    date = _ORACLE_BY_NAME["DATE"]
    assert (date.postgres_type, date.dms_type, date.is_lob) == ("timestamp(0)", "timestamp", False)
    assert date.note == "Oracle DATE carries a time of day (never PostgreSQL date); it has no fractional seconds"
    assert _ORACLE_BY_NAME["CLOB"] == TypeMapping("text", "text", True, True, _LOB_NOTE)
    assert _ORACLE_BY_NAME["LONG RAW"].limited_lob_only and not _ORACLE_BY_NAME["LONG RAW"].full_lob_only
    assert _ORACLE_BY_NAME["SDO_GEOMETRY"].full_lob_only and _ORACLE_BY_NAME["SDO_GEOMETRY"].postgres_type == "geometry"


def test_name_table_result_is_what_the_cached_entry_returns():
    assert _map_oracle("mdsys.sdo_geometry", 1, None, None, None, None, 10) is _ORACLE_BY_NAME["SDO_GEOMETRY"]
    assert _map_oracle("binary_double", 8, None, None, None, None, 10) is _ORACLE_BY_NAME["BINARY_DOUBLE"]


@pytest.mark.parametrize(
    "precision, pg, note",
    [
        (24, "real", "FLOAT(24) is binary precision 24 <= 24: real keeps ~6 decimal digits"),
        (1, "real", "FLOAT(1) is binary precision 1 <= 24: real keeps ~6 decimal digits"),
        (
            25,
            "double precision",
            "FLOAT(25) holds up to 8 decimal digits, double precision keeps ~15: pre-create numeric if exact values "
            "matter",
        ),
        (
            None,
            "double precision",
            "FLOAT(126) holds up to 38 decimal digits, double precision keeps ~15: pre-create numeric if exact values "
            "matter",
        ),
    ],
)
def test_float_step(precision, pg, note):
    assert _float(precision) == TypeMapping(pg, pg, True, False, note)


def test_raw_step():
    assert _raw(2000) == TypeMapping("bytea", "bytea", True, False, "")
    assert _raw(None) == TypeMapping("bytea", "bytea", True, False, "")
    big = _raw(2001)
    assert (big.postgres_type, big.is_lob) == ("bytea", True)
    assert big.note == (
        f"RAW(2001) is an extended type (> 2000 bytes), stored and moved as a LOB (uncertain); {_LOB_NOTE}"
    )


def test_timestamp_or_interval_step():
    assert _oracle_timestamp_or_interval("TIMESTAMP", 3) == TypeMapping("timestamp(3)", "timestamp(3)", True, False, "")
    assert _oracle_timestamp_or_interval("TIMESTAMP", None).postgres_type == "timestamp(6)"
    tz = _oracle_timestamp_or_interval("TIMESTAMP(9) WITH LOCAL TIME ZONE", None)
    assert (tz.postgres_type, tz.dms_type) == ("timestamp(6) with time zone", "varchar")
    assert tz.note.endswith("PostgreSQL keeps 6 fractional digits: the last 3 of TIMESTAMP(9) are rounded")
    ym = _oracle_timestamp_or_interval("INTERVAL YEAR(4) TO MONTH", None)
    assert (ym.postgres_type, ym.dms_type, ym.is_lob) == ("interval", "varchar", False)
    ds = _oracle_timestamp_or_interval("INTERVAL DAY(2) TO SECOND(9)", None)
    assert ds.note.endswith(
        "pre-create interval and test one row; PostgreSQL keeps 6 fractional digits, the last 3 are rounded"
    )
    assert _oracle_timestamp_or_interval("INTERVAL DAY TO SECOND", None).note == ym.note
    for other in ("DATE", "NUMBER", "TIMESTAMP WITH ZONE", "INTERVAL YEAR TO DAY"):
        assert _oracle_timestamp_or_interval(other, 6) is None


# ------------------------------------------------------------------------------------------------ PG -> Oracle


def test_pg_name_table_never_shadows_a_family_step():
    for name in _PG_BY_NAME:
        assert not name.endswith("]") and not name.startswith("_")
        assert _pg_numeric(name) is None
        assert _pg_character(name, name) is None
        assert _pg_datetime(name) is None


def test_pg_name_table_entries():
    assert _PG_BY_NAME["int8"] == TypeMapping("NUMBER(19)", "NUMBER(19)", True, False, "")
    assert _PG_BY_NAME["bool"] is _PG_BY_NAME["boolean"]
    assert (_PG_BY_NAME["bool"].postgres_type, _PG_BY_NAME["bool"].dms_type) == ("NUMBER(1)", "VARCHAR2(5)")
    assert _PG_BY_NAME["float"].postgres_type == "BINARY_DOUBLE"
    assert _PG_BY_NAME["daterange"] == TypeMapping(
        "VARCHAR2(255)", "VARCHAR2", True, False, "daterange is moved as its text form"
    )
    assert _PG_BY_NAME["oid"].note.startswith("oid large objects are not migrated by DMS")
    assert _PG_BY_NAME["raster"] == postgres_to_oracle("geometry(Point,4326)")
    assert _PG_BY_NAME["jsonb"].note.startswith("jsonb becomes NCLOB (MapJsonbAsClob=true gives CLOB)")


def test_pg_numeric_step():
    assert _pg_numeric("numeric(12,2)") == TypeMapping("NUMBER(12,2)", "NUMBER(12,2)", True, False, "")
    assert _pg_numeric("decimal(9)") == TypeMapping("NUMBER(9)", "NUMBER(9)", True, False, "")
    assert _pg_numeric("numeric(39,0)") == TypeMapping(
        "VARCHAR2(41)", "VARCHAR2", True, False, "numeric(39,0) exceeds Oracle's 38 digits: DMS moves it as a string"
    )
    assert (_pg_numeric("numeric").postgres_type, _pg_numeric("numeric").dms_type) == ("NUMBER", "NUMBER(28,6)")
    assert _pg_numeric("varchar(3)") is None and _pg_numeric("integer") is None


def test_pg_character_step_quotes_the_type_as_written():
    m = _pg_character("varchar(3000)", "VARCHAR( 3000 )")
    assert (m.postgres_type, m.dms_type, m.is_lob) == ("CLOB", "NCLOB", True)
    assert m.note.startswith("VARCHAR( 3000 ) longer than 2000 characters (or unbounded) becomes NCLOB;")
    assert postgres_to_oracle("VARCHAR( 3000 )").note == m.note
    assert _pg_character("char", "char").postgres_type == "CHAR(1 CHAR)"
    assert _pg_character("bpchar", "bpchar").postgres_type == "CLOB"
    assert _pg_character("national character(9)", "x").postgres_type == "CHAR(9 CHAR)"
    assert _pg_character("numeric(3)", "numeric(3)") is None


def test_pg_datetime_step():
    assert _pg_datetime("time(3) with time zone").note == (
        "time of day is stored as TIMESTAMP(0) with a date part; the time zone offset is lost"
    )
    assert _pg_datetime("timestamp(2)") == TypeMapping("TIMESTAMP(2)", "TIMESTAMP(2)", True, False, "")
    assert _pg_datetime("timestamptz(4)").note.startswith("time zone information is lost")
    assert _pg_datetime("interval day to second").postgres_type == "VARCHAR2(128)"
    assert _pg_datetime("date") is None and _pg_datetime("timestamp(10)") is None


def test_pg_last_step():
    assert _pg_bit_postgis_or_unknown("bit varying(16)") == TypeMapping(
        "VARCHAR2(255)", "VARCHAR2", True, False, "bit varying(16) is moved as its text form"
    )
    assert _pg_bit_postgis_or_unknown("geography(point,4326)").note.startswith("PostGIS types are migrated by DMS")
    unknown = _pg_bit_postgis_or_unknown("citext")
    assert (unknown.supported, unknown.postgres_type) == (False, None)
    assert unknown.note.startswith("citext is not a built-in PostgreSQL type DMS maps")
