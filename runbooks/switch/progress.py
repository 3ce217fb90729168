"""Each poll of a verification, judged: is what is still wrong converging (keep waiting, up to ``--timeout``), or
a state that no amount of OSPF convergence can mend (stop once it has lasted a short grace)? Pure: from one
poll's reads to a :class:`Progress`.

Cannot converge:

- the active router does not hold the gateway (it lost it; for ``verify``: it is not where the group runs);
- a standby holds the gateway too (the switch took it down already; ``verify`` changes nothing);
- the active router holds the gateway but has no OSPF adjacency: no router can learn the VM network from it;
- a standby or an observer routes the VM network by a route that is not OSPF's (a static one), or via an
  address that is no router of the group;
- a standby or an observer routes the VM network via a router this run could not reach or may not talk to (no
  SSH answer, a refused host key): that router holds the gateway and nothing here can take it down. A router
  that died is in its neighbours' routes until their OSPF dead interval passes: the grace covers that;
- no standby or observer routes the VM network at all, although the active router holds the gateway with its
  adjacencies up: it is advertised nowhere (the network missing from its OSPF configuration?).

Still converging: a route not moved yet (none, or still via a standby this run released) while the active router
holds the gateway with its adjacencies up; a read that failed this time; an observer whose session is opening.

The grace (:func:`grace_for`): twice the OSPF dead interval read from the active router (its interface on the
segment of its next-hop address), 10 s when it could not be read. A wrong state must last that long, poll after
poll, before the verification stops (:class:`Patience`).
"""

from __future__ import annotations

import ipaddress
from collections.abc import Mapping
from dataclasses import dataclass, field

from ospf_failover.models import NotRead, Route, RouterState
from ospf_failover.parsers.ospf_timers import OspfInterfaceTimers

from ..shared.judges import judge_adjacencies, judge_connected, judge_nic, judge_route_via
from .plan import Plan

DEFAULT_GRACE = 10.0  # seconds, when the dead interval could not be read
DEAD_INTERVALS = 2  # the grace in dead intervals: a dead router is dropped after one, its LSA flushed soon after


@dataclass(frozen=True)
class Waiting:
    """A host whose state is still converging, and what is awaited from it."""

    host: str
    what: str

    def __str__(self) -> str:
        return f"{self.host}: {self.what}"


@dataclass(frozen=True)
class Progress:
    """One poll, judged: what is still converging, and what cannot converge (one line per cause)."""

    waiting: tuple[Waiting, ...] = ()
    stuck: tuple[str, ...] = ()

    @property
    def done(self) -> bool:
        return not self.waiting and not self.stuck

    def text(self) -> str:
        """What is awaited, in a few words, for the heartbeat's line."""
        if self.stuck:
            return "; ".join(self.stuck)
        return "; ".join(map(str, self.waiting)) or "nothing"


@dataclass(frozen=True)
class Poll:
    """What one poll found: each read host's state, the hosts whose read failed (with why), the observers not
    readable yet (session opening), and the standbys this run could not reach (with why: it did not touch them)."""

    reads: Mapping[str, RouterState]
    failed: Mapping[str, str] = field(default_factory=dict)
    pending: tuple[str, ...] = ()
    untouched: Mapping[str, str] = field(default_factory=dict)


@dataclass
class _Findings:
    """What one poll found so far, host after host."""

    waiting: list[Waiting] = field(default_factory=list)
    stuck: list[str] = field(default_factory=list)
    held_by: dict[str, list[str]] = field(default_factory=dict)  # an unreached router -> hosts routing via it

    def wait(self, host: str, what: str) -> None:
        self.waiting.append(Waiting(host, what))


def judge_poll(plan: Plan, poll: Poll) -> Progress:
    """``poll`` judged for ``plan``: see the module's docstring for what cannot converge."""
    found = _Findings()
    for host, text in poll.failed.items():
        found.wait(host, f"a read ({text})")
    for host in poll.pending:
        found.wait(host, "its SSH session (opening)")
    active = poll.reads.get(plan.active)
    active_ready = active is not None and _judge_active(plan, active, found)
    routed = 0  # standbys and observers with any route to the VM network
    for host, state in poll.reads.items():
        if host == plan.active:
            continue
        routes = state["routes"].get(plan.prefix, [])
        routed += _selected(routes) is not None
        if host in plan.standbys and _standby_holds(plan, host, state, found, active_holds=active_ready):
            continue  # its own connected route says nothing more
        _judge_route(plan, host, routes, untouched=poll.untouched, found=found)
    for router, hosts in found.held_by.items():
        found.stuck.append(
            f"{router} ({poll.untouched[router]}) still holds {plan.gateway}: {', '.join(hosts)} route "
            f"{plan.prefix} via {plan.addresses[router]}"
        )
    readable = [host for host in poll.reads if host != plan.active]
    if active_ready and readable and not routed:
        found.stuck.append(
            f"no router routes {plan.prefix} although {plan.active} holds {plan.gateway} with its adjacencies "
            f"up: is {plan.prefix} in {plan.active}'s OSPF configuration?"
        )
    return Progress(waiting=tuple(found.waiting), stuck=tuple(dict.fromkeys(found.stuck)))


