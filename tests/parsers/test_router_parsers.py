"""OSPF neighbor and route parsers: the decisions a caller must know, beyond the recorded cases."""

from __future__ import annotations

import json

import pytest

from ospf_failover.errors import ParseError
from ospf_failover.parsers import parse_ospf_neighbors, parse_routes

from .cases import FIXTURES


def _recording(path: str) -> str:
    return (FIXTURES / path).read_text(encoding="utf-8")


def test_ospf_json_empty_object_means_ospf_is_not_enabled() -> None:
    with pytest.raises(ParseError, match="OSPF is not enabled"):
        parse_ospf_neighbors("{}\n")


def test_ospf_json_without_neighbors_is_an_empty_list() -> None:
    assert parse_ospf_neighbors('{"neighbors":{}}') == []


def test_ospf_json_pre_9_keys_only_parse_the_same() -> None:
    document = json.loads(_recording("frr-8.4/vr2active_gw1_show_ip_ospf_neighbor_json.txt"))
    for entries in document["neighbors"].values():
        for entry in entries:
            for key in ("nbrState", "nbrPriority", "ifaceAddress", "role", "converged"):
                del entry[key]
    old_only = parse_ospf_neighbors(json.dumps(document))
    both = parse_ospf_neighbors(_recording("frr-8.4/vr2active_gw1_show_ip_ospf_neighbor_json.txt"))
    assert old_only == both


def test_ospf_json_role_key_is_used_when_the_state_has_no_role() -> None:
    entry = {
        "nbrState": "Full",
        "role": "DR",
        "nbrPriority": 1,
        "ifaceAddress": "10.0.0.1",
        "ifaceName": "eth0:10.0.0.9",
    }
    text = json.dumps({"neighbors": {"1.1.1.1": [entry]}})
    (neighbor,) = parse_ospf_neighbors(text)
    assert (neighbor["state"], neighbor["role"]) == ("Full", "DR")


@pytest.mark.parametrize(
    "entry",
    [
        {"nbrState": "Full/DR", "nbrPriority": True, "ifaceAddress": "10.0.0.1", "ifaceName": "eth0"},
        {"nbrState": "Full/DR", "nbrPriority": 1, "ifaceAddress": "not-an-ip", "ifaceName": "eth0"},
        {"nbrState": "Full/DR", "nbrPriority": 1, "ifaceAddress": "10.0.0.1"},
        {"nbrState": 3, "nbrPriority": 1, "ifaceAddress": "10.0.0.1", "ifaceName": "eth0"},
    ],
)
def test_ospf_json_entries_of_the_wrong_type_are_refused(entry: dict[str, object]) -> None:
    with pytest.raises(ParseError):
        parse_ospf_neighbors(json.dumps({"neighbors": {"1.1.1.1": [entry]}}))


def test_ospf_text_interface_without_local_address() -> None:
    text = (
        "Neighbor ID     Pri State           Up Time         Dead Time Address         Interface"
        "                        RXmtL RqstL DBsmL\n"
        "10.0.0.1          1 Full/-          1m02s             31.203s 10.0.0.1        VLINK0"
        "                               0     0     0\n"
    )
    (neighbor,) = parse_ospf_neighbors(text)
    assert (neighbor["interface"], neighbor["local_address"], neighbor["role"]) == ("VLINK0", None, "-")


def test_ospf_quagga_platform_refuses_frr_output() -> None:
    with pytest.raises(ParseError, match="platform given is quagga"):
        parse_ospf_neighbors(_recording("frr-8.4/vr2active_gw1_show_ip_ospf_neighbor.txt"), "quagga")


def test_route_json_from_the_neighbor_command_is_refused() -> None:
    with pytest.raises(ParseError, match="expected a list of routes"):
        parse_routes(_recording("frr-8.4/vr2active_gw1_show_ip_ospf_neighbor_json.txt"))


def test_route_not_in_table_followed_by_more_text_is_refused() -> None:
    with pytest.raises(ParseError, match="text after"):
        parse_routes("% Network not in table\nO>* 10.0.0.0/24 [110/20] via 1.1.1.1, eth0\n")


def test_route_text_without_codes_legend_is_refused() -> None:
    with pytest.raises(ParseError, match="expected 'Codes:'"):
        parse_routes("O>* 10.0.0.0/24 [110/20] via 192.168.76.252, eth0, weight 1, 00:05:39\n")


def test_route_unknown_next_hop_detail_is_refused() -> None:
    text = _recording("frr-8.4/vr2active_gw1_show_ip_route.txt").replace("weight 1, 00:05:39", "weight 1, mystery")
    with pytest.raises(ParseError, match="'mystery'") as caught:
        parse_routes(text)
    assert caught.value.line_number == 8


def test_route_detail_entry_without_next_hop_is_refused() -> None:
    with pytest.raises(ParseError, match="no next hop"):
        parse_routes('Routing entry for 10.0.0.0/24\n  Known via "ospf", distance 110, metric 20, best\n')


def test_route_empty_output_is_refused() -> None:
    with pytest.raises(ParseError, match="empty output"):
        parse_routes("\n")


def test_route_continuation_before_any_route_is_refused() -> None:
    text = "Codes: K - kernel route\n\n  *                      via 192.168.76.252, eth0, weight 1\n"
    with pytest.raises(ParseError, match="not a route line"):
        parse_routes(text)
