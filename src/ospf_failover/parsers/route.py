"""Parse ``show ip route``, ``show ip route PREFIX`` and their FRR ``json`` forms (Quagga and FRR).

:func:`parse_route_table` reads the whole table once for many prefixes (a host serving many failover groups):
only the routes of the prefixes asked are read into shapes, the others are passed over.

Three text forms are told apart by their first line: the routing table (``Codes:`` legend, then one line per
route and one per further ECMP next hop), the detail form (``Routing entry for P/L`` blocks) and the "no route"
answer ``% Network not in table``, which, like JSON ``{}``, is an empty list. Empty output is refused: vtysh always
prints something, so nothing at all means the output was lost.

Protocol names are FRR JSON's words ("ospf", "connected", "kernel", "static", "local", ...). The text table does
not show distance and metric for connected routes: they are None there (JSON says 0/0). A next hop is active
unless marked ``inactive``. A route is in the FIB when one of its lines carries ``*``: FRR leaves the route
line of the table form blank when its first next hop is recursive or a duplicate, and marks the next hops it
resolves to on the lines below. A recursive next hop stays a next hop of its own (its address, no interface),
followed by the ones it resolves to, in both text forms and in the JSON. A next hop in another VRF
(``eth1 (vrf default)``) carries that VRF's name in ``vrf``.

MPLS labels (``label 16001/16002``, ``label IPv4 Explicit Null``, ``label implicit-null``...) are read and dropped:
the names are those FRR prints for the reserved labels, a stack is joined with ``/``.
"""

from __future__ import annotations

import ipaddress
import json
import re
from collections.abc import Sequence
from typing import Any

from ospf_failover.models import Nexthop, Platform, Route
from ospf_failover.parsers.detect import detect_form, load_json_object, refuse_platform_mismatch, split_lines
from ospf_failover.parsers.refusal import Refuser, json_field
from ospf_failover.parsers.vtysh import refuse_vtysh_error

KIND = "route"
_refuse = Refuser(KIND)
NOT_IN_TABLE = "% Network not in table"

# The one-letter codes of the table form, named as FRR's JSON names the protocols.
PROTOCOL_BY_CODE = {
    "K": "kernel",
    "C": "connected",
    "L": "local",
    "S": "static",
    "R": "rip",
    "O": "ospf",
    "I": "isis",
    "B": "bgp",
    "E": "eigrp",
    "N": "nhrp",
    "T": "table",
    "t": "table-direct",
    "v": "vnc",
    "V": "vnc-direct",
    "A": "babel",
    "F": "pbr",
    "f": "openfabric",
    "D": "sharp",
    "P": "pim",
    "X": "ldp",
    "Y": "vrrp",
    "Z": "nhg",
}
# Names the detail form ("Known via ...") spells differently from the JSON.
_PROTOCOL_ALIASES = {"connect": "connected", "is-is": "isis"}

_ROUTE_LINE = re.compile(
    r"^(?P<code>[A-Za-z])(?:\[\d+\])?(?P<selected>[> ])(?P<fib>[*qrto ]) (?P<prefix>[0-9A-Fa-f:.]+/[0-9]{1,3})"
    r"(?: \[(?P<distance>[0-9]+)/(?P<metric>[0-9]+)\])? (?P<nexthop>\S.*)$"
)
# A further ECMP next hop: Quagga indents "via ...", FRR puts the next hop's FIB mark in the third column.
_TABLE_CONTINUATION = re.compile(r"^  (?P<fib>[*qrto ]) +(?P<nexthop>(?:via |is directly connected|unreachable).*)$")
_VRF_HEADER = re.compile(r"^(?:IPv4 unicast )?VRF (?P<vrf>\S+):$")

