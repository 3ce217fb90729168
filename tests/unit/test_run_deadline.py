"""A run is bounded by its --timeout from the command's start, every wait cut to what is left of it; it never goes
quiet while it waits; verify takes no lock, so a monitor never delays a failover."""

from __future__ import annotations

import argparse
import io
import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from ospf_failover.cli.arguments import positive_seconds, process_started, timeout_help
from ospf_failover.engine import EcxLines, Ending, Run, Runbook, Step, StepRun, run_steps
from ospf_failover.engine.batch import MIN_STEP_TIMEOUT, Finished, step_timeout
from ospf_failover.engine.heartbeat import Awaited, Heartbeat, waiting_line
from ospf_failover.engine.lock import fog_lock
from ospf_failover.errors import ClpstatBusy, InputError
from ospf_failover.inventory import Fleet, load_inventory
from ospf_failover.nornir_setup import init_nornir, run_on
from ospf_failover.runbooks.switch.plan import SwitchOptions
from ospf_failover.runbooks.switch.run import runbook_of
from ospf_failover.runbooks.switch.steps import clpstat_error
from ospf_failover.tasks.clpstat import read_clpstat

REPO_INVENTORY = Path(__file__).resolve().parents[2] / "inventory"


@pytest.fixture(scope="module")
def fleet() -> Fleet:
    return load_inventory(REPO_INVENTORY)


