"""The backup runbook: every router's configuration, scrubbed, in a git repository; what changed; pair drift.

plan (``backup_plan``, pure) -> one Nornir run: each host fetches and stages its files (``tasks.backup``,
compared with the stored ones by nornir-utils' write_file as a dry run) -> the hosts that answered are written
atomically and committed together, one commit when something changed -> each group's routers compared (pure) ->
rows -> a line per group, a table of what is wrong and a summary, or one JSON document.

Exit codes: 0 every host backed up (drift is a warning), 1 a host could not be backed up (the others are
committed, its previous files kept) or the repository could not be written, 2 bad input or inventory.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal, TextIO

from nornir.core import Nornir

from ospf_failover.archive import DEFAULT_AUTHOR, Repository
from ospf_failover.engine import (
    FogLines,
    JsonDocument,
    Renderer,
    RowTable,
    Run,
    Runbook,
    Silent,
    error_text,
    host_progress,
    open_run,
    run_per_host,
)
from ospf_failover.errors import EXIT_FAILED, EXIT_OK, BackupStoreError, InputError
from ospf_failover.inventory import Fleet
from ospf_failover.nornir_setup import HostRun
from ospf_failover.tasks.backup import stage_backup

from ..shared.defaults import CHECK_WORKERS
from .plan import BackupPlan, commit_message, judge_drift, judge_saved, plan_backup

DEFAULT_DIR = "backups"
KEEP_SECRETS_WARNING = (
    "warning: --keep-secrets: passwords, keys and communities are written to {dir} and stay in its git history"
)


@dataclass(frozen=True)
class BackupOptions:
    fogs: tuple[str, ...] = ()
    every: bool = False  # --all
    directory: str = DEFAULT_DIR
    diff: bool = False
    keep_secrets: bool = False
    as_json: bool = False
    workers: int = CHECK_WORKERS
    author: str = DEFAULT_AUTHOR


@dataclass(frozen=True)
class HostBackup:
    """One host's part of the backup, as the document gives it."""

    status: Literal["ok", "failed"]
    changed: bool
    files: list[str]
    error: str | None
    seconds: float
    secrets_removed: int | None = None  # None: the host's files were never staged
    secrets_per_file: dict[str, int] | None = None  # file -> secrets removed from it (None: never staged)
    diff: str | None = None  # with --diff only
    saved: dict[str, Any] | None = None  # the running OSPF configuration against the saved one (judge_saved)

    def as_dict(self) -> dict[str, Any]:
        entry: dict[str, Any] = {
            "status": self.status,
            "changed": self.changed,
            "files": self.files,
            "error": self.error,
            "seconds": self.seconds,
        }
        if self.secrets_removed is not None:
            entry["secrets_removed"] = self.secrets_removed
        if self.secrets_per_file is not None:
            entry["secrets_per_file"] = self.secrets_per_file
        if self.saved is not None:
            entry["saved"] = self.saved
        if self.diff is not None:
            entry["diff"] = self.diff
        return entry


@dataclass
class BackupReport:
    """What the backup's summary and document add to its rows."""

    directory: str
    secrets: Literal["kept", "removed"]
    hosts: dict[str, HostBackup] = field(default_factory=dict)
    drift: dict[str, dict[str, Any]] = field(default_factory=dict)  # group -> its routers' drift, as documented
    commit: str | None = None
    commit_error: str | None = None
    inventory: dict[str, list[str]] = field(default_factory=dict)  # group set aside -> its inventory problems


def say(text: str) -> None:
    print(f"ospf-failover: {text}", file=sys.stderr)


