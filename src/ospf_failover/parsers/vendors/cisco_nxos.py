"""Cisco NX-OS (``cisco_nxos``): ``show ip route [A.B.C.D[/L]] [vrf V|all]`` and ``show ip ospf neighbors
[vrf V|all]``.

Both are read here, not by ntc-templates: its ``cisco_nxos_show_ip_route`` records the best (``*via``) and the
other paths (``via``) alike, and its ``cisco_nxos_show_ip_ospf_neighbor`` drops the priority; neither refuses a
line it does not know.

Routes: per VRF, ``IP Route Table for VRF "V"`` and its four legend lines, then per prefix ``P/L, ubest/mbest:
U/M[, attached|pending...]`` and one line per path: ``*via A[%VRF], [IF, ][p/m], uptime, PROTOCOL[, type][, tag
N...]``. The ``*`` paths are the ones in use (a route, selected); the others (another protocol's route, a
``(hidden)`` one) are routes of their own, not selected. The count of ``*`` paths must be the ``ubest`` of the
prefix line, else the output is cut. ``Route not found`` is an empty table. ``direct`` and ``local`` paths show
the router's own address: they are next hops without an address, as FRR shows connected routes.

Neighbours: per OSPF process ``OSPF Process ID P VRF V``, ``Total number of neighbors: N``, the heading, N rows
(``ID Pri STATE/ROLE UpTime Address Interface``; point-to-point is ``FULL/ -``). Each neighbour carries its VRF.
"""

from __future__ import annotations

import re

from ospf_failover.models import OspfNeighbor, Route
from ospf_failover.parsers.refusal import Refuser
from ospf_failover.parsers.vendors.screen import Line, filled
from ospf_failover.parsers.vendors.shapes import Tables, check_ipv4, check_prefix, new_neighbor, new_nexthop, new_route

_TABLE = re.compile(r'^IP Route Table for VRF "(?P<vrf>[^"]+)"\s*$')
_LEGEND = (
    "'*' denotes best ucast next-hop",
    "'**' denotes best mcast next-hop",
    "'[x/y]' denotes [preference/metric]",
    "'%<string>' in via output denotes VRF <string>",
)
_PREFIX = re.compile(
    r"^(?P<network>\d+\.\d+\.\d+\.\d+)/(?P<length>\d{1,2}), ubest/mbest: (?P<ubest>\d+)/\d+"
    r"(?P<flags>(?: time)?(?:, [\w-]+)*)\s*$"
)
_PATH = re.compile(r"^\s+(?P<best>\*{0,2})via (?P<hop>[^,\s]+), (?P<rest>.*)$")
_PREFERENCE = re.compile(r"^\[(?P<preference>\d+)/(?P<metric>\d+)\]$")
_UPTIME = re.compile(r"^(?:\d+[ywdh]\d+[wdhms]|\d{2}:\d{2}:\d{2}|\d+\.\d+)$")
_INTERFACE = re.compile(r"^[A-Za-z][\w./:-]*$")
_EXTRA = re.compile(r"^(?:[\w-]+|tag \d+(?: \([\w-]+\))?(?: segid: .*)?|\(hidden\)|segid: .*)$")
# Protocols without the process tag ("ospf-1" is ospf), and the ones whose "via" is the router's own address.
_PROTOCOLS = {"direct": "connected", "local": "local", "am": "am", "hsrp": "hsrp", "static": "static"}
_OWN_ADDRESS = ("connected", "local", "hsrp", "vrrp", "glbp")

_PROCESS = re.compile(r"^\s*OSPF Process ID (?P<process>\S+) VRF (?P<vrf>\S+)\s*$")
_TOTAL = re.compile(r"^\s*Total number of neighbors: (?P<count>\d+)\s*$")
_HEADING = re.compile(r"^\s*Neighbor ID\s+Pri\s+State\s+Up Time\s+Address\s+Interface\s*$")
_ROW = re.compile(
    r"^\s*(?P<id>\d+\.\d+\.\d+\.\d+)\s+(?P<priority>\d+)\s+(?P<state>[A-Z0-9]+/ ?[A-Z-]+)\s+(?P<uptime>\S+)\s+"
    r"(?P<address>\d+\.\d+\.\d+\.\d+)\s+(?P<interface>\S+)\s*$"
)


