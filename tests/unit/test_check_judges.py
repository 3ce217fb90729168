"""The check's plan and judges, pure, on recorded router output: who is read for what (once per host over many
groups), and each named check's verdict on healthy and broken states."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from ospf_failover.inventory import load_inventory
from ospf_failover.models import ClpstatStatus, Fact, NicState, NotRead, RouterState
from ospf_failover.parsers.ospf import parse_ospf_neighbors
from ospf_failover.parsers.route import parse_routes
from ospf_failover.runbooks.check.checks import judge_fog
from ospf_failover.runbooks.check.findings import Finding
from ospf_failover.runbooks.check.observe import Observed
from ospf_failover.runbooks.check.plan import FogPlan, clusters_of, plan_check
from ospf_failover.runbooks.check.run import verdict
from ospf_failover.tasks.router_state import NicProbe, read_fact
from ospf_failover.tasks.shell import CommandOutput

REPO_INVENTORY = Path(__file__).resolve().parents[2] / "inventory"
FRR = Path(__file__).resolve().parents[1] / "fixtures" / "frr-8.4"
FRR_LAB = FRR.with_name("frr-8.4-lab")
PREFIX = "10.0.0.0/24"


def fixture(name: str) -> str:
    return (FRR / name).read_text()


def nic(*, holds: bool, up: bool | None = None) -> NicState:
    link = holds if up is None else up
    return {
        "nic": "ens224",
        "exists": True,
        "up": link,
        "lower_up": link,
        "addresses": ["10.0.0.254/24"] if holds else [],
        "has_gateway": holds,
    }


def state(host: str, *, holds: bool = False, up: bool | None = None) -> RouterState:
    """``host``'s recorded state while vr2 is active (vr2active_*), its NIC as given."""
    routes = parse_routes(fixture(f"vr2active_{host}_show_ip_route_10_0_0_0_24_json.txt"), platform="frr")
    neighbors = parse_ospf_neighbors(fixture(f"vr2active_{host}_show_ip_ospf_neighbor_json.txt"), platform="frr")
    return {"nics": {"ens224": nic(holds=holds, up=up)}, "routes": {PREFIX: routes}, "neighbors": neighbors}


def clpstat(current: str | None, status: str = "Online") -> ClpstatStatus:
    return {
        "cluster": "cluster",
        "layout": "default",
        "servers": [],
        "groups": [{"name": "customer1", "status": status, "current": current, "resources": []}],
        "monitors": [],
    }


@pytest.fixture
def plan() -> FogPlan:
    return plan_check(load_inventory(REPO_INVENTORY), ["customer1"]).fogs[0]


def healthy(**changes: Any) -> Observed:
    states = {"vr1": state("vr1"), "vr2": state("vr2", holds=True), "gw1": state("gw1")}
    fields: dict[str, Any] = {
        "states": states,
        "seconds": dict.fromkeys(states, 0.3),
        "clpstat": {"node-a": clpstat("node-b")},
        **changes,
    }
    return Observed(**fields)


# The checks of the state now; the readiness checks (configuration, timers) are tested in test_check_readiness.
STATE_CHECKS = ("reachable", "ospf-neighbors", "single-advertiser", "cluster-agreement", "observer-route")


def state_checks(findings: list[Finding]) -> list[Finding]:
    return [finding for finding in findings if finding.check in STATE_CHECKS]


def judged(plan: FogPlan, seen: Observed) -> dict[tuple[str, str | None], tuple[str, str]]:
    names = {"node-a": "node-a", "node-b": "node-b"}
    findings = judge_fog(plan, seen, clusters=("node-a", "node-b"), node_of=names.get)
    return {(f.check, f.host): (f.outcome, f.detail) for f in findings if f.check in STATE_CHECKS}


def causes_of(plan: FogPlan, seen: Observed) -> dict[tuple[str, str | None], str | None]:
    findings = judge_fog(plan, seen, clusters=("node-a", "node-b"), node_of={"node-b": "node-b"}.get)
    return {(f.check, f.host): f.cause for f in findings}


def observers_only_gw1(plan: FogPlan) -> FogPlan:
    fog = plan.fog.model_copy(update={"observers": ("gw1",)})
    return FogPlan(fog=fog, nics=plan.nics, next_hops=plan.next_hops, nic_files=plan.nic_files)


