"""Parse ``show ip ospf interface [json]``: each OSPF interface's timers, state and BFD (FRR and Quagga).

Text is read per interface block (``NAME is up|down`` at the left margin, its lines indented); every line must be
one FRR (8.x to 10.x) or Quagga (0.99, 1.x) prints there. An interface may run OSPF for more than one address (one
entry each, in order); interfaces where OSPF is not enabled are left out, those where it is enabled but not running
(the interface is down) are listed with ``running`` false and no other field. The dead interval is read from
``Dead Ns`` (FRR and Quagga print the RouterDeadInterval there, and again as ``Wait``); ``Hello 250ms`` is a fast
hello (``ip ospf dead-interval minimal hello-multiplier N``). The bandwidth unit tells the platforms apart (FRR
``Mbit``, Quagga ``Kbit``). Quagga prints no JSON; JSON ``{}`` (OSPF not enabled) is refused.

The refusals shared with ``show ip ospf`` (:mod:`ospf_failover.parsers.ospf_timers`) live here too: vtysh error
texts, Quagga's ``OSPF Routing Process not enabled``, the output of more than one instance or VRF.
"""

from __future__ import annotations

import ipaddress
import re
from typing import Any, TypedDict

from ospf_failover.models import Platform
from ospf_failover.parsers.detect import detect_form, load_json_object, split_lines
from ospf_failover.parsers.refusal import Refuser, json_field
from ospf_failover.parsers.vtysh import refuse_vtysh_error

INTERFACES_KIND = "ospf interface"
_refuse_interfaces = Refuser(INTERFACES_KIND)


class OspfBfd(TypedDict):
    detect_multiplier: int
    rx_min_ms: int
    tx_min_ms: int


class OspfInterfaceTimers(TypedDict):
    interface: str
    running: bool  # False: OSPF is enabled on it but the interface is down (no other field is known then)
    address: str | None  # "192.168.76.252/24"; None when not running or unnumbered
    area: str | None  # "0.0.0.0"
    network_type: str | None  # "BROADCAST", "POINTOPOINT", "LOOPBACK", ...
    state: str | None  # "DR", "Backup", "DROther", "Waiting", "Point-To-Point", ...
    dr_id: str | None  # router ID of the segment's DR, when there is one
    bdr_id: str | None
    passive: bool
    hello_ms: int | None
    dead_s: int | None  # RouterDeadInterval
    retransmit_s: int | None  # RxmtInterval
    neighbors: int | None
    adjacent_neighbors: int | None
    bfd: OspfBfd | None  # BFD configured on the interface (ip ospf bfd)


def refuse_unreadable_ospf_output(text: str, platform: Platform, refuse: Refuser) -> bool:
    """The refusals common to the OSPF timer parsers; True when the output is JSON (FRR only)."""
    if platform not in ("frr", "quagga"):
        raise refuse(f"unknown platform {platform!r} (frr or quagga)")
    refuse_vtysh_error(text, kind=refuse.kind)
    is_json = detect_form(text) == "json"
    if is_json and platform == "quagga":
        raise refuse("JSON output, but Quagga prints no JSON: the output is FRR output")
    for number, line in enumerate(split_lines(text), start=1):
        stripped = line.strip()
        if stripped == "OSPF Routing Process not enabled":
            raise refuse("OSPF is not enabled (OSPF Routing Process not enabled)", number, line)
        if stripped.startswith(("OSPF Instance:", "VRF Name:")):
            raise refuse("output of more than the default OSPF instance is not supported", number, line)
    return is_json


def check_ipv4(value: str, what: str, refuse: Refuser, number: int | None = None, line: str | None = None) -> str:
    try:
        ipaddress.IPv4Address(value)
    except ValueError as exc:
        raise refuse(f"{what} {value!r} is not an IPv4 address", number, line) from exc
    return value


