"""The check's readiness judges on recorded lab output: a standby that could take over, one that could not
(forwarding off, no OSPF, the address nowhere, a NIC up at boot), configuration drift and the timer budget.

Each host's facts are built from the recorded outputs by the functions the task parses them with."""

from __future__ import annotations

from pathlib import Path

import pytest

from ospf_failover.inventory import load_inventory
from ospf_failover.models import Fact, NicState, RouterState
from ospf_failover.runbooks.check.checks import judge
from ospf_failover.runbooks.check.findings import Finding, FogSeen
from ospf_failover.runbooks.check.observe import Observed
from ospf_failover.runbooks.check.plan import FogPlan, plan_check
from ospf_failover.tasks.router_state import Reads, fact_command, router_state
from ospf_failover.tasks.shell import ABSENT, CommandOutput, read_file_command

LAB = Path(__file__).resolve().parents[1] / "fixtures" / "frr-8.4-lab"
KEYFILE = "/run/NetworkManager/system-connections/eth1.nmconnection"
REPO_INVENTORY = Path(__file__).resolve().parents[2] / "inventory"
ROUTER_FACTS = (Fact.OSPF_CONFIG, Fact.OSPF_PROCESS, Fact.OSPF_INTERFACES, Fact.IP_FORWARDING)
OBSERVER = (Fact.OSPF_PROCESS, Fact.OSPF_INTERFACES)
RECORDED = {
    Fact.OSPF_CONFIG: "show_running-config",
    Fact.OSPF_PROCESS: "show_ip_ospf_json",
    Fact.OSPF_INTERFACES: "show_ip_ospf_interface_json",
}
NO_FILE = ("", ABSENT)  # what read_file_command gives for a file that does not exist
Answers = dict[Fact, tuple[str, int]]


def answered(
    host: str, facts: tuple[Fact, ...], nic_files: tuple[str, ...] = (), changes: Answers | None = None
) -> RouterState:
    """``host``'s facts parsed by the task from what it answered in the lab (vr1active_*), with IP forwarding on
    and no NIC configuration file; a fact in ``changes`` answered as given there: (output, exit status)."""
    changes = changes or {}
    outputs = []
    for fact in facts:
        recorded = (LAB / f"vr1active_{host}_{RECORDED[fact]}.txt").read_text() if fact in RECORDED else "1"
        text, status = changes.get(fact, (recorded, 0))
        outputs.append(CommandOutput(fact_command(fact, suite="frr", vtysh="vtysh"), text, status))
    for path in nic_files:
        text, status = changes.get(Fact.NIC_CONFIG, NO_FILE)
        outputs.append(CommandOutput(read_file_command(path), text, status))
    return router_state(Reads(facts=facts, nic_files=nic_files), outputs, platform="frr", host=host)


def nic(*, holds: bool, up: bool) -> NicState:
    addresses = ["10.0.0.254/24"] if holds or not up else []
    return {"nic": "eth1", "exists": True, "up": up, "lower_up": up, "addresses": addresses, "has_gateway": holds}


def router(host: str, *, holds: bool, up: bool | None = None, changes: Answers | None = None) -> RouterState:
    files = (KEYFILE,) if host == "vr2" else ()
    state = answered(host, ROUTER_FACTS, files, changes)
    state["nics"] = {"eth1": nic(holds=holds, up=holds if up is None else up)}
    state["neighbors"] = []
    return state


@pytest.fixture
def plan() -> FogPlan:
    """customer1 as the lab has it: vr1 and vr2 on eth1, vr2's NIC file its NetworkManager keyfile, gw1."""
    fog = plan_check(load_inventory(REPO_INVENTORY), ["customer1"]).fogs[0]
    narrowed = fog.fog.model_copy(update={"observers": ("gw1",), "nic": "eth1"})
    return FogPlan(
        fog=narrowed,
        nics={"vr1": "eth1", "vr2": "eth1"},
        next_hops=fog.next_hops,
        nic_files={"vr2": KEYFILE},
        budget=10.0,
    )


def observed(**states: RouterState) -> Observed:
    gw1 = answered("gw1", OBSERVER)
    return Observed(states={"vr1": router("vr1", holds=True), "vr2": router("vr2", holds=False), "gw1": gw1, **states})


def findings(check: str, plan: FogPlan, seen: Observed) -> list[Finding]:
    return judge(check, FogSeen(plan=plan, seen=seen))


def standby(plan: FogPlan, seen: Observed) -> Finding:
    """standby-ready's finding on the standby vr2; every router of the group has one, whatever its state."""
    found = {finding.host: finding for finding in findings("standby-ready", plan, seen)}
    assert set(found) == {"vr1", "vr2"}, found
    return found["vr2"]


KEYFILE_TEXT = (LAB / "vr1active_vr1_cat__run_NetworkManager_system-connections_eth1_nmconnection.txt").read_text()


def test_a_ready_standby_and_a_pair_that_agrees(plan: FogPlan) -> None:
    seen = observed()
    ready = standby(plan, seen)
    assert (ready.check, ready.host, ready.outcome) == ("standby-ready", "vr2", "PASS"), ready.detail
    assert ready.detail.startswith("10.0.0.254 configured on eth1; OSPF covers 10.0.0.0/24")
    assert findings("config-drift", plan, seen) == [
        Finding("config-drift", "vr2", "PASS", "same OSPF configuration as vr1")
    ]
    [budget] = findings("convergence-budget", plan, seen)
    assert budget.outcome == "PASS" and budget.detail == "silent death 4.5 s, planned switch 0.5 s (budget 10 s)"


