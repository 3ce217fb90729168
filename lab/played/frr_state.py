"""The observer's real state, as FRR's vtysh gives it in JSON, in the few shapes the played CLIs render (pure,
but for :func:`read_json`, which runs vtysh inside the observer)."""

from __future__ import annotations

import ipaddress
import json
import re
import subprocess
from dataclasses import dataclass
from typing import Any

VTYSH_TIMEOUT = 10.0


class StateUnavailable(Exception):
    """vtysh could not give the state (a daemon down, vtysh missing): the played CLI says so in its own words."""


@dataclass(frozen=True)
class Hop:
    ip: str | None  # None: directly connected
    interface: str | None


@dataclass(frozen=True)
class Entry:
    """One route of FRR's table: the protocol's route to a prefix, and its next hops in use."""

    network: ipaddress.IPv4Network
    protocol: str  # FRR's word: ospf, connected, kernel, static...
    selected: bool
    distance: int
    metric: int
    age: int  # seconds since the route changed
    hops: tuple[Hop, ...]


@dataclass(frozen=True)
class Neighbor:
    router_id: str
    priority: int
    state: str  # FRR's: Full, 2-Way, Init, ExStart...
    role: str  # DR, Backup, DROther, or "-" (point-to-point)
    dead_seconds: int
    address: str
    interface: str


def read_json(vtysh: str, command: str) -> Any:
    """vtysh's JSON answer to ``command``; StateUnavailable with vtysh's own words when there is none."""
    try:
        done = subprocess.run(
            [vtysh, "-c", command], capture_output=True, text=True, timeout=VTYSH_TIMEOUT, check=False
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise StateUnavailable(str(exc)) from exc
    text = done.stdout.strip()
    try:
        return json.loads(text)
    except ValueError:
        said = (text or done.stderr.strip() or f"exit status {done.returncode}").splitlines()[0]
        raise StateUnavailable(said) from None


_AGE = re.compile(r"(\d+)([wdhms])")
_UNIT = {"w": 604800, "d": 86400, "h": 3600, "m": 60, "s": 1}


def age_seconds(uptime: str) -> int:
    """FRR's uptime text (``00:01:02``, ``1d02h03m``, ``02w3d04h``) in seconds; 0 when it says nothing known."""
    if re.fullmatch(r"\d+:\d{2}:\d{2}", uptime):
        hours, minutes, seconds = (int(part) for part in uptime.split(":"))
        return hours * 3600 + minutes * 60 + seconds
    return sum(int(number) * _UNIT[unit] for number, unit in _AGE.findall(uptime))


def routes(table: Any) -> list[Entry]:
    """Every route of ``show ip route json``, in address order (FRR's order), the selected one first per prefix."""
    found: list[Entry] = []
    for prefix, entries in (table or {}).items():
        for entry in entries:
            hops = tuple(
                Hop(None if hop.get("directlyConnected") else hop.get("ip"), hop.get("interfaceName"))
                for hop in entry.get("nexthops", [])
                if hop.get("active") or hop.get("fib")
            )
            found.append(
                Entry(
                    network=ipaddress.IPv4Network(prefix),
                    protocol=str(entry.get("protocol", "unknown")),
                    selected=bool(entry.get("selected")),
                    distance=int(entry.get("distance", 0)),
                    metric=int(entry.get("metric", 0)),
                    age=age_seconds(str(entry.get("uptime", ""))),
                    hops=hops,
                )
            )
    found.sort(key=lambda e: (int(e.network.network_address), e.network.prefixlen, not e.selected))
    return found


def longest_match(entries: list[Entry], address: ipaddress.IPv4Address) -> list[Entry]:
    """The routes of the most specific prefix holding ``address`` that has a selected route (none: [])."""
    holding = [e for e in entries if e.selected and address in e.network]
    if not holding:
        return []
    best = max(e.network.prefixlen for e in holding)
    return [e for e in entries if e.network == next(h.network for h in holding if h.network.prefixlen == best)]


def neighbors(answer: Any) -> list[Neighbor]:
    """``show ip ospf neighbor json`` (FRR 8 and 9 keys alike), in router-id order."""
    found: list[Neighbor] = []
    for router_id, entries in ((answer or {}).get("neighbors") or {}).items():
        for entry in entries:
            state, _, role = str(entry.get("nbrState") or entry.get("state", "")).partition("/")
            dead_msecs = int(entry.get("deadTimeMsecs", entry.get("routerDeadIntervalTimerDueMsec", 0)))
            found.append(
                Neighbor(
                    router_id=router_id,
                    priority=int(entry.get("nbrPriority", entry.get("priority", 0))),
                    state=state,
                    role=role or "-",
                    dead_seconds=-(-dead_msecs // 1000),  # rounded up, as the routers count down
                    address=str(entry.get("ifaceAddress") or entry.get("address", "")),
                    interface=str(entry.get("ifaceName", "")).split(":")[0],
                )
            )
    return found
