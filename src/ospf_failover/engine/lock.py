"""One run at a time per failover group on a node: an flock on a file named after the group."""

from __future__ import annotations

import contextlib
import re
from collections.abc import Iterator
from pathlib import Path

from ospf_failover.errors import LockTimeout
from ospf_failover.locking import DEFAULT_LOCK_DIR, LOCK_DIR_ENV, held, lock_directory

__all__ = ["DEFAULT_LOCK_DIR", "LOCK_DIR_ENV", "fog_lock", "lock_path"]


def lock_path(fog: str) -> Path:
    directory = lock_directory()
    safe = re.sub(r"[^A-Za-z0-9_.-]", "_", fog)
    return directory / f"{safe}.lock"


@contextlib.contextmanager
def fog_lock(fog: str, *, timeout: float, interval: float = 0.1) -> Iterator[float]:
    """Hold the group's lock; yields the seconds spent waiting for it. Raises LockTimeout after ``timeout``."""
    path = lock_path(fog)
    path.parent.mkdir(parents=True, exist_ok=True)

    def timed_out() -> LockTimeout:
        return LockTimeout(f"{fog}: another run holds {path} for more than {timeout:.0f} s")

    with held(path, timeout=timeout, interval=interval, error=timed_out) as waited:
        yield waited
