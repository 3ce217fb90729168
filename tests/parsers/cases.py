"""The recorded cases under tests/fixtures and a checker of the declared result shapes.

Layout: ``tests/fixtures/<platform>/<case>.txt`` with ``tests/fixtures/<platform>/expected/<case>.json``. The
expected file names the parser (``clpstat``, ``ospf-neighbor``, ``route``, ``route-batch``, ``route-table``,
``nic-state``) and holds either ``result`` (the exact parsed value) or ``refused`` (``line_number`` and a ``reason``
substring of the ParseError). ``route-batch`` (several route reads in one vtysh run) and ``route-table`` (the
routes of some prefixes found in the whole table) also give the ``prefixes`` asked, in order.

``nic-state`` reads two outputs at once (``ip -o link show dev NIC`` and ``ip -o -4 addr show dev NIC``): its
expected file also gives ``nic``, ``gateway``, ``link_status`` (the exit status of ``ip link``) and the case names
of the ``link`` and ``addresses`` recordings (``addresses`` null: empty output). Both recordings of a pair carry
the same expected file; each case substitutes its own text in its role.
"""

from __future__ import annotations

import json
import types
import typing
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal, NotRequired, get_args, get_origin, get_type_hints, is_typeddict

from ospf_failover.models import ClpstatStatus, NicState, OspfNeighbor, Platform, Route
from ospf_failover.parsers import parse_clpstat, parse_ospf_neighbors, parse_routes
from ospf_failover.parsers.iproute import parse_nic_state
from ospf_failover.parsers.route import parse_route_batch, parse_route_table

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
ParserName = Literal["clpstat", "ospf-neighbor", "route", "route-batch", "route-table", "nic-state"]


@dataclass(frozen=True)
class Recording:
    """One recorded output and what a parser must make of it (its expected file's content)."""

    platform_dir: str
    name: str
    expected: dict[str, Any]

    @property
    def id(self) -> str:
        return f"{self.platform_dir}/{self.name}"

    @property
    def text(self) -> str:
        # bytes decoded as they are: CR characters stay as recorded
        return (FIXTURES / self.platform_dir / f"{self.name}.txt").read_bytes().decode("utf-8")

    @property
    def refused(self) -> bool:
        return "refused" in self.expected


@dataclass(frozen=True)
class Case(Recording):
    parser: ParserName

    @property
    def platform(self) -> Platform | None:
        if self.platform_dir.startswith("frr"):
            return "frr"
        if self.platform_dir.startswith("quagga"):
            return "quagga"
        return None

    def parse(self, text: str | None = None, *, detect: bool = False) -> Any:
        """Run this case's parser on ``text`` (the recording by default), with or without its platform."""
        source = self.text if text is None else text
        platform = None if detect else self.platform
        if self.parser == "clpstat":
            return parse_clpstat(source)
        if self.parser == "ospf-neighbor":
            return parse_ospf_neighbors(source, platform)
        if self.parser == "nic-state":
            return self._parse_nic_state(source)
        if self.parser == "route-batch":  # FRR only: the prefixes asked are in the expected file
            return parse_route_batch(source, self.expected["prefixes"])
        if self.parser == "route-table":
            return parse_route_table(source, self.expected["prefixes"], platform)
        return parse_routes(source, platform)

    def _parse_nic_state(self, source: str) -> NicState:
        roles = {role: self.expected[role] for role in ("link", "addresses")}
        if self.name not in roles.values():
            raise ValueError(f"{self.id}: its expected file names neither it as link nor as addresses")

        def text_of(role: str) -> str:
            name = roles[role]
            if name is None:
                return ""
            if name == self.name:
                return source
            return (FIXTURES / self.platform_dir / f"{name}.txt").read_bytes().decode("utf-8")

        return parse_nic_state(
            nic=self.expected["nic"],
            link=text_of("link"),
            link_status=self.expected["link_status"],
            addresses=text_of("addresses"),
            gateway=self.expected["gateway"],
        )


def recordings() -> list[Path]:
    return sorted(FIXTURES.glob("*/*.txt"))


def load_cases(parser: ParserName | None = None) -> list[Case]:
    cases = []
    for recording in recordings():
        expected_file = recording.parent / "expected" / f"{recording.stem}.json"
        if not expected_file.exists():
            continue  # reported by test_every_recording_has_an_expected_result
        expected = json.loads(expected_file.read_text(encoding="utf-8"))
        case = Case(
            platform_dir=recording.parent.name, name=recording.stem, parser=expected["parser"], expected=expected
        )
        if parser is None or case.parser == parser:
            cases.append(case)
    return cases


RESULT_TYPES: dict[ParserName, Any] = {
    "clpstat": ClpstatStatus,
    "ospf-neighbor": list[OspfNeighbor],
    "route": list[Route],
    "route-batch": dict[str, list[Route]],
    "route-table": dict[str, list[Route]],
    "nic-state": NicState,
}
# The parsers of one text each (nic-state reads two: see Case.parse).
PARSERS: dict[ParserName, Callable[[str], Any]] = {
    "clpstat": parse_clpstat,
    "ospf-neighbor": parse_ospf_neighbors,
    "route": parse_routes,
}


def shape_errors(value: Any, declared: Any, where: str = "result") -> list[str]:
    """Differences between ``value`` and the declared type (TypedDicts exact: no required key missing, no key
    that is not declared; a ``NotRequired`` key may be absent)."""
    origin = get_origin(declared)
    if declared is Any:
        return []
    if is_typeddict(declared):
        if not isinstance(value, dict):
            return [f"{where}: {type(value).__name__}, expected {declared.__name__}"]
        # NotRequired read from the hints: __required_keys__ misses it under postponed annotations (Python 3.11).
        hints = get_type_hints(declared, include_extras=True)
        optional = {key for key, hint in hints.items() if get_origin(hint) is NotRequired}
        missing, extra = set(hints) - optional - set(value), set(value) - set(hints)
        errors = [f"{where}: keys {sorted(missing | extra)} differ"] if missing or extra else []
        for key, hint in hints.items():
            if key in value:
                errors += shape_errors(value[key], get_args(hint)[0] if key in optional else hint, f"{where}.{key}")
        return errors
    if origin is dict:
        if not isinstance(value, dict):
            return [f"{where}: {type(value).__name__}, expected dict"]
        key_type, value_type = get_args(declared)
        return [
            error
            for key, item in value.items()
            for error in [
                *shape_errors(key, key_type, f"{where} key"),
                *shape_errors(item, value_type, f"{where}[{key!r}]"),
            ]
        ]
    if origin is list:
        if not isinstance(value, list):
            return [f"{where}: {type(value).__name__}, expected list"]
        (item_type,) = get_args(declared)
        return [
            error for index, item in enumerate(value) for error in shape_errors(item, item_type, f"{where}[{index}]")
        ]
    if origin in (types.UnionType, typing.Union):
        options = [shape_errors(value, option, where) for option in get_args(declared)]
        return [] if any(not errors for errors in options) else options[0]
    if origin is Literal:
        return [] if value in get_args(declared) else [f"{where}: {value!r} not in {get_args(declared)}"]
    if declared is type(None):
        return [] if value is None else [f"{where}: {value!r}, expected None"]
    if declared is int:
        ok = isinstance(value, int) and not isinstance(value, bool)
        return [] if ok else [f"{where}: {value!r}, expected int"]
    if isinstance(declared, type):
        return [] if isinstance(value, declared) else [f"{where}: {value!r}, expected {declared.__name__}"]
    raise TypeError(f"shape_errors cannot check {declared!r}")