def test_a_healthy_group_passes_every_check(plan: FogPlan) -> None:
    found = judged(observers_only_gw1(plan), healthy())
    assert all(outcome == "PASS" for outcome, _ in found.values()), found
    assert found[("single-advertiser", None)][1] == "only vr2 holds 10.0.0.254"
    assert (
        found[("cluster-agreement", None)][1] == "clpstat on node-a: customer1 Online on node-b; vr2 holds the gateway"
    )
    assert found[("observer-route", "vr2")][1] == "10.0.0.0/24 connected on eth1"  # the holder: connected there
    assert found[("observer-route", "gw1")][1] == "10.0.0.0/24 via 192.168.76.252"
    assert found[("observer-route", "vr1")][1] == "10.0.0.0/24 via 192.168.76.252"
    assert found[("reachable", "vr1")][1] == "answered in 0.30 s"
    assert found[("ospf-neighbors", "gw1")][1] == "adjacent to vr1, vr2"
    assert verdict([Finding("x", None, "PASS", "")] * 3, strict=False) == (0, "3 checks: 3 pass, 0 warn, 0 fail")


def test_split_brain_outage_and_disagreement(plan: FogPlan) -> None:
    plan = observers_only_gw1(plan)
    both = healthy(states={**healthy().states, "vr1": state("vr1", holds=True)})
    found = judged(plan, both)
    assert found[("single-advertiser", None)] == ("FAIL", "split brain: vr1 and vr2 hold 10.0.0.254")
    assert found[("observer-route", "gw1")][0] == "FAIL"
    routes = causes_of(plan, both)
    assert routes[("observer-route", "gw1")] == "split brain: vr1 and vr2 hold 10.0.0.254"  # a symptom: its cause
    assert routes[("single-advertiser", None)] == "split brain: vr1 and vr2 hold 10.0.0.254"  # the root itself

    none = healthy(states={**healthy().states, "vr2": state("vr2")})
    assert judged(plan, none)[("single-advertiser", None)] == ("FAIL", "outage: no router holds 10.0.0.254")

    elsewhere = healthy(clpstat={"node-a": clpstat("node-a")})
    outcome, detail = judged(plan, elsewhere)[("cluster-agreement", None)]
    assert outcome == "FAIL" and "so vr1 should hold the gateway; vr2 does" in detail

    offline = healthy(clpstat={"node-a": clpstat(None, "Offline")})
    outcome, detail = judged(plan, offline)[("cluster-agreement", None)]
    assert outcome == "FAIL" and "Offline on no server, but vr2 hold(s) the gateway" in detail


def test_a_released_address_style_standby_is_not_a_fault(plan: FogPlan) -> None:
    seen = healthy(states={**healthy().states, "vr1": state("vr1", holds=False, up=True)})  # link up, no address
    found = judged(observers_only_gw1(plan), seen)
    assert found[("single-advertiser", None)][0] == "PASS"


def test_what_could_not_be_read_is_said_once_and_never_passes(plan: FogPlan) -> None:
    states = dict(healthy().states)
    del states["vr1"]
    seen = healthy(
        states=states,
        errors={"vr1": "vr1 (192.168.75.251): no SSH answer within the connect timeout"},
        reasons={"vr1": "no SSH answer within the connect timeout"},
        clpstat={
            "node-a": NotRead(Fact.CLUSTER_STATE, "no SSH answer"),
            "node-b": NotRead(Fact.CLUSTER_STATE, "no SSH answer"),
        },
    )
    found = judged(observers_only_gw1(plan), seen)
    assert found[("reachable", "vr1")] == ("FAIL", "vr1 (192.168.75.251): no SSH answer within the connect timeout")
    assert found[("reachable", "node-a")] == ("WARN", "no SSH answer (no node of the cluster answered clpstat)")
    assert found[("single-advertiser", None)] == ("FAIL", "not judged: vr1 not read (vr2 holds 10.0.0.254)")
    assert found[("cluster-agreement", None)] == ("WARN", "no node of the cluster answered clpstat")
    cause = "vr1: not read: no SSH answer within the connect timeout"
    assert found[("ospf-neighbors", "vr1")] == ("FAIL", f"not judged: {cause}")  # never a pass, never made up
    assert found[("observer-route", "gw1")] == ("PASS", "10.0.0.0/24 via 192.168.76.252")  # judged on what was read
    linked = causes_of(observers_only_gw1(plan), seen)
    assert linked[("ospf-neighbors", "vr1")] == linked[("single-advertiser", None)] == cause


def test_an_observer_without_the_router_as_neighbour_fails(plan: FogPlan) -> None:
    lonely = state("gw1")
    neighbors = lonely["neighbors"]
    assert isinstance(neighbors, list)
    lonely["neighbors"] = [n for n in neighbors if n["address"] != "192.168.76.251"]
    found = judged(observers_only_gw1(plan), healthy(states={**healthy().states, "gw1": lonely}))
    assert found[("ospf-neighbors", "gw1")] == ("FAIL", "no adjacency with vr1 (not a neighbour)")


