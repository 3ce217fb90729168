"""Declared shapes of everything the parsers return.

These are also the JSON contracts of ``ospf-failover parse``: a parser returns exactly these keys (more may be
added, never removed or renamed).
"""

from __future__ import annotations

from typing import Literal, NotRequired, TypedDict

Platform = Literal["frr", "quagga"]


# --- clpstat --------------------------------------------------------------------------------------------


class ClpstatResource(TypedDict):
    name: str
    status: str


class ClpstatServer(TypedDict):
    name: str
    local: bool  # marked with '*': the server the command ran on
    status: str
    heartbeats: list[ClpstatResource]  # lines indented under the server: heartbeat and network-partition resources


class ClpstatGroup(TypedDict):
    name: str
    status: str
    current: str | None  # None when the group is offline ('current : None')
    resources: list[ClpstatResource]


class ClpstatMonitor(TypedDict):
    name: str
    status: str


class ClpstatStatus(TypedDict):
    cluster: str
    layout: Literal["default", "long"]
    servers: list[ClpstatServer]  # in priority order: the first is the primary
    groups: list[ClpstatGroup]
    monitors: list[ClpstatMonitor]


class ClpstatReading(TypedDict):
    """What tasks.clpstat.read_clpstat read: the status display, and how many runs it took (busy retries)."""

    status: ClpstatStatus
    attempts: int


# --- OSPF -----------------------------------------------------------------------------------------------


class OspfNeighbor(TypedDict):
    neighbor_id: str
    priority: int
    state: str  # "Full", "2-Way", "Init", ...
    role: str  # "DR", "Backup", "DROther", "-"
    address: str
    interface: str  # the local interface name ("eth0")
    local_address: str | None  # the local address on that interface, when the output gives it
    vrf: NotRequired[str]  # the VRF of the OSPF instance, when the output names it (other vendors' tables)


# --- routes ---------------------------------------------------------------------------------------------


class Nexthop(TypedDict):
    ip: str | None  # None when directly connected
    interface: str | None
    active: bool
    directly_connected: bool
    vrf: NotRequired[str]  # the VRF the next hop is resolved in, when the output names one ("(vrf X)", "%X")


class Route(TypedDict):
    prefix: str
    protocol: str  # "ospf", "connected", "kernel", "static", "local", ...
    selected: bool
    fib: bool
    distance: int | None
    metric: int | None
    nexthops: list[Nexthop]


# --- router state read by the tasks ---------------------------------------------------------------------


class NicState(TypedDict):
    nic: str
    exists: bool
    up: bool  # administratively up (the UP flag): what ifup/ifdown and `ip link set` change
    lower_up: bool  # carrier
    addresses: list[str]  # IPv4 addresses configured, CIDR form
    has_gateway: bool  # the gateway address is configured AND the NIC is up: the router answers for it


class CommandText(TypedDict):
    """A command's output as it came (configuration, timers, files), for a pure parser to read later."""

    output: str
    exit_status: int


class RouterState(TypedDict):
    """Everything one round trip read from a router (see tasks.router_state.read_router_state)."""

    nics: dict[str, NicState]
    routes: dict[str, list[Route]]  # prefix -> routes
    neighbors: list[OspfNeighbor] | None  # None when not asked for
    texts: NotRequired[dict[str, CommandText]]  # extra reads by name ("running-config", "file:/etc/...", ...)


class NicChange(TypedDict):
    """What tasks.nic.set_nic_state did."""

    nic: str
    wanted: str  # "up" or "down"
    before: NicState
    after: NicState
    command: str | None  # the command run, None when nothing needed doing (or dry run)
    announced: bool | None  # gratuitous ARP sent (None: not asked for or not configured)
    announce_output: str | None
