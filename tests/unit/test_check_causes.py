"""Causes before symptoms, and the same items whatever the faults: the check's judges on what the lab's routers
answered (vr1 holding customer1's gateway), with one fault at a time; and status's picture of them.

Each host's facts are parsed from the recorded outputs by the functions the task parses them with."""

from __future__ import annotations

import ipaddress
from pathlib import Path
from typing import Any

import pytest

from ospf_failover.errors import ClpstatBusy
from ospf_failover.inventory import load_inventory
from ospf_failover.models import ClpstatStatus, Fact, NicState, NotRead, RouterState
from ospf_failover.parsers.ospf import parse_ospf_neighbors
from ospf_failover.parsers.route import parse_routes
from ospf_failover.runbooks.check.checks import causes, judge_fog
from ospf_failover.runbooks.check.findings import Finding, FogSeen
from ospf_failover.runbooks.check.observe import Observed
from ospf_failover.runbooks.check.plan import FogPlan, plan_check
from ospf_failover.tasks.router_state import Reads, fact_command, read_fact, router_state
from ospf_failover.tasks.shell import CommandOutput

LAB = Path(__file__).resolve().parents[1] / "fixtures" / "frr-8.4-lab"
REPO_INVENTORY = Path(__file__).resolve().parents[2] / "inventory"
PREFIX = "10.0.0.0/24"
ROUTER_FACTS = (Fact.OSPF_CONFIG, Fact.OSPF_PROCESS, Fact.OSPF_INTERFACES, Fact.IP_FORWARDING, Fact.SAVED_CONFIG)
RECORDED = {
    Fact.OSPF_CONFIG: "show_running-config",
    Fact.SAVED_CONFIG: "show_running-config",  # what "write memory" wrote: the same lines
    Fact.OSPF_PROCESS: "show_ip_ospf_json",
    Fact.OSPF_INTERFACES: "show_ip_ospf_interface_json",
}
NO_OSPF = {Fact.OSPF_CONFIG: "hostname vr2\n!\nend\n", Fact.OSPF_PROCESS: "", Fact.OSPF_INTERFACES: "{}"}


def recorded(name: str) -> str:
    return (LAB / f"vr1active_{name}.txt").read_text()


def facts(host: str, facts: tuple[Fact, ...], changes: dict[Fact, str] | None = None) -> RouterState:
    outputs = []
    for fact in facts:
        text = recorded(f"{host}_{RECORDED[fact]}") if fact in RECORDED else "1"
        outputs.append(
            CommandOutput(fact_command(fact, suite="frr", vtysh="vtysh"), (changes or {}).get(fact, text), 0)
        )
    return router_state(Reads(facts=facts), outputs, platform="frr", host=host)


def nic(*, holds: bool, address: str = "10.0.0.254/24") -> NicState:
    return {"nic": "eth1", "exists": True, "up": holds, "lower_up": holds, "addresses": [address], "has_gateway": holds}


def router(
    host: str, *, holds: bool, no_ospf: bool = False, address: str = "10.0.0.254/24", saved: str | None = None
) -> RouterState:
    changes = dict(NO_OSPF) if no_ospf else {}
    if saved is not None:
        changes[Fact.SAVED_CONFIG] = saved
    state = facts(host, ROUTER_FACTS, changes)
    state["nics"] = {"eth1": nic(holds=holds, address=address)}
    if holds:
        state["routes"] = {PREFIX: parse_routes(recorded("vr1_show_ip_route_10_0_0_0_24_json"), platform="frr")}
    elif no_ospf:
        state["routes"] = {PREFIX: []}
    else:  # a standby routes the VM network as the observers do: via vr1
        state["routes"] = {PREFIX: parse_routes(recorded("gw1_show_ip_route_10_0_0_0_24_json"), platform="frr")}
    neighbors = "{}" if no_ospf else recorded("vr1_show_ip_ospf_neighbor_json")
    output = CommandOutput("vtysh -c 'show ip ospf neighbor json'", neighbors, 0)
    state["neighbors"] = read_fact(Fact.OSPF_NEIGHBORS, output, parse_ospf_neighbors, host=host)
    return state


def observer() -> RouterState:
    state = facts("gw1", (Fact.OSPF_PROCESS, Fact.OSPF_INTERFACES))
    state["routes"] = {PREFIX: parse_routes(recorded("gw1_show_ip_route_10_0_0_0_24_json"), platform="frr")}
    state["neighbors"] = parse_ospf_neighbors(recorded("gw1_show_ip_ospf_neighbor_json"), platform="frr")
    return state


