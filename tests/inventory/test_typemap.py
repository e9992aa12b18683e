"""Oracle <-> PostgreSQL type mapping: what DMS creates and what we recommend, per reference section 1."""

import pytest

from migration.inventory.model import Column
from migration.inventory.typemap import (
    TypeMapping,
    identifier_too_long,
    is_reserved_postgres_word,
    oracle_to_postgres,
    oracle_type_text,
)
from migration.inventory.typemap_back import postgres_to_oracle


def col(
    data_type: str,
    length: int | None = 22,
    precision: int | None = None,
    scale: int | None = None,
    char_used: str | None = None,
    char_length: int | None = None,
) -> Column:
    return Column("APP", "T", "C", data_type, length, precision, scale, True, char_used, char_length)


def types(c: Column, nds: int = 10) -> tuple[str | None, str | None]:
    m = oracle_to_postgres(c, nds)
    return m.dms_type, m.postgres_type


@pytest.mark.parametrize(
    "precision, scale, dms, recommended",
    [
        (1, 0, "smallint", "smallint"),
        (2, 0, "smallint", "smallint"),
        (4, 0, "smallint", "smallint"),
        (5, 0, "integer", "integer"),
        (9, 0, "integer", "integer"),
        (10, 0, "numeric(10,0)", "bigint"),
        (18, 0, "numeric(18,0)", "bigint"),
        (19, 0, "numeric(19,0)", "numeric(19,0)"),
        (38, 0, "numeric(38,0)", "numeric(38,0)"),
        (12, 2, "numeric(12,2)", "numeric(12,2)"),
        (2, 5, "numeric(2,5)", "numeric(2,5)"),
        (7, -3, "double precision", "numeric(10,0)"),
        (None, 2, "numeric(38,2)", "numeric(38,2)"),
    ],
)
def test_number_by_precision_and_scale(precision, scale, dms, recommended):
    assert types(col("NUMBER", 22, precision, scale)) == (dms, recommended)


def test_number_10_to_18_digits_recommends_bigint_and_says_why():
    m = oracle_to_postgres(col("NUMBER", 22, 12, 0))
    assert m.note == (
        "DMS would create numeric(12,0); bigint is faster and exact for 12 digits "
        "(pre-create it or add a change-data-type int8 rule)"
    )


def test_negative_scale_notes_dms_precision_loss():
    assert "negative scale" in oracle_to_postgres(col("NUMBER", 22, 7, -3)).note


def test_scale_above_precision_needs_pg15():
    assert oracle_to_postgres(col("NUMBER", 22, 2, 5)).note == "scale > precision needs PostgreSQL 15 or later"


@pytest.mark.parametrize(
    "nds, expected",
    [
        (10, "numeric(38,10)"),
        (0, "numeric(38,0)"),
        (38, "numeric(38,38)"),
        (-1, "double precision"),
        (-2, "varchar"),
    ],
)
def test_unconstrained_number_follows_number_datatype_scale(nds, expected):
    assert types(col("NUMBER"), nds) == (expected, expected)


def test_unconstrained_number_default_note_names_the_setting():
    assert oracle_to_postgres(col("NUMBER")).note.startswith(
        "unconstrained NUMBER: DMS uses NumberDatatypeScale=10 -> numeric(38,10)"
    )


@pytest.mark.parametrize("nds", [-3, 39])
def test_number_datatype_scale_out_of_range_is_refused(nds):
    with pytest.raises(ValueError, match=rf"number_datatype_scale: expected -2..38 \(NumberDatatypeScale\), got {nds}"):
        oracle_to_postgres(col("NUMBER"), nds)


def test_integer_is_numeric_38_0_with_uncertainty_note():
    m = oracle_to_postgres(col("NUMBER", 22, None, 0))
    assert (m.dms_type, m.postgres_type) == ("numeric(38,0)", "numeric(38,0)")
    assert "uncertain" in m.note and "pre-create" in m.note


