"""The runbooks' plans and judges, pure: roles, per-host reads and changes, what a dry run says, one host's
verdict, and reads merged per router over many failover groups, all without a lab."""

from __future__ import annotations

from pathlib import Path

import pytest

from ospf_failover.inventory import load_inventory
from ospf_failover.models import Fact, NicState, RouterState
from ospf_failover.parsers.ospf import parse_ospf_neighbors
from ospf_failover.parsers.route import parse_routes
from ospf_failover.runbooks.release.plan import plan_release
from ospf_failover.runbooks.shared.judges import judge_host
from ospf_failover.runbooks.shared.locate import Location
from ospf_failover.runbooks.switch.plan import Plan, dry_run_actions, plan_switch
from ospf_failover.tasks.router_state import NicProbe, Reads, merge_reads

REPO_INVENTORY = Path(__file__).resolve().parents[2] / "inventory"
FRR = Path(__file__).resolve().parents[1] / "fixtures" / "frr-8.4"


def nic(name: str, *, up: bool, gateway: bool) -> NicState:
    return {
        "nic": name,
        "exists": True,
        "up": up,
        "lower_up": up,
        "addresses": ["10.0.0.254/24"] if gateway or not up else [],
        "has_gateway": up and gateway,
    }


@pytest.fixture
def plan() -> Plan:
    fleet = load_inventory(REPO_INVENTORY)
    return plan_switch(fleet, fleet.fog("customer1"), Location(node="node-b", source="option", detail="--node node-b"))


def test_the_plan_gives_each_router_its_role_nic_and_next_hop(plan: Plan) -> None:
    assert (plan.active, plan.standbys, plan.observers) == ("vr2", ("vr1",), ("gw1", "gw2"))
    assert dict(plan.nics) == {"vr1": "ens224", "vr2": "ens224"} and plan.via == "192.168.76.252"
    assert plan.text() == "plan: vr2 takes 10.0.0.254 on ens224; down on vr1 ens224; observers gw1, gw2"
    assert plan.as_dict()["active_address"] == "192.168.76.252" and plan.as_dict()["located_by"] == "option"


def test_each_step_reads_and_changes_per_host(plan: Plan) -> None:
    probe = NicProbe("ens224", "10.0.0.254")
    assert plan.connect_reads() == {"vr2": Reads(nics=(probe,)), "vr1": Reads(nics=(probe,))}
    known = {"vr1": nic("ens224", up=True, gateway=True), "vr2": nic("ens224", up=False, gateway=False)}
    assert plan.nic_changes(["vr1"], up=False, known=known) == {
        "vr1": {"nic": "ens224", "up": False, "gateway": "10.0.0.254", "known": known["vr1"]}
    }
    reads = plan.verify_reads(["vr1"], unreachable=["gw2"])
    assert reads == {
        "vr2": Reads(nics=(probe,), prefixes=("10.0.0.0/24",), facts=(Fact.OSPF_NEIGHBORS,)),
        "vr1": Reads(nics=(probe,), prefixes=("10.0.0.0/24",)),
        "gw1": Reads(prefixes=("10.0.0.0/24",)),
    }


def test_dry_run_says_what_it_sees_and_would_do(plan: Plan) -> None:
    known = {"vr2": nic("ens224", up=False, gateway=False), "vr1": nic("ens224", up=True, gateway=True)}
    assert dry_run_actions(plan, known) == [
        ("vr2", "now: ens224 is down: would put the gateway on ens224 (nic_up)"),
        ("vr1", "now: ens224 still carries the gateway (link up, address on it): would release ens224 (nic_down)"),
    ]
    released = {"vr2": nic("ens224", up=True, gateway=True), "vr1": nic("ens224", up=True, gateway=False)}
    assert [text for _, text in dry_run_actions(plan, released)] == [
        "ens224 up with the gateway: nothing to do",
        "ens224 up, no gateway address (released): nothing to do",
    ]


def test_one_hosts_verdict_after_a_switch(plan: Plan) -> None:
    routes = parse_routes((FRR / "vr2active_gw1_show_ip_route_10_0_0_0_24_json.txt").read_text(), platform="frr")
    neighbors = parse_ospf_neighbors((FRR / "vr2active_gw1_show_ip_ospf_neighbor_json.txt").read_text(), platform="frr")
    via = routes[0]["nexthops"][0]["ip"]
    assert via is not None
    state: RouterState = {"nics": {}, "routes": {"10.0.0.0/24": routes}, "neighbors": neighbors}
    holds, text = judge_host("gw1", state, active="vr2", standbys=["vr1"], prefix="10.0.0.0/24", nic=None, via=via)
    assert holds and text == f"10.0.0.0/24 via {via}"
    standby: RouterState = {**state, "nics": {"ens224": nic("ens224", up=True, gateway=True)}}
    holds, text = judge_host(
        "vr1", standby, active="vr2", standbys=["vr1"], prefix="10.0.0.0/24", nic="ens224", via=via
    )
    assert not holds and text.startswith("ens224 still carries the gateway")
    holds, text = judge_host(
        "gw1", state, active="vr2", standbys=["vr1"], prefix="10.0.0.0/24", nic=None, via="10.9.9.9"
    )
    assert not holds and "not via 10.9.9.9" in text


def test_a_router_of_many_groups_reads_once_for_all_of_them() -> None:
    first = {
        "vr1": Reads(nics=(NicProbe("eth1", "10.0.0.254"),), prefixes=("10.0.0.0/24",)),
        "gw1": Reads(prefixes=("10.0.0.0/24",)),
    }
    second = {
        "vr1": Reads(nics=(NicProbe("eth2", "10.0.1.254"),), prefixes=("10.0.1.0/24",), facts=(Fact.OSPF_NEIGHBORS,)),
        "gw1": Reads(prefixes=("10.0.1.0/24", "10.0.0.0/24")),
    }
    merged = merge_reads(first, second)
    assert merged["vr1"] == Reads(
        nics=(NicProbe("eth1", "10.0.0.254"), NicProbe("eth2", "10.0.1.254")),
        prefixes=("10.0.0.0/24", "10.0.1.0/24"),
        facts=(Fact.OSPF_NEIGHBORS,),
    )
    assert merged["gw1"].prefixes == ("10.0.0.0/24", "10.0.1.0/24")  # each prefix once
    assert merged["gw1"].arguments() == {
        "nics": (),
        "prefixes": ("10.0.0.0/24", "10.0.1.0/24"),
        "facts": (),
        "nic_files": (),
    }


def test_release_plans_the_node_side_router() -> None:
    fleet = load_inventory(REPO_INVENTORY)
    release = plan_release(fleet.fog("customer1"), Location(node="node-a", source="ecx", detail=""))
    assert release.as_dict() == {"node": "node-a", "router": "vr1", "nic": "ens224", "vm_gateway": "10.0.0.254"}
    assert release.change() == {"vr1": {"nic": "ens224", "up": False, "gateway": "10.0.0.254"}}
