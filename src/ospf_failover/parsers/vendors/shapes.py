"""Building the declared shapes (``Route``, ``Nexthop``, ``OspfNeighbor``) from what a vendor reader found.

The vocabulary is FRR's, so that the judges read every platform alike: protocols as FRR's JSON names them
(``connected``, ``local``, ``static``, ``ospf``, ``bgp``, ...); a next hop without an address that leaves through an
interface is ``directly_connected`` (a connected route, or a route to an interface such as ``Null0`` or a
tunnel); one without address and interface (Junos ``Discard``) is neither. OSPF states are FRR's words (``Full``,
``2-Way``, ``Init``, ``ExStart``, ``Exchange``, ``Loading``, ``Down``, ``Attempt``) and roles FRR's (``DR``,
``Backup``, ``DROther``), ``-`` when the output shows none (point-to-point, or Junos, which never shows one).

Routes are collected per table: :class:`Tables` keys them by VRF name, ``default`` for the global table. A table
the output does not name is the one the command asked for (``show ip route vrf X`` on IOS-XE prints no
``Routing Table:`` line in some releases): its name comes from the caller.
"""

from __future__ import annotations

import ipaddress
import re

from ospf_failover.models import Nexthop, OspfNeighbor, Route
from ospf_failover.parsers.refusal import Refuser
from ospf_failover.parsers.vendors.screen import Line

DEFAULT_VRF = "default"

_STATES = {
    "full": "Full",
    "2way": "2-Way",
    "2-way": "2-Way",
    "2 ways": "2-Way",
    "2 way": "2-Way",
    "init": "Init",
    "exstart": "ExStart",
    "exch start": "ExStart",
    "exchange start": "ExStart",
    "exchange": "Exchange",
    "loading": "Loading",
    "down": "Down",
    "attempt": "Attempt",
}
_ROLES = {"dr": "DR", "bdr": "Backup", "backup": "Backup", "drother": "DROther", "-": "-", "": "-"}
_STATE_ROLE = re.compile(r"^(?P<state>[A-Za-z0-9 -]+?)\s*(?:/\s*(?P<role>[A-Za-z-]+))?$")


def check_ipv4(value: str, what: str, refuse: Refuser, line: Line) -> str:
    """``value`` when it is an IPv4 address, else the output is refused at ``line``."""
    try:
        ipaddress.IPv4Address(value)
    except ValueError:
        raise refuse(f"{what} {value!r} is not an IPv4 address", line.number, line.text) from None
    return value


def check_prefix(network: str, length: str | int, refuse: Refuser, line: Line) -> str:
    """``network/length`` when it is an IPv4 prefix (host bits allowed, as printed), else refused."""
    prefix = f"{network}/{length}"
    try:
        ipaddress.IPv4Network(prefix, strict=False)
    except ValueError:
        raise refuse(f"{prefix!r} is not an IPv4 prefix", line.number, line.text) from None
    return prefix


def prefix_of_mask(network: str, mask: str, refuse: Refuser, line: Line) -> str:
    """``A.B.C.D/len`` from a network and a dotted mask (``1.0.4.0 255.255.255.0``)."""
    try:
        length = ipaddress.IPv4Network(f"0.0.0.0/{mask}").prefixlen
    except ValueError:
        raise refuse(f"{mask!r} is not a network mask", line.number, line.text) from None
    return check_prefix(network, length, refuse, line)


def new_route(
    prefix: str,
    protocol: str,
    *,
    selected: bool = True,
    distance: int | None = None,
    metric: int | None = None,
) -> Route:
    """A route without next hops yet; a selected route is taken to be in the FIB (these tables show only what
    the router forwards with, or mark the rest as not selected)."""
    return {
        "prefix": prefix,
        "protocol": protocol,
        "selected": selected,
        "fib": selected,
        "distance": distance,
        "metric": metric,
        "nexthops": [],
    }


def new_nexthop(
    ip: str | None = None,
    interface: str | None = None,
    *,
    active: bool = True,
    vrf: str | None = None,
    address_hidden: bool = False,
) -> Nexthop:
    """A next hop; one whose address the output hides (``address_hidden``) is no directly connected one."""
    nexthop: Nexthop = {
        "ip": ip,
        "interface": interface,
        "active": active,
        "directly_connected": ip is None and interface is not None and not address_hidden,
    }
    if vrf is not None:
        nexthop["vrf"] = vrf
    return nexthop


def new_neighbor(
    *,
    neighbor_id: str,
    priority: int,
    state_role: str,
    address: str,
    interface: str,
    vrf: str | None,
    refuse: Refuser,
    line: Line,
) -> OspfNeighbor:
    """A neighbour from a vendor's row; ``state_role`` as printed (``FULL/DR``, ``FULL/  -``, ``2 WAYS/DROTHER``,
    ``2Way``, ``FULL``)."""
    match = _STATE_ROLE.match(state_role.strip())
    state = None if match is None else _STATES.get(match["state"].lower())
    role = None if match is None else _ROLES.get((match["role"] or "").lower())
    if state is None or role is None:
        raise refuse(f"state {state_role.strip()!r} is not an OSPF neighbour state", line.number, line.text)
    neighbor: OspfNeighbor = {
        "neighbor_id": check_ipv4(neighbor_id, "neighbour ID", refuse, line),
        "priority": priority,
        "state": state,
        "role": role,
        "address": check_ipv4(address, "neighbour address", refuse, line),
        "interface": interface,
        "local_address": None,
    }
    if vrf is not None:
        neighbor["vrf"] = vrf
    return neighbor


class Tables:
    """Routes per VRF in output order. A route goes into the table opened last, or into the one the command
    asked for when the output names none."""

    def __init__(self, *, asked_vrf: str, refuse: Refuser) -> None:
        self._asked = asked_vrf
        self._refuse = refuse
        self._tables: dict[str, list[Route]] = {}
        self._current: list[Route] | None = None

    def open(self, name: str | None, line: Line) -> None:
        """Start the table of VRF ``name`` (None: the one asked for); one VRF shown twice is refused."""
        self._check_last(line)
        vrf = self._asked if name is None else name
        if vrf in self._tables:
            raise self._refuse(f"the table of VRF {vrf!r} is shown twice", line.number, line.text)
        self._current = self._tables[vrf] = []

    @property
    def is_open(self) -> bool:
        return self._current is not None

    def add(self, route: Route, line: Line) -> Route:
        if self._current is None:
            self.open(None, line)
        assert self._current is not None
        self._check_last(line)
        self._current.append(route)
        return route

    def _check_last(self, line: Line) -> None:
        last = self.last()
        if last is not None and not last["nexthops"]:
            raise self._refuse(f"route {last['prefix']} has no next hop line", line.number, line.text)

    def last(self) -> Route | None:
        """The route added last to the current table."""
        return self._current[-1] if self._current else None

    def result(self) -> dict[str, list[Route]]:
        """Every table shown; a route still without a next hop means the output was cut."""
        for routes in self._tables.values():
            for route in routes:
                if not route["nexthops"]:
                    raise self._refuse(f"route {route['prefix']} has no next hop: the output is cut short")
        return self._tables