_IF_HEADER = re.compile(r"^(?P<name>[^\s]+) is (?:up|down)$")
_IFINDEX = re.compile(r"^ifindex \d+, MTU \d+ bytes, BW \d+ (?P<unit>Mbit|Kbit) <[^>]*>$")
_ADDRESS = re.compile(
    r"^(?:Internet Address (?P<address>[0-9.]+/\d+)|This interface is UNNUMBERED),"
    r"(?: (?:Broadcast|Peer) [0-9.]+,)? Area (?P<area>[0-9.]+)(?: \[[^\]]*\])?$"
)
_TYPE = re.compile(r"^Router ID [0-9.]+, Network Type (?P<type>\S+), Cost: \d+$")
_STATE = re.compile(r"^Transmit Delay is \d+ sec, State (?P<state>\S+), Priority \d+$")
_DR = re.compile(r"^Designated Router \(ID\) (?P<id>[0-9.]+?),? Interface Address [0-9./]+$")
_BDR = re.compile(r"^Backup Designated Router \(ID\) (?P<id>[0-9.]+), Interface Address [0-9./]+$")
_TIMERS = re.compile(
    r"^Timer intervals configured, Hello (?P<hello>\d+)(?P<unit>s|ms), Dead (?P<dead>\d+)s, Wait \d+s, "
    r"Retransmit (?P<rxmt>\d+)$"
)
_HELLO_DUE = re.compile(r"^Hello due in \S+$")
_PASSIVE = "No Hellos (Passive interface)"
_COUNTS = re.compile(r"^Neighbor Count is (?P<all>\d+), Adjacent neighbor count is (?P<full>\d+)$")
# FRR's form, and Cumulus's Quagga's ("Detect Mul").
_BFD = re.compile(
    r"^BFD: Detect Mul(?:tiplier)?: (?P<mult>\d+), Min Rx interval: (?P<rx>\d+), Min Tx interval: (?P<tx>\d+)$"
)
_OTHER_INTERFACE_LINES = re.compile(
    "^(?:"
    + "|".join(
        (
            r"MTU mismatch detection: ?(?:enabled|disabled)",
            r"Opaque LSA capability disabled on interface",
            r"No (?:backup )?designated router on this network",
            r"Saved Network-LSA sequence number 0x[0-9a-fA-F]+",
            r"Multicast group memberships:(?: OSPFAllRouters)?(?: OSPFDesignatedRouters)?(?: <None>)?",
            r"DSCP control-packet classes:",
            r"high-control : \d+ \(Hello, LS-Ack\)",
            r"low-control  : \d+ \(DB-Desc, LS-Req, LS-Update\)(?: \(inherited from all\))?",
            r"Graceful Restart hello delay: \d+s",
            r"Suppress advertisement of interface IP prefix",
            r"(?:Don't )?Delay reflooding LSAs received on P2MP interface",
            r"P2MP interface does (?:not )?support broadcast",
            r"Neighbor filter prefix-list: \S+",
            r"LSA retransmissions: \d+",
            r"Authentication NULL is enabled",
            r"(?:Simple password|Cryptographic) authentication enabled",
            r"Sending SA: Key \d+, Algorithm \S+ - key chain \S+",
            r"Algorithm:MD5",
        )
    )
    + ")$"
)
_REQUIRED = ("network_type", "state", "hello_ms", "hellos", "neighbors")


class _Entry:
    """One OSPF interface being read: each field at most once."""

    def __init__(self, name: str, *, running: bool) -> None:
        self.name = name
        self.fields: dict[str, Any] = {"interface": name, "running": running}

    def put(self, field: str, value: Any, number: int | None = None, line: str | None = None) -> None:
        if field in self.fields:
            raise _refuse_interfaces(f"interface {self.name}: a second line for {field}", number, line)
        self.fields[field] = value

    def missing(self) -> list[str]:
        return [field for field in _REQUIRED if field not in self.fields] if self.fields["running"] else []

    def result(self) -> OspfInterfaceTimers:
        get = self.fields.get
        return {
            "interface": self.name,
            "running": bool(get("running")),
            "address": get("address"),
            "area": get("area"),
            "network_type": get("network_type"),
            "state": get("state"),
            "dr_id": get("dr_id"),
            "bdr_id": get("bdr_id"),
            "passive": bool(get("passive", False)),
            "hello_ms": get("hello_ms"),
            "dead_s": get("dead_s"),
            "retransmit_s": get("retransmit_s"),
            "neighbors": get("neighbors"),
            "adjacent_neighbors": get("adjacent_neighbors"),
            "bfd": get("bfd"),
        }


