"""A run over one group never goes quiet: while it waits (a connect, a lock, clpstat, OSPF), a line at least every
few seconds says what it waits for and from whom, so that ECX's resource log never shows a long silent gap."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from .run import Run

HEARTBEAT_EVERY = 4.0  # seconds without a line after which the heartbeat draws one (the promise is 5 s)
TICK = 0.2  # how often the heartbeat looks


@dataclass(frozen=True)
class Awaited:
    """What a run waits for now: the step, since when (``time.monotonic()``), and the words for it (a function,
    asked each time a line is due, so that a poll can say what is still missing)."""

    step: str
    since: float
    what: Callable[[], str]


def waiting_line(awaited: Awaited, now: float) -> str:
    """The heartbeat's line: ``verify: waiting 8 s for gw2: 10.0.0.0/24 via 192.168.76.252 (now: no route)``."""
    try:
        what = awaited.what()
    except Exception as exc:  # the words are a courtesy: never let them stop the heartbeat
        what = f"(cannot say: {type(exc).__name__})"
    return f"{awaited.step}: waiting {now - awaited.since:.0f} s for {what}"


class Heartbeat:
    """Draws a note for ``fog`` whenever ``every`` seconds passed without a line, saying what is awaited."""

    def __init__(self, run: Run, fog: str, *, every: float | None = None) -> None:
        self.run, self.fog = run, fog
        self.every = every if every is not None else HEARTBEAT_EVERY
        self.awaited: Awaited | None = None  # set by whoever waits; replaced whole, read by the heartbeat's thread
        self._stopped = threading.Event()
        self._thread = threading.Thread(target=self._beat, daemon=True, name="heartbeat")

    def start(self) -> Heartbeat:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stopped.set()

    def _beat(self) -> None:
        while not self._stopped.wait(TICK):
            now = time.monotonic()
            awaited = self.awaited
            if awaited is not None and now - self.run.last_drawn >= self.every:
                self.run.note(self.fog, waiting_line(awaited, now))
