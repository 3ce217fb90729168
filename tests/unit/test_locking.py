"""The bounded flock: held once at a time per file, waited for a bounded time and count, released however it ends."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from ospf_failover.errors import LabError, LockTimeout
from ospf_failover.locking import held
from ospf_failover_lab.cluster import ClusterStateFile


def test_a_second_holder_waits_then_gets_lock_timeout(tmp_path: Path) -> None:
    path = tmp_path / "one.lock"
    with held(path, timeout=1) as waited:
        assert 0 <= waited < 0.5, f"an unheld lock was waited for {waited:.2f} s"
        start = time.monotonic()
        with pytest.raises(LockTimeout, match=r"one\.lock stayed locked for more than 0\.3 s"), held(path, timeout=0.3):
            pass
        elapsed = time.monotonic() - start
        assert 0.2 < elapsed < 2, f"gave up after {elapsed:.2f} s, not about 0.3 s"
        with held(tmp_path / "other.lock", timeout=0.3):  # another file is not held up
            pass
    with held(path, timeout=0.3):  # released when the holder is done
        pass


def test_the_count_bound_ends_a_long_timeout(tmp_path: Path) -> None:
    path = tmp_path / "count.lock"
    with held(path, timeout=1):
        start = time.monotonic()
        with pytest.raises(LockTimeout), held(path, timeout=60, interval=0.01, max_attempts=3):
            pass
        assert time.monotonic() - start < 1, "three tries 0.01 s apart took longer than a second"


def test_a_zero_timeout_tries_once(tmp_path: Path) -> None:
    path = tmp_path / "zero.lock"
    with held(path, timeout=0), pytest.raises(LockTimeout), held(path, timeout=0):
        pass


def test_the_caller_chooses_the_error(tmp_path: Path) -> None:
    path = tmp_path / "own.lock"
    with (
        held(path, timeout=1),
        pytest.raises(LabError, match="mine"),
        held(path, timeout=0.1, error=lambda: LabError("mine")),
    ):
        pass


def test_the_lock_is_released_when_the_block_raises(tmp_path: Path) -> None:
    path = tmp_path / "raise.lock"
    with pytest.raises(RuntimeError), held(path, timeout=1):
        raise RuntimeError("inside")
    with held(path, timeout=0.1) as waited:
        assert waited < 0.1


def test_the_lab_cluster_state_lock_keeps_its_lab_error(tmp_path: Path) -> None:
    state = ClusterStateFile(tmp_path)
    held_elsewhere = held(state.lock_path, timeout=1)
    refused = pytest.raises(LabError, match=r"cluster\.lock stayed locked for more than 0 s")
    with held_elsewhere, refused, state._locked(0.2):
        pass
    with state._locked(0.2):
        pass
