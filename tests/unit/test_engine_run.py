"""The step engine's run: ECX lines per row, worst outcome per host, one JSON document, a table, and ECX alerts
(clplogcmd) per row for one failover group, per run for many."""

from __future__ import annotations

import io
import json
import os
import threading
import time
from pathlib import Path

import pytest

from ospf_failover.engine import EcxLines, JsonDocument, RowTable, Run, in_background


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
    run = Run("switch", ["customer1"], [EcxLines(stream), JsonDocument()])
    run.add("customer1", "connect", "PASS", "session open", host="vr2")
    run.add("customer1", "connect", "WARN", "no SSH answer (network partition?)", host="vr1")
    run.add("customer1", "verify", "FAIL", "gw2: no route to 10.0.0.0/24", host="gw2")
    run.finish_fog("customer1", 3, "switched, NOT verified")
    assert run.close() == 3

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
    run = Run("release", ["customer1"], [EcxLines(io.StringIO())])
    run.add("customer1", "release", "WARN", "router unreachable", host="vr1")
    assert run.fog("customer1").alerts == ["ospf-failover release customer1: release: [vr1] router unreachable"]
    run.finish_fog("customer1", 0, "not released (warned)")
    assert run.close() == 0


def test_a_run_over_many_groups_raises_one_alert(clplogcmd: Path, capsys: pytest.CaptureFixture[str]) -> None:
    fogs = [f"customer{n}" for n in range(1, 31)]
    run = Run("check", fogs, [EcxLines(io.StringIO()), JsonDocument()])
    for fog in fogs:
        bad = fog in ("customer7", "customer19")
        run.add(fog, "verify", "FAIL" if bad else "PASS", "no route" if bad else "ok", host="gw1")
        run.add(fog, "connect", "WARN" if fog == "customer3" else "PASS", "slow", host="vr1")
        run.finish_fog(fog, 3 if bad else 0, "checked")
    assert run.close() == 3
    alerts = clplogcmd.read_text().splitlines()
    assert len(alerts) == 1, alerts  # not one per row, not one per group
    assert alerts[0] == (
        "-m|ospf-failover check: 3 of 30 failover group(s) not as they should be: customer3, customer7, "
        "customer19|-l|ERR|"
    )
    document = json.loads(capsys.readouterr().out)
    assert document["exit_code"] == 3 and len(document["fogs"]) == 30
    assert document["outcomes"]["customer7"] == "FAIL" and document["outcomes"]["customer3"] == "WARN"
    assert document["fogs"][6]["hosts"] == {"gw1": "FAIL", "vr1": "PASS"}
    assert all(fog["alerts"] == [] for fog in document["fogs"])


def test_the_table_lists_what_is_not_right_and_every_verdict(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", "/nonexistent")
    stream = io.StringIO()
    run = Run("check", ["customer1", "customer2"], [RowTable(stream)])
    run.add("customer1", "verify", "PASS", "10.0.0.0/24 via 192.168.76.252", host="gw1")
    run.add("customer2", "verify", "FAIL", "no route to 10.0.1.0/24", host="gw2")
    run.finish_fog("customer1", 0, "as it should be")
    run.finish_fog("customer2", 3, "NOT as it should be")
    assert run.close() == 3
    lines = stream.getvalue().splitlines()
    assert lines[0].startswith("check: 2 failover group(s)")
    assert not any("192.168.76.252" in line for line in lines)  # a PASS row is not listed...
    failing = next(line for line in lines if "no route to 10.0.1.0/24" in line)
    assert "customer2" in failing and "gw2" in failing and "FAIL" in failing
    verdicts = [line for line in lines if "verdict" in line]  # ...but every group's verdict is
    assert len(verdicts) == 2 and "as it should be" in verdicts[0] and "NOT as it should be" in verdicts[1]


def test_background_work_is_a_future_that_never_holds_the_process() -> None:
    started = time.monotonic()
    slow = in_background(time.sleep, 30)
    with pytest.raises(TimeoutError):
        slow.result(timeout=0.1)
    assert time.monotonic() - started < 5
    assert in_background(sum, [1, 2, 3]).result(timeout=5) == 6
    with pytest.raises(ZeroDivisionError):
        in_background(lambda: 1 / 0).result(timeout=5)
    threads = [t for t in threading.enumerate() if t.name.startswith("background-sleep")]
    assert threads and all(t.daemon for t in threads)  # a finished run exits without waiting for it


def test_an_alert_that_cannot_be_sent_is_a_warning_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    script = tmp_path / "clplogcmd"
    script.write_text("#!/bin/sh\nexit 0\n")  # not executable: running it fails
    monkeypatch.setenv("PATH", str(tmp_path))
    monkeypatch.setattr("shutil.which", lambda name: str(script))
    stream = io.StringIO()
    run = Run("release", ["customer1"], [EcxLines(stream)])
    run.alerts.say = lambda text: run.note("customer1", text, outcome="WARN")
    run.add("customer1", "release", "WARN", "router unreachable", host="vr1")
    run.finish_fog("customer1", 0, "not released (warned)")
    lines = stream.getvalue().splitlines()
    assert any(line.startswith("[W] release customer1: alert not sent: ") for line in lines), lines
    assert lines[-1].startswith("[W] release customer1: not released (warned) in ")
