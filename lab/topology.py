"""The lab's plan: hosts, namespaces, links, bridges and addresses, computed without touching the system.

Everything else in the lab (namespace creation, FRR and sshd configuration, the inventory) is derived from the
:class:`Topology` returned by :func:`plan`, so the address plan lives in one place and can be tested without root.

Address plan (see docs/lab.md for why there are two 192.168.7x segments):

- uplink 192.168.76.0/24, OSPF area 0: gw1 .1, gw2 .2, client-a .101, client-b .102, vr1 .251, vr2 .252,
  vr n (n >= 3) .(120 + n).
- mgmt 192.168.75.0/24, no OSPF, where SSH runs: node-a .21, node-b .31, gw1 .1, gw2 .2, routers as on uplink.
- VM side of customer k: 10.0.(k-1).0/24; the VM is .1, the gateway (its NIC on each router of its pair) .254.
  Site A of customer k is one bridge holding that NIC of the pair's site A router, site B another for site B.

Router pairs: by default every customer has a pair of its own (vr(2k-1), vr(2k)). With ``router_pairs`` M (a
divisor of the customers N), pair p (vr(2p-1), vr(2p)) serves the F = N/M consecutive customers (p-1)F+1 .. pF,
customer number j of its pair on the routers' eth<j>; the routers' mgmt NIC is then eth<F+1> (eth2 when F = 1).
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

Role = Literal["router", "observer", "node", "client", "vm"]


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


def _link(host: str, ifname: str, bridge: str, address: str | None, *, up: bool = True, vm_side: bool = False) -> Link:
    # Interface names are limited to 15 characters: "client-a-eth0" and "vr128-eth2" fit.
    return Link(
        host=host, ifname=ifname, switch_port=f"{host}-{ifname}", bridge=bridge, address=address, up=up, vm_side=vm_side
    )


def _address(prefix: str, octet: int) -> str:
    return f"{prefix}.{octet}/{PREFIX_LENGTH}"


def fogs_per_pair(customers: int, router_pairs: int | None = None) -> int:
    """How many failover groups each router pair serves (its routers' VM-side NICs); InputError when the
    customers cannot be shared out that way."""
    if not 1 <= customers <= MAX_CUSTOMERS:
        raise InputError(
            f"customers must be between 1 and {MAX_CUSTOMERS} (the uplink address plan gives vr n the address "
            f".(120+n), which must stay below vr1's .251); got {customers}"
        )
    pairs = customers if router_pairs is None else router_pairs
    if not 1 <= pairs <= customers:
        raise InputError(f"router pairs must be between 1 and the customers ({customers}); got {pairs}")
    if customers % pairs:
        divisors = ", ".join(str(d) for d in range(1, customers + 1) if customers % d == 0)
        raise InputError(
            f"router pairs must divide the customers: {customers} customers cannot be shared out evenly on "
            f"{pairs} pairs (give one of {divisors})"
        )
    per_pair = customers // pairs
    if per_pair > MAX_VM_NICS:
        fewest = -(-customers // MAX_VM_NICS)
        least = next(d for d in range(fewest, customers + 1) if customers % d == 0)
        raise InputError(
            f"{customers} customers on {pairs} router pair(s) need {per_pair} VM-side NICs per router; the address "
            f"plan allows at most {MAX_VM_NICS} (eth1..eth{MAX_VM_NICS}): give at least {least} router pairs"
        )
    return per_pair


def mgmt_nic(per_pair: int) -> str:
    """The routers' mgmt NIC: the one after their VM-side NICs eth1..eth<per_pair>."""
    return f"eth{per_pair + 1}"


def plan(customers: int = 1, *, router_pairs: int | None = None, prefix: str = NAMESPACE_PREFIX) -> Topology:
    """The lab for ``customers`` customers (1..64) in namespaces named ``prefix`` + host name.

    ``router_pairs``: how many router pairs share the customers' failover groups (a divisor of ``customers``,
    each pair serving at most ``MAX_VM_NICS``); None: one pair per customer.
    """
    per_pair = fogs_per_pair(customers, router_pairs)
    if not prefix.startswith(NAMESPACE_PREFIX):
        raise InputError(f"the lab's namespace prefix must start with {NAMESPACE_PREFIX!r}; got {prefix!r}")
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
                    _link(name, "eth0", UPLINK_BRIDGE, _address(UPLINK_PREFIX, index)),
                    _link(name, "eth1", MGMT_BRIDGE, _address(MGMT_PREFIX, index)),
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
                links=(_link(name, "eth0", UPLINK_BRIDGE, _address(UPLINK_PREFIX, octet)),),
                default_gateway=gateway,
            )
        )
    for name, octet in zip(CLUSTER_NODES, (21, 31), strict=True):
        add(
            Host(
                name=name,
                role="node",
                namespace=prefix + name,
                links=(_link(name, "eth0", MGMT_BRIDGE, _address(MGMT_PREFIX, octet)),),
                mgmt_address=f"{MGMT_PREFIX}.{octet}",
            )
        )
    planned: list[Customer] = []
    pairs = customers // per_pair
    vm_links: dict[str, list[Link]] = {}  # router -> its VM-side NICs
    vms: list[Host] = []  # the VMs of the pair being planned
    for k in range(1, customers + 1):
        network_prefix = f"10.0.{k - 1}"
        gateway = f"{network_prefix}.254"
        site_bridges = (f"c{k}-a", f"c{k}-b")
        bridges.extend(site_bridges)
        pair = (k - 1) // per_pair + 1
        nic = f"eth{(k - 1) % per_pair + 1}"
        routers = (f"vr{2 * pair - 1}", f"vr{2 * pair}")
        for n, router, site_bridge in zip((2 * pair - 1, 2 * pair), routers, site_bridges, strict=True):
            # At start every customer is active on node-a: the site A router carries the gateway.
            link = _link(router, nic, site_bridge, f"{gateway}/{PREFIX_LENGTH}", up=n % 2 == 1, vm_side=True)
            vm_links.setdefault(router, []).append(link)
        vm = f"vm{k}"
        vm_link = _link(vm, "eth0", site_bridges[0], f"{network_prefix}.1/{PREFIX_LENGTH}")
        vms.append(Host(name=vm, role="vm", namespace=prefix + vm, links=(vm_link,), default_gateway=gateway))
        planned.append(
            Customer(
                index=k,
                fog=f"customer{k}",
                vm=vm,
                network=f"{network_prefix}.0/{PREFIX_LENGTH}",
                gateway=gateway,
                vm_address=f"{network_prefix}.1",
                routers=routers,
                site_bridges=site_bridges,
                vm_port=vm_link.switch_port,
                nic=nic,
                pair=pair,
            )
        )
        if k % per_pair == 0:  # the pair's last customer: its routers, then the VMs of the pair
            for n, observer in zip((2 * pair - 1, 2 * pair), OBSERVERS, strict=True):
                add(_router(n, vm_links[f"vr{n}"], per_pair, hosts[observer], prefix))
            for host in vms:
                add(host)
            vms.clear()
    return Topology(
        prefix=prefix,
        customers=tuple(planned),
        hosts=hosts,
        bridges=tuple(bridges),
        router_pairs=pairs,
    )


def _router(n: int, vm_links: list[Link], per_pair: int, observer: Host, prefix: str) -> Host:
    """Router vr{n}: eth0 on the uplink, its VM-side NICs (one per failover group of its pair), mgmt last."""
    name, octet = f"vr{n}", router_octet(n)
    return Host(
        name=name,
        role="router",
        namespace=prefix + name,
        links=(
            _link(name, "eth0", UPLINK_BRIDGE, _address(UPLINK_PREFIX, octet)),
            *vm_links,
            _link(name, mgmt_nic(per_pair), MGMT_BRIDGE, _address(MGMT_PREFIX, octet)),
        ),
        default_gateway=observer.uplink_address,
        mgmt_address=f"{MGMT_PREFIX}.{octet}",
        uplink_address=f"{UPLINK_PREFIX}.{octet}",
        ospf_priority=ROUTER_PRIORITY,
        forwarding=True,
    )
