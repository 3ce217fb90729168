"""A vendor observer's facts (tasks.vendor_state): which read commands each platform gets, and recorded outputs
of other people's devices (../shared/fixtures/vendor-outputs) parsed into an FRR observer's shapes."""

from __future__ import annotations

from pathlib import Path

import pytest

from ospf_failover.errors import DeviceError, ParseError
from ospf_failover.models import Fact, NotRead
from ospf_failover.parsers.vendors.dispatch import VendorPlatform
from ospf_failover.tasks.router_state import NicProbe, Reads
from ospf_failover.tasks.vendor_state import LOOKUPS_PER_READ, vendor_commands, vendor_state

OBSERVER = (Fact.OSPF_NEIGHBORS, Fact.OSPF_PROCESS, Fact.OSPF_INTERFACES)


def recording(shared: Path, name: str) -> str:
    return (shared / "vendor-outputs" / name).read_text()


def commands(reads: Reads, platform: VendorPlatform) -> list[str]:
    return [command.command for command in vendor_commands(reads, platform)]


def test_only_read_commands_per_platform() -> None:
    one = Reads(prefixes=("10.0.0.0/24",), facts=OBSERVER)
    assert commands(one, "cisco_ios") == ["show ip route 10.0.0.0 255.255.255.0", "show ip ospf neighbor"]
    assert commands(one, "juniper_junos") == ["show route 10.0.0.0/24 exact table inet.0", "show ospf neighbor"]
    assert commands(one, "cisco_nxos") == ["show ip route 10.0.0.0/24", "show ip ospf neighbors"]
    assert commands(one, "yamaha") == ["show ip route"]  # no lookup of one prefix, no neighbour reader
    many = Reads(prefixes=tuple(f"10.0.{k}.0/24" for k in range(LOOKUPS_PER_READ + 1)))
    assert commands(many, "arista_eos") == ["show ip route"]
    assert commands(many, "juniper_junos") == ["show route table inet.0"]
    others: tuple[VendorPlatform, ...] = ("cisco_xe", "vyos", "arista_eos")
    every = [command for platform in others for command in commands(one, platform)]
    assert all(command.startswith("show ") for command in every), every
    with pytest.raises(DeviceError, match="not read on a cisco_ios observer"):
        vendor_commands(Reads(nics=(NicProbe("eth1"),)), "cisco_ios")


def test_ios_table_and_neighbours_into_frr_shapes(shared_fixtures: Path) -> None:
    prefixes = [f"10.0.{k}.0/24" for k in range(LOOKUPS_PER_READ)]
    reads = Reads(prefixes=(*prefixes, "192.168.1.0/24"), facts=OBSERVER)
    table = recording(shared_fixtures, "cisco_ios__show_ip_route__vyosdoc_cisco_peer.txt")
    neighbors = recording(shared_fixtures, "cisco_ios__show_ip_ospf_neighbor__vyosdoc_cisco_peer.txt")
    state = vendor_state(reads, [table, neighbors], platform="cisco_ios", host="gw1")
    assert [hop["ip"] for hop in state["routes"]["192.168.1.0/24"][0]["nexthops"]] == ["10.100.100.1"]
    assert state["routes"]["10.0.1.0/24"] == []  # not in the table: no route, as FRR's empty answer
    assert isinstance(state["neighbors"], list)
    assert [(n["neighbor_id"], n["state"]) for n in state["neighbors"]] == [("2.2.2.2", "Full")]
    assert isinstance(state.get("ospf_process"), NotRead) and isinstance(state.get("ospf_interfaces"), NotRead)
    assert (
        str(state["ospf_process"]) == "the OSPF timers: not read on a cisco_ios observer (no reader for this platform)"
    )


def test_junos_lookup_keeps_the_equal_cost_paths(shared_fixtures: Path) -> None:
    output = recording(shared_fixtures, "juniper_junos__show_route_10.0.0.3__svdk_vmx_ecmp.txt")
    state = vendor_state(Reads(prefixes=("10.0.0.3/32",)), [output], platform="juniper_junos", host="gw2")
    hops = [(hop["ip"], hop["active"]) for hop in state["routes"]["10.0.0.3/32"][0]["nexthops"]]
    assert hops == [("192.168.4.1", False), ("192.168.1.1", True)]
    assert vendor_state(Reads(prefixes=("10.9.9.0/24",)), [""], platform="juniper_junos", host="gw2")["routes"] == {
        "10.9.9.0/24": []
    }


def test_a_refused_route_output_fails_the_read_a_refused_neighbour_table_is_not_read(shared_fixtures: Path) -> None:
    reads = Reads(prefixes=("10.0.0.0/24",), facts=(Fact.OSPF_NEIGHBORS,))
    paged = "Neighbor ID     Pri   State           Dead Time   Address         Interface\n --More-- \n"
    with pytest.raises(ParseError, match="pager"):
        vendor_state(reads, [" --More-- ", paged], platform="cisco_ios", host="gw1")
    state = vendor_state(reads, ["% Network not in table\n", paged], platform="cisco_ios", host="gw1")
    assert state["routes"] == {"10.0.0.0/24": []}
    assert isinstance(state["neighbors"], NotRead) and "pager" in str(state["neighbors"]), state["neighbors"]
    assert "\n" not in str(state["neighbors"])


def test_rtx_routes_from_its_table_and_no_neighbour_reader(shared_fixtures: Path) -> None:
    table = recording(shared_fixtures, "yamaha__show_ip_route__ribbit_rtx1300.txt")
    reads = Reads(prefixes=("0.0.0.0/0",), facts=(Fact.OSPF_NEIGHBORS,))
    state = vendor_state(reads, [table], platform="yamaha", host="gw1")
    assert len(state["routes"]["0.0.0.0/0"]) == 1
    assert isinstance(state["neighbors"], NotRead) and "not read" in str(state["neighbors"])