def test_an_address_style_standby_is_ready_from_its_keyfile(plan: FogPlan) -> None:
    released = router("vr2", holds=False, up=True, changes={Fact.NIC_CONFIG: (KEYFILE_TEXT, 0)})
    ready = standby(plan, observed(vr2=released))
    assert ready.outcome == "PASS" and f"configured in {KEYFILE}" in ready.detail


@pytest.mark.parametrize(
    ("changes", "outcome", "detail"),
    [
        ({Fact.IP_FORWARDING: ("0", 0)}, "FAIL", "IP forwarding is off"),
        ({Fact.OSPF_CONFIG: ("hostname vr2\n!\nend\n", 0)}, "FAIL", "no router ospf"),
        (
            {Fact.NIC_CONFIG: (KEYFILE_TEXT.replace("autoconnect=false", "autoconnect=true"), 0)},
            "WARN",
            "comes up at boot",
        ),
        ({Fact.OSPF_CONFIG: ("% Unknown command: show running-config\n", 0)}, "FAIL", "not judged"),
    ],
)
def test_a_standby_that_could_not_take_over_says_why(
    plan: FogPlan, changes: Answers, outcome: str, detail: str
) -> None:
    found = standby(plan, observed(vr2=router("vr2", holds=False, changes=changes)))
    assert found.host == "vr2" and found.outcome == outcome and detail in found.detail, found.detail


@pytest.mark.parametrize(
    ("changes", "detail"),
    [
        (
            {Fact.OSPF_CONFIG: ("% Unknown command: show running-config\n", 0)},
            "not judged: vr2: the running configuration could not be read: "
            "vtysh does not know the command (% Unknown command)",
        ),
        (
            {Fact.IP_FORWARDING: ("cat: /proc/sys/net/ipv4/ip_forward: Permission denied", 1)},
            "not judged: vr2: IP forwarding could not be read: cat: /proc/sys/net/ipv4/ip_forward: Permission denied",
        ),
        (
            {Fact.NIC_CONFIG: ("[connection]\nautoconnect=maybe\n", 0)},
            f"not judged: vr2: the NIC's configuration file {KEYFILE} not understood at line 2: ",
        ),
    ],
)
def test_what_could_not_be_read_is_said_once_in_words(plan: FogPlan, changes: Answers, detail: str) -> None:
    """The reason comes from the task that read the fact, never a parser's or a command's name said twice."""
    found = standby(plan, observed(vr2=router("vr2", holds=False, changes=changes)))
    assert found.outcome == "FAIL" and found.detail.startswith(detail), found.detail
    assert found.cause == found.detail.removeprefix("not judged: ")  # the cause line the group names
    assert "running-config:" not in found.detail and "file:" not in found.detail


def test_the_gateway_nowhere_fails(plan: FogPlan) -> None:
    gone = router("vr2", holds=False, up=True)  # address-style released, and no keyfile on the router
    found = standby(plan, observed(vr2=gone))
    assert found.outcome == "FAIL" and found.detail == "10.0.0.254 is neither on eth1 nor in its configuration file"


def test_drift_and_budget_name_what_differs(plan: FogPlan) -> None:
    config = (LAB / "vr1active_vr2_show_running-config.txt").read_text()
    config = config.replace("router ospf\n", "router ospf\n auto-cost reference-bandwidth 1000\n")
    drifted = router("vr2", holds=False, changes={Fact.OSPF_CONFIG: (config, 0)})
    [drift] = findings("config-drift", plan, observed(vr2=drifted))
    assert (drift.host, drift.outcome) == ("vr2", "WARN")
    assert "only vr2: router ospf: auto-cost reference-bandwidth 1000" in drift.detail
    tight = FogPlan(**{**plan.__dict__, "budget": 1.0})
    [budget] = findings("convergence-budget", tight, observed())
    assert budget.outcome == "WARN" and "over the budget of 1 s" in budget.detail and "change " in budget.detail


def test_timers_not_read_name_the_host_and_why(plan: FogPlan) -> None:
    silent = answered("gw1", OBSERVER, changes={Fact.OSPF_PROCESS: ("ospfd is not running", 0)})
    [budget] = findings("convergence-budget", plan, observed(gw1=silent))
    assert (budget.host, budget.outcome) == (None, "WARN")
    assert budget.detail == "silent death 4.5 s, planned switch 0.5 s (budget 10 s); gw1 not judged"
    assert budget.cause == "gw1: ospfd is not running"  # judged on the hosts read, naming the one that was not
    off = answered("gw1", OBSERVER, changes={Fact.OSPF_PROCESS: ("{}", 0)})
    [budget] = findings("convergence-budget", plan, observed(gw1=off))
    assert budget.outcome == "WARN" and budget.cause == "gw1: no OSPF process"
    unread = Observed(
        states={"vr1": router("vr1", holds=True), "gw1": answered("gw1", OBSERVER)}, reasons={"vr2": "host key changed"}
    )
    [budget] = findings("convergence-budget", plan, unread)
    assert (budget.outcome, budget.detail) == ("WARN", "not judged: vr2: not read: host key changed")
