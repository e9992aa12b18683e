"""Fake inventory tables and plan look-ups shared by the planner tests (not a test module)."""

from __future__ import annotations

from dataclasses import dataclass, field

from migration.notices import Level
from migration.planning.planner import GB, MigrationPlan

XL = "dms.r6i.xlarge"
BIG = "dms.r6i.8xlarge"


@dataclass(frozen=True)
class Col:
    name: str
    data_type: str
    data_precision: int | None = None
    data_scale: int | None = None


@dataclass
class Tab:
    owner: str
    name: str
    bytes: int
    num_rows: int = 1000
    has_primary_key: bool = True
    has_unique_key: bool = False
    partitioned: bool = False
    lobs: list[str] = field(default_factory=list)
    key_columns: list[str] = field(default_factory=lambda: ["ID"])
    columns: list[Col] = field(default_factory=lambda: [Col("ID", "NUMBER", 12, 0), Col("NOTE", "VARCHAR2")])

    @property
    def lob_columns(self) -> list[str]:
        return list(self.lobs)

    @property
    def has_key(self) -> bool:
        return self.has_primary_key or self.has_unique_key


def tab(name: str, size: int, **kw) -> Tab:
    return Tab("APP", name, size, **kw)


def ten_gb() -> list[Tab]:
    return [tab(f"T{i}", GB) for i in range(10)]


def task_of(plan: MigrationPlan, owner: str, name: str):
    return next(t for t in plan.tasks if (owner, name) in t.tables)


def warning_text(plan: MigrationPlan, code: str) -> str:
    """The text of the plan's one warning with this code (decisions read the code, people the text)."""
    (found,) = [w for w in plan.warnings if w.code == code]
    assert found.level is Level.WARNING
    return found.text
