"""Nothing may hang start.sh: a watchdog ends a run that overruns its bound, whatever it waits on."""

from __future__ import annotations

import os
import sys
import threading
from collections.abc import Callable
from dataclasses import dataclass, field

from ospf_failover.errors import EXIT_FAILED

WATCHDOG_GRACE = 0.9  # seconds past a run's deadline before the watchdog ends it: a run ends within --timeout + 1 s


@dataclass
class Watchdog:
    """Nothing may hang start.sh: past its bound the process reports and exits, whatever it waits on.

    The exit code follows the run's phase: before the active router took over, the run failed (1); after, the
    gateway has moved and only the verification is missing (3, or 0 when verification only warns), so that ECX
    does not fail the group over again for a slow observer.
    """

    label: str  # "switch customer1": who gives up
    seconds: float
    exit_code: int = EXIT_FAILED
    # Where the last line and the exit code go instead (a run served for another process, which exits with them)
    expire_with: Callable[[str, int], None] | None = None
    _timer: threading.Timer | None = field(default=None, repr=False)

    def start(self) -> Watchdog:
        self._timer = threading.Timer(self.seconds, self._expire)
        self._timer.daemon = True
        self._timer.start()
        return self

    def cancel(self) -> None:
        if self._timer is not None:
            self._timer.cancel()

    def _expire(self) -> None:
        line = f"[E] {self.label}: still running after {self.seconds:.0f} s: giving up (exit {self.exit_code})"
        if self.expire_with is not None:
            self.expire_with(line, self.exit_code)
            return
        print(line, file=sys.stderr, flush=True)
        os._exit(self.exit_code)
