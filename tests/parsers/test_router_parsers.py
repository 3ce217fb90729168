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


def test_route_recursive_next_hop_reads_the_same_in_all_three_forms() -> None:
    """Table, detail and JSON: the recursive next hop first (no interface), then the one it resolves to."""
    table = parse_routes(_recording("frr-8.4/recursive_gw1_show_ip_route.txt"))
    detail = parse_routes(_recording("frr-8.4/recursive_gw1_show_ip_route_10_0_0_0_24.txt"))
    as_json = parse_routes(_recording("frr-8.4/recursive_gw1_show_ip_route_10_0_0_0_24_json.txt"))
    from_table = [route for route in table if route["prefix"] == "10.0.0.0/24"]
    assert from_table == detail == as_json, "the three forms disagree on the recursive route"
    assert [(hop["ip"], hop["interface"]) for hop in detail[0]["nexthops"]] == [
        ("10.255.0.2", None),
        ("192.168.76.252", "eth0"),
    ]


def test_route_table_without_any_fib_mark_is_not_installed() -> None:
    """A blank route line is in the FIB only when a next hop line below it carries '*'."""
    text = (
        "Codes: K - kernel route\n\n"
        "S   10.0.0.0/24 [1/0] via 10.255.0.2 (recursive), weight 1, 00:00:02\n"
        "                        via 192.168.76.252, eth0, weight 1, 00:00:02\n"
    )
    (route,) = parse_routes(text)
    assert (route["selected"], route["fib"], len(route["nexthops"])) == (False, False, 2)


@pytest.mark.parametrize(
    "label",
    ["16", "16001/16002/16003", "IPv4 Explicit Null/81", "IPv6 Explict Null", "Reserved (15)", "implicit-null"],
)
def test_route_mpls_labels_as_frr_prints_them(label: str) -> None:
    text = f"Codes: K - kernel route\n\nO>* 10.0.0.0/24 [110/20] via 192.168.76.252, eth0, label {label}, weight 1\n"
    (route,) = parse_routes(text)
    assert route["nexthops"][0]["interface"] == "eth0"


@pytest.mark.parametrize("label", ["Mystery Label", "16001 16002", "16001/", "Reserved", "IPv4 Explicit Null 16"])
def test_route_unknown_mpls_label_is_refused(label: str) -> None:
    text = f"Codes: K - kernel route\n\nO>* 10.0.0.0/24 [110/20] via 192.168.76.252, eth0, label {label}, weight 1\n"
    with pytest.raises(ParseError, match="not understood") as caught:
        parse_routes(text)
    assert caught.value.line_number == 3


def test_route_detail_duplicate_next_hop_is_kept() -> None:
    text = (
        "Routing entry for 10.50.0.0/16\n"
        '  Known via "bgp", distance 20, metric 0, best\n'
        "  Last update 00:03:55 ago\n"
        "    10.255.0.1 (recursive), weight 1\n"
        "  *   192.168.76.251, via eth0, weight 1\n"
        "    10.255.0.3 (recursive), weight 1\n"
        "      192.168.76.251, via eth0 (duplicate nexthop removed), weight 1\n"
    )
    (route,) = parse_routes(text)
    assert route["fib"] and [hop["ip"] for hop in route["nexthops"]] == [
        "10.255.0.1",
        "192.168.76.251",
        "10.255.0.3",
        "192.168.76.251",
    ]


def test_route_blackhole_admin_prohibited() -> None:
    text = "Codes: K - kernel route\n\nS>* 10.9.0.0/16 [1/0] unreachable (ICMP admin-prohibited), weight 1, 00:00:05\n"
    (route,) = parse_routes(text)
    assert route["nexthops"] == [{"ip": None, "interface": None, "active": True, "directly_connected": False}]
