"""An argparse parser whose errors are one line (raised as UsageError), never usage text plus a message."""

from __future__ import annotations

import argparse
from typing import NoReturn


class UsageError(ValueError):
    """Bad command-line arguments; the message is one line naming the command and the problem."""


class OneLineParser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        raise UsageError(f"{self.prog}: {message}")