@pytest.mark.parametrize(
    "data_type, precision, expected",
    [
        ("FLOAT", 1, "real"),
        ("FLOAT", 24, "real"),
        ("FLOAT", 25, "double precision"),
        ("FLOAT", 63, "double precision"),
        ("FLOAT", 126, "double precision"),
        ("FLOAT", None, "double precision"),
        ("BINARY_FLOAT", None, "real"),
        ("BINARY_DOUBLE", None, "double precision"),
    ],
)
def test_floating_point_types(data_type, precision, expected):
    assert types(col(data_type, 22, precision)) == (expected, expected)


def test_float_126_warns_about_decimal_digits():
    assert oracle_to_postgres(col("FLOAT", 22, 126)).note.startswith("FLOAT(126) holds up to 38 decimal digits")


def test_date_is_timestamp_never_date():
    m = oracle_to_postgres(col("DATE", 7))
    assert (m.dms_type, m.postgres_type) == ("timestamp", "timestamp(0)")
    assert "never PostgreSQL date" in m.note


@pytest.mark.parametrize(
    "data_type, scale, dms, recommended",
    [
        ("TIMESTAMP(0)", 0, "timestamp(0)", "timestamp(0)"),
        ("TIMESTAMP(3)", 3, "timestamp(3)", "timestamp(3)"),
        ("TIMESTAMP(6)", 6, "timestamp(6)", "timestamp(6)"),
        ("TIMESTAMP(7)", 7, "varchar(37)", "timestamp(6)"),
        ("TIMESTAMP(9)", 9, "varchar(37)", "timestamp(6)"),
        ("TIMESTAMP", 6, "timestamp(6)", "timestamp(6)"),
    ],
)
def test_timestamps(data_type, scale, dms, recommended):
    assert types(col(data_type, 11, None, scale)) == (dms, recommended)


def test_timestamp_9_notes_precision_loss():
    assert oracle_to_postgres(col("TIMESTAMP(9)", 11, None, 9)).note == (
        "DMS would create varchar(37) for TIMESTAMP(9); PostgreSQL keeps 6 fractional digits: the last 3 of "
        "TIMESTAMP(9) are rounded"
    )


@pytest.mark.parametrize(
    "data_type, recommended",
    [
        ("TIMESTAMP(6) WITH TIME ZONE", "timestamp(6) with time zone"),
        ("TIMESTAMP(3) WITH LOCAL TIME ZONE", "timestamp(3) with time zone"),
        ("TIMESTAMP(9) WITH TIME ZONE", "timestamp(6) with time zone"),
    ],
)
def test_time_zone_timestamps_become_timestamptz(data_type, recommended):
    m = oracle_to_postgres(col(data_type, 13))
    assert (m.dms_type, m.postgres_type) == ("varchar", recommended)
    assert "ConvertTimestampWithZoneToUTC" in m.note


def test_local_time_zone_note_names_the_kind():
    assert "WITH LOCAL TIME ZONE" in oracle_to_postgres(col("TIMESTAMP(3) WITH LOCAL TIME ZONE", 11)).note


@pytest.mark.parametrize(
    "data_type", ["INTERVAL YEAR(2) TO MONTH", "INTERVAL DAY(2) TO SECOND(6)", "INTERVAL DAY(9) TO SECOND(9)"]
)
def test_intervals_become_interval(data_type):
    assert types(col(data_type, 11)) == ("varchar", "interval")


def test_interval_with_nanoseconds_notes_rounding():
    assert oracle_to_postgres(col("INTERVAL DAY(9) TO SECOND(9)", 11)).note.endswith(
        "PostgreSQL keeps 6 fractional digits, the last 3 are rounded"
    )


@pytest.mark.parametrize(
    "data_type, length, char_used, char_length, dms, recommended",
    [
        ("VARCHAR2", 30, "B", 30, "varchar(30)", "varchar(30)"),
        ("VARCHAR2", 400, "C", 100, "varchar(100)", "varchar(100)"),
        ("VARCHAR2", 400, "C", None, "varchar(400)", "varchar(400)"),
        ("VARCHAR2", 4000, "B", 4000, "varchar(4000)", "varchar(4000)"),
        ("NVARCHAR2", 200, "C", 100, "varchar(100)", "varchar(100)"),
        ("CHAR", 2, "B", 2, "varchar(2)", "char(2)"),
        ("NCHAR", 4, "C", 2, "varchar(2)", "char(2)"),
    ],
)
def test_character_types(data_type, length, char_used, char_length, dms, recommended):
    m = oracle_to_postgres(col(data_type, length, None, None, char_used, char_length))
    assert (m.dms_type, m.postgres_type, m.is_lob) == (dms, recommended, False)


