"""What the switches one leader runs share, and what each keeps of its own: Nornir hosts (sessions), the
watchdog's end, clpstat's cross-check; and the per-host bound on connects, across threads and processes."""

from __future__ import annotations

import threading
import time
from concurrent.futures import Future
from pathlib import Path

import pytest

from ospf_failover.cli.switching import SharedFleets, arguments_of, group_hosts, own_hosts
from ospf_failover.engine.batch import Timed
from ospf_failover.engine.watchdog import Watchdog
from ospf_failover.inventory import load_inventory
from ospf_failover.rendezvous import Request
from ospf_failover.runbooks.switch.steps import CrossChecks
from ospf_failover.transport.bound import NoConnectSlot, machine_slot

REPO_INVENTORY = Path(__file__).resolve().parents[2] / "inventory"


def test_each_run_gets_hosts_of_its_own_over_one_validated_inventory() -> None:
    fleet = load_inventory(REPO_INVENTORY)
    fog = sorted(fleet.fogs)[0]
    names = group_hosts(fleet, fog)
    group = fleet.fogs[fog]
    assert set(names) == {*group.pairing, *group.pairing.values(), *group.observers}
    assert group_hosts(fleet, "no-such-group") == []
    one, two = own_hosts(fleet, names), own_hosts(fleet, names)
    assert sorted(one.inventory.hosts) == sorted(set(names)), "a run's inventory holds its group's hosts only"
    for name in names:
        host = fleet.inventory.hosts[name]
        mine, theirs = one.inventory.hosts[name], two.inventory.hosts[name]
        assert mine is not host and mine is not theirs, name
        assert mine.connections is not theirs.connections and mine.connections == {}
        assert mine.view is host.view and mine.hostname == host.hostname
        assert [g.name for g in mine.groups] == [g.name for g in host.groups]
    assert one.fogs is fleet.fogs and one.run is fleet.run


def test_a_leader_loads_an_inventory_once_for_every_group_it_holds(monkeypatch: pytest.MonkeyPatch) -> None:
    from ospf_failover.cli import loading

    loads: list[str] = []
    real = loading.load_for

    def counted(args, runbook, **kwargs):  # type: ignore[no-untyped-def]
        loads.append(args.fog)
        return real(args, runbook, **kwargs)

    monkeypatch.setattr(loading, "load_for", counted)
    fleets = SharedFleets()
    fogs = sorted(load_inventory(REPO_INVENTORY).fogs)
    for fog in fogs:
        request = Request(fog=fog, inventory=str(REPO_INVENTORY), timeout=30)
        assert fog in fleets.load(arguments_of(request)).fogs
    assert loads == fogs[:1], "the inventory was loaded again for a group it holds"


def test_a_watchdog_hands_its_line_and_code_over_instead_of_ending_the_process() -> None:
    given: list[tuple[str, int]] = []
    dog = Watchdog("switch customer3", 0.05, exit_code=3, expire_with=lambda line, code: given.append((line, code)))
    dog.start()
    time.sleep(0.5)
    assert given == [("[E] switch customer3: still running after 0 s: giving up (exit 3)", 3)]


def done_reading() -> Future[Timed]:
    future: Future[Timed] = Future()
    future.set_result(Timed(outcomes={}, finished=time.monotonic()))
    return future


def test_clpstats_cross_check_is_shared_by_the_switches_started_before_it() -> None:
    checks = CrossChecks()
    started: list[threading.Event] = []

    def start(busy: threading.Event) -> Future[Timed]:
        started.append(busy)
        return done_reading()

    first_command = time.monotonic()
    one, busy_one = checks.reading("node-b", since=first_command, start=start)
    two, busy_two = checks.reading("node-b", since=first_command, start=start)  # a command started before it
    assert len(started) == 1 and two is one and busy_two is busy_one
    later = time.monotonic() + 0.001
    three, _ = checks.reading("node-b", since=later, start=start)  # a command started after it: a reading of its own
    other, _ = checks.reading("node-a", since=first_command, start=start)
    assert len(started) == 3 and three is not one and other is not one


def test_machine_slots_bound_a_hosts_connects_across_open_files(tmp_path: Path) -> None:
    """Each holder opens its own file: flock counts them apart as it does across processes."""
    under_way, most = [0], [0]
    count = threading.Lock()

    def connect() -> None:
        with machine_slot(tmp_path, "10.0.0.1:22", 2, timeout=10):
            with count:
                under_way[0] += 1
                most[0] = max(most[0], under_way[0])
            time.sleep(0.15)
            with count:
                under_way[0] -= 1

    threads = [threading.Thread(target=connect) for _ in range(5)]
    start = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=20)
    assert most[0] == 2, f"{most[0]} connects at once with 2 slots"
    assert time.monotonic() - start >= 0.4, "five connects of 0.15 s in two slots took less than three rounds"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["10.0.0.1_22.0", "10.0.0.1_22.1"]
    with machine_slot(tmp_path, "h", 1, timeout=1):
        started = time.monotonic()
        with pytest.raises(NoConnectSlot), machine_slot(tmp_path, "h", 1, timeout=0.2):
            pass
        assert time.monotonic() - started < 1
    with machine_slot(None, "h", 1, timeout=0.1), machine_slot(None, "h", 1, timeout=0.1):
        pass  # no directory: only the process's own bound holds
