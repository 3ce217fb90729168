"""Times that mean what they say: when each standby's and observer's route moved, counted from the moment the
active router's change was confirmed to that host's own first read showing the new route. Pure: the clock is
given every time.

A host's first read can come late for reasons of the tool's own: its SSH session opened after the change (its
connect took long), or it was read after a wait of some other kind. When the route already held at that late
first read, the read says only that it had moved by then: the host's row says "first read at 4.90 s: connect
took 4.80 s" and the summary "first read at 4.90 s", never a convergence time.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

LATE_READ = 1.0  # seconds after the change: a first read this late tells no convergence time


@dataclass
class HostClock:
    """One host's reads, in seconds after the change was confirmed."""

    first_read: float | None = None
    held: float | None = None  # the first read showing the new route (None: none yet)
    holds: bool = False  # at the last read
    session: float | None = None  # when its session opened, when that was after the change
    connect: float | None = None  # how long its session took to open, when that was after the change


class RouteClock:
    """Per host, when it was first read and first seen right, counted from ``origin`` (``time.monotonic()`` of
    the active router's change confirmed)."""

    def __init__(self, origin: float) -> None:
        self.origin = origin
        self.hosts: dict[str, HostClock] = {}

    def _clock(self, host: str) -> HostClock:
        return self.hosts.setdefault(host, HostClock())

    def opened(self, host: str, *, at: float, took: float | None) -> None:
        """The host's session opened at ``at`` after ``took`` seconds (background sessions: the observers')."""
        if at > self.origin:
            clock = self._clock(host)
            clock.session, clock.connect = at - self.origin, took

    def read(self, host: str, *, at: float, holds: bool) -> None:
        """The host's read that completed at ``at`` (``time.monotonic()``) showed the route right or not."""
        clock = self._clock(host)
        seconds = max(0.0, at - self.origin)
        if clock.first_read is None:
            clock.first_read = seconds
        if holds and clock.held is None:
            clock.held = seconds
        clock.holds = holds

    def late(self, host: str) -> bool:
        """Did the host already show the new route at a first read that came late?"""
        clock = self.hosts.get(host)
        if clock is None or clock.held is None or clock.held != clock.first_read:
            return False
        return clock.session is not None or clock.held > LATE_READ

    def moved(self, host: str) -> float | None:
        """Seconds until the host's route moved, when a read saw it move (None: not moved, or not known)."""
        clock = self.hosts.get(host)
        if clock is None or not clock.holds or self.late(host):
            return None
        return clock.held

    def first_late_read(self, host: str) -> str:
        """``first read at 4.90 s: connect took 4.80 s`` (the connect part when the session opened late)."""
        clock = self.hosts[host]
        connect = f": connect took {clock.connect:.2f} s" if clock.connect is not None else ""
        return f"first read at {clock.first_read or 0.0:.2f} s{connect}"

    def row_text(self, host: str) -> str:
        """What the host's row adds: ``(after 0.10 s)``, ``(first read at 4.90 s: connect took 4.80 s)``, or
        nothing (the route is not right)."""
        clock = self.hosts.get(host)
        if clock is None or not clock.holds:
            return ""
        if self.late(host):
            return f" ({self.first_late_read(host)})"
        return f" (after {clock.held or 0.0:.2f} s)"

    def summary(self, hosts: Iterable[str], not_read: Mapping[str, str]) -> str:
        """``route moved: vr1 0.10 s, gw1 0.10 s, gw2 unreachable`` (``not_read``: hosts never read, with why in
        a few words)."""
        parts = []
        for host in hosts:
            clock = self.hosts.get(host)
            if host in not_read:
                parts.append(f"{host} {not_read[host]}")
            elif clock is not None and clock.holds and self.late(host):
                parts.append(f"{host} {self.first_late_read(host).split(':')[0]}")
            elif (moved := self.moved(host)) is not None:
                parts.append(f"{host} {moved:.2f} s")
            else:
                parts.append(f"{host} not moved")
        return f"route moved: {', '.join(parts)}" if parts else ""

    def as_dict(self, hosts: Iterable[str]) -> dict[str, float | None]:
        """``convergence_seconds``: per host the seconds until its route moved, None when not moved or not known."""
        return {host: (round(m, 3) if (m := self.moved(host)) is not None else None) for host in hosts}

    def first_reads(self, hosts: Iterable[str]) -> dict[str, float | None]:
        """``first_read_seconds``: per host its first read after the change (None: never read)."""
        return {
            host: (round(c.first_read, 3) if (c := self.hosts.get(host)) and c.first_read is not None else None)
            for host in hosts
        }
