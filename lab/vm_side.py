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
from .topology import CLUSTER_NODES


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
    if customer.vlan is not None:  # the trunk the VM's NIC sits on tells its site: vm5@eth0 is at site A
        device = subprocess.run(
            ["ip", "-n", lab.topology.host(customer.vm).namespace, "-o", "link", "show", "dev", customer.vm_device],
            capture_output=True,
            check=False,
            text=True,
            timeout=10,
        ).stdout.split(":")
        parent = device[1].strip().partition("@")[2] if len(device) > 1 else ""
        sites = [node for node in CLUSTER_NODES if trunks.site_trunk(node) == parent]
        return sites[0] if sites else None
    shown = subprocess.run(
        ["ip", "-n", lab.topology.switch_namespace, "-o", "link", "show", "dev", customer.vm_port],
        capture_output=True,
        check=False,
        text=True,
        timeout=10,
    ).stdout.split()
    master = shown[shown.index("master") + 1] if "master" in shown else None
    for node in CLUSTER_NODES:
        if customer.bridge_for(node) == master:
            return node
    return None
