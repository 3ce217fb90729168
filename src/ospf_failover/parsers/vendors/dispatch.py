"""The readers of other vendors' site gateways, by netmiko device type, and their entry points.

Every output is screened first (:mod:`screen`: pagers, prompts, command echoes, error answers), then read by the
platform's reader into the declared shapes: routes per VRF (``dict[vrf, list[Route]]``, ``default`` for the
global table) and OSPF neighbours. Two readers go through ntc-templates, because their template reads every
row of every recording whole: IOS/IOS-XE ``show ip ospf neighbor`` and Junos ``show ospf neighbor``; the others
are the project's own, each module saying which template it does not use and why. JSON output (``| json``,
``| display json``) is not read here: these readers read what the CLI prints.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterable
from functools import cache
from typing import Literal, NamedTuple, get_args

from ospf_failover.errors import ParseError
from ospf_failover.models import OspfNeighbor, Route
from ospf_failover.parsers.detect import detect_form
from ospf_failover.parsers.refusal import Refuser
from ospf_failover.parsers.vendors.screen import PROMPTS, Line, ReadKind, screen
from ospf_failover.parsers.vendors.shapes import DEFAULT_VRF

VendorPlatform = Literal["cisco_ios", "cisco_xe", "cisco_nxos", "arista_eos", "juniper_junos", "yamaha", "vyos"]
VENDOR_PLATFORMS: tuple[VendorPlatform, ...] = get_args(VendorPlatform)

RouteReader = Callable[..., dict[str, list[Route]]]
NeighborReader = Callable[..., list[OspfNeighbor]]


class _Readers(NamedTuple):
    routes: RouteReader
    neighbors: NeighborReader
    prompt: str  # the key of its prompt in screen.PROMPTS


# per platform: the module of its readers (``read_routes``, ``read_neighbors``) and the key of its prompt. A
# module is imported when its platform is first read: a failover among Linux routers loads none of them.
_MODULES: dict[VendorPlatform, tuple[str, str]] = {
    "cisco_ios": ("cisco_ios", "cisco"),
    "cisco_xe": ("cisco_ios", "cisco"),
    "cisco_nxos": ("cisco_nxos", "cisco"),
    "arista_eos": ("arista_eos", "cisco"),
    "juniper_junos": ("juniper_junos", "junos"),
    "yamaha": ("yamaha", "yamaha"),
    "vyos": ("vyos", "vyos"),
}


@cache
def _readers(platform: VendorPlatform) -> _Readers:
    module_name, prompt = _MODULES[platform]
    module = importlib.import_module(f"{__package__}.{module_name}")
    return _Readers(module.read_routes, module.read_neighbors, prompt)


def load_readers(platforms: Iterable[str]) -> None:
    """Import the readers of these platforms now (others' names are ignored): a switch does it while its
    observers' sessions open, so that no observer's first read pays for it in its route time."""
    for platform in platforms:
        if platform in _MODULES:
            _readers(platform)


def _screened(text: str, platform: VendorPlatform, kind: ReadKind) -> tuple[list[Line], Refuser]:
    if platform not in _MODULES:
        raise ParseError(kind=kind, reason=f"unknown platform {platform!r}")
    refuse = Refuser(f"{platform} {kind.replace('-', ' ')}")
    if detect_form(text) == "json":
        raise refuse("JSON output: the text the CLI prints is read, not its JSON form")
    return screen(text, refuse=refuse, prompt=PROMPTS[_readers(platform).prompt], kind=kind), refuse


def parse_vendor_route_tables(text: str, platform: VendorPlatform, *, vrf: str = DEFAULT_VRF) -> dict[str, list[Route]]:
    """Every routing table ``show ip route`` (Junos ``show route``) printed, by VRF name in output order; a table
    the output does not name is taken to be ``vrf``'s, the one the command asked for. A route lookup that found
    nothing is an empty table."""
    lines, refuse = _screened(text, platform, "route")
    return _readers(platform).routes(lines, asked_vrf=vrf, refuse=refuse)


def parse_vendor_routes(text: str, platform: VendorPlatform, *, vrf: str = DEFAULT_VRF) -> list[Route]:
    """The routes of VRF ``vrf`` (the default VRF unless told) in the output: the same shape as
    :func:`ospf_failover.parsers.route.parse_routes` gives for FRR and Quagga. An output without that VRF's
    table is refused."""
    tables = parse_vendor_route_tables(text, platform, vrf=vrf)
    if vrf not in tables:
        shown = ", ".join(repr(name) for name in tables) or "none"
        raise ParseError(kind=f"{platform} route", reason=f"the output shows no table of VRF {vrf!r} (shown: {shown})")
    return tables[vrf]


def parse_vendor_ospf_neighbors(text: str, platform: VendorPlatform) -> list[OspfNeighbor]:
    """Every OSPF neighbour listed, in output order; ``vrf`` is set where the output names the VRF."""
    lines, refuse = _screened(text, platform, "ospf-neighbor")
    return _readers(platform).neighbors(lines, refuse=refuse)
