"""The check's plan, pure: per failover group who is read for which facts, merged per host over every group it
serves.

Each host is read once per run, in one round trip: a router the state of its NICs and its routes to the VM
networks of every group it carries, its OSPF neighbours, configuration and timers, its forwarding switch and NIC
configuration files; an observer its routes to the VM networks and its OSPF neighbours and timers. Cluster nodes
are asked for the cluster's state (clpstat) once per cluster (the nodes a set of pairings joins).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property

from ospf_failover.inventory import Fleet, Fog
from ospf_failover.models import Fact
from ospf_failover.tasks.router_state import NicProbe, Reads, merge_reads

# Each comes back as its shape or NotRead: a router without OSPF still tells its NIC, routes and forwarding.
ROUTER_FACTS = (
    Fact.OSPF_NEIGHBORS,
    Fact.OSPF_CONFIG,
    Fact.OSPF_PROCESS,
    Fact.OSPF_INTERFACES,
    Fact.IP_FORWARDING,
    Fact.SAVED_CONFIG,
)
OBSERVER_FACTS = (Fact.OSPF_NEIGHBORS, Fact.OSPF_PROCESS, Fact.OSPF_INTERFACES)


@dataclass(frozen=True)
class FogPlan:
    """One failover group's share of a check."""

    fog: Fog
    nics: Mapping[str, str]  # router -> its NIC for this group
    next_hops: Mapping[str, str]  # router -> the address others route the VM network via when it holds it
    nic_files: Mapping[str, str]  # router -> the path of its NIC's configuration file, where it has one
    budget: float = 10.0  # seconds the VM network may stay unreachable or half-routed in a failover

    @property
    def name(self) -> str:
        return self.fog.name

    @property
    def prefix(self) -> str:
        return str(self.fog.vm_network)

    @property
    def gateway(self) -> str:
        return str(self.fog.vm_gateway)

    def reads(self) -> dict[str, Reads]:
        reads = {}
        for router in self.fog.routers:
            reads[router] = Reads(
                nics=(NicProbe(self.nics[router], self.gateway),),
                prefixes=(self.prefix,),
                facts=ROUTER_FACTS,
                nic_files=(self.nic_files[router],) if router in self.nic_files else (),
            )
        for observer in self.fog.observers:
            reads[observer] = Reads(prefixes=(self.prefix,), facts=OBSERVER_FACTS)
        return reads


@dataclass(frozen=True)
class CheckPlan:
    fogs: tuple[FogPlan, ...]
    clusters: tuple[tuple[str, ...], ...]  # cluster nodes that share groups: clpstat is read once per cluster

    def host_reads(self) -> dict[str, Reads]:
        """Every router's and observer's one round trip, for all the groups it serves."""
        return self._host_reads

    @cached_property
    def _host_reads(self) -> dict[str, Reads]:
        return merge_reads(*(fog.reads() for fog in self.fogs))

    def cluster_of(self, node: str) -> tuple[str, ...]:
        return self._cluster_by_node[node]

    @cached_property
    def _cluster_by_node(self) -> dict[str, tuple[str, ...]]:
        return {node: cluster for cluster in self.clusters for node in cluster}


def plan_fog(fleet: Fleet, fog: Fog) -> FogPlan:
    nics = {router: fog.nic_for(router) for router in fog.routers}
    files = {}
    for router in fog.routers:
        template = fleet.hosts[router].nic_config_file
        if template:
            files[router] = template.format(nic=nics[router])
    return FogPlan(
        fog=fog,
        nics=nics,
        next_hops={router: fleet.hosts[router].next_hop for router in fog.routers},
        nic_files=files,
        budget=fog.convergence_budget if fog.convergence_budget is not None else fleet.convergence_budget,
    )


def clusters_of(fogs: Sequence[Fog]) -> tuple[tuple[str, ...], ...]:
    """Cluster nodes joined by the groups they share (a group runs on the nodes of one cluster)."""
    parent: dict[str, str] = {}  # union-find over the nodes: linear in the groups, however many
    touched: dict[str, int] = {}  # a cluster's root -> the last group that joined it (clusters come in that order)

    def root(node: str) -> str:
        while parent[node] != node:
            parent[node] = parent[parent[node]]
            node = parent[node]
        return node

    for number, fog in enumerate(fogs):
        for node in fog.nodes:
            parent.setdefault(node, node)
        if not fog.nodes:
            continue
        first = root(fog.nodes[0])
        for node in fog.nodes[1:]:
            other = root(node)
            if other != first:
                parent[other] = first
        touched[first] = number
    clusters: dict[str, list[str]] = {}
    for node in parent:  # in the order the nodes first appear
        clusters.setdefault(root(node), []).append(node)
    return tuple(tuple(clusters[top]) for top in sorted(clusters, key=touched.__getitem__))


def plan_check(fleet: Fleet, names: Sequence[str]) -> CheckPlan:
    """The plan over ``names`` (every failover group of the inventory when empty), in the inventory's order."""
    fogs = [fleet.fog(name) for name in dict.fromkeys(names)] if names else list(fleet.fogs.values())
    return CheckPlan(fogs=tuple(plan_fog(fleet, fog) for fog in fogs), clusters=clusters_of(fogs))


def fog_hosts(plan: FogPlan) -> Mapping[str, str]:
    """Each host of the group with its role in it."""
    roles = {router: "router" for router in plan.fog.routers}
    roles |= {observer: "observer" for observer in plan.fog.observers}
    roles |= {node: "cluster_node" for node in plan.fog.nodes}
    return roles


def node_name(fleet: Fleet) -> Callable[[str], str | None]:
    """The inventory name of the cluster node clpstat calls ``server`` (None: no such node)."""

    found: dict[str, str | None] = {}  # each server looked up once per run, however many groups name it

    def node_of(server: str) -> str | None:
        if server not in found:
            node = fleet.node_by_ecx_server(server)
            found[server] = node.name if node is not None else None
        return found[server]

    return node_of
