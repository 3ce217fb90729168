"""Read the OSPF part of a router's configuration: ``show running-config`` (FRR, Quagga's vtysh or ospfd's own vty)
or a configuration file as Quagga's ``ospfd.conf`` / ``zebra.conf`` are written by hand.

Blocks: ``interface NAME`` and ``router ospf`` (and any other ``router``, ``line``, ``vrf``... block, not read) open
a block; an indented line belongs to the block above it; ``!`` and ``exit`` close it. Quagga reads its files by
command, not by indentation (``interface lo`` then ``ip address 10.1.0.1/24`` at the left margin is valid), so an
unindented line after a block opener also belongs to the block, unless it is a global command (``hostname``,
``password``, ``log``, ``ip forwarding``, ``ip route``...), which ends the block. An ``ip ospf`` line outside an
interface block, a ``network`` line outside a block, another OSPF instance (``router ospf 2``, ``router ospf vrf
X``), or a display (``Building configuration...`` / ``Current configuration:``) without its closing ``end`` is
refused, as is a text that is no configuration at all.

``OspfConfig.ospf_lines`` is what two routers of a pair should share: every line of the ``router ospf`` block and
every ``ip ospf`` line of the interfaces (``interface eth0: ip ospf hello-interval 1``), with areas written dotted,
``network`` prefixes reduced to their network (``192.168.250.101/24`` -> ``192.168.250.0/24``), authentication
keys masked, sorted; the router ID (``ospf router-id``, ``router-id``), the hostname and the interface addresses,
which must differ, are left out. Interface names are kept: a pair whose VM-side NICs have different names differs.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from ospf_failover.errors import InputError
from ospf_failover.parsers.detect import split_lines
from ospf_failover.parsers.refusal import Refuser
from ospf_failover.parsers.vtysh import refuse_vtysh_error

KIND = "running-config"
_refuse = Refuser(KIND)

_DISPLAY_START = ("Building configuration...", "Current configuration:")
_BLOCK_OPENER = re.compile(
    r"^(?:interface|router|line|vrf|route-map|key chain|bfd|segment-routing|nexthop-group|pbr-map|mpls ldp)\b"
)
# fmt: off
_GLOBAL_WORDS = frozenset((
    "hostname", "password", "enable", "log", "service", "debug", "banner", "frr", "agentx", "username", "end",
    "table", "access-list",
))
# fmt: on
_GLOBAL_PAIRS = re.compile(
    r"^(?:no )?(?:ip|ipv6) (?:forwarding|route|nht|protocol|import-table|multicast-routing|prefix-list)\b"
)
_NETWORK = re.compile(r"^network (?P<prefix>[0-9.]+/\d+) area (?P<area>\S+)$")
_IF_AREA = re.compile(r"^ip ospf area (?P<area>\S+)(?: (?P<address>[0-9.]+))?$")
_ROUTER_ID = re.compile(r"^(?:ospf )?router-id (?P<id>\S+)$")
_AREA_WORD = re.compile(r"^(?P<head>(?:no )?(?:ip ospf )?area )(?P<area>\S+)(?P<tail>.*)$")
_SECRET = re.compile(r"(?P<head>\b(?:authentication-key|md5|message-digest-key \d+ md5) )\S+")


@dataclass(frozen=True)
class NetworkStatement:
    prefix: str  # the network, host bits cleared
    area: str  # dotted
    line: str  # as written, blanks collapsed


@dataclass(frozen=True)
class InterfaceArea:
    interface: str
    area: str
    address: str | None  # ip ospf area A ADDRESS: only that address of the interface


@dataclass(frozen=True)
class Coverage:
    covered: bool
    by: str | None  # the configuration that makes OSPF advertise the network
    area: str | None


@dataclass(frozen=True)
class OspfConfig:
    router_ospf: bool
    router_id: str | None
    networks: tuple[NetworkStatement, ...]
    interface_areas: tuple[InterfaceArea, ...]
    interface_addresses: tuple[tuple[str, str], ...]  # (interface, "10.0.0.254/24") from ip address lines
    passive_default: bool
    passive_interfaces: tuple[str, ...]  # passive-interface X / ip ospf passive
    active_interfaces: tuple[str, ...]  # no passive-interface X / no ip ospf passive
    ospf_lines: tuple[str, ...]

    def is_passive(self, interface: str) -> bool:
        """Whether OSPF keeps hellos off ``interface`` (it still advertises the interface's network)."""
        if interface in self.active_interfaces:
            return False
        return self.passive_default or interface in self.passive_interfaces

    def covers(self, prefix: str, *, addresses: Mapping[str, Sequence[str]] | None = None) -> Coverage:
        """Whether OSPF here advertises the network ``prefix`` (a VM network) once an interface in it is up.

        Covered by a ``network`` statement containing the whole network, or by one containing the address of an
        interface inside the network, or by an interface inside the network with ``ip ospf area``. Interface
        addresses come from the configuration's ``ip address`` lines and from ``addresses`` (interface -> CIDRs,
        e.g. read with ``ip -o -4 addr``), since FRR keeps addresses set outside it out of its configuration.
        """
        try:
            network = ipaddress.IPv4Network(prefix)
        except ValueError as exc:
            raise InputError(f"{prefix!r} is not an IPv4 network") from exc
        known: dict[str, list[ipaddress.IPv4Interface]] = {}
        for interface, cidr in self.interface_addresses:
            known.setdefault(interface, []).append(ipaddress.IPv4Interface(cidr))
        for interface, cidrs in (addresses or {}).items():
            try:
                known.setdefault(interface, []).extend(ipaddress.IPv4Interface(cidr) for cidr in cidrs)
            except ValueError as exc:
                raise InputError(f"{interface}: {list(cidrs)} are not IPv4 addresses with lengths") from exc
        inside = {name: [a for a in found if a.ip in network] for name, found in known.items()}
        if not self.router_ospf:
            return Coverage(covered=False, by=None, area=None)
        for statement in self.networks:
            statement_network = ipaddress.IPv4Network(statement.prefix)
            if network.subnet_of(statement_network):
                return Coverage(covered=True, by=statement.line, area=statement.area)
            for name, found in inside.items():
                if any(address.ip in statement_network for address in found):
                    return Coverage(covered=True, by=f"{statement.line} ({name})", area=statement.area)
        for item in self.interface_areas:
            for address in inside.get(item.interface, []):
                if item.address is None or address.ip == ipaddress.IPv4Address(item.address):
                    by = f"interface {item.interface}: ip ospf area {item.area} ({address})"
                    return Coverage(covered=True, by=by, area=item.area)
        return Coverage(covered=False, by=None, area=None)


def compare_ospf_lines(first: OspfConfig, second: OspfConfig) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The OSPF lines only ``first`` has, and those only ``second`` has (config drift within a pair)."""
    return (
        tuple(line for line in first.ospf_lines if line not in second.ospf_lines),
        tuple(line for line in second.ospf_lines if line not in first.ospf_lines),
    )


_PASSIVE_LINE = re.compile(r"^router ospf: (?P<no>no )?passive-interface (?P<interface>\S+)$")


def _one_spelling(line: str) -> str:
    """``router ospf: passive-interface X`` as ``interface X: ip ospf passive``: FRR shows the first, once read,
    as the second; either way it is the same configuration."""
    match = _PASSIVE_LINE.match(line)
    if match is None or match["interface"] == "default":
        return line
    return f"interface {match['interface']}: {match['no'] or ''}ip ospf passive"


def unsaved_lines(running: OspfConfig, saved: OspfConfig) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The OSPF lines only the running configuration has, and those only the saved one has (a change made and
    not written: the saved configuration is what the router comes back with after a restart). Whether OSPF
    runs at all counts too."""
    ours = {_one_spelling(line) for line in running.ospf_lines} | ({"router ospf"} if running.router_ospf else set())
    kept = {_one_spelling(line) for line in saved.ospf_lines} | ({"router ospf"} if saved.router_ospf else set())
    return tuple(sorted(ours - kept)), tuple(sorted(kept - ours))


@dataclass(frozen=True)
class Drift:
    """How one router of a failover group differs from the group's first router, in OSPF lines."""

    first: str
    other: str
    only_first: tuple[str, ...]
    only_other: tuple[str, ...]

    @property
    def same(self) -> bool:
        return not self.only_first and not self.only_other

    def lines(self) -> list[str]:
        """``only vr1: LINE`` / ``only vr2: LINE``, the first router's lines first."""
        return [f"only {self.first}: {line}" for line in self.only_first] + [
            f"only {self.other}: {line}" for line in self.only_other
        ]


SHOWN_LINES = 4  # differing lines a drift's one-line detail names


def drift_detail(lines: Sequence[str]) -> str:
    """Differing lines as one detail: the first SHOWN_LINES, then how many more."""
    more = f" (+{len(lines) - SHOWN_LINES} more)" if len(lines) > SHOWN_LINES else ""
    return "; ".join(lines[:SHOWN_LINES]) + more


def group_drift(configs: Mapping[str, OspfConfig]) -> list[Drift]:
    """Every router of a group against the first one (in the mapping's order); empty for fewer than two."""
    names = list(configs)
    return [Drift(names[0], other, *compare_ospf_lines(configs[names[0]], configs[other])) for other in names[1:]]


def _dotted_area(value: str, number: int, line: str) -> str:
    try:
        return str(ipaddress.IPv4Address(int(value) if value.isdigit() else value))
    except ValueError as exc:
        raise _refuse(f"area {value!r} is neither a number nor dotted", number, line) from exc


def _normalized(command: str, number: int, line: str) -> str:
    if (match := _NETWORK.match(command)) is not None:
        prefix = ipaddress.IPv4Network(match["prefix"], strict=False)
        return f"network {prefix} area {_dotted_area(match['area'], number, line)}"
    if (match := _AREA_WORD.match(command)) is not None:
        command = f"{match['head']}{_dotted_area(match['area'], number, line)}{match['tail']}"
    return _SECRET.sub(r"\g<head><secret>", command)


def _is_global(command: str) -> bool:
    return command.split(" ", 1)[0] in _GLOBAL_WORDS or bool(_GLOBAL_PAIRS.match(command))


class _Reader:
    def __init__(self) -> None:
        self.router_ospf = False
        self.router_id: str | None = None
        self.networks: list[NetworkStatement] = []
        self.interface_areas: list[InterfaceArea] = []
        self.addresses: list[tuple[str, str]] = []
        self.passive_default = False
        self.passive: list[str] = []
        self.active: list[str] = []
        self.lines: list[str] = []

    def ospf_command(self, command: str, number: int, line: str) -> None:
        if (match := _ROUTER_ID.match(command)) is not None:
            try:
                self.router_id = str(ipaddress.IPv4Address(match["id"]))
            except ValueError as exc:
                raise _refuse("the router ID is not an IPv4 address", number, line) from exc
            return
        if command.startswith("network "):
            match = _NETWORK.match(command)
            if match is None:
                raise _refuse("expected 'network PREFIX/LENGTH area AREA'", number, line)
            try:
                prefix = ipaddress.IPv4Network(match["prefix"], strict=False)
            except ValueError as exc:
                raise _refuse("the network statement's prefix is not an IPv4 prefix", number, line) from exc
            area = _dotted_area(match["area"], number, line)
            self.networks.append(NetworkStatement(prefix=str(prefix), area=area, line=f"network {prefix} area {area}"))
        words = command.split(" ")
        if words == ["passive-interface", "default"]:
            self.passive_default = True
        elif len(words) == 2 and words[0] == "passive-interface":
            self.passive.append(words[1])
        elif len(words) == 3 and words[:2] == ["no", "passive-interface"]:
            self.active.append(words[2])
        self.lines.append(f"router ospf: {_normalized(command, number, line)}")

    def interface_command(self, interface: str, command: str, number: int, line: str) -> None:
        if command.startswith("ip address "):
            words = command.split(" ")
            try:
                if len(words) not in (3, 4) or "/" not in words[2] or words[3:] not in ([], ["secondary"]):
                    raise ValueError(command)
                self.addresses.append((interface, str(ipaddress.IPv4Interface(words[2]))))
            except ValueError as exc:
                raise _refuse("expected 'ip address A.B.C.D/LENGTH [secondary]'", number, line) from exc
            return
        if not command.startswith(("ip ospf ", "no ip ospf ")):
            return
        if (match := _IF_AREA.match(command)) is not None:
            area = _dotted_area(match["area"], number, line)
            self.interface_areas.append(InterfaceArea(interface=interface, area=area, address=match["address"]))
        if command == "ip ospf passive":
            self.passive.append(interface)
        elif command == "no ip ospf passive":
            self.active.append(interface)
        self.lines.append(f"interface {interface}: {_normalized(command, number, line)}")

    def result(self) -> OspfConfig:
        return OspfConfig(
            router_ospf=self.router_ospf,
            router_id=self.router_id,
            networks=tuple(self.networks),
            interface_areas=tuple(self.interface_areas),
            interface_addresses=tuple(self.addresses),
            passive_default=self.passive_default,
            passive_interfaces=tuple(self.passive),
            active_interfaces=tuple(self.active),
            ospf_lines=tuple(sorted(self.lines)),
        )


def parse_ospf_config(text: str) -> OspfConfig:
    """The OSPF configuration in ``show running-config`` or a configuration file (Quagga or FRR)."""
    refuse_vtysh_error(text, kind=KIND)
    lines = [(number, line) for number, line in enumerate(split_lines(text), start=1) if line.strip()]
    if not lines:
        raise _refuse("empty output")
    first_number, first = lines[0]
    display = first.strip() in _DISPLAY_START
    if display and lines[-1][1].strip() != "end":
        raise _refuse("incomplete display: it does not end with 'end'")
    if not display and not (first.startswith("!") or _is_global(first.strip()) or _BLOCK_OPENER.match(first)):
        raise _refuse("not a configuration: expected '!', a global command or a block", first_number, first)
    reader = _Reader()
    block: str | None = None  # "interface NAME", "router ospf", or another block's first line
    for number, line in lines:
        command = " ".join(line.split())
        if command in _DISPLAY_START and display:
            continue
        indented = line[:1].isspace()
        if command.startswith("!") or (command in ("exit", "end") and not indented):
            block = None
            continue
        if not indented:
            if _BLOCK_OPENER.match(command):
                block = _open_block(command, reader, number, line)
                continue
            if _is_global(command):
                block = None
                continue
            if block is None:
                _refuse_orphan(command, number, line)
                continue
        if block is None:
            raise _refuse("an indented line outside any block", number, line)
        if block == "router ospf":
            reader.ospf_command(command, number, line)
        elif block.startswith("interface "):
            reader.interface_command(block.split(" ")[1], command, number, line)
    return reader.result()


def _open_block(command: str, reader: _Reader, number: int, line: str) -> str:
    words = command.split(" ")
    if words[:2] == ["router", "ospf"]:
        if len(words) > 2:
            raise _refuse("only the default OSPF instance is supported", number, line)
        reader.router_ospf = True
        return "router ospf"
    if words[0] == "interface":
        if len(words) == 2:
            return command
        if len(words) == 4 and words[2] == "vrf":
            return f"vrf-interface {words[1]}"  # an interface of another VRF: not read
        raise _refuse("expected 'interface NAME'", number, line)
    return command


def _refuse_orphan(command: str, number: int, line: str) -> None:
    if command.startswith(("ip ospf ", "no ip ospf ")):
        raise _refuse("an 'ip ospf' line outside an interface block", number, line)
    if command.startswith("network "):
        raise _refuse("a 'network' line outside a 'router' block", number, line)