def parse_ospf_interfaces(text: str, *, platform: Platform) -> list[OspfInterfaceTimers]:
    """The OSPF interfaces of ``show ip ospf interface [json]`` with their timers, in the order printed."""
    if refuse_unreadable_ospf_output(text, platform, _refuse_interfaces):
        return _interfaces_json(text)
    entries: list[_Entry] = []
    name: str | None = None
    # ifindex: after 'X is up'; header: after its ifindex line; enabled: an OSPF address read; skip: no OSPF there
    state = "none"
    for number, line in enumerate(split_lines(text), start=1):
        stripped = line.strip()
        if not stripped:
            continue
        header = _IF_HEADER.match(line)
        if header is not None:
            _check_complete(entries, state, number, line)
            name, state = header["name"], "ifindex"
            continue
        if name is None or not line.startswith(" "):
            raise _refuse_interfaces("expected 'NAME is up' or 'NAME is down'", number, line)
        if state == "ifindex":
            ifindex = _IFINDEX.match(stripped)
            if ifindex is None:
                raise _refuse_interfaces("expected 'ifindex N, MTU N bytes, BW N ...'", number, line)
            if (ifindex["unit"] == "Mbit") != (platform == "frr"):
                raise _refuse_interfaces(f"the bandwidth unit is not the one {platform} prints", number, line)
            state = "header"
            continue
        if stripped == "OSPF not enabled on this interface" and state == "header":
            state = "skip"
            continue
        if stripped == "OSPF is enabled, but not running on this interface" and state == "header":
            entries.append(_Entry(name, running=False))
            state = "skip"
            continue
        if state == "skip":
            raise _refuse_interfaces("a line after 'OSPF not enabled' or 'not running'", number, line)
        if (address := _ADDRESS.match(stripped)) is not None:
            if state == "enabled":  # the interface's previous address
                _check_complete(entries, state, number, line)
            entry = _Entry(name, running=True)
            if address["address"] is not None:
                try:
                    entry.put("address", str(ipaddress.IPv4Interface(address["address"])))
                except ValueError as exc:
                    raise _refuse_interfaces("the interface address is not an IPv4 address", number, line) from exc
            entry.put("area", check_ipv4(address["area"], "area", _refuse_interfaces, number, line))
            entries.append(entry)
            state = "enabled"
            continue
        if state != "enabled":
            raise _refuse_interfaces("expected 'Internet Address ...' or 'OSPF not enabled'", number, line)
        _read_interface_line(entries[-1], stripped, number, line)
    if name is None:
        raise _refuse_interfaces("empty output: no interface")
    _check_complete(entries, state, None, None)
    return [entry.result() for entry in entries]


def _check_complete(entries: list[_Entry], state: str, number: int | None, line: str | None) -> None:
    if state == "ifindex":
        raise _refuse_interfaces("an interface without its 'ifindex' line", number, line)
    if state == "header":
        raise _refuse_interfaces("an interface without its OSPF lines", number, line)
    if state == "enabled" and (missing := entries[-1].missing()):
        raise _refuse_interfaces(
            f"interface {entries[-1].name}: incomplete, no line for {', '.join(missing)}", number, line
        )


def _read_interface_line(entry: _Entry, stripped: str, number: int, line: str) -> None:
    def put(field: str, value: Any) -> None:
        entry.put(field, value, number, line)

    if (match := _TYPE.match(stripped)) is not None:
        put("network_type", match["type"])
    elif (match := _STATE.match(stripped)) is not None:
        put("state", match["state"])
    elif (match := _DR.match(stripped)) is not None:
        put("dr_id", check_ipv4(match["id"], "DR router ID", _refuse_interfaces, number, line))
    elif (match := _BDR.match(stripped)) is not None:
        put("bdr_id", check_ipv4(match["id"], "BDR router ID", _refuse_interfaces, number, line))
    elif (match := _TIMERS.match(stripped)) is not None:
        hello = int(match["hello"])
        put("hello_ms", hello * 1000 if match["unit"] == "s" else hello)
        put("dead_s", int(match["dead"]))
        put("retransmit_s", int(match["rxmt"]))
    elif (match := _HELLO_DUE.match(stripped)) is not None or stripped == _PASSIVE:
        put("hellos", True)
        if stripped == _PASSIVE:
            put("passive", True)
    elif (match := _COUNTS.match(stripped)) is not None:
        put("neighbors", int(match["all"]))
        put("adjacent_neighbors", int(match["full"]))
    elif (match := _BFD.match(stripped)) is not None:
        bfd: OspfBfd = {
            "detect_multiplier": int(match["mult"]),
            "rx_min_ms": int(match["rx"]),
            "tx_min_ms": int(match["tx"]),
        }
        put("bfd", bfd)
    elif not _OTHER_INTERFACE_LINES.match(stripped):
        raise _refuse_interfaces("not a line of 'show ip ospf interface'", number, line)


