"""The trunk plan: many customers on few router pairs, as real sites carry them (computed, nothing touched).

Each router of pair p has one trunk NIC ``eth1`` and one subinterface of it per failover group of the pair:
customer number j of its pair is ``eth1.<100+j>`` on both routers (``eth1.101``, ``eth1.102``, ...); the mgmt NIC
is ``eth2``. The VMs of a pair are subinterfaces ``vm<k>`` of the pair's hypervisor ``hv<p>``, one namespace with
a trunk to each site: ``eth0`` in site A's bridge ``t<p>-a`` (beside vr(2p-1)'s trunk), ``eth1`` in site B's
``t<p>-b`` (beside vr(2p)'s). A VM moves by leaving one trunk for the other, its MAC and addresses kept.

The subinterfaces are macvlan devices named like 802.1Q ones (the kernels these labs run on have neither 802.1Q
nor VLAN-filtering bridges): the groups of a site share one Ethernet segment, each on its own IPv4 network, and
every host with subinterfaces answers ARP only on the interface holding the address asked for (``arp_ignore``), so
only the NIC of a group's gateway answers for it. To the tool each is what a VLAN subinterface is: a NIC named
``eth1.101`` (``ip link`` shows ``eth1.101@eth1``) whose link and address come and go on their own.

Addresses: customer k's VM network is 10.a.b.0/24 with a = (k-1) div 256, b = (k-1) mod 256 (10.0.(k-1).0/24 for
the first 256, as in the plan of separate NICs), gateway .254, VM .1; uplink and mgmt as for every lab (vr n at
.(120+n), so at most 64 pairs). A VM's default route lives in table 1000+k, chosen by its source address.
"""

from __future__ import annotations

from ospf_failover.errors import InputError

from .plan_model import (
    CLUSTER_NODES,
    MAX_CUSTOMERS,
    MAX_ROUTER_PAIRS,
    MAX_SUBINTERFACES,
    MAX_TRUNK_CUSTOMERS,
    OBSERVERS,
    PREFIX_LENGTH,
    Customer,
    Host,
    Subinterface,
    Topology,
    common_hosts,
    router_host,
    veth_link,
)

TRUNK_NIC = "eth1"  # a router's trunk; its mgmt NIC is the next one
MGMT_NIC = "eth2"
SITE_TRUNKS = ("eth0", "eth1")  # a hypervisor's trunk into site A's and site B's bridge, in CLUSTER_NODES order
FIRST_VLAN = 101
TABLE_BASE = 1000  # a VM's routing table is TABLE_BASE + k: clear of the kernel's own tables (253-255)


def vm_network_prefix(k: int) -> str:
    """The first three octets of customer k's VM network: 10.0.0 .. 10.0.255, then 10.1.0 ..."""
    return f"10.{(k - 1) // 256}.{(k - 1) % 256}"


def vm_mac(k: int) -> str:
    """Customer k's VM MAC, locally administered and fixed: the VM keeps it when it moves to the other site."""
    return f"02:0f:00:{(k >> 16) & 0xFF:02x}:{(k >> 8) & 0xFF:02x}:{k & 0xFF:02x}"