def clpstat(current: str) -> ClpstatStatus:
    return {
        "cluster": "cluster",
        "layout": "default",
        "servers": [],
        "groups": [{"name": "customer1", "status": "Online", "current": current, "resources": []}],
        "monitors": [],
    }


@pytest.fixture
def plan() -> FogPlan:
    """customer1 as the lab has it: vr1 (holding) and vr2 on eth1, observer gw1."""
    fog = plan_check(load_inventory(REPO_INVENTORY), ["customer1"]).fogs[0]
    narrowed = fog.fog.model_copy(update={"observers": ("gw1",), "nic": "eth1"})
    return FogPlan(fog=narrowed, nics={"vr1": "eth1", "vr2": "eth1"}, next_hops=fog.next_hops, nic_files={})


def world(**changes: object) -> Observed:
    states = {"vr1": router("vr1", holds=True), "vr2": router("vr2", holds=False), "gw1": observer()}
    fields: dict[str, object] = {
        "states": states,
        "seconds": dict.fromkeys(states, 0.3),
        "clpstat": {"node-a": clpstat("node-a")},
    }
    fields.update(changes)
    return Observed(**fields)  # type: ignore[arg-type]


def without(host: str, reason: str) -> Observed:
    seen = world()
    states = {name: state for name, state in seen.states.items() if name != host}
    return world(states=states, errors={host: f"{host} (192.0.2.1): {reason}"}, reasons={host: reason})


def judged(plan: FogPlan, seen: Observed) -> list[Finding]:
    return judge_fog(plan, seen, clusters=("node-a", "node-b"), node_of={"node-a": "node-a", "node-b": "node-b"}.get)


def items(findings: list[Finding]) -> list[tuple[str, str | None]]:
    return [(finding.check, finding.host) for finding in findings]


def by_item(findings: list[Finding]) -> dict[tuple[str, str | None], Finding]:
    return {(finding.check, finding.host): finding for finding in findings}


def test_a_healthy_group_passes_with_every_item(plan: FogPlan) -> None:
    findings = judged(plan, world())
    wrong = [f for f in findings if f.outcome != "PASS"]
    assert not wrong, wrong
    assert causes(findings) == [] and all(f.cause is None for f in findings)
    assert items(findings) == [
        *[("reachable", h) for h in ("vr1", "vr2", "gw1", "node-a", "node-b")],
        *[("ospf-neighbors", h) for h in ("vr1", "vr2", "gw1")],
        ("single-advertiser", None),
        ("cluster-agreement", None),
        *[("observer-route", h) for h in ("vr1", "vr2", "gw1")],
        *[("standby-ready", h) for h in ("vr1", "vr2")],
        ("config-drift", "vr2"),
        *[("config-saved", h) for h in ("vr1", "vr2")],
        ("convergence-budget", None),
        *[("privileges", h) for h in ("vr1", "vr2", "gw1", "node-a", "node-b")],
    ]
    found = by_item(findings)
    assert found[("reachable", "node-b")].detail == "not asked: clpstat answered on node-a"
    assert found[("observer-route", "vr1")].detail == "10.0.0.0/24 connected on eth1"
    assert found[("standby-ready", "vr1")].detail.startswith("10.0.0.254 held on eth1; OSPF covers 10.0.0.0/24")


def faults(plan: FogPlan) -> dict[str, Observed]:
    busy = NotRead(
        Fact.CLUSTER_STATE,
        "clpstat busy for 10 s",
        cause=ClpstatBusy(host="node-a", command="clpstat --local", output="", exit_status=9),
    )
    return {
        "split brain": world(states={**world().states, "vr2": router("vr2", holds=True)}),
        "standby not read": without("vr2", "host key changed"),
        "active not read": without("vr1", "no SSH answer within the connect timeout"),
        "observer not read": without("gw1", "no SSH answer within the connect timeout"),
        "standby without OSPF": world(states={**world().states, "vr2": router("vr2", holds=False, no_ospf=True)}),
        "clpstat busy": world(clpstat={"node-a": busy}),
        "no clpstat": world(
            clpstat={"node-a": NotRead(Fact.CLUSTER_STATE, "x"), "node-b": NotRead(Fact.CLUSTER_STATE, "y")}
        ),
        "outage": world(states={**world().states, "vr1": router("vr1", holds=False)}),
    }


def test_the_items_are_the_same_whatever_the_faults(plan: FogPlan) -> None:
    healthy = items(judged(plan, world()))
    for fault, seen in faults(plan).items():
        found = judged(plan, seen)
        assert items(found) == healthy, fault
        assert causes(found), f"{fault}: no cause named"
        for finding in found:
            assert (finding.cause is None) == (finding.outcome == "PASS"), (fault, finding)
            assert finding.cause in causes(found) or finding.cause is None, (fault, finding)
            assert "cannot parse" not in finding.detail and "cannot tell" not in finding.detail, (fault, finding)


