"""The original how-to's picture of one failover group, from what a run read (pure): the cluster nodes with where
clpstat says the group runs (and so where the VM is), under each its router with its addresses and whether its
NIC holds the VM's gateway, the OSPF uplink, and the gateways (observers) with their addresses, their next hop
to the VM network by router name and their adjacencies; a verdict line. What a check found wrong is marked
where it is, the group's causes listed under the verdict.

``describe`` gives the picture as data (``status --json``), ``draw`` as text lines of at most ``width``
columns: the node/router pairs side by side when they fit, one under the other when there are too many.
"""

from __future__ import annotations

import ipaddress
import textwrap
from typing import Any

from ospf_failover.engine import Outcome
from ospf_failover.models import NotRead, OspfNeighbor, RouterState

from ..check.checks import causes
from ..check.findings import Finding, FogSeen, Placement
from ..shared.judges import judge_route_via

MARK: dict[Outcome, str] = {"PASS": "", "WARN": "!", "FAIL": "X", "SKIP": ""}
WIDTH = 100
GAP = 3  # columns between two boxes side by side
MIN_BOX = 26  # narrower than this, boxes go one under the other


def _wrong(findings: list[Finding], host: str | None) -> list[str]:
    return [
        f"{MARK[finding.outcome]} {finding.check}: {finding.detail}"
        for finding in findings
        if finding.host == host and finding.outcome != "PASS"
    ]


def _names(fog: FogSeen) -> dict[str, str]:
    """Address or router ID -> host name, for the neighbours and next hops the hosts report."""
    names = {address: router for router, address in fog.plan.next_hops.items()}
    for host, state in fog.seen.states.items():
        process = state.get("ospf_process")
        if process is not None and not isinstance(process, NotRead):
            names[process["router_id"]] = host
        for address in _ospf_addresses(state):
            names.setdefault(address, host)
    return names


def _ospf_addresses(state: RouterState) -> list[str]:
    interfaces = state.get("ospf_interfaces")
    if interfaces is None or isinstance(interfaces, NotRead):
        return []
    found = [i["address"] for i in interfaces if i["running"] and not i["passive"] and i["address"]]
    return [str(ipaddress.IPv4Interface(address).ip) for address in found if address]


def _adjacencies(state: RouterState | None, names: dict[str, str], wanted: tuple[str, ...]) -> list[str] | None:
    """``name state/role`` of each neighbour among ``wanted`` (hosts); None when the neighbours were not read;
    ``unknown`` for a host whose OSPF addresses were not read (an observer of another platform)."""
    if state is None:
        return None
    neighbors = state["neighbors"]
    if neighbors is None or isinstance(neighbors, NotRead):
        return None
    shown: list[str] = []
    known = set(names.values())
    for host in wanted:
        found = [n for n in neighbors if host in (names.get(n["address"]), names.get(n["neighbor_id"]))]
        missing = "none" if host in known else "unknown"
        shown.append(f"{host} {_state(found[0])}" if found else f"{host} {missing}")
    return shown


def _state(neighbor: OspfNeighbor) -> str:
    role = neighbor["role"]
    return f"{neighbor['state']}/{role}" if role not in ("", "-") else neighbor["state"]


def _node_state(fog: FogSeen, node: str, runs_on: str | None) -> str:
    """``runs`` (the VM is there), ``standby`` or ``unknown`` (clpstat said nothing anyone could read)."""
    if not isinstance(fog.placement, Placement):
        return "unknown"
    return "runs" if runs_on is not None and node == runs_on else "standby"


