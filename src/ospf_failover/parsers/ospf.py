"""Parse ``show ip ospf neighbor`` (Quagga 0.99 text, FRR text, FRR JSON before and after 9.0).

Text rows are read as blank-separated fields, not by column position: Quagga right-aligns its heading and its
Interface column is 20 wide where FRR's is 32, but no field ever contains a blank. The heading decides whether
an ``Up Time`` field is present (FRR 8.2 and later).

JSON: ``{}`` is what FRR prints when OSPF is not enabled, so it is refused (ParseError), never read as "no
neighbors"; ``{"neighbors": {}}`` is an empty list. Keys from 9.0 (``nbrState``, ``nbrPriority``,
``ifaceAddress``) are read first, the older ones (``state``, ``priority``, ``address``) otherwise; 8.2 to 8.5
print both. The role is the part of the state after ``/`` (as the text shows it), else the 9.0 ``role`` key.
"""

from __future__ import annotations

import functools
import ipaddress
import re
from typing import Any

from ospf_failover.models import OspfNeighbor, Platform
from ospf_failover.parsers.detect import detect_form, load_json_object, refuse_platform_mismatch, split_lines
from ospf_failover.parsers.refusal import Refuser, json_field
from ospf_failover.parsers.vtysh import refuse_vtysh_error

KIND = "ospf neighbor"
_refuse = Refuser(KIND)

_HEADING = re.compile(
    r"^\s*Neighbor ID\s+Pri\s+State\s+(?P<uptime>Up Time\s+)?Dead Time\s+Address\s+Interface"
    r"\s+RXmtL\s+RqstL\s+DBsmL\s*$"
)
_STATE = re.compile(r"^(?P<state>[A-Za-z0-9-]+)/(?P<role>[A-Za-z-]+)$")
_NUMBER = re.compile(r"^[0-9]+$")


@functools.lru_cache(maxsize=65536)
def _is_ipv4(value: str) -> bool:
    """Remembered: a run reads the same router IDs and addresses in every neighbour table of a segment."""
    try:
        ipaddress.IPv4Address(value)
    except ValueError:
        return False
    return True


def _check_ipv4(value: str, what: str, line_number: int | None = None, line: str | None = None) -> str:
    if _is_ipv4(value):
        return value
    try:
        ipaddress.IPv4Address(value)
    except ValueError as exc:
        raise _refuse(f"{what} {value!r} is not an IPv4 address", line_number, line) from exc
    return value


def _split_state(value: str, line_number: int | None = None, line: str | None = None) -> tuple[str, str]:
    match = _STATE.match(value)
    if match is None:
        raise _refuse(f"state {value!r} is not 'STATE/ROLE'", line_number, line)
    return match["state"], match["role"]


def _split_interface(value: str, line_number: int | None = None, line: str | None = None) -> tuple[str, str | None]:
    """``eth0:192.168.76.1`` -> (eth0, 192.168.76.1); a name without an address stays whole."""
    name, colon, address = value.rpartition(":")
    if not colon:
        return value, None
    if not name:
        raise _refuse(f"interface {value!r} has no name", line_number, line)
    return name, _check_ipv4(address, "local address", line_number, line)


def parse_ospf_neighbors(text: str, platform: Platform | None = None) -> list[OspfNeighbor]:
    """Parse ``show ip ospf neighbor [json]``; ``platform``, when given, is checked against the output."""
    refuse_vtysh_error(text, kind=KIND)
    refuse_platform_mismatch(text, platform, kind=KIND)
    if detect_form(text) == "json":
        return _parse_json(text)
    return _parse_text(text)


def _parse_text(text: str) -> list[OspfNeighbor]:
    lines = split_lines(text)
    neighbors: list[OspfNeighbor] = []
    has_uptime: bool | None = None  # None until the heading is seen
    for index, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        if has_uptime is None:
            heading = _HEADING.match(line)
            if heading is None:
                raise _refuse("expected the 'Neighbor ID  Pri State ...' heading", index, line)
            has_uptime = heading["uptime"] is not None
            continue
        neighbors.append(_parse_row(line, line_number=index, has_uptime=has_uptime))
    if has_uptime is None:
        raise _refuse("empty output: no neighbor table heading")
    return neighbors


def _parse_row(line: str, *, line_number: int, has_uptime: bool) -> OspfNeighbor:
    fields = line.split()
    expected = 10 if has_uptime else 9
    if len(fields) != expected:
        raise _refuse(f"expected {expected} fields in a neighbor row, found {len(fields)}", line_number, line)
    if has_uptime:
        del fields[3]  # Up Time: FRR's value is not reliable and nothing here needs it
    neighbor_id, priority, state_role, _dead_time, address, interface_field, *counters = fields
    if not all(_NUMBER.match(number) for number in (priority, *counters)):
        raise _refuse("priority and the three counters must be numbers", line_number, line)
    state, role = _split_state(state_role, line_number, line)
    interface, local_address = _split_interface(interface_field, line_number, line)
    return {
        "neighbor_id": _check_ipv4(neighbor_id, "neighbor id", line_number, line),
        "priority": int(priority),
        "state": state,
        "role": role,
        "address": _check_ipv4(address, "address", line_number, line),
        "interface": interface,
        "local_address": local_address,
    }


def _parse_json(text: str) -> list[OspfNeighbor]:
    document = load_json_object(text, kind=KIND)
    if not document:
        raise _refuse("empty JSON object: FRR prints {} when OSPF is not enabled")
    by_router_id = document.get("neighbors")
    if not isinstance(by_router_id, dict):
        raise _refuse("the JSON object has no 'neighbors' object")
    neighbors: list[OspfNeighbor] = []
    for router_id, entries in by_router_id.items():
        if not isinstance(entries, list):
            raise _refuse(f"neighbor {router_id!r}: expected a list of entries")
        for entry in entries:
            if not isinstance(entry, dict):
                raise _refuse(f"neighbor {router_id!r}: an entry is not an object")
            neighbors.append(_json_neighbor(str(router_id), entry))
    return neighbors


def _json_neighbor(router_id: str, entry: dict[str, Any]) -> OspfNeighbor:
    where = f"neighbor {router_id!r}"
    state_role: str = json_field(entry, ("nbrState", "state"), str, kind=KIND, where=where)
    if "/" in state_role:
        state, role = _split_state(state_role)
    else:
        state = state_role
        role = json_field(entry, "role", str, kind=KIND, where=where)
    interface_field: str = json_field(entry, "ifaceName", str, kind=KIND, where=where)
    interface, local_address = _split_interface(interface_field)
    address: str = json_field(entry, ("ifaceAddress", "address"), str, kind=KIND, where=where)
    priority: int = json_field(entry, ("nbrPriority", "priority"), int, kind=KIND, where=where)
    return {
        "neighbor_id": _check_ipv4(router_id, "neighbor id"),
        "priority": priority,
        "state": state,
        "role": role,
        "address": _check_ipv4(address, "address"),
        "interface": interface,
        "local_address": local_address,
    }
