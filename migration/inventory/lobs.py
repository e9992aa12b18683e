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
    bulk_max_size_kb: int  # limited: the largest LOB with one margin (lob_margin); 0 for unlimited
    basis: str  # why this mode and size, from the measured sizes and the column types
    # What this choice cannot do, for the caller to raise or print as a warning: LOBs it truncates, columns that
    # cannot move in the mode a table needs. None when the choice moves every LOB whole.
    warning: str | None = None
    truncates: bool = False  # a measured LOB does not fit the limited-mode cap and full mode is not possible
    unmeasured: tuple[str, ...] = ()  # LOB columns without a size when the choice came from the measured others
    # No LOB of the table measured (LONG and LONG RAW cannot be): the size is a guess, for a plan warning
    guessed: bool = False

    @property
    def reason(self) -> str:
        """The one-line explanation reports and task reasons print: the basis, then the warning, then the
        columns that were not measured."""
        warning = f"; WARNING: {self.warning}" if self.warning else ""
        unmeasured = f"; not measured: {', '.join(self.unmeasured)}" if self.unmeasured else ""
        return f"{self.basis}{warning}{unmeasured}"


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


# Character LOBs are measured in characters x 4 bytes (migration/sql/oracle_inventory.sql, clob_bytes_per_char):
# that worst case is their margin. Binary LOBs are measured in bytes and get 3x. One margin per column, never two.
CHARACTER_LOB_TYPES = frozenset({"CLOB", "NCLOB", "XMLTYPE", "LONG"})
BINARY_LOB_MARGIN = 3


def lob_margin(col: Column) -> int:
    return 1 if col.data_type.upper().removeprefix("SYS.") in CHARACTER_LOB_TYPES else BINARY_LOB_MARGIN


def _average_row_kb(table: Table) -> int:
    """The export's average row size (BYTES / NUM_ROWS) in KB: a floor for LOBs nobody measured (LONG, LONG RAW)."""
    return math.ceil(table.bytes / table.num_rows / 1024) if table.num_rows > 0 else 0


def choose_lob_mode(table: Table, *, default_limited_kb: int = 64, max_limited_kb: int = 102400) -> LobChoice | None:
    """Limited mode when 3x the largest measured LOB fits under the cap (fast, bulk), full LOB mode beyond;
    LONG/LONG RAW/XMLTYPE forbid full mode and SDO_GEOMETRY requires it."""
    lobs = [(c.name, m) for c in table.columns if _may_be_lob(c) and (m := oracle_to_postgres(c)).is_lob]
    if not lobs:
        return None
    limited_only = [name for name, m in lobs if m.limited_lob_only]
    full_only = [name for name, m in lobs if m.full_lob_only]
    if full_only:
        basis = f"SDO_GEOMETRY in {', '.join(full_only)} needs full LOB mode -> unlimited"
        warning = (
            f"{', '.join(limited_only)} cannot move in full LOB mode: split them into a separate table or exclude them"
            if limited_only
            else None
        )
        return LobChoice("unlimited", 0, basis, warning)
    measured = {name: table.lob_max_bytes[name] for name, _ in lobs if name in table.lob_max_bytes}
    unmeasured = tuple(name for name, _ in lobs if name not in table.lob_max_bytes)
    if not measured:
        return _unmeasured_choice(table, default_limited_kb, max_limited_kb)
    margins = {c.name: lob_margin(c) for c in table.columns if c.name in measured}
    need = {name: math.ceil(margins[name] * size / 1024) for name, size in measured.items()}
    biggest = max(need, key=lambda name: (need[name], measured[name]))
    size = measured[biggest]
    need_kb = max(default_limited_kb, need[biggest])
    margin = f"{margins[biggest]}x" if margins[biggest] > 1 else "as measured (4 bytes per character)"
    head = f"largest LOB {_size_text(size)} in {biggest}"
    if need_kb <= max_limited_kb:
        return LobChoice("limited", need_kb, f"{head} -> limited, bulk-max-size {need_kb} KB", unmeasured=unmeasured)
    if limited_only:
        return LobChoice(
            "limited",
            max_limited_kb,
            f"{head}: {margin} is {need_kb} KB, above the {max_limited_kb} KB cap, but "
            f"{', '.join(limited_only)} cannot move in full LOB mode -> limited at {max_limited_kb} KB",
            f"LOBs above {max_limited_kb // margins[biggest]} KB will be truncated",
            truncates=True,
            unmeasured=unmeasured,
        )
    return LobChoice(
        "unlimited",
        0,
        f"{head}: {margin} is {need_kb} KB, above the {max_limited_kb} KB limited-mode cap -> unlimited (full LOB "
        "mode)",
        unmeasured=unmeasured,
    )


def _unmeasured_choice(table: Table, default_limited_kb: int, max_limited_kb: int) -> LobChoice:
    """No LOB measured (LONG and LONG RAW cannot be): limited at the default, or at 3x the export's average row
    size when that is bigger (a table averaging 66 KB a row has LOBs of at least that size)."""
    avg_kb = _average_row_kb(table)
    size_kb = min(max_limited_kb, max(default_limited_kb, BINARY_LOB_MARGIN * avg_kb))
    why = (
        f"the default {default_limited_kb} KB"
        if size_kb == default_limited_kb
        else f"{BINARY_LOB_MARGIN}x the table's average row of {avg_kb} KB (BYTES / NUM_ROWS of the export)"
    )
    return LobChoice(
        "limited",
        size_kb,
        f"not measured: measure with the SQL in oracle_inventory.sql; limited, bulk-max-size {size_kb} KB from "
        f"{why} (set FailTasksOnLobTruncation so larger LOBs fail instead of being truncated)",
        guessed=True,
    )
