"""The check's judges of the state now, pure: from what one run read of one failover group, per host.

Each judge reads the facts the tasks parsed (their declared shapes, or NotRead saying why a fact is missing) and
gives Judgements; the table of ``checks`` names them. What a host could not be read for is said by
``reachable``; the other judges pass over it, and say when they could not tell.
"""

from __future__ import annotations

from ospf_failover.models import Fact, NotRead, OspfNeighbor, RouterState

from ..shared.judges import judge_route_via
from .findings import FogSeen, Judgement, Placement


def reachable(fog: FogSeen) -> list[Judgement]:
    plan, seen = fog.plan, fog.seen
    judged: list[Judgement] = []
    for host in (*plan.fog.routers, *plan.fog.observers):
        if host in seen.errors:
            judged.append(Judgement(host, "FAIL", seen.errors[host]))
        else:
            judged.append(Judgement(host, "PASS", f"answered in {seen.seconds.get(host, 0.0):.2f} s"))
    for node in plan.fog.nodes:
        status = seen.clpstat.get(node)
        if isinstance(status, NotRead):
            judged.append(Judgement(node, "WARN", f"{status} (clpstat read from another node)"))
        elif status is not None:
            judged.append(Judgement(node, "PASS", "clpstat read"))
    return judged


def _full_with_designated(neighbors: list[OspfNeighbor]) -> tuple[bool, str]:
    designated = [n for n in neighbors if n["role"] in ("DR", "Backup")]
    not_full = [f"{n['neighbor_id']} ({n['role']}) {n['state']}" for n in designated if n["state"] != "Full"]
    if not_full:
        return False, "not Full with " + ", ".join(not_full)
    full = [n for n in neighbors if n["state"] == "Full"]
    if not full:
        return False, "no OSPF adjacency in state Full"
    return True, f"{len(full)} adjacencies Full (DR and BDR included)"


def neighbors_of(state: RouterState) -> list[OspfNeighbor] | NotRead:
    """The host's OSPF neighbours as read, or why there are none to judge."""
    neighbors = state["neighbors"]
    return NotRead(Fact.OSPF_NEIGHBORS, "OSPF neighbours not read") if neighbors is None else neighbors


def ospf_neighbors(fog: FogSeen) -> list[Judgement]:
    """Each router Full with its segment's DR and BDR; each observer has each router as a neighbour (Full, or
    2-Way between two DROthers). Neighbours of other groups are not looked at."""
    plan, seen = fog.plan, fog.seen
    judged: list[Judgement] = []
    read: dict[str, list[OspfNeighbor]] = {}
    for host in (*plan.fog.routers, *plan.fog.observers):
        if host in seen.states:
            neighbors = neighbors_of(seen.states[host])
            if isinstance(neighbors, NotRead):
                judged.append(Judgement(host, "FAIL", str(neighbors)))
            else:
                read[host] = neighbors
    for router in plan.fog.routers:
        if router in read:
            holds, detail = _full_with_designated(read[router])
            judged.append(Judgement(router, "PASS" if holds else "FAIL", detail))
    for observer in plan.fog.observers:
        if observer not in read:
            continue
        missing = []
        for router in plan.fog.routers:
            found = [n for n in read[observer] if n["address"] == plan.next_hops[router]]
            ok = [n for n in found if n["state"] == "Full" or (n["state"] == "2-Way" and n["role"] == "DROther")]
            if not ok:
                missing.append(f"{router} ({found[0]['state'] if found else 'not a neighbour'})")
        if missing:
            judged.append(Judgement(observer, "FAIL", "no adjacency with " + ", ".join(missing)))
        else:
            judged.append(Judgement(observer, "PASS", f"adjacent to {', '.join(plan.fog.routers)}"))
    return judged


def single_advertiser(fog: FogSeen) -> list[Judgement]:
    plan, held = fog.plan, fog.holders
    if held is None:
        unread = [r for r in plan.fog.routers if r not in fog.seen.states]
        return [Judgement(None, "FAIL", f"cannot tell: {', '.join(unread)} not read")]
    if len(held) > 1:
        return [Judgement(None, "FAIL", f"split brain: {' and '.join(held)} hold {plan.gateway}")]
    if not held:
        if fog.online is False:
            return [Judgement(None, "PASS", f"no router holds {plan.gateway} (the group is offline)")]
        return [Judgement(None, "FAIL", f"outage: no router holds {plan.gateway}")]
    return [Judgement(held[0], "PASS", f"only {held[0]} holds {plan.gateway}")]


def cluster_agreement(fog: FogSeen) -> list[Judgement]:
    """The router holding the gateway is the one paired with the node clpstat names."""
    placement = fog.placement
    if placement is None:
        return [Judgement(None, "WARN", "no node of the cluster answered clpstat")]
    if isinstance(placement, NotRead):
        return [Judgement(None, "FAIL", str(placement))]
    return _agreement(fog, placement)


def _agreement(fog: FogSeen, placement: Placement) -> list[Judgement]:
    plan, held, text = fog.plan, fog.holders, placement.text
    if held is None:
        return [Judgement(None, "WARN", f"{text}; not every router was read")]
    if placement.server is None:
        if held:
            return [Judgement(held[0], "FAIL", f"{text}, but {' and '.join(held)} hold(s) the gateway")]
        return [Judgement(None, "PASS", f"{text}; no router holds the gateway")]
    node = fog.node_of(placement.server)
    if node is None or node not in plan.fog.pairing:
        return [Judgement(None, "FAIL", f"{text}: a server this group's pairing does not list")]
    expected = plan.fog.pairing[node]
    if held != [expected]:
        shown = " and ".join(held) or "no router"
        return [Judgement(expected, "FAIL", f"{text}, so {expected} should hold the gateway; {shown} does")]
    return [Judgement(expected, "PASS", f"{text}; {expected} holds the gateway")]


def observer_route(fog: FogSeen) -> list[Judgement]:
    """Every observer and standby routes the VM network via the holding router's address only."""
    plan, seen, held = fog.plan, fog.seen, fog.holders
    if not held or len(held) != 1:
        return [Judgement(None, "FAIL", "no single router holds the gateway: no route to judge")]
    holder = held[0]
    via = plan.next_hops[holder]
    judged: list[Judgement] = []
    for host in (*[r for r in plan.fog.routers if r != holder], *plan.fog.observers):
        if host not in seen.states:
            continue
        ok, detail = judge_route_via(seen.states[host]["routes"][plan.prefix], prefix=plan.prefix, nexthop=via)
        judged.append(Judgement(host, "PASS" if ok else "FAIL", detail))
    return judged
