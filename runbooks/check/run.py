"""The check runbook: is every failover group as it should be now, and would a failover work?

plan (``plan``, pure) -> one round trip per router and observer for all the groups it serves, each fact parsed
once, and clpstat once per cluster, in the background (``observe``) -> the table of ``checks`` per group
(findings) -> rows -> one line per group and a table of what is not right, or one JSON document. Changes
nothing.

Exit codes: 0 nothing failed (warnings allowed, unless --strict), 1 a check failed (with --strict: or warned),
2 bad input or inventory.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from typing import Any

from ospf_failover.engine import FogLines, JsonDocument, Renderer, RowTable, Run, Runbook, open_run
from ospf_failover.errors import EXIT_FAILED, EXIT_OK
from ospf_failover.inventory import Fleet
from ospf_failover.models import NotRead

from ..shared.defaults import CHECK_WORKERS
from .checks import judge_fog
from .findings import Finding
from .observe import Observed, observe
from .plan import CheckPlan, node_name, plan_check


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
        findings = judge_fog(fog, seen, clusters=plan.cluster_of(fog.fog.nodes[0]), node_of=node_name(fleet))
        for finding in findings:
            run.add(fog.name, finding.check, finding.outcome, finding.detail, host=finding.host)
        run.finish_fog(fog.name, *verdict(findings, strict=options.strict))
    return run.close()


def hosts_read(plan: CheckPlan, seen: Observed) -> dict[str, HostRead]:
    """Per host read: did it answer, in how long, and why not. Cluster nodes: did clpstat answer there."""
    hosts: dict[str, HostRead] = {}
    for host in plan.host_reads():
        error = seen.errors.get(host)
        hosts[host] = HostRead(reachable=error is None, seconds=round(seen.seconds.get(host, 0.0), 3), error=error)
    for node in (n for cluster in plan.clusters for n in cluster):
        if node in seen.clpstat:
            status = seen.clpstat[node]
            error = str(status) if isinstance(status, NotRead) else None
            hosts[node] = HostRead(reachable=error is None, seconds=None, error=error)
    return hosts


def verdict(findings: list[Finding], *, strict: bool) -> tuple[int, str]:
    counts = {outcome: sum(1 for f in findings if f.outcome == outcome) for outcome in ("PASS", "WARN", "FAIL")}
    text = f"{len(findings)} checks: {counts['PASS']} pass, {counts['WARN']} warn, {counts['FAIL']} fail"
    failed = counts["FAIL"] > 0 or (strict and counts["WARN"] > 0)
    return (EXIT_FAILED if failed else EXIT_OK), text


def renderers(as_json: bool, report: CheckReport) -> tuple[Renderer, ...]:
    if as_json:
        return (JsonDocument(sys.stdout, document=lambda run: document(run, report)),)
    return (FogLines(sys.stdout), RowTable(sys.stdout, verdicts=False))


def document(run: Run, report: CheckReport) -> dict[str, Any]:
    """The check's JSON document, stable for monitoring tools (see docs/checks.md)."""
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
