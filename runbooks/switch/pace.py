"""When each host of a verification is read, and when the reads make a verdict. Pure: the clock is given.

Each host keeps its own pace: a host not right yet is read again READ_GAP after its last read ended, a gap that
doubles with each read in a row that was not right, up to MAX_READ_GAP (FAILED_READ_GAP after a read that
failed), never waiting for a slower host's read: a route that moves at once is seen at once, and the hundreds of
groups of a node that died do not read the routers they share as fast as they can while OSPF works. A right
host is not read over and over while the others converge (a node's groups share routers and observers, and
each read of a route is a ``vtysh`` process on them): it is read again to confirm the verdict, once every host
is right, when its read ended more than CONFIRM_AGE before that moment; and the active router every
ACTIVE_REREAD, since what cannot converge starts there. The verdict: every host's last read right, none of them
older than CONFIRM_AGE when all were right.
"""

from __future__ import annotations

from collections.abc import Collection

READ_GAP = 0.02  # seconds between the end of a host's first read that was not right and its next one
MAX_READ_GAP = 0.25  # ... doubling with each read in a row not right, up to this
FAILED_READ_GAP = 0.2  # ... after a read that failed
CONFIRM_AGE = 1.0  # seconds: a right read older than this when every host is right is read again
ACTIVE_REREAD = 5.0  # seconds after which a right active router is read again while the others converge


class Pace:
    """The reads of one verification: per host, whether its last read was right or failed, and when it ended."""

    def __init__(self, active: str) -> None:
        self.active = active
        self.right: dict[str, bool] = {}
        self.failed: set[str] = set()
        self.misses: dict[str, int] = {}  # reads in a row that were not right
        self.read_at: dict[str, float] = {}
        self.all_right_at: float | None = None  # since when every host's last read is right (None: one is not)

    def read(self, host: str, *, at: float, right: bool, failed: bool = False) -> None:
        """A read of ``host`` ended at ``at``: right, not right, or failed (never right)."""
        self.read_at[host] = at
        self.right[host] = right and not failed
        self.misses[host] = 0 if self.right[host] else self.misses.get(host, 0) + 1
        if failed:
            self.failed.add(host)
        else:
            self.failed.discard(host)

    def due(self, host: str, now: float) -> float | None:
        """In how many seconds ``host`` is read next (None: not now)."""
        if host not in self.read_at:
            return 0.0
        if host in self.failed:
            return FAILED_READ_GAP
        if not self.right[host]:
            return min(MAX_READ_GAP, READ_GAP * float(2 ** (self.misses[host] - 1)))
        if not self.confirmed(host) or (host == self.active and now - self.read_at[host] > ACTIVE_REREAD):
            return 0.0
        return None

    def confirmed(self, host: str) -> bool:
        """Does ``host``'s last read count in the verdict (True while not every host is right: nothing to
        confirm yet)?"""
        if self.all_right_at is None:
            return True
        return self.read_at.get(host, float("-inf")) >= self.all_right_at - CONFIRM_AGE

    def verdict(self, hosts: Collection[str], now: float) -> bool:
        """After the reads that ended by ``now``: is every one of ``hosts`` right, and confirmed?"""
        if not all(self.right.get(host, False) for host in hosts):
            self.all_right_at = None
            return False
        if self.all_right_at is None:
            self.all_right_at = now
        return all(self.confirmed(host) for host in hosts)