def test_a_host_whose_ospfd_is_down_fails_its_neighbours_in_words_and_is_judged_on_the_rest(plan: FogPlan) -> None:
    down = state("gw1")
    recorded = (FRR_LAB / "ospfddown_gw2_show_ip_ospf_neighbor_json.txt").read_text()
    output = CommandOutput(command="vtysh -c 'show ip ospf neighbor json'", output=recorded, exit_status=0)
    down["neighbors"] = read_fact(Fact.OSPF_NEIGHBORS, output, parse_ospf_neighbors, host="gw1")
    found = judged(observers_only_gw1(plan), healthy(states={**healthy().states, "gw1": down}))
    assert found[("ospf-neighbors", "gw1")] == ("FAIL", "ospfd is not running")
    assert found[("reachable", "gw1")][0] == "PASS" and found[("observer-route", "gw1")][0] == "PASS"


def test_one_read_per_host_for_all_its_groups(two_groups_inventory: Path) -> None:
    check = plan_check(load_inventory(two_groups_inventory), [])
    assert [fog.name for fog in check.fogs] == ["customer1", "customer2"]
    assert check.clusters == (("node-a", "node-b"),)
    reads = check.host_reads()
    assert sorted(reads) == ["gw1", "gw2", "vr1", "vr2"]
    assert reads["vr1"].nics == (NicProbe("ens224", "10.0.0.254"), NicProbe("ens256", "10.0.1.254"))
    assert reads["gw1"].prefixes == ("10.0.0.0/24", "10.0.1.0/24") and reads["gw2"].prefixes == ("10.0.0.0/24",)
    assert reads["vr1"].facts.count(Fact.OSPF_CONFIG) == 1 and reads["vr1"].facts.count(Fact.OSPF_NEIGHBORS) == 1
    assert reads["vr1"].nic_files == (
        "/etc/sysconfig/network-scripts/ifcfg-ens224",
        "/etc/sysconfig/network-scripts/ifcfg-ens256",
    )
    assert Fact.OSPF_CONFIG not in reads["gw1"].facts and reads["gw1"].nic_files == ()


def test_clusters_are_the_nodes_groups_join() -> None:
    fleet = load_inventory(REPO_INVENTORY)
    fog = fleet.fog("customer1")
    other = fog.model_copy(update={"name": "x", "pairing": {"node-c": "vr1", "node-d": "vr2"}})
    assert clusters_of([fog, other]) == (("node-a", "node-b"), ("node-c", "node-d"))


def test_bad_input_is_exit_2_with_one_line(capsys: pytest.CaptureFixture[str]) -> None:
    from ospf_failover.cli.command_line import main

    assert main(["--inventory", str(REPO_INVENTORY), "check", "nosuch"]) == 2
    err = capsys.readouterr().err
    assert err.strip().splitlines() == [
        f"ospf-failover: error: failover group 'nosuch' is not in inventory {REPO_INVENTORY} (known: customer1)"
    ]
    assert main(["--inventory", str(REPO_INVENTORY), "check", "--workers", "0"]) == 2
    assert "give 1 to 200" in capsys.readouterr().err
    assert main(["--inventory", str(REPO_INVENTORY), "status"]) == 2  # the group is required


def test_status_draws_the_picture_and_marks_what_is_wrong(plan: FogPlan) -> None:
    from ospf_failover.runbooks.status.run import draw, exit_code

    plan = observers_only_gw1(plan)
    seen = healthy()
    checks = state_checks(judge_fog(plan, seen, clusters=("node-a", "node-b"), node_of={"node-b": "node-b"}.get))
    picture = draw(plan, seen, checks, ("node-a", "node-b"))
    assert picture["vm_side"] == "vr2" and picture["clpstat"] == "clpstat on node-a: customer1 Online on node-b"
    assert [(n["name"], n["runs_group"]) for n in picture["nodes"]] == [("node-a", False), ("node-b", True)]
    assert [(r["name"], r["nic_state"]) for r in picture["routers"]] == [
        ("vr1", "released"),
        ("vr2", "holds the gateway"),
    ]
    assert picture["observers"][0]["route"] == "10.0.0.0/24 via 192.168.76.252" and exit_code(seen, checks, plan) == 0

    split = healthy(states={**seen.states, "vr1": state("vr1", holds=True)})
    checks = state_checks(judge_fog(plan, split, clusters=("node-a", "node-b"), node_of={"node-b": "node-b"}.get))
    picture = draw(plan, split, checks, ("node-a", "node-b"))
    assert picture["vm_side"] is None
    assert "X single-advertiser: split brain: vr1 and vr2 hold 10.0.0.254" in picture["wrong"]
    assert exit_code(split, checks, plan) == 1  # as check's: a check failed