def test_a_standby_not_read_is_one_cause_and_no_false_result(plan: FogPlan) -> None:
    findings = judged(plan, without("vr2", "host key changed"))
    assert causes(findings) == ["vr2: not read: host key changed"]
    found = by_item(findings)
    assert found[("observer-route", "gw1")].outcome == "PASS"  # vr1 holds it and gw1 routes via vr1: right
    assert found[("observer-route", "vr2")].detail == "not judged: vr2: not read: host key changed"
    assert found[("observer-route", "vr2")].outcome == "FAIL"
    budget = found[("convergence-budget", None)]
    assert (budget.outcome, budget.detail) == ("WARN", "not judged: vr2: not read: host key changed")
    assert found[("config-drift", "vr2")].outcome == "WARN"
    assert found[("cluster-agreement", None)].outcome == "PASS"
    assert "vr2 not read" in found[("cluster-agreement", None)].detail


def test_a_standby_without_ospf_is_one_cause_its_consequences_point_to(plan: FogPlan) -> None:
    seen = world(states={**world().states, "vr2": router("vr2", holds=False, no_ospf=True)})
    findings = judged(plan, seen)
    assert causes(findings) == ["vr2: no OSPF process"]
    found = by_item(findings)
    assert found[("ospf-neighbors", "vr2")].outcome == "FAIL"
    assert found[("standby-ready", "vr2")].detail == "no router ospf: it would not advertise the VM network"
    assert found[("convergence-budget", None)].detail == "not judged: vr2: no OSPF process"
    assert found[("config-drift", "vr2")].detail == "not judged: vr2: no OSPF process"


def test_a_segment_without_its_bdr_warns_once_for_every_router(plan: FogPlan) -> None:
    states = dict(world().states)
    for name in ("vr1", "vr2"):
        state = router(name, holds=name == "vr1")
        interfaces = state.get("ospf_interfaces")
        assert isinstance(interfaces, list)
        state["ospf_interfaces"] = [{**i, "bdr_id": None} if i["interface"] == "eth0" else i for i in interfaces]
        states[name] = state
    findings = judged(plan, world(states=states))
    segment = "segment 192.168.76.0/24 has no BDR (gone, or no router there may be elected)"
    assert causes(findings) == [segment]
    found = by_item(findings)
    assert found[("ospf-neighbors", "vr1")].outcome == "WARN" and found[("ospf-neighbors", "vr2")].cause == segment


def test_a_vm_gateway_no_router_carries_is_named_as_a_likely_mistake(plan: FogPlan) -> None:
    wrong = plan.fog.model_copy(update={"vm_gateway": ipaddress.IPv4Address("10.0.0.253")})
    mistaken = FogPlan(fog=wrong, nics=plan.nics, next_hops=plan.next_hops, nic_files={})
    states = {**world().states, "vr1": router("vr1", holds=True), "vr2": router("vr2", holds=False)}
    states["vr1"]["nics"]["eth1"]["has_gateway"] = False  # eth1 up with 10.0.0.254/24: the VM is routed normally
    findings = judged(mistaken, world(states=states))
    mistake = "vm_gateway 10.0.0.253 is on no router; eth1 on vr1 carries 10.0.0.254/24: is vm_gateway in the "
    mistake += "inventory right?"
    assert causes(findings) == [mistake]
    found = by_item(findings)
    assert found[("single-advertiser", None)].detail == mistake
    assert found[("observer-route", "gw1")].outcome == "PASS"  # routed via vr1, which carries the VM network
    assert found[("observer-route", "vr1")].outcome == "PASS"
    assert found[("standby-ready", "vr2")].cause == mistake


def test_clpstat_busy_is_said_as_such_and_the_node_answered(plan: FogPlan) -> None:
    findings = judged(plan, faults(plan)["clpstat busy"])
    found = by_item(findings)
    assert found[("reachable", "node-a")] == Finding("reachable", "node-a", "PASS", "answered: clpstat busy")
    assert found[("reachable", "node-b")].detail == "not asked: clpstat busy on node-a"
    agreement = found[("cluster-agreement", None)]
    assert (agreement.outcome, agreement.detail) == ("WARN", "not judged: clpstat busy on node-a")
    assert causes(findings) == ["clpstat busy on node-a"]


