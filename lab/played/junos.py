"""Junos's answers, rendered from FRR's state (pure): ``show route [DESTINATION] [exact] [table inet.0] [protocol
P]`` and ``show ospf neighbor``, in the layout of Junos 20 and later (the ``inet.0`` heading and legend, one
line per route ``*[OSPF/10] 00:01:45, metric 20``, its next hops below, ``>`` on the one the forwarding table
uses: on ECMP paths Junos marks one of them only; no output at all for a destination it has no route to). Linux
interface ``ethN`` is played as ``ge-0/0/N.0``.
"""

from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass

from .frr_state import Entry, Neighbor, longest_match

PREFERENCES = {
    "ospf": ("OSPF", 10),
    "connected": ("Direct", 0),
    "local": ("Local", 0),
    "static": ("Static", 5),
    "kernel": ("Static", 5),
    "bgp": ("BGP", 170),
}
LEGEND = "@ = Routing Use Only, # = Forwarding Use Only\n+ = Active Route, - = Last Active, * = Both\n"
NEIGHBOR_HEADING = "Address          Interface              State     ID               Pri  Dead\n"
STATES = {"2-Way": "2Way"}
HOP_INDENT = " " * 20


def interface(name: str | None) -> str:
    """``ethN`` as Junos names the unit 0 of its Nth gigabit port; other names as they are."""
    found = re.fullmatch(r"eth(\d+)", name or "")
    return f"ge-0/0/{found[1]}.0" if found else (name or "")


def age(seconds: int) -> str:
    """Junos's age of a route: ``00:01:45``, ``1d 02:03:04``, ``1w2d 03:04:05``."""
    clock = f"{seconds // 3600 % 24:02d}:{seconds // 60 % 60:02d}:{seconds % 60:02d}"
    weeks, days = seconds // 604800, seconds // 86400 % 7
    if weeks:
        return f"{weeks}w{days}d {clock}"
    return f"{days}d {clock}" if days else clock


@dataclass(frozen=True)
class RouteQuery:
    """What ``show route`` was asked: a destination (with ``exact`` or not), a table, a protocol."""

    destination: ipaddress.IPv4Network | None = None
    exact: bool = False
    table: str = "inet.0"
    protocol: str | None = None  # Junos's word, lowercase: ospf, direct, static...


def matching(entries: list[Entry], query: RouteQuery) -> list[Entry]:
    """The selected routes ``query`` shows: all; those of exactly the destination; or those within it (a single
    address: its longest match; a prefix with no route within it: the route that holds it)."""
    selected = [entry for entry in entries if entry.selected]
    if query.table != "inet.0":
        return []
    if query.protocol is not None:
        selected = [e for e in selected if PREFERENCES.get(e.protocol, ("", 0))[0].lower() == query.protocol]
    wanted = query.destination
    if wanted is None:
        return selected
    if query.exact:
        return [e for e in selected if e.network == wanted]
    within = [e for e in selected if e.network.subnet_of(wanted)] if wanted.prefixlen < 32 else []
    return within or longest_match(selected, wanted.network_address)


def _route_lines(entry: Entry) -> list[str]:
    name, preference = PREFERENCES.get(entry.protocol, (entry.protocol.capitalize(), 0))
    metric = f", metric {entry.metric}" if entry.protocol == "ospf" else ""
    prefix = str(entry.network)
    lines = [f"{prefix:<19}*[{name}/{preference}] {age(entry.age)}{metric}"]
    if len(prefix) >= 19:
        lines[0] = f"{prefix} *[{name}/{preference}] {age(entry.age)}{metric}"
    for index, hop in enumerate(entry.hops):
        mark = ">  " if index == 0 else "   "
        target = f"to {hop.ip} via {interface(hop.interface)}" if hop.ip else f"via {interface(hop.interface)}"
        lines.append(f"{HOP_INDENT}{mark}{target}")
    return lines


def render_routes(entries: list[Entry], query: RouteQuery) -> str:
    """``show route ...``: the ``inet.0`` heading with the whole table's counts, then the routes asked for;
    nothing at all when none matches."""
    shown = matching(entries, query)
    if not shown:
        return ""
    selected = [entry for entry in entries if entry.selected]
    count = len(selected)
    lines = ["", f"inet.0: {count} destinations, {count} routes ({count} active, 0 holddown, 0 hidden)"]
    body = [line for entry in shown for line in _route_lines(entry)]
    return "\n".join(lines) + "\n" + LEGEND + "\n" + "\n".join(body) + "\n"


def render_neighbors(neighbors: list[Neighbor]) -> str:
    """``show ospf neighbor``; nothing when there is no neighbour. Junos shows no DR role."""
    if not neighbors:
        return ""
    rows = [
        f"{n.address:<17}{interface(n.interface):<23}{STATES.get(n.state, n.state):<10}{n.router_id:<15}"
        f"{n.priority:>5}{n.dead_seconds:>6}"
        for n in neighbors
    ]
    return NEIGHBOR_HEADING + "\n".join(rows) + "\n"
