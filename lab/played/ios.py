"""Cisco IOS's answers, rendered from FRR's state (pure): ``show ip route``, ``show ip route A.B.C.D [MASK]`` and
``show ip ospf neighbor``, in the layout IOS 15 prints (the legend, classful ``is subnetted`` headings, codes in a
six-column field, ECMP paths on continuation lines aligned under the first ``[``; the ``Routing entry for``
detail form; the neighbour table's fixed columns). Only the routes FRR selected are shown, as IOS shows only the
routes it forwards with. Linux interface ``ethN`` is played as ``GigabitEthernet0/N``.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Iterator

from .frr_state import Entry, Neighbor, longest_match

LEGEND = """\
Codes: L - local, C - connected, S - static, R - RIP, M - mobile, B - BGP
       D - EIGRP, EX - EIGRP external, O - OSPF, IA - OSPF inter area
       N1 - OSPF NSSA external type 1, N2 - OSPF NSSA external type 2
       E1 - OSPF external type 1, E2 - OSPF external type 2
       i - IS-IS, su - IS-IS summary, L1 - IS-IS level-1, L2 - IS-IS level-2
       ia - IS-IS inter area, * - candidate default, U - per-user static route
       o - ODR, P - periodic downloaded static route, H - NHRP, l - LISP
       a - application route
       + - replicated route, % - next hop override, p - overrides from PfR
"""
CODES = {"ospf": "O", "connected": "C", "local": "L", "static": "S", "kernel": "S", "bgp": "B", "rip": "R"}
KNOWN_VIA = {"ospf": "ospf 1", "kernel": "static"}
NOT_IN_TABLE = "% Network not in table\n"
SUBNET_NOT_IN_TABLE = "% Subnet not in table\n"
NEIGHBOR_HEADING = "Neighbor ID     Pri   State           Dead Time   Address         Interface\n"
STATES = {"2-Way": "2WAY"}
ROLES = {"Backup": "BDR", "DROther": "DROTHER", "-": "  -"}


def interface(name: str | None) -> str:
    """``ethN`` as IOS names a router's Nth port; other names as they are."""
    found = re.fullmatch(r"eth(\d+)", name or "")
    return f"GigabitEthernet0/{found[1]}" if found else (name or "")


def age(seconds: int) -> str:
    """IOS's age of a route: ``00:01:02`` under a day, then ``1d02h``, then ``2w3d``."""
    if seconds < 86400:
        return f"{seconds // 3600:02d}:{seconds // 60 % 60:02d}:{seconds % 60:02d}"
    if seconds < 604800:
        return f"{seconds // 86400}d{seconds // 3600 % 24:02d}h"
    return f"{seconds // 604800}w{seconds // 86400 % 7}d"


def natural_length(network: ipaddress.IPv4Network) -> int:
    """The classful mask length of ``network``'s address (A /8, B /16, C /24)."""
    first = network.network_address.packed[0]
    return 8 if first < 128 else 16 if first < 192 else 24 if first < 224 else 32


def _code(entry: Entry) -> str:
    code = CODES.get(entry.protocol, "S")
    return code + "*" if entry.network.prefixlen == 0 else code


def _paths(entry: Entry) -> list[str]:
    """The route's first next hop as printed after its prefix, then each further one."""
    if entry.protocol == "connected":
        return [f"is directly connected, {interface(hop.interface)}" for hop in entry.hops] or ["is directly connected"]
    shown = []
    for hop in entry.hops:
        parts = [f"[{entry.distance}/{entry.metric}] via {hop.ip}"] if hop.ip else ["is directly connected"]
        if entry.protocol not in ("static", "kernel"):
            parts.append(age(entry.age))
        if hop.interface and entry.protocol != "static":
            parts.append(interface(hop.interface))
        shown.append(", ".join(parts))
    return shown


def _route_lines(entry: Entry, *, shown_prefix: str, column: int) -> Iterator[str]:
    paths = _paths(entry)
    first = f"{_code(entry):<{column}}{shown_prefix} "
    yield first + (paths[0] if paths else "")
    for path in paths[1:]:
        yield " " * len(first) + path


