"""Merging the minions' documents into one, in the shape one machine's ``check --json`` / ``backup --json`` has.

Pure: the runner hands in which minion serves which failover group (from the master's whole inventory) and what
each minion answered; a minion that did not answer, answered an error, or left a group out still gives each of
its groups a row, so every group is in the merged document exactly once.

Exit status (``retcode`` in the merged document, which salt-run exits with): 2 when a minion answered "bad input
or inventory" (exit 2), else 1 when a group failed (with ``strict``: or warned), else 0.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from ospf_failover.errors import EXIT_BAD_INPUT, EXIT_FAILED, EXIT_OK

STATUSES = ("pass", "warn", "fail")


@dataclass(frozen=True)
class Answer:
    """What one minion gave back: its document, or why there is none."""

    minion: str
    document: dict[str, Any] | None
    retcode: int | None
    error: str | None

    @classmethod
    def of(cls, minion: str, returned: Any, *, answered: bool, timeout: float) -> Answer:
        """Read what the execution module returned (a document with ``retcode``, or ``error``), or Salt's own
        text when the function failed on the minion (a string: not installed, an exception)."""
        if not answered:
            return cls(minion, None, None, f"minion {minion} did not answer within {timeout:g} s")
        if not isinstance(returned, dict):
            text = " ".join(str(returned).split())[:300]
            return cls(minion, None, None, f"minion {minion} answered no document: {text}")
        retcode = returned.get("retcode")
        code = retcode if isinstance(retcode, int) else None
        if "error" in returned:
            return cls(minion, None, code, f"minion {minion}: {returned['error']}")
        document = {key: value for key, value in returned.items() if key != "retcode"}
        return cls(minion, document, code, None)

    def summary(self) -> dict[str, Any]:
        return {"answered": self.document is not None, "retcode": self.retcode, "error": self.error}


# A group's items judged on nothing (``runbooks.check.unjudged``): (fog, cause) -> its check entries.
Unjudged = Callable[[str, str], list[dict[str, Any]]]


def silent_fog(fog: str, minion: str, detail: str, unjudged: Unjudged | None = None) -> dict[str, Any]:
    """The row of a failover group whose minion gave no result for it: with ``unjudged``, every item the group
    always reports, each not judged for ``detail``; without, one failing ``reachable`` naming the minion."""
    if unjudged is None:
        checks = [{"name": "reachable", "host": minion, "status": "fail", "detail": detail}]
        return {"name": fog, "status": "fail", "checks": checks}
    return {"name": fog, "status": "fail", "causes": [detail], "checks": unjudged(fog, detail)}


def merge_hosts(documents: Sequence[Mapping[str, Any]]) -> dict[str, dict[str, Any]]:
    """Hosts read by more than one minion (shared observers, cluster nodes): unreachable when any minion could
    not reach it, with the first error, the longest time."""
    merged: dict[str, dict[str, Any]] = {}
    for document in documents:
        for host, seen in (document.get("hosts") or {}).items():
            if host not in merged:
                merged[host] = dict(seen)
                continue
            known = merged[host]
            known["reachable"] = bool(known.get("reachable")) and bool(seen.get("reachable"))
            known["error"] = known.get("error") or seen.get("error")
            times = [t for t in (known.get("seconds"), seen.get("seconds")) if t is not None]
            known["seconds"] = max(times) if times else None
    return merged


def merged_retcode(answers: Sequence[Answer], *, failed: bool) -> int:
    if any(answer.retcode == EXIT_BAD_INPUT for answer in answers):
        return EXIT_BAD_INPUT
    return EXIT_FAILED if failed else EXIT_OK


def merge_checks(
    served_by: Mapping[str, str],
    answers: Mapping[str, Answer],
    *,
    seconds: float,
    strict: bool = False,
    unjudged: Unjudged | None = None,
) -> dict[str, Any]:
    """One check document over every group of ``served_by`` (group -> minion, in the order to report); a group
    no minion reported gets its usual items not judged (``unjudged``)."""
    rows: dict[str, dict[str, dict[str, Any]]] = {}
    for minion, given in answers.items():
        reported = (given.document or {}).get("fogs") or []
        rows[minion] = {row["name"]: row for row in reported if isinstance(row, dict) and "name" in row}
    fogs = []
    for fog, minion in served_by.items():
        answer = answers.get(minion)
        found = rows.get(minion, {}).get(fog)
        if found is not None:
            fogs.append(found)
        elif answer is not None and answer.error is not None:
            fogs.append(silent_fog(fog, minion, answer.error, unjudged))
        else:
            detail = f"minion {minion} did not report {fog}: write its slice and hand it out again"
            fogs.append(silent_fog(fog, minion, detail, unjudged))
    counts = {status: sum(1 for fog in fogs if fog["status"] == status) for status in STATUSES}
    failed = counts["fail"] > 0 or (strict and counts["warn"] > 0)
    documents = [a.document for a in answers.values() if a.document is not None]
    return {
        "fogs": fogs,
        "hosts": merge_hosts(documents),
        "summary": {"fogs": len(fogs), **counts, "seconds": round(seconds, 3)},
        "minions": {minion: answer.summary() for minion, answer in sorted(answers.items())},
        "retcode": merged_retcode(list(answers.values()), failed=failed),
    }


def merge_backups(
    hosts_of: Mapping[str, Sequence[str]], answers: Mapping[str, Answer], *, seconds: float
) -> dict[str, Any]:
    """One backup document: every host each minion should back up (minion -> hosts), each minion's commit in its
    own repository (``commits``), the drift of all groups; a host whose minion gave no result for it is
    ``failed``, naming the minion. Retcode 1 when a host failed (backup's own exit 1)."""
    hosts: dict[str, dict[str, Any]] = {}
    drift: dict[str, Any] = {}
    commits: dict[str, str | None] = {}
    for minion, expected in sorted(hosts_of.items()):
        answer = answers.get(minion)
        document = answer.document if answer is not None else None
        reported = (document or {}).get("hosts") or {}
        commits[minion] = (document or {}).get("commit")
        drift.update((document or {}).get("drift") or {})
        for host in expected:
            if host in reported:
                hosts[host] = reported[host]
                continue
            why = answer.error if answer is not None and answer.error else f"minion {minion} did not report {host}"
            hosts[host] = {"status": "failed", "changed": False, "files": [], "error": why}
    failed = sum(1 for seen in hosts.values() if seen.get("status") == "failed")
    changed = sum(1 for seen in hosts.values() if seen.get("changed"))
    return {
        "hosts": hosts,
        "commits": commits,
        "drift": drift,
        "summary": {"hosts": len(hosts), "changed": changed, "failed": failed, "seconds": round(seconds, 3)},
        "minions": {minion: answer.summary() for minion, answer in sorted(answers.items())},
        "retcode": merged_retcode(
            list(answers.values()), failed=failed > 0 or any(a.retcode == EXIT_FAILED for a in answers.values())
        ),
    }
