"""Yamaha RTX (``yamaha``): ``show ip route``. OSPF neighbours are not read: no recorded output of ``show status
ospf neighbor`` could be found to build and test a reader on, so that output is refused.

The route table is read here, not by ntc-templates' ``yamaha_show_ip_route``: its Gateway column admits only an
address or ``-``, so it fails on a published table whose gateway was hidden, and it keeps one Additional Info.
item. Under the heading ``Destination Gateway Interface Kind Additional Info.`` each line is one route to one
gateway: ``default`` is ``0.0.0.0/0``; the gateway is an address, ``-`` (a route to an interface: ``PP[01]``,
``TUNNEL[1]``) or, in documents that hid it, ``***.***.***.***`` (read as unknown: no address, and not directly
connected); ``implicit`` routes are the connected networks, whose Gateway column shows the router's own address.
Lines of the same destination and kind are one route with several next hops; a gateway of weight 0 (``w(0)`` in
Additional Info.: a floating gateway, not used while the others are up) is kept but not active. The other
Additional Info. items (``k(1)``, ``cost=2``, ``path=10124``) are checked for their form only.
"""

from __future__ import annotations

import re

from ospf_failover.models import OspfNeighbor, Route
from ospf_failover.parsers.refusal import Refuser
from ospf_failover.parsers.vendors.screen import Line, filled
from ospf_failover.parsers.vendors.shapes import Tables, check_ipv4, check_prefix, new_nexthop, new_route

_HEADING = re.compile(r"^Destination\s+Gateway\s+Interface\s+Kind\s+Additional Info\.\s*$")
_ROW = re.compile(
    r"^(?P<destination>default|\d+\.\d+\.\d+\.\d+(?:/\d{1,2})?)\s+(?P<gateway>\d+\.\d+\.\d+\.\d+|-|\*{1,3}(?:\.\*{1,3}){3})"
    r"\s+(?P<interface>\S+)\s+(?P<kind>[A-Za-z-]+)(?:\s+(?P<info>\S.*?))?\s*$"
)
_INFO = re.compile(r"^(?:[kw]\(\d+\)|[\w-]+=\S+)$")
_PROTOCOLS = {"implicit": "connected", "static": "static", "ospf": "ospf", "bgp": "bgp", "rip": "rip"}


def read_routes(lines: list[Line], *, asked_vrf: str, refuse: Refuser) -> dict[str, list[Route]]:
    tables = Tables(asked_vrf=asked_vrf, refuse=refuse)
    content = filled(lines)
    if not content:
        raise refuse("empty output")
    if not _HEADING.match(content[0].text):
        heading = "'Destination  Gateway  Interface  Kind  Additional Info.'"
        raise refuse(f"expected the {heading} heading", content[0].number, content[0].text)
    tables.open(None, content[0])
    for line in content[1:]:
        row = _ROW.match(line.text)
        if row is None:
            raise refuse("not a route line", line.number, line.text)
        destination = row["destination"]
        prefix = "0.0.0.0/0" if destination == "default" else destination
        network, _, length = prefix.partition("/")
        prefix = check_prefix(network, length or "32", refuse, line)
        kind = row["kind"].lower()
        protocol = _PROTOCOLS.get(kind, kind)
        info = (row["info"] or "").split()
        if bad := [item for item in info if not _INFO.match(item)]:
            raise refuse(f"additional information {bad[0]!r} is not understood", line.number, line.text)
        gateway = row["gateway"]
        if protocol == "connected":
            if gateway != "-":
                check_ipv4(gateway, "the router's own address", refuse, line)
            ip = None
        else:
            ip = check_ipv4(gateway, "gateway", refuse, line) if gateway[0].isdigit() else None
        hidden = gateway.startswith("*")
        nexthop = new_nexthop(ip, row["interface"], active="w(0)" not in info, address_hidden=hidden)
        last = tables.last()
        if last is not None and (last["prefix"], last["protocol"]) == (prefix, protocol):
            last["nexthops"].append(nexthop)
            continue
        route = new_route(prefix, protocol)
        route["nexthops"].append(nexthop)
        tables.add(route, line)
    return tables.result()


def read_neighbors(lines: list[Line], *, refuse: Refuser) -> list[OspfNeighbor]:
    first = next(iter(filled(lines)), None)
    where = (None, None) if first is None else (first.number, first.text)
    raise refuse("Yamaha RTX OSPF neighbour status is not read: no recorded output of it was found", *where)
