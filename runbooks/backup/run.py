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
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TextIO

from ospf_failover.archive import DEFAULT_AUTHOR, Repository
from ospf_failover.engine import (
    Alerts,
    FogLines,
    JsonDocument,
    Renderer,
    RowTable,
    Run,
    error_text,
    host_progress,
    run_per_host,
)
from ospf_failover.engine.render import Silent
from ospf_failover.errors import EXIT_FAILED, EXIT_OK, BackupStoreError, InputError
from ospf_failover.inventory import Fleet
from ospf_failover.nornir_setup import HostRun, init_nornir
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


def say(text: str) -> None:
    print(f"ospf-failover: {text}", file=sys.stderr)


def run_backup(fleet: Fleet, options: BackupOptions) -> int:
    if options.every and options.fogs:
        raise InputError("name failover groups or give --all, not both")
    plan = plan_backup(fleet, options.fogs)  # an unknown group is bad input (exit 2) before anything connects
    repository = Repository(Path(options.directory), author=options.author)
    fleet.check_connect_files()
    if options.keep_secrets:
        say(KEEP_SECRETS_WARNING.format(dir=repository.path))
    repository.create()
    with repository.locked():
        run = Run("backup", list(plan.fogs), renderers(options), alerts=Alerts(mode="run", say=say))
        outcomes = fetch(fleet, plan, repository, options)
        written, failed = store(repository, outcomes)
        try:
            commit = repository.commit(list(written), lambda changed: commit_message(changed, failed))
            commit_error = None
        except BackupStoreError as exc:
            commit, commit_error = None, str(exc)
        record(run, plan, outcomes, failed, options)
        run.data.update(commit=commit, commit_error=commit_error, directory=str(repository.path))
        run.data["secrets"] = "kept" if options.keep_secrets else "removed"
        return run.close(EXIT_FAILED if commit_error is not None else None)


def fetch(fleet: Fleet, plan: BackupPlan, repository: Repository, options: BackupOptions) -> dict[str, HostRun]:
    nr = init_nornir(fleet, num_workers=max(1, options.workers))
    try:
        with host_progress(len(plan.hosts), doing="backing up") as advance:
            return run_per_host(
                nr,
                stage_backup,
                {host: {"nics": nics} for host, nics in plan.hosts.items()},
                done=advance,
                directory=str(repository.path),
                keep_secrets=options.keep_secrets,
            )
    finally:
        nr.close_connections(on_good=True, on_failed=True)


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


def record(
    run: Run, plan: BackupPlan, outcomes: dict[str, HostRun], failed: dict[str, str], options: BackupOptions
) -> None:
    """Rows per group (a backup row per host, a drift row), the per-host document and the groups' drift."""
    hosts: dict[str, dict[str, Any]] = {}
    for host, outcome in outcomes.items():
        staged = outcome.result if outcome.ok else None
        entry: dict[str, Any] = {
            "status": "failed" if host in failed else "ok",
            "changed": bool(staged is not None and staged.changed and host not in failed),
            "files": sorted(staged.result["files"]) if staged is not None and host not in failed else [],
            "error": failed.get(host),
            "seconds": round(outcome.seconds or 0.0, 3),
        }
        if staged is not None:
            entry["secrets_removed"] = staged.result["secrets"]
            entry["saved"] = judge_saved(staged.result["ospf_config"], staged.result["saved_config"])
        if options.diff:
            entry["diff"] = staged.diff if staged is not None and entry["changed"] else ""
        hosts[host] = entry
    configs = {h: o.result.result["ospf_config"] for h, o in outcomes.items() if o.ok and o.result is not None}
    drift: dict[str, dict[str, Any]] = {}
    for fog, members in plan.fogs.items():
        for host in members:
            entry = hosts[host]
            if entry["status"] == "failed":
                run.add(fog, "backup", "FAIL", f"previous files kept: {entry['error']}", host=host)
            else:
                what = f"changed: {', '.join(changed_files(outcomes[host]))}" if entry["changed"] else "unchanged"
                run.add(fog, "backup", "PASS", f"{what} ({len(entry['files'])} files)", host=host)
                if entry.get("saved", {}).get("status") == "differs":
                    run.add(fog, "saved", "WARN", entry["saved"]["detail"], host=host)
        judged = judge_drift(plan.routers[fog], configs)
        drift[fog] = judged.as_dict(plan.routers[fog])
        run.add(fog, "drift", "PASS" if judged.status == "same" else "WARN", judged.detail)
        bad = [host for host in members if host in failed]
        changed = sum(1 for host in members if hosts[host]["changed"])
        verdict = f"{len(members) - len(bad)} of {len(members)} hosts backed up, {changed} changed"
        verdict += f"; OSPF configuration {judged.status}" if judged.status != "unknown" else ""
        run.finish_fog(fog, EXIT_FAILED if bad else EXIT_OK, verdict)
    run.data.update(hosts=hosts, drift=drift)


def changed_files(outcome: HostRun) -> list[str]:
    """The files a staged host changed (new, different or gone)."""
    return list(outcome.result.result["changed"]) if outcome.result is not None else []


def renderers(options: BackupOptions) -> list[Renderer]:
    if options.as_json:
        return [JsonDocument(sys.stdout, document=document)]
    return [
        FogLines(sys.stdout),
        RowTable(sys.stdout, verdicts=False, seconds=False),
        Summary(sys.stdout, diff=options.diff),
    ]


@dataclass
class Summary(Silent):
    """The run's last lines for people: hosts backed up and changed, the commit; with --diff each host's diff."""

    stream: TextIO
    diff: bool = False

    def run_done(self, run: Run) -> None:
        hosts: dict[str, dict[str, Any]] = run.data.get("hosts", {})
        if self.diff:
            for entry in hosts.values():
                if entry.get("diff"):
                    print(entry["diff"].rstrip("\n"), file=self.stream)
        print(summary_line(run), file=self.stream, flush=True)


def summary_line(run: Run) -> str:
    hosts: dict[str, dict[str, Any]] = run.data.get("hosts", {})
    changed = [host for host, entry in hosts.items() if entry["changed"]]
    failed = [host for host, entry in hosts.items() if entry["status"] == "failed"]
    text = f"backup: {len(hosts)} hosts, {len(changed)} changed, {len(failed)} failed"
    if run.data.get("commit_error"):
        return f"{text}; not committed: {run.data['commit_error']}"
    commit = run.data.get("commit")
    where = run.data.get("directory")
    if commit:
        return f"{text}; commit {commit[:12]} in {where} ({', '.join(changed) or 'files left by an earlier run'})"
    return f"{text}; nothing changed, no commit ({where})"


def document(run: Run) -> dict[str, Any]:
    """The backup's JSON document (see the README)."""
    hosts: dict[str, dict[str, Any]] = run.data.get("hosts", {})
    summary = {
        "hosts": len(hosts),
        "changed": sum(1 for entry in hosts.values() if entry["changed"]),
        "failed": sum(1 for entry in hosts.values() if entry["status"] == "failed"),
        "directory": run.data.get("directory"),
        "secrets": run.data.get("secrets"),
        "commit_error": run.data.get("commit_error"),
        "exit_code": run.exit_code,
        "seconds": round(run.elapsed, 3),
    }
    return {"hosts": hosts, "commit": run.data.get("commit"), "drift": run.data.get("drift", {}), "summary": summary}
