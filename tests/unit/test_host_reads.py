"""Per-host reads keep their own pace: a quick host is read again and again while a slow host's one read is still
in flight; a second read of a host in flight is refused; a read's bound is taken when it begins; failures come
back as outcomes; waiting ends with the first read or other awaited work done; a run that ends waits, bounded,
for the reads still in flight. Real Nornir runs over the repository's inventory, with tasks that sleep."""

from __future__ import annotations

import threading
import time
from concurrent.futures import Future
from pathlib import Path

import pytest
from nornir.core.task import Result, Task

from ospf_failover.engine.reads import HostReads
from ospf_failover.inventory import load_inventory
from ospf_failover.nornir_setup import init_nornir

REPO_INVENTORY = Path(__file__).resolve().parents[2] / "inventory"


def nap(task: Task, *, seconds: float, timeout: float, fail: bool = False) -> Result:
    """A read that sleeps ``seconds`` (or fails) instead of asking a router."""
    time.sleep(seconds)
    if fail:
        raise RuntimeError(f"{task.host.name} refused the read")
    return Result(host=task.host, result=seconds)


def test_a_quick_host_is_read_again_while_a_slow_one_is_still_read() -> None:
    reads = HostReads(init_nornir(load_inventory(REPO_INVENTORY)), nap)
    reads.start("vr1", {"seconds": 0.8}, timeout=lambda: 5.0)
    quick: list[float] = []
    started = time.monotonic()
    reads.start("gw1", {"seconds": 0.05}, timeout=lambda: 5.0)
    for _ in range(50):
        ended = reads.collect(timeout=2)
        if "gw1" in ended:
            assert ended["gw1"].outcome.ok
            quick.append(ended["gw1"].at - started)
            if len(quick) < 4:
                reads.start("gw1", {"seconds": 0.05}, after=0.01, timeout=lambda: 5.0)
        if "vr1" in ended:
            slow = ended["vr1"].at - started
            break
    else:
        pytest.fail("the slow read never ended")
    assert len(quick) == 4 and quick[-1] < slow, f"gw1's reads waited for vr1's ({slow:.2f} s): {quick}"
    assert slow >= 0.75, slow
    assert not reads.flying


def test_a_second_read_of_a_host_in_flight_is_refused() -> None:
    reads = HostReads(init_nornir(load_inventory(REPO_INVENTORY)), nap)
    reads.start("vr2", {"seconds": 0.2}, timeout=lambda: 5.0)
    assert reads.busy("vr2") and not reads.busy("vr1")
    with pytest.raises(RuntimeError, match="already in flight"):
        reads.start("vr2", {"seconds": 0.0}, timeout=lambda: 5.0)
    assert reads.settle(timeout=2) == []


def test_a_failed_read_is_an_outcome_with_its_error() -> None:
    reads = HostReads(init_nornir(load_inventory(REPO_INVENTORY)), nap)
    reads.start("gw2", {"seconds": 0.0, "fail": True}, timeout=lambda: 5.0)
    ended = reads.collect(timeout=2)
    assert not ended["gw2"].outcome.ok
    assert "refused the read" in str(ended["gw2"].outcome.error)


def test_collect_with_nothing_in_flight_returns_at_once_and_settle_is_bounded() -> None:
    reads = HostReads(init_nornir(load_inventory(REPO_INVENTORY)), nap)
    started = time.monotonic()
    assert reads.collect(timeout=5) == {}
    assert time.monotonic() - started < 0.1
    reads.start("vr1", {"seconds": 1.0}, timeout=lambda: 5.0)
    started = time.monotonic()
    assert reads.settle(timeout=0.1) == ["vr1"], "a read still in flight is named"
    assert time.monotonic() - started < 0.5
    assert reads.settle(timeout=2) == []


def test_a_reads_bound_is_taken_when_it_begins_after_its_pause() -> None:
    reads = HostReads(init_nornir(load_inventory(REPO_INVENTORY)), nap)
    asked: list[float] = []

    def bound() -> float:
        asked.append(time.monotonic())
        return 5.0

    started = time.monotonic()
    reads.start("vr1", {"seconds": 0.0}, after=0.3, timeout=bound)
    assert reads.collect(timeout=2)["vr1"].outcome.ok
    assert len(asked) == 1 and asked[0] - started >= 0.3, "the bound was taken before the pause"


def test_waiting_ends_when_other_awaited_work_is_done() -> None:
    reads = HostReads(init_nornir(load_inventory(REPO_INVENTORY)), nap)
    reads.start("vr1", {"seconds": 1.0}, timeout=lambda: 5.0)
    opened: Future[None] = Future()
    threading.Timer(0.1, lambda: opened.set_result(None)).start()
    started = time.monotonic()
    assert reads.collect(timeout=3, also=[opened]) == {}
    assert time.monotonic() - started < 0.6, "the wait went on past the session opening"
    assert reads.busy("vr1")
    assert reads.settle(timeout=3) == []


def test_settling_ends_a_read_still_in_its_pause_without_reading() -> None:
    asked: list[float] = []

    def bound() -> float:
        asked.append(time.monotonic())
        return 5.0

    reads = HostReads(init_nornir(load_inventory(REPO_INVENTORY)), nap)
    reads.start("gw1", {"seconds": 0.0}, after=5.0, timeout=bound)
    started = time.monotonic()
    assert reads.settle(timeout=1) == []
    assert time.monotonic() - started < 0.5, "settling waited for the pause"
    assert asked == [], "the read began after all"
