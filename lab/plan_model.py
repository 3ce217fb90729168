"""The lab plan's parts: its constants, the types of a plan (links, subinterfaces, hosts, customers, the topology)
and the hosts every shape of lab has. :mod:`ospf_failover_lab.topology` (separate NICs) and
:mod:`ospf_failover_lab.trunks` (trunk subinterfaces) build their plans from them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from ospf_failover.errors import InputError

NAMESPACE_PREFIX = "ofl-"
MAX_CUSTOMERS = 64  # vr(2k) must stay below .251 on the uplink: 120 + 2 * 64 = 248
SWITCH = "sw"  # the host name of the namespace that holds every bridge
UPLINK_BRIDGE = "uplink"
MGMT_BRIDGE = "mgmt"
UPLINK_PREFIX = "192.168.76"
MGMT_PREFIX = "192.168.75"
PREFIX_LENGTH = 24
CLUSTER_NODES = ("node-a", "node-b")  # in ECX priority order: node-a is every FOG's primary server
OBSERVERS = ("gw1", "gw2")
CLIENTS = ("client-a", "client-b")
VM_NIC = "eth1"  # the routers' VM-side NIC of the first (or only) failover group of their pair
# A router has eth0 (uplink), one VM-side NIC per failover group of its pair and its mgmt NIC: at most 10 NICs,
# as a vSphere VM, leaves 8 VM-side NICs (eth1..eth8, mgmt on eth9).
MAX_VM_NICS = 8
GATEWAY_PRIORITY = {"gw1": 255, "gw2": 254}  # gw1 is the DR, gw2 the BDR of the uplink
ROUTER_PRIORITY = 0  # vr routers never become DR/BDR: with 100 of them an election would churn

# The trunk plan (ospf_failover_lab.trunks): more customers, sharing router pairs on subinterfaces of a trunk NIC.
MAX_TRUNK_CUSTOMERS = 4000  # VM networks 10.0.0.0/24 .. 10.15.159.0/24
MAX_ROUTER_PAIRS = 64  # vr128 is .248 on the uplink, below vr1's .251
MAX_SUBINTERFACES = 1000  # per trunk: eth1.101 .. eth1.1100

Role = Literal["router", "observer", "node", "client", "vm", "hypervisor"]


@dataclass(frozen=True)
class Link:
    """One veth pair: ``ifname`` inside the host, ``switch_port`` in the switch namespace's ``bridge``."""

    host: str
    ifname: str
    switch_port: str
    bridge: str
    address: str | None  # with prefix length, e.g. "192.168.76.251/24"; None: no address
    up: bool = True  # a router's VM-side NIC starts down on the standby router
    vm_side: bool = False  # a router's NIC carrying a failover group's gateway


@dataclass(frozen=True)
class Subinterface:
    """A subinterface ``ifname`` of the trunk ``parent``: a router's gateway NIC (``eth1.101``) or a VM on a
    hypervisor (fixed ``mac``; its default route via ``gateway`` in ``table``, chosen by source address)."""

    ifname: str
    parent: str
    address: str | None  # with prefix length
    up: bool = True
    vm_side: bool = False
    mac: str | None = None
    table: int | None = None
    gateway: str | None = None


@dataclass(frozen=True)
class Host:
    """One lab host: its own network, mount and UTS namespaces."""

    name: str
    role: Role
    namespace: str
    links: tuple[Link, ...]
    default_gateway: str | None = None
    mgmt_address: str | None = None  # what SSH connects to; the inventory's `hostname`
    uplink_address: str | None = None  # the OSPF address (router id) of a router or observer
    ospf_priority: int | None = None  # None: no OSPF on this host
    forwarding: bool = False
    subinterfaces: tuple[Subinterface, ...] = ()  # created after the links, on one of them

    @property
    def runs_frr(self) -> bool:
        return self.role in ("router", "observer")

    @property
    def runs_sshd(self) -> bool:
        return self.role in ("router", "observer", "node")


