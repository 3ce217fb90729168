"""Cisco IOS and IOS-XE (``cisco_ios``, ``cisco_xe``): ``show ip route [vrf V]``, ``show ip route [vrf V] A.B.C.D
[MASK]`` and ``show ip ospf neighbor``.

Routes are read here, not by ntc-templates' ``cisco_ios_show_ip_route``: on the recordings that template drops
the second interface of a static route to two interfaces, reads nothing at all of a table whose lines lost their
indentation, has no form for ``Routing entry for``, and skips any line it does not know without a word.

The table form: an optional ``Routing Table: V`` (else the table asked for; ``show ip route vrf *`` prints the
global table first, unnamed), the ``Codes:`` legend, ``Gateway of last resort ...``, then routes. A route line is
codes (``O``, ``O*E2``, ``i L1``, ``D EX``), a prefix, and its first next hop (``[110/20] via A, 00:01:02, IF``,
``is directly connected, IF``, ``[200/0], 3w4d, Null0``, ``is a summary, 7w0d, Null0``); further next hops,
or all of them when the prefix stands alone, follow on indented lines. An entry without mask takes the one of
the ``A.B.C.D/L is subnetted`` line above it. Every route shown is the one the router forwards with.

The detail form is read by :mod:`cisco_ios_detail`. The neighbour table is read through ntc-templates'
``cisco_ios_show_ip_ospf_neighbor`` (see :mod:`templates`): every row must be read whole.
"""

from __future__ import annotations

import re

from ospf_failover.models import Nexthop, OspfNeighbor, Route
from ospf_failover.parsers.refusal import Refuser
from ospf_failover.parsers.vendors import cisco_ios_detail
from ospf_failover.parsers.vendors.screen import Line, filled
from ospf_failover.parsers.vendors.shapes import Tables, check_ipv4, check_prefix, new_nexthop, new_route
from ospf_failover.parsers.vendors.templates import read_neighbor_rows

# IOS's own codes, named as FRR's JSON names the protocols where FRR has one.
PROTOCOL_BY_CODE = {
    "C": "connected",
    "L": "local",
    "S": "static",
    "U": "static",  # per-user static route
    "P": "static",  # periodic downloaded static route
    "R": "rip",
    "M": "mobile",
    "B": "bgp",
    "D": "eigrp",
    "O": "ospf",
    "i": "isis",
    "o": "odr",
    "H": "nhrp",
    "l": "lisp",
    "a": "application",
    "m": "omp",
    "n": "nat",
}

# "Tue May 22 22:32:30.765 UTC" (exec prompt timestamp) and the two lines of "exec prompt timestamp".
EXEC_BANNERS = (
    re.compile(r"^(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun) \w{3} +\d{1,2} \d{2}:\d{2}:\d{2}(?:\.\d+)? \S+\s*$"),
    re.compile(r"^Load for five secs: "),
    re.compile(r"^Time source is "),
)
TABLE_NAME = re.compile(r"^Routing Table: (?P<vrf>\S+)\s*$")
_SUBNETTED = re.compile(
    r"^\s*\d+\.\d+\.\d+\.\d+/(?P<length>\d{1,2}) is (?P<variably>variably )?subnetted, \d+ subnets(?:, \d+ masks)?\s*$"
)
_GATEWAY = re.compile(r"^Gateway of last resort (?:is not set|is \S+ to network \S+|is \S+)\s*$")
_LEGEND_ENTRY = re.compile(r"^\s+\S{1,4} - ")
_ROUTE = re.compile(
    r"^(?P<code>[A-Za-z])(?P<candidate>\*)?(?P<type> ?[A-Za-z]{1,2}[0-9]?)?(?P<marks> ?[+%&p])?\s+"
    r"(?P<network>\d+\.\d+\.\d+\.\d+)(?:/(?P<length>\d{1,2}))?(?P<rest>(?:\s.*)?)$"
)
_DISTANCE = re.compile(r"^\[(?P<distance>\d+)/(?P<metric>\d+)\](?P<after>.*)$")
_CONTINUATION = re.compile(
    r"^\s+(?:\[(?P<distance>\d+)/(?P<metric>\d+)\]\s*)?(?P<hop>via \S.*|is directly connected\b.*|,\s.*)$"
)
_VIA = re.compile(r"^via (?P<ip>\d+\.\d+\.\d+\.\d+)(?: \((?P<vrf>[^()\s]+)\))?$")
UPTIME = re.compile(r"^(?:\d{2}:\d{2}:\d{2}|\d+[ywdh]\d+[wdhm])$")
INTERFACE = re.compile(r"^[A-Za-z][\w./:-]*$")
_NOT_IN_TABLE = re.compile(r"^% (?:Network|Subnet) not in table\s*$")

_NEIGHBOR_HEADING = re.compile(r"^Neighbor ID\s+Pri\s+State\s+Dead Time\s+Address\s+Interface\s*$")


