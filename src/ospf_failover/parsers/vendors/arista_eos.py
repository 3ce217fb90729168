"""Arista EOS (``arista_eos``): ``show ip route [vrf V|all] [PREFIX]`` and ``show ip ospf neighbor [vrf V|all]``.

Both are read here, not by ntc-templates: its ``arista_eos_show_ip_route`` fails on the two-line layout of EOS
4.2x and later (``Source Codes:``), and its ``arista_eos_show_ip_ospf_neighbor`` skips, without a word, a
neighbour whose state has a blank in it (``2 WAYS/DROTHER``).

Routes: per VRF, ``VRF: V`` (or ``VRF name: V``; none at all in older releases: the table asked for), the
``Codes:`` / ``Source Codes:`` legend, ``Gateway of last resort ...`` (``Gateway of last resort:`` is followed by
the default route), the routes, and ``! IP routing not enabled`` in a VRF that does not route. A route line is
``CODES PREFIX`` followed on the same line (older releases) or on the next (4.2x) by ``[d/m] via A, IF`` or
``(is) directly connected, IF``; further ECMP paths are ``via A, IF`` lines below. A path through a tunnel
(``via 10.0.0.57/32, OSPF SR tunnel index 7, label 524285``) is a next hop of its own, the tunnel's endpoint
without an interface, followed by the deeper indented paths it resolves to, as FRR shows a recursive next hop.
EOS prints only the routes it forwards with.

Neighbours: the heading (``Neighbor ID VRF Pri State ...``, with an ``Instance`` column in newer releases), then
one row per neighbour; a state without role (``FULL``) is point-to-point. Each neighbour carries its VRF.
"""

from __future__ import annotations

import re

from ospf_failover.models import Nexthop, OspfNeighbor, Route
from ospf_failover.parsers.refusal import Refuser
from ospf_failover.parsers.vendors.screen import Line, filled
from ospf_failover.parsers.vendors.shapes import Tables, check_ipv4, check_prefix, new_neighbor, new_nexthop, new_route

# EOS's codes, named as FRR's JSON names the protocols where FRR has one. "L" is a route leaked from another VRF.
_PROTOCOLS = {
    "C": "connected",
    "S": "static",
    "K": "kernel",
    "O": "ospf",
    "O3": "ospf6",
    "B": "bgp",
    "R": "rip",
    "I": "isis",
    "A": "aggregate",
    "NG": "static",  # nexthop-group static route
    "V": "vxlan",
    "M": "martian",
    "DH": "dhcp",
    "DP": "dynamic-policy",
    "L": "vrf-leaked",
    "G": "gribi",
    "RC": "route-cache",
    "CL": "cbf-leaked",
}
_TABLE = re.compile(r"^VRF(?: name)?: (?P<vrf>\S+)\s*$")
_LEGEND_START = re.compile(r"^(?:Source )?Codes:")
_LEGEND_ENTRY = re.compile(r"^\s+(?:\S{1,5}(?: \S{1,5})?\s+- |\S.*,\s*$)")
_KNOWN_LINES = (
    re.compile(r"^Gateway of last resort(?: is not set|:| is \S+ to network \S+)\s*$"),
    re.compile(r"^! IP routing not enabled\s*$"),
    re.compile(r"^WARNING: Some of the routes are not programmed in\s*$"),
    re.compile(r"^kernel, and they are marked with '%'\.\s*$"),
)
_ROUTE = re.compile(
    r"^ (?P<code>[A-Z][A-Z0-9]?(?: [A-Z][A-Z0-9]?)?)\s+(?P<network>\d+\.\d+\.\d+\.\d+)/(?P<length>\d{1,2})"
    r"(?:\s+\[(?P<distance>\d+)/(?P<metric>\d+)\])?(?P<rest>.*)$"
)
_PATH = re.compile(r"^(?P<indent>\s+)(?P<hop>(?:via|directly connected|is directly connected)\b.*)$")
_VIA = re.compile(r"^via (?P<ip>\d+\.\d+\.\d+\.\d+)(?P<tunnel>/32)?$")
_INTERFACE = re.compile(r"^[A-Za-z][\w./:-]*$")
_TAIL = re.compile(r"^(?:label \d+|[\w -]+ tunnel index \d+|dst \d+\.\d+\.\d+\.\d+|src \d+\.\d+\.\d+\.\d+)$")

