"""Oracle defaults and checks convert only when their meaning is certain; everything else is left to the DBA."""

import pytest

from migration.inventory.ddl import quote_ident
from migration.inventory.oracle_expr import (
    interval_bounds,
    nextval_sequence,
    partition_values,
    reads_server_clock,
    translate_check,
    translate_default,
)


def _seq(owner: str, name: str) -> str:
    return f"{owner.lower()}.{name.lower()}"


@pytest.mark.parametrize(
    ("oracle", "pg_type", "expected"),
    [
        ("0 ", "integer", "0"),
        ("'A'\n", "char(1)", "'A'"),
        ("(SYSDATE)", "timestamp(0)", "LOCALTIMESTAMP(0)"),
        ("systimestamp", "timestamp(6)", "CURRENT_TIMESTAMP"),
        ("USER", "varchar(30)", "CURRENT_USER"),
        ("SYS_GUID()", "bytea", "decode(replace(gen_random_uuid()::text, '-', ''), 'hex')"),
        ("SYS_GUID()", "varchar(32)", None),
        ('"HOSP"."LAB_SEQ"."NEXTVAL"', "bigint", "nextval('hosp.lab_seq'::regclass)"),
        ("order_seq.nextval", "bigint", "nextval('app.order_seq'::regclass)"),
        ("NULL", "integer", None),
        ("TRUNC(SYSDATE)", "timestamp(0)", None),
    ],
)
def test_defaults(oracle, pg_type, expected):
    assert translate_default(oracle, pg_type, "APP", _seq) == expected


def test_nextval_names_its_sequence():
    assert nextval_sequence('"HOSP"."LAB_SEQ"."NEXTVAL"', "APP") == ("HOSP", "LAB_SEQ")
    assert nextval_sequence("SYSDATE", "APP") is None


@pytest.mark.parametrize(
    ("oracle", "expected"),
    [
        ("STATUS IN ('A', 'I')", "status IN ('A', 'I')"),
        ('"Qty" > 0 AND QTY <= 10', '"Qty" > 0 AND qty <= 10'),
        ("END_AT IS NULL OR END_AT >= START_AT", "end_at IS NULL OR end_at >= start_at"),
        ("REGEXP_LIKE(CODE, '^[A-Z]+$')", None),
        ("NOPE > 1", None),
    ],
)
def test_checks(oracle, expected):
    columns = {"STATUS": "status", "Qty": "Qty", "QTY": "qty", "END_AT": "end_at", "START_AT": "start_at"}
    assert translate_check(oracle, columns, quote_ident) == expected


@pytest.mark.parametrize(
    ("high_value", "expected"),
    [
        (
            "TO_DATE(' 2024-01-01 00:00:00', 'SYYYY-MM-DD HH24:MI:SS', 'NLS_CALENDAR=GREGORIAN')",
            ["'2024-01-01 00:00:00'"],
        ),
        ("TIMESTAMP' 2024-03-01 12:30:00.5'", ["'2024-03-01 12:30:00.5'"]),
        ("MAXVALUE", ["MAXVALUE"]),
        ("100, MAXVALUE", ["100", "MAXVALUE"]),
        ("'NORTH', 'SOUTH'", ["'NORTH'", "'SOUTH'"]),
        ("'A, B', NULL", ["'A, B'", "NULL"]),
        ("default", ["DEFAULT"]),
        # a year BC, another calendar, a national string, a function: listed, not guessed
        ("TO_DATE('-0044-03-15 00:00:00', 'SYYYY-MM-DD HH24:MI:SS', 'NLS_CALENDAR=GREGORIAN')", None),
        ("TO_DATE(' 2024-01-01 00:00:00', 'SYYYY-MM-DD HH24:MI:SS', 'NLS_CALENDAR=PERSIAN')", None),
        ("N'x'", None),
        ("ADD_MONTHS(SYSDATE, 1)", None),
        ("'unclosed", None),
    ],
)
def test_partition_bounds(high_value, expected):
    assert partition_values(high_value) == expected


def test_only_server_clock_defaults_carry_the_time_zone_note():
    assert reads_server_clock(" (SYSDATE)") and reads_server_clock("systimestamp")
    assert not reads_server_clock("CURRENT_DATE") and not reads_server_clock("'A'")


@pytest.mark.parametrize(
    ("last", "interval", "count", "expected"),
    [
        ("'2024-11-01 00:00:00'", "NUMTOYMINTERVAL(1,'MONTH')", 3, ["2024-12-01", "2025-01-01", "2025-02-01"]),
        ("'2024-01-01 00:00:00'", "NUMTOYMINTERVAL(1, 'YEAR')", 2, ["2025-01-01", "2026-01-01"]),
        ("'2024-02-26 00:00:00'", "NUMTODSINTERVAL(7,'DAY')", 2, ["2024-03-04", "2024-03-11"]),
        ("'2024-01-01 00:00:00.000000'", "NUMTODSINTERVAL(6,'HOUR')", 1, ["2024-01-01 06"]),
        ("1000", "500", 2, ["1500", "2000"]),
    ],
)
def test_interval_bounds_step_from_the_last_exported_partition(last, interval, count, expected):
    bounds = interval_bounds(last, interval, count)
    assert bounds is not None and [b.strip("'")[: len(e)] for b, e in zip(bounds, expected, strict=True)] == expected


@pytest.mark.parametrize(
    ("last", "interval"),
    [
        ("'2024-01-31 00:00:00'", "NUMTOYMINTERVAL(1,'MONTH')"),  # Oracle refuses it too
        ("'9999-06-01 00:00:00'", "NUMTOYMINTERVAL(1,'YEAR')"),  # past year 9999
        ("'2024-01-01 00:00:00'", "NUMTOYMINTERVAL(0,'MONTH')"),
        ("'2024-01-01 00:00:00'", "SOME_FUNCTION(1)"),
        ("MAXVALUE", "NUMTOYMINTERVAL(1,'MONTH')"),
    ],
)
def test_an_interval_or_bound_that_does_not_step_gives_none(last, interval):
    assert interval_bounds(last, interval, 3) is None
