"""Juniper Junos (``juniper_junos``): ``show route [PREFIX] [table T] [protocol P]`` and ``show ospf neighbor
[instance I]``.

Routes are read here: ntc-templates has no template for ``show route``. The output is one block per routing table
(``inet.0: 17 destinations, 19 routes (...)`` and its legend); ``inet.0`` is the default VRF's unicast table and
``V.inet.0`` VRF V's; any other table (``inet.3``, ``mpls.0``, ``inet6.0``...) is read for its form and left
out. Per destination, one line per route: ``*[OSPF/10] 00:01:45, metric 2`` (``*`` or ``+``: the active route,
selected; none or ``-``: not selected), then that route's next hops: ``> to A via IF`` (``>``: the one the
forwarding table uses, ``active``; the other ``to`` lines are kept, not active: without a load-balancing policy
Junos installs only the ``>`` one, and with one it still marks a single ``>`` here), ``> via IF`` (an interface),
``Local via IF``, ``Discard``/``Reject``/``Receive``/``MultiRecv``, ``to table T`` (into VRF T's table: a next
hop without address or interface in that VRF); ``AS path:`` lines between them. A prefix
Junos does not know is an empty answer, nothing at all: an empty table. A table Junos does not print has no
route for the prefix: the table asked for is then empty too.

Neighbours are read through ntc-templates' ``juniper_junos_show_ospf_neighbor`` (see :mod:`templates`), under
the heading ``Address Interface State ID Pri Dead`` (``Intf`` in old releases). Junos shows no DR role: ``-``.
``OSPF instance is not running`` is refused. A ``{master:0}`` banner (the line Junos prints before its prompt)
may end either output.
"""

from __future__ import annotations

import re

from ospf_failover.models import Nexthop, OspfNeighbor, Route
from ospf_failover.parsers.refusal import Refuser
from ospf_failover.parsers.vendors.screen import Line, filled
from ospf_failover.parsers.vendors.shapes import (
    DEFAULT_VRF,
    Tables,
    check_ipv4,
    check_prefix,
    new_nexthop,
    new_route,
)
from ospf_failover.parsers.vendors.templates import read_neighbor_rows

_BANNER = re.compile(r"^\{[\w:-]+\}\s*$")
_TABLE = re.compile(r"^(?P<table>[\w.:-]+): \d+ destinations, \d+ routes \(.*\)\s*$")
_LEGENDS = (
    "+ = Active Route, - = Last Active, * = Both",
    "@ = Routing Use Only, # = Forwarding Use Only",
    "Restart Complete",
)
_DESTINATION = re.compile(r"^(?P<destination>\S+)\s+(?P<entry>[*+-]?\[.*)$")
_ENTRY = re.compile(
    r"^\s*(?P<mark>[*+-]?)\[(?P<protocol>[\w-]+)/(?P<preference>\d+)(?:/\d+)?\] "
    r"(?:\d+w)?(?:\d+d)? ?\d{2}:\d{2}:\d{2}(?P<attributes>(?:, [A-Za-z][\w-]* \S+)*)\s*$"
)
_METRIC = re.compile(r", metric (?P<metric>\d+)")
_TO = re.compile(r"^(?P<selected>>)?\s*to (?P<ip>\d+\.\d+\.\d+\.\d+) via (?P<interface>[^\s,]+)(?P<tail>(?:, .*)?)$")
_LABEL_OPERATION = re.compile(r"^(?:Push \d+(?:\(top\))?|Swap \d+|Pop|label-switched-path \S+)$")
_VIA = re.compile(r"^(?P<selected>>)?\s*(?:Local )?via (?P<interface>[^\s,]+)$")
_ACTION = re.compile(r"^>?\s*(?:Discard|Reject|Receive|MultiRecv)$")
_NEXT_TABLE = re.compile(r"^(?P<selected>>)?\s*to table (?P<table>\S+)$")
_ATTRIBUTE = re.compile(r"^AS path: ")
_PROTOCOLS = {"direct": "connected", "is-is": "isis", "ospf3": "ospf6"}

_NOT_RUNNING = re.compile(r"^OSPF instance is not running\s*$")
_HEADING = re.compile(r"^\s*Address\s+(?:Interface|Intf)\s+State\s+ID\s+Pri\s+Dead\s*$")


