"""NIC state from iproute2's one-line output (recorded from the lab's routers)."""

from __future__ import annotations

import pytest

from ospf_failover.errors import ParseError
from ospf_failover.parsers.iproute import parse_nic_state

LINK_UP = (
    "3: eth1@if7: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500 qdisc noqueue state UP mode DEFAULT group default qlen "
    "1000\\    link/ether 5a:1e:34:9c:0b:01 brd ff:ff:ff:ff:ff:ff link-netns ofl-sw"
)
LINK_DOWN = (
    "3: eth1@if7: <BROADCAST,MULTICAST> mtu 1500 qdisc noqueue state DOWN mode DEFAULT group default qlen 1000\\    "
    "link/ether 5a:1e:34:9c:0b:01 brd ff:ff:ff:ff:ff:ff link-netns ofl-sw"
)
ADDR = "3: eth1    inet 10.0.0.254/24 scope global eth1\\       valid_lft forever preferred_lft forever"


def test_up_with_gateway() -> None:
    state = parse_nic_state(nic="eth1", link=LINK_UP, link_status=0, addresses=ADDR, gateway="10.0.0.254")
    assert state == {
        "nic": "eth1",
        "exists": True,
        "up": True,
        "lower_up": True,
        "addresses": ["10.0.0.254/24"],
        "has_gateway": True,
    }


def test_down_keeps_its_address_but_does_not_carry_the_gateway() -> None:
    state = parse_nic_state(nic="eth1", link=LINK_DOWN, link_status=0, addresses=ADDR, gateway="10.0.0.254")
    assert (state["up"], state["addresses"], state["has_gateway"]) == (False, ["10.0.0.254/24"], False)


def test_ifdown_removes_the_address() -> None:
    state = parse_nic_state(nic="eth1", link=LINK_UP, link_status=0, addresses="", gateway="10.0.0.254")
    assert state["up"] and not state["has_gateway"]


def test_missing_nic_is_reported() -> None:
    state = parse_nic_state(
        nic="ens224", link='Device "ens224" does not exist.', link_status=1, addresses="", gateway=None
    )
    assert state["exists"] is False


@pytest.mark.parametrize(
    ("link", "status"),
    [("garbage", 0), (LINK_UP.replace("eth1", "eth2"), 0), ("ip: permission denied", 2), (LINK_UP + "\n" + LINK_UP, 0)],
)
def test_unreadable_output_is_refused(link: str, status: int) -> None:
    with pytest.raises(ParseError):
        parse_nic_state(nic="eth1", link=link, link_status=status, addresses="", gateway=None)
