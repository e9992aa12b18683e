"""CDC start positions in the forms DMS accepts, checked before they reach a task.

A wrong start point is not caught by DMS until the task starts (or worse, silently skips changes), so every form is
parsed here and mapped to exactly one of `cdc_start_position` / `cdc_start_time`: DMS refuses both at once.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Literal

ORACLE_SCN_RE = re.compile(r"[1-9][0-9]{0,19}")
PG_LSN_RE = re.compile(r"[0-9A-Fa-f]{1,8}/[0-9A-Fa-f]{1,8}")
CHECKPOINT_RE = re.compile(r"checkpoint:V1#\S+")
# Date AND time are required: a bare date is too easy to mean "local midnight" by mistake.
_DATE_START_RE = re.compile(r"\d{4}-\d{1,2}-\d{1,2}")
_TIME_RE = re.compile(r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2})?(Z|[+-]\d{2}:?\d{2})")
_NO_ZONE_RE = re.compile(r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2})?")

ORACLE_FORMATS = (
    "'now', an SCN (digits, e.g. 1234567890), a time with its zone (2026-01-31T22:00:00Z, or an offset like "
    "+01:00, converted to UTC) or a DMS checkpoint (checkpoint:V1#...)"
)
POSTGRES_FORMATS = "'now', an LSN (hex XXXXXXXX/XXXXXXXX, e.g. 4AF/B00000D0) or a DMS checkpoint (checkpoint:V1#...)"


class StartPositionError(ValueError):
    """A start position DMS would not accept; the message is one line naming the field and the allowed formats."""


@dataclass(frozen=True)
class StartPoint:
    kind: Literal["now", "scn", "time", "lsn", "checkpoint"]
    cdc_start_position: str | None
    cdc_start_time: str | None

    def __post_init__(self) -> None:
        if self.cdc_start_position is not None and self.cdc_start_time is not None:
            raise StartPositionError("a CDC start point has either a position or a time, never both (DMS refuses both)")

    def task_inputs(self) -> dict[str, str]:
        """Keyword arguments for aws.dms.ReplicationTask; empty for "now" so DMS starts when the task starts."""
        if self.cdc_start_position is not None:
            return {"cdc_start_position": self.cdc_start_position}
        if self.cdc_start_time is not None:
            return {"cdc_start_time": self.cdc_start_time}
        return {}


NOW = StartPoint("now", None, None)


def _utc_time(text: str, field: str, allowed: str) -> str | None:
    """RFC3339 UTC ("...Z") for an ISO date-time, None when `text` does not start like a date at all."""
    if not _DATE_START_RE.match(text):
        return None
    if _NO_ZONE_RE.fullmatch(text):  # local time or UTC? Whoever wrote it knows; this program must not guess.
        utc = text.replace(" ", "T", 1) + "Z"
        raise StartPositionError(
            f"{field}: {text!r} has no time zone; say UTC explicitly ({utc}) or give an offset; allowed: {allowed}"
        )
    if not _TIME_RE.fullmatch(text):
        raise StartPositionError(
            f"{field}: {text!r} is not a date with a time (YYYY-MM-DDTHH:MM[:SS][Z|+HH:MM]); allowed: {allowed}"
        )
    try:
        parsed = datetime.fromisoformat(text.replace(" ", "T", 1))
    except ValueError as exc:
        raise StartPositionError(f"{field}: {text!r} is not a valid date-time ({exc}); allowed: {allowed}") from None
    if parsed.tzinfo is not None:
        parsed = parsed.astimezone(UTC).replace(tzinfo=None)
    return parsed.strftime("%Y-%m-%dT%H:%M:%SZ")


def parse_oracle_start(value: str | int | None, *, field: str = "cdcStartPosition") -> StartPoint:
    """Oracle source: an SCN goes to CdcStartPosition, a time to CdcStartTime (UTC), "now"/None to neither."""
    if value is None:
        return NOW
    if isinstance(value, bool) or not isinstance(value, (str, int)):
        raise StartPositionError(f"{field}: {value!r} is not an Oracle CDC start position; allowed: {ORACLE_FORMATS}")
    text = str(value).strip()
    if text.lower() == "now":
        return NOW
    if ORACLE_SCN_RE.fullmatch(text):
        return StartPoint("scn", text, None)
    if CHECKPOINT_RE.fullmatch(text):
        return StartPoint("checkpoint", text, None)
    when = _utc_time(text, field, ORACLE_FORMATS)
    if when is not None:
        return StartPoint("time", None, when)
    raise StartPositionError(f"{field}: {value!r} is not an Oracle CDC start position; allowed: {ORACLE_FORMATS}")


def parse_postgres_start(
    value: str | None, *, slot_name: str | None, field: str = "reverse.cdcStartPosition"
) -> StartPoint:
    """PostgreSQL source: a native LSN only works with a pre-created slot (DMS needs SlotName); no timestamps."""
    if value is None:
        return NOW
    if not isinstance(value, str):
        raise StartPositionError(
            f"{field}: {value!r} is not a PostgreSQL CDC start position; allowed: {POSTGRES_FORMATS}"
        )
    text = value.strip()
    if text.lower() == "now":
        return NOW
    if CHECKPOINT_RE.fullmatch(text):
        return StartPoint("checkpoint", text, None)
    if PG_LSN_RE.fullmatch(text):
        if text.replace("0", "") == "/":
            raise StartPositionError(
                f"{field}: {value!r} is the invalid LSN 0/0; capture one with SELECT pg_current_wal_lsn()"
            )
        if not slot_name:
            raise StartPositionError(
                f"{field}: LSN {text!r} needs a replication slot name (reverse.slotName): DMS "
                "accepts a native PostgreSQL start position only together with SlotName"
            )
        return StartPoint("lsn", text.upper(), None)
    if _DATE_START_RE.match(text):
        raise StartPositionError(
            f"{field}: {value!r} is a time, but DMS does not support CdcStartTime for "
            f"PostgreSQL sources; allowed: {POSTGRES_FORMATS}"
        )
    raise StartPositionError(f"{field}: {value!r} is not a PostgreSQL CDC start position; allowed: {POSTGRES_FORMATS}")
