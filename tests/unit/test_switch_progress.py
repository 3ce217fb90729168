"""Each poll of a verification judged: still converging (keep waiting) or cannot converge (stop after the grace),
on recorded router output (frr-8.4, the repository's inventory: customer1 on vr1/vr2, observers gw1/gw2)."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from ospf_failover.inventory import Fleet, load_inventory
from ospf_failover.models import Fact, NicState, NotRead, OspfNeighbor, Route, RouterState
from ospf_failover.parsers.ospf import parse_ospf_neighbors
from ospf_failover.parsers.ospf_timers import parse_ospf_interfaces
from ospf_failover.parsers.route import parse_routes
from ospf_failover.runbooks.shared.locate import Location
from ospf_failover.runbooks.switch.plan import Plan, plan_switch
from ospf_failover.runbooks.switch.progress import (
    DEFAULT_GRACE,
    Patience,
    Poll,
    dead_interval,
    grace_for,
    judge_poll,
    route_where,
)

ROOT = Path(__file__).resolve().parents[2]
FRR = ROOT / "tests" / "fixtures" / "frr-8.4"
PREFIX, GATEWAY = "10.0.0.0/24", "10.0.0.254"
VR1, VR2 = "192.168.76.251", "192.168.76.252"
NIC = "eth1"


@pytest.fixture(scope="module")
def plan() -> Plan:
    """customer1 runs on node-b: vr2 is active, vr1 stands by (as in the vr2active recordings)."""
    fleet: Fleet = load_inventory(ROOT / "inventory")
    where = Location(node="node-b", source="option", detail="--node node-b")
    planned = plan_switch(fleet, fleet.fog("customer1"), where)
    return replace(planned, nics={"vr1": NIC, "vr2": NIC})  # the recordings' routers use eth1


def routes(name: str) -> list[Route]:
    return parse_routes((FRR / name).read_text(), platform="frr")


VIA_VR2 = "vr2active_gw1_show_ip_route_10_0_0_0_24_json.txt"
SPLIT = "splitbrain_gw1_show_ip_route_10_0_0_0_24_json.txt"  # ECMP through vr1 and vr2
CONNECTED = "vr2active_vr2_show_ip_route_10_0_0_0_24_json.txt"


def neighbors() -> list[OspfNeighbor]:
    return parse_ospf_neighbors((FRR / "vr2active_vr2_show_ip_ospf_neighbor_json.txt").read_text(), platform="frr")


def nic(*, up: bool, address: bool = True) -> NicState:
    return {
        "nic": NIC,
        "exists": True,
        "up": up,
        "lower_up": up,
        "addresses": [f"{GATEWAY}/24"] if address else [],
        "has_gateway": up and address,
    }


def active(
    *, holds: bool = True, adjacencies: list[OspfNeighbor] | NotRead | None = None, route: str = CONNECTED
) -> RouterState:
    return RouterState(
        nics={NIC: nic(up=holds)},
        routes={PREFIX: routes(route) if holds else routes(VIA_VR2)},
        neighbors=neighbors() if adjacencies is None else adjacencies,
    )


def standby(*, holds: bool = False, route: list[Route] | None = None) -> RouterState:
    return RouterState(
        nics={NIC: nic(up=holds)},
        routes={PREFIX: routes(CONNECTED) if holds else (route if route is not None else routes(VIA_VR2))},
        neighbors=None,
    )


def observer(route: list[Route]) -> RouterState:
    return RouterState(nics={}, routes={PREFIX: route}, neighbors=None)


def test_everything_right_is_done(plan: Plan) -> None:
    poll = Poll(reads={"vr2": active(), "vr1": standby(), "gw1": observer(routes(VIA_VR2))})
    progress = judge_poll(plan, poll)
    assert progress.done and progress.text() == "nothing", progress


def test_a_route_not_moved_yet_is_awaited_not_stuck(plan: Plan) -> None:
    # gw2 has no route while gw1 already routes via vr2 and vr2 is Full: OSPF may still bring it (ospfd restarted)
    poll = Poll(reads={"vr2": active(), "gw1": observer(routes(VIA_VR2)), "gw2": observer([])})
    progress = judge_poll(plan, poll)
    assert not progress.stuck, progress.stuck
    assert [str(w) for w in progress.waiting] == [f"gw2: {PREFIX} via {VR2} (now: no route to {PREFIX})"]


def test_a_route_still_through_a_released_standby_is_converging(plan: Plan) -> None:
    poll = Poll(reads={"vr2": active(), "vr1": standby(), "gw1": observer(routes(SPLIT))})
    progress = judge_poll(plan, poll)
    assert not progress.stuck and [w.host for w in progress.waiting] == ["gw1"], progress


def test_a_router_this_run_could_not_reach_that_holds_the_gateway_is_stuck(plan: Plan) -> None:
    # vr1's host key was refused at connect: nothing was sent to it, and gw1/gw2 still route through it
    poll = Poll(
        reads={"vr2": active(), "gw1": observer(routes(SPLIT)), "gw2": observer(routes(SPLIT))},
        untouched={"vr1": "host key refused"},
    )
    progress = judge_poll(plan, poll)
    assert progress.stuck == (f"vr1 (host key refused) still holds {GATEWAY}: gw1, gw2 route {PREFIX} via {VR1}",)
    assert not progress.done


def test_the_active_router_without_the_gateway_is_stuck(plan: Plan) -> None:
    poll = Poll(reads={"vr2": active(holds=False), "vr1": standby(holds=True), "gw1": observer(routes(VIA_VR2))})
    stuck = judge_poll(plan, poll).stuck
    assert stuck[0] == f"vr2 does not hold {GATEWAY} (eth1 is down), although customer1 runs on node-b (vr2's side)"
    assert stuck[1] == f"vr1 holds {GATEWAY} (eth1 up with it), although customer1 runs on node-b (vr2's side)"
    assert len(stuck) == 2, "a standby's own connected route adds no cause of its own"


def test_a_standby_holding_the_gateway_too_is_stuck(plan: Plan) -> None:
    poll = Poll(reads={"vr2": active(), "vr1": standby(holds=True), "gw1": observer(routes(SPLIT))})
    progress = judge_poll(plan, poll)
    assert progress.stuck == (
        f"vr1 holds {GATEWAY} too (eth1 up with it), although customer1 runs on node-b (vr2's side)",
    )


def test_the_active_router_without_ospf_is_stuck(plan: Plan) -> None:
    gone = NotRead(Fact.OSPF_NEIGHBORS, "ospfd is not running")
    poll = Poll(reads={"vr2": active(adjacencies=gone), "gw1": observer([])})
    assert judge_poll(plan, poll).stuck[0] == (
        f"vr2 holds {GATEWAY} but ospfd is not running: no router can learn {PREFIX} from it"
    )


def test_a_route_ospf_cannot_replace_is_stuck(plan: Plan) -> None:
    static: Route = {**routes(VIA_VR2)[0], "protocol": "static"}
    poll = Poll(reads={"vr2": active(), "gw1": observer([static])})
    assert judge_poll(plan, poll).stuck == (f"gw1 routes {PREFIX} by a static route, which OSPF cannot replace",)


def test_a_next_hop_that_is_no_router_of_the_group_is_stuck(plan: Plan) -> None:
    elsewhere = routes(VIA_VR2)
    elsewhere[0]["nexthops"][0]["ip"] = "192.168.76.99"
    poll = Poll(reads={"vr2": active(), "gw1": observer(elsewhere)})
    assert judge_poll(plan, poll).stuck == (f"gw1 routes {PREFIX} via 192.168.76.99, no router of customer1",)


def test_a_gateway_advertised_nowhere_is_stuck(plan: Plan) -> None:
    poll = Poll(reads={"vr2": active(), "vr1": standby(route=[]), "gw1": observer([]), "gw2": observer([])})
    stuck = judge_poll(plan, poll).stuck
    assert stuck == (
        f"no router routes {PREFIX} although vr2 holds {GATEWAY} with its adjacencies up: is {PREFIX} in vr2's "
        "OSPF configuration?",
    )


def test_failed_reads_and_opening_sessions_are_awaited(plan: Plan) -> None:
    poll = Poll(reads={"vr2": active()}, failed={"gw1": "command timed out"}, pending=("gw2",))
    progress = judge_poll(plan, poll)
    assert not progress.stuck
    assert [str(w) for w in progress.waiting] == ["gw1: a read (command timed out)", "gw2: its SSH session (opening)"]


def test_where_the_route_is_by_router_name(plan: Plan) -> None:
    assert route_where(plan, routes(VIA_VR2)) == "via vr2"
    assert route_where(plan, routes(SPLIT)) == "via vr1 and vr2"
    assert route_where(plan, []) == "no route"
    assert route_where(plan, routes(CONNECTED)) == "connected"


def test_the_dead_interval_is_the_one_of_the_next_hops_segment() -> None:
    text = (FRR / "vr2active_vr2_show_ip_ospf_interface.txt").read_text()
    interfaces = parse_ospf_interfaces(text, platform="frr")
    assert {i["interface"]: i["dead_s"] for i in interfaces} == {"eth0": 3, "eth1": 40}
    assert dead_interval(interfaces, VR2) == 3, "the uplink's, not the VM side's default 40 s"
    assert dead_interval(interfaces, "172.16.0.1") is None
    assert dead_interval(NotRead(Fact.OSPF_INTERFACES, "ospfd is not running"), VR2) is None
    assert dead_interval(None, VR2) is None


def test_the_grace_is_twice_the_dead_interval_or_ten_seconds() -> None:
    assert grace_for(3) == 6.0 and grace_for(40) == 80.0
    assert grace_for(None) == DEFAULT_GRACE == 10.0


def test_patience_is_spent_only_by_a_wrong_state_that_lasts_the_whole_grace() -> None:
    patience = Patience(grace=6.0)
    assert not patience.see(stuck=True, now=100.0)
    assert not patience.see(stuck=True, now=105.9)
    assert patience.lasted(105.9) == pytest.approx(5.9)
    assert not patience.see(stuck=False, now=106.0), "one poll that can converge starts the grace again"
    assert patience.lasted(106.0) == 0.0
    assert not patience.see(stuck=True, now=107.0)
    assert not patience.see(stuck=True, now=112.9)
    assert patience.see(stuck=True, now=113.0)
