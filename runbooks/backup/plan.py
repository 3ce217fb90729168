"""The backup's plan and judges, pure: which hosts are backed up for which failover groups, with which NIC files,
and how each group's routers differ in their OSPF configuration."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from ospf_failover.inventory import Fleet
from ospf_failover.models import NotRead
from ospf_failover.parsers.ospf_config import OspfConfig, drift_detail, group_drift, unsaved_lines

DriftStatus = Literal["same", "differs", "unknown"]


@dataclass(frozen=True)
class BackupPlan:
    hosts: Mapping[str, tuple[str, ...]]  # host -> the NICs whose configuration files it holds (every group's)
    fogs: Mapping[str, tuple[str, ...]]  # group -> the hosts backed up for it: its routers, then observers
    routers: Mapping[str, tuple[str, ...]]  # group -> its routers backed up, whose configurations must match


def plan_backup(fleet: Fleet, names: Sequence[str]) -> BackupPlan:
    """The plan over ``names`` (every failover group when empty): each group's routers unless ``backup: false``
    and its observers with ``backup: true``, each host once with the NICs of every group it serves."""
    fogs = [fleet.fog(name) for name in dict.fromkeys(names)] if names else list(fleet.fogs.values())
    hosts: dict[str, list[str]] = {}
    per_fog: dict[str, tuple[str, ...]] = {}
    routers: dict[str, tuple[str, ...]] = {}
    for fog in fogs:
        backed = [router for router in fog.routers if fleet.hosts[router].backed_up]
        for router in backed:
            nic = fog.nic_for(router)
            hosts.setdefault(router, [])
            if nic not in hosts[router]:
                hosts[router].append(nic)
        observers = [observer for observer in fog.observers if fleet.hosts[observer].backed_up]
        for observer in observers:
            hosts.setdefault(observer, [])
        per_fog[fog.name] = (*backed, *observers)
        routers[fog.name] = tuple(backed)
    return BackupPlan(hosts={h: tuple(n) for h, n in hosts.items()}, fogs=per_fog, routers=routers)


@dataclass(frozen=True)
class GroupDrift:
    status: DriftStatus
    detail: str
    differences: tuple[dict[str, Any], ...] = ()  # {"between": [first, other], "only": {first: [...], other: [...]}}

    def as_dict(self, routers: Sequence[str]) -> dict[str, Any]:
        return {
            "status": self.status,
            "routers": list(routers),
            "differences": list(self.differences),
            "detail": self.detail,
        }


def judge_drift(routers: Sequence[str], configs: Mapping[str, OspfConfig | NotRead]) -> GroupDrift:
    """Do the group's routers have the same OSPF configuration, beyond what must differ (router ID, addresses)?

    ``configs``: per host staged, the OSPF part of its running configuration, as the backup task parsed it.
    """
    missing = [router for router in routers if router not in configs]
    if missing:
        return GroupDrift("unknown", f"cannot compare: {', '.join(missing)} not read")
    unread = next((router for router in routers if isinstance(configs[router], NotRead)), None)
    if unread is not None:
        return GroupDrift("unknown", f"cannot compare: {unread}: {configs[unread]}")
    compared = {router: config for router in routers if isinstance(config := configs[router], OspfConfig)}
    if len(compared) < 2:
        return GroupDrift("unknown", "fewer than two routers backed up: nothing to compare")
    drifts = group_drift(compared)
    if all(drift.same for drift in drifts):
        return GroupDrift("same", f"same OSPF configuration on {', '.join(routers)}")
    differences = tuple(
        {"between": [d.first, d.other], "only": {d.first: list(d.only_first), d.other: list(d.only_other)}}
        for d in drifts
        if not d.same
    )
    lines = [line for drift in drifts for line in drift.lines()]
    return GroupDrift("differs", drift_detail(lines), differences)


def judge_saved(running: OspfConfig | NotRead, saved: OspfConfig | NotRead) -> dict[str, Any]:
    """Whether the router runs the configuration it would start with: ``status`` same, differs (a change made and
    not written: both the running configuration and the saved files are kept, so the diff shows it) or unknown;
    the OSPF lines only each has; ``detail`` in words."""
    if isinstance(running, NotRead) or isinstance(saved, NotRead):
        why = running if isinstance(running, NotRead) else saved
        return {"status": "unknown", "only_running": [], "only_saved": [], "detail": str(why)}
    only_running, only_saved = unsaved_lines(running, saved)
    if not only_running and not only_saved:
        return {"status": "same", "only_running": [], "only_saved": [], "detail": "running configuration saved"}
    lines = [f"only running: {line}" for line in only_running] + [f"only saved: {line}" for line in only_saved]
    return {
        "status": "differs",
        "only_running": list(only_running),
        "only_saved": list(only_saved),
        "detail": f"running configuration not saved (lost at a restart): {drift_detail(lines)}",
    }


def commit_message(changed: Mapping[str, Sequence[str]], failed: Mapping[str, str], *, listed: int = 10) -> str:
    """The commit's subject names the hosts that changed; its body their files, then the hosts not read."""
    names = list(changed)
    shown = ", ".join(names[:listed]) + (f" (+{len(names) - listed} more)" if len(names) > listed else "")
    subject = f"backup: {shown} changed" if len(names) == 1 else f"backup: {len(names)} hosts changed: {shown}"
    body = [f"{host}: {', '.join(files)}" for host, files in changed.items()]
    body += [f"{host}: not backed up, previous files kept ({error})" for host, error in failed.items()]
    return subject + ("\n\n" + "\n".join(body) if body else "")
