"""The lab's VM side by hand: a router's gateway NICs held or released, the VMs moved between the sites.

A router has one VM-side NIC per failover group its pair serves (eth1, eth2, ...); each function here acts on
the NIC of one group, or of every group the router serves where that is what "the router's NICs" means.
"""

from __future__ import annotations

import subprocess

from ospf_failover.errors import InputError
from ospf_failover.gateway import holds_gateway as judged_holding
from ospf_failover.parsers.iproute import address_command, link_command, parse_nic_state

from . import namespaces, trunks
from . import nic_style as styles_of_nics
from .hosts import LabHosts
from .topology import CLUSTER_NODES, Customer


def set_nic(lab: LabHosts, router: str, *, up: bool, fog: str | None = None) -> None:
    """Make ``router``'s NIC for ``fog`` hold that group's gateway (``up``) or release it, the router's own way;
    without ``fog``, every VM-side NIC of the router. Safe to repeat."""
    topology = lab.topology
    served = topology.customers_of_router(router) if fog is None else (topology.customer_of_router(router, fog),)
    style = lab.router_style(router)
    lines = [
        line
        for customer in served
        for line in styles_of_nics.set_nic_batch(style, up=up, gateway=customer.gateway, nic=customer.nic)
    ]
    namespaces.run_ip_batch(lines, namespace=topology.host(router).namespace)


def holds_gateway(lab: LabHosts, router: str, fog: str | None = None) -> bool:
    """Does ``router``'s NIC for ``fog`` (without it: for the router's only group) carry that group's gateway
    now? Read and judged as the tool does."""
    customer = lab.topology.customer_of_router(router, fog)
    link = lab.run(router, link_command(customer.nic).split())
    addresses = lab.run(router, address_command(customer.nic).split(), check=True)
    state = parse_nic_state(
        nic=customer.nic,
        link=link.stdout + link.stderr,
        link_status=link.returncode,
        addresses=addresses.stdout,
        gateway=customer.gateway,
    )
    return judged_holding(state, customer.gateway)


def move_vm(lab: LabHosts, fog: str, to_node: str) -> None:
    """Live-migrate ``fog``'s VM to ``to_node``'s site: its NIC's switch port changes bridge, the VM keeps its
    state (ARP cache included)."""
    customer = lab.topology.customer(fog)
    if to_node not in CLUSTER_NODES:
        raise InputError(f"no cluster node {to_node!r} (nodes: {', '.join(CLUSTER_NODES)})")
    if customer.vlan is not None:  # a VM on a hypervisor: it leaves one site's trunk for the other's
        if vm_site(lab, fog) != to_node:
            hypervisor = lab.topology.host(customer.vm).namespace
            namespaces.run_ip_batch(trunks.move_lines(customer, to_node), namespace=hypervisor)
        return
    namespaces.run_ip_batch(
        [f"link set dev {customer.vm_port} master {customer.bridge_for(to_node)}"],
        namespace=lab.topology.switch_namespace,
    )


def vm_site(lab: LabHosts, fog: str) -> str | None:
    """The node whose site ``fog``'s VM is attached to now (None if its port is in no site bridge)."""
    customer = lab.topology.customer(fog)
    namespace, device = _vm_nic(lab, customer)
    return _site(customer, _attachments(namespace, device).get(device))


def vm_sites(lab: LabHosts) -> dict[str, str | None]:
    """:func:`vm_site` of every FOG, with one read per namespace (the switch's, or each hypervisor's)."""
    read: dict[str, dict[str, str]] = {}
    sites: dict[str, str | None] = {}
    for customer in lab.topology.customers:
        namespace, device = _vm_nic(lab, customer)
        if namespace not in read:
            read[namespace] = _attachments(namespace)
        sites[customer.fog] = _site(customer, read[namespace].get(device))
    return sites


def _vm_nic(lab: LabHosts, customer: Customer) -> tuple[str, str]:
    """Where to look for the VM's NIC: the switch port of its own veth, or its subinterface on the hypervisor."""
    if customer.vlan is not None:
        return lab.topology.host(customer.vm).namespace, customer.vm_device
    return lab.topology.switch_namespace, customer.vm_port


def _attachments(namespace: str, device: str | None = None) -> dict[str, str]:
    argv = ["ip", "-n", namespace, "-o", "link", "show", *(("dev", device) if device else ())]
    return attachments(subprocess.run(argv, capture_output=True, check=False, text=True, timeout=30).stdout)


def attachments(shown: str) -> dict[str, str]:
    """Interface -> what it hangs on, from ``ip -o link show``: its bridge (``master c1-a``) or, a subinterface,
    its parent (``vm5@eth0``); a veth's ``@ifN`` when it is neither."""
    found: dict[str, str] = {}
    for line in shown.splitlines():
        fields = line.split(":", 2)
        if len(fields) < 3:
            continue
        name, _, parent = fields[1].strip().partition("@")
        words = fields[2].split()
        found[name] = words[words.index("master") + 1] if "master" in words else parent
    return found


def _site(customer: Customer, attached: str | None) -> str | None:
    """The node whose site ``attached`` (a bridge, or a hypervisor's trunk) belongs to, for ``customer``'s VM."""
    for node in CLUSTER_NODES:
        site = trunks.site_trunk(node) if customer.vlan is not None else customer.bridge_for(node)
        if attached == site:
            return node
    return None
