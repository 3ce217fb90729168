"""How the lab's routers take their VM-side NIC down: by link, or by address as NetworkManager does.

- ``link``: ``ip link set dev eth1 down|up``; a released NIC is down and keeps its address configured.
- ``address``: ``nmcli connection down|up eth1`` (the lab's stand-in, ``files/nmcli``): the address goes, the link
  stays up, as on a router whose NIC NetworkManager manages (the original how-to's CentOS 7 routers). Such a
  router has the connection's keyfile, which the inventory names as its ``nic_config_file``.
- ``mixed``: a pair of both kinds, site A's router link-style and site B's address-style.

Every router gets the nmcli stand-in and one keyfile per VM-side NIC (one per failover group its pair serves), so a
running lab can change style (:meth:`Lab.set_nic_style`) by rewriting its inventory only.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from ospf_failover.errors import InputError

from .topology import CLUSTER_NODES, PREFIX_LENGTH, VM_NIC, Topology

STANDIN = Path(__file__).resolve().parent / "files" / "nmcli"
RouterStyle = Literal["link", "address"]
NicStyle = Literal["link", "address", "mixed"]
NIC_STYLES: tuple[NicStyle, ...] = ("link", "address", "mixed")
KEYFILE_DIR = "/run/NetworkManager/system-connections"
NIC_CONFIG_FILE = KEYFILE_DIR + "/{nic}.nmconnection"
ADDRESS_STYLE_DATA: dict[str, str] = {
    "nic_down": "nmcli connection down {nic}",
    "nic_up": "nmcli connection up {nic}",
    "nic_config_file": NIC_CONFIG_FILE,
}


def checked(style: str) -> NicStyle:
    for known in NIC_STYLES:
        if style == known:
            return known
    raise InputError(f"nic style must be one of {', '.join(NIC_STYLES)}; got {style!r}")


def router_styles(topology: Topology, style: NicStyle) -> dict[str, RouterStyle]:
    """Each router's own style; ``mixed`` makes site A's router (node-a's side) link-style, site B's address-style."""
    styles: dict[str, RouterStyle] = {}
    for customer in topology.customers:
        for node in CLUSTER_NODES:
            router = customer.router_for(node)
            if style == "mixed":
                styles[router] = "link" if node == CLUSTER_NODES[0] else "address"
            else:
                styles[router] = style
    return styles


def keyfile(gateway: str, nic: str = VM_NIC) -> str:
    """The NetworkManager keyfile of a router's VM-side connection on ``nic`` (the connection is named after it):
    manual address, not brought up at boot."""
    return (
        "[connection]\n"
        f"id={nic}\n"
        "type=ethernet\n"
        f"interface-name={nic}\n"
        "autoconnect=false\n"
        "\n"
        "[ipv4]\n"
        "method=manual\n"
        f"address1={gateway}/{PREFIX_LENGTH}\n"
    )


def set_nic_batch(style: RouterStyle, *, up: bool, gateway: str, nic: str = VM_NIC) -> list[str]:
    """``ip -batch`` lines that bring a router's VM-side NIC ``nic`` to holding (``up``) or released, whatever its
    state.

    Link-style: the address is always configured, the link decides. Address-style: the link is always up, the
    address decides. Run in order; each line is idempotent.
    """
    address = f"addr replace {gateway}/{PREFIX_LENGTH} dev {nic}"
    link = f"link set dev {nic}"
    if style == "link":
        # Down first, then the address: a NIC being released never carries the gateway on an up link meanwhile.
        return [address, f"{link} up"] if up else [f"{link} down", address]
    if up:
        return [f"{link} up", address]
    return [f"addr flush dev {nic} to {gateway}/32", f"{link} up"]