def test_an_empty_answer_to_an_ospf_command_is_no_ospf_process() -> None:
    output = CommandOutput("vtysh -c 'show ip ospf json'", "", 0)
    found = read_fact(Fact.OSPF_PROCESS, output, lambda text: text, host="vr2")
    assert isinstance(found, NotRead) and found.reason == "no OSPF process (vtysh answers nothing)"


def test_a_change_not_saved_warns_naming_its_lines(plan: FogPlan) -> None:
    running = recorded("vr2_show_running-config")
    assert "router ospf\n" in running
    saved = running.replace(" network 10.0.0.0/24 area 0\n", "")  # added with vtysh, not written
    assert saved != running
    states = {**world().states, "vr2": router("vr2", holds=False, saved=saved)}
    found = by_item(judged(plan, world(states=states)))
    unsaved = found[("config-saved", "vr2")]
    assert unsaved.outcome == "WARN" and found[("config-saved", "vr1")].outcome == "PASS"
    assert unsaved.detail == (
        "running configuration not saved (lost at a restart): only running: router ospf: network 10.0.0.0/24 "
        "area 0.0.0.0"
    )
    spelled = running.replace("router ospf\n", "router ospf\n passive-interface eth1\n")
    spelled = spelled.replace("interface eth1\n ip ospf passive\n", "interface eth1\n")
    states = {**world().states, "vr2": router("vr2", holds=False, saved=spelled)}
    assert by_item(judged(plan, world(states=states)))[("config-saved", "vr2")].outcome == "PASS"
    gone = world(states={**world().states, "vr2": router("vr2", holds=False, no_ospf=True, saved=running)})
    unsaved = by_item(judged(plan, gone))[("config-saved", "vr2")]
    assert unsaved.detail.startswith("running configuration not saved (lost at a restart): only saved: router ospf;")
    assert unsaved.cause == "vr2: no OSPF process"  # a consequence of the one cause


def picture_of(plan: FogPlan, seen: Observed) -> tuple[dict[str, Any], list[str]]:
    from ospf_failover.runbooks.status.picture import describe, draw

    fog = FogSeen(plan=plan, seen=seen, clusters=("node-a", "node-b"), node_of={"node-a": "node-a"}.get)
    picture = describe(fog, judged(plan, seen))
    return picture, draw(picture)


def test_the_picture_marks_the_rogue_router_in_split_brain(plan: FogPlan) -> None:
    picture, lines = picture_of(plan, world())
    assert picture["vm_node"] == "node-a" and picture["verdict"] == "pass"
    assert [(n["name"], n["state"]) for n in picture["nodes"]] == [("node-a", "runs"), ("node-b", "standby")]
    assert any("eth1 10.0.0.254/24 UP: holds the VM's" in line for line in lines), lines
    assert "  gw1 192.168.76.1: via vr1; adjacent: vr1 Full/DROther, vr2 Full/DROther" in lines, lines
    assert lines[-1] == "verdict: pass (24 pass, 0 warn, 0 fail)"  # privileges: one item per host
    picture, lines = picture_of(plan, faults(plan)["split brain"])
    rogue = {r["name"]: r["rogue"] for r in picture["routers"]}
    assert rogue == {"vr1": False, "vr2": True}  # clpstat says node-a: vr2 is the one that should not hold it
    assert any("X ROGUE: eth1" in line for line in lines) and "cause: split brain: vr1 and vr2 hold 10.0.0.254" in (
        " ".join(lines)
    )
    assert all(len(line) <= 100 and line == line.rstrip() for line in lines)


def test_a_node_nobody_could_read_clpstat_on_is_unknown_never_standby(plan: FogPlan) -> None:
    picture, lines = picture_of(plan, faults(plan)["no clpstat"])
    assert [n["state"] for n in picture["nodes"]] == ["unknown", "unknown"]
    assert not any("standby" in line for line in lines), lines
    assert "\n".join(lines).count("unknown: clpstat not read") == 2


def test_more_nodes_and_observers_fit_100_columns(plan: FogPlan) -> None:
    pairing = {"node-a": "vr1", "node-b": "vr2", "node-c": "vr1", "node-d": "vr2"}
    wide = plan.fog.model_copy(update={"pairing": pairing, "observers": ("gw1", "gw1x", "gw1y")})
    four = FogPlan(fog=wide, nics=plan.nics, next_hops=plan.next_hops, nic_files={})
    seen = world(states={**world().states, "gw1x": observer(), "gw1y": observer()})
    picture, lines = picture_of(four, seen)
    assert [n["name"] for n in picture["nodes"]] == ["node-a", "node-b", "node-c", "node-d"]
    assert len(picture["observers"]) == 3 and all(len(line) <= 100 for line in lines), lines
    assert sum(line.startswith("  gw1") for line in lines) == 3
