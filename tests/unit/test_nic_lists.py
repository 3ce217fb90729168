"""A router of several groups reads every NIC's link and addresses once (two commands, not two per NIC), and each
NIC's state comes out as its own two reads would give it. Outputs as vr1 of the lab printed them."""

from __future__ import annotations

import pytest

from ospf_failover.errors import ParseError
from ospf_failover.parsers.iproute import ALL_ADDRESSES, ALL_LINKS, nic_commands, parse_nic_outputs, parse_nic_state
from ospf_failover.tasks.router_state import NicProbe, Reads, router_commands

LINKS = (
    "1: lo: <LOOPBACK,UP,LOWER_UP> mtu 65536 qdisc noqueue state UNKNOWN mode DEFAULT group default qlen 1000\\"
    "    link/loopback 00:00:00:00:00:00 brd 00:00:00:00:00:00\n"
    "2: eth0@if140: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500 qdisc noqueue state UP mode DEFAULT group default "
    "qlen 1000\\    link/ether 02:00:00:00:00:01 brd ff:ff:ff:ff:ff:ff link-netnsid 0\n"
    "3: eth1@if141: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500 qdisc noqueue state UP mode DEFAULT group default "
    "qlen 1000\\    link/ether 02:00:00:00:00:02 brd ff:ff:ff:ff:ff:ff link-netnsid 0\n"
    "4: eth2@if142: <BROADCAST,MULTICAST> mtu 1500 qdisc noqueue state DOWN mode DEFAULT group default "
    "qlen 1000\\    link/ether 02:00:00:00:00:03 brd ff:ff:ff:ff:ff:ff link-netnsid 0\n"
)
ADDRESSES = (
    "1: lo    inet 127.0.0.1/8 scope host lo\\       valid_lft forever preferred_lft forever\n"
    "2: eth0    inet 192.168.76.251/24 scope global eth0\\       valid_lft forever preferred_lft forever\n"
    "3: eth1    inet 10.0.0.254/24 scope global eth1\\       valid_lft forever preferred_lft forever\n"
    "4: eth2    inet 10.0.1.254/24 scope global eth2\\       valid_lft forever preferred_lft forever\n"
)


def line_of(text: str, nic: str) -> str:
    return next(line for line in text.splitlines() if line.split()[1].split("@")[0].rstrip(":") == nic)


def test_a_router_of_a_hundred_groups_runs_two_nic_commands() -> None:
    probes = tuple(NicProbe(f"eth1.{100 + n}", f"10.0.{n}.254") for n in range(100))
    commands = router_commands(Reads(nics=probes), suite="frr", vtysh="vtysh")
    assert commands == [ALL_LINKS, ALL_ADDRESSES]
    assert nic_commands(["eth1"]) == ["ip -o link show dev eth1", "ip -o -4 addr show dev eth1"], "a switch's one NIC"


def test_each_nic_reads_as_its_own_reads_would() -> None:
    probes = [("eth1", "10.0.0.254"), ("eth2", "10.0.1.254"), ("eth9", "10.0.2.254")]
    states = parse_nic_outputs(probes, [(LINKS, 0), (ADDRESSES, 0)])
    for nic, gateway in probes[:2]:
        alone = parse_nic_state(
            nic=nic, link=line_of(LINKS, nic), link_status=0, addresses=line_of(ADDRESSES, nic), gateway=gateway
        )
        assert states[nic] == alone, nic
    assert states["eth1"]["has_gateway"] and not states["eth2"]["has_gateway"], "eth2's link is down"
    assert states["eth9"] == {
        "nic": "eth9",
        "exists": False,
        "up": False,
        "lower_up": False,
        "addresses": [],
        "has_gateway": False,
    }


def test_output_that_is_not_a_list_of_nics_is_refused() -> None:
    probes = [("eth1", None), ("eth2", None)]
    with pytest.raises(ParseError, match="exit status 1"):
        parse_nic_outputs(probes, [("ip: permission denied", 1), (ADDRESSES, 0)])
    with pytest.raises(ParseError, match="unexpected line"):
        parse_nic_outputs(probes, [(LINKS, 0), ("sudo: a password is required", 0)])
