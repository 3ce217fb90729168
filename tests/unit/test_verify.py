"""The switch's verdicts on recorded router state (the frr-8.4 recordings, vr2 active)."""

from __future__ import annotations

from pathlib import Path

from ospf_failover.models import NicState, Route
from ospf_failover.parsers.ospf import parse_ospf_neighbors
from ospf_failover.parsers.route import parse_routes
from ospf_failover.parsers.vendors.dispatch import parse_vendor_routes
from ospf_failover.runbooks.shared.judges import judge_adjacencies, judge_connected, judge_nic, judge_route_via

FRR = Path(__file__).resolve().parents[1] / "fixtures" / "frr-8.4"
PREFIX = "10.0.0.0/24"


def routes(name: str) -> list[Route]:
    return parse_routes((FRR / name).read_text(), platform="frr")


def test_observer_routes_via_the_active_router() -> None:
    assert judge_route_via(
        routes("vr2active_gw1_show_ip_route_10_0_0_0_24_json.txt"), prefix=PREFIX, nexthop="192.168.76.252"
    ) == (
        True,
        "10.0.0.0/24 via 192.168.76.252",
    )


def test_observer_still_via_the_old_router() -> None:
    holds, text = judge_route_via(
        routes("vr2active_gw1_show_ip_route_10_0_0_0_24_json.txt"), prefix=PREFIX, nexthop="192.168.76.251"
    )
    assert not holds and "not via 192.168.76.251" in text


def test_text_and_json_agree() -> None:
    for name in ("vr2active_vr1_show_ip_route_10_0_0_0_24.txt", "vr2active_vr1_show_ip_route_10_0_0_0_24_json.txt"):
        assert judge_route_via(routes(name), prefix=PREFIX, nexthop="192.168.76.252")[0], name


def test_ecmp_through_both_routers_is_split_brain() -> None:
    ecmp: list[Route] = [
        {
            "prefix": PREFIX,
            "protocol": "ospf",
            "selected": True,
            "fib": True,
            "distance": 110,
            "metric": 20,
            "nexthops": [
                {"ip": "192.168.76.251", "interface": "eth0", "active": True, "directly_connected": False},
                {"ip": "192.168.76.252", "interface": "eth0", "active": True, "directly_connected": False},
            ],
        }
    ]
    holds, text = judge_route_via(ecmp, prefix=PREFIX, nexthop="192.168.76.252")
    assert not holds and text.startswith("split brain")


def test_no_route() -> None:
    assert judge_route_via([], prefix=PREFIX, nexthop="192.168.76.252") == (False, "no route to 10.0.0.0/24")


def test_active_router_sees_the_network_connected() -> None:
    active = routes("vr2active_vr2_show_ip_route_10_0_0_0_24_json.txt")
    assert judge_connected(active, prefix=PREFIX, nic="eth1")[0]
    assert not judge_connected(active, prefix=PREFIX, nic="eth2")[0]
    assert not judge_connected(routes("vr2active_gw1_show_ip_route_10_0_0_0_24_json.txt"), prefix=PREFIX, nic="eth1")[0]


def test_adjacencies() -> None:
    neighbors = parse_ospf_neighbors((FRR / "vr2active_vr2_show_ip_ospf_neighbor_json.txt").read_text(), platform="frr")
    assert judge_adjacencies(neighbors) == (True, "2 OSPF adjacencies Full")
    assert not judge_adjacencies([])[0]


def nic(*, up: bool, address: bool) -> NicState:
    return {
        "nic": "eth1",
        "exists": True,
        "up": up,
        "lower_up": up,
        "addresses": ["10.0.0.254/24"] if address else [],
        "has_gateway": up and address,
    }


def test_nic_verdicts() -> None:
    holding = nic(up=True, address=True)
    link_down = nic(up=False, address=True)
    address_gone = nic(up=True, address=False)
    assert judge_nic(holding, up=True) == (True, "eth1 up with the gateway")
    assert judge_nic(link_down, up=False) == (True, "eth1 down")
    assert judge_nic(holding, up=False) == (False, "eth1 still carries the gateway (link up, address on it)")
    assert judge_nic(link_down, up=True) == (False, "eth1 is down")
    assert judge_nic(address_gone, up=True) == (False, "eth1 is up without the gateway address")


def test_a_nic_up_without_the_gateway_address_is_released() -> None:
    # NetworkManager's `connection down` removes the address and leaves the link up: the router carries no gateway.
    assert judge_nic(nic(up=True, address=False), up=False) == (True, "eth1 up, no gateway address (released)")


def test_a_missing_nic_is_neither_up_nor_released() -> None:
    missing: NicState = {**nic(up=False, address=False), "exists": False}
    assert judge_nic(missing, up=False) == (False, "eth1 does not exist")
    assert judge_nic(missing, up=True) == (False, "eth1 does not exist")


def test_an_equal_cost_path_not_forwarded_to_is_split_brain_too(shared_fixtures: Path) -> None:
    """Junos lists both equal-cost paths and marks one ``>`` (a recording of a vMX): whichever router the group
    runs on, the other still advertises the network."""
    recording = shared_fixtures / "vendor-outputs" / "juniper_junos__show_route_10.0.0.3__svdk_vmx_ecmp.txt"
    routes = parse_vendor_routes(recording.read_text(), "juniper_junos")
    for via, idle in (("192.168.1.1", "192.168.4.1"), ("192.168.4.1", "192.168.4.1")):
        holds, text = judge_route_via(routes, prefix="10.0.0.3/32", nexthop=via)
        assert not holds, text
        assert text == (
            f"split brain: 10.0.0.3/32 via 192.168.1.1 and 192.168.4.1 (ECMP through another router; {idle} not "
            "forwarded to)"
        )
