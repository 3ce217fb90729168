"""What the check's judges read and what they give, pure: one failover group as a run saw it (``FogSeen``), a
judge's word on one host (``Judgement``), and a named check's ``Finding``, which becomes a row.

Causes come before symptoms: a fault found at its root (a host not read, a host without OSPF, two routers
holding the gateway, a ``vm_gateway`` that no router carries) is named once, as a cause line; every judgement
that is wrong because of it points to that line (``cause``) instead of telling the fault again in its own way.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property

from ospf_failover.engine import Outcome
from ospf_failover.errors import InputError
from ospf_failover.models import Fact, NotRead
from ospf_failover.parsers.ospf_config import OspfConfig

from .observe import Observed, is_busy
from .plan import FogPlan


@dataclass(frozen=True)
class Judgement:
    """What a judge says of one host, or of the whole group (``host`` None); ``cause``: the cause line it is
    wrong because of (None: it is a fault of its own, or right)."""

    host: str | None
    outcome: Outcome
    detail: str
    cause: str | None = None


@dataclass(frozen=True)
class Finding:
    """One named check's outcome for one host or the group: a row of the run, an entry of ``check --json``.
    ``cause``: the group's cause line this finding is wrong because of (its own, when it is the root); None
    when it passes."""

    check: str
    host: str | None
    outcome: Outcome
    detail: str
    cause: str | None = None


def not_judged(host: str | None, cause: str, *, outcome: Outcome = "FAIL") -> Judgement:
    """An item that cannot be judged: never a pass, never a made-up fail; it says which cause stops it."""
    return Judgement(host, outcome, f"not judged: {cause}", cause)


@dataclass(frozen=True)
class Placement:
    """Where clpstat says a group runs: its ECX server (None: the group is offline), in words too."""

    server: str | None
    text: str


def no_node(server: str) -> str | None:
    return None


def ospf_reason(reason: str) -> str:
    """A host's OSPF not read, in a cause's few words ("no OSPF process (vtysh answers {})" -> "no OSPF process")."""
    return "no OSPF process" if reason.startswith("no OSPF process") else reason


@dataclass(frozen=True)
class FogSeen:
    """One failover group as the run saw it: its plan, what was read, and where to look for its cluster's word.
    What several judges derive from it (who holds the gateway, where the group runs, the causes) is derived once."""

    plan: FogPlan
    seen: Observed
    clusters: tuple[str, ...] = ()  # the nodes of the group's cluster, whose clpstat says where it runs
    node_of: Callable[[str], str | None] = no_node  # the inventory name of an ECX server name

    @cached_property
    def holders(self) -> list[str] | None:
        """The group's routers that hold the gateway, or None when a router could not be read."""
        if any(router not in self.seen.states for router in self.plan.fog.routers):
            return None
        return self.read_holders

    @cached_property
    def read_holders(self) -> list[str]:
        """The routers read that hold the gateway (a router not read is not among them)."""
        plan, states = self.plan, self.seen.states
        return [r for r in plan.fog.routers if r in states and states[r]["nics"][plan.nics[r]]["has_gateway"]]

    @cached_property
    def unread_routers(self) -> list[str]:
        return [router for router in self.plan.fog.routers if router not in self.seen.states]

    # --- causes ----------------------------------------------------------------------------------------

    def unread_cause(self, host: str) -> str | None:
        """``host: not read: why`` when a router or observer gave no facts."""
        if host in self.seen.states:
            return None
        return f"{host}: not read: {self.seen.why_not_read(host)}"

    def ospf_cause(self, host: str) -> str | None:
        """``host: no OSPF process`` (or ``ospfd is not running``...) when the host's OSPF could not be read or
        its configuration has no ``router ospf``."""
        state = self.seen.states.get(host)
        if state is None:
            return None
        neighbors = state["neighbors"]
        if isinstance(neighbors, NotRead):
            return f"{host}: {ospf_reason(neighbors.reason)}"
        config = state.get("ospf_config")
        if isinstance(config, OspfConfig) and not config.router_ospf:
            return f"{host}: no OSPF process"
        return None

    def host_cause(self, host: str) -> str | None:
        """Why nothing about ``host`` can be right: not read, or no OSPF there."""
        return self.unread_cause(host) or self.ospf_cause(host)

    def first_cause(self, hosts: list[str] | tuple[str, ...]) -> str | None:
        return next((cause for host in hosts if (cause := self.host_cause(host)) is not None), None)

    @cached_property
    def mistake(self) -> str | None:
        """A likely inventory mistake: no router carries ``vm_gateway``, while a router's NIC for the group is up
        with another address of the VM network."""
        plan, states = self.plan, self.seen.states
        if self.read_holders:
            return None
        network = plan.fog.vm_network
        for router in plan.fog.routers:
            nic = states[router]["nics"][plan.nics[router]] if router in states else None
            if nic is None or not nic["up"]:
                continue
            others = [a for a in nic["addresses"] if ipaddress.IPv4Interface(a).ip in network]
            if others:
                return (
                    f"vm_gateway {plan.gateway} is on no router; {plan.nics[router]} on {router} carries "
                    f"{', '.join(others)}: is vm_gateway in the inventory right?"
                )
        return None

    @cached_property
    def gateway_cause(self) -> str | None:
        """The gateway's own fault, when there is one: split brain, a likely vm_gateway mistake, an outage."""
        held = self.read_holders
        if len(held) > 1:
            return f"split brain: {' and '.join(held)} hold {self.plan.gateway}"
        if held or self.unread_routers:
            return None
        if self.mistake is not None:
            return self.mistake
        if self.online is False:
            return None
        return f"outage: no router holds {self.plan.gateway}"

    @cached_property
    def route_holder(self) -> str | None:
        """The router the others should route the VM network via: the one router read that holds the gateway;
        with a likely vm_gateway mistake, the one router whose NIC carries the VM network instead."""
        held = self.read_holders
        if len(held) == 1:
            return held[0]
        if held or self.mistake is None:
            return None
        network = self.plan.fog.vm_network
        carriers = [
            router
            for router in self.plan.fog.routers
            if router in self.seen.states
            and (nic := self.seen.states[router]["nics"][self.plan.nics[router]])["up"]
            and any(ipaddress.IPv4Interface(a).ip in network for a in nic["addresses"])
        ]
        return carriers[0] if len(carriers) == 1 else None

    # --- the cluster's word ----------------------------------------------------------------------------

    @cached_property
    def placement(self) -> Placement | NotRead | None:
        """Where clpstat says the group runs; None when no node of its cluster answered, NotRead when the display
        that answered does not list the group."""
        found = self.seen.cluster_status(self.clusters)
        if found is None:
            return None
        where, _ = found
        try:
            group = self.seen.find_group(where, self.plan.name)
        except InputError as exc:
            return NotRead(Fact.CLUSTER_STATE, str(exc))
        server = group["current"]
        return Placement(server, f"clpstat on {where}: {self.plan.name} {group['status']} on {server or 'no server'}")

    @cached_property
    def clpstat_cause(self) -> str | None:
        """Why clpstat did not say where the group runs: busy, or no node answered."""
        if self.placement is not None:
            return None
        busy = next((node for node in self.clusters if is_busy(self.seen.clpstat.get(node))), None)
        if busy is not None:
            return f"clpstat busy on {busy}"
        return "no node of the cluster answered clpstat"

    @property
    def online(self) -> bool | None:
        """Whether clpstat says the group runs somewhere; None when it did not say."""
        placement = self.placement
        return placement.server is not None if isinstance(placement, Placement) else None
