"""The facts of an observer of another vendor's platform (Cisco IOS/IOS-XE/NX-OS, Arista EOS, Junos, Yamaha RTX,
VyOS): the read commands its platform answers, and their outputs parsed by the vendor readers into the same
shapes as an FRR observer's (pure; :func:`~.router_state.read_router_state` sends the commands through the host's
session, netmiko's driver for its device type, and hands the outputs here).

Only ``show`` commands are ever sent. Routes to the asked prefixes: one exact lookup per prefix where the platform
has one (``show ip route A.B.C.D MASK``, Junos ``show route P exact table inet.0``), the whole table once when
it has none (RTX) or when more than ``LOOKUPS_PER_READ`` prefixes are asked (one table costs less than many
lookups); either way the routes of exactly that prefix, in the default VRF. An output the reader refuses fails
the read, as an unreadable FRR route does (every step judges routes). OSPF neighbours: the platform's neighbour
table; a refusal is a ``NotRead`` with the reader's one-line reason. Timers and configuration are not read on
these platforms (no reader): ``NotRead`` saying so, so that the checks that need them say they could not judge.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ospf_failover.errors import DeviceError, ParseError
from ospf_failover.models import Fact, NotRead, Route, RouterState
from ospf_failover.parsers.vendors.dispatch import (
    VENDOR_PLATFORMS,
    VendorPlatform,
    parse_vendor_ospf_neighbors,
    parse_vendor_routes,
)

if TYPE_CHECKING:
    from .router_state import Reads

LOOKUPS_PER_READ = 4


def _cisco_lookup(prefix: str) -> str:
    network = ipaddress.IPv4Network(prefix)
    return f"show ip route {network.network_address} {network.netmask}"


# One exact route lookup per platform (None: the platform has none that is cheap and exact: read the table).
LOOKUP = {
    "cisco_ios": _cisco_lookup,
    "cisco_xe": _cisco_lookup,
    "cisco_nxos": lambda prefix: f"show ip route {prefix}",
    "arista_eos": lambda prefix: f"show ip route {prefix}",
    "juniper_junos": lambda prefix: f"show route {prefix} exact table inet.0",
    "vyos": lambda prefix: f"show ip route {prefix}",
    "yamaha": None,
}
TABLE = {"juniper_junos": "show route table inet.0"}  # the others: show ip route
NEIGHBORS = {"cisco_nxos": "show ip ospf neighbors", "juniper_junos": "show ospf neighbor", "yamaha": None}
NO_NEIGHBOR_READER = "its OSPF neighbour status is not read (no reader: no recorded output to build one on)"


@dataclass(frozen=True)
class VendorCommand:
    """One read command and what its output answers: routes to ``prefixes`` (empty: not a route read), or the
    host-wide ``fact``."""

    command: str
    prefixes: tuple[str, ...] = ()
    fact: Fact | None = None


def vendor_platform(platform: str, *, host: str) -> VendorPlatform:
    """``platform`` as one the vendor readers read; DeviceError for any other."""
    if platform not in VENDOR_PLATFORMS:
        raise DeviceError(host=host, command="", output="", reason=f"no reader for platform {platform!r}")
    return platform


def vendor_commands(reads: Reads, platform: VendorPlatform, *, host: str = "") -> list[VendorCommand]:
    """The read commands of ``reads`` on ``platform``, in the order :func:`vendor_state` reads their outputs.

    NIC states and configuration files are not a vendor observer's facts: asking for them is a DeviceError."""
    if reads.nics or reads.nic_files:
        raise DeviceError(
            host=host, command="", output="", reason=f"NIC states and files are not read on a {platform} observer"
        )
    commands: list[VendorCommand] = []
    lookup = LOOKUP[platform]
    if reads.prefixes and (lookup is None or len(reads.prefixes) > LOOKUPS_PER_READ):
        commands.append(VendorCommand(TABLE.get(platform, "show ip route"), prefixes=reads.prefixes))
    elif lookup is not None:
        commands += [VendorCommand(lookup(prefix), prefixes=(prefix,)) for prefix in reads.prefixes]
    if Fact.OSPF_NEIGHBORS in reads.facts:
        command = NEIGHBORS.get(platform, "show ip ospf neighbor")
        if command is not None:
            commands.append(VendorCommand(command, fact=Fact.OSPF_NEIGHBORS))
    return commands


def vendor_state(reads: Reads, outputs: Sequence[str], *, platform: VendorPlatform, host: str) -> RouterState:
    """The outputs of :func:`vendor_commands` parsed into the facts of ``reads`` (pure). A route output that is
    refused raises the reader's ParseError; every other fact is its shape or a NotRead."""
    commands = vendor_commands(reads, platform)
    if len(outputs) != len(commands):
        raise ValueError(f"{len(outputs)} outputs for {len(commands)} commands")
    state = RouterState(nics={}, routes={}, neighbors=None)
    for command, output in zip(commands, outputs, strict=True):
        if command.prefixes:
            routes = parse_vendor_routes(output, platform)
            for prefix in command.prefixes:
                state["routes"][prefix] = routes_to(routes, prefix)
        elif command.fact is Fact.OSPF_NEIGHBORS:
            try:
                state["neighbors"] = parse_vendor_ospf_neighbors(output, platform)
            except ParseError as exc:
                state["neighbors"] = NotRead(Fact.OSPF_NEIGHBORS, str(exc), cause=exc)
    for fact in reads.facts:
        if fact is Fact.OSPF_NEIGHBORS and state["neighbors"] is None:
            state["neighbors"] = NotRead(fact, f"{platform}: {NO_NEIGHBOR_READER}")
        elif fact is not Fact.OSPF_NEIGHBORS:
            _not_read(state, fact, f"{fact.label}: not read on a {platform} observer (no reader for this platform)")
    return state


def routes_to(routes: list[Route], prefix: str) -> list[Route]:
    """The routes of exactly ``prefix`` (a lookup may answer a longer or shorter match, a table all of them)."""
    wanted = ipaddress.IPv4Network(prefix)
    return [route for route in routes if ipaddress.IPv4Network(route["prefix"]) == wanted]


def _not_read(state: RouterState, fact: Fact, reason: str) -> None:
    missing = NotRead(fact, reason)
    if fact is Fact.OSPF_PROCESS:
        state["ospf_process"] = missing
    elif fact is Fact.OSPF_INTERFACES:
        state["ospf_interfaces"] = missing
    elif fact is Fact.OSPF_CONFIG:
        state["ospf_config"] = missing
    elif fact is Fact.IP_FORWARDING:
        state["ip_forwarding"] = missing