def render_table(entries: list[Entry]) -> str:
    """``show ip route``: the legend, the gateway of last resort, the selected routes by classful network."""
    selected = [entry for entry in entries if entry.selected]
    default = next((e for e in selected if e.network.prefixlen == 0 and e.hops and e.hops[0].ip), None)
    gateway = f"is {default.hops[0].ip} to network 0.0.0.0" if default else "is not set"
    lines = [f"Gateway of last resort {gateway}", ""]
    groups: dict[ipaddress.IPv4Network, list[Entry]] = {}
    for entry in selected:
        natural = natural_length(entry.network)
        key = entry.network if entry.network.prefixlen <= natural else entry.network.supernet(new_prefix=natural)
        groups.setdefault(key, []).append(entry)
    for major, members in sorted(groups.items(), key=lambda item: int(item[0].network_address)):
        if len(members) == 1 and members[0].network == major:
            lines += _route_lines(members[0], shown_prefix=str(major), column=6)
            continue
        lengths = {member.network.prefixlen for member in members}
        if len(lengths) == 1:
            lines.append(f"      {major.network_address}/{lengths.pop()} is subnetted, {len(members)} subnets")
            plain = True
        else:
            lines.append(f"      {major} is variably subnetted, {len(members)} subnets, {len(lengths)} masks")
            plain = False
        for member in members:
            shown = str(member.network.network_address) if plain else str(member.network)
            lines += _route_lines(member, shown_prefix=shown, column=9)
    return LEGEND + "\n" + "\n".join(lines) + "\n"


def render_entry(entries: list[Entry], address: str, mask: str | None) -> str:
    """``show ip route A.B.C.D [MASK]``: the entry of that prefix (longest match without a mask), or IOS's
    "not in table" answers."""
    if mask is None:
        found = [e for e in longest_match(entries, ipaddress.IPv4Address(address)) if e.selected]
    else:
        network = ipaddress.IPv4Network(f"{address}/{mask}", strict=False)
        found = [e for e in entries if e.selected and e.network == network]
        if not found:
            natural = network.supernet(new_prefix=min(natural_length(network), network.prefixlen))
            known = any(e.selected and e.network.subnet_of(natural) for e in entries if e.network.prefixlen >= 8)
            return SUBNET_NOT_IN_TABLE if known else NOT_IN_TABLE
    if not found:
        return NOT_IN_TABLE
    entry = found[0]
    lines = [f"Routing entry for {entry.network}"]
    if entry.protocol == "connected":
        lines.append('  Known via "connected", distance 0, metric 0 (connected, via interface)')
    else:
        via = KNOWN_VIA.get(entry.protocol, entry.protocol)
        kind = ", type intra area" if entry.protocol == "ospf" else ""
        lines.append(f'  Known via "{via}", distance {entry.distance}, metric {entry.metric}{kind}')
        first = entry.hops[0] if entry.hops else None
        if first is not None and first.ip:
            lines.append(f"  Last update from {first.ip} on {interface(first.interface)}, {age(entry.age)} ago")
    lines.append("  Routing Descriptor Blocks:")
    for index, hop in enumerate(entry.hops):
        mark = "  * " if index == 0 else "    "
        if hop.ip is None:
            lines.append(f"{mark}directly connected, via {interface(hop.interface)}")
        else:
            lines.append(f"{mark}{hop.ip}, from {hop.ip}, {age(entry.age)} ago, via {interface(hop.interface)}")
        lines.append(f"      Route metric is {entry.metric}, traffic share count is 1")
    return "\n".join(lines) + "\n"


def _state(neighbor: Neighbor) -> str:
    state = STATES.get(neighbor.state, neighbor.state.upper())
    return f"{state}/{ROLES.get(neighbor.role, neighbor.role)}"


def render_neighbors(neighbors: list[Neighbor]) -> str:
    """``show ip ospf neighbor``; nothing at all when there is no neighbour, as IOS prints."""
    if not neighbors:
        return ""
    rows = [
        f"{n.router_id:<16}{n.priority:>3}   {_state(n):<16}{age(n.dead_seconds):<12}{n.address:<16}"
        f"{interface(n.interface)}"
        for n in neighbors
    ]
    return NEIGHBOR_HEADING + "\n".join(rows) + "\n"
