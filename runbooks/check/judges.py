"""The check's judges, pure: from what one run read, each named check of one failover group, per host.

A check is ``(name, host, outcome, detail)``; the runbook turns each into a row. What a host could not be read
for is said by ``reachable``; the other checks judge what was read and say when they could not tell.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from ospf_failover.engine import Outcome
from ospf_failover.errors import InputError
from ospf_failover.models import OspfNeighbor, RouterState
from ospf_failover.parsers.clpstat import find_group
from ospf_failover.parsers.ospf import parse_ospf_neighbors
from ospf_failover.parsers.vtysh import vtysh_error

from ..shared.judges import judge_route_via
from .observe import Observed
from .plan import FogPlan

Check = tuple[str, str | None, Outcome, str]
T = TypeVar("T")


class Unreadable(Exception):
    """A text the judge needs is missing or not understood: the check says so instead of guessing."""


def read_text(state: RouterState, name: str, parse: Callable[[str], T]) -> T:
    found = state.get("texts", {}).get(name)
    if found is None:
        raise Unreadable(f"{name} not read")
    if found["exit_status"] != 0 or vtysh_error(found["output"]) is not None:
        reason = vtysh_error(found["output"]) or found["output"].strip()[:120] or f"exit {found['exit_status']}"
        raise Unreadable(f"{name}: {reason}")
    try:
        return parse(found["output"])
    except InputError as exc:
        raise Unreadable(f"{name}: {exc}") from None


def reachable(plan: FogPlan, seen: Observed) -> list[Check]:
    checks: list[Check] = []
    for host in (*plan.fog.routers, *plan.fog.observers):
        if host in seen.errors:
            checks.append(("reachable", host, "FAIL", seen.errors[host]))
        else:
            checks.append(("reachable", host, "PASS", f"answered in {seen.seconds.get(host, 0.0):.2f} s"))
    for node in plan.fog.nodes:
        if node in seen.clpstat_errors:
            checks.append(("reachable", node, "WARN", f"{seen.clpstat_errors[node]} (clpstat read from another node)"))
        elif node in seen.clpstat:
            checks.append(("reachable", node, "PASS", "clpstat read"))
    return checks


def _full_with_designated(neighbors: list[OspfNeighbor]) -> tuple[bool, str]:
    designated = [n for n in neighbors if n["role"] in ("DR", "Backup")]
    not_full = [f"{n['neighbor_id']} ({n['role']}) {n['state']}" for n in designated if n["state"] != "Full"]
    if not_full:
        return False, "not Full with " + ", ".join(not_full)
    full = [n for n in neighbors if n["state"] == "Full"]
    if not full:
        return False, "no OSPF adjacency in state Full"
    return True, f"{len(full)} adjacencies Full (DR and BDR included)"


def ospf_neighbors(plan: FogPlan, seen: Observed) -> list[Check]:
    """Each router Full with its segment's DR and BDR; each observer has each router as a neighbour (Full, or
    2-Way between two DROthers). Neighbours of other groups are not looked at."""
    checks: list[Check] = []
    read: dict[str, list[OspfNeighbor]] = {}
    for host in (*plan.fog.routers, *plan.fog.observers):
        if host in seen.states:
            try:
                read[host] = neighbors_of(plan, host, seen.states[host])
            except Unreadable as exc:
                checks.append(("ospf-neighbors", host, "FAIL", str(exc)))
    for router in plan.fog.routers:
        if router in read:
            holds, detail = _full_with_designated(read[router])
            checks.append(("ospf-neighbors", router, "PASS" if holds else "FAIL", detail))
    for observer in plan.fog.observers:
        if observer not in read:
            continue
        neighbors = read[observer]
        missing = []
        for router in plan.fog.routers:
            found = [n for n in neighbors if n["address"] == plan.next_hops[router]]
            ok = [n for n in found if n["state"] == "Full" or (n["state"] == "2-Way" and n["role"] == "DROther")]
            if not ok:
                missing.append(f"{router} ({found[0]['state'] if found else 'not a neighbour'})")
        if missing:
            checks.append(("ospf-neighbors", observer, "FAIL", "no adjacency with " + ", ".join(missing)))
        else:
            checks.append(("ospf-neighbors", observer, "PASS", f"adjacent to {', '.join(plan.fog.routers)}"))
    return checks


def neighbors_of(plan: FogPlan, host: str, state: RouterState) -> list[OspfNeighbor]:
    """The host's OSPF neighbours: parsed in the read when asked that way, else from its text."""
    if state["neighbors"] is not None:
        return state["neighbors"]
    platform = plan.platforms.get(host, "frr")
    return read_text(state, "ospf-neighbors", lambda text: parse_ospf_neighbors(text, platform=platform))


