"""Holding and releasing the gateway: link-style and NetworkManager-style NIC states."""

from __future__ import annotations

import pytest

from ospf_failover.gateway import already_released_text, describe, holds_gateway
from ospf_failover.models import NicState
from ospf_failover.parsers.iproute import parse_nic_state
from ospf_failover.tasks.nic import in_wanted_state

GATEWAY = "10.0.0.254"
LINK_UP = "3: eth1@if12: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500 qdisc noqueue state UP mode DEFAULT"
LINK_DOWN = "3: eth1@if12: <BROADCAST,MULTICAST> mtu 1500 qdisc noqueue state DOWN mode DEFAULT"
ADDRESS = "3: eth1    inet 10.0.0.254/24 scope global eth1\\       valid_lft forever preferred_lft forever"


def state(link: str, addresses: str) -> NicState:
    return parse_nic_state(nic="eth1", link=link, link_status=0, addresses=addresses, gateway=GATEWAY)


HOLDING = state(LINK_UP, ADDRESS)
LINK_RELEASED = state(LINK_DOWN, ADDRESS)  # ip link set down: the address stays configured
ADDRESS_RELEASED = state(LINK_UP, "")  # nmcli connection down: the link stays up


@pytest.mark.parametrize(
    ("nic", "holds", "words"),
    [
        (HOLDING, True, "up with gateway"),
        (LINK_RELEASED, False, "down"),
        (ADDRESS_RELEASED, False, "up, no gateway address (released)"),
        (state(LINK_DOWN, ""), False, "down"),
    ],
    ids=["holding", "link-down", "address-removed", "link-down-no-address"],
)
def test_holding_is_link_up_and_address_on_it(nic: NicState, holds: bool, words: str) -> None:
    assert holds_gateway(nic, GATEWAY) is holds
    assert describe(nic, GATEWAY) == words
    assert in_wanted_state(nic, up=False, gateway=GATEWAY) is not holds, "released is exactly 'not holding'"
    assert in_wanted_state(nic, up=True, gateway=GATEWAY) is holds


def test_without_a_gateway_to_look_for_only_the_link_tells() -> None:
    assert holds_gateway(ADDRESS_RELEASED, None)
    assert describe(ADDRESS_RELEASED) == "up"
    assert not in_wanted_state(ADDRESS_RELEASED, up=False, gateway=None)


def test_already_released_lines_say_which_state_was_seen() -> None:
    assert already_released_text(LINK_RELEASED) == "eth1 already down"
    assert already_released_text(ADDRESS_RELEASED) == "eth1 already released (up, no gateway address)"
