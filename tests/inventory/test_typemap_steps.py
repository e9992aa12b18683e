"""The steps behind `oracle_to_postgres` / `postgres_to_oracle`, through those two functions: a type whose mapping
depends on its name alone maps the same whatever its size, precision and scale; each family whose mapping depends on
them (NUMBER, FLOAT, RAW, TIMESTAMP and INTERVAL; numeric, char/varchar, time/timestamp, bit) gets its own answer;
and no name-only entry shadows a family."""

import pytest

from migration.inventory.model import Column
from migration.inventory.typemap import TypeMapping, oracle_to_postgres
from migration.inventory.typemap_back import postgres_to_oracle

LOB_NOTE = (
    "LOB: DMS moves it only for tables with a primary or unique key (full load too); with LogMiner, UPDATEs that "
    "change only LOB columns are not replicated; LOB settings apply"
)


def ora(data_type: str, length: int | None = 22, precision: int | None = None, scale: int | None = None) -> TypeMapping:
    return oracle_to_postgres(Column("APP", "T", "C", data_type, length, precision, scale, True, None))


# ------------------------------------------------------------------------------------------------ Oracle -> PG

NAME_ONLY = ("BINARY_FLOAT", "BINARY_DOUBLE", "DATE", "CLOB", "NCLOB", "BLOB", "LONG", "LONG RAW", "XMLTYPE")


@pytest.mark.parametrize("name", [*NAME_ONLY, "SDO_GEOMETRY"])
def test_oracle_name_only_types_ignore_size_precision_and_scale(name):
    assert ora(name, 1, None, None) is ora(name, 4000, 38, 9) is ora(name.lower(), None, 5, -2)


@pytest.mark.parametrize(
    "data_type, small, large",
    [
        ("NUMBER", (5, 0), (12, 2)),
        ("FLOAT", (10, None), (100, None)),
        ("TIMESTAMP", (None, 3), (None, 6)),
    ],
)
def test_oracle_family_types_depend_on_precision_and_scale(data_type, small, large):
    assert ora(data_type, 22, *small).postgres_type != ora(data_type, 22, *large).postgres_type


def test_oracle_name_only_entries():
    assert ora("BINARY_FLOAT") == TypeMapping("real", "real", True, False, "")
    date = ora("DATE")
    assert (date.postgres_type, date.dms_type, date.is_lob) == ("timestamp(0)", "timestamp", False)
    assert date.note == "Oracle DATE carries a time of day (never PostgreSQL date); it has no fractional seconds"
    assert ora("CLOB") == TypeMapping("text", "text", True, True, LOB_NOTE)
    assert ora("LONG RAW").limited_lob_only and not ora("LONG RAW").full_lob_only
    assert ora("SDO_GEOMETRY").full_lob_only and ora("SDO_GEOMETRY").postgres_type == "geometry"


def test_schema_prefix_and_case_reach_the_same_entry():
    assert ora("mdsys.sdo_geometry", 1) is ora("SDO_GEOMETRY", 1)
    assert ora("binary_double", 8) is ora("BINARY_DOUBLE", 8)


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
    assert ora("FLOAT", 22, precision) == TypeMapping(pg, pg, True, False, note)


def test_raw_step():
    assert ora("RAW", 2000) == TypeMapping("bytea", "bytea", True, False, "")
    assert ora("RAW", None) == TypeMapping("bytea", "bytea", True, False, "")
    big = ora("RAW", 2001)
    assert (big.postgres_type, big.is_lob) == ("bytea", True)
    assert big.note == (
        f"RAW(2001) is an extended type (> 2000 bytes), stored and moved as a LOB (uncertain); {LOB_NOTE}"
    )


def test_timestamp_or_interval_step():
    assert ora("TIMESTAMP", 11, None, 3) == TypeMapping("timestamp(3)", "timestamp(3)", True, False, "")
    assert ora("TIMESTAMP", 11, None, None).postgres_type == "timestamp(6)"
    tz = ora("TIMESTAMP(9) WITH LOCAL TIME ZONE", 11)
    assert (tz.postgres_type, tz.dms_type) == ("timestamp(6) with time zone", "varchar")
    assert tz.note.endswith("PostgreSQL keeps 6 fractional digits: the last 3 of TIMESTAMP(9) are rounded")
    ym = ora("INTERVAL YEAR(4) TO MONTH", 5)
    assert (ym.postgres_type, ym.dms_type, ym.is_lob) == ("interval", "varchar", False)
    ds = ora("INTERVAL DAY(2) TO SECOND(9)", 11)
    assert ds.note.endswith(
        "pre-create interval and test one row; PostgreSQL keeps 6 fractional digits, the last 3 are rounded"
    )
    assert ora("INTERVAL DAY TO SECOND", 11).note == ym.note