def run_backup(fleet: Fleet, options: BackupOptions) -> int:
    if options.every and options.fogs:
        raise InputError("name failover groups or give --all, not both")
    broken = fleet.broken_among(options.fogs)  # groups with problems of their own: reported, not backed up
    names = [name for name in options.fogs if name not in broken]
    # An unknown group is bad input (exit 2) before anything connects.
    plan = plan_backup(fleet, names) if names or not options.fogs else BackupPlan(hosts={}, fogs={}, routers={})
    repository = Repository(Path(options.directory), author=options.author)
    fleet.check_connect_files()
    if options.keep_secrets:
        say(KEEP_SECRETS_WARNING.format(dir=repository.path))
    repository.create()
    report = BackupReport(directory=str(repository.path), secrets="kept" if options.keep_secrets else "removed")
    runbook = Runbook(
        "backup",
        (*plan.fogs, *broken),
        renderers(options, report),
        alerts="run",
        unsent_alerts="stderr",
        workers=max(1, options.workers),
    )
    with repository.locked():
        with open_run(fleet, runbook) as opened:
            outcomes = fetch(opened.connect(), plan, repository, options) if plan.fogs else {}
        written, failed = store(repository, outcomes)
        try:
            report.commit = repository.commit(list(written), lambda changed: commit_message(changed, failed))
        except BackupStoreError as exc:
            report.commit_error = str(exc)
        record(opened.run, report, plan, outcomes, failed, diff=options.diff)
        for name, problems in broken.items():
            report.inventory[name] = [f"{Path(p.file).name}: {p.key}: {p.message}" for p in problems]
            for text in report.inventory[name]:
                opened.run.add(name, "inventory", "FAIL", text)
            opened.run.finish_fog(name, EXIT_FAILED, f"not backed up: {len(problems)} inventory problem(s)")
        return opened.run.close(EXIT_FAILED if report.commit_error is not None else None)


def fetch(nr: Nornir, plan: BackupPlan, repository: Repository, options: BackupOptions) -> dict[str, HostRun]:
    with host_progress(len(plan.hosts), doing="backing up") as progress:
        return run_per_host(
            nr,
            stage_backup,
            {host: {"nics": nics} for host, nics in plan.hosts.items()},
            processors=progress,
            directory=str(repository.path),
            keep_secrets=options.keep_secrets,
        )


def store(repository: Repository, outcomes: dict[str, HostRun]) -> tuple[dict[str, list[str]], dict[str, str]]:
    """Write the files of every host that answered; the hosts written, and the hosts that failed with why."""
    written: dict[str, list[str]] = {}
    failed: dict[str, str] = {}
    for host, outcome in outcomes.items():
        if not outcome.ok or outcome.result is None:
            failed[host] = error_text(outcome.error)
            continue
        try:
            repository.replace_host(host, outcome.result.result["files"])
            written[host] = sorted(outcome.result.result["files"])
        except (BackupStoreError, OSError) as exc:
            failed[host] = error_text(exc)
    return written, failed


def host_backup(outcome: HostRun, error: str | None, *, diff: bool) -> HostBackup:
    """A host's entry: ``error`` when it was not backed up (not staged, or not written)."""
    staged = outcome.result if outcome.ok else None
    changed = bool(staged is not None and staged.changed and error is None)
    return HostBackup(
        status="failed" if error is not None else "ok",
        changed=changed,
        files=sorted(staged.result["files"]) if staged is not None and error is None else [],
        error=error,
        seconds=round(outcome.seconds or 0.0, 3),
        secrets_removed=staged.result["secrets"] if staged is not None else None,
        secrets_per_file=dict(staged.result["secrets_per_file"]) if staged is not None else None,
        diff=(staged.diff if staged is not None and changed else "") if diff else None,
        saved=judge_saved(staged.result["ospf_config"], staged.result["saved_config"]) if staged is not None else None,
    )


