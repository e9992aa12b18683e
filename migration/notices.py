"""Structured notices: what the planner, the task builder and the change preview tell the user.

A notice carries its level and a stable code; decisions (exit codes, grouping, filtering) read those fields and
never the wording, which stays free to improve. `line` is how a notice prints.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Iterable


class Level(StrEnum):
    INFO = "info"  # printed as the text alone
    NOTE = "note"  # printed after NOTE: worth reading, not a risk
    WARNING = "warning"  # printed after WARNING: a risk the user should act on


@dataclass(frozen=True)
class Notice:
    level: Level
    code: str  # stable, kebab-case: what kind of notice this is (e.g. "plan-not-frozen")
    text: str  # the message, without its level prefix
    destructive: bool = False  # the change it announces replaces, deletes or reloads something

    @property
    def line(self) -> str:
        """The notice as printed: warnings start with WARNING, notes with NOTE, information is the text alone."""
        prefix = {Level.WARNING: "WARNING ", Level.NOTE: "NOTE "}.get(self.level, "")
        return prefix + self.text


def info(code: str, text: str) -> Notice:
    return Notice(Level.INFO, code, text)


def note(code: str, text: str) -> Notice:
    return Notice(Level.NOTE, code, text)


def warning(code: str, text: str, *, destructive: bool = False) -> Notice:
    return Notice(Level.WARNING, code, text, destructive)


def lines(notices: Iterable[Notice]) -> list[str]:
    return [n.line for n in notices]


def any_destructive(notices: Iterable[Notice]) -> bool:
    return any(n.destructive for n in notices)
