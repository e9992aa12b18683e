"""`python -m migration ...` (see migration/cli/main.py)."""

import os
import sys

from migration.cli.main import main

code = main()
# Leave without interpreter finalisation. The Pulumi mocks give each of their worker threads an asyncio event loop
# (pulumi.runtime.sync_await._ensure_event_loop) that nothing closes; finalising those loops at exit, after their
# selector's file descriptors are gone, intermittently printed "ValueError: Invalid file descriptor: -1" after an
# otherwise clean run. Everything the command writes is flushed first; the exit code is main()'s.
for stream in (sys.stdout, sys.stderr):
    try:
        stream.flush()
    except (OSError, ValueError):  # a closed pipe (output piped into `head`): nothing left to say
        pass
os._exit(code)
