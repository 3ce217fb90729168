"""The check's judges of the state now, pure: from what one run read of one failover group, per host.

Each judge reads the facts the tasks parsed (their declared shapes, or NotRead saying why a fact is missing) and
gives Judgements; the table of ``checks`` names them. Every judge gives the same items (check, host) whatever
the faults: an item about a host that could not be read, or whose facts another fault makes meaningless, is
"not judged" and points to that cause (see ``findings``).
"""

from __future__ import annotations

import ipaddress

from ospf_failover.models import Fact, NotRead, OspfNeighbor, Route, RouterState

from ..shared.judges import judge_route_via
from .findings import FogSeen, Judgement, Placement, not_judged
from .observe import is_busy


def reachable(fog: FogSeen) -> list[Judgement]:
    """Every router and observer answered; every cluster node answered clpstat, or was not needed (another
    node of its cluster answered first)."""
    plan, seen = fog.plan, fog.seen
    judged: list[Judgement] = []
    for host in (*plan.fog.routers, *plan.fog.observers):
        if host not in seen.states:
            judged.append(Judgement(host, "FAIL", seen.errors.get(host) or "not read", fog.unread_cause(host)))
        else:
            judged.append(Judgement(host, "PASS", f"answered in {seen.seconds.get(host, 0.0):.2f} s"))
    answered = seen.cluster_status(fog.clusters)
    for node in plan.fog.nodes:
        status = seen.clpstat.get(node)
        if is_busy(status):
            judged.append(Judgement(node, "PASS", "answered: clpstat busy"))
        elif isinstance(status, NotRead):
            elsewhere = "clpstat read from another node" if answered else "no node of the cluster answered clpstat"
            judged.append(Judgement(node, "WARN", f"{status} ({elsewhere})", f"{node}: clpstat: {status}"))
        elif status is not None:
            judged.append(Judgement(node, "PASS", "clpstat read"))
        else:
            busy = next((n for n in fog.clusters if is_busy(seen.clpstat.get(n))), None)
            where = f"clpstat busy on {busy}" if busy else f"clpstat answered on {answered[0]}" if answered else ""
            judged.append(Judgement(node, "PASS", f"not asked: {where}" if where else "not asked"))
    return judged


def _designated(fog: FogSeen, router: str, state: RouterState) -> Judgement | None:
    """A segment of the router's uplinks without a DR or BDR (one is gone, or none could be elected): a
    warning, since the next failure of the DR then takes the segment's adjacencies down with it. The cause is
    the segment's, one line for every router on it."""
    interfaces = state.get("ospf_interfaces")
    if interfaces is None or isinstance(interfaces, NotRead):
        return None
    for interface in interfaces:
        if not interface["running"] or interface["passive"] or interface["network_type"] != "BROADCAST":
            continue
        missing = [role for role, found in (("DR", interface["dr_id"]), ("BDR", interface["bdr_id"])) if not found]
        if missing:
            address = interface["address"]
            segment = str(ipaddress.IPv4Interface(address).network) if address else interface["interface"]
            lacks = " and no ".join(missing)
            cause = f"segment {segment} has no {lacks} (gone, or no router there may be elected)"
            return Judgement(router, "WARN", f"no {lacks} on {interface['interface']}'s segment {segment}", cause)
    return None


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
    """Each router Full with its segment's DR and BDR, and its segment has both; each observer has each router
    as a neighbour (Full, or 2-Way between two DROthers). Neighbours of other groups are not looked at."""
    plan, seen = fog.plan, fog.seen
    judged: list[Judgement] = []
    for host in (*plan.fog.routers, *plan.fog.observers):
        unread = fog.unread_cause(host)
        if unread is not None:
            judged.append(not_judged(host, unread))
            continue
        neighbors = neighbors_of(seen.states[host])
        if isinstance(neighbors, NotRead):
            judged.append(Judgement(host, "FAIL", str(neighbors), fog.ospf_cause(host)))
        elif host in plan.fog.routers:
            judged.append(_router_neighbors(fog, host, neighbors))
        else:
            judged.append(_observer_neighbors(fog, host, neighbors))
    return judged


def _router_neighbors(fog: FogSeen, router: str, neighbors: list[OspfNeighbor]) -> Judgement:
    holds, detail = _full_with_designated(neighbors)
    if not holds:
        return Judgement(router, "FAIL", detail, fog.ospf_cause(router))
    return _designated(fog, router, fog.seen.states[router]) or Judgement(router, "PASS", detail)


def _observer_neighbors(fog: FogSeen, observer: str, neighbors: list[OspfNeighbor]) -> Judgement:
    plan = fog.plan
    missing: dict[str, str] = {}  # router -> what the observer sees of it
    for router in plan.fog.routers:
        found = [n for n in neighbors if n["address"] == plan.next_hops[router]]
        ok = [n for n in found if n["state"] == "Full" or (n["state"] == "2-Way" and n["role"] == "DROther")]
        if not ok:
            missing[router] = found[0]["state"] if found else "not a neighbour"
    if not missing:
        return Judgement(observer, "PASS", f"adjacent to {', '.join(plan.fog.routers)}")
    shown = ", ".join(f"{router} ({state})" for router, state in missing.items())
    return Judgement(observer, "FAIL", f"no adjacency with {shown}", fog.first_cause(list(missing)))


