"""Declared shapes of everything the parsers return, and of the facts the tasks hand to the judges.

These are also the JSON contracts of ``ospf-failover parse``: a parser returns exactly these keys (more may be
added, never removed or renamed).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import TYPE_CHECKING, Literal, NotRequired, TypedDict

if TYPE_CHECKING:  # these parsers declare their shapes beside their code and import Platform from here
    from ospf_failover.parsers.nic_config import NicConfig
    from ospf_failover.parsers.ospf_config import OspfConfig
    from ospf_failover.parsers.ospf_timers import OspfInterfaceTimers, OspfProcessTimers

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


class NicChange(TypedDict):
    """What tasks.nic.set_nic_state did."""

    nic: str
    wanted: str  # "up" or "down"
    before: NicState
    after: NicState
    command: str | None  # the command run, None when nothing needed doing (or dry run)
    announced: bool | None  # gratuitous ARP sent (None: not asked for or not configured)
    announce_output: str | None


# --- facts: what a plan asks a host for ------------------------------------------------------------------


class Fact(StrEnum):
    """What a plan can ask a host for. The task that reads a fact (tasks.router_state, tasks.clpstat) parses it
    there, once per run, into its declared shape (the comment of each); the judges see that shape, or NotRead."""

    NIC_STATE = "nic-state"  # NicState, per NIC asked for
    ROUTES = "routes"  # list[Route], per prefix asked for
    OSPF_NEIGHBORS = "ospf-neighbors"  # list[OspfNeighbor]
    OSPF_PROCESS = "ospf-process"  # OspfProcessTimers: SPF and LSA timers
    OSPF_INTERFACES = "ospf-interfaces"  # list[OspfInterfaceTimers]
    OSPF_CONFIG = "ospf-config"  # OspfConfig, from the running configuration
    SAVED_CONFIG = "saved-config"  # OspfConfig, from the configuration files the router starts with
    NIC_CONFIG = "nic-config"  # NicConfig, per configuration file asked for
    IP_FORWARDING = "ip-forwarding"  # bool: the kernel's IPv4 forwarding switch
    CLUSTER_STATE = "cluster-state"  # ClpstatStatus

    @property
    def label(self) -> str:
        """The fact in an operator's words."""
        return _FACT_LABELS[self]


_FACT_LABELS = {
    Fact.NIC_STATE: "the NIC's state",
    Fact.ROUTES: "the routes",
    Fact.OSPF_NEIGHBORS: "the OSPF neighbours",
    Fact.OSPF_PROCESS: "the OSPF timers",
    Fact.OSPF_INTERFACES: "the OSPF interfaces",
    Fact.OSPF_CONFIG: "the running configuration",
    Fact.SAVED_CONFIG: "the saved configuration",
    Fact.NIC_CONFIG: "the NIC's configuration file",
    Fact.IP_FORWARDING: "IP forwarding",
    Fact.CLUSTER_STATE: "clpstat",
}


@dataclass(frozen=True)
class NotRead:
    """A fact that could not be read or parsed, and why, in an operator's words ("ospfd is not running")."""

    fact: Fact
    reason: str
    absent: bool = False  # what the fact describes is not there (a configuration file that does not exist)
    cause: Exception | None = field(default=None, compare=False, repr=False)  # the error behind it, for a task

    def __str__(self) -> str:
        return self.reason


class RouterState(TypedDict):
    """The facts one round trip read from a host (see tasks.router_state.read_router_state), each parsed once.

    NIC states and routes are always there (empty when not asked for); ``neighbors`` is None when not asked for;
    the other keys are there only when their fact was asked for.
    """

    nics: dict[str, NicState]  # NIC_STATE: nic -> its state
    routes: dict[str, list[Route]]  # ROUTES: prefix -> routes
    neighbors: list[OspfNeighbor] | NotRead | None  # OSPF_NEIGHBORS
    ospf_process: NotRequired[OspfProcessTimers | NotRead]
    ospf_interfaces: NotRequired[list[OspfInterfaceTimers] | NotRead]
    ospf_config: NotRequired[OspfConfig | NotRead]
    saved_config: NotRequired[OspfConfig | NotRead]  # NotRead, absent, when the router has no saved file
    ip_forwarding: NotRequired[bool | NotRead]
    nic_configs: NotRequired[dict[str, NicConfig | NotRead]]  # NIC_CONFIG: path -> the file's settings