@pytest.fixture(autouse=True)
def own_locks(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OSPF_FAILOVER_LOCK_DIR", str(tmp_path / "locks"))


def lines_of(stream: io.StringIO) -> list[str]:
    return stream.getvalue().splitlines()


def test_a_step_bound_is_cut_to_what_is_left() -> None:
    now = 100.0
    assert step_timeout(130.0, 10.0, now=now) == 10.0
    assert step_timeout(102.5, 10.0, now=now) == 2.5
    assert step_timeout(99.0, 10.0, now=now) == MIN_STEP_TIMEOUT, "past the deadline: one short answer at most"


def test_the_timeout_counts_from_the_commands_start(fleet: Fleet) -> None:
    stream, ran = io.StringIO(), []

    def connect(state: None, step: StepRun) -> Ending:
        ran.append(step.name)
        return Ending(0, "done")

    started = time.monotonic() - 1.0  # the command started a second ago
    runbook = Runbook("switch", ("customer1",), (EcxLines(stream),), timeout=0.5, started=started)
    before = time.monotonic()
    code = run_steps(
        fleet, runbook, lambda: None, (Step("plan", lambda s, r: None), Step("connect", connect, connects=True))
    )
    assert time.monotonic() - before < 1.0
    assert code == 1 and ran == [], "a step that connects is not started once the time is up"
    lines = lines_of(stream)
    assert lines[0] == "[E] switch customer1: connect: not started: the run's 0.5 s are up", lines
    assert lines[-1].startswith("[E] switch customer1: out of time (--timeout 0.5 s) before connect in "), lines


def test_the_lock_is_waited_for_only_as_long_as_the_run_has_left(fleet: Fleet) -> None:
    stream = io.StringIO()
    steps: tuple[Step[None], ...] = (Step("connect", lambda s, r: Ending(0, "ok"), connects=True),)
    runbook = Runbook(
        "switch", ("customer1",), (EcxLines(stream),), lock=True, timeout=1.5, started=time.monotonic() - 1.0
    )
    with fog_lock("customer1", timeout=1):
        before = time.monotonic()
        assert run_steps(fleet, runbook, lambda: None, steps) == 1
        waited = time.monotonic() - before
    assert waited < 1.0, f"waited {waited:.2f} s for the lock although 0.5 s were left"
    assert "another run holds" in lines_of(stream)[0]


def test_a_run_waiting_for_the_lock_says_for_what(fleet: Fleet, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("ospf_failover.engine.heartbeat.HEARTBEAT_EVERY", 0.3)
    stream = io.StringIO()
    steps: tuple[Step[None], ...] = (Step("connect", lambda s, r: Ending(0, "ok"), connects=True),)
    runbook = Runbook("switch", ("customer1",), (EcxLines(stream),), lock=True, timeout=5, heartbeat=True)
    released = threading.Event()

    def holder() -> None:
        with fog_lock("customer1", timeout=5):
            held.set()
            released.wait(5)

    held = threading.Event()
    thread = threading.Thread(target=holder)
    thread.start()
    held.wait(5)
    threading.Timer(1.0, released.set).start()
    assert run_steps(fleet, runbook, lambda: None, steps) == 0
    thread.join(5)
    beats = [line for line in lines_of(stream) if ": lock: waiting " in line]
    assert beats, lines_of(stream)
    assert beats[0].startswith("[I] switch customer1: lock: waiting 0 s for another run on customer1 to end (it holds ")


def test_a_run_that_waits_says_so_at_least_every_few_seconds() -> None:
    stream = io.StringIO()
    run = Run("switch", ["customer1"], [EcxLines(stream)])
    heartbeat = Heartbeat(run, "customer1", every=0.3)
    heartbeat.awaited = Awaited(step="connect", since=time.monotonic(), what=lambda: "SSH sessions to vr1")
    heartbeat.start()
    try:
        time.sleep(1.1)
    finally:
        heartbeat.stop()
    lines = lines_of(stream)
    assert len(lines) >= 2, lines
    assert all(line.startswith("[I] switch customer1: connect: waiting ") for line in lines), lines
    assert lines[0].endswith(" s for SSH sessions to vr1")


def test_a_run_that_speaks_needs_no_heartbeat_and_one_that_waits_for_nothing_gets_none() -> None:
    stream = io.StringIO()
    run = Run("switch", ["customer1"], [EcxLines(stream)])
    heartbeat = Heartbeat(run, "customer1", every=0.5).start()  # nothing awaited yet
    try:
        time.sleep(0.7)
        heartbeat.awaited = Awaited(step="verify", since=time.monotonic(), what=lambda: "gw2")
        for _ in range(4):
            run.note("customer1", "a line")
            time.sleep(0.25)
    finally:
        heartbeat.stop()
    assert lines_of(stream) == ["[I] switch customer1: a line"] * 4


def test_the_heartbeats_words_never_stop_it() -> None:
    def broken() -> str:
        raise KeyError("gw2")

    line = waiting_line(Awaited(step="verify", since=10.0, what=broken), 14.2)
    assert line == "verify: waiting 4 s for (cannot say: KeyError)"


def test_a_runbook_over_many_groups_has_no_heartbeat() -> None:
    with pytest.raises(ValueError, match="heartbeat"):
        Runbook("check", ("customer1", "customer2"), unsent_alerts="stderr", heartbeat=True)


def test_switch_and_release_hold_the_groups_lock_and_verify_does_not(fleet: Fleet) -> None:
    options = SwitchOptions(fog="customer1")
    assert runbook_of("switch", fleet, options, lock=True).lock
    verify = runbook_of("verify", fleet, options, lock=False)
    assert not verify.lock and verify.heartbeat


def test_the_timeouts_bound_is_exclusive_of_zero() -> None:
    assert positive_seconds("0.3") == 0.3 and positive_seconds("1800") == 1800
    for wrong in ("0", "-1", "1800.5", "nan"):
        with pytest.raises(argparse.ArgumentTypeError, match=r"0 < S <= 1800"):
            positive_seconds(wrong)
    assert "0 < S <= 1800" in timeout_help(120) and "(default 120)" in timeout_help(120)


def test_the_commands_start_is_known() -> None:
    """In a fresh process (this test's own may be older than the 60 s a command's start is trusted for)."""
    probe = (
        "import time; from ospf_failover.cli.arguments import process_started; "
        "started = process_started(); print(started is not None and 0 <= time.monotonic() - started < 30)"
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=60, check=False)
    assert done.stdout.strip() == "True", (done.stdout, done.stderr)
    here = process_started()  # this process: known while it is young, None once older than 60 s
    assert here is None or here <= time.monotonic()


@pytest.fixture
def busy_clpstat(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A clpstat on PATH that always answers busy (exit status 9), counting its runs."""
    runs = tmp_path / "runs"
    script = tmp_path / "bin" / "clpstat"
    script.parent.mkdir()
    script.write_text(f"#!/bin/sh\necho run >> {runs}\necho 'busy' >&2\nexit 9\n")
    script.chmod(0o755)
    monkeypatch.setenv("PATH", f"{script.parent}{os.pathsep}{os.environ['PATH']}")
    return runs


def test_clpstats_busy_retries_end_within_their_bound_and_say_how_long(fleet: Fleet, busy_clpstat: Path) -> None:
    busy = threading.Event()
    with init_nornir(fleet) as nr:
        before = time.monotonic()
        outcome = run_on(nr, ["node-a"], read_clpstat, local=True, max_wait=0.6, retry_interval=0.2, busy=busy)
        took = time.monotonic() - before
    assert took < 1.5, f"asked for {took:.2f} s although the bound was 0.6 s"
    assert busy.is_set(), "the first busy answer is told at once"
    error = outcome["node-a"].error
    assert isinstance(error, ClpstatBusy) and error.attempts == len(busy_clpstat.read_text().splitlines()) >= 2
    assert error.seconds is not None and 0.3 < error.seconds < 1.0
    refused = clpstat_error(error, where="node-a (local)")
    assert isinstance(refused, InputError), "clpstat busy is bad input: exit 2, nothing touched"
    assert str(refused).startswith(
        f"clpstat on node-a (local) answered busy (exit status 9) for {error.seconds:.1f} s ("
    )
    assert "nothing touched" in str(refused)


def test_a_processor_says_when_each_hosts_answer_was_in(fleet: Fleet) -> None:
    from nornir.core.task import Result, Task

    def slow_for_vr1(task: Task) -> Result:
        time.sleep(0.4 if task.host.name == "vr1" else 0.0)
        return Result(host=task.host, result=None)

    finished = Finished()
    with init_nornir(fleet) as nr:
        before = time.monotonic()
        run_on(nr, ["vr1", "vr2"], slow_for_vr1, processors=[finished])
    assert finished.at["vr2"] - before < 0.3 <= finished.at["vr1"] - before
