"""`status --watch`: redraw a frame every N seconds until Ctrl-C. On a terminal each frame clears the screen and
starts at its top left corner, so a frame whose lines wrap (or that got longer or shorter) still replaces the last
one; elsewhere each frame is appended as plain lines. Sleep and the output stream are injected so tests drive it
without waiting."""

from __future__ import annotations

from collections.abc import Callable
from typing import TextIO

CLEAR = "\x1b[H\x1b[2J"  # ANSI: cursor to the top left corner, then clear the whole screen
INTERRUPTED = 130  # the shell's exit code for a command ended by SIGINT (128 + 2)


def watch(
    frame: Callable[[], list[str]],
    out: TextIO,
    *,
    interval: float,
    sleep: Callable[[float], None],
    tty: bool,
    rounds: int | None = None,
    blank_between: bool = True,
) -> int:
    """Draw `frame()` every `interval` seconds; stop after `rounds` frames (returns 0) or at Ctrl-C (returns 130).
    Off a terminal frames are parted by a blank line, or not at all (`blank_between=False`: JSON Lines)."""
    drawn = 0
    try:
        while True:
            lines = frame()
            if tty:
                out.write(CLEAR)
            elif drawn and blank_between:
                out.write("\n")
            out.write("\n".join(lines) + "\n")
            out.flush()
            drawn += 1
            if rounds is not None and drawn >= rounds:
                return 0
            sleep(interval)
    except KeyboardInterrupt:
        out.write("\n")
        out.flush()
        return INTERRUPTED