_HEADING = re.compile(
    r"^Neighbor ID\s+(?P<instance>Instance\s+)?VRF\s+Pri\s+State\s+Dead Time\s+Address\s+Interface\s*$"
)
_ROW = re.compile(
    r"^(?P<id>\d+\.\d+\.\d+\.\d+)\s+(?:(?P<instance>\d+)\s+)?(?P<vrf>\S+)\s+(?P<priority>\d+)\s+"
    r"(?P<state>[A-Z0-9][A-Z0-9 ]*?(?:/[A-Z-]+)?)\s+\d+:\d{2}:\d{2}\s+(?P<address>\d+\.\d+\.\d+\.\d+)\s+"
    r"(?P<interface>\S+)\s*$"
)


def read_routes(lines: list[Line], *, asked_vrf: str, refuse: Refuser) -> dict[str, list[Route]]:
    tables = Tables(asked_vrf=asked_vrf, refuse=refuse)
    content = filled(lines)
    if not content:
        raise refuse("empty output")
    in_legend = False
    first_path_indent: int | None = None  # of the current route: deeper paths resolve a tunnel next hop
    for line in content:
        text = line.text
        if (table := _TABLE.match(text)) is not None:
            tables.open(table["vrf"], line)
            in_legend = False
            continue
        if _LEGEND_START.match(text):
            if not tables.is_open:
                tables.open(None, line)
            in_legend = True
            continue
        if in_legend and _LEGEND_ENTRY.match(text):
            continue
        in_legend = False
        if any(known.match(text) for known in _KNOWN_LINES):
            continue
        if (route_line := _ROUTE.match(text)) is not None:
            route = _route(route_line, refuse=refuse, line=line)
            if not tables.is_open:
                raise refuse("a route before the 'Codes:' legend", line.number, line.text)
            tables.add(route, line)
            first_path_indent = None
            continue
        path = _PATH.match(text)
        route_or_none = tables.last()
        if path is None or route_or_none is None:
            raise refuse("not a route line", line.number, line.text)
        indent = len(path["indent"])
        first_path_indent = indent if first_path_indent is None else first_path_indent
        resolving = indent > first_path_indent
        if resolving and not any(hop["interface"] is None for hop in route_or_none["nexthops"]):
            raise refuse("a deeper indented path under no tunnel next hop", line.number, line.text)
        route_or_none["nexthops"].append(_nexthop(path["hop"], refuse=refuse, line=line))
    return tables.result()


def _route(match: re.Match[str], *, refuse: Refuser, line: Line) -> Route:
    code = match["code"]
    protocol = _PROTOCOLS.get(code.split()[0])
    if protocol is None:
        raise refuse(f"unknown route code {code!r}", line.number, line.text)
    distance, metric = match["distance"], match["metric"]
    route = new_route(
        check_prefix(match["network"], match["length"], refuse, line),
        protocol,
        distance=None if distance is None else int(distance),
        metric=None if metric is None else int(metric),
    )
    rest = match["rest"].strip()
    if rest:  # else the path follows on the next line (EOS 4.2x)
        route["nexthops"].append(_nexthop(rest, refuse=refuse, line=line))
    return route


def _nexthop(text: str, *, refuse: Refuser, line: Line) -> Nexthop:
    first, *items = [item.strip() for item in text.split(",")]
    interface = items.pop(0) if items and _INTERFACE.match(items[0]) else None
    if bad := [item for item in items if not _TAIL.match(item)]:
        raise refuse(f"next hop detail {bad[0]!r} is not understood", line.number, line.text)
    if first in ("directly connected", "is directly connected"):
        if interface is None:
            raise refuse("a directly connected route without its interface", line.number, line.text)
        return new_nexthop(None, interface)
    via = _VIA.match(first)
    if via is None:
        raise refuse(f"next hop {first!r} is not understood", line.number, line.text)
    return new_nexthop(check_ipv4(via["ip"], "next hop", refuse, line), interface)


def read_neighbors(lines: list[Line], *, refuse: Refuser) -> list[OspfNeighbor]:
    content = filled(lines)
    if not content:
        raise refuse("empty output: no neighbour table heading")
    neighbors: list[OspfNeighbor] = []
    with_instance: bool | None = None
    for line in content:
        if (heading := _HEADING.match(line.text)) is not None:
            with_instance = heading["instance"] is not None
            continue
        row = _ROW.match(line.text)
        if with_instance is None or row is None or (row["instance"] is not None) != with_instance:
            what = (
                "expected the 'Neighbor ID  VRF  Pri ...' heading" if with_instance is None else "not a neighbour row"
            )
            raise refuse(what, line.number, line.text)
        neighbors.append(
            new_neighbor(
                neighbor_id=row["id"],
                priority=int(row["priority"]),
                state_role=row["state"],
                address=row["address"],
                interface=row["interface"],
                vrf=row["vrf"],
                refuse=refuse,
                line=line,
            )
        )
    return neighbors
