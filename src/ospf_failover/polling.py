"""Eventual consistency, one idiom: poll a check until it holds, with a bound in time and in count."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Generic, TypeVar

from ospf_failover.errors import ConvergenceTimeout

T = TypeVar("T")


@dataclass(frozen=True)
class Waited(Generic[T]):
    """What a wait found: the last value the check returned, and how long until it held."""

    value: T
    elapsed: float
    attempts: int


def wait_until(
    check: Callable[[], tuple[bool, T, str]],
    *,
    what: str,
    timeout: float,
    interval: float = 0.2,
    max_attempts: int = 10_000,
    progress: Callable[[str], None] | None = None,
    progress_every: float = 5.0,
) -> Waited[T]:
    """Call ``check`` until it says it holds, at most ``timeout`` seconds and ``max_attempts`` calls.

    ``check`` returns ``(holds, value, difference)``: ``difference`` describes what is still wrong, and the last
    one is reported when the wait times out (ConvergenceTimeout). The check is always called at least once.
    With ``progress``, a long wait says every ``progress_every`` seconds what it is still waiting for.
    """
    start = time.monotonic()
    deadline = start + timeout
    next_report = start + progress_every
    attempts = 0
    while True:
        attempts += 1
        holds, value, difference = check()
        now = time.monotonic()
        if holds:
            return Waited(value=value, elapsed=now - start, attempts=attempts)
        if now + interval > deadline or attempts >= max_attempts:
            raise ConvergenceTimeout(what=what, timeout=timeout, last=difference)
        if progress is not None and now >= next_report:
            progress(f"still waiting for {what} ({now - start:.0f} s): {difference}")
            next_report = now + progress_every
        time.sleep(interval)
