"""``check --format prometheus`` and ``check --format nagios``: a check run in the formats monitoring systems read,
written by the libraries those systems' own people maintain (prometheus_client, nagiosplugin), loaded only here.

Prometheus: the text exposition format, on stdout or written atomically to a file (``--output``, for
node_exporter's textfile collector), with stable metric and label names (see docs/checks.md). Nagios/Icinga:
one status line with performance data, then the causes as long output; exit 0 OK, 1 WARNING, 2 CRITICAL,
3 UNKNOWN, as the plugin guidelines say.
"""

from __future__ import annotations

import io
import logging
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO

from ospf_failover.engine import Run
from ospf_failover.engine.render import Silent
from ospf_failover.errors import OutputError

from .report import CheckReport

STATUS_VALUE = {"PASS": 0, "WARN": 1, "FAIL": 2}  # the metrics' and Nagios's order of badness
NAGIOS_NAME = "ospf-failover"
NAGIOS_UNKNOWN = 3


def registry_of(run: Run, report: CheckReport, *, finished: float) -> Any:
    """The run as Prometheus metrics, in a registry of their own."""
    from prometheus_client import CollectorRegistry, Gauge

    registry = CollectorRegistry(auto_describe=False)
    fog_status = Gauge(
        "ospf_failover_check_fog_status",
        "Worst outcome of a failover group's checks: 0 pass, 1 warn, 2 fail",
        ["fog"],
        registry=registry,
    )
    causes = Gauge(
        "ospf_failover_check_fog_causes", "Causes a failover group's result names", ["fog"], registry=registry
    )
    status = Gauge(
        "ospf_failover_check_status",
        "Outcome of one check on one host of a failover group (host empty: the group): 0 pass, 1 warn, 2 fail",
        ["fog", "check", "host"],
        registry=registry,
    )
    reachable = Gauge(
        "ospf_failover_host_reachable",
        "Whether the host answered (cluster nodes: clpstat)",
        ["host"],
        registry=registry,
    )
    seconds = Gauge(
        "ospf_failover_host_read_seconds", "Seconds the host's one round trip took", ["host"], registry=registry
    )
    for record in run.fogs.values():
        fog_status.labels(fog=record.fog).set(STATUS_VALUE[record.worst()])
        causes.labels(fog=record.fog).set(len(report.causes(record.fog)))
        for finding in report.findings.get(record.fog, []):
            labels = {"fog": record.fog, "check": finding.check, "host": finding.host or ""}
            status.labels(**labels).set(STATUS_VALUE[finding.outcome])
    for host, entry in report.hosts.items():
        reachable.labels(host=host).set(1 if entry.reachable else 0)
        if entry.seconds is not None:
            seconds.labels(host=host).set(entry.seconds)
    Gauge("ospf_failover_check_run_seconds", "Seconds the check run took", registry=registry).set(run.elapsed)
    Gauge(
        "ospf_failover_check_run_timestamp_seconds",
        "When the check run ended, seconds since the epoch",
        registry=registry,
    ).set(finished)
    return registry


@dataclass
class PrometheusText(Silent):
    """The run in Prometheus's text format when it ends: on ``stream``, or atomically into ``output`` (a
    temporary file beside it, then a rename: node_exporter never reads half a file)."""

    report: CheckReport
    stream: TextIO = field(default_factory=lambda: sys.stdout)
    output: Path | None = None

    def run_done(self, run: Run) -> None:
        from prometheus_client import generate_latest, write_to_textfile

        registry = registry_of(run, self.report, finished=time.time())
        if self.output is None:
            self.stream.write(generate_latest(registry).decode())
            self.stream.flush()
            return
        try:
            write_to_textfile(str(self.output), registry)
        except OSError as exc:
            raise OutputError(f"cannot write {self.output}: {exc.strerror or exc}") from exc


def nagios_line(run: Run, report: CheckReport) -> tuple[str, int]:
    """The Nagios/Icinga plugin output (a status line with performance data, then the causes) and exit code,
    made by nagiosplugin from the groups' outcomes."""
    import nagiosplugin

    class Groups(nagiosplugin.Resource):  # type: ignore[misc]
        name = NAGIOS_NAME

        def probe(self) -> list[Any]:
            metrics = [
                nagiosplugin.Metric(record.fog, STATUS_VALUE[record.worst()], context="fog")
                for record in run.fogs.values()
            ]
            counts = {outcome: 0 for outcome in STATUS_VALUE}
            for record in run.fogs.values():
                counts[record.worst()] += 1
            metrics += [nagiosplugin.Metric(o.lower(), n, min=0, context="count") for o, n in counts.items()]
            metrics.append(nagiosplugin.Metric("seconds", round(run.elapsed, 3), uom="s", min=0, context="count"))
            return metrics

    class FogContext(nagiosplugin.Context):  # type: ignore[misc]
        def evaluate(self, metric: Any, resource: Any) -> Any:
            state = (nagiosplugin.Ok, nagiosplugin.Warn, nagiosplugin.Critical)[metric.value]
            first = report.causes(metric.name)
            hint = f"{metric.name} {('pass', 'warn', 'fail')[metric.value]}" + (f": {first[0]}" if first else "")
            return self.result_cls(state, hint, metric)

        def performance(self, metric: Any, resource: Any) -> None:
            return None

    class Counted(nagiosplugin.Context):  # type: ignore[misc]
        def performance(self, metric: Any, resource: Any) -> Any:
            return nagiosplugin.Performance(metric.name, metric.value, metric.uom, min=metric.min)

    class Verdict(nagiosplugin.Summary):  # type: ignore[misc]
        def ok(self, results: Any) -> str:
            return f"{len(run.fogs)} failover group(s) as they should be"

        def problem(self, results: Any) -> str:
            bad = [result for result in results if result.state != nagiosplugin.Ok and result.metric.context == "fog"]
            worst = sorted(bad, key=lambda result: -result.state.code)
            return f"{len(bad)} of {len(run.fogs)} failover group(s) not right: " + "; ".join(
                str(result.hint) for result in worst
            )

    check = nagiosplugin.Check(Groups(), FogContext("fog"), Counted("count"), Verdict())
    check.name = NAGIOS_NAME
    check()
    output = nagiosplugin.output.Output(logging.StreamHandler(io.StringIO()))
    output.add(check)
    for record in run.fogs.values():
        for cause in report.causes(record.fog):
            output.add_longoutput(f"{record.fog}: {cause}")
    return str(output).rstrip("\n"), int(check.exitcode)


@dataclass
class NagiosLine(Silent):
    """The run as a Nagios/Icinga plugin's output when it ends; ``exit_code`` is the plugin's then."""

    report: CheckReport
    stream: TextIO = field(default_factory=lambda: sys.stdout)
    exit_code: int = NAGIOS_UNKNOWN

    def run_done(self, run: Run) -> None:
        text, self.exit_code = nagios_line(run, self.report)
        print(text, file=self.stream, flush=True)
