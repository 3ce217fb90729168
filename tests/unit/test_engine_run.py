"""The runbooks' report: step lines, worst outcome per host, one JSON document, and ECX alerts via clplogcmd."""

from __future__ import annotations

import io
import json
import os
from pathlib import Path

import pytest

from ospf_failover.runbooks.report import Report


@pytest.fixture
def clplogcmd(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A clplogcmd on PATH that records its arguments, as ECX's would log them."""
    log = tmp_path / "alerts.log"
    script = tmp_path / "bin" / "clplogcmd"
    script.parent.mkdir()
    # one write per alert: alerts are sent from threads, in any order
    script.write_text(f'#!/bin/sh\nline=$(printf "%s|" "$@")\necho "$line" >> {log}\n')
    script.chmod(0o755)
    monkeypatch.setenv("PATH", f"{script.parent}{os.pathsep}{os.environ['PATH']}")
    return log


def test_warnings_and_failures_raise_alerts(clplogcmd: Path, capsys: pytest.CaptureFixture[str]) -> None:
    stream = io.StringIO()
    report = Report(runbook="switch", fog="customer1", stream=stream)
    report.add("connect", "PASS", "session open", host="vr2")
    report.add("connect", "WARN", "no SSH answer (network partition?)", host="vr1")
    report.add("verify", "FAIL", "gw2: no route to 10.0.0.0/24", host="gw2")
    assert report.finish(3, "switched, NOT verified", as_json=True) == 3

    lines = stream.getvalue().splitlines()
    assert lines[0] == "[I] switch customer1: connect: [vr2] session open"
    assert lines[1].startswith("[W] switch customer1: connect: [vr1]")
    assert lines[2].startswith("[E] switch customer1: verify: [gw2]")
    assert lines[-1].startswith("[E] switch customer1: switched, NOT verified in ")

    alerts = sorted(clplogcmd.read_text().splitlines(), key=lambda line: "verify" in line)
    assert len(alerts) == 2, alerts
    assert alerts[0].startswith("-m|ospf-failover switch customer1: connect: [vr1]") and alerts[0].endswith("|-l|WARN|")
    assert alerts[1].startswith("-m|ospf-failover switch customer1: verify: [gw2]") and alerts[1].endswith("|-l|ERR|")

    document = json.loads(capsys.readouterr().out)
    assert document["hosts"] == {"vr2": "PASS", "vr1": "WARN", "gw2": "FAIL"}
    assert document["exit_code"] == 3 and len(document["alerts"]) == 2


def test_no_clplogcmd_is_not_an_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))
    report = Report(runbook="release", fog="customer1", stream=io.StringIO())
    report.add("release", "WARN", "router unreachable", host="vr1")
    assert report.alerts == ["ospf-failover release customer1: release: [vr1] router unreachable"]
    assert report.finish(0, "not released (warned)", as_json=False) == 0
