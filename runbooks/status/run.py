"""``ospf-failover status FOG``: the picture of the original how-to, drawn from the live state.

The same reads and checks as ``check`` for one failover group, drawn as the how-to draws it (see ``picture``):
the nodes and where clpstat says the group runs (the VM's node), each router with its addresses and whether it
holds the gateway, the gateways' routes and adjacencies, what is wrong marked where it is, a verdict line and
the group's causes.

Exit codes, as ``check``'s: 0 nothing failed (warnings allowed), 1 a check failed (a router or observer not read
included), 2 bad input or inventory.
"""

from __future__ import annotations

import json
import os
import sys
from dataclasses import dataclass
from typing import Any

from ospf_failover.engine import Runbook, open_run
from ospf_failover.errors import EXIT_FAILED, EXIT_OK
from ospf_failover.inventory import Fleet

from ..check.checks import judge_fog
from ..check.findings import Finding, FogSeen, no_node
from ..check.observe import Observed, observe
from ..check.plan import FogPlan, node_name, plan_check
from .picture import WIDTH, describe
from .picture import draw as draw_text

# What the picture marks wrong: "!" a warning, "X" a failure (see picture.MARK).


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
    picture = draw(fog, seen, findings, clusters, node_of=node_name(fleet))
    code = exit_code(seen, findings, fog)
    if options.as_json:
        print(json.dumps({**picture, "exit_code": code}, indent=2))
    else:
        show(picture)
    return code


def exit_code(seen: Observed, findings: list[Finding], fog: FogPlan) -> int:
    """As check's: 1 when a check failed (a router or observer not read fails its checks), else 0."""
    return EXIT_FAILED if any(finding.outcome == "FAIL" for finding in findings) else EXIT_OK


def draw(
    fog: FogPlan,
    seen: Observed,
    findings: list[Finding],
    clusters: tuple[str, ...],
    *,
    node_of: Any = no_node,
) -> dict[str, Any]:
    """The picture as data (pure): see ``picture.describe``."""
    return describe(FogSeen(plan=fog, seen=seen, clusters=clusters, node_of=node_of), findings)


def show(picture: dict[str, Any]) -> None:
    """The picture as text: as wide as the terminal (at most 100 columns), else COLUMNS or 100."""
    columns = os.environ.get("COLUMNS", "")
    width = int(columns) if columns.isdigit() and int(columns) >= 60 else WIDTH
    if sys.stdout.isatty():
        width = min(WIDTH, os.get_terminal_size().columns)
    print("\n".join(draw_text(picture, width)), flush=True)
