"""One run at a time per failover group on a node: an flock on a file named after the group."""

from __future__ import annotations

import contextlib
import fcntl
import os
import re
import time
from collections.abc import Iterator
from pathlib import Path

from ospf_failover.errors import LockTimeout

LOCK_DIR_ENV = "OSPF_FAILOVER_LOCK_DIR"
DEFAULT_LOCK_DIR = "/run/lock/ospf-failover"


def lock_path(fog: str) -> Path:
    directory = Path(os.environ.get(LOCK_DIR_ENV, DEFAULT_LOCK_DIR))
    safe = re.sub(r"[^A-Za-z0-9_.-]", "_", fog)
    return directory / f"{safe}.lock"


@contextlib.contextmanager
def fog_lock(fog: str, *, timeout: float, interval: float = 0.1) -> Iterator[float]:
    """Hold the group's lock; yields the seconds spent waiting for it. Raises LockTimeout after ``timeout``."""
    path = lock_path(fog)
    path.parent.mkdir(parents=True, exist_ok=True)
    start = time.monotonic()
    with path.open("a") as handle:
        while True:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() - start + interval > timeout:
                    raise LockTimeout(f"{fog}: another run holds {path} for more than {timeout:.0f} s") from None
                time.sleep(interval)
        try:
            yield time.monotonic() - start
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)