def describe(fog: FogSeen, findings: list[Finding]) -> dict[str, Any]:
    """The picture as data: nodes, routers, observers, who holds the gateway, what is wrong where, the verdict."""
    plan, seen = fog.plan, fog.seen
    located = fog.placement if isinstance(fog.placement, Placement) else None
    runs_on = fog.node_of(located.server) or located.server if located and located.server else None
    names = _names(fog)
    held = fog.holders or []
    expected = plan.fog.pairing.get(runs_on or "")
    nodes = []
    for node in plan.fog.nodes:
        where = _node_state(fog, node, runs_on)
        status = seen.clpstat.get(node)
        nodes.append(
            {
                "name": node,
                "router": plan.fog.pairing[node],
                "runs_group": where == "runs",
                "state": where,
                "vm": where == "runs",
                "clpstat": "read" if status is not None and not isinstance(status, NotRead) else str(status or ""),
                "wrong": _wrong(findings, node),
            }
        )
    routers = []
    for router in plan.fog.routers:
        state = seen.states.get(router)
        nic = state["nics"][plan.nics[router]] if state else None
        holds = router in fog.read_holders
        routers.append(
            {
                "name": router,
                "nic": plan.nics[router],
                "holds_gateway": router in held,
                "nic_state": None if nic is None else ("holds the gateway" if nic["has_gateway"] else "released"),
                "link": None if nic is None else ("up" if nic["up"] else "down"),
                "addresses": [] if nic is None else list(nic["addresses"]),
                "next_hop": plan.next_hops[router],
                "rogue": holds and len(fog.read_holders) > 1 and router != expected,
                "adjacencies": _adjacencies(state, names, plan.fog.observers),
                "error": seen.errors.get(router),
                "wrong": _wrong(findings, router),
            }
        )
    observers = []
    holder = fog.route_holder
    via = plan.next_hops[holder] if holder else ""
    for observer in plan.fog.observers:
        state = seen.states.get(observer)
        route: str | None = None
        hops: list[str] | None = None
        if state is not None:
            routes = state["routes"][plan.prefix]
            route = judge_route_via(routes, prefix=plan.prefix, nexthop=via)[1]
            selected = next((r for r in routes if r["selected"]), None)
            ips = [h["ip"] for h in selected["nexthops"] if h["ip"] and h["active"]] if selected else []
            hops = sorted({names.get(ip, ip) for ip in ips})
        observers.append(
            {
                "name": observer,
                "address": ", ".join(_ospf_addresses(state)) if state else None,
                "route": route,
                "next_hops": hops,
                "adjacencies": _adjacencies(state, names, plan.fog.routers),
                "error": seen.errors.get(observer),
                "wrong": _wrong(findings, observer),
            }
        )
    failed = any(f.outcome == "FAIL" for f in findings)
    warned = any(f.outcome == "WARN" for f in findings)
    verdict = "fail" if failed else "warn" if warned else "pass"
    return {
        "fog": plan.name,
        "vm_network": plan.prefix,
        "vm_gateway": plan.gateway,
        "clpstat": located.text if located else fog.clpstat_cause or "clpstat not read",
        "vm_side": held[0] if len(held) == 1 else None,
        "vm_node": runs_on,
        "nodes": nodes,
        "routers": routers,
        "observers": observers,
        "wrong": _wrong(findings, None),
        "causes": causes(findings),
        "verdict": verdict,
        "checks": {
            outcome.lower(): sum(1 for f in findings if f.outcome == outcome) for outcome in ("PASS", "WARN", "FAIL")
        },
    }


# --- text ------------------------------------------------------------------------------------------------


def _box(title: str, lines: list[str], width: int) -> list[str]:
    inner = width - 4
    top = f"+-- {title} "
    out = [top + "-" * max(0, width - len(top) - 1) + "+"]
    for line in lines:
        for piece in textwrap.wrap(line, inner, subsequent_indent="  ", break_on_hyphens=False) or [""]:
            out.append(f"| {piece.ljust(inner)} |")
    out.append("+" + "-" * (width - 2) + "+")
    return out


def _compact(wrong: list[str], *, unread: bool = False) -> list[str]:
    """Wrong lines for a box: the checks a cause keeps from being judged in one line per cause (the cause is
    listed under the verdict); a host not read says so once (its ``reachable`` line is left out)."""
    shown: list[str] = []
    kept: dict[str, tuple[str, list[str]]] = {}  # cause -> (worst mark, checks)
    for line in wrong:
        mark, _, rest = line.partition(" ")
        check, _, detail = rest.partition(": ")
        if unread and check == "reachable":
            continue
        if detail.startswith("not judged: "):
            cause = detail.removeprefix("not judged: ")
            worst, names = kept.setdefault(cause, (mark, []))
            kept[cause] = ("X" if "X" in (worst, mark) else worst, [*names, check])
        else:
            shown.append(line)
    shown += [f"{mark} not judged: {', '.join(names)}" for mark, names in kept.values()]
    return shown


