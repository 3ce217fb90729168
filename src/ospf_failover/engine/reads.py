"""Per-host reads that keep their own pace: a host is read again as soon as its own last read is judged, never
waiting for a slower host's read to end (a poll of all hosts together lasts as long as its slowest read).

At most one read per host is in flight, so a host's session never carries two reads at once. Each read runs on
a daemon thread with Nornir's serial runner (see :func:`.batch.run_in_background`): a read left behind by a run
that ended does not hold the process.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Collection, Mapping
from concurrent.futures import FIRST_COMPLETED, Future, wait
from dataclasses import dataclass
from typing import Any

from nornir.core import Nornir
from nornir.core.task import Result
from nornir.plugins.runners import SerialRunner

from ospf_failover.nornir_setup import HostRun, run_on

from .batch import in_background, with_own_arguments


@dataclass(frozen=True)
class HostRead:
    """One host's read: its outcome, and when (``time.monotonic()``) it ended."""

    outcome: HostRun
    at: float


class HostReads:
    """Reads of ``work`` on single hosts, each started on its own and collected as they end."""

    def __init__(self, nr: Nornir, work: Callable[..., Result], **common: Any) -> None:
        self.serial = nr.with_runner(SerialRunner())
        self.work, self.common = work, common
        self.flying: dict[str, Future[HostRead]] = {}
        self.stopping = threading.Event()  # set by settle(): reads still in their pause end without reading

    def busy(self, host: str) -> bool:
        """Is a read of ``host`` in flight?"""
        return host in self.flying

    def start(
        self, host: str, arguments: Mapping[str, Any], *, after: float = 0.0, timeout: Callable[[], float]
    ) -> None:
        """Read ``host`` with its ``arguments`` once ``after`` seconds have passed, bounded by ``timeout()``
        seconds as it is when the read begins (the run's time left, once the pause is over)."""
        if host in self.flying:
            raise RuntimeError(f"a read of {host} is already in flight")
        self.flying[host] = in_background(self._read, host, dict(arguments), after, timeout)

    def _read(self, host: str, arguments: dict[str, Any], after: float, timeout: Callable[[], float]) -> HostRead:
        stopped = self.stopping.wait(after) if after > 0 else self.stopping.is_set()
        if stopped:
            return HostRead(
                outcome=HostRun(result=None, error=RuntimeError(f"{host} not read: reading ended")), at=time.monotonic()
            )
        outcomes = run_on(
            self.serial,
            [host],
            with_own_arguments,
            work=self.work,
            arguments={host: arguments},
            timeout=timeout(),
            **self.common,
        )
        return HostRead(outcome=outcomes[host], at=time.monotonic())

    def collect(self, timeout: float, *, also: Collection[Future[Any]] = ()) -> dict[str, HostRead]:
        """The reads that ended: waits at most ``timeout`` seconds for the first one when none has ended yet, or
        for the first of ``also`` (other work whose end matters to the caller: sessions opening) to be done.
        Nothing in flight and nothing in ``also``: returns at once."""
        if not self.flying and not also:
            return {}
        wait([*self.flying.values(), *also], timeout=max(0.0, timeout), return_when=FIRST_COMPLETED)
        ended: dict[str, HostRead] = {}
        for host, future in list(self.flying.items()):
            if not future.done():
                continue
            del self.flying[host]
            try:
                ended[host] = future.result()
            except Exception as exc:  # the read's own thread failed: the host was not read
                ended[host] = HostRead(outcome=HostRun(result=None, error=exc), at=time.monotonic())
        return ended

    def settle(self, timeout: float) -> list[str]:
        """No more reads: those still in their pause end at once, and those reading are waited for, at most
        ``timeout`` seconds (their outcomes are dropped); the hosts still being read after that."""
        self.stopping.set()
        if self.flying:
            wait(self.flying.values(), timeout=max(0.0, timeout))
        for host, future in list(self.flying.items()):
            if future.done():
                del self.flying[host]
        return list(self.flying)
