"""check's monitoring formats: Prometheus's text format, read back by prometheus_client's own parser, written
atomically for node_exporter; a Nagios/Icinga plugin's line with performance data and its exit codes."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from prometheus_client.parser import text_string_to_metric_families

from ospf_failover.cli.command_line import main
from ospf_failover.engine import Outcome, Run
from ospf_failover.runbooks.check.findings import Finding
from ospf_failover.runbooks.check.monitoring import NagiosLine, PrometheusText
from ospf_failover.runbooks.check.report import CheckReport, HostRead

CAUSE = "vr4: not read: host key changed"


def report_of(outcomes: dict[str, Outcome]) -> CheckReport:
    report = CheckReport()
    for fog, outcome in outcomes.items():
        cause = None if outcome == "PASS" else CAUSE
        report.findings[fog] = [
            Finding("reachable", "vr4", outcome, "x", cause),
            Finding("single-advertiser", None, "PASS", "only vr3 holds 10.0.1.254"),
        ]
    report.hosts = {
        "vr4": HostRead(reachable=False, seconds=5.01, error="e"),
        "node-a": HostRead(reachable=True, seconds=None, error=None),
    }
    return report


def ran(renderer: PrometheusText | NagiosLine) -> Run:
    report = renderer.report
    run = Run("check", list(report.findings), [renderer])
    for fog, findings in report.findings.items():
        for finding in findings:
            run.add(fog, finding.check, finding.outcome, finding.detail, host=finding.host)
        run.finish_fog(fog, 0, "checked")
    run.close()
    return run


@pytest.fixture(autouse=True)
def no_alerts(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", "/nonexistent")  # no clplogcmd here


def samples(text: str) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    return {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
    }


def test_prometheus_text_is_read_back_by_prometheus_client() -> None:
    stream = io.StringIO()
    ran(PrometheusText(report_of({"customer1": "PASS", "customer2": "FAIL"}), stream))
    found = samples(stream.getvalue())
    assert found[("ospf_failover_check_fog_status", (("fog", "customer1"),))] == 0
    assert found[("ospf_failover_check_fog_status", (("fog", "customer2"),))] == 2
    assert found[("ospf_failover_check_fog_causes", (("fog", "customer2"),))] == 1
    item = (("check", "reachable"), ("fog", "customer2"), ("host", "vr4"))
    assert found[("ospf_failover_check_status", item)] == 2
    group = (("check", "single-advertiser"), ("fog", "customer2"), ("host", ""))
    assert found[("ospf_failover_check_status", group)] == 0
    assert found[("ospf_failover_host_reachable", (("host", "vr4"),))] == 0
    assert found[("ospf_failover_host_read_seconds", (("host", "vr4"),))] == 5.01
    assert ("ospf_failover_host_read_seconds", (("host", "node-a"),)) not in found  # no seconds: none made up
    assert found[("ospf_failover_check_run_seconds", ())] >= 0
    assert found[("ospf_failover_check_run_timestamp_seconds", ())] > 1.7e9


def test_prometheus_output_file_is_replaced_whole(tmp_path: Path) -> None:
    target = tmp_path / "ospf_failover.prom"
    target.write_text("old\n")
    stream = io.StringIO()
    ran(PrometheusText(report_of({"customer1": "WARN"}), stream, target))
    assert stream.getvalue() == ""
    assert samples(target.read_text())[("ospf_failover_check_fog_status", (("fog", "customer1"),))] == 1
    assert [path.name for path in tmp_path.iterdir()] == ["ospf_failover.prom"]  # no temporary file left


@pytest.mark.parametrize(
    ("outcomes", "code", "start"),
    [
        ({"customer1": "PASS", "customer2": "PASS"}, 0, "OSPF-FAILOVER OK - 2 failover group(s) as they should be |"),
        ({"customer1": "PASS", "customer2": "WARN"}, 1, "OSPF-FAILOVER WARNING - 1 of 2 failover group(s) not right: "),
        (
            {"customer1": "WARN", "customer2": "FAIL"},
            2,
            "OSPF-FAILOVER CRITICAL - 2 of 2 failover group(s) not right: ",
        ),
    ],
)
def test_the_nagios_line_and_exit_code(outcomes: dict[str, Outcome], code: int, start: str) -> None:
    stream = io.StringIO()
    report = report_of(outcomes)
    renderer = NagiosLine(report, stream)
    ran(renderer)
    first, *more = stream.getvalue().splitlines()
    assert renderer.exit_code == code and first.startswith(start), first
    status, perfdata = first.split(" | ")
    assert set(perfdata.split()) >= {
        f"fail={list(outcomes.values()).count('FAIL')};;;0",
        "pass=" + str(list(outcomes.values()).count("PASS")) + ";;;0",
    }
    assert any(part.startswith("seconds=") and ";;;0" in part for part in perfdata.split())
    if code:
        assert f"customer2 {outcomes['customer2'].lower()}: {CAUSE}" in status
        assert f"customer2: {CAUSE}" in more  # the causes as long output, one line each


def test_nagios_bad_input_is_unknown_in_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--inventory", str(tmp_path / "none"), "check", "--format", "nagios"]) == 3
    out = capsys.readouterr().out.splitlines()
    assert len(out) == 1 and out[0].startswith("OSPF-FAILOVER UNKNOWN - ") and "|" not in out[0]
    assert main(["--inventory", str(tmp_path), "check", "--json", "--format", "nagios"]) == 2
    assert main(["--inventory", str(tmp_path), "check", "--output", str(tmp_path / "x.prom")]) == 2
    assert "--output FILE goes with --format prometheus" in capsys.readouterr().err