_DETAIL_START = re.compile(r"^Routing entry for (?P<prefix>[0-9A-Fa-f:.]+/[0-9]{1,3})$")
_KNOWN_VIA = re.compile(
    r'^  Known via "(?P<protocol>[^"]+)", distance (?P<distance>[0-9]+), metric (?P<metric>[0-9]+)(?P<tail>.*)$'
)
_DETAIL_INFO = re.compile(r"^  (?:Last update |Flags:|Status:|Nexthop Group ID:|Installed Nexthop Group ID:|Tag )")
_DETAIL_NEXTHOP = re.compile(r"^  (?P<fib>[*qrto ]) *(?P<nexthop>\S.*)$")

# Marks printed after a next hop's address or interface.
_FLAG = r" inactive| onlink| linkdown| \(recursive\)| \(vrf [^()\s]+\)| \(duplicate nexthop removed\)"
_FLAGS = rf"(?P<flags>(?:{_FLAG})*)"
_NEXTHOP_VRF = re.compile(r" \(vrf (?P<vrf>[^()\s]+)\)")
_VIA_ADDRESS = re.compile(r"^via (?P<ip>[0-9A-Fa-f:.]+)" + _FLAGS + "$")
_DETAIL_ADDRESS = re.compile(r"^(?P<ip>[0-9A-Fa-f:.]+)" + _FLAGS + "$")
_INTERFACE = re.compile(r"^(?P<name>[^\s,()]+)" + _FLAGS + "$")
_DETAIL_INTERFACE = re.compile(r"^via (?P<name>[^\s,()]+)" + _FLAGS + "$")
_UNREACHABLE = re.compile(r"^unreachable(?: \((?:blackhole|ICMP unreachable|ICMP admin-prohibited)\))?" + _FLAGS + "$")
# One MPLS label as FRR prints it (lib/mpls.h label2str): a number, or the name of a reserved label (FRR 6.0 spells
# "IPv6 Explict Null"); a label stack joins them with "/".
_LABEL = (
    r"(?:[0-9]+|IPv4 Explicit Null|IPv6 Explici?t Null|Router Alert|implicit-null|Entropy Label Indicator"
    r"|Generic Associated Channel|OAM Alert|Extension|Reserved \([0-9]{1,2}\))"
)
# What may follow the interface: weight, uptime (hh:mm:ss, NdHHhMMm, NNwNdHHh), label, source, SRv6.
_TAIL = re.compile(
    r"^(?:weight [0-9]+|[0-9]{2}:[0-9]{2}:[0-9]{2}|[0-9]+d[0-9]{2}h[0-9]{2}m|[0-9]+w[0-9]+d[0-9]{2}h"
    rf"|label {_LABEL}(?:/{_LABEL})*|src \S+|seg6 \S+|seg6local \S.*)$"
)


def normalize_protocol(name: str) -> str:
    """Spell a protocol name as FRR's JSON does."""
    lowered = name.strip().lower()
    return _PROTOCOL_ALIASES.get(lowered, lowered)


def parse_routes(text: str, platform: Platform | None = None) -> list[Route]:
    """Parse ``show ip route [PREFIX] [json]``; ``platform``, when given, is checked against the output."""
    refuse_vtysh_error(text, kind=KIND)
    refuse_platform_mismatch(text, platform, kind=KIND)
    if detect_form(text) == "json":
        return _parse_json(text)
    lines = split_lines(text)
    filled = [(number, line) for number, line in enumerate(lines, start=1) if line.strip()]
    if not filled:
        raise _refuse("empty output")
    first_number, first = filled[0]
    if first.strip() == NOT_IN_TABLE:
        if len(filled) > 1:
            raise _refuse(f"text after {NOT_IN_TABLE!r}", *filled[1])
        return []
    if first.startswith("Codes:"):
        return _parse_table(lines)
    if _DETAIL_START.match(first):
        return _parse_detail(lines)
    raise _refuse("expected 'Codes:', 'Routing entry for' or '% Network not in table'", first_number, first)