def record(
    run: Run,
    report: BackupReport,
    plan: BackupPlan,
    outcomes: dict[str, HostRun],
    failed: dict[str, str],
    *,
    diff: bool,
) -> None:
    """Rows per group (a backup row per host, a drift row); the report's hosts and the groups' drift."""
    hosts = {host: host_backup(outcome, failed.get(host), diff=diff) for host, outcome in outcomes.items()}
    report.hosts = hosts
    configs = {h: o.result.result["ospf_config"] for h, o in outcomes.items() if o.ok and o.result is not None}
    for fog, members in plan.fogs.items():
        for host in members:
            entry = hosts[host]
            if entry.status == "failed":
                run.add(fog, "backup", "FAIL", f"previous files kept: {entry.error}", host=host)
            else:
                what = f"changed: {', '.join(changed_files(outcomes[host]))}" if entry.changed else "unchanged"
                run.add(fog, "backup", "PASS", f"{what} ({len(entry.files)} files)", host=host)
                if entry.saved is not None and entry.saved.get("status") == "differs":
                    run.add(fog, "saved", "WARN", entry.saved["detail"], host=host)
        judged = judge_drift(plan.routers[fog], configs)
        report.drift[fog] = judged.as_dict(plan.routers[fog])
        run.add(fog, "drift", "PASS" if judged.status == "same" else "WARN", judged.detail)
        bad = [host for host in members if host in failed]
        changed = sum(1 for host in members if hosts[host].changed)
        verdict = f"{len(members) - len(bad)} of {len(members)} hosts backed up, {changed} changed"
        verdict += f"; OSPF configuration {judged.status}" if judged.status != "unknown" else ""
        run.finish_fog(fog, EXIT_FAILED if bad else EXIT_OK, verdict)


def changed_files(outcome: HostRun) -> list[str]:
    """The files a staged host changed (new, different or gone)."""
    return list(outcome.result.result["changed"]) if outcome.result is not None else []


def renderers(options: BackupOptions, report: BackupReport) -> tuple[Renderer, ...]:
    if options.as_json:
        return (JsonDocument(sys.stdout, document=lambda run: document(run, report)),)
    return (
        FogLines(sys.stdout),
        RowTable(sys.stdout, verdicts=False, seconds=False),
        Summary(sys.stdout, report, diff=options.diff),
    )


@dataclass
class Summary(Silent):
    """The run's last lines for people: hosts backed up and changed, the commit; with --diff each host's diff."""

    stream: TextIO
    report: BackupReport
    diff: bool = False

    def run_done(self, run: Run) -> None:
        if self.diff:
            for entry in self.report.hosts.values():
                if entry.diff:
                    print(entry.diff.rstrip("\n"), file=self.stream)
        scrubbed = secrets_line(self.report)
        if scrubbed:
            print(scrubbed, file=self.stream)
        print(summary_line(self.report), file=self.stream, flush=True)


def secrets_line(report: BackupReport) -> str:
    """``secrets removed: vr1 4, vr3 1`` (the hosts whose files had any), or nothing."""
    counts = [f"{host} {entry.secrets_removed}" for host, entry in report.hosts.items() if entry.secrets_removed]
    return f"secrets removed: {', '.join(counts)}" if counts else ""


def summary_line(report: BackupReport) -> str:
    changed = [host for host, entry in report.hosts.items() if entry.changed]
    failed = [host for host, entry in report.hosts.items() if entry.status == "failed"]
    text = f"backup: {len(report.hosts)} hosts, {len(changed)} changed, {len(failed)} failed"
    if report.commit_error:
        return f"{text}; not committed: {report.commit_error}"
    where = report.directory
    if report.commit:
        which = ", ".join(changed) or "files left by an earlier run"
        return f"{text}; commit {report.commit[:12]} in {where} ({which})"
    return f"{text}; nothing changed, no commit ({where})"


def document(run: Run, report: BackupReport) -> dict[str, Any]:
    """The backup's JSON document (see the README)."""
    hosts = report.hosts
    summary = {
        "hosts": len(hosts),
        "changed": sum(1 for entry in hosts.values() if entry.changed),
        "failed": sum(1 for entry in hosts.values() if entry.status == "failed"),
        "directory": report.directory,
        "secrets": report.secrets,
        "commit_error": report.commit_error,
        "exit_code": run.exit_code,
        "seconds": round(run.elapsed, 3),
    }
    hosts_document = {host: entry.as_dict() for host, entry in hosts.items()}
    document: dict[str, Any] = {
        "hosts": hosts_document,
        "commit": report.commit,
        "drift": report.drift,
        "summary": summary,
    }
    if report.inventory:  # groups set aside with inventory problems of their own, not backed up
        document["inventory"] = report.inventory
    return document
