"""Which tables DMS can apply in batch-optimized apply mode (`TargetMetadata.BatchApplyEnabled`) on a PostgreSQL
target: the one home of those rules, read by the split (tables batch apply cannot take go to tasks apart) and by
the task builder (batch apply on only for tasks whose every table supports it).

Sources, AWS DMS User Guide:
- *Target metadata task settings*, BatchApplyEnabled: batch apply needs a primary or unique key on the table
  (without one only inserts batch; updates and deletes do not); a target table with both a unique constraint
  and a primary key is not supported (DMS raises an error); with LOB columns, limited LOB mode only.
- *Limitations on Oracle as a target for AWS Database Migration Service*: "2 * columns_in_original_table +
  columns_in_primary_key <= 999" is the number of columns per table batch-optimized apply supports; a table over
  it has all its changes applied in one-by-one mode. The guide states it for Oracle targets only (it holds as
  written for the reverse task, which writes into Oracle); no stored copy of *Using a PostgreSQL database as a
  target*, *Target metadata task settings* or *Change processing tuning settings* states a limit for PostgreSQL
  targets. The forward split applies the same limit anyway: a wide table it moves apart costs one more task,
  while one left in a batch task might fall back to one-by-one apply unseen.
- XMLTYPE: DMS moves it as a CLOB in limited LOB mode only and LogMiner does not replicate its UPDATEs (the type
  map); its changes are applied one by one, so its tables stay out of batch apply.

The DMS guide is silent on the next two; Qlik Replicate, the engine DMS descends from, documents them, and the
project follows its word rather than find out in production:
- LONG and LONG RAW: "not supported in Batch optimized apply mode" (Qlik Replicate Help, *Oracle → Homogeneous
  Replication*, the LONG and LONG RAW rows).
- A key column written as bytea on a PostgreSQL target "causes unpredictable behavior in Batch Optimized Apply
  mode" (Qlik Replicate Help, *PostgreSQL target → Limitations and considerations*). The type map
  (migration.inventory.typemap) writes RAW, BLOB and LONG RAW as bytea; RAW(16) GUID keys are the common case.
"""

from __future__ import annotations

import math

from migration.inventory.typemap import normalise_oracle_type
from migration.planning.planner.model import TableLike

BATCH_APPLY_MAX_PARAMETERS = 999  # 2 x columns + primary-key columns, per table (Oracle-target limitation; module doc)
_XMLTYPE = frozenset({"XMLTYPE", "SYS.XMLTYPE"})
_LONG_TYPES = frozenset({"LONG", "LONG RAW"})  # Qlik Replicate: not supported in batch optimized apply (module doc)
_BYTEA_TYPES = frozenset({"RAW", "BLOB", "LONG RAW"})  # written as bytea by the type map (module doc)


def batch_apply_blocker(table: TableLike) -> str | None:
    """Why DMS cannot apply this table's changes in batch mode, or None when it can."""
    if not table.has_key:
        return "no primary or unique key"
    if table.has_primary_key and table.has_unique_key:
        return "both a primary key and a unique constraint (DMS refuses them in batch apply)"
    columns = table.columns
    params = 2 * len(columns) + len(table.key_columns)
    if params > BATCH_APPLY_MAX_PARAMETERS:
        return f"2 x {len(columns)} columns + key columns = {params} > {BATCH_APPLY_MAX_PARAMETERS}"
    xml = [c.name for c in columns if c.data_type.upper() in _XMLTYPE]
    if xml:
        return f"XMLTYPE column(s) {', '.join(xml)}"
    return _type_blocker(table)


def _type_blocker(table: TableLike) -> str | None:
    """LONG / LONG RAW columns, or a key column PostgreSQL stores as bytea (Qlik Replicate's rules; module doc)."""
    types = {c.name: _base_type(c.data_type) for c in table.columns}
    longs = [name for name, t in types.items() if t in _LONG_TYPES]
    if longs:
        return f"{' / '.join(sorted({types[n] for n in longs}))} column(s) {', '.join(longs)}"
    bytea_keys = [k for k in table.key_columns if types.get(k) in _BYTEA_TYPES]
    if bytea_keys:
        return f"key column(s) {', '.join(bytea_keys)} stored as bytea on PostgreSQL"
    return None


def _base_type(data_type: str) -> str:
    """RAW(16) -> RAW, LONG RAW -> LONG RAW."""
    return normalise_oracle_type(data_type).split("(", 1)[0]


# Change processing tuning settings (AWS DMS User Guide: *Change processing tuning settings*): DMS's defaults.
BATCH_APPLY_TIMEOUT_MIN_S = 1
BATCH_APPLY_TIMEOUT_MAX_S = 30
DEFAULT_BATCH_APPLY_MEMORY_MB = 500
# Planning assumption: one batch holds up to BatchApplyTimeoutMax seconds of a task's changes, and DMS's
# preprocessing (net changes per key, before images) needs about this many times their size in memory.
BATCH_MEMORY_HEADROOM = 3
MAX_BATCH_APPLY_MEMORY_MB = 4096  # planned figures stop here; set taskSettingsOverrides for more


def batch_apply_memory_mb(change_mb_per_s: float | None) -> int:
    """BatchApplyMemoryLimit for a task whose tables change at `change_mb_per_s`: DMS's 500 MB default, more when
    one BatchApplyTimeoutMax window of changes (with headroom) would not fit."""
    if not change_mb_per_s:
        return DEFAULT_BATCH_APPLY_MEMORY_MB
    need = math.ceil(change_mb_per_s * BATCH_APPLY_TIMEOUT_MAX_S * BATCH_MEMORY_HEADROOM)
    return min(MAX_BATCH_APPLY_MEMORY_MB, max(DEFAULT_BATCH_APPLY_MEMORY_MB, need))