def _check_ip(value: str, line_number: int | None, line: str | None) -> str:
    try:
        ipaddress.ip_address(value)
    except ValueError as exc:
        raise _refuse(f"next hop {value!r} is not an IP address", line_number, line) from exc
    return value


def _parse_nexthop(text: str, *, detail: bool, line_number: int, line: str) -> Nexthop:
    """Read one next hop: table form ``via A, IF, ...`` / ``is directly connected, IF``, detail form
    ``A, via IF, ...`` / ``directly connected, IF``, or ``unreachable (blackhole)``; then the known tail items."""
    first, *rest = text.split(", ")
    address_pattern = _DETAIL_ADDRESS if detail else _VIA_ADDRESS
    interface_pattern = _DETAIL_INTERFACE if detail else _INTERFACE
    connected_text = "directly connected" if detail else "is directly connected"
    ip: str | None = None
    interface: str | None = None
    flags = ""
    directly_connected = first == connected_text
    address = address_pattern.match(first)
    if address is not None:
        ip = _check_ip(address["ip"], line_number, line)
        flags = address["flags"]
    elif directly_connected:
        if not rest or _TAIL.match(rest[0]):
            raise _refuse("a directly connected next hop without its interface", line_number, line)
        interface_pattern = _INTERFACE
    elif (unreachable := _UNREACHABLE.match(first)) is not None:
        flags = unreachable["flags"]
    else:
        raise _refuse(f"next hop {first!r} is not understood", line_number, line)
    if rest and not _TAIL.match(rest[0]) and (ip is not None or directly_connected):
        interface_match = interface_pattern.match(rest.pop(0))
        if interface_match is None:
            raise _refuse("an interface name is not understood", line_number, line)
        interface = interface_match["name"]
        flags += interface_match["flags"]
    for item in rest:
        if not _TAIL.match(item):
            raise _refuse(f"next hop detail {item!r} is not understood", line_number, line)
    nexthop: Nexthop = {
        "ip": ip,
        "interface": interface,
        "active": " inactive" not in flags,
        "directly_connected": directly_connected,
    }
    if (other_vrf := _NEXTHOP_VRF.search(flags)) is not None:
        nexthop["vrf"] = other_vrf["vrf"]
    return nexthop


def _parse_table(lines: list[str]) -> list[Route]:
    routes: list[Route] = []
    in_legend = False
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            in_legend = False
            continue
        if line.startswith("Codes:") and not routes:
            in_legend = True
            continue
        if in_legend and line.startswith(" "):
            continue
        in_legend = False
        if (vrf := _VRF_HEADER.match(line)) is not None:
            if vrf["vrf"] != "default" or routes:
                raise _refuse("routes of more than the default VRF are not supported", number, line)
            continue
        if (route_line := _ROUTE_LINE.match(line)) is not None:
            code = route_line["code"]
            if code not in PROTOCOL_BY_CODE:
                raise _refuse(f"unknown route code {code!r}", number, line)
            distance, metric = route_line["distance"], route_line["metric"]
            routes.append(
                {
                    "prefix": route_line["prefix"],
                    "protocol": PROTOCOL_BY_CODE[code],
                    "selected": route_line["selected"] == ">",
                    "fib": route_line["fib"] == "*",
                    "distance": None if distance is None else int(distance),
                    "metric": None if metric is None else int(metric),
                    "nexthops": [_parse_nexthop(route_line["nexthop"], detail=False, line_number=number, line=line)],
                }
            )
            continue
        if (continuation := _TABLE_CONTINUATION.match(line)) is not None and routes:
            nexthop = _parse_nexthop(continuation["nexthop"], detail=False, line_number=number, line=line)
            routes[-1]["nexthops"].append(nexthop)
            routes[-1]["fib"] = routes[-1]["fib"] or continuation["fib"] == "*"
            continue
        raise _refuse("not a route line", number, line)
    return routes