def _node_lines(node: dict[str, Any], picture: dict[str, Any]) -> list[str]:
    if node["state"] == "runs":
        lines = [f"runs {picture['fog']}: the VM is here"]
    elif node["state"] == "standby":
        lines = ["standby"]
    else:
        lines = ["unknown: clpstat not read" + (f" ({node['clpstat']})" if node["clpstat"] else "")]
    return lines + _compact(node["wrong"])


def _router_lines(router: dict[str, Any], picture: dict[str, Any]) -> list[str]:
    if router["error"]:
        return [f"X not read: {router['error']}", f"OSPF {router['next_hop']}", *_compact(router["wrong"], unread=True)]
    addresses = " ".join(router["addresses"]) or "no address"
    if router["nic_state"] == "holds the gateway":
        nic = f"{router['nic']} {addresses} UP: holds the VM's gateway"
    elif router["link"] == "down":
        nic = f"{router['nic']} {addresses} DOWN: released"
    else:
        nic = f"{router['nic']} up, {addresses}: released (no gateway address)"
    lines = [("X ROGUE: " if router["rogue"] else "") + nic, f"OSPF {router['next_hop']}"]
    if router["adjacencies"] is not None:
        lines.append("adjacent: " + ", ".join(router["adjacencies"]))
    return lines + _compact(router["wrong"])


def _side_by_side(columns: list[list[str]], width: int) -> list[str]:
    height = max(len(column) for column in columns)
    rows = []
    for index in range(height):
        cells = [column[index] if index < len(column) else " " * width for column in columns]
        rows.append((" " * GAP).join(cells).rstrip())
    return rows


def draw(picture: dict[str, Any], width: int = WIDTH) -> list[str]:
    """The picture as text, every line at most ``width`` columns, no trailing blanks."""
    head = (
        f"{picture['fog']}: VM network {picture['vm_network']}, gateway {picture['vm_gateway']}; {picture['clpstat']}"
    )
    lines = textwrap.wrap(head, width, subsequent_indent="  ")
    pairs = len(picture["nodes"])
    box = min(44, (width - GAP * (pairs - 1)) // max(1, pairs))
    routers = {router["name"]: router for router in picture["routers"]}
    columns = []
    for node in picture["nodes"]:
        router = routers[node["router"]]
        column = _box(node["name"], _node_lines(node, picture), box if box >= MIN_BOX else width)
        column += _box(router["name"], _router_lines(router, picture), box if box >= MIN_BOX else width)
        columns.append(column)
    if box >= MIN_BOX:
        lines += _side_by_side(columns, box)
    else:
        lines += [line for column in columns for line in column]
    lines.append("=" * ((box + GAP) * pairs - GAP if box >= MIN_BOX else width))
    lines.append(f"OSPF: the uplink; {picture['vm_network']} routed by the gateways:")
    for observer in picture["observers"]:
        if observer["error"]:
            text = f"X {observer['name']}: not read: {observer['error']}"
        else:
            via = " and ".join(observer["next_hops"] or []) or "nothing"
            mark = "X " if any(w.startswith("X observer-route") for w in observer["wrong"]) else ""
            adjacent = ", ".join(observer["adjacencies"] or ["not read"])
            address = f" {observer['address']}" if observer["address"] else ""  # not read on other platforms
            text = f"{mark}{observer['name']}{address}: via {via}; adjacent: {adjacent}"
        lines += textwrap.wrap(text, width, initial_indent="  ", subsequent_indent="      ")
        for wrong in _compact(observer["wrong"], unread=bool(observer["error"])):
            lines += textwrap.wrap(wrong, width, initial_indent="      ", subsequent_indent="        ")
    for wrong in picture["wrong"]:
        lines += textwrap.wrap(wrong, width, subsequent_indent="  ")
    counts = picture["checks"]
    verdict = f"verdict: {picture['verdict']} ({counts['pass']} pass, {counts['warn']} warn, {counts['fail']} fail)"
    lines.append(verdict)
    for cause in picture["causes"]:
        lines += textwrap.wrap(f"cause: {cause}", width, initial_indent="  ", subsequent_indent="    ")
    return [line.rstrip() for line in lines]
