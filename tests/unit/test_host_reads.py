"""Per-host reads keep their own pace: a quick host is read again and again while a slow host's one read is still
in flight, never two reads of one host at once; failures come back as outcomes; a run that ends waits, bounded,
for the reads still in flight. Real Nornir runs over the repository's inventory, with tasks that sleep."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest
from nornir.core.task import Result, Task

from ospf_failover.engine.reads import HostReads
from ospf_failover.inventory import load_inventory
from ospf_failover.nornir_setup import init_nornir

REPO_INVENTORY = Path(__file__).resolve().parents[2] / "inventory"


class Naps:
    """A task that sleeps ``seconds`` (or fails), counting the reads of each host in flight at once."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.in_flight: dict[str, int] = {}
        self.most: dict[str, int] = {}

    def __call__(self, task: Task, *, seconds: float, timeout: float, fail: bool = False) -> Result:
        name = task.host.name
        with self.lock:
            self.in_flight[name] = self.in_flight.get(name, 0) + 1
            self.most[name] = max(self.most.get(name, 0), self.in_flight[name])
        try:
            time.sleep(seconds)
        finally:
            with self.lock:
                self.in_flight[name] -= 1
        if fail:
            raise RuntimeError(f"{name} refused the read")
        return Result(host=task.host, result=seconds)


def test_a_quick_host_is_read_again_while_a_slow_one_is_still_read() -> None:
    naps = Naps()
    reads = HostReads(init_nornir(load_inventory(REPO_INVENTORY)), naps)
    reads.start("vr1", {"seconds": 0.8}, timeout=5)
    quick: list[float] = []
    started = time.monotonic()
    reads.start("gw1", {"seconds": 0.05}, timeout=5)
    for _ in range(50):
        ended = reads.collect(timeout=2)
        if "gw1" in ended:
            assert ended["gw1"].outcome.ok
            quick.append(ended["gw1"].at - started)
            if len(quick) < 4:
                reads.start("gw1", {"seconds": 0.05}, after=0.01, timeout=5)
        if "vr1" in ended:
            slow = ended["vr1"].at - started
            break
    else:
        pytest.fail("the slow read never ended")
    assert len(quick) == 4 and quick[-1] < slow, f"gw1's reads waited for vr1's ({slow:.2f} s): {quick}"
    assert slow >= 0.8, slow
    assert naps.most == {"vr1": 1, "gw1": 1}, "never two reads of one host at once"
    assert not reads.flying


def test_a_second_read_of_a_host_in_flight_is_refused() -> None:
    reads = HostReads(init_nornir(load_inventory(REPO_INVENTORY)), Naps())
    reads.start("vr2", {"seconds": 0.2}, timeout=5)
    assert reads.busy("vr2") and not reads.busy("vr1")
    with pytest.raises(RuntimeError, match="already in flight"):
        reads.start("vr2", {"seconds": 0.0}, timeout=5)
    assert reads.settle(timeout=2) == []


def test_a_failed_read_is_an_outcome_with_its_error() -> None:
    reads = HostReads(init_nornir(load_inventory(REPO_INVENTORY)), Naps())
    reads.start("gw2", {"seconds": 0.0, "fail": True}, timeout=5)
    ended = reads.collect(timeout=2)
    assert not ended["gw2"].outcome.ok
    assert "refused the read" in str(ended["gw2"].outcome.error)


def test_collect_with_nothing_in_flight_returns_at_once_and_settle_is_bounded() -> None:
    reads = HostReads(init_nornir(load_inventory(REPO_INVENTORY)), Naps())
    started = time.monotonic()
    assert reads.collect(timeout=5) == {}
    assert time.monotonic() - started < 0.1
    reads.start("vr1", {"seconds": 1.0}, timeout=5)
    started = time.monotonic()
    assert reads.settle(timeout=0.1) == ["vr1"], "a read still in flight is named"
    assert time.monotonic() - started < 0.5
    assert reads.settle(timeout=2) == []