def _parse_detail(lines: list[str]) -> list[Route]:
    routes: list[Route] = []
    expect_known_via = False
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            if expect_known_via:
                raise _refuse("a 'Routing entry for' without its 'Known via' line", number, line)
            continue
        if (start := _DETAIL_START.match(line)) is not None:
            if expect_known_via:
                raise _refuse("a 'Routing entry for' without its 'Known via' line", number, line)
            _refuse_route_without_nexthop(routes, number, line)
            routes.append(
                {
                    "prefix": start["prefix"],
                    "protocol": "",
                    "selected": False,
                    "fib": False,
                    "distance": None,
                    "metric": None,
                    "nexthops": [],
                }
            )
            expect_known_via = True
            continue
        if expect_known_via:
            known_via = _KNOWN_VIA.match(line)
            if known_via is None:
                raise _refuse("expected 'Known via \"PROTOCOL\", distance D, metric M'", number, line)
            route = routes[-1]
            route["protocol"] = normalize_protocol(known_via["protocol"])
            route["distance"] = int(known_via["distance"])
            route["metric"] = int(known_via["metric"])
            route["selected"] = "best" in (item.strip() for item in known_via["tail"].split(","))
            expect_known_via = False
            continue
        if not routes:
            raise _refuse("expected 'Routing entry for PREFIX'", number, line)
        if _DETAIL_INFO.match(line):
            continue
        if (nexthop_line := _DETAIL_NEXTHOP.match(line)) is not None:
            nexthop = _parse_nexthop(nexthop_line["nexthop"], detail=True, line_number=number, line=line)
            routes[-1]["nexthops"].append(nexthop)
            routes[-1]["fib"] = routes[-1]["fib"] or nexthop_line["fib"] == "*"
            continue
        raise _refuse("not part of a route entry", number, line)
    if expect_known_via:
        raise _refuse("the output ends after 'Routing entry for', before 'Known via'")
    _refuse_route_without_nexthop(routes, None, None)
    return routes


def _refuse_route_without_nexthop(routes: list[Route], line_number: int | None, line: str | None) -> None:
    if routes and not routes[-1]["nexthops"]:
        raise _refuse(f"route entry {routes[-1]['prefix']} has no next hop line", line_number, line)


def parse_route_batch(text: str, prefixes: Sequence[str]) -> dict[str, list[Route]]:
    """Parse FRR's answers to one ``vtysh -c 'show ip route P1 json' -c 'show ip route P2 json' ...``: one JSON
    object per prefix asked, in order (``{}`` for a prefix not in the table), each read as :func:`parse_routes`
    reads one. Refused: a vtysh error text (vtysh stops at the first command that fails), a count of answers
    other than the prefixes', anything between them, and an answer about another prefix than the one asked."""
    refuse_vtysh_error(text, kind=KIND)
    decoder = json.JSONDecoder()
    answers: list[str] = []
    position = 0
    while True:
        while position < len(text) and text[position].isspace():
            position += 1
        if position == len(text):
            break
        try:
            _, end = decoder.raw_decode(text, position)
        except ValueError:
            number = text.count("\n", 0, position) + 1
            raise _refuse("expected one JSON object per prefix asked", number, split_lines(text)[number - 1]) from None
        answers.append(text[position:end])
        position = end
    if len(answers) != len(prefixes):
        raise _refuse(f"{len(answers)} JSON answers for {len(prefixes)} prefixes asked")
    batch: dict[str, list[Route]] = {}
    for prefix, answer in zip(prefixes, answers, strict=True):
        routes = _parse_json(answer)
        asked = ipaddress.ip_network(prefix, strict=False)
        other = next((r["prefix"] for r in routes if ipaddress.ip_network(r["prefix"], strict=False) != asked), None)
        if other is not None:
            raise _refuse(f"the answer for {prefix} is about {other}: the answers are out of order")
        batch[prefix] = routes
    return batch


