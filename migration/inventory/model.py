"""The Oracle inventory as data: tables, their columns, keys and measured LOB sizes. No logic that needs the type map."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import NamedTuple


class InventoryError(ValueError):
    """A bad inventory file; the message is one line naming the file, line and field."""


class Column(NamedTuple):
    """One row of the columns export. A named tuple, not a slotted dataclass: immutable and read by attribute just
    the same, but the loader builds each of a big estate's million columns with one C call (tuple.__new__) instead
    of ten slot assignments."""

    owner: str
    table: str
    name: str
    data_type: str
    data_length: int | None
    data_precision: int | None
    data_scale: int | None
    nullable: bool
    char_used: str | None  # "B" | "C" | None
    char_length: int | None = None  # optional CHAR_LENGTH export: the declared length for CHAR semantics


# A table's LOB measurements when lobs.csv has none for it: one shared, read-only empty mapping instead of an empty
# dict per table (a million tables' empty dicts were 80 MB). The loader gives a table its own dict when it measures.
NO_LOB_SIZES: Mapping[str, int] = MappingProxyType({})


def _no_lob_sizes() -> Mapping[str, int]:
    return NO_LOB_SIZES


@dataclass(slots=True)
class Table:
    """One row of tables.csv with what the other exports say about it. Lean because a big estate holds a million:
    slotted, every list a tuple filled once by the loader (an empty one is the shared `()`) and the LOB sizes a
    mapping shared while empty, so a table without LOBs or unique keys holds no empty list or dict of its own."""

    owner: str
    name: str
    num_rows: int
    bytes: int
    has_primary_key: bool
    has_unique_key: bool = False
    partitioned: bool = False
    columns: tuple[Column, ...] = ()
    lob_max_bytes: Mapping[str, int] = field(default_factory=_no_lob_sizes)  # column -> measured MAX_BYTES
    key_columns: tuple[str, ...] = ()  # PK columns by POSITION, else the first unique key's
    # Every unique constraint's columns by POSITION (keys.csv order): the DDL creates them all, because DMS applies
    # CDC by a unique key when there is no primary key.
    unique_keys: tuple[tuple[str, ...], ...] = ()
    # The Oracle constraint names (keys.csv CONSTRAINT_NAME; empty when not exported): the DDL keeps them.
    key_name: str = ""  # the primary key's
    unique_key_names: tuple[str, ...] = ()  # one per unique_keys entry
    # Columns DMS moves as LOBs (they need a key, and follow the LOB settings): the loader fills this from the
    # type map as it reads each column, so the data classes never depend on the type map.
    lob_columns: tuple[str, ...] = ()

    @property
    def has_key(self) -> bool:
        return self.has_primary_key or self.has_unique_key


@dataclass
class Inventory:
    tables: dict[tuple[str, str], Table]  # (OWNER, TABLE_NAME) -> Table, in tables.csv order

    def schemas(self) -> list[str]:
        """Owners in order of first appearance."""
        return list(dict.fromkeys(owner for owner, _ in self.tables))