@dataclass(frozen=True)
class Customer:
    """Customer k: its failover group, VM, VM network and router pair (odd router at site A, on node-a), and
    the NIC of that pair's routers which carries its gateway."""

    index: int
    fog: str
    vm: str
    network: str
    gateway: str
    vm_address: str
    routers: tuple[str, str]  # (site A router, site B router), paired with CLUSTER_NODES in that order
    site_bridges: tuple[str, str]
    vm_port: str  # the VM NIC's switch-side veth end, re-mastered into the other site's bridge on a move
    nic: str  # the gateway's NIC on both routers of the pair (eth1 when the pair is the customer's own)
    pair: int  # the router pair's number: its routers are vr(2p-1) (site A) and vr(2p) (site B)
    vlan: int | None = None  # trunk plan: the subinterface number (eth1.<vlan>); None: a NIC of its own
    vm_device: str = "eth0"  # the VM's NIC inside host ``vm`` (trunk plan: vm<k> on the pair's hypervisor)

    def router_for(self, node: str) -> str:
        """The router on ``node``'s side."""
        return self.routers[CLUSTER_NODES.index(node)]

    def bridge_for(self, node: str) -> str:
        """The VM-side bridge of ``node``'s site."""
        return self.site_bridges[CLUSTER_NODES.index(node)]


@dataclass(frozen=True)
class Topology:
    """The whole lab plan."""

    prefix: str
    customers: tuple[Customer, ...]
    hosts: dict[str, Host] = field(default_factory=dict)
    bridges: tuple[str, ...] = ()
    router_pairs: int = 0  # how many router pairs serve the customers (plan() sets it)
    trunks: bool = False  # the trunk plan: gateway NICs are subinterfaces of one trunk NIC per router

    @property
    def shares_pairs(self) -> bool:
        """Does a router pair serve more than one failover group?"""
        return 0 < self.router_pairs < len(self.customers)

    @property
    def switch_namespace(self) -> str:
        return self.prefix + SWITCH

    @property
    def namespaces(self) -> list[str]:
        """Every namespace of the lab, the switch first."""
        return [self.switch_namespace, *(host.namespace for host in self.hosts.values())]

    def host(self, name: str) -> Host:
        try:
            return self.hosts[name]
        except KeyError:
            known = ", ".join(self.hosts)
            raise InputError(f"no lab host {name!r} (hosts: {known})") from None

    def customer(self, fog: str) -> Customer:
        for customer in self.customers:
            if customer.fog == fog:
                return customer
        known = ", ".join(c.fog for c in self.customers)
        raise InputError(f"no failover group {fog!r} in the lab (groups: {known})")

    def customers_of_router(self, router: str) -> tuple[Customer, ...]:
        """The customers whose failover groups ``router`` serves, in order (one per VM-side NIC)."""
        served = tuple(customer for customer in self.customers if router in customer.routers)
        if not served:
            known = ", ".join(h.name for h in self.by_role("router"))
            raise InputError(f"no lab router {router!r} (routers: {known})")
        return served

    def customer_of_router(self, router: str, fog: str | None = None) -> Customer:
        """The customer ``fog`` of ``router``; without ``fog``, the router's only one (InputError if it serves more)."""
        served = self.customers_of_router(router)
        if fog is None:
            if len(served) > 1:
                raise InputError(
                    f"{router} serves {', '.join(c.fog for c in served)}: name the failover group (fog=...)"
                )
            return served[0]
        for customer in served:
            if customer.fog == fog:
                return customer
        self.customer(fog)  # an unknown FOG is named as such
        raise InputError(f"{router} does not serve {fog} (it serves {', '.join(c.fog for c in served)})")

    def by_role(self, role: Role) -> list[Host]:
        return [host for host in self.hosts.values() if host.role == role]

    def router_of_address(self, uplink_address: str) -> str | None:
        """The router or observer whose uplink address this is (a route's next hop), or None."""
        for host in self.hosts.values():
            if host.uplink_address == uplink_address:
                return host.name
        return None