def test_byte_semantics_note_mentions_multibyte_fallback():
    note = oracle_to_postgres(col("VARCHAR2", 30, None, None, "B", 30)).note
    assert (
        note == "BYTE semantics: fits (PostgreSQL counts characters), but multibyte text written back on "
        "fallback may exceed 30 bytes"
    )


def test_char_semantics_without_char_length_says_length_is_an_upper_bound():
    assert oracle_to_postgres(col("VARCHAR2", 400, None, None, "C")).note == (
        "CHAR semantics but CHAR_LENGTH not exported: sized from DATA_LENGTH in bytes (an upper bound)"
    )


def test_char_semantics_with_char_length_has_no_note():
    assert oracle_to_postgres(col("VARCHAR2", 400, None, None, "C", 100)).note == ""


def test_char_notes_trimming_and_padding():
    assert oracle_to_postgres(col("CHAR", 1, None, None, "B", 1)).note.startswith(
        "DMS would create varchar(1) and trims trailing blanks (TrimSpaceInChar); char(1) keeps"
    )


@pytest.mark.parametrize("data_type", ["VARCHAR2", "NVARCHAR2"])
def test_extended_varchar_is_a_clob(data_type):
    m = oracle_to_postgres(col(data_type, 32767, None, None, "B", 32767))
    assert (m.dms_type, m.postgres_type, m.is_lob) == ("text", "text", True)
    assert "extended type" in m.note


def test_raw_is_bytea_and_extended_raw_is_a_lob():
    assert oracle_to_postgres(col("RAW", 16)) == TypeMapping("bytea", "bytea", True, False, "")
    m = oracle_to_postgres(col("RAW", 32767))
    assert (m.postgres_type, m.is_lob) == ("bytea", True)


@pytest.mark.parametrize("data_type, pg", [("CLOB", "text"), ("NCLOB", "text"), ("BLOB", "bytea")])
def test_lobs(data_type, pg):
    m = oracle_to_postgres(col(data_type, 4000))
    assert (m.dms_type, m.postgres_type, m.supported, m.is_lob, m.full_lob_only, m.limited_lob_only) == (
        pg,
        pg,
        True,
        True,
        False,
        False,
    )
    assert "primary or unique key" in m.note


def test_xmltype_is_a_clob_in_either_lob_mode():
    # DMS guide, Source data types for Oracle (the awsdocs copy followed): XMLTYPE -> CLOB, no LOB-mode restriction
    m = oracle_to_postgres(col("XMLTYPE", 0))
    assert (m.postgres_type, m.is_lob, m.limited_lob_only, m.full_lob_only) == ("text", True, False, False)


@pytest.mark.parametrize("data_type, pg", [("LONG", "text"), ("LONG RAW", "bytea")])
def test_limited_lob_only_types(data_type, pg):
    m = oracle_to_postgres(col(data_type, 0))
    assert (m.dms_type, m.postgres_type, m.is_lob, m.limited_lob_only, m.full_lob_only) == (pg, pg, True, True, False)
    assert "limited LOB mode only" in m.note


def test_sdo_geometry_is_geometry_full_lob_only():
    for name in ("SDO_GEOMETRY", "MDSYS.SDO_GEOMETRY"):
        m = oracle_to_postgres(col(name, 1))
        assert (m.dms_type, m.postgres_type, m.is_lob, m.full_lob_only) == ("geometry", "geometry", True, True)
        assert "PostGIS" in m.note and "primary key AND a unique key" in m.note


