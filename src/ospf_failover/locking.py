"""An exclusive flock on a file, waited for with a bound in time and in count, never forever."""

from __future__ import annotations

import contextlib
import fcntl
import os
import time
from collections.abc import Callable, Iterator
from pathlib import Path

from ospf_failover.errors import LockTimeout

LOCK_DIR_ENV = "OSPF_FAILOVER_LOCK_DIR"
DEFAULT_LOCK_DIR = "/run/lock/ospf-failover"


def lock_directory() -> Path:
    """Where the tool's locks live on this machine: $OSPF_FAILOVER_LOCK_DIR, else /run/lock/ospf-failover."""
    return Path(os.environ.get(LOCK_DIR_ENV, DEFAULT_LOCK_DIR))


@contextlib.contextmanager
def held(
    path: Path,
    *,
    timeout: float,
    interval: float = 0.05,
    max_attempts: int = 10_000,
    error: Callable[[], Exception] | None = None,
) -> Iterator[float]:
    """Hold an exclusive flock on ``path`` (opened for appending); yields the seconds spent waiting for it.

    A non-blocking flock is tried every ``interval`` seconds, at least once, until a further try would end after
    ``timeout`` or ``max_attempts`` tries were made; then the exception ``error()`` builds is raised (LockTimeout
    by default). The lock is released when the block ends, however it ends.
    """
    start = time.monotonic()
    deadline = start + timeout
    attempts = 0
    with path.open("a") as handle:
        while True:
            attempts += 1
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() + interval > deadline or attempts >= max_attempts:
                    if error is None:
                        raise LockTimeout(f"{path} stayed locked for more than {timeout:.1f} s") from None
                    raise error() from None
                time.sleep(interval)
        try:
            yield time.monotonic() - start
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)
