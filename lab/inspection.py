"""Looking at a running lab: convergence, which router each observer routes a VM network through, status."""

from __future__ import annotations

import subprocess
from typing import Any

from ospf_failover.errors import InputError, LabError
from ospf_failover.polling import wait_until

from . import convergence, namespaces
from .daemons import daemon_pid, host_daemons, sshd_listening
from .directory import Progress
from .hosts import LabHosts
from .topology import OBSERVERS
from .vm_side import vm_sites


def route_carriers(lab: LabHosts, observer: str) -> dict[str, list[str]]:
    """VM network -> the routers ``observer`` routes it through now (by OSPF; empty list: no route)."""
    output = lab.vtysh(observer, "show ip route ospf json")
    documents = convergence.split_json_documents(output)
    routes = documents[0] if documents else {}
    carriers: dict[str, list[str]] = {}
    for customer in lab.topology.customers:
        hops = convergence.route_next_hops(routes, customer.network)
        carriers[customer.network] = sorted(lab.topology.router_of_address(h) or h for h in hops)
    return carriers


def status(lab: LabHosts) -> dict[str, Any]:
    """Hosts with their daemons (PID when alive), and per FOG: cluster node, VM site, routers on gw1/gw2."""
    hosts: dict[str, Any] = {}
    for name, record in lab.state["hosts"].items():
        planned = lab.topology.host(name)
        anchor_alive = namespaces.pid_in_namespace(record["anchor"], record["namespace"])
        hosts[name] = {
            "role": record["role"],
            "namespace": record["namespace"],
            "mgmt_address": planned.mgmt_address,
            "uplink_address": planned.uplink_address,
            "anchor": record["anchor"] if anchor_alive else None,
            "daemons": {d: daemon_pid(lab, name, d) for d in host_daemons(lab, name)},
        }
    groups = lab.cluster.read()["groups"]
    carriers: dict[str, dict[str, list[str]] | str] = {}
    for observer in OBSERVERS:
        try:
            carriers[observer] = route_carriers(lab, observer)
        except (LabError, InputError) as exc:
            carriers[observer] = f"unknown: {exc}"
    fogs: dict[str, Any] = {}
    sites = vm_sites(lab)
    for customer in lab.topology.customers:
        fogs[customer.fog] = {
            "vm_network": customer.network,
            "cluster_node": groups.get(customer.fog),
            "vm_site": sites[customer.fog],
            "routers": list(customer.routers),
            "nic": customer.nic,
            "route_via": {
                observer: (found.get(customer.network, []) if isinstance(found, dict) else found)
                for observer, found in carriers.items()
            },
        }
    return {
        "directory": str(lab.directory),
        "customers": lab.state["customers"],
        "router_pairs": lab.topology.router_pairs,
        "timers": lab.state["timers"],
        "nic_style": lab.nic_style,
        "up_seconds": lab.state["up_seconds"],
        "hosts": hosts,
        "fogs": fogs,
        "clpstat": lab.cluster.read()["clpstat"],
    }


def expected_routes(lab: LabHosts) -> dict[str, str]:
    """VM network -> uplink address of the router that should carry it, from the cluster state: each FOG's own,
    so two FOGs of one router pair may be carried by its two routers."""
    groups = lab.cluster.read()["groups"]
    expected: dict[str, str] = {}
    for customer in lab.topology.customers:
        node = groups.get(customer.fog)
        if node is not None:
            router = lab.topology.host(customer.router_for(node))
            expected[customer.network] = str(router.uplink_address)
    return expected


def convergence_differences(lab: LabHosts) -> list[str]:
    """What still differs from a converged lab: sshd not listening, observers' adjacencies or routes."""
    found = [f"{name}: sshd not listening" for name in hosts_without_sshd(lab)]
    routes = expected_routes(lab)
    ospf_ids = {str(h.uplink_address) for h in lab.topology.hosts.values() if h.runs_frr}
    queries = {
        name: lab.popen(name, ["vtysh", *(a for q in convergence.OBSERVER_QUERY for a in ("-c", q))])
        for name in OBSERVERS
    }
    for name, process in queries.items():
        try:
            output, error = process.communicate(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.communicate()
            found.append(f"{name}: vtysh did not answer within 10 s")
            continue
        if process.returncode != 0 or not output.strip():
            found.append(f"{name}: vtysh failed ({error.strip() or output.strip()})")
            continue
        own = str(lab.topology.host(name).uplink_address)
        expectation = convergence.Expectation(full_neighbors=frozenset(ospf_ids - {own}), routes=routes)
        try:
            found += convergence.differences(name, output, expectation)
        except InputError as exc:
            found.append(f"{name}: {exc}")
    return found


def wait_converged(lab: LabHosts, *, timeout: float = 30.0, progress: Progress | None = None) -> float:
    """Wait until every observer is Full with every router and routes each VM network via the router of the
    node its FOG runs on (cluster state); return the seconds it took (ConvergenceTimeout with the last
    difference when that does not happen within ``timeout``)."""

    def check() -> tuple[bool, None, str]:
        found = convergence_differences(lab)
        return not found, None, "; ".join(found)

    return wait_until(check, what="lab convergence", timeout=timeout, interval=0.5, progress=progress).elapsed


def hosts_without_sshd(lab: LabHosts) -> list[str]:
    missing = []
    for host in lab.topology.hosts.values():
        if host.runs_sshd and not sshd_listening(lab, host.name):
            missing.append(host.name)
    return missing