def per_pair(customers: int, router_pairs: int | None) -> int:
    """How many failover groups each pair's trunks carry; InputError (one line) for shapes the plan cannot hold."""
    if router_pairs is None:
        if customers > MAX_CUSTOMERS:
            raise InputError(
                f"customers must be between 1 and {MAX_CUSTOMERS} on router pairs of their own (vr n's address "
                f".(120+n) must stay below vr1's .251); got {customers}: give --router-pairs (at most "
                f"{MAX_ROUTER_PAIRS}), their trunks carry the groups"
            )
        router_pairs = customers
    if not 1 <= customers <= MAX_TRUNK_CUSTOMERS:
        raise InputError(
            f"customers must be between 1 and {MAX_TRUNK_CUSTOMERS} on trunks (VM networks 10.0.0.0/24 .. "
            f"10.15.159.0/24); got {customers}"
        )
    if not 1 <= router_pairs <= min(customers, MAX_ROUTER_PAIRS):
        raise InputError(
            f"router pairs must be between 1 and {min(customers, MAX_ROUTER_PAIRS)} (customers must be between 1 "
            f"and {MAX_CUSTOMERS} on pairs of their own; the address plan holds {MAX_ROUTER_PAIRS} pairs, vr n at "
            f".(120+n)); got {router_pairs}"
        )
    if customers % router_pairs:
        raise InputError(
            f"router pairs must divide the customers: {customers} customers cannot be shared out evenly on "
            f"{router_pairs} pairs"
        )
    fogs = customers // router_pairs
    if fogs > MAX_SUBINTERFACES:
        least = -(-customers // MAX_SUBINTERFACES)
        raise InputError(
            f"{customers} customers on {router_pairs} router pair(s) need {fogs} subinterfaces per trunk; the "
            f"plan allows at most {MAX_SUBINTERFACES} (eth1.{FIRST_VLAN}..eth1.{FIRST_VLAN + MAX_SUBINTERFACES - 1}):"
            f" give at least {least} router pairs (a divisor of {customers})"
        )
    return fogs


def plan(customers: int, *, router_pairs: int | None, prefix: str) -> Topology:
    """The trunk plan of ``customers`` on ``router_pairs`` pairs (see the module's docstring)."""
    fogs = per_pair(customers, router_pairs)
    pairs = customers // fogs
    hosts, bridges = common_hosts(prefix)
    planned: list[Customer] = []
    for pair in range(1, pairs + 1):
        site_bridges = (f"t{pair}-a", f"t{pair}-b")
        bridges.extend(site_bridges)
        numbers = (2 * pair - 1, 2 * pair)
        routers = (f"vr{numbers[0]}", f"vr{numbers[1]}")
        hypervisor = f"hv{pair}"
        gateway_nics: dict[str, list[Subinterface]] = {router: [] for router in routers}
        vms: list[Subinterface] = []
        for j in range(1, fogs + 1):
            k = (pair - 1) * fogs + j
            network = vm_network_prefix(k)
            gateway = f"{network}.254"
            nic = f"{TRUNK_NIC}.{FIRST_VLAN + j - 1}"
            for site, router in enumerate(routers):
                # At start every customer is active on node-a: the site A router carries the gateway.
                held = Subinterface(nic, TRUNK_NIC, f"{gateway}/{PREFIX_LENGTH}", up=site == 0, vm_side=True)
                gateway_nics[router].append(held)
            vm = Subinterface(
                f"vm{k}",
                SITE_TRUNKS[0],
                f"{network}.1/{PREFIX_LENGTH}",
                mac=vm_mac(k),
                table=TABLE_BASE + k,
                gateway=gateway,
            )
            vms.append(vm)
            planned.append(
                Customer(
                    index=k,
                    fog=f"customer{k}",
                    vm=hypervisor,
                    network=f"{network}.0/{PREFIX_LENGTH}",
                    gateway=gateway,
                    vm_address=f"{network}.1",
                    routers=routers,
                    site_bridges=site_bridges,
                    vm_port=vm.ifname,
                    nic=nic,
                    pair=pair,
                    vlan=FIRST_VLAN + j - 1,
                    vm_device=vm.ifname,
                )
            )
        for n, router, observer, bridge in zip(numbers, routers, OBSERVERS, site_bridges, strict=True):
            trunk = veth_link(router, TRUNK_NIC, bridge, None)
            host = router_host(n, (trunk,), MGMT_NIC, hosts[observer], prefix, subinterfaces=(*gateway_nics[router],))
            hosts[host.name] = host
        hosts[hypervisor] = Host(
            name=hypervisor,
            role="hypervisor",
            namespace=prefix + hypervisor,
            links=tuple(veth_link(hypervisor, t, b, None) for t, b in zip(SITE_TRUNKS, site_bridges, strict=True)),
            subinterfaces=tuple(vms),
        )
    return Topology(
        prefix=prefix,
        customers=tuple(planned),
        hosts=hosts,
        bridges=tuple(bridges),
        router_pairs=pairs,
        trunks=True,
    )


def site_trunk(node: str) -> str:
    """The hypervisor's trunk into ``node``'s site."""
    return SITE_TRUNKS[CLUSTER_NODES.index(node)]


def move_lines(customer: Customer, to_node: str) -> list[str]:
    """``ip -batch`` lines (run in the hypervisor) that move ``customer``'s VM onto ``to_node``'s site trunk: the
    same MAC, address and default route, on the other trunk."""
    assert customer.vlan is not None, "only a VM of the trunk plan moves between trunks"
    table = TABLE_BASE + customer.index
    device = customer.vm_device
    return [
        f"link del dev {device}",
        f"link add link {site_trunk(to_node)} name {device} address {vm_mac(customer.index)} type macvlan mode bridge",
        f"addr add {customer.vm_address}/{PREFIX_LENGTH} dev {device}",
        f"link set dev {device} up",
        f"route replace default via {customer.gateway} dev {device} table {table}",
    ]