def parse_route_table(text: str, prefixes: Sequence[str], platform: Platform | None = None) -> dict[str, list[Route]]:
    """The routes of exactly each of ``prefixes`` (an empty list: not in the table), from one ``show ip route
    [json]`` of the whole table (default VRF). A vtysh error text, a detail form or "not in table" answer (what a
    lookup prints, not a table) and, in JSON, a value that is not a list of routes are refused; in JSON only the
    asked prefixes' routes are read into shapes (a table of thousands of routes costs a dictionary look-up each)."""
    refuse_vtysh_error(text, kind=KIND)
    refuse_platform_mismatch(text, platform, kind=KIND)
    asked = {prefix: str(ipaddress.ip_network(prefix, strict=False)) for prefix in prefixes}
    found: dict[str, list[Route]] = {network: [] for network in asked.values()}
    if detect_form(text) == "json":
        document = load_json_object(text, kind=KIND)
        for key, entries in document.items():
            if not isinstance(entries, list):
                raise _refuse(f"{key!r}: expected a list of routes (is this 'show ip route json'?)")
            if key in found:
                found[key] = _parse_json_entries(key, entries)
    else:
        lines = split_lines(text)
        filled = [(number, line) for number, line in enumerate(lines, start=1) if line.strip()]
        if not filled:
            raise _refuse("empty output")
        if not filled[0][1].startswith("Codes:"):
            raise _refuse("expected the routing table's 'Codes:' legend", *filled[0])
        for route in _parse_table(lines):  # a table names each route by its network, as asked is written
            if route["prefix"] in found:
                found[route["prefix"]].append(route)
    return {prefix: found[network] for prefix, network in asked.items()}


def _parse_json(text: str) -> list[Route]:
    document = load_json_object(text, kind=KIND)
    routes: list[Route] = []
    for key, entries in document.items():
        if not isinstance(entries, list):
            raise _refuse(f"{key!r}: expected a list of routes (is this 'show ip route ... json'?)")
        routes += _parse_json_entries(key, entries)
    return routes


def _parse_json_entries(key: str, entries: list[Any]) -> list[Route]:
    routes: list[Route] = []
    for entry in entries:
        if not isinstance(entry, dict):
            raise _refuse(f"{key!r}: a route is not an object")
        routes.append(_json_route(key, entry))
    return routes


def _json_route(key: str, entry: dict[str, Any]) -> Route:
    where = f"route {key!r}"
    protocol = json_field(entry, "protocol", str, default=None, kind=KIND, where=where)
    if not protocol:
        raise _refuse(f"{where}: no protocol")
    raw_nexthops = json_field(entry, "nexthops", list, default=None, kind=KIND, where=where)
    if raw_nexthops is None:
        raise _refuse(f"{where}: no next hops")
    nexthops: list[Nexthop] = []
    for raw in raw_nexthops:
        if not isinstance(raw, dict):
            raise _refuse(f"{where}: a next hop is not an object")
        ip = json_field(raw, "ip", str, default=None, kind=KIND, where=where)
        nexthops.append(
            {
                "ip": None if ip is None else _check_ip(ip, None, None),
                "interface": json_field(raw, "interfaceName", str, default=None, kind=KIND, where=where),
                "active": json_field(raw, "active", bool, default=False, kind=KIND, where=where),
                "directly_connected": json_field(raw, "directlyConnected", bool, default=False, kind=KIND, where=where),
            }
        )
    return {
        "prefix": json_field(entry, "prefix", str, default=key, kind=KIND, where=where),
        "protocol": normalize_protocol(protocol),
        "selected": json_field(entry, "selected", bool, default=False, kind=KIND, where=where),
        "fib": json_field(entry, "installed", bool, default=False, kind=KIND, where=where),
        "distance": json_field(entry, "distance", int, default=None, kind=KIND, where=where),
        "metric": json_field(entry, "metric", int, default=None, kind=KIND, where=where),
        "nexthops": nexthops,
    }
