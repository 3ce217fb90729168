"""Judging the lab's OSPF state from FRR's JSON, and waiting for it with a bound.

The judging functions are pure (JSON text in, list of differences out) so they are tested on recorded output.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from ospf_failover.errors import ParseError

OBSERVER_QUERY = ("show ip ospf neighbor json", "show ip route ospf json")


def split_json_documents(text: str) -> list[Any]:
    """The JSON documents of a ``vtysh -c A -c B`` run, printed one after the other."""
    decoder = json.JSONDecoder()
    documents: list[Any] = []
    position = 0
    text = text.strip()
    while position < len(text):
        try:
            document, end = decoder.raw_decode(text, position)
        except json.JSONDecodeError as exc:
            raise ParseError(kind="vtysh json", reason=str(exc)) from exc
        documents.append(document)
        position = end
        while position < len(text) and text[position].isspace():
            position += 1
    return documents


def neighbor_states(neighbors: Mapping[str, Any]) -> dict[str, str]:
    """Router id -> state ("Full/DR", "2-Way/DROther", ...) from ``show ip ospf neighbor json`` (FRR 8.x/9.x)."""
    states: dict[str, str] = {}
    for router_id, entries in neighbors.get("neighbors", {}).items():
        for entry in entries:
            states[router_id] = str(entry.get("nbrState", entry.get("state", "")))
    return states


def route_next_hops(routes: Mapping[str, Any], prefix: str) -> set[str]:
    """Next hops of the selected OSPF route to ``prefix`` in ``show ip route [ospf] json`` (empty: no route)."""
    for entry in routes.get(prefix, []):
        if entry.get("protocol") == "ospf" and entry.get("selected"):
            return {hop["ip"] for hop in entry.get("nexthops", []) if hop.get("ip") and hop.get("active", True)}
    return set()


@dataclass(frozen=True)
class Expectation:
    """What an observer must see: these neighbours Full, and each VM network via exactly one next hop."""

    full_neighbors: frozenset[str]
    routes: Mapping[str, str]  # prefix -> next hop


def differences(observer: str, output: str, expected: Expectation) -> list[str]:
    """What in ``observer``'s output (``OBSERVER_QUERY``) differs from ``expected``; empty when converged."""
    documents = split_json_documents(output)
    if len(documents) != len(OBSERVER_QUERY):
        return [f"{observer}: expected {len(OBSERVER_QUERY)} JSON documents, got {len(documents)}: {output[:200]!r}"]
    neighbors, routes = documents
    found: list[str] = []
    states = neighbor_states(neighbors)
    missing = sorted(rid for rid in expected.full_neighbors if not states.get(rid, "").startswith("Full"))
    if missing:
        shown = ", ".join(f"{rid} {states.get(rid, 'absent')}" for rid in missing[:5])
        found.append(f"{observer}: {len(missing)} neighbour(s) not Full ({shown})")
    wrong = []
    for prefix, next_hop in expected.routes.items():
        hops = route_next_hops(routes, prefix)
        if hops != {next_hop}:
            wrong.append(f"{prefix} via {sorted(hops) or 'nothing'}")
    if wrong:
        found.append(f"{observer}: {len(wrong)} VM network(s) not via the expected router ({', '.join(wrong[:3])})")
    return found