@pytest.mark.parametrize(
    "data_type, start",
    [
        ("BFILE", "BFILE is not migrated by DMS (arrives NULL); remedy: copy the files out of band"),
        ("ROWID", "ROWID is not migrated by DMS (arrives NULL)"),
        ("UROWID", "UROWID is not migrated by DMS (arrives NULL)"),
        ("ANYDATA", "ANYDATA is not supported by DMS; remedy:"),
        ("SYS.ANYDATA", "ANYDATA is not supported by DMS; remedy:"),
        ("REF ADDRESS_T", "REF columns are not supported by DMS; remedy:"),
        ("VARRAY", "VARRAY columns are not supported by DMS; remedy:"),
        (
            "ADDRESS_T",
            "ADDRESS_T is not a built-in type DMS migrates (user-defined object, VARRAY, nested table or "
            "unknown type); remedy: expose its attributes as scalar columns",
        ),
    ],
)
def test_unsupported_types_carry_reason_and_remedy(data_type, start):
    m = oracle_to_postgres(col(data_type, 1))
    assert (m.supported, m.postgres_type, m.dms_type, m.is_lob) == (False, None, None, False)
    assert m.note.startswith(start)
    assert "remedy:" in m.note


def test_type_names_are_normalised():
    assert types(col(" timestamp(6)  with time zone ", 13)) == ("varchar", "timestamp(6) with time zone")
    assert types(col("integer", 22)) == ("numeric(38,0)", "numeric(38,0)")


@pytest.mark.parametrize(
    "c, text",
    [
        (col("NUMBER", 22, 10, 0), "NUMBER(10)"),
        (col("NUMBER", 22, 12, 2), "NUMBER(12,2)"),
        (col("NUMBER"), "NUMBER"),
        (col("NUMBER", 22, None, 0), "NUMBER(*,0)"),
        (col("FLOAT", 22, None), "FLOAT(126)"),
        (col("VARCHAR2", 400, None, None, "C", 100), "VARCHAR2(100 CHAR)"),
        (col("VARCHAR2", 30, None, None, "B", 30), "VARCHAR2(30 BYTE)"),
        (col("NVARCHAR2", 200, None, None, "C", 100), "NVARCHAR2(100)"),
        (col("RAW", 16), "RAW(16)"),
        (col("TIMESTAMP(9)", 11, None, 9), "TIMESTAMP(9)"),
    ],
)
def test_oracle_type_text(c, text):
    assert oracle_type_text(c) == text


# ------------------------------------------------------------------------------------------------- reverse path


@pytest.mark.parametrize(
    "pg, dms, recommended, is_lob",
    [
        ("smallint", "NUMBER(5)", "NUMBER(5)", False),
        ("integer", "NUMBER(10)", "NUMBER(10)", False),
        ("bigint", "NUMBER(19)", "NUMBER(19)", False),
        ("bigserial", "NUMBER(19)", "NUMBER(19)", False),
        ("numeric(12,2)", "NUMBER(12,2)", "NUMBER(12,2)", False),
        ("numeric(38)", "NUMBER(38)", "NUMBER(38)", False),
        ("numeric(40,2)", "VARCHAR2", "VARCHAR2(42)", False),
        ("numeric", "NUMBER(28,6)", "NUMBER", False),
        ("real", "FLOAT", "BINARY_FLOAT", False),
        ("double precision", "FLOAT", "BINARY_DOUBLE", False),
        ("money", "NUMBER(38,4)", "NUMBER(38,4)", False),
        ("character varying(100)", "NVARCHAR2(100)", "VARCHAR2(100 CHAR)", False),
        ("varchar(2000)", "NVARCHAR2(2000)", "VARCHAR2(2000 CHAR)", False),
        ("varchar(2001)", "NCLOB", "CLOB", True),
        ("varchar", "NCLOB", "CLOB", True),
        ("char(3)", "NVARCHAR2(3)", "CHAR(3 CHAR)", False),
        ("text", "NCLOB", "CLOB", True),
        ("bytea", "BLOB", "BLOB", True),
        ("boolean", "VARCHAR2(5)", "NUMBER(1)", False),
        ("date", "DATE", "DATE", False),
        ("time", "TIMESTAMP(0)", "TIMESTAMP(0)", False),
        ("timetz", "TIMESTAMP(0)", "TIMESTAMP(0)", False),
        ("timestamp", "TIMESTAMP(6)", "TIMESTAMP(6)", False),
        ("timestamp(3) without time zone", "TIMESTAMP(3)", "TIMESTAMP(3)", False),
        ("timestamptz", "TIMESTAMP(6)", "TIMESTAMP(6)", False),
        ("timestamp with time zone", "TIMESTAMP(6)", "TIMESTAMP(6)", False),
        ("interval", "VARCHAR2(128)", "VARCHAR2(128)", False),
        ("json", "NCLOB", "CLOB", True),
        ("jsonb", "NCLOB", "CLOB", True),
        ("uuid", "VARCHAR2", "VARCHAR2(36)", False),
        ("integer[]", "NCLOB", "CLOB", True),
        ("hstore", "NCLOB", "CLOB", True),
        ("inet", "VARCHAR2", "VARCHAR2(255)", False),
        ("cidr", "VARCHAR2", "VARCHAR2(255)", False),
        ("macaddr", "VARCHAR2", "VARCHAR2(255)", False),
        ("xml", "CLOB", "CLOB", True),
        ("tsvector", "CLOB", "CLOB", True),
    ],
)
def test_postgres_to_oracle(pg, dms, recommended, is_lob):
    m = postgres_to_oracle(pg)
    assert (m.dms_type, m.postgres_type, m.supported, m.is_lob) == (dms, recommended, True, is_lob)