def single_advertiser(fog: FogSeen) -> list[Judgement]:
    """Exactly one router holds the gateway (one item, for the group)."""
    plan, held = fog.plan, fog.read_holders
    if len(held) > 1:
        return [Judgement(None, "FAIL", f"split brain: {' and '.join(held)} hold {plan.gateway}")]
    if fog.unread_routers:
        cause = fog.unread_cause(fog.unread_routers[0])
        assert cause is not None
        holding = f" ({held[0]} holds {plan.gateway})" if held else ""
        return [Judgement(None, "FAIL", f"not judged: {', '.join(fog.unread_routers)} not read{holding}", cause)]
    if not held:
        if fog.mistake is not None:
            return [Judgement(None, "FAIL", fog.mistake)]
        if fog.online is False:
            return [Judgement(None, "PASS", f"no router holds {plan.gateway} (the group is offline)")]
        return [Judgement(None, "FAIL", f"outage: no router holds {plan.gateway}")]
    return [Judgement(None, "PASS", f"only {held[0]} holds {plan.gateway}")]


def cluster_agreement(fog: FogSeen) -> list[Judgement]:
    """The router holding the gateway is the one paired with the node clpstat names (one item, for the group)."""
    placement = fog.placement
    if placement is None:
        cause = fog.clpstat_cause
        assert cause is not None
        if cause.startswith("no node"):  # each node said why: the first one's is the cause
            asked = [node for node in fog.clusters if isinstance(fog.seen.clpstat.get(node), NotRead)]
            first = f"{asked[0]}: clpstat: {fog.seen.clpstat[asked[0]]}" if asked else None
            return [Judgement(None, "WARN", cause, first)]
        return [not_judged(None, cause, outcome="WARN")]
    if isinstance(placement, NotRead):
        return [Judgement(None, "FAIL", str(placement))]
    return [_agreement(fog, placement)]


def _agreement(fog: FogSeen, placement: Placement) -> Judgement:
    plan, held, text = fog.plan, fog.read_holders, placement.text
    cause = fog.gateway_cause
    if placement.server is None:
        if held:
            return Judgement(None, "FAIL", f"{text}, but {' and '.join(held)} hold(s) the gateway", cause)
        if fog.unread_routers:
            return not_judged(None, fog.unread_cause(fog.unread_routers[0]) or "", outcome="WARN")
        return Judgement(None, "PASS", f"{text}; no router holds the gateway")
    node = fog.node_of(placement.server)
    if node is None or node not in plan.fog.pairing:
        return Judgement(None, "FAIL", f"{text}: a server this group's pairing does not list")
    expected = plan.fog.pairing[node]
    unread = fog.unread_cause(expected)
    if unread is not None:
        return not_judged(None, unread, outcome="WARN")
    if held != [expected]:
        shown = " and ".join(held) or "no router"
        does = "do" if len(held) > 1 else "does"
        return Judgement(None, "FAIL", f"{text}, so {expected} should hold the gateway; {shown} {does}", cause)
    others = f" ({', '.join(fog.unread_routers)} not read)" if fog.unread_routers else ""
    return Judgement(None, "PASS", f"{text}; {expected} holds the gateway{others}")


def observer_route(fog: FogSeen) -> list[Judgement]:
    """Every router and observer routes the VM network as it should: the holding router as connected on its
    NIC, every other router and every observer by OSPF via the holding router's address only."""
    plan, seen = fog.plan, fog.seen
    holder = fog.route_holder
    judged: list[Judgement] = []
    for host in (*plan.fog.routers, *plan.fog.observers):
        unread = fog.unread_cause(host)
        if unread is not None:
            judged.append(not_judged(host, unread))
            continue
        routes = seen.states[host]["routes"][plan.prefix]
        if host in fog.read_holders or host == holder:  # it holds the gateway: the VM network is connected there
            ok, detail = _connected(routes, plan.prefix)
            judged.append(Judgement(host, "PASS" if ok else "FAIL", detail, None if ok else fog.host_cause(host)))
            continue
        if holder is None:
            cause = fog.gateway_cause or fog.first_cause(fog.unread_routers)
            if cause is None:  # offline: nobody should route it
                ok = not any(route["selected"] for route in routes)
                judged.append(Judgement(host, "PASS" if ok else "FAIL", _route_text(routes, plan.prefix)))
            else:
                judged.append(Judgement(host, "FAIL", _route_text(routes, plan.prefix), cause))
            continue
        ok, detail = judge_route_via(routes, prefix=plan.prefix, nexthop=plan.next_hops[holder])
        cause = None if ok else (fog.host_cause(host) or fog.host_cause(holder) or fog.gateway_cause)
        judged.append(Judgement(host, "PASS" if ok else "FAIL", detail, cause))
    return judged


def _connected(routes: list[Route], prefix: str) -> tuple[bool, str]:
    route = next((route for route in routes if route["selected"]), None)
    if route is None or route["protocol"] != "connected":
        return False, f"holds the gateway, but {_route_text(routes, prefix)}"
    interfaces = sorted({str(hop["interface"]) for hop in route["nexthops"] if hop["interface"]})
    return True, f"{prefix} connected on {', '.join(interfaces)}"


def _route_text(routes: list[Route], prefix: str) -> str:
    route = next((route for route in routes if route["selected"]), None)
    if route is None:
        return f"no route to {prefix}"
    # Every path listed: an equal-cost path Junos does not forward to (no '>') still names its router.
    hops = sorted({hop["ip"] for hop in route["nexthops"] if hop["ip"]})
    idle = sorted(set(hops) - {hop["ip"] for hop in route["nexthops"] if hop["active"]})
    unused = f" ({' and '.join(idle)} not forwarded to)" if idle else ""
    return f"{prefix} via {' and '.join(hops)}{unused}" if hops else f"{prefix} {route['protocol']}"
