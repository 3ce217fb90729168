"""``ospf-failover status FOG``: the picture of the original how-to, drawn from the live state.

The same reads and judges as ``check`` for one failover group, drawn as its parts: the cluster nodes and where
clpstat says the group runs, the routers and which one holds the gateway (the VM's side), each observer's route
to the VM network; anything a check found wrong is marked beside the part it concerns.

Exit codes: 0 all is as it should be, 3 the picture shows something wrong, 1 it could not be read (a router or
observer did not answer), 2 bad input or inventory.
"""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass
from typing import Any

from rich.console import Console
from rich.table import Table

from ospf_failover.engine import Runbook, open_run
from ospf_failover.errors import EXIT_FAILED, EXIT_NOT_VERIFIED, EXIT_OK
from ospf_failover.inventory import Fleet

from ..check.checks import judge_fog
from ..check.findings import Finding, FogSeen, Placement
from ..check.observe import Observed, observe
from ..check.plan import FogPlan, node_name, plan_check
from ..shared.judges import judge_route_via

MARK = {"PASS": "", "WARN": "!", "FAIL": "X"}


@dataclass(frozen=True)
class StatusOptions:
    fog: str
    as_json: bool = False


def run_status(fleet: Fleet, options: StatusOptions) -> int:
    plan = plan_check(fleet, [options.fog])
    fleet.check_connect_files()
    with open_run(fleet, Runbook("status", (options.fog,), alerts="off", workers=8)) as opened:  # draws itself
        seen = observe(opened.connect(), fleet, plan)
    fog = plan.fogs[0]
    clusters = plan.cluster_of(fog.fog.nodes[0])
    findings = judge_fog(fog, seen, clusters=clusters, node_of=node_name(fleet))
    picture = draw(fog, seen, findings, clusters)
    code = exit_code(seen, findings, fog)
    if options.as_json:
        print(json.dumps({**picture, "exit_code": code}, indent=2))
    else:
        show(picture)
    return code


def exit_code(seen: Observed, findings: list[Finding], fog: FogPlan) -> int:
    if any(host in seen.errors for host in (*fog.fog.routers, *fog.fog.observers)):
        return EXIT_FAILED
    return EXIT_NOT_VERIFIED if any(finding.outcome != "PASS" for finding in findings) else EXIT_OK


def _wrong(findings: list[Finding], host: str | None) -> list[str]:
    return [
        f"{MARK[finding.outcome]} {finding.check}: {finding.detail}"
        for finding in findings
        if finding.host == host and finding.outcome != "PASS"
    ]


def draw(fog: FogPlan, seen: Observed, findings: list[Finding], clusters: tuple[str, ...]) -> dict[str, Any]:
    """The picture as data: nodes, routers, observers, the VM's side, and what is wrong where (pure)."""
    group = FogSeen(plan=fog, seen=seen, clusters=clusters)
    located = group.placement if isinstance(group.placement, Placement) else None
    held = group.holders or []
    runs_on = located.server if located else None
    nodes = [
        {
            "name": node,
            "router": fog.fog.pairing[node],
            "runs_group": runs_on is not None and node == runs_on,
            "wrong": _wrong(findings, node),
        }
        for node in fog.fog.nodes
    ]
    routers = []
    for router in fog.fog.routers:
        state = seen.states.get(router)
        nic = state["nics"][fog.nics[router]] if state else None
        routers.append(
            {
                "name": router,
                "nic": fog.nics[router],
                "holds_gateway": router in held,
                "nic_state": None if nic is None else ("holds the gateway" if nic["has_gateway"] else "released"),
                "error": seen.errors.get(router),
                "wrong": _wrong(findings, router),
            }
        )
    observers = []
    via = fog.next_hops[held[0]] if len(held) == 1 else None
    for observer in fog.fog.observers:
        state = seen.states.get(observer)
        route = None
        if state is not None:
            route = judge_route_via(state["routes"][fog.prefix], prefix=fog.prefix, nexthop=via or "")[1]
        observers.append(
            {"name": observer, "route": route, "error": seen.errors.get(observer), "wrong": _wrong(findings, observer)}
        )
    return {
        "fog": fog.name,
        "vm_network": fog.prefix,
        "vm_gateway": fog.gateway,
        "clpstat": located.text if located else "no node answered clpstat",
        "vm_side": held[0] if len(held) == 1 else None,
        "nodes": nodes,
        "routers": routers,
        "observers": observers,
        "wrong": _wrong(findings, None),
    }


def show(picture: dict[str, Any]) -> None:
    terminal = sys.stdout.isatty()
    console = Console(width=None if terminal else 160, no_color=not terminal, highlight=False)
    console.print(
        f"{picture['fog']}: VM network {picture['vm_network']}, gateway {picture['vm_gateway']}; {picture['clpstat']}",
        markup=False,
    )
    table = Table(show_header=True, box=None, pad_edge=False)
    for column in ("ROLE", "HOST", "STATE", "WRONG"):
        table.add_column(column, overflow="fold")
    for node in picture["nodes"]:
        state = f"runs {picture['fog']}" if node["runs_group"] else "standby"
        table.add_row("node", node["name"], f"{state} (router {node['router']})", "; ".join(node["wrong"]))
    for router in picture["routers"]:
        state = router["error"] or f"{router['nic']} {router['nic_state']}"
        if router["holds_gateway"]:
            state += ": the VM's side"
        table.add_row("router", router["name"], state, "; ".join(router["wrong"]))
    for observer in picture["observers"]:
        table.add_row(
            "observer", observer["name"], observer["error"] or observer["route"] or "", "; ".join(observer["wrong"])
        )
    for line in picture["wrong"]:
        table.add_row("group", picture["fog"], "", line)
    console.print(table, markup=False)