def _content(lines: list[Line], refuse: Refuser) -> list[Line]:
    """The non-blank lines, without the banners that may end the output (refused anywhere else)."""
    content = filled(lines)
    while content and _BANNER.match(content[-1].text):
        content.pop()
    if stray := next((line for line in content if _BANNER.match(line.text)), None):
        raise refuse("a '{...}' banner inside the output (outputs run together)", stray.number, stray.text)
    return content


def read_routes(lines: list[Line], *, asked_vrf: str, refuse: Refuser) -> dict[str, list[Route]]:
    shown = Tables(asked_vrf=asked_vrf, refuse=refuse)
    other = Tables(asked_vrf="", refuse=refuse)  # tables read for their form only
    tables = shown
    unicast = True
    destination: str | None = None
    for line in _content(lines, refuse):
        text = line.text
        if (table := _TABLE.match(text)) is not None:
            name = table["table"]
            unicast = name == "inet.0" or name.endswith(".inet.0")
            tables = shown if unicast else other
            tables.open(DEFAULT_VRF if name == "inet.0" else name.removesuffix(".inet.0"), line)
            destination = None
            continue
        if text.strip() in _LEGENDS:
            continue
        entry_text = text
        if (first := _DESTINATION.match(text)) is not None:
            destination = first["destination"]
            if unicast:
                network, _, length = destination.partition("/")
                destination = check_prefix(network, length or "32", refuse, line)
            entry_text = first["entry"]
        entry = _ENTRY.match(entry_text)
        if entry is not None and destination is not None and tables.is_open:
            tables.add(_route(destination, entry), line)
            continue
        route = tables.last()
        if route is None or (first is not None or entry is not None):
            raise refuse("not part of a Junos route table", line.number, line.text)
        hop = text.strip()
        if _ATTRIBUTE.match(hop):
            continue
        route["nexthops"].append(_nexthop(hop, refuse=refuse, line=line))
    result = shown.result()
    other.result()
    result.setdefault(asked_vrf, [])
    return result


def _route(destination: str, entry: re.Match[str]) -> Route:
    protocol = entry["protocol"].lower()
    metric = _METRIC.search(entry["attributes"])
    return new_route(
        destination,
        _PROTOCOLS.get(protocol, protocol),
        selected=entry["mark"] in ("*", "+"),
        distance=int(entry["preference"]),
        metric=None if metric is None else int(metric["metric"]),
    )


def _nexthop(hop: str, *, refuse: Refuser, line: Line) -> Nexthop:
    if (to := _TO.match(hop)) is not None:
        tail = [item.strip() for item in to["tail"].split(",")[1:]]
        if bad := [item for item in tail if not _LABEL_OPERATION.match(item)]:
            raise refuse(f"next hop detail {bad[0]!r} is not understood", line.number, line.text)
        address = check_ipv4(to["ip"], "next hop", refuse, line)
        return new_nexthop(address, to["interface"], active=to["selected"] is not None)
    if (via := _VIA.match(hop)) is not None:
        return new_nexthop(None, via["interface"], active=via["selected"] is not None or hop.startswith("Local"))
    if _ACTION.match(hop):
        return new_nexthop(None, None)
    if (next_table := _NEXT_TABLE.match(hop)) is not None:  # a route into another table: its VRF, no address
        table = next_table["table"]
        return new_nexthop(None, None, vrf=DEFAULT_VRF if table == "inet.0" else table.removesuffix(".inet.0"))
    raise refuse("not a next hop line", line.number, line.text)


def read_neighbors(lines: list[Line], *, refuse: Refuser) -> list[OspfNeighbor]:
    content = _content(lines, refuse)
    if not content:
        raise refuse("empty output: no neighbour table heading")
    if _NOT_RUNNING.match(content[0].text):
        raise refuse("OSPF is not running on this routing engine or instance", content[0].number, content[0].text)
    if not _HEADING.match(content[0].text):
        raise refuse(
            "expected the 'Address  Interface  State  ID  Pri  Dead' heading", content[0].number, content[0].text
        )
    rows = content[1:]
    return read_neighbor_rows(template=("juniper_junos", "show ospf neighbor"), lines=lines, rows=rows, refuse=refuse)
