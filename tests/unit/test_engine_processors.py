"""Per-host timing and progress are Nornir processors: every host of a run is timed and reported done, failed hosts
included, in a real threaded Nornir run (tasks that sleep instead of connecting)."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest
from nornir.core.task import Result, Task

from ospf_failover.engine import HostsDone, host_progress, run_per_host
from ospf_failover.inventory import load_inventory
from ospf_failover.nornir_setup import HostTimer, init_nornir, run_on

REPO_INVENTORY = Path(__file__).resolve().parents[2] / "inventory"


def nap(task: Task, *, seconds: float, fail: bool = False) -> Result:
    time.sleep(seconds)
    if fail:
        raise RuntimeError(f"{task.host.name} failed")
    return Result(host=task.host, result=seconds)


def test_every_host_is_timed_by_its_own_instance_failed_ones_too() -> None:
    nr = init_nornir(load_inventory(REPO_INVENTORY))
    naps = {"vr1": {"seconds": 0.4}, "vr2": {"seconds": 0.05}, "gw1": {"seconds": 0.2, "fail": True}}
    started = time.monotonic()
    outcomes = run_per_host(nr, nap, naps)
    assert time.monotonic() - started < 0.4 + 0.3, "the hosts ran in parallel"
    assert not outcomes["gw1"].ok and outcomes["vr1"].ok
    seconds = {host: outcome.seconds for host, outcome in outcomes.items()}
    assert all(value is not None for value in seconds.values()), seconds
    assert 0.4 <= (seconds["vr1"] or 0) < 0.6 and 0.05 <= (seconds["vr2"] or 0) < 0.25, seconds
    assert 0.2 <= (seconds["gw1"] or 0) < 0.4, seconds
    assert outcomes["vr1"].result is not None and outcomes["vr1"].result.result == 0.4


def test_a_host_not_in_the_inventory_has_an_outcome_and_no_time() -> None:
    nr = init_nornir(load_inventory(REPO_INVENTORY))
    outcomes = run_on(nr, ["vr1", "vr9"], nap, seconds=0.0)
    assert outcomes["vr1"].ok and outcomes["vr1"].seconds is not None
    assert isinstance(outcomes["vr9"].error, LookupError) and outcomes["vr9"].seconds is None


def test_progress_follows_each_host_as_it_is_done() -> None:
    nr = init_nornir(load_inventory(REPO_INVENTORY))
    done: list[tuple[str, float]] = []
    lock = threading.Lock()
    started = time.monotonic()

    def record(host: str) -> None:
        with lock:
            done.append((host, time.monotonic() - started))

    naps = {"vr1": {"seconds": 0.3}, "vr2": {"seconds": 0.0}, "gw1": {"seconds": 0.1, "fail": True}}
    run_per_host(nr, nap, naps, processors=[HostsDone(record)])
    assert [host for host, _ in done] == ["vr2", "gw1", "vr1"], done
    assert done[0][1] < 0.1 <= done[1][1] < 0.3 <= done[2][1], "each host is reported as it ends, not at the end"


def test_a_processor_sees_a_subtask_as_part_of_its_host() -> None:
    nr = init_nornir(load_inventory(REPO_INVENTORY))
    done: list[str] = []

    def outer(task: Task) -> Result:
        task.run(task=nap, seconds=0.1)
        return Result(host=task.host, result="outer")

    timer = HostTimer()
    nr.filter(filter_func=lambda host: host.name == "vr1").with_processors([timer, HostsDone(done.append)]).run(outer)
    assert done == ["vr1"], "a subtask is not a host done"
    assert timer.seconds["vr1"] >= 0.1


def test_no_bar_off_a_terminal(capsys: pytest.CaptureFixture[str]) -> None:
    with host_progress(30) as processors:
        assert processors == []
    assert capsys.readouterr().err == ""
