"""Parse iproute2's one-line output (``ip -o link``, ``ip -o -4 addr``) into a NIC's state."""

from __future__ import annotations

import re
from collections.abc import Sequence

from ospf_failover.errors import ParseError
from ospf_failover.models import NicState

_LINK = re.compile(r"^\d+:\s+(?P<name>[^:@\s]+)(?:@\S+)?:\s+<(?P<flags>[^>]*)>.*?(?:\bstate\s+(?P<state>\S+))?")
_ADDR = re.compile(r"^\d+:\s+(?P<name>[^:\s]+)\s+inet\s+(?P<cidr>\d+\.\d+\.\d+\.\d+/\d+)")


def link_command(nic: str) -> str:
    return f"ip -o link show dev {nic}"


def address_command(nic: str) -> str:
    return f"ip -o -4 addr show dev {nic}"


def parse_nic_state(*, nic: str, link: str, link_status: int, addresses: str, gateway: str | None) -> NicState:
    """A NIC's state from the output of :func:`link_command` and :func:`address_command`.

    A NIC that does not exist (``Device "x" does not exist``, non-zero status) is reported, not raised: the
    runbooks decide whether that is a fault. Any other unreadable output is a ParseError.
    """
    if link_status != 0:
        if "does not exist" in link or "Cannot find device" in link:
            return NicState(nic=nic, exists=False, up=False, lower_up=False, addresses=[], has_gateway=False)
        raise ParseError(kind="ip link", reason=f"exit status {link_status}", line=link.strip()[:200])
    lines = [line for line in link.splitlines() if line.strip()]
    match = _LINK.match(lines[0]) if len(lines) == 1 else None
    if match is None or match.group("name") != nic:
        raise ParseError(kind="ip link", reason=f"expected one line for {nic}", line=link.strip()[:200])
    flags = set(match.group("flags").split(","))
    found: list[str] = []
    for line in addresses.splitlines():
        if not line.strip() or line.startswith((" ", "\t")):
            continue
        addr = _ADDR.match(line)
        if addr is None:
            raise ParseError(kind="ip addr", reason="unexpected line", line=line)
        found.append(addr.group("cidr"))
    up = "UP" in flags
    has_gateway = up and gateway is not None and any(cidr.split("/")[0] == gateway for cidr in found)
    return NicState(nic=nic, exists=True, up=up, lower_up="LOWER_UP" in flags, addresses=found, has_gateway=has_gateway)


ALL_LINKS = "ip -o link show"
ALL_ADDRESSES = "ip -o -4 addr show"
_DEVICE = re.compile(r"^\d+:\s+(?P<name>[^:@\s]+)(?:@[^:\s]+)?:?\s")  # the device a line of either is about


def nic_commands(nics: Sequence[str]) -> list[str]:
    """The commands that read ``nics``' states: one NIC's own two (:func:`link_command`, :func:`address_command`),
    or for several NICs every NIC's link and addresses once (a router of a hundred groups runs two commands, not
    two hundred)."""
    if len(nics) == 1:
        return [link_command(nics[0]), address_command(nics[0])]
    return [ALL_LINKS, ALL_ADDRESSES] if nics else []


def parse_nic_outputs(
    probes: Sequence[tuple[str, str | None]], outputs: Sequence[tuple[str, int]]
) -> dict[str, NicState]:
    """Each probed NIC's state (``(nic, gateway)``) from the outputs (text, exit status) of :func:`nic_commands`;
    a NIC the host's list does not have does not exist. Output that is not such a list is a ParseError."""
    if len(probes) == 1:
        (nic, gateway), ((link, status), (addresses, _)) = probes[0], outputs
        return {nic: parse_nic_state(nic=nic, link=link, link_status=status, addresses=addresses, gateway=gateway)}
    lines: list[dict[str, list[str]]] = []
    for (text, status), kind in zip(outputs, ("ip link", "ip addr"), strict=True):
        if status != 0:
            raise ParseError(kind=kind, reason=f"exit status {status}", line=text.strip()[:200])
        by_device: dict[str, list[str]] = {}
        for line in text.splitlines():
            if not line.strip() or line.startswith((" ", "\t")):
                continue
            device = _DEVICE.match(line)
            if device is None:
                raise ParseError(kind=kind, reason="unexpected line", line=line[:200])
            by_device.setdefault(device["name"], []).append(line)
        lines.append(by_device)
    link_lines, address_lines = lines
    states: dict[str, NicState] = {}
    for nic, gateway in probes:
        if nic not in link_lines:
            states[nic] = NicState(nic=nic, exists=False, up=False, lower_up=False, addresses=[], has_gateway=False)
            continue
        found = "\n".join(address_lines.get(nic, []))
        link = "\n".join(link_lines[nic])
        states[nic] = parse_nic_state(nic=nic, link=link, link_status=0, addresses=found, gateway=gateway)
    return states
