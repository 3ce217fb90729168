"""The lab's plan: hosts, namespaces, links, bridges and addresses, computed without touching the system.

Everything else in the lab (namespace creation, FRR and sshd configuration, the inventory) is derived from the
:class:`Topology` returned by :func:`plan`, so the address plan lives in one place and can be tested without root.

The address plan is in docs/lab.md. By default each customer k has a router pair of its own (vr(2k-1), vr(2k));
with ``router_pairs`` M, pair p serves F = N/M customers, customer j of the pair on the routers' eth<j> (mgmt on
eth<F+1>). Beyond 64 customers, or with ``vlans``, :mod:`ospf_failover_lab.trunks` plans the lab instead: one trunk
NIC per router and one subinterface of it per failover group (eth1.101, ...).
"""

from __future__ import annotations

from ospf_failover.errors import InputError

from . import trunks
from .plan_model import (
    CLIENTS,
    CLUSTER_NODES,
    GATEWAY_PRIORITY,
    MAX_CUSTOMERS,
    MAX_ROUTER_PAIRS,
    MAX_SUBINTERFACES,
    MAX_TRUNK_CUSTOMERS,
    MAX_VM_NICS,
    MGMT_BRIDGE,
    MGMT_PREFIX,
    NAMESPACE_PREFIX,
    OBSERVERS,
    PREFIX_LENGTH,
    ROUTER_PRIORITY,
    SWITCH,
    UPLINK_BRIDGE,
    UPLINK_PREFIX,
    VM_NIC,
    Customer,
    Host,
    Link,
    Role,
    Subinterface,
    Topology,
    common_hosts,
    host_address,
    router_host,
    router_octet,
    veth_link,
)

__all__ = [
    "CLIENTS",
    "CLUSTER_NODES",
    "GATEWAY_PRIORITY",
    "MAX_CUSTOMERS",
    "MAX_ROUTER_PAIRS",
    "MAX_SUBINTERFACES",
    "MAX_TRUNK_CUSTOMERS",
    "MAX_VM_NICS",
    "MGMT_BRIDGE",
    "MGMT_PREFIX",
    "NAMESPACE_PREFIX",
    "OBSERVERS",
    "PREFIX_LENGTH",
    "ROUTER_PRIORITY",
    "SWITCH",
    "UPLINK_BRIDGE",
    "UPLINK_PREFIX",
    "VM_NIC",
    "Customer",
    "Host",
    "Link",
    "Role",
    "Subinterface",
    "Topology",
    "common_hosts",
    "fogs_per_pair",
    "host_address",
    "plan",
    "router_host",
    "router_octet",
    "veth_link",
]


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
            f"plan allows at most {MAX_VM_NICS} (eth1..eth{MAX_VM_NICS}): give at least {least} router pairs, "
            "or --vlans (subinterfaces of one trunk NIC)"
        )
    return per_pair


def plan(
    customers: int = 1,
    *,
    router_pairs: int | None = None,
    prefix: str = NAMESPACE_PREFIX,
    vlans: bool = False,
) -> Topology:
    """The lab for ``customers`` customers in namespaces named ``prefix`` + host name.

    ``router_pairs``: how many router pairs share the customers' failover groups (a divisor of ``customers``,
    each pair serving at most ``MAX_VM_NICS``); None: one pair per customer. Up to 64 customers each group has
    NICs of its own; beyond, or with ``vlans``, the trunk plan (:mod:`ospf_failover_lab.trunks`).
    """
    if not prefix.startswith(NAMESPACE_PREFIX):
        raise InputError(f"the lab's namespace prefix must start with {NAMESPACE_PREFIX!r}; got {prefix!r}")
    if vlans or customers > MAX_CUSTOMERS:  # the trunk plan: beyond 64 customers always, else when asked
        return trunks.plan(customers, router_pairs=router_pairs, prefix=prefix)
    per_pair = fogs_per_pair(customers, router_pairs)
    hosts, bridges = common_hosts(prefix)

    def add(host: Host) -> None:
        hosts[host.name] = host

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
            gateway_nic = veth_link(router, nic, site_bridge, f"{gateway}/{PREFIX_LENGTH}", up=n % 2 == 1, vm_side=True)
            vm_links.setdefault(router, []).append(gateway_nic)
        vm = f"vm{k}"
        vm_link = veth_link(vm, "eth0", site_bridges[0], f"{network_prefix}.1/{PREFIX_LENGTH}")
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
                add(router_host(n, (*vm_links[f"vr{n}"],), f"eth{per_pair + 1}", hosts[observer], prefix))
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