def read_routes(lines: list[Line], *, asked_vrf: str, refuse: Refuser) -> dict[str, list[Route]]:
    """The tables of ``show ip route`` in any of its three answers: table, detail, or not in the table."""
    tables = Tables(asked_vrf=asked_vrf, refuse=refuse)
    content = [line for line in filled(lines) if not any(banner.match(line.text) for banner in EXEC_BANNERS)]
    if not content:
        raise refuse("empty output")
    first = content[0]
    named = TABLE_NAME.match(first.text)
    head = content[1] if named is not None and len(content) > 1 else first
    if cisco_ios_detail.is_detail(head.text) or _NOT_IN_TABLE.match(head.text):
        return cisco_ios_detail.read(content, tables=tables, refuse=refuse)
    if not head.text.startswith("Codes:"):
        raise refuse("expected 'Codes:', 'Routing entry for' or '% Network not in table'", head.number, head.text)
    _read_table(content, tables=tables, refuse=refuse)
    return tables.result()


def _read_table(content: list[Line], *, tables: Tables, refuse: Refuser) -> None:
    in_legend = False
    mask: str | None = None  # the length of the last "is subnetted" line; "" after "variably subnetted"
    for line in content:
        text = line.text
        if (named := TABLE_NAME.match(text)) is not None:
            tables.open(named["vrf"], line)
            in_legend, mask = False, None
            continue
        if text.startswith("Codes:"):
            if not tables.is_open:
                tables.open(None, line)
            in_legend = True
            continue
        if in_legend and _LEGEND_ENTRY.match(text):
            continue
        in_legend = False
        if _GATEWAY.match(text):
            continue
        if (subnetted := _SUBNETTED.match(text)) is not None:
            mask = "" if subnetted["variably"] else subnetted["length"]
            continue
        if (route_line := _ROUTE.match(text)) is not None:
            tables.add(_route(route_line, mask=mask, refuse=refuse, line=line), line)
            continue
        continuation = _CONTINUATION.match(text)
        route = tables.last()
        if continuation is None or route is None:
            raise refuse("not a route line", line.number, line.text)
        if not route["nexthops"] and continuation["distance"] is not None:
            route["distance"], route["metric"] = int(continuation["distance"]), int(continuation["metric"])
        route["nexthops"].append(read_nexthop(continuation["hop"].strip(), refuse=refuse, line=line))


def _route(match: re.Match[str], *, mask: str | None, refuse: Refuser, line: Line) -> Route:
    protocol = PROTOCOL_BY_CODE.get(match["code"])
    if protocol is None:
        raise refuse(f"unknown route code {match['code']!r}", line.number, line.text)
    length = match["length"]
    if length is None:
        if not mask:
            raise refuse("an entry without its mask outside an 'is subnetted' line", line.number, line.text)
        length = mask
    route = new_route(check_prefix(match["network"], length, refuse, line), protocol)
    rest = match["rest"].strip()
    if (distance := _DISTANCE.match(rest)) is not None:
        route["distance"], route["metric"] = int(distance["distance"]), int(distance["metric"])
        rest = distance["after"].strip()
    if rest:  # else the next hops follow on the lines below
        route["nexthops"].append(read_nexthop(rest, refuse=refuse, line=line))
    return route


def read_nexthop(text: str, *, refuse: Refuser, line: Line) -> Nexthop:
    """``via A[ (VRF)][, uptime][, IF]``, ``is directly connected[, uptime], IF``, ``is a summary, uptime, IF`` or
    ``, uptime, IF`` (a route to an interface after its ``[d/m]``)."""
    first, *items = [item.strip() for item in text.split(",")]
    ip: str | None = None
    vrf: str | None = None
    if (via := _VIA.match(first)) is not None:
        ip, vrf = check_ipv4(via["ip"], "next hop", refuse, line), via["vrf"]
    elif first not in ("is directly connected", "is a summary", ""):
        raise refuse(f"next hop {first!r} is not understood", line.number, line.text)
    interfaces = [item for item in items if INTERFACE.match(item)]
    unknown = [item for item in items if not INTERFACE.match(item) and not UPTIME.match(item)]
    if unknown or len(interfaces) > 1:
        raise refuse(f"next hop detail {(unknown or interfaces)[0]!r} is not understood", line.number, line.text)
    interface = interfaces[0] if interfaces else None
    if ip is None and interface is None:
        raise refuse("a next hop without address or interface", line.number, line.text)
    return new_nexthop(ip, interface, vrf=vrf)


def read_neighbors(lines: list[Line], *, refuse: Refuser) -> list[OspfNeighbor]:
    """``show ip ospf neighbor``: the heading, then one row per neighbour (exec timestamps may come first)."""
    content = filled(lines)
    heading = next((line for line in content if _NEIGHBOR_HEADING.match(line.text)), None)
    if heading is None:
        first = content[0] if content else None
        raise refuse("expected the 'Neighbor ID  Pri  State ...' heading", *_where(first))
    for line in content:
        if line is heading:
            break
        if not any(banner.match(line.text) for banner in EXEC_BANNERS):
            raise refuse("not part of a neighbour table", line.number, line.text)
    rows = [line for line in content if line.number > heading.number]
    return read_neighbor_rows(template=("cisco_ios", "show ip ospf neighbor"), lines=lines, rows=rows, refuse=refuse)


def _where(line: Line | None) -> tuple[int | None, str | None]:
    return (None, None) if line is None else (line.number, line.text)