def router_octet(n: int) -> int:
    """Last octet of router vr{n} on the uplink and mgmt segments (vr1 .251 and vr2 .252 as in the original how-to)."""
    if n == 1:
        return 251
    if n == 2:
        return 252
    return 120 + n


def veth_link(
    host: str, ifname: str, bridge: str, address: str | None, *, up: bool = True, vm_side: bool = False
) -> Link:
    # Interface names are limited to 15 characters: "client-a-eth0" and "vr128-eth2" fit.
    return Link(
        host=host, ifname=ifname, switch_port=f"{host}-{ifname}", bridge=bridge, address=address, up=up, vm_side=vm_side
    )


def host_address(prefix: str, octet: int) -> str:
    return f"{prefix}.{octet}/{PREFIX_LENGTH}"


def common_hosts(prefix: str) -> tuple[dict[str, Host], list[str]]:
    """The hosts every lab has (observers, clients, cluster nodes) and the uplink and mgmt bridges."""
    hosts: dict[str, Host] = {}
    bridges: list[str] = [UPLINK_BRIDGE, MGMT_BRIDGE]

    def add(host: Host) -> None:
        hosts[host.name] = host

    for index, name in enumerate(OBSERVERS, start=1):
        add(
            Host(
                name=name,
                role="observer",
                namespace=prefix + name,
                links=(
                    veth_link(name, "eth0", UPLINK_BRIDGE, host_address(UPLINK_PREFIX, index)),
                    veth_link(name, "eth1", MGMT_BRIDGE, host_address(MGMT_PREFIX, index)),
                ),
                mgmt_address=f"{MGMT_PREFIX}.{index}",
                uplink_address=f"{UPLINK_PREFIX}.{index}",
                ospf_priority=GATEWAY_PRIORITY[name],
                forwarding=True,
            )
        )
    for name, octet, gateway in (("client-a", 101, "192.168.76.1"), ("client-b", 102, "192.168.76.2")):
        add(
            Host(
                name=name,
                role="client",
                namespace=prefix + name,
                links=(veth_link(name, "eth0", UPLINK_BRIDGE, host_address(UPLINK_PREFIX, octet)),),
                default_gateway=gateway,
            )
        )
    for name, octet in zip(CLUSTER_NODES, (21, 31), strict=True):
        add(
            Host(
                name=name,
                role="node",
                namespace=prefix + name,
                links=(veth_link(name, "eth0", MGMT_BRIDGE, host_address(MGMT_PREFIX, octet)),),
                mgmt_address=f"{MGMT_PREFIX}.{octet}",
            )
        )
    return hosts, bridges


def router_host(
    n: int,
    vm_links: tuple[Link, ...],
    mgmt: str,
    observer: Host,
    prefix: str,
    *,
    subinterfaces: tuple[Subinterface, ...] = (),
) -> Host:
    """Router vr{n}: eth0 on the uplink, its VM-side NICs (one per failover group of its pair, or one trunk), its
    mgmt NIC ``mgmt`` last."""
    name, octet = f"vr{n}", router_octet(n)
    return Host(
        name=name,
        role="router",
        namespace=prefix + name,
        links=(
            veth_link(name, "eth0", UPLINK_BRIDGE, host_address(UPLINK_PREFIX, octet)),
            *vm_links,
            veth_link(name, mgmt, MGMT_BRIDGE, host_address(MGMT_PREFIX, octet)),
        ),
        default_gateway=observer.uplink_address,
        mgmt_address=f"{MGMT_PREFIX}.{octet}",
        uplink_address=f"{UPLINK_PREFIX}.{octet}",
        ospf_priority=ROUTER_PRIORITY,
        forwarding=True,
        subinterfaces=subinterfaces,
    )
