"""Typed reports: what check's and backup's documents and summaries add to their rows is a dataclass the
renderers read, and the documents keep the shape the README gives."""

from __future__ import annotations

import io
import json

import pytest
from nornir.core.task import Result

from ospf_failover.engine import JsonDocument, Run
from ospf_failover.models import Fact, NotRead
from ospf_failover.nornir_setup import HostRun
from ospf_failover.runbooks.backup.run import BackupReport, HostBackup, Summary, document, host_backup, summary_line
from ospf_failover.runbooks.check.findings import Finding
from ospf_failover.runbooks.check.report import CheckReport, HostRead
from ospf_failover.runbooks.check.report import document as check_document


@pytest.fixture(autouse=True)
def no_clplogcmd(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", "/nonexistent")


SAVED_UNREAD = NotRead(Fact.SAVED_CONFIG, "no saved configuration file")


def staged(files: dict[str, str], *, changed: bool, diff: str = "", secrets: int = 0) -> HostRun:
    per_file = {path: 0 for path in sorted(files)}
    per_file[min(files)] = secrets
    result = {
        "files": files,
        "changed": sorted(files) if changed else [],
        "secrets": secrets,
        "secrets_per_file": per_file,
        "ospf_config": NotRead(Fact.OSPF_CONFIG, "not parsed here"),
        "saved_config": SAVED_UNREAD,
    }
    return HostRun(result=Result(host=None, result=result, changed=changed, diff=diff), error=None, seconds=0.41234)


def test_a_host_backed_up_and_one_not() -> None:
    ok = host_backup(
        staged({"running-config": "x", "etc/frr/frr.conf": "y"}, changed=True, secrets=2), None, diff=False
    )
    unknown = {"status": "unknown", "only_running": [], "only_saved": [], "detail": "not parsed here"}
    assert ok == HostBackup(
        "ok",
        True,
        ["etc/frr/frr.conf", "running-config"],
        None,
        0.412,
        secrets_removed=2,
        secrets_per_file={"etc/frr/frr.conf": 2, "running-config": 0},
        saved=unknown,
    )
    assert list(ok.as_dict()) == [
        "status", "changed", "files", "error", "seconds", "secrets_removed", "secrets_per_file", "saved"
    ]  # fmt: skip
    assert ok.as_dict()["secrets_per_file"] == {"etc/frr/frr.conf": 2, "running-config": 0}
    unreachable = HostRun(result=None, error=TimeoutError("vr4: connect timed out"), seconds=5.0)
    failed = host_backup(unreachable, "vr4: connect timed out", diff=False)
    assert failed.as_dict() == {
        "status": "failed",
        "changed": False,
        "files": [],
        "error": "vr4: connect timed out",
        "seconds": 5.0,
    }, "a host never staged has no secrets_removed and no secrets_per_file"
    not_written = host_backup(staged({"running-config": "x"}, changed=True, diff="+x"), "disk full", diff=True)
    assert not_written.status == "failed" and not not_written.changed and not_written.files == []
    assert not_written.diff == "", "--diff shows nothing for a host whose files were not written"
    with_diff = host_backup(staged({"running-config": "x"}, changed=True, diff="+x"), None, diff=True)
    assert with_diff.as_dict()["diff"] == "+x"


def backed_up() -> BackupReport:
    report = BackupReport(directory="/var/lib/ospf-failover/backups", secrets="removed")
    report.hosts = {
        "vr1": host_backup(staged({"running-config": "x"}, changed=False), None, diff=True),
        "vr2": host_backup(staged({"running-config": "y"}, changed=True, diff="-a\n+b\n"), None, diff=True),
    }
    report.drift = {"customer1": {"status": "same", "routers": ["vr1", "vr2"], "differences": [], "detail": "same"}}
    report.commit = "1d70787d1d54aa"
    return report


def test_the_backup_document_reads_the_report() -> None:
    stream = io.StringIO()
    report = backed_up()
    run = Run("backup", ["customer1"], [JsonDocument(stream, document=lambda run: document(run, report))])
    run.finish_fog("customer1", 0, "2 of 2 hosts backed up, 1 changed")
    assert run.close() == 0
    shaped = json.loads(stream.getvalue())
    assert list(shaped) == ["hosts", "commit", "drift", "summary"]
    assert shaped["hosts"]["vr2"]["diff"] == "-a\n+b\n" and shaped["hosts"]["vr1"]["changed"] is False
    assert shaped["commit"] == "1d70787d1d54aa" and shaped["drift"]["customer1"]["status"] == "same"
    summary = shaped["summary"]
    assert {k: summary[k] for k in ("hosts", "changed", "failed", "secrets", "commit_error", "exit_code")} == {
        "hosts": 2,
        "changed": 1,
        "failed": 0,
        "secrets": "removed",
        "commit_error": None,
        "exit_code": 0,
    }
    assert summary["directory"] == "/var/lib/ospf-failover/backups"


def test_the_backup_summary_reads_the_report() -> None:
    report = backed_up()
    assert summary_line(report) == (
        "backup: 2 hosts, 1 changed, 0 failed; commit 1d70787d1d54 in /var/lib/ospf-failover/backups (vr2)"
    )
    stream = io.StringIO()
    run = Run("backup", ["customer1"], [Summary(stream, report, diff=True)])
    run.close()
    assert stream.getvalue().splitlines() == ["-a", "+b", summary_line(report)]
    report.commit, report.commit_error = None, "git commit failed"
    assert summary_line(report).endswith("; not committed: git commit failed")
    report.commit_error = None
    assert summary_line(report).endswith("; nothing changed, no commit (/var/lib/ospf-failover/backups)")


def test_the_check_document_reads_the_report() -> None:
    report = CheckReport(
        findings={"customer1": [Finding("reachable", "vr1", "PASS", "answered in 0.31 s")]},
        hosts={
            "vr1": HostRead(reachable=True, seconds=0.31, error=None),
            "node-a": HostRead(reachable=False, seconds=None, error="clpstat: busy"),
        },
    )
    run = Run("check", ["customer1"], [])
    run.add("customer1", "reachable", "PASS", "answered in 0.31 s", host="vr1")
    run.finish_fog("customer1", 0, "1 checks: 1 pass, 0 warn, 0 fail")
    run.close()
    shaped = check_document(run, report)
    assert shaped["hosts"] == {
        "vr1": {"reachable": True, "seconds": 0.31, "error": None},
        "node-a": {"reachable": False, "seconds": None, "error": "clpstat: busy"},
    }
    assert shaped["fogs"][0]["checks"][0] == {
        "name": "reachable",
        "host": "vr1",
        "status": "pass",
        "detail": "answered in 0.31 s",
        "cause": None,
    }
    assert shaped["summary"]["pass"] == 1 and shaped["summary"]["fogs"] == 1


def test_people_see_the_secrets_removed_per_host() -> None:
    report = backed_up()
    stream = io.StringIO()
    Run("backup", ["customer1"], [Summary(stream, report)]).close()
    assert "secrets removed" not in stream.getvalue(), "nothing removed: no line"
    report.hosts["vr2"] = host_backup(staged({"running-config": "y"}, changed=True, secrets=3), None, diff=False)
    stream = io.StringIO()
    Run("backup", ["customer1"], [Summary(stream, report)]).close()
    assert stream.getvalue().splitlines() == ["secrets removed: vr2 3", summary_line(report)]
    assert report.hosts["vr2"].as_dict()["secrets_per_file"] == {"running-config": 3}
