"""A next hop in another VRF keeps that VRF's name (FRR's ``(vrf NAME)`` mark), where it used to be dropped."""

from __future__ import annotations

from ospf_failover.models import Route
from ospf_failover.parsers.route import parse_routes

from .cases import shape_errors

LEGEND = "Codes: K - kernel route, C - connected, S - static\n\n"


def test_frr_names_the_vrf_of_a_next_hop_in_another_vrf() -> None:
    text = "S>* 10.0.0.0/24 [1/0] is directly connected, eth1 (vrf default), weight 1, 00:07:40\n"
    (route,) = parse_routes(LEGEND + text)
    assert route["nexthops"] == [
        {"ip": None, "interface": "eth1", "active": True, "directly_connected": True, "vrf": "default"}
    ]


def test_a_next_hop_in_its_own_vrf_has_no_vrf_key() -> None:
    (route,) = parse_routes(LEGEND + "S>* 10.0.0.0/24 [1/0] via 10.0.12.2, eth1, weight 1, 00:07:40\n")
    assert "vrf" not in route["nexthops"][0]
    assert shape_errors([route], list[Route]) == []


def test_the_shape_check_allows_an_absent_optional_key_only() -> None:
    hop = {"ip": "10.0.12.2", "interface": "eth1", "active": True, "directly_connected": False}
    route = {"prefix": "10.0.0.0/24", "protocol": "static", "selected": True, "fib": True}
    route |= {"distance": 1, "metric": 0, "nexthops": [hop | {"vrf": "red"}]}
    assert shape_errors([route], list[Route]) == []
    route["nexthops"] = [hop | {"vrf": 1}]
    assert shape_errors([route], list[Route]) == ["result[0].nexthops[0].vrf: 1, expected str"]
    route["nexthops"] = [{key: value for key, value in hop.items() if key != "ip"}]
    assert shape_errors([route], list[Route]) == ["result[0].nexthops[0]: keys ['ip'] differ"]
    route["nexthops"] = [hop | {"weight": 1}]
    assert shape_errors([route], list[Route]) == ["result[0].nexthops[0]: keys ['weight'] differ"]