def _where(plan: Plan) -> str:
    return f"{plan.fog.name} runs on {plan.location.node} ({plan.active}'s side)"


def _standby_holds(plan: Plan, host: str, state: RouterState, found: _Findings, *, active_holds: bool) -> bool:
    """A standby whose NIC is not released (it holds the gateway, or the NIC is missing): stuck."""
    nic = state["nics"][plan.nics[host]]
    holds, text = judge_nic(nic, up=False)
    if holds:
        return False
    if nic["has_gateway"]:
        too = " too" if active_holds else ""
        found.stuck.append(f"{host} holds {plan.gateway}{too} ({nic['nic']} up with it), although {_where(plan)}")
    else:
        found.stuck.append(f"{host}: {text}")
    return True


def _judge_active(plan: Plan, state: RouterState, found: _Findings) -> bool:
    """The active router's part; True when it holds the gateway with its adjacencies up."""
    nic = plan.nics[plan.active]
    holds, text = judge_nic(state["nics"][nic], up=True)
    if not holds:
        found.stuck.append(f"{plan.active} does not hold {plan.gateway} ({text}), although {_where(plan)}")
        return False
    adjacent, adjacency = judge_adjacencies(state["neighbors"])
    if not adjacent:
        found.stuck.append(
            f"{plan.active} holds {plan.gateway} but {adjacency}: no router can learn {plan.prefix} from it"
        )
        return False
    connected, why = judge_connected(state["routes"].get(plan.prefix, []), prefix=plan.prefix, nic=nic)
    if not connected:
        found.wait(plan.active, f"{plan.prefix} connected on {nic} (now: {why})")
    return True


def _selected(routes: list[Route]) -> Route | None:
    return next((route for route in routes if route["selected"]), None)


def _judge_route(plan: Plan, host: str, routes: list[Route], *, untouched: Mapping[str, str], found: _Findings) -> None:
    """A standby's or an observer's route to the VM network: right, converging, or stuck."""
    holds, text = judge_route_via(routes, prefix=plan.prefix, nexthop=plan.via)
    if holds:
        return
    route = _selected(routes)
    if route is None:
        found.wait(host, f"{plan.prefix} via {plan.via} (now: {text})")
        return
    if route["protocol"] != "ospf":
        found.stuck.append(f"{host} routes {plan.prefix} by a {route['protocol']} route, which OSPF cannot replace")
        return
    hops = sorted({hop["ip"] for hop in route["nexthops"] if hop["ip"] and hop["active"]})
    routers = [plan.router_named(hop) for hop in hops]
    foreign = [hop for hop, router in zip(hops, routers, strict=True) if router is None]
    if foreign:
        found.stuck.append(f"{host} routes {plan.prefix} via {', '.join(foreign)}, no router of {plan.fog.name}")
        return
    unreached = [router for router in routers if router is not None and router in untouched]
    for router in unreached:
        found.held_by.setdefault(router, []).append(host)
    if not unreached:
        found.wait(host, f"{plan.prefix} via {plan.via} (now: {text})")


def route_where(plan: Plan, routes: list[Route]) -> str:
    """Where a host routes the VM network, by router name: ``via vr1``, ``via vr1 and vr2``, ``no route``."""
    route = _selected(routes)
    if route is None:
        return "no route"
    if route["protocol"] != "ospf":
        return route["protocol"]  # "connected": the host holds the gateway itself
    hops = sorted({hop["ip"] for hop in route["nexthops"] if hop["ip"] and hop["active"]})
    names = [plan.router_named(hop) or hop for hop in hops]
    return f"via {' and '.join(names)}" if names else "no next hop"


def dead_interval(interfaces: list[OspfInterfaceTimers] | NotRead | None, address: str) -> int | None:
    """The OSPF dead interval of the interface whose network holds ``address`` (the router's next-hop address:
    the segment its neighbours watch it on); None when not read or not found."""
    if interfaces is None or isinstance(interfaces, NotRead):
        return None
    wanted = ipaddress.ip_address(address)
    for interface in interfaces:
        address_of, dead = interface["address"], interface["dead_s"]
        if interface["running"] and address_of and dead and wanted in ipaddress.ip_interface(address_of).network:
            return dead
    return None


def grace_for(dead_s: int | None) -> float:
    """How long a state that cannot converge is watched before the verification stops."""
    return DEFAULT_GRACE if dead_s is None else float(DEAD_INTERVALS * dead_s)


@dataclass
class Patience:
    """How long polls have seen, without a break, something that cannot converge; spent after ``grace``."""

    grace: float
    since: float | None = None  # when the current stretch of such polls began (time.monotonic())

    def see(self, *, stuck: bool, now: float) -> bool:
        """Record one poll; True when its wrong state has now lasted the whole grace."""
        if not stuck:
            self.since = None
            return False
        if self.since is None:
            self.since = now
        return now - self.since >= self.grace

    def lasted(self, now: float) -> float:
        return 0.0 if self.since is None else now - self.since
