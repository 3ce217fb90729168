"""The bound on connects in flight: OpenSSH's MaxStartups (10:30:100) refuses some of more than 10 simultaneous
unauthenticated connections, so sessions open a few at a time, however many threads want one."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager


class NoConnectSlot(TimeoutError):
    """No connect slot freed in time."""


class ConnectsInFlight:
    """How many connects are under way; each caller waits until fewer than *its* limit are (the inventory's
    ``max_connects_in_flight``), so one count serves every inventory a process opens sessions for."""

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
