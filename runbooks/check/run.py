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
from dataclasses import dataclass
from pathlib import Path

from ospf_failover.engine import JsonDocument, Renderer, RowTable, Runbook, open_run
from ospf_failover.errors import EXIT_FAILED, EXIT_OK, InputError, InventoryProblem
from ospf_failover.inventory import Fleet
from ospf_failover.models import NotRead

from ..shared.defaults import CHECK_WORKERS
from .checks import judge_fog
from .findings import Finding
from .monitoring import NagiosLine, PrometheusText
from .observe import Observed, observe
from .plan import CheckPlan, node_name, plan_check
from .report import CheckReport, GroupLines, HostRead, document

__all__ = ["CheckOptions", "CheckReport", "HostRead", "run_check"]

INVENTORY_CHECK = "inventory"  # a group set aside by the inventory with problems of its own


@dataclass(frozen=True)
class CheckOptions:
    fogs: tuple[str, ...] = ()
    as_json: bool = False
    workers: int = CHECK_WORKERS
    strict: bool = False
    format: str | None = None  # "prometheus" or "nagios" (see check.monitoring)
    output: str | None = None  # with prometheus: the file to write atomically


def run_check(fleet: Fleet, options: CheckOptions) -> int:
    broken = fleet.broken_among(options.fogs)
    names = [name for name in options.fogs if name not in broken]
    # An unknown group is bad input (exit 2) before anything connects.
    plan = plan_check(fleet, names) if names or not options.fogs else CheckPlan(fogs=(), clusters=())
    fleet.check_connect_files()
    output = checked_output(options.output)
    report = CheckReport()
    drawn = renderers(options, report, output)
    runbook = Runbook(
        "check",
        (*(fog.name for fog in plan.fogs), *broken),
        tuple(drawn),
        alerts="run",
        unsent_alerts="stderr",
        workers=options.workers,
    )
    with open_run(fleet, runbook) as opened:
        seen = observe(opened.connect(), fleet, plan) if plan.fogs else Observed()
    run = opened.run
    report.hosts = hosts_read(plan, seen)

    node_of = node_name(fleet)
    for fog in plan.fogs:
        findings = judge_fog(fog, seen, clusters=plan.cluster_of(fog.fog.nodes[0]), node_of=node_of)
        report.findings[fog.name] = findings
        for finding in findings:
            run.add(fog.name, finding.check, finding.outcome, finding.detail, host=finding.host)
        run.finish_fog(fog.name, *verdict(findings, strict=options.strict))
    for name, problems in broken.items():
        findings = inventory_findings(problems)
        report.findings[name] = findings
        for finding in findings:
            run.add(name, finding.check, finding.outcome, finding.detail, host=finding.host)
        run.finish_fog(name, *verdict(findings, strict=options.strict))
    code = run.close()
    nagios = [renderer for renderer in drawn if isinstance(renderer, NagiosLine)]
    return nagios[0].exit_code if nagios else code


def inventory_findings(problems: tuple[InventoryProblem, ...]) -> list[Finding]:
    """A broken group's findings: its ``inventory`` check fails once per problem, each its own cause."""
    findings = []
    for problem in problems:
        text = f"{Path(problem.file).name}: {problem.key}: {problem.message}"
        findings.append(Finding(INVENTORY_CHECK, None, "FAIL", text, cause=f"inventory: {text}"))
    return findings


def checked_output(path: str | None) -> Path | None:
    """``--output FILE``: its directory must exist, before anything connects."""
    if path is None:
        return None
    output = Path(path)
    if not output.parent.is_dir():
        raise InputError(f"--output {path}: no directory {output.parent}")
    return output


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


def renderers(options: CheckOptions, report: CheckReport, output: Path | None = None) -> list[Renderer]:
    if options.as_json:
        return [JsonDocument(sys.stdout, document=lambda run: document(run, report))]
    if options.format == "prometheus":
        return [PrometheusText(report, sys.stdout, output)]
    if options.format == "nagios":
        return [NagiosLine(report, sys.stdout)]
    return [
        GroupLines(sys.stdout, report=report),
        RowTable(sys.stdout, verdicts=False, step_header="CHECK", seconds=False),
    ]