def holders(plan: FogPlan, seen: Observed) -> list[str] | None:
    """The group's routers that hold the gateway, or None when a router could not be read."""
    if any(router not in seen.states for router in plan.fog.routers):
        return None
    return [r for r in plan.fog.routers if seen.states[r]["nics"][plan.nics[r]]["has_gateway"]]


def online_node(plan: FogPlan, seen: Observed, clusters: tuple[str, ...]) -> tuple[str | None, str] | None:
    """Where clpstat says the group runs (node, status text), None when no node of its cluster answered."""
    found = seen.cluster_status(clusters)
    if found is None:
        return None
    where, status = found
    group = find_group(status, plan.name)
    return group["current"], f"clpstat on {where}: {plan.name} {group['status']} on {group['current'] or 'no server'}"


def single_advertiser(plan: FogPlan, seen: Observed, online: bool | None) -> list[Check]:
    held = holders(plan, seen)
    if held is None:
        unread = [r for r in plan.fog.routers if r not in seen.states]
        return [("single-advertiser", None, "FAIL", f"cannot tell: {', '.join(unread)} not read")]
    if len(held) > 1:
        return [("single-advertiser", None, "FAIL", f"split brain: {' and '.join(held)} hold {plan.gateway}")]
    if not held:
        if online is False:
            return [("single-advertiser", None, "PASS", f"no router holds {plan.gateway} (the group is offline)")]
        return [("single-advertiser", None, "FAIL", f"outage: no router holds {plan.gateway}")]
    return [("single-advertiser", held[0], "PASS", f"only {held[0]} holds {plan.gateway}")]


def cluster_agreement(
    plan: FogPlan, seen: Observed, located: tuple[str | None, str] | None, node_of: Callable[[str], str | None]
) -> list[Check]:
    """The router holding the gateway is the one paired with the node clpstat names; ``node_of`` gives the
    inventory name of an ECX server name."""
    if located is None:
        return [("cluster-agreement", None, "WARN", "no node of the cluster answered clpstat")]
    server, text = located
    held = holders(plan, seen)
    if held is None:
        return [("cluster-agreement", None, "WARN", f"{text}; not every router was read")]
    if server is None:
        if held:
            return [("cluster-agreement", held[0], "FAIL", f"{text}, but {' and '.join(held)} hold(s) the gateway")]
        return [("cluster-agreement", None, "PASS", f"{text}; no router holds the gateway")]
    node = node_of(server)
    if node is None or node not in plan.fog.pairing:
        return [("cluster-agreement", None, "FAIL", f"{text}: a server this group's pairing does not list")]
    expected = plan.fog.pairing[node]
    if held != [expected]:
        shown = " and ".join(held) or "no router"
        return [("cluster-agreement", expected, "FAIL", f"{text}, so {expected} should hold the gateway; {shown} does")]
    return [("cluster-agreement", expected, "PASS", f"{text}; {expected} holds the gateway")]


def observer_route(plan: FogPlan, seen: Observed) -> list[Check]:
    """Every observer and standby routes the VM network via the holding router's address only."""
    held = holders(plan, seen)
    if not held or len(held) != 1:
        return [("observer-route", None, "FAIL", "no single router holds the gateway: no route to judge")]
    holder = held[0]
    via = plan.next_hops[holder]
    checks: list[Check] = []
    for host in (*[r for r in plan.fog.routers if r != holder], *plan.fog.observers):
        if host not in seen.states:
            continue
        ok, detail = judge_route_via(seen.states[host]["routes"][plan.prefix], prefix=plan.prefix, nexthop=via)
        checks.append(("observer-route", host, "PASS" if ok else "FAIL", detail))
    return checks


def located_safely(
    plan: FogPlan, seen: Observed, clusters: tuple[str, ...]
) -> tuple[tuple[str | None, str] | None, list[Check]]:
    """clpstat's word for the group, or a check saying why it cannot be had (a display without the group)."""
    try:
        return online_node(plan, seen, clusters), []
    except InputError as exc:
        return None, [("cluster-agreement", None, "FAIL", str(exc))]
