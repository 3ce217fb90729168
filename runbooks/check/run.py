"""The check runbook: is every failover group as it should be now, and would a failover work?

plan (``check_plan``, pure) -> one round trip per router and observer for all the groups it serves, clpstat once
per cluster (in the background) -> the judges of ``check_judges`` per group -> rows -> one line per group and a
table of what is not right, or one JSON document. Changes nothing.

Exit codes: 0 nothing failed (warnings allowed, unless --strict), 1 a check failed (with --strict: or warned),
2 bad input or inventory.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from nornir.core import Nornir

from ospf_failover.engine import (
    FogLines,
    JsonDocument,
    Renderer,
    RowTable,
    Run,
    Runbook,
    error_text,
    host_progress,
    in_background,
    open_run,
    run_per_host,
)
from ospf_failover.errors import EXIT_FAILED, EXIT_OK
from ospf_failover.inventory import Fleet
from ospf_failover.models import ClpstatStatus
from ospf_failover.nornir_setup import run_on
from ospf_failover.tasks.clpstat import read_clpstat
from ospf_failover.tasks.router_state import read_router_state

from ..shared.defaults import CHECK_WORKERS
from ..shared.locate import this_node
from .judges import Check, Observed
from .plan import CheckPlan, plan_check
from .readiness import judge_fog

CLPSTAT_WAIT = 10.0  # seconds clpstat may answer "busy" before a node counts as not answering


@dataclass(frozen=True)
class CheckOptions:
    fogs: tuple[str, ...] = ()
    as_json: bool = False
    workers: int = CHECK_WORKERS
    strict: bool = False


@dataclass(frozen=True)
class HostRead:
    """One host's read, as the check's document gives it (cluster nodes: did clpstat answer there)."""

    reachable: bool
    seconds: float | None  # None: a cluster node (clpstat is read in the background, not timed per node)
    error: str | None

    def as_dict(self) -> dict[str, Any]:
        return {"reachable": self.reachable, "seconds": self.seconds, "error": self.error}


@dataclass
class CheckReport:
    """What the check's document adds to its rows: per host, its read."""

    hosts: dict[str, HostRead] = field(default_factory=dict)


def run_check(fleet: Fleet, options: CheckOptions) -> int:
    plan = plan_check(fleet, options.fogs)  # an unknown group is bad input (exit 2) before anything connects
    fleet.check_connect_files()
    report = CheckReport()
    groups = tuple(fog.name for fog in plan.fogs)
    runbook = Runbook(
        "check",
        groups,
        renderers(options.as_json, report),
        alerts="run",
        unsent_alerts="stderr",
        workers=options.workers,
    )
    with open_run(fleet, runbook) as opened:
        seen = observe(opened.connect(), fleet, plan)
    run = opened.run
    report.hosts = hosts_read(plan, seen)

    for fog in plan.fogs:
        checks = judge_fog(fog, seen, clusters=plan.cluster_of(fog.fog.nodes[0]), node_of=node_name(fleet))
        for name, host, outcome, detail in checks:
            run.add(fog.name, name, outcome, detail, host=host)
        run.finish_fog(fog.name, *verdict(checks, strict=options.strict))
    return run.close()


def node_name(fleet: Fleet) -> Callable[[str], str | None]:
    """The inventory name of the cluster node clpstat calls ``server`` (None: no such node)."""

    def node_of(server: str) -> str | None:
        node = fleet.node_by_ecx_server(server)
        return node.name if node is not None else None

    return node_of


def hosts_read(plan: CheckPlan, seen: Observed) -> dict[str, HostRead]:
    """Per host read: did it answer, in how long, and why not. Cluster nodes: did clpstat answer there."""
    hosts: dict[str, HostRead] = {}
    for host in plan.host_reads():
        error = seen.errors.get(host)
        hosts[host] = HostRead(reachable=error is None, seconds=round(seen.seconds.get(host, 0.0), 3), error=error)
    for node in (n for cluster in plan.clusters for n in cluster):
        if node in seen.clpstat or node in seen.clpstat_errors:
            error = seen.clpstat_errors.get(node)
            hosts[node] = HostRead(reachable=error is None, seconds=None, error=error)
    return hosts


def verdict(checks: list[Check], *, strict: bool) -> tuple[int, str]:
    counts = {outcome: sum(1 for c in checks if c[2] == outcome) for outcome in ("PASS", "WARN", "FAIL")}
    text = f"{len(checks)} checks: {counts['PASS']} pass, {counts['WARN']} warn, {counts['FAIL']} fail"
    failed = counts["FAIL"] > 0 or (strict and counts["WARN"] > 0)
    return (EXIT_FAILED if failed else EXIT_OK), text


def observe(nr: Nornir, fleet: Fleet, plan: CheckPlan) -> Observed:
    """Read every router and observer once (with a progress bar on a terminal) and clpstat once per cluster."""
    reads = {host: r.arguments() for host, r in plan.host_reads().items()}
    clusters = in_background(read_clusters, nr, fleet, plan)
    with host_progress(len(reads)) as progress:
        outcomes = run_per_host(nr, read_router_state, reads, processors=progress)
    clpstat, clpstat_errors = clusters.result(timeout=max(60.0, CLPSTAT_WAIT * 3))
    return Observed(
        states={host: o.result.result for host, o in outcomes.items() if o.ok and o.result is not None},
        errors={host: error_text(o.error) for host, o in outcomes.items() if not o.ok},
        seconds={host: o.seconds or 0.0 for host, o in outcomes.items()},
        clpstat=clpstat,
        clpstat_errors=clpstat_errors,
    )


def read_clusters(nr: Nornir, fleet: Fleet, plan: CheckPlan) -> tuple[dict[str, ClpstatStatus], dict[str, str]]:
    """clpstat once per cluster: on this node when it is one of the cluster's, else over SSH, node after node
    until one answers; the nodes that did not answer, with why."""
    local = this_node(fleet)
    statuses: dict[str, ClpstatStatus] = {}
    errors: dict[str, str] = {}
    for cluster in plan.clusters:
        order = sorted(cluster, key=lambda node: local is None or node != local.name)
        for node in order:
            here = local is not None and node == local.name
            outcome = run_on(nr, [node], read_clpstat, local=here, max_wait=CLPSTAT_WAIT)[node]
            if outcome.ok and outcome.result is not None:
                statuses[node] = outcome.result.result["status"]
                break
            errors[node] = error_text(outcome.error)
    return statuses, errors


def renderers(as_json: bool, report: CheckReport) -> tuple[Renderer, ...]:
    if as_json:
        return (JsonDocument(sys.stdout, document=lambda run: document(run, report)),)
    return (FogLines(sys.stdout), RowTable(sys.stdout, verdicts=False))


def document(run: Run, report: CheckReport) -> dict[str, Any]:
    """The check's JSON document, stable for monitoring tools (see the README)."""
    fogs = []
    counts = {"pass": 0, "warn": 0, "fail": 0}
    for record in run.fogs.values():
        status = record.worst().lower()
        counts[status] += 1
        checks = [
            {"name": row.step, "host": row.host, "status": row.outcome.lower(), "detail": row.message}
            for row in record.rows
        ]
        fogs.append({"name": record.fog, "status": status, "checks": checks})
    hosts = {name: read.as_dict() for name, read in report.hosts.items()}
    summary = {"fogs": len(fogs), **counts, "seconds": round(run.elapsed, 3)}
    return {"fogs": fogs, "hosts": hosts, "summary": summary}
