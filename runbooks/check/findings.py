"""What the check's judges read and what they give, pure: one failover group as a run saw it (``FogSeen``), a
judge's word on one host (``Judgement``), and a named check's ``Finding``, which becomes a row."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property

from ospf_failover.engine import Outcome
from ospf_failover.errors import InputError
from ospf_failover.models import Fact, NotRead
from ospf_failover.parsers.clpstat import find_group

from .observe import Observed
from .plan import FogPlan


@dataclass(frozen=True)
class Judgement:
    """What a judge says of one host, or of the whole group (``host`` None)."""

    host: str | None
    outcome: Outcome
    detail: str


@dataclass(frozen=True)
class Finding:
    """One named check's outcome for one host or the group: a row of the run, an entry of ``check --json``."""

    check: str
    host: str | None
    outcome: Outcome
    detail: str


@dataclass(frozen=True)
class Placement:
    """Where clpstat says a group runs: its ECX server (None: the group is offline), in words too."""

    server: str | None
    text: str


def no_node(server: str) -> str | None:
    return None


@dataclass(frozen=True)
class FogSeen:
    """One failover group as the run saw it: its plan, what was read, and where to look for its cluster's word.
    What several judges derive from it (who holds the gateway, where the group runs) is derived once."""

    plan: FogPlan
    seen: Observed
    clusters: tuple[str, ...] = ()  # the nodes of the group's cluster, whose clpstat says where it runs
    node_of: Callable[[str], str | None] = no_node  # the inventory name of an ECX server name

    @cached_property
    def holders(self) -> list[str] | None:
        """The group's routers that hold the gateway, or None when a router could not be read."""
        plan, states = self.plan, self.seen.states
        if any(router not in states for router in plan.fog.routers):
            return None
        return [r for r in plan.fog.routers if states[r]["nics"][plan.nics[r]]["has_gateway"]]

    @cached_property
    def placement(self) -> Placement | NotRead | None:
        """Where clpstat says the group runs; None when no node of its cluster answered, NotRead when the display
        that answered does not list the group."""
        found = self.seen.cluster_status(self.clusters)
        if found is None:
            return None
        where, status = found
        try:
            group = find_group(status, self.plan.name)
        except InputError as exc:
            return NotRead(Fact.CLUSTER_STATE, str(exc))
        server = group["current"]
        return Placement(server, f"clpstat on {where}: {self.plan.name} {group['status']} on {server or 'no server'}")

    @property
    def online(self) -> bool | None:
        """Whether clpstat says the group runs somewhere; None when it did not say."""
        placement = self.placement
        return placement.server is not None if isinstance(placement, Placement) else None
