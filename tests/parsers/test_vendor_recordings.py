"""Other vendors' site gateways, on outputs recorded by other people (../shared/fixtures/vendor-outputs and its
acceptance/ folder): every recording parses to what its expected.json says.

expected.json speaks its own vocabulary (see SOURCES.md there); the mapping to the declared shapes is here, not in
the parsers:

* ``routes: {P: [A, ...]}``: the next-hop addresses of the selected route(s) of P, in output order; Junos lists
  every ``to`` line of the active route there, and the ``>`` ones again in ``selected``: our ``active`` next hops.
* ``["connected"]``: a selected route of protocol ``connected`` whose next hops are directly connected, without
  an address.
* ``interface_routes: {P: "IF"}``: a selected route of another protocol, through directly connected next hops
  without address; ``"IF (vrf V)"`` when the next hop is in VRF V.
* ``not_selected: {P: [A, ...]}``: the next-hop addresses of P's routes that are not selected.
* ``missing: true``: the table asked for is empty; ``vrf``: the VRF asked for (else ``default``); ``vrf_routes``:
  the other tables shown, each mapped like ``routes`` (``{}``: shown, none of its prefixes listed).
* ``neighbors: {ID: {state, address, role?, vrf?}}`` (a list when one ID is on several links): every neighbour
  listed, in output order; no ``role``: ``-``, no ``vrf``: none or ``default``. ``not_running: true``: refused
  because OSPF is not running.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from ospf_failover.errors import ParseError
from ospf_failover.models import OspfNeighbor, Route
from ospf_failover.parsers.vendors.dispatch import (
    VENDOR_PLATFORMS,
    VendorPlatform,
    parse_vendor_ospf_neighbors,
    parse_vendor_route_tables,
    parse_vendor_routes,
)

from .cases import shape_errors

VENDOR_OUTPUTS = Path(__file__).resolve().parents[3] / "shared" / "fixtures" / "vendor-outputs"  # ../shared
FOLDERS = (VENDOR_OUTPUTS, VENDOR_OUTPUTS / "acceptance")


def _recordings() -> list[tuple[Path, dict[str, Any]]]:
    found = []
    for folder in FOLDERS:
        expected_file = folder / "expected.json"
        if expected_file.exists():
            expected: dict[str, dict[str, Any]] = json.loads(expected_file.read_text(encoding="utf-8"))
            found += [(folder / name, spec) for name, spec in sorted(expected.items())]
    return found


RECORDINGS = _recordings()


def _id(path: Path) -> str:
    return f"{path.parent.name}/{path.name}" if path.parent.name == "acceptance" else path.name


def _text(path: Path) -> str:
    return path.read_bytes().decode("utf-8")  # CR characters stay as recorded


def test_every_recording_has_its_expected_result(shared_fixtures: Path) -> None:
    for folder in FOLDERS:
        listed = set(json.loads((folder / "expected.json").read_text(encoding="utf-8")))
        present = {path.name for path in folder.glob("*.txt")}
        assert listed == present, f"{folder}: recordings without expected result or the other way round"
    assert len(RECORDINGS) == 85
    assert {spec["platform"] for _, spec in RECORDINGS} == set(VENDOR_PLATFORMS)


def _selected(routes: list[Route], prefix: str) -> list[Route]:
    return [route for route in routes if route["prefix"] == prefix and route["selected"]]


def _addresses(routes: list[Route], *, active_only: bool = False) -> list[str]:
    return [
        hop["ip"]
        for route in routes
        for hop in route["nexthops"]
        if hop["ip"] is not None and (hop["active"] or not active_only)
    ]


def _check_table(routes: list[Route], expected: dict[str, list[str]], where: str) -> None:
    for prefix, hops in expected.items():
        selected = _selected(routes, prefix)
        assert selected, f"{where}: no selected route to {prefix}"
        if hops == ["connected"]:
            assert all(route["protocol"] == "connected" for route in selected), f"{where}: {prefix} not connected"
            nexthops = [hop for route in selected for hop in route["nexthops"]]
            assert all(hop["ip"] is None and hop["directly_connected"] for hop in nexthops), f"{where}: {prefix}"
        else:
            assert _addresses(selected) == hops, f"{where}: next hops of {prefix}"


def _interface_of(route: Route) -> str:
    (hop,) = route["nexthops"]
    assert hop["ip"] is None and hop["directly_connected"], f"{route['prefix']}: not a route to an interface"
    assert hop["interface"] is not None
    return hop["interface"] + (f" (vrf {hop['vrf']})" if "vrf" in hop else "")


@pytest.mark.parametrize(
    ("path", "spec"),
    [(path, spec) for path, spec in RECORDINGS if spec["command"] == "route"],
    ids=[_id(path) for path, spec in RECORDINGS if spec["command"] == "route"],
)
def test_route_recording(path: Path, spec: dict[str, Any]) -> None:
    platform: VendorPlatform = spec["platform"]
    asked = spec.get("vrf", "default")
    tables = parse_vendor_route_tables(_text(path), platform, vrf=asked)
    assert shape_errors(tables, dict[str, list[Route]]) == [], "the result does not have the declared shape"
    routes = tables[asked]
    assert parse_vendor_routes(_text(path), platform, vrf=asked) == routes
    if spec.get("missing"):
        assert routes == [], "a lookup that found nothing is an empty table"
    _check_table(routes, spec["routes"], asked)
    for prefix, interface in spec.get("interface_routes", {}).items():
        (route,) = _selected(routes, prefix)
        assert route["protocol"] not in ("connected", "local")
        assert _interface_of(route) == interface
    for prefix, hops in spec.get("not_selected", {}).items():
        others = [route for route in routes if route["prefix"] == prefix and not route["selected"]]
        assert _addresses(others) == hops, f"next hops of the routes to {prefix} that are not selected"
    for prefix, hops in spec.get("selected", {}).items():
        assert _addresses(_selected(routes, prefix), active_only=True) == hops, f"'>' next hops of {prefix}"
    for vrf, expected in spec.get("vrf_routes", {}).items():
        assert vrf in tables, f"no table of VRF {vrf}"
        _check_table(tables[vrf], expected, vrf)


def _neighbor_view(neighbor: OspfNeighbor) -> dict[str, str]:
    view = {"state": neighbor["state"], "address": neighbor["address"]}
    if neighbor["role"] != "-":
        view["role"] = neighbor["role"]
    if neighbor.get("vrf", "default") != "default":
        view["vrf"] = neighbor["vrf"]
    return view


@pytest.mark.parametrize(
    ("path", "spec"),
    [(path, spec) for path, spec in RECORDINGS if spec["command"] == "ospf-neighbor"],
    ids=[_id(path) for path, spec in RECORDINGS if spec["command"] == "ospf-neighbor"],
)
def test_ospf_neighbor_recording(path: Path, spec: dict[str, Any]) -> None:
    platform: VendorPlatform = spec["platform"]
    if spec.get("not_running"):
        with pytest.raises(ParseError) as refused:
            parse_vendor_ospf_neighbors(_text(path), platform)
        assert "not running" in refused.value.reason
        return
    neighbors = parse_vendor_ospf_neighbors(_text(path), platform)
    assert shape_errors(neighbors, list[OspfNeighbor]) == [], "the result does not have the declared shape"
    seen: dict[str, list[dict[str, str]]] = {}
    for neighbor in neighbors:
        seen.setdefault(neighbor["neighbor_id"], []).append(_neighbor_view(neighbor))
    expected = {key: value if isinstance(value, list) else [value] for key, value in spec["neighbors"].items()}
    assert seen == expected
    assert list(seen) == list(expected), "in output order"
