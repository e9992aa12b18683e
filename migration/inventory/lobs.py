"""LOB handling per table, chosen from the columns' types and the measured LOB sizes."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Literal

from migration.inventory.model import Column, Table
from migration.inventory.typemap import oracle_to_postgres


@dataclass(frozen=True, slots=True)
class LobChoice:
    mode: Literal["limited", "unlimited", "none"]  # table-settings lob-settings mode
    bulk_max_size_kb: int  # limited: >= 3x the largest LOB (DMS converts LOBs to binary); 0 for unlimited
    reason: str
    truncates: bool = False  # a measured LOB does not fit the limited-mode cap and full mode is not possible


def _size_text(n: int) -> str:
    if n < 1024:
        return f"{n} bytes"
    if n < 1024 * 1024:
        return f"{n / 1024:.1f} KB"
    return f"{n / (1024 * 1024):.1f} MB"


# Types that are never a LOB at any length up to 2000 (beyond that, VARCHAR2/NVARCHAR2/RAW extended types are):
# lets choose_lob_mode skip the full type mapping for the vast majority of columns.
_NEVER_LOB = frozenset({"NUMBER", "FLOAT", "BINARY_FLOAT", "BINARY_DOUBLE", "DATE", "CHAR", "NCHAR", "INTEGER"})
_SHORT_IS_NOT_LOB = frozenset({"VARCHAR2", "NVARCHAR2", "VARCHAR", "RAW"})


def _may_be_lob(col: Column) -> bool:
    dt = col.data_type
    if dt in _NEVER_LOB or dt.startswith(("TIMESTAMP", "INTERVAL")):
        return False
    return not (dt in _SHORT_IS_NOT_LOB and (col.data_length or 0) <= 2000)


def choose_lob_mode(table: Table, *, default_limited_kb: int = 64, max_limited_kb: int = 102400) -> LobChoice | None:
    """Limited mode when 3x the largest measured LOB fits under the cap (fast, bulk), full LOB mode beyond;
    LONG/LONG RAW/XMLTYPE forbid full mode and SDO_GEOMETRY requires it."""
    lobs = [(c.name, m) for c in table.columns if _may_be_lob(c) and (m := oracle_to_postgres(c)).is_lob]
    if not lobs:
        return None
    limited_only = [name for name, m in lobs if m.limited_lob_only]
    full_only = [name for name, m in lobs if m.full_lob_only]
    if full_only:
        reason = f"SDO_GEOMETRY in {', '.join(full_only)} needs full LOB mode -> unlimited"
        if limited_only:
            reason += (
                f"; WARNING: {', '.join(limited_only)} cannot move in full LOB mode: split them into a "
                "separate table or exclude them"
            )
        return LobChoice("unlimited", 0, reason)
    measured = {name: table.lob_max_bytes[name] for name, _ in lobs if name in table.lob_max_bytes}
    unmeasured = [name for name, _ in lobs if name not in table.lob_max_bytes]
    if not measured:
        return LobChoice(
            "limited",
            default_limited_kb,
            f"not measured: measure with the SQL in oracle_inventory.sql; limited, bulk-max-size "
            f"{default_limited_kb} KB as a default (set FailTasksOnLobTruncation so larger LOBs fail "
            "instead of being truncated)",
        )
    biggest = max(measured, key=lambda name: measured[name])
    size = measured[biggest]
    need_kb = max(default_limited_kb, math.ceil(3 * size / 1024))
    also = f"; not measured: {', '.join(unmeasured)}" if unmeasured else ""
    head = f"largest LOB {_size_text(size)} in {biggest}"
    if need_kb <= max_limited_kb:
        return LobChoice("limited", need_kb, f"{head} -> limited, bulk-max-size {need_kb} KB{also}")
    if limited_only:
        return LobChoice(
            "limited",
            max_limited_kb,
            f"{head}: 3x is {need_kb} KB, above the {max_limited_kb} KB cap, but "
            f"{', '.join(limited_only)} cannot move in full LOB mode -> limited at {max_limited_kb} KB; "
            f"WARNING: LOBs above {max_limited_kb // 3} KB will be truncated{also}",
            truncates=True,
        )
    return LobChoice(
        "unlimited",
        0,
        f"{head}: 3x is {need_kb} KB, above the {max_limited_kb} KB limited-mode cap "
        f"-> unlimited (full LOB mode){also}",
    )
