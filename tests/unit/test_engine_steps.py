"""The engine owns a run: it times each step, turns the project's errors into rows and exit codes, takes the
group's lock before the first step that connects, closes every Nornir connection (failed hosts' included) and
stops the watchdog when the run lets go of its hosts, whatever happened."""

from __future__ import annotations

import io
import json
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from nornir.core.plugins.connections import ConnectionPluginRegister
from nornir.core.task import Result, Task

from ospf_failover.engine import EcxLines, Ending, JsonDocument, Runbook, Step, StepRun, open_run, run_steps
from ospf_failover.engine.lock import fog_lock
from ospf_failover.errors import InputError, LockTimeout, OspfFailoverError
from ospf_failover.inventory import Fleet, load_inventory
from ospf_failover.runbooks.release.run import RELEASE
from ospf_failover.runbooks.switch.run import SWITCH, VERIFY

REPO_INVENTORY = Path(__file__).resolve().parents[2] / "inventory"


@pytest.fixture(scope="module")
def fleet() -> Fleet:
    return load_inventory(REPO_INVENTORY)


@pytest.fixture(autouse=True)
def no_clplogcmd_and_own_locks(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", str(tmp_path / "bin"))
    monkeypatch.setenv("OSPF_FAILOVER_LOCK_DIR", str(tmp_path / "locks"))


@dataclass
class Seen:
    """A state for test steps: what ran, in order."""

    steps: list[str] = field(default_factory=list)


@dataclass
class Drawn:
    lines: io.StringIO = field(default_factory=io.StringIO)
    json: io.StringIO = field(default_factory=io.StringIO)

    def runbook(self, name: str = "switch", **options: Any) -> Runbook:
        return Runbook(name, ("customer1",), (EcxLines(self.lines), JsonDocument(self.json)), **options)

    def document(self) -> dict[str, Any]:
        shaped: dict[str, Any] = json.loads(self.json.getvalue())
        return shaped

    def text(self) -> list[str]:
        return self.lines.getvalue().splitlines()


def step(name: str, *, sleep: float = 0.0, ending: Ending | None = None, error: BaseException | None = None) -> Any:
    def do(state: Seen, run: StepRun) -> Ending | None:
        state.steps.append(name)
        time.sleep(sleep)
        if error is not None:
            raise error
        run.add("PASS", f"{name} done")
        return ending

    return do


def test_each_row_is_timed_from_its_own_steps_start(fleet: Fleet) -> None:
    drawn, seen = Drawn(), Seen()

    def announce(state: Seen, run: StepRun) -> Ending:
        run.add("PASS", "up", host="vr2")
        run.add("PASS", "sent", host="vr2", step="announce")
        return Ending(0, "switched")

    steps = (Step("locate", step("locate", sleep=0.3)), Step("active-up", announce))
    assert run_steps(fleet, drawn.runbook(), lambda: seen, steps) == 0
    document = drawn.document()
    rows = document["steps"]
    assert [(r["step"], r["host"]) for r in rows] == [("locate", None), ("active-up", "vr2"), ("announce", "vr2")]
    assert 0.3 <= rows[0]["seconds"] < 1.0, rows[0]
    assert rows[1]["seconds"] < 0.2 and rows[2]["seconds"] < 0.2, "a step's rows count from that step's start"
    assert document["seconds"] >= 0.3 and document["verdict"] == "switched" and document["exit_code"] == 0
    assert drawn.text()[0] == "[I] switch customer1: locate: locate done"
    assert drawn.text()[-1].startswith("[I] switch customer1: switched in ")


def test_the_first_step_that_ends_the_run_is_the_last(fleet: Fleet) -> None:
    seen = Seen()
    steps = (Step("connect", step("connect", ending=Ending(1, "unreachable"))), Step("verify", step("verify")))
    assert run_steps(fleet, Drawn().runbook(), lambda: seen, steps) == 1
    assert seen.steps == ["connect"]


def test_bad_input_while_preparing_is_refused_at_the_first_step(fleet: Fleet) -> None:
    drawn, seen = Drawn(), Seen()

    def prepare() -> Seen:
        raise InputError("failover group 'nosuch' is not in inventory")

    assert run_steps(fleet, drawn.runbook(), prepare, (Step("locate", step("locate")),)) == 2
    document = drawn.document()
    assert document["verdict"] == "refused, nothing touched" and document["exit_code"] == 2
    assert [(r["step"], r["outcome"]) for r in document["steps"]] == [("locate", "FAIL")]
    assert seen.steps == []
    assert drawn.text()[0] == "[E] switch customer1: locate: failover group 'nosuch' is not in inventory"


def test_bad_input_in_a_step_is_refused_at_that_step(fleet: Fleet) -> None:
    drawn, seen = Drawn(), Seen()
    steps = (Step("locate", step("locate")), Step("plan", step("plan", error=InputError("no router"))))
    assert run_steps(fleet, drawn.runbook("release"), lambda: seen, steps) == 2
    rows = drawn.document()["steps"]
    assert (rows[-1]["step"], rows[-1]["outcome"], rows[-1]["message"]) == ("plan", "FAIL", "no router")


def test_an_error_fails_the_run_at_its_phase_exit_code(fleet: Fleet) -> None:
    for phase, code in ((None, 1), (lambda state: 3, 3), (lambda state: 0, 0)):
        drawn = Drawn()
        steps = (
            Step("active-up", step("active-up"), phase_exit=phase),
            Step("verify", step("verify", error=OspfFailoverError("clpstat could not be read"))),
        )
        assert run_steps(fleet, drawn.runbook(), Seen, steps) == code
        document = drawn.document()
        assert document["verdict"] == "failed" and document["exit_code"] == code
        last = document["steps"][-1]
        assert (last["step"], last["outcome"], last["message"]) == ("switch", "FAIL", "clpstat could not be read")


def test_a_step_says_what_an_error_in_it_means(fleet: Fleet) -> None:
    drawn = Drawn()

    def not_released(state: Seen, run: StepRun, error: OspfFailoverError) -> Ending:
        run.add("WARN", f"{error}: NIC left as it is", host="vr1")
        return Ending(0, "not released (warned)")

    steps = (Step("release", step("release", error=LockTimeout("held")), on_error=not_released),)
    assert run_steps(fleet, drawn.runbook("release"), Seen, steps) == 0
    rows = drawn.document()["steps"]
    assert (rows[-1]["step"], rows[-1]["outcome"], rows[-1]["message"]) == (
        "release",
        "WARN",
        "held: NIC left as it is",
    )


def test_an_error_outside_the_tree_is_not_swallowed(fleet: Fleet) -> None:
    with pytest.raises(ZeroDivisionError):
        run_steps(fleet, Drawn().runbook(), Seen, (Step("locate", step("locate", error=ZeroDivisionError())),))


def test_no_step_may_use_nornir_without_saying_it_connects(fleet: Fleet) -> None:
    def sneaky(state: Seen, run: StepRun) -> Ending:
        run.nornir.run(task=lambda task: None)
        return Ending(0, "done")

    with pytest.raises(RuntimeError, match="does not connect"):
        run_steps(fleet, Drawn().runbook(), Seen, (Step("locate", sneaky),))


def test_the_groups_lock_is_taken_before_the_first_step_that_connects(fleet: Fleet) -> None:
    drawn, seen = Drawn(), Seen()
    steps = (Step("locate", step("locate")), Step("connect", step("connect", ending=Ending(0, "ok")), connects=True))
    with fog_lock("customer1", timeout=1):
        start = time.monotonic()
        assert run_steps(fleet, drawn.runbook(lock=True, timeout=0.4), lambda: seen, steps) == 1
        assert time.monotonic() - start < 5
    assert seen.steps == ["locate"], "the step that connects never ran"
    last = drawn.document()["steps"][-1]
    assert last["step"] == "switch" and last["outcome"] == "FAIL" and "another run holds" in last["message"]


def test_a_run_that_waited_for_the_lock_says_so(fleet: Fleet) -> None:
    drawn = Drawn()
    held, release = threading.Event(), threading.Event()

    def holder() -> None:
        with fog_lock("customer1", timeout=5):
            held.set()
            release.wait(5)

    thread = threading.Thread(target=holder)
    thread.start()
    held.wait(5)
    threading.Timer(0.8, release.set).start()
    connects = (Step("locate", step("locate", ending=Ending(0, "ok")), connects=True),)
    assert run_steps(fleet, drawn.runbook(lock=True, timeout=10), Seen, connects) == 0
    thread.join(5)
    assert drawn.text()[0].startswith("[I] switch customer1: waited "), drawn.text()
    assert drawn.text()[0].endswith(" s for another run on customer1")


def test_a_runbook_is_refused_when_it_cannot_be_run_as_described() -> None:
    with pytest.raises(ValueError, match="one group and has a timeout"):
        Runbook("switch", ("customer1",), lock=True)
    with pytest.raises(ValueError, match="one group and has a timeout"):
        Runbook("check", ("customer1", "customer2"), lock=True, timeout=10)
    with pytest.raises(ValueError, match="a run over one group only"):
        Runbook("check", ("customer1", "customer2"), alerts="run")
    Runbook("check", ("customer1", "customer2"), alerts="run", unsent_alerts="stderr")


CLOSED: list[str] = []  # the addresses whose Probe connection was closed


class Probe:
    """A Nornir connection plugin that opens nothing and remembers being closed."""

    def __init__(self) -> None:
        self.host = ""

    def open(self, *args: Any, **kwargs: Any) -> None:  # Nornir passes hostname, username, ... by name
        self.host = str(kwargs["hostname"])

    def close(self) -> None:
        CLOSED.append(self.host)

    @property
    def connection(self) -> Probe:
        return self


def open_probe(task: Task, *, fail: list[str]) -> Result:
    task.host.get_connection("probe", task.nornir.config)
    if task.host.name in fail:
        raise OspfFailoverError(f"{task.host.name} refused")
    return Result(host=task.host, result="open")


def test_leaving_the_run_closes_every_connection_failed_hosts_included(fleet: Fleet) -> None:
    ConnectionPluginRegister.register("probe", Probe)
    CLOSED.clear()
    try:
        with open_run(fleet, Runbook("check", ("customer1",))) as opened:
            nr = opened.connect()
            some = nr.filter(filter_func=lambda host: host.name in ("vr1", "vr2", "gw1"))
            some.run(task=open_probe, fail=["vr2"])  # as Nornir leaves it: vr2 marked failed
            assert nr.data.failed_hosts == {"vr2"}
            assert CLOSED == [], "nothing is closed while the run holds its hosts"
        addresses = [str(fleet.inventory.hosts[name].hostname) for name in ("vr1", "vr2", "gw1")]
        assert sorted(CLOSED) == sorted(addresses), "the failed host's connection is closed too"
    finally:
        ConnectionPluginRegister.deregister("probe")


WATCHED = (
    "import sys, time\n"
    "from pathlib import Path\n"
    "from ospf_failover.engine import Runbook, open_run, opening\n"
    "from ospf_failover.inventory import load_inventory\n"
    "opening.WATCHDOG_GRACE = 0.0\n"
    f"fleet = load_inventory(Path({str(REPO_INVENTORY)!r}))\n"
    "try:\n"
    "    with open_run(fleet, Runbook('switch', ('customer1',), timeout=0.3, failure_exit=3)):\n"
    "        time.sleep(float(sys.argv[1]))\n"
    "        raise ZeroDivisionError\n"
    "except ZeroDivisionError:\n"
    "    pass\n"
    "time.sleep(1.5)\n"
    "print('still here')\n"
)


@pytest.mark.parametrize(("inside", "code"), [(0.0, 0), (1.5, 3)])
def test_the_watchdog_bounds_its_run_and_no_more(inside: float, code: int) -> None:
    argv = [sys.executable, "-c", WATCHED, str(inside)]
    done = subprocess.run(argv, capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode == code, done.stderr
    assert ("still here" in done.stdout) == (code == 0), "a run that ended in time is not ended by its watchdog"
    if code:
        assert "[E] switch customer1: still running after 0 s: giving up (exit 3)" in done.stderr


def test_verify_is_the_switch_without_its_changes() -> None:
    assert [s.name for s in SWITCH] == ["locate", "plan", "connect", "dry-run", "standby-down", "active-up", "verify"]
    assert [s.name for s in VERIFY] == ["locate", "plan", "connect", "dry-run", "verify"]
    assert all(s in SWITCH for s in VERIFY)
    assert [s.name for s in RELEASE] == ["locate", "plan", "release"]
    assert [s.name for s in SWITCH if s.connects] == ["locate", "connect", "standby-down", "active-up", "verify"]