def _interfaces_json(text: str) -> list[OspfInterfaceTimers]:
    document = load_json_object(text, kind=INTERFACES_KIND)
    if not document:
        raise _refuse_interfaces("empty JSON object: FRR prints {} when OSPF is not enabled")
    interfaces = document.get("interfaces")
    if not isinstance(interfaces, dict):
        raise _refuse_interfaces("the JSON object has no 'interfaces' object")
    entries: list[OspfInterfaceTimers] = []
    for name, raw in interfaces.items():
        if not isinstance(raw, dict):
            raise _refuse_interfaces(f"interface {name!r} is not an object")
        entries.append(_json_interface(str(name), raw))
    return entries


def _json_interface(name: str, raw: dict[str, Any]) -> OspfInterfaceTimers:
    where = f"interface {name!r}"

    def field(keys: str, expected: type[Any], **default: Any) -> Any:
        return json_field(raw, keys, expected, kind=INTERFACES_KIND, where=where, **default)

    if field("ospfRunning", bool, default=True) is False:
        if "timerMsecs" in raw:
            raise _refuse_interfaces(f"{where}: 'ospfRunning' is false but timers are shown")
        return _Entry(name, running=False).result()
    if field("ospfEnabled", bool, default=True) is False:
        raise _refuse_interfaces(f"{where}: OSPF is not enabled on it")
    entry = _Entry(name, running=True)
    address, prefix_length = field("ipAddress", str, default=None), field("ipAddressPrefixlen", int, default=None)
    if (address is None) != (prefix_length is None):
        raise _refuse_interfaces(f"{where}: 'ipAddress' and 'ipAddressPrefixlen' go together")
    if address is not None:
        try:
            entry.put("address", str(ipaddress.IPv4Interface(f"{address}/{prefix_length}")))
        except ValueError as exc:
            raise _refuse_interfaces(f"{where}: {address}/{prefix_length} is not an IPv4 address") from exc
    area: str = field("area", str)
    entry.put("area", check_ipv4(area.split(" ", maxsplit=1)[0], f"{where}: area", _refuse_interfaces))
    entry.put("network_type", field("networkType", str))
    entry.put("state", field("state", str))
    for key, name_of_field in (("drId", "dr_id"), ("bdrId", "bdr_id")):
        router_id = field(key, str, default=None)
        if router_id is not None:
            entry.put(name_of_field, check_ipv4(router_id, f"{where}: {key}", _refuse_interfaces))
    entry.put("passive", field("timerPassiveIface", bool, default=False))
    entry.put("hello_ms", field("timerMsecs", int))
    entry.put("dead_s", field("timerDeadSecs", int))
    entry.put("retransmit_s", field("timerRetransmitSecs", int))
    entry.put("neighbors", field("nbrCount", int))
    entry.put("adjacent_neighbors", field("nbrAdjacentCount", int))
    bfd = field("peerBfdInfo", dict, default=None)
    if bfd is not None:
        bfd_where = f"{where}: peerBfdInfo"
        value: OspfBfd = {
            "detect_multiplier": json_field(bfd, "detectionMultiplier", int, kind=INTERFACES_KIND, where=bfd_where),
            "rx_min_ms": json_field(bfd, "rxMinInterval", int, kind=INTERFACES_KIND, where=bfd_where),
            "tx_min_ms": json_field(bfd, "txMinInterval", int, kind=INTERFACES_KIND, where=bfd_where),
        }
        entry.put("bfd", value)
    return entry.result()
