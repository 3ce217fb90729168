"""Judging router state after a switch: pure functions from parsed state to (holds, what is wrong).

The rules: the active router carries the gateway on an up NIC, sees the VM network as connected and has OSPF
adjacencies; no standby carries the gateway (its link is down, or up without the address); every standby and
observer routes the VM network via the active router's address and nothing else (ECMP through the old router
is split brain, not success).
"""

from __future__ import annotations

from collections.abc import Collection

from ospf_failover.gateway import released_text
from ospf_failover.models import NicState, NotRead, OspfNeighbor, Route, RouterState

Verdict = tuple[bool, str]


def _selected(routes: list[Route]) -> Route | None:
    for route in routes:
        if route["selected"]:
            return route
    return None


def judge_route_via(routes: list[Route], *, prefix: str, nexthop: str) -> Verdict:
    """Does the router route ``prefix`` by OSPF via ``nexthop`` only?

    An equal-cost path through another router is split brain even when the router forwards on one path only
    (Junos marks one ``>`` next hop and installs only that one without a load-balancing policy): that router
    still advertises the VM network."""
    route = _selected(routes)
    if route is None:
        return False, f"no route to {prefix}"
    if route["protocol"] != "ospf":
        return False, f"{prefix} is {route['protocol']}, not learnt by OSPF"
    hops = sorted({hop["ip"] for hop in route["nexthops"] if hop["ip"] and hop["active"]})
    listed = sorted({hop["ip"] for hop in route["nexthops"] if hop["ip"]})
    if hops == [nexthop] and listed == hops:
        return True, f"{prefix} via {nexthop}"
    if nexthop in listed and len(listed) > 1:
        idle = [hop for hop in listed if hop not in hops]
        unused = f"; {' and '.join(idle)} not forwarded to" if idle else ""
        return False, f"split brain: {prefix} via {' and '.join(listed)} (ECMP through another router{unused})"
    shown = ", ".join(hops) or "no next hop"
    return False, f"{prefix} via {shown}, not via {nexthop}"


def judge_connected(routes: list[Route], *, prefix: str, nic: str) -> Verdict:
    route = _selected(routes)
    if route is None:
        return False, f"no route to {prefix}"
    if route["protocol"] != "connected":
        return False, f"{prefix} is {route['protocol']}, not connected"
    interfaces = {hop["interface"] for hop in route["nexthops"]}
    if interfaces != {nic}:
        return False, f"{prefix} is connected on {', '.join(sorted(str(i) for i in interfaces))}, not {nic}"
    return True, f"{prefix} connected on {nic}"


def judge_adjacencies(neighbors: list[OspfNeighbor] | NotRead | None) -> Verdict:
    if isinstance(neighbors, NotRead):
        return False, str(neighbors)
    full = [n["neighbor_id"] for n in neighbors or [] if n["state"] == "Full"]
    if not full:
        return False, "no OSPF adjacency in state Full"
    return True, f"{len(full)} OSPF adjacencies Full"


def judge_nic(state: NicState, *, up: bool) -> Verdict:
    """Up: the NIC holds the gateway (link up, address on it). Down: released, by link or by address (see
    ospf_failover.gateway); a NIC that still carries the gateway is not."""
    nic = state["nic"]
    if not state["exists"]:
        return False, f"{nic} does not exist"
    if up:
        if not state["has_gateway"]:
            return False, f"{nic} is {'up without the gateway address' if state['up'] else 'down'}"
        return True, f"{nic} up with the gateway"
    if state["has_gateway"]:
        return False, f"{nic} still carries the gateway (link up, address on it)"
    return True, released_text(state)


def all_hold(*verdicts: Verdict) -> Verdict:
    failing = [text for holds, text in verdicts if not holds]
    if failing:
        return False, "; ".join(failing)
    return True, "; ".join(text for _, text in verdicts)


def judge_host(
    host: str, state: RouterState, *, active: str, standbys: Collection[str], prefix: str, nic: str | None, via: str
) -> Verdict:
    """One host after a switch: the active router holds the gateway, has the VM network connected on its NIC
    and OSPF adjacencies; a standby has released its NIC and routes via ``via``; an observer routes via ``via``."""
    routes = state["routes"][prefix]
    if host == active:
        assert nic is not None
        return all_hold(
            judge_nic(state["nics"][nic], up=True),
            judge_connected(routes, prefix=prefix, nic=nic),
            judge_adjacencies(state["neighbors"]),
        )
    if host in standbys:
        assert nic is not None
        return all_hold(judge_nic(state["nics"][nic], up=False), judge_route_via(routes, prefix=prefix, nexthop=via))
    return judge_route_via(routes, prefix=prefix, nexthop=via)
