"""The switch's plan, pure: from a failover group and where it runs, what each router reads and changes.

No I/O here: :func:`plan_switch` decides the roles, the Plan says per host what each step reads
(:class:`~ospf_failover.tasks.router_state.Reads`: the facts it asks for) and changes (set_nic_state's arguments), and
:func:`dry_run_actions` what a dry run reports. ``steps`` runs them, ``verify`` polls.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from ospf_failover.inventory import Fleet, Fog
from ospf_failover.models import Fact, NicState
from ospf_failover.tasks.router_state import NicProbe, Reads

from ..shared.defaults import SWITCH_TIMEOUT
from ..shared.judges import judge_nic
from ..shared.locate import Location

Verify = Literal["fail", "warn", "off"]


@dataclass(frozen=True)
class SwitchOptions:
    fog: str
    node: str | None = None
    dry_run: bool = False
    timeout: float = SWITCH_TIMEOUT
    verify: Verify = "fail"
    as_json: bool = False
    started: float | None = None  # time.monotonic() the timeout counts from (the command's start); None: the run's


@dataclass(frozen=True)
class Plan:
    fog: Fog
    location: Location
    active: str
    standbys: tuple[str, ...]
    observers: tuple[str, ...]
    nics: Mapping[str, str]  # router -> its NIC for this group
    via: str  # the active router's address, the next hop everyone else must use
    addresses: Mapping[str, str]  # router -> the address others route the VM network through when it holds it

    @property
    def gateway(self) -> str:
        return str(self.fog.vm_gateway)

    @property
    def prefix(self) -> str:
        return str(self.fog.vm_network)

    @property
    def routers(self) -> tuple[str, ...]:
        return (self.active, *self.standbys)

    def as_dict(self) -> dict[str, Any]:
        return {
            "node": self.location.node,
            "located_by": self.location.source,
            "active": self.active,
            "active_address": self.via,
            "standbys": list(self.standbys),
            "observers": list(self.observers),
            "vm_network": self.prefix,
            "vm_gateway": self.gateway,
            "nics": dict(self.nics),
        }

    def text(self) -> str:
        downs = ", ".join(f"{r} {self.nics[r]}" for r in self.standbys)
        return (
            f"plan: {self.active} takes {self.gateway} on {self.nics[self.active]}; down on {downs}; "
            f"observers {', '.join(self.observers) or 'none'}"
        )

    def probe(self, router: str) -> NicProbe:
        return NicProbe(self.nics[router], self.gateway)

    def connect_reads(self) -> dict[str, Reads]:
        """First round trip: every router's NIC (the session opens with it)."""
        return {router: Reads(nics=(self.probe(router),)) for router in self.routers}

    def nic_changes(self, routers: Sequence[str], *, up: bool, known: Mapping[str, NicState]) -> dict[str, Any]:
        """set_nic_state's arguments per router: its NIC, the direction, and the state read at connect."""
        return {r: {"nic": self.nics[r], "up": up, "gateway": self.gateway, "known": known[r]} for r in routers}

    def router_named(self, address: str) -> str | None:
        """The router of the group whose address this is (a next hop), if any."""
        return next((router for router, known in self.addresses.items() if known == address), None)

    def verify_reads(
        self, standbys: Sequence[str], unreachable: Sequence[str] = (), *, timers: bool = False
    ) -> dict[str, Reads]:
        """What each poll reads: the active router's NIC, route and adjacencies (``timers``: and its OSPF
        interfaces, for the dead interval); each reachable standby's NIC and route; each reachable observer's
        route."""
        facts = (Fact.OSPF_NEIGHBORS, Fact.OSPF_INTERFACES) if timers else (Fact.OSPF_NEIGHBORS,)
        active = Reads(nics=(self.probe(self.active),), prefixes=(self.prefix,), facts=facts)
        reads = {self.active: active}
        for router in standbys:
            reads[router] = Reads(nics=(self.probe(router),), prefixes=(self.prefix,))
        for observer in self.observers:
            if observer not in unreachable:
                reads[observer] = Reads(prefixes=(self.prefix,))
        return reads


def plan_switch(fleet: Fleet, fog: Fog, location: Location) -> Plan:
    """The roles where ``fog`` runs on ``location.node``: its paired router is active, the others stand by."""
    active = fog.pairing[location.node]
    return Plan(
        fog=fog,
        location=location,
        active=active,
        standbys=tuple(r for r in fog.routers if r != active),
        observers=fog.observers,
        nics={router: fog.nic_for(router) for router in fog.routers},
        via=fleet.hosts[active].next_hop,
        addresses={router: fleet.hosts[router].next_hop for router in fog.routers},
    )


def dry_run_actions(plan: Plan, known: Mapping[str, NicState]) -> list[tuple[str, str]]:
    """Per router read at connect: what a dry run says (what it sees, and what a switch would do)."""
    actions = []
    for router, state in known.items():
        want_up = router == plan.active
        holds, text = judge_nic(state, up=want_up)
        if holds:
            action = "nothing to do"
        elif not state["exists"]:
            action = "cannot change it"
        elif want_up:
            action = f"would put the gateway on {state['nic']} (nic_up)"
        else:
            action = f"would release {state['nic']} (nic_down)"
        actions.append((router, f"{text if holds else 'now: ' + text}: {action}"))
    return actions
