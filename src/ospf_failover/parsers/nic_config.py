"""Parse a router NIC's configuration file, and the content of ``/proc/sys/net/ipv4/ip_forward``.

Two formats, told apart by their first line that is neither blank nor a comment:

* network-scripts ``ifcfg-NIC`` (CentOS/RHEL, read by initscripts and by NetworkManager's ifcfg-rh plugin): shell
  assignments ``KEY=value``, ``KEY="value"`` or ``KEY='value'``. Addresses come from ``IPADDR``, ``IPADDR0``,
  ``IPADDR1``, ``IPADDR2``... with the ``PREFIX`` (or, without it, ``NETMASK``) of the same suffix, in that order;
  like NetworkManager, the numbered list ends at the first missing number from 2 on, so an address after such a gap
  (which NetworkManager ignores) is refused. ``ONBOOT`` missing means the connection starts at boot.
* NetworkManager keyfile (``*.nmconnection``): ``[connection]`` ``autoconnect=`` (missing: true), ``id=``,
  ``interface-name=``; ``[ipv4]`` ``method=`` (missing: auto) and ``address1=10.0.0.254/24[,gateway]`` (also
  ``address``, ``addressesN``; ``/``, ``,`` and ``;`` separate the fields, as NetworkManager reads them).

Booleans are read as NetworkManager reads them (yes/true/t/y/1, no/false/f/n/0, any case). What NetworkManager
would have to guess, or would silently ignore, is refused: an address without a prefix length (it would assume the
address class's prefix or /24), a key given twice, an unknown ``BOOTPROTO``, a value it cannot read.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Sequence
from pathlib import PurePosixPath
from typing import Literal, TypedDict

from ospf_failover.parsers.detect import split_lines
from ospf_failover.parsers.refusal import Refuser

KIND = "nic config"
_refuse = Refuser(KIND)
NicConfigFormat = Literal["ifcfg", "keyfile"]


class NicConfig(TypedDict):
    format: NicConfigFormat
    device: str | None  # DEVICE= / interface-name=
    connection_id: str | None  # NAME= / id=: what `nmcli connection up|down ID` names
    addresses: list[str]  # static IPv4 addresses with their prefix length ("10.0.0.254/24"), in order
    dhcp: bool  # BOOTPROTO=dhcp|bootp / method=auto: more addresses may come from DHCP
    starts_at_boot: bool  # ONBOOT= / autoconnect=


# CentOS's network-scripts keep a connection's WPA/WEP keys out of ifcfg-<nic>, in keys-<nic> beside it.
IFCFG = "ifcfg-"
KEYS = "keys-"


def nic_config_paths(template: str, nics: Sequence[str]) -> list[str]:
    """The configuration files of ``nics`` from the host's ``nic_config_file`` template, each NIC's
    ``keys-<nic>`` following its ``ifcfg-<nic>`` (pure)."""
    paths: list[str] = []
    for nic in nics:
        path = PurePosixPath(template.format(nic=nic))
        paths.append(str(path))
        if path.name.startswith(IFCFG):
            paths.append(str(path.with_name(KEYS + path.name.removeprefix(IFCFG))))
    return list(dict.fromkeys(paths))


_TRUE = frozenset({"yes", "true", "t", "y", "1"})
_FALSE = frozenset({"no", "false", "f", "n", "0"})
_IFCFG_LINE = re.compile(r"^(?P<key>[A-Za-z_][A-Za-z0-9_]*)=(?P<value>.*)$")
_SHELL_WORD = re.compile(r"""(?:[^\s"'\\$`;&|<>()#]|\\.)+|"(?:[^"\\]|\\.)*"|'[^']*'""")
_ADDRESS_KEY = re.compile(r"^address(?P<plural>es)?(?P<index>\d*)$")
_BOOTPROTO_DHCP = {"": False, "none": False, "static": False, "dhcp": True, "bootp": True}


def parse_nic_config(text: str) -> NicConfig:
    """A NIC's configuration from the text of its ifcfg file or NetworkManager keyfile (told apart by content)."""
    for number, line in enumerate(split_lines(text), start=1):
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        if stripped.startswith("["):
            return _parse_keyfile(text)
        if _IFCFG_LINE.match(stripped):
            return _parse_ifcfg(text)
        raise _refuse("neither an ifcfg assignment (KEY=value) nor a keyfile group ([name])", number, line)
    raise _refuse("empty file: no setting at all")


def parse_ip_forward(text: str) -> bool:
    """The content of /proc/sys/net/ipv4/ip_forward: "1" forwards, "0" does not; anything else is refused."""
    value = text.removesuffix("\n").removesuffix("\r")
    if value not in ("0", "1"):
        raise Refuser("ip_forward")(f"expected 0 or 1, got {text[:40]!r}", 1, text.split("\n", 1)[0])
    return value == "1"


def _boolean(value: str, what: str, number: int | None, line: str | None) -> bool:
    lowered = value.lower()
    if lowered in _TRUE:
        return True
    if lowered in _FALSE:
        return False
    raise _refuse(f"{what}: {value!r} is not a boolean (yes/no, true/false)", number, line)


def _address(address: str, prefix: int, what: str, number: int | None, line: str | None) -> str:
    try:
        return str(ipaddress.IPv4Interface(f"{address}/{prefix}"))
    except ValueError as exc:
        raise _refuse(f"{what}: {address}/{prefix} is not an IPv4 address with a prefix length", number, line) from exc


# --- ifcfg ------------------------------------------------------------------------------------------------


def _shell_value(raw: str, number: int, line: str) -> str:
    """The value of one shell assignment: one word, made of bare, "double" and 'single' quoted parts."""
    words = list(_SHELL_WORD.finditer(raw))
    value = ""
    position = 0
    for word in words:
        if word.start() != position:
            break
        part = word.group(0)
        if part.startswith('"'):
            value += re.sub(r"\\([\\\"$`])", r"\1", part[1:-1])
        elif part.startswith("'"):
            value += part[1:-1]
        else:
            if "\\" in part:
                raise _refuse("a backslash outside quotes is not supported", number, line)
            value += part
        position = word.end()
    rest = raw[position:]
    if rest and not re.match(r"^\s+(?:#.*)?$", rest):
        raise _refuse("a value that is not one shell word (quote it, or remove what follows)", number, line)
    return value


def _parse_ifcfg(text: str) -> NicConfig:
    values: dict[str, tuple[str, int, str]] = {}  # key -> (value, line number, line)
    for number, line in enumerate(split_lines(text), start=1):
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        match = _IFCFG_LINE.match(stripped)
        if match is None:
            raise _refuse("not a shell assignment KEY=value", number, line)
        key = match["key"]
        if key in values:
            raise _refuse(f"{key} is set twice (line {values[key][1]} and here)", number, line)
        values[key] = (_shell_value(match["value"], number, line), number, line)

    def get(key: str) -> str | None:
        found = values.get(key)
        return None if found is None else found[0]

    addresses: list[str] = []
    suffixes = ["", *(str(index) for index in range(256))]
    for position, suffix in enumerate(suffixes):
        if f"IPADDR{suffix}" not in values:
            if position >= 3:  # IPADDR, IPADDR0 and IPADDR1 are optional; from IPADDR2 the list ends at a gap
                later = [key for key in values if re.fullmatch(r"IPADDR\d+", key) and int(key[6:]) > int(suffix)]
                if later:
                    _, number, line = values[later[0]]
                    raise _refuse(
                        f"{later[0]} follows a missing IPADDR{suffix}: NetworkManager ignores it", number, line
                    )
                break
            continue
        addresses.append(_ifcfg_address(values, suffix))
    bootproto = (get("BOOTPROTO") or "").lower()
    if bootproto not in _BOOTPROTO_DHCP:
        _, number, line = values["BOOTPROTO"]
        raise _refuse(f"BOOTPROTO {get('BOOTPROTO')!r} is not one of none, static, dhcp, bootp", number, line)
    onboot = values.get("ONBOOT")
    return {
        "format": "ifcfg",
        "device": get("DEVICE"),
        "connection_id": get("NAME"),
        "addresses": addresses,
        "dhcp": _BOOTPROTO_DHCP[bootproto],
        "starts_at_boot": True if onboot is None else _boolean(onboot[0], "ONBOOT", onboot[1], onboot[2]),
    }


def _ifcfg_address(values: dict[str, tuple[str, int, str]], suffix: str) -> str:
    address, number, line = values[f"IPADDR{suffix}"]
    prefix = values.get(f"PREFIX{suffix}")
    netmask = values.get(f"NETMASK{suffix}")
    if prefix is not None:  # NetworkManager reads PREFIX first and NETMASK only without it
        if not re.fullmatch(r"\d{1,2}", prefix[0]) or int(prefix[0]) > 32:
            raise _refuse(f"PREFIX{suffix} {prefix[0]!r} is not a prefix length (0 to 32)", prefix[1], prefix[2])
        length = int(prefix[0])
        if netmask is not None and _netmask_length(netmask, suffix) != length:
            raise _refuse(f"PREFIX{suffix} and NETMASK{suffix} disagree", netmask[1], netmask[2])
    elif netmask is not None:
        length = _netmask_length(netmask, suffix)
    else:
        raise _refuse(
            f"IPADDR{suffix} without PREFIX{suffix} or NETMASK{suffix}: its prefix length is unknown", number, line
        )
    return _address(address, length, f"IPADDR{suffix}", number, line)


def _netmask_length(netmask: tuple[str, int, str], suffix: str) -> int:
    try:
        return ipaddress.IPv4Network(f"0.0.0.0/{netmask[0]}").prefixlen
    except ValueError as exc:
        raise _refuse(f"NETMASK{suffix} {netmask[0]!r} is not a netmask", netmask[1], netmask[2]) from exc


# --- keyfile ----------------------------------------------------------------------------------------------

_GROUP = re.compile(r"^\[(?P<name>[^\[\]]+)\]$")
_KEY = re.compile(r"^(?P<key>[A-Za-z0-9_.\-]+(?:\[[^\]]+\])?)\s*=\s*(?P<value>.*)$")
_ESCAPES = {"s": " ", "n": "\n", "t": "\t", "r": "\r", "\\": "\\"}


def _keyfile_value(raw: str, number: int, line: str) -> str:
    def unescape(match: re.Match[str]) -> str:
        char = match.group(1)
        if char not in _ESCAPES:
            raise _refuse(f"unknown escape \\{char}", number, line)
        return _ESCAPES[char]

    return re.sub(r"\\(.)", unescape, raw.rstrip())


def _parse_keyfile(text: str) -> NicConfig:
    groups: dict[str, dict[str, tuple[str, int, str]]] = {}
    current: dict[str, tuple[str, int, str]] | None = None
    for number, line in enumerate(split_lines(text), start=1):
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        if (group := _GROUP.match(stripped)) is not None:
            if group["name"] in groups:
                raise _refuse(f"group [{group['name']}] appears twice", number, line)
            current = groups[group["name"]] = {}
            continue
        key = _KEY.match(line.lstrip())
        if key is None or current is None:
            raise _refuse("expected a [group] or a key=value line", number, line)
        if key["key"] in current:
            raise _refuse(f"key {key['key']} is set twice in its group", number, line)
        current[key["key"]] = (_keyfile_value(key["value"], number, line), number, line)
    connection = groups.get("connection", {})
    ipv4 = groups.get("ipv4", {})
    method = ipv4.get("method", ("auto", 0, ""))[0]
    autoconnect = connection.get("autoconnect")
    return {
        "format": "keyfile",
        "device": connection.get("interface-name", (None, 0, ""))[0],
        "connection_id": connection.get("id", (None, 0, ""))[0],
        "addresses": _keyfile_addresses(ipv4),
        "dhcp": method == "auto",
        "starts_at_boot": True
        if autoconnect is None
        else _boolean(autoconnect[0], "autoconnect", autoconnect[1], autoconnect[2]),
    }


def _keyfile_addresses(ipv4: dict[str, tuple[str, int, str]]) -> list[str]:
    found: list[tuple[int, int, str]] = []
    for key, (value, number, line) in ipv4.items():
        match = _ADDRESS_KEY.match(key)
        if match is None:
            continue
        fields = re.split(r"[/,;]", value)
        while fields and fields[-1] == "":
            fields.pop()  # the old form ends with ';'
        if len(fields) < 2 or not fields[1].isdigit():
            raise _refuse(f"{key}: no prefix length (NetworkManager would assume /24)", number, line)
        if len(fields) > 3:
            raise _refuse(f"{key}: expected ADDRESS/PREFIX[,GATEWAY]", number, line)
        index = int(match["index"]) if match["index"] else -1
        found.append((index, 1 if match["plural"] else 0, _address(fields[0], int(fields[1]), key, number, line)))
    return [address for _, _, address in sorted(found)]
