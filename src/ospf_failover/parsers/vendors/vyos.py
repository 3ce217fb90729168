"""VyOS (``vyos``): ``show ip route [vrf V|all] [PREFIX]`` and ``show ip ospf neighbor``. VyOS routes with Quagga
(1.1) or FRR (1.2 and later) and shows their own output, so the project's FRR/Quagga parsers read it
(:mod:`ospf_failover.parsers.route`, :mod:`ospf_failover.parsers.ospf`), with the same refusals.

What VyOS adds is several tables in one output: ``show ip route vrf all`` prints the legend once, then one
``VRF NAME:`` block per VRF (FRR 10.3: ``IPv4 unicast VRF NAME:``). Each block is read as a table of its own,
behind the legend; lines of the other blocks are blanked, so that a refusal names the line of the whole output.
An output without such a line is the table asked for.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from ospf_failover.models import OspfNeighbor, Route
from ospf_failover.parsers.ospf import parse_ospf_neighbors
from ospf_failover.parsers.refusal import Refuser
from ospf_failover.parsers.route import parse_routes
from ospf_failover.parsers.vendors.screen import Line
from ospf_failover.parsers.vendors.shapes import Tables

_VRF_BLOCK = re.compile(r"^(?:IPv4 unicast )?VRF (?P<vrf>\S+):\s*$")


def read_routes(lines: list[Line], *, asked_vrf: str, refuse: Refuser) -> dict[str, list[Route]]:
    tables = Tables(asked_vrf=asked_vrf, refuse=refuse)
    starts = [(line, match["vrf"]) for line in lines if (match := _VRF_BLOCK.match(line.text)) is not None]
    if not starts:
        tables.open(None, lines[0])
        for route in parse_routes(_text(lines, keep=lambda _: True)):
            tables.add(route, lines[0])
        return tables.result()
    first_block = starts[0][0].number
    bounds = [*(line.number for line, _ in starts[1:]), len(lines) + 1]
    for (start, vrf), end in zip(starts, bounds, strict=True):
        tables.open(vrf, start)

        def in_block(line: Line, start: int = start.number, end: int = end) -> bool:
            return line.number < first_block or start < line.number < end

        for route in parse_routes(_text(lines, keep=in_block)):
            tables.add(route, start)
    return tables.result()


def _text(lines: list[Line], *, keep: Callable[[Line], bool]) -> str:
    """The output with the lines ``keep`` rejects blanked (their numbers stay)."""
    return "\n".join(line.text if keep(line) else "" for line in lines)


def read_neighbors(lines: list[Line], *, refuse: Refuser) -> list[OspfNeighbor]:
    return parse_ospf_neighbors("\n".join(line.text for line in lines))
