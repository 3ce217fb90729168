"""The switch's verdicts on recorded router state (the frr-8.4 recordings, vr2 active)."""

from __future__ import annotations

from pathlib import Path

from ospf_failover.models import Route
from ospf_failover.parsers.ospf import parse_ospf_neighbors
from ospf_failover.parsers.route import parse_routes
from ospf_failover.runbooks.verify import judge_adjacencies, judge_connected, judge_nic, judge_route_via

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


def test_nic_verdicts() -> None:
    up = {
        "nic": "eth1",
        "exists": True,
        "up": True,
        "lower_up": True,
        "addresses": ["10.0.0.254/24"],
        "has_gateway": True,
    }
    down = {**up, "up": False, "has_gateway": False}
    assert judge_nic(up, up=True)[0] and judge_nic(down, up=False)[0]  # type: ignore[arg-type]
    assert judge_nic(up, up=False) == (False, "eth1 is still up")  # type: ignore[arg-type]
    assert judge_nic(down, up=True) == (False, "eth1 is down")  # type: ignore[arg-type]