def read_routes(lines: list[Line], *, asked_vrf: str, refuse: Refuser) -> dict[str, list[Route]]:
    tables = Tables(asked_vrf=asked_vrf, refuse=refuse)
    content = filled(lines)
    if not content:
        raise refuse("empty output")
    if _TABLE.match(content[0].text) is None:
        raise refuse("expected 'IP Route Table for VRF \"V\"'", content[0].number, content[0].text)
    best_left = 0
    prefix_line: Line | None = None
    for line in content:
        text = line.text
        if (table := _TABLE.match(text)) is not None:
            _check_best(best_left, prefix_line, refuse)
            tables.open(table["vrf"], line)
            best_left, prefix_line = 0, None
            continue
        if text.strip() in _LEGEND:
            continue
        if text.strip() == "Route not found" and tables.last() is None:
            continue
        if (prefix := _PREFIX.match(text)) is not None:
            _check_best(best_left, prefix_line, refuse)
            best_left, prefix_line = int(prefix["ubest"]), line
            continue
        path = _PATH.match(text)
        if path is None or prefix_line is None:
            raise refuse("not part of an NX-OS route table", line.number, line.text)
        head = _PREFIX.match(prefix_line.text)
        assert head is not None
        best = path["best"] == "*"
        best_left -= best
        route_prefix = check_prefix(head["network"], head["length"], refuse, line)
        _add_path(tables, path, prefix=route_prefix, best=best, refuse=refuse, line=line)
    _check_best(best_left, prefix_line, refuse)
    return tables.result()


def _check_best(best_left: int, prefix_line: Line | None, refuse: Refuser) -> None:
    if prefix_line is not None and best_left != 0:
        raise refuse("the count of best ('*via') paths is not the prefix's ubest", prefix_line.number, prefix_line.text)


def _add_path(tables: Tables, path: re.Match[str], *, prefix: str, best: bool, refuse: Refuser, line: Line) -> None:
    items = [item.strip() for item in path["rest"].split(",")]
    while items and not items[-1]:
        items.pop()  # "tag 2731," ends with a comma
    interface = items.pop(0) if items and _INTERFACE.match(items[0]) else None
    if len(items) < 3 or (preference := _PREFERENCE.match(items[0])) is None or not _UPTIME.match(items[1]):
        raise refuse("expected '[preference/metric], uptime, protocol' after the next hop", line.number, line.text)
    source = items[2]
    protocol = _PROTOCOLS.get(source, source.split("-")[0].lower())
    if bad := [item for item in items[3:] if not _EXTRA.match(item)]:
        raise refuse(f"path detail {bad[0]!r} is not understood", line.number, line.text)
    hop, _, vrf = path["hop"].partition("%")
    if _INTERFACE.match(hop) and not vrf:  # "*via Null0, [1/0], ...": a route to an interface
        nexthop = new_nexthop(None, hop, active=best)
    elif protocol in _OWN_ADDRESS:
        check_ipv4(hop, "address", refuse, line)
        nexthop = new_nexthop(None, interface, active=best)
    else:
        nexthop = new_nexthop(check_ipv4(hop, "next hop", refuse, line), interface, active=best, vrf=vrf or None)
    distance, metric = int(preference["preference"]), int(preference["metric"])
    last = tables.last()
    if last is not None and _key(last) == (prefix, best, protocol, distance, metric):
        last["nexthops"].append(nexthop)  # another path of the same route (ECMP)
        return
    route = new_route(prefix, protocol, selected=best, distance=distance, metric=metric)
    route["nexthops"].append(nexthop)
    tables.add(route, line)


def _key(route: Route) -> tuple[str, bool, str, int | None, int | None]:
    return route["prefix"], route["selected"], route["protocol"], route["distance"], route["metric"]


def read_neighbors(lines: list[Line], *, refuse: Refuser) -> list[OspfNeighbor]:
    neighbors: list[OspfNeighbor] = []
    vrf: str | None = None
    expected = 0
    block: Line | None = None
    content = filled(lines)
    if not content:
        raise refuse("empty output: no OSPF process shown")
    for line in content:
        text = line.text
        if (process := _PROCESS.match(text)) is not None:
            _check_count(expected, block, refuse)
            vrf, expected, block = process["vrf"], -1, line
            continue
        if block is None:
            raise refuse("expected 'OSPF Process ID P VRF V'", line.number, line.text)
        if (total := _TOTAL.match(text)) is not None and expected == -1:
            expected = int(total["count"])
            continue
        if _HEADING.match(text) and expected >= 0:
            continue
        row = _ROW.match(text)
        if row is None or expected <= 0:
            raise refuse("not part of an OSPF neighbour table", line.number, line.text)
        expected -= 1
        neighbors.append(
            new_neighbor(
                neighbor_id=row["id"],
                priority=int(row["priority"]),
                state_role=row["state"],
                address=row["address"],
                interface=row["interface"],
                vrf=vrf,
                refuse=refuse,
                line=line,
            )
        )
    _check_count(expected, block, refuse)
    return neighbors


def _check_count(left: int, block: Line | None, refuse: Refuser) -> None:
    if block is not None and left != 0:
        raise refuse("fewer neighbour rows than 'Total number of neighbors' says", block.number, block.text)
