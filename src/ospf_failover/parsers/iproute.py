"""Parse iproute2's one-line output (``ip -o link``, ``ip -o -4 addr``) into a NIC's state."""

from __future__ import annotations

import re

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
