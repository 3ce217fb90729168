"""What a check run found, kept for its renderers: each group's findings and causes, and each host's read.

The renderers of ``check`` draw it: a line per group with its cause lines under it (people), one JSON document
(``--json``), and the monitoring formats of ``check.monitoring``.
"""

from __future__ import annotations

import sys
import time
from dataclasses import dataclass, field
from typing import Any, TextIO

from ospf_failover.engine import FogLines, FogRun, Run

from .checks import causes
from .findings import Finding

CAUSE_INDENT = "     "  # under the group's name, past its outcome word


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
    """Filled by the run as it judges; read by the renderers when a group or the run is done."""

    findings: dict[str, list[Finding]] = field(default_factory=dict)  # group -> its findings, in table order
    hosts: dict[str, HostRead] = field(default_factory=dict)  # host -> its read
    timestamp: float = field(default_factory=time.time)  # when the run started (seconds since the epoch)

    def causes(self, fog: str) -> list[str]:
        return causes(self.findings.get(fog, []))


@dataclass
class GroupLines(FogLines):
    """One line per group as it finishes (its worst outcome and verdict), then its causes, one line each."""

    report: CheckReport = field(default_factory=CheckReport)
    stream: TextIO = field(default_factory=lambda: sys.stdout)

    def fog_done(self, run: Run, record: FogRun) -> None:
        super().fog_done(run, record)
        for cause in self.report.causes(record.fog):
            print(f"{CAUSE_INDENT}cause: {cause}", file=self.stream, flush=True)


def document(run: Run, report: CheckReport) -> dict[str, Any]:
    """The check's JSON document, stable for monitoring tools (see docs/checks.md)."""
    fogs = []
    counts = {"pass": 0, "warn": 0, "fail": 0}
    for record in run.fogs.values():
        status = record.worst().lower()
        counts[status] += 1
        checks = [
            {
                "name": finding.check,
                "host": finding.host,
                "status": finding.outcome.lower(),
                "detail": finding.detail,
                "cause": finding.cause,
            }
            for finding in report.findings.get(record.fog, [])
        ]
        fogs.append({"name": record.fog, "status": status, "causes": report.causes(record.fog), "checks": checks})
    summary = {"fogs": len(fogs), **counts, "seconds": round(run.elapsed, 3)}
    hosts = {name: read.as_dict() for name, read in report.hosts.items()}
    return {"fogs": fogs, "hosts": hosts, "summary": summary}
