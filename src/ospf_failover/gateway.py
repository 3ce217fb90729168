"""Whether a router's VM-side NIC carries the gateway: the one rule switch, release and verify judge by.

A NIC *holds* the gateway when its link is up and the gateway address is on it. It is *released* otherwise: the
link down (``ip link set down``, ``ifdown`` without NetworkManager) **or** the address gone while the link stays
up (NetworkManager's ``nmcli connection down``, and CentOS 7's ``ifdown`` while NetworkManager runs). Either way
the router answers for no gateway and OSPF advertises nothing there.
"""

from __future__ import annotations

from ospf_failover.models import NicState

RELEASED_UP = "up, no gateway address (released)"


def holds_gateway(state: NicState, gateway: str | None) -> bool:
    """Does the NIC carry ``gateway``? Without a gateway to look for, only the link can tell (up = holds)."""
    if gateway is None:
        return state["exists"] and state["up"]
    return state["has_gateway"]


def describe(state: NicState, gateway: str | None = None) -> str:
    """The NIC's state in a few words: ``missing``, ``down``, ``up with gateway``, ``up, no gateway address
    (released)`` (when the gateway was looked for), or ``up``."""
    if not state["exists"]:
        return "missing"
    if not state["up"]:
        return "down"
    if state["has_gateway"]:
        return "up with gateway"
    return RELEASED_UP if gateway is not None else "up"


def released_text(state: NicState) -> str:
    """How a released NIC was found, for a step line: ``eth1 down`` or ``eth1 up, no gateway address (released)``."""
    return f"{state['nic']} {'down' if not state['up'] else RELEASED_UP}"


def already_released_text(state: NicState) -> str:
    """A step line for a NIC found released, with nothing to do: ``eth1 already down`` or ``eth1 already
    released (up, no gateway address)``."""
    if not state["up"]:
        return f"{state['nic']} already down"
    return f"{state['nic']} already released (up, no gateway address)"