@pytest.mark.parametrize("data_type", ["TIMESTAMP WITH ZONE", "INTERVAL YEAR TO DAY"])
def test_near_misses_of_the_timestamp_and_interval_families_are_unknown_types(data_type):
    m = ora(data_type, 11, None, 6)
    assert (m.supported, m.postgres_type) == (False, None)
    assert m.note.startswith(f"{data_type} is not a built-in type DMS migrates")


# ------------------------------------------------------------------------------------------------ PG -> Oracle


@pytest.mark.parametrize(
    "pg_type, oracle",
    [
        ("numeric", "NUMBER"),
        ("decimal", "NUMBER"),
        ("char", "CHAR(1 CHAR)"),
        ("varchar", "CLOB"),
        ("date", "DATE"),
        ("time", "TIMESTAMP(0)"),
        ("timestamp", "TIMESTAMP(6)"),
        ("interval", "VARCHAR2(128)"),
        ("bit", "VARCHAR2(255)"),
    ],
)
def test_pg_bare_family_names_reach_their_family(pg_type, oracle):
    assert postgres_to_oracle(pg_type).postgres_type == oracle


def test_pg_name_only_entries():
    assert postgres_to_oracle("int8") == TypeMapping("NUMBER(19)", "NUMBER(19)", True, False, "")
    assert postgres_to_oracle("bool") is postgres_to_oracle("boolean")
    assert (postgres_to_oracle("bool").postgres_type, postgres_to_oracle("bool").dms_type) == (
        "NUMBER(1)",
        "VARCHAR2(5)",
    )
    assert postgres_to_oracle("float").postgres_type == "BINARY_DOUBLE"
    assert postgres_to_oracle("daterange") == TypeMapping(
        "VARCHAR2(255)", "VARCHAR2", True, False, "daterange is moved as its text form"
    )
    assert postgres_to_oracle("oid").note.startswith("oid large objects are not migrated by DMS")
    assert postgres_to_oracle("raster") == postgres_to_oracle("geometry(Point,4326)")
    assert postgres_to_oracle("jsonb").note.startswith("jsonb becomes NCLOB (MapJsonbAsClob=true gives CLOB)")


def test_pg_numeric_step():
    assert postgres_to_oracle("numeric(12,2)") == TypeMapping("NUMBER(12,2)", "NUMBER(12,2)", True, False, "")
    assert postgres_to_oracle("decimal(9)") == TypeMapping("NUMBER(9)", "NUMBER(9)", True, False, "")
    assert postgres_to_oracle("numeric(39,0)") == TypeMapping(
        "VARCHAR2(41)", "VARCHAR2", True, False, "numeric(39,0) exceeds Oracle's 38 digits: DMS moves it as a string"
    )
    unconstrained = postgres_to_oracle("numeric")
    assert (unconstrained.postgres_type, unconstrained.dms_type) == ("NUMBER", "NUMBER(28,6)")


def test_pg_character_step_quotes_the_type_as_written():
    m = postgres_to_oracle("VARCHAR( 3000 )")
    assert (m.postgres_type, m.dms_type, m.is_lob) == ("CLOB", "NCLOB", True)
    assert m.note.startswith("VARCHAR( 3000 ) longer than 2000 characters (or unbounded) becomes NCLOB;")
    assert postgres_to_oracle("char").postgres_type == "CHAR(1 CHAR)"
    assert postgres_to_oracle("bpchar").postgres_type == "CLOB"
    assert postgres_to_oracle("national character(9)").postgres_type == "CHAR(9 CHAR)"


def test_pg_datetime_step():
    assert postgres_to_oracle("time(3) with time zone").note == (
        "time of day is stored as TIMESTAMP(0) with a date part; the time zone offset is lost"
    )
    assert postgres_to_oracle("timestamp(2)") == TypeMapping("TIMESTAMP(2)", "TIMESTAMP(2)", True, False, "")
    assert postgres_to_oracle("timestamptz(4)").note.startswith("time zone information is lost")
    assert postgres_to_oracle("interval day to second").postgres_type == "VARCHAR2(128)"
    assert postgres_to_oracle("timestamp(10)").supported is False  # one digit of precision at most


def test_pg_last_step():
    assert postgres_to_oracle("bit varying(16)") == TypeMapping(
        "VARCHAR2(255)", "VARCHAR2", True, False, "bit varying(16) is moved as its text form"
    )
    assert postgres_to_oracle("geography(point,4326)").note.startswith("PostGIS types are migrated by DMS")
    unknown = postgres_to_oracle("citext")
    assert (unknown.supported, unknown.postgres_type) == (False, None)
    assert unknown.note.startswith("citext is not a built-in PostgreSQL type DMS maps")
