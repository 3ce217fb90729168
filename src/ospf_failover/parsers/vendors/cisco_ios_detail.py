"""IOS and IOS-XE ``show ip route [vrf V] A.B.C.D [MASK]``: one ``Routing entry for P/L`` and its descriptor blocks,
or ``% Network not in table`` / ``% Subnet not in table`` (no route: an empty table).

The entry: ``Known via "ospf 1", distance 110, metric 20`` names the protocol; attribute lines follow (``Tag``,
``Last update from``, ``Redistributing via``...) up to ``Routing Descriptor Blocks:``; then one descriptor line
per path (``[* ]A.B.C.D[ (VRF)], from R, 00:01:02 ago[, via IF][, merge-labels...]`` or ``* directly connected,
via IF``), each followed by its own, deeper indented attributes (``Route metric is``, ``MPLS label``, ``Repair
Path``...). Every descriptor block is a next hop in use: the ``*`` only marks the one the next process-switched
packet takes. A descriptor and an attribute are told apart by their column, so a page whose indentation was lost
reads the same.
"""

from __future__ import annotations

import re

from ospf_failover.models import Nexthop, Route
from ospf_failover.parsers.refusal import Refuser
from ospf_failover.parsers.vendors.screen import Line
from ospf_failover.parsers.vendors.shapes import Tables, check_ipv4, check_prefix, new_nexthop, new_route

_ENTRY = re.compile(
    r"^Routing entry for (?P<network>\d+\.\d+\.\d+\.\d+)/(?P<length>\d{1,2})(?:, supernet|, \d+ known subnets?)?\s*$"
)
_KNOWN_VIA = re.compile(
    r'^\s*Known via "(?P<source>[^"]+)", distance (?P<distance>\d+), metric (?P<metric>\d+)(?:[,( ].*)?$'
)
_BLOCKS = re.compile(r"^\s*Routing Descriptor Blocks:\s*$")
_DESCRIPTOR = re.compile(
    r"^(?P<indent>\s*(?:\* )?)(?P<hop>\d+\.\d+\.\d+\.\d+(?: \((?P<vrf>[^()\s]+)\))?|directly connected)"
    r"(?P<items>(?:, .*)?)$"
)
_ITEM = re.compile(
    r"^(?:from \d+\.\d+\.\d+\.\d+|(?:\d{2}:\d{2}:\d{2}|\d+[ywdh]\d+[wdhm]) ago|via (?P<interface>[A-Za-z][\w./:-]*)"
    r"|[a-z]+(?:-[a-z]+)+)$"
)
_TABLE_NAME = re.compile(r"^Routing Table: (?P<vrf>\S+)\s*$")
_NOT_IN_TABLE = re.compile(r"^% (?:Network|Subnet) not in table\s*$")
# Protocols "Known via" names otherwise than FRR's JSON.
_PROTOCOLS = {"connected": "connected", "static": "static", "is-is": "isis"}


def is_detail(text: str) -> bool:
    return _ENTRY.match(text) is not None


def read(content: list[Line], *, tables: Tables, refuse: Refuser) -> dict[str, list[Route]]:
    """The entry (or the "not in table" answer) of ``content``, the output's non-blank lines."""
    rest = content
    if (named := _TABLE_NAME.match(rest[0].text)) is not None:
        tables.open(named["vrf"], rest[0])
        rest = rest[1:]
    else:
        tables.open(None, rest[0])
    if _NOT_IN_TABLE.match(rest[0].text):
        if len(rest) > 1:
            raise refuse("text after the 'not in table' answer", rest[1].number, rest[1].text)
        return tables.result()
    entry = _ENTRY.match(rest[0].text)
    if entry is None:
        raise refuse("expected 'Routing entry for P/L'", rest[0].number, rest[0].text)
    if len(rest) < 2 or (known_via := _KNOWN_VIA.match(rest[1].text)) is None:
        where = rest[1] if len(rest) > 1 else rest[0]
        raise refuse("expected 'Known via \"PROTOCOL\", distance D, metric M'", where.number, where.text)
    source = known_via["source"].split()[0].lower()
    route = new_route(
        check_prefix(entry["network"], entry["length"], refuse, rest[0]),
        _PROTOCOLS.get(source, source),
        distance=int(known_via["distance"]),
        metric=int(known_via["metric"]),
    )
    tables.add(route, rest[0])
    _read_blocks(rest[2:], route=route, refuse=refuse)
    return tables.result()


def _read_blocks(lines: list[Line], *, route: Route, refuse: Refuser) -> None:
    in_blocks = False
    column: int | None = None  # where the descriptors' addresses start
    for line in lines:
        if is_detail(line.text) or _TABLE_NAME.match(line.text):
            raise refuse("a second route entry: one entry per output is read", line.number, line.text)
        if not in_blocks:
            in_blocks = _BLOCKS.match(line.text) is not None
            continue  # the route's attributes (tag, last update, redistribution, SR label...)
        descriptor = _DESCRIPTOR.match(line.text)
        start = len(descriptor["indent"]) if descriptor is not None else len(line.text) - len(line.text.lstrip())
        if descriptor is not None and start == (column if column is not None else start):
            column = start
            route["nexthops"].append(_nexthop(descriptor, refuse=refuse, line=line))
            continue
        if column is None or start <= column:
            raise refuse("not part of a routing descriptor block", line.number, line.text)
    if not in_blocks:
        raise refuse(f"route entry {route['prefix']} has no 'Routing Descriptor Blocks:'")


def _nexthop(descriptor: re.Match[str], *, refuse: Refuser, line: Line) -> Nexthop:
    interface: str | None = None
    for item in (item.strip() for item in descriptor["items"].split(",")[1:]):
        known = _ITEM.match(item)
        if known is None:
            raise refuse(f"descriptor detail {item!r} is not understood", line.number, line.text)
        if known["interface"] is not None:
            interface = known["interface"]
    hop = descriptor["hop"]
    if hop == "directly connected":
        if interface is None:
            raise refuse("a directly connected descriptor without its interface", line.number, line.text)
        return new_nexthop(None, interface)
    address = check_ipv4(hop.split()[0], "next hop", refuse, line)
    return new_nexthop(address, interface, vrf=descriptor["vrf"])