def test_unconstrained_numeric_warns_about_silent_rounding():
    assert "silently rounded to 6 decimals (0.611111104488373 -> 0.611111)" in postgres_to_oracle("numeric").note


def test_boolean_and_timestamptz_notes():
    assert "MapBooleanAsBoolean" in postgres_to_oracle("boolean").note
    assert postgres_to_oracle("timestamptz").note.startswith("time zone information is lost")
    assert postgres_to_oracle("timetz").note.endswith("the time zone offset is lost")


def test_arrays_need_a_primary_key():
    assert "needs a primary key" in postgres_to_oracle("text[]").note


@pytest.mark.parametrize(
    "pg, start",
    [
        ("lo", "lo large objects are not migrated by DMS; remedy:"),
        ("oid", "oid large objects are not migrated by DMS; remedy:"),
        ("geometry", "PostGIS types are migrated by DMS only between PostgreSQL databases; remedy:"),
        ("geography(Point,4326)", "PostGIS types are migrated by DMS only between PostgreSQL databases; remedy:"),
        (
            "order_status",
            "order_status is not a built-in PostgreSQL type DMS maps (user-defined, composite or domain); "
            "if it is an enum DMS writes VARCHAR2(64); remedy:",
        ),
    ],
)
def test_postgres_unsupported(pg, start):
    m = postgres_to_oracle(pg)
    assert (m.supported, m.postgres_type, m.dms_type) == (False, None, None)
    assert m.note.startswith(start)


def test_postgres_empty_type_is_refused():
    with pytest.raises(ValueError, match="pg_type: empty type name"):
        postgres_to_oracle("  ")


# ------------------------------------------------------------------------------------------------- identifiers


@pytest.mark.parametrize("name", ["order", "ORDER", "user", "limit", "table", "offset", "join", "verbose", "analyse"])
def test_reserved_words(name):
    assert is_reserved_postgres_word(name)


@pytest.mark.parametrize("name", ["orders", "customer_id", "comment", "name", "time", "value", "position", "year"])
def test_non_reserved_words(name):
    assert not is_reserved_postgres_word(name)


def test_identifier_length_counts_utf8_bytes():
    assert not identifier_too_long("a" * 63)
    assert identifier_too_long("a" * 64)
    assert identifier_too_long("é" * 32)  # 64 bytes
    assert not identifier_too_long("é" * 31 + "a")  # 63 bytes


def test_number_with_a_precision_and_no_scale_is_an_integer():
    """NUMBER(10) is NUMBER(10,0); an export with an empty DATA_SCALE must not crash the type map."""
    from migration.inventory.model import Column

    assert oracle_to_postgres(Column("A", "T", "C", "NUMBER", 22, 10, None, True, None)).postgres_type == "bigint"
