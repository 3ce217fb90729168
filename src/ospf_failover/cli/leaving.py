"""How the ``ospf-failover`` process ends: its output flushed, then out without Python's finalization.

Tearing the interpreter down (every module's objects, the inventory, the libraries' caches) takes tens of
milliseconds after a switch, for nothing the command still needs: every session, lock and file
of a run is closed when the run ends, its output is written on the standard streams. So once the command is done,
the logging handlers are shut down and both streams flushed, then the process exits at once. When a thread other
than a daemon is still alive, the interpreter's usual exit (which waits for it) is taken instead.
"""

from __future__ import annotations

import contextlib
import logging
import os
import sys
import threading
from typing import NoReturn


def working_threads() -> list[threading.Thread]:
    """Threads the interpreter's own exit would wait for."""
    main = threading.main_thread()
    return [thread for thread in threading.enumerate() if thread is not main and not thread.daemon]


def leave(code: int) -> NoReturn:
    """Exit with ``code``: what the process printed is flushed first; finalization is skipped unless a
    non-daemon thread still runs."""
    logging.shutdown()
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(OSError, ValueError):  # a closed pipe or stream: nothing more can reach it
            stream.flush()
    if working_threads():
        sys.exit(code)
    os._exit(code)
