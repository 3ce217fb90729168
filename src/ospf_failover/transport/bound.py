"""The bounds on connects in flight: OpenSSH's MaxStartups (10:30:100) refuses some of more than 10 simultaneous
unauthenticated connections, so sessions open a few at a time in a process, however many threads want one, and a
few at a time to each host from all the processes of this machine together."""

from __future__ import annotations

import contextlib
import fcntl
import os
import re
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TextIO

MACHINE_SLOT_INTERVAL = 0.02  # seconds between tries at a machine-wide slot
MACHINE_SLOT_TRIES = 100_000  # and at most this many tries (the timeout comes first)


class NoConnectSlot(TimeoutError):
    """No connect slot freed in time."""


class ConnectsInFlight:
    """How many connects are under way in this process; each caller waits until fewer than *its* limit are (the
    inventory's ``max_connects_in_flight``), so one count serves every inventory a process opens sessions for.
    A process running many groups at once (a leader of switches) keeps its handshakes few at a time too: each
    is CPU work under one interpreter lock, and a handshake starved of it runs into its timeouts."""

    def __init__(self) -> None:
        self._changed = threading.Condition()
        self._count = 0
        self.most = 0  # the most connects seen under way at once (for tests and measurements)

    @property
    def count(self) -> int:
        return self._count

    @contextmanager
    def slot(self, limit: int, *, timeout: float) -> Iterator[None]:
        """Hold one of ``limit`` slots while connecting; NoConnectSlot when none frees within ``timeout`` seconds."""
        with self._changed:
            if not self._changed.wait_for(lambda: self._count < limit, timeout=timeout):
                raise NoConnectSlot(f"no connect slot free within {timeout:.0f} s ({self._count} under way)")
            self._count += 1
            self.most = max(self.most, self._count)
        try:
            yield
        finally:
            with self._changed:
                self._count -= 1
                self._changed.notify_all()


@contextmanager
def machine_slot(directory: Path | None, key: str, limit: int, *, timeout: float) -> Iterator[None]:
    """Hold one of ``limit`` connect slots of ``key`` shared by every process of this machine: an flock on one of
    the files ``KEY.0`` .. ``KEY.<limit-1>`` in ``directory`` (the tool's lock directory). Tried every
    MACHINE_SLOT_INTERVAL seconds, bounded by ``timeout`` and a count; NoConnectSlot when none frees. Without a
    usable directory (None, or not writable here) only the process's own bound holds."""
    safe = re.sub(r"[^A-Za-z0-9_.-]", "_", key)
    if directory is None or not _usable(directory):
        yield
        return
    deadline = time.monotonic() + timeout
    for _ in range(MACHINE_SLOT_TRIES):
        handle = _first_free(directory, safe, limit)
        if handle is not None:
            try:
                yield
            finally:
                with contextlib.suppress(OSError):
                    fcntl.flock(handle, fcntl.LOCK_UN)
                handle.close()
            return
        if time.monotonic() + MACHINE_SLOT_INTERVAL > deadline:
            break
        time.sleep(MACHINE_SLOT_INTERVAL)
    raise NoConnectSlot(f"no connect slot to {key} free on this machine within {timeout:.0f} s ({limit} in use)")


def _usable(directory: Path) -> bool:
    try:
        directory.mkdir(parents=True, exist_ok=True)
    except OSError:
        return False
    return os.access(directory, os.W_OK | os.X_OK)


def _first_free(directory: Path, name: str, limit: int) -> TextIO | None:
    for number in range(limit):
        try:
            handle = (directory / f"{name}.{number}").open("a")
        except OSError:
            continue
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            handle.close()
            continue
        return handle
    return None
