import pytest

from migration.dms.positions import (
    ORACLE_SCN_RE,
    PG_LSN_RE,
    StartPoint,
    StartPositionError,
    parse_oracle_start,
    parse_postgres_start,
)

CHECKPOINT = "checkpoint:V1#27#00000132/0F000E48#0#0#*#0#121"


@pytest.mark.parametrize("value", [None, "now", "NOW", " now "])
def test_oracle_now_sets_neither_position_nor_time(value):
    point = parse_oracle_start(value)
    assert point == StartPoint("now", None, None)
    assert point.task_inputs() == {}


@pytest.mark.parametrize(
    "value, expected",
    [
        ("1234567890", "1234567890"),
        (1234567890, "1234567890"),
        (" 987 ", "987"),
        ("18446744073709551615", "18446744073709551615"),
    ],
)
def test_oracle_scn_goes_to_cdc_start_position_as_a_string(value, expected):
    point = parse_oracle_start(value)
    assert (point.kind, point.cdc_start_position, point.cdc_start_time) == ("scn", expected, None)
    assert point.task_inputs() == {"cdc_start_position": expected}


@pytest.mark.parametrize(
    "value, expected",
    [
        ("2026-01-31T22:00:00Z", "2026-01-31T22:00:00Z"),
        ("2026-01-31 22:00:00Z", "2026-01-31T22:00:00Z"),
        ("2026-01-31T22:00Z", "2026-01-31T22:00:00Z"),
        ("2026-01-31T23:00:00+01:00", "2026-01-31T22:00:00Z"),
        ("2026-02-01T00:30:00+01:00", "2026-01-31T23:30:00Z"),
        ("2026-01-31T20:00:00-0330", "2026-01-31T23:30:00Z"),
    ],
)
def test_oracle_time_goes_to_cdc_start_time_in_utc(value, expected):
    point = parse_oracle_start(value)
    assert (point.kind, point.cdc_start_position, point.cdc_start_time) == ("time", None, expected)
    assert point.task_inputs() == {"cdc_start_time": expected}


def test_checkpoints_are_accepted_for_both_engines():
    assert parse_oracle_start(CHECKPOINT) == StartPoint("checkpoint", CHECKPOINT, None)
    assert parse_postgres_start(CHECKPOINT, slot_name=None) == StartPoint("checkpoint", CHECKPOINT, None)


@pytest.mark.parametrize(
    "value, fragment",
    [
        ("2026-01-31", "'2026-01-31' is not a date with a time (YYYY-MM-DDTHH:MM[:SS][Z|+HH:MM])"),
        ("2026-13-01T00:00:00Z", "'2026-13-01T00:00:00Z' is not a valid date-time (month must be in 1..12)"),
        ("2026-02-30T10:00:00Z", "'2026-02-30T10:00:00Z' is not a valid date-time (day is out of range for month)"),
        ("2026-01-31T25:00:00Z", "'2026-01-31T25:00:00Z' is not a valid date-time (hour must be in 0..23)"),
        ("2026-01-31T22:00:00", "'2026-01-31T22:00:00' has no time zone; say UTC explicitly (2026-01-31T22:00:00Z)"),
        ("2026-01-31 22:00", "'2026-01-31 22:00' has no time zone; say UTC explicitly (2026-01-31T22:00Z)"),
        ("2026-01-31T22:00:00.5", "'2026-01-31T22:00:00.5' is not a date with a time"),
        ("abc", "'abc' is not an Oracle CDC start position"),
        ("0", "'0' is not an Oracle CDC start position"),
        ("-5", "'-5' is not an Oracle CDC start position"),
        ("12a", "'12a' is not an Oracle CDC start position"),
        ("4AF/B00000D0", "'4AF/B00000D0' is not an Oracle CDC start position"),
        ("checkpoint:", "'checkpoint:' is not an Oracle CDC start position"),
        ("", "'' is not an Oracle CDC start position"),
        (True, "True is not an Oracle CDC start position"),
        (0, "0 is not an Oracle CDC start position"),
        (1.5, "1.5 is not an Oracle CDC start position"),
    ],
)
def test_oracle_rejections_name_the_field_value_and_allowed_formats(value, fragment):
    with pytest.raises(StartPositionError) as err:
        parse_oracle_start(value)
    message = str(err.value)
    assert message.startswith("cdcStartPosition: ")
    assert fragment in message
    assert "\n" not in message
    assert "an SCN (digits, e.g. 1234567890)" in message and "checkpoint:V1#" in message


