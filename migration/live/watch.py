"""`status --watch`: redraw a frame every N seconds until Ctrl-C. On a terminal the frame is redrawn in place (the
cursor moves back over the previous frame); elsewhere each frame is appended as plain lines. Clock, sleep and the
output stream are injected so tests drive it without waiting."""

from __future__ import annotations

from collections.abc import Callable
from typing import TextIO

REDRAW = "\x1b[{n}F\x1b[J"  # ANSI: cursor to the start of the line n lines up, then clear to the end of screen


def watch(
    frame: Callable[[], list[str]],
    out: TextIO,
    *,
    interval: float,
    sleep: Callable[[float], None],
    tty: bool,
    rounds: int | None = None,
) -> int:
    """Draw `frame()` every `interval` seconds; stop after `rounds` frames (None: until Ctrl-C). Returns 0."""
    shown = drawn = 0
    try:
        while True:
            lines = frame()
            if tty and shown:
                out.write(REDRAW.format(n=shown))
            elif drawn:
                out.write("\n")
            out.write("\n".join(lines) + "\n")
            out.flush()
            shown, drawn = len(lines), drawn + 1
            if rounds is not None and drawn >= rounds:
                return 0
            sleep(interval)
    except KeyboardInterrupt:
        out.write("\n")
        out.flush()
        return 0