def test_oracle_error_uses_the_callers_field_name():
    with pytest.raises(StartPositionError, match=r"^tasks\.core\.cdcStartPosition: 'x' is not"):
        parse_oracle_start("x", field="tasks.core.cdcStartPosition")


@pytest.mark.parametrize(
    "value, expected",
    [
        ("4AF/B00000D0", "4AF/B00000D0"),
        ("0/1A2B3C4", "0/1A2B3C4"),
        ("4af/b00000d0", "4AF/B00000D0"),
        ("FFFFFFFF/FFFFFFFF", "FFFFFFFF/FFFFFFFF"),
    ],
)
def test_postgres_lsn_with_slot_goes_to_cdc_start_position(value, expected):
    point = parse_postgres_start(value, slot_name="dms_rev_slot")
    assert point == StartPoint("lsn", expected, None)
    assert point.task_inputs() == {"cdc_start_position": expected}


@pytest.mark.parametrize("value", [None, "now"])
def test_postgres_now_needs_no_slot(value):
    assert parse_postgres_start(value, slot_name=None) == StartPoint("now", None, None)


@pytest.mark.parametrize("slot", [None, ""])
def test_postgres_lsn_without_slot_is_refused(slot):
    with pytest.raises(StartPositionError) as err:
        parse_postgres_start("0/1A2B3C4", slot_name=slot)
    assert str(err.value) == (
        "reverse.cdcStartPosition: LSN '0/1A2B3C4' needs a replication slot name "
        "(reverse.slotName): DMS accepts a native PostgreSQL start position only together "
        "with SlotName"
    )


@pytest.mark.parametrize("value", ["2026-01-31T22:00:00Z", "2026-01-31 22:00", "2026-01-31"])
def test_postgres_timestamps_are_refused_with_the_reason(value):
    with pytest.raises(StartPositionError) as err:
        parse_postgres_start(value, slot_name="s")
    assert str(err.value) == (
        f"reverse.cdcStartPosition: {value!r} is a time, but DMS does not support CdcStartTime "
        "for PostgreSQL sources; allowed: 'now', an LSN (hex XXXXXXXX/XXXXXXXX, e.g. "
        "4AF/B00000D0) or a DMS checkpoint (checkpoint:V1#...)"
    )


@pytest.mark.parametrize("value", ["1234567890", "4AF", "1/2/3", "123456789/0", "G/0", "/1", "1/", 42])
def test_postgres_rejects_non_lsn_values(value):
    with pytest.raises(StartPositionError) as err:
        parse_postgres_start(value, slot_name="s")  # type: ignore[arg-type]
    assert str(err.value) == (
        f"reverse.cdcStartPosition: {value!r} is not a PostgreSQL CDC start position; allowed: "
        "'now', an LSN (hex XXXXXXXX/XXXXXXXX, e.g. 4AF/B00000D0) or a DMS checkpoint "
        "(checkpoint:V1#...)"
    )


def test_postgres_rejects_the_zero_lsn():
    with pytest.raises(StartPositionError, match=r"'0/0' is the invalid LSN 0/0; capture one with SELECT "):
        parse_postgres_start("0/0", slot_name="s")


def test_exported_patterns_match_whole_values_only():
    assert ORACLE_SCN_RE.fullmatch("1234567890") and not ORACLE_SCN_RE.fullmatch("0123")
    assert PG_LSN_RE.fullmatch("4AF/B00000D0") and not PG_LSN_RE.fullmatch("4AF/B00000D0/1")


def test_a_start_point_cannot_carry_both_position_and_time():
    with pytest.raises(StartPositionError, match="either a position or a time, never both"):
        StartPoint("scn", "1", "2026-01-31T22:00:00Z")
