"""How ``check`` and ``status`` read the hosts: every router and observer once, clpstat once per cluster.

This is the check package's public reading API: ``observe`` runs the plan's reads (one round trip per host for
every group it serves, each fact parsed once, in the task) and gives ``Observed``, which the pure judges read.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from nornir.core import Nornir
from nornir.core.task import Result, Task

from ospf_failover.engine import error_text, host_progress, in_background, run_per_host
from ospf_failover.errors import (
    ClpstatBusy,
    CommandTimeout,
    ConnectionFailed,
    DeviceError,
    HostKeyError,
    ParseError,
)
from ospf_failover.inventory import Fleet
from ospf_failover.models import ClpstatGroup, ClpstatStatus, Fact, NotRead, RouterState
from ospf_failover.nornir_setup import run_on
from ospf_failover.parsers.clpstat import GroupIndex
from ospf_failover.tasks.clpstat import read_clpstat
from ospf_failover.tasks.connection import close_session
from ospf_failover.tasks.router_state import read_router_state

from ..shared.locate import this_node
from .plan import CheckPlan

CLPSTAT_WAIT = 10.0  # seconds clpstat may answer "busy" before a node counts as not answering


@dataclass(frozen=True)
class Observed:
    """What a run read: each host's facts or why it gave none, how long it took, and the cluster's state per
    cluster node asked (or why that node gave none)."""

    states: Mapping[str, RouterState] = field(default_factory=dict)
    errors: Mapping[str, str] = field(default_factory=dict)
    seconds: Mapping[str, float] = field(default_factory=dict)
    clpstat: Mapping[str, ClpstatStatus | NotRead] = field(default_factory=dict)  # node -> what clpstat said there
    reasons: Mapping[str, str] = field(default_factory=dict)  # host not read -> why, in a few words
    _group_indexes: dict[str, GroupIndex] = field(default_factory=dict, compare=False, repr=False)

    def cluster_status(self, nodes: tuple[str, ...]) -> tuple[str, ClpstatStatus] | None:
        """The first of ``nodes`` whose clpstat was read, with what it said."""
        for node in nodes:
            status = self.clpstat.get(node)
            if status is not None and not isinstance(status, NotRead):
                return node, status
        return None

    def find_group(self, node: str, name: str) -> ClpstatGroup:
        """Group ``name`` in what clpstat said on ``node`` (as ``parsers.clpstat.find_group``: ParseError when
        the display does not list it), through an index of that display made once per run."""
        status = self.clpstat[node]
        assert not isinstance(status, NotRead), f"{node} gave no clpstat status"
        index = self._group_indexes.get(node)
        if index is None or index.status is not status:
            index = self._group_indexes[node] = GroupIndex(status)
        return index.find(name)

    def why_not_read(self, host: str) -> str:
        """Why ``host`` gave no facts, in a few words ("host key changed", "no SSH answer")."""
        return self.reasons.get(host) or self.errors.get(host) or "not read"


def observe(nr: Nornir, fleet: Fleet, plan: CheckPlan) -> Observed:
    """Read every router and observer once (with a progress bar on a terminal) and clpstat once per cluster."""
    reads = {host: r.arguments() for host, r in plan.host_reads().items()}
    clusters = in_background(read_clusters, nr, fleet, plan)
    with host_progress(len(reads)) as progress:
        outcomes = run_per_host(nr, read_once, reads, processors=progress)
    clpstat = clusters.result(timeout=max(60.0, CLPSTAT_WAIT * 3))
    return Observed(
        states={host: o.result.result for host, o in outcomes.items() if o.ok and o.result is not None},
        errors={host: reading_error(o.error) for host, o in outcomes.items() if not o.ok},
        seconds={host: o.seconds or 0.0 for host, o in outcomes.items()},
        clpstat=clpstat,
        reasons={host: short_reason(o.error) for host, o in outcomes.items() if not o.ok},
    )


def read_once(task: Task, **reads: Any) -> Result:
    """``read_router_state``, then the host's session closed: each host is read once per run, so its session,
    its thread and its buffers go as soon as it is done, not when the last host is."""
    try:
        return read_router_state(task, **reads)
    finally:
        close_session(task)


def reading_error(error: BaseException | None) -> str:
    """Why a host gave no facts, as one line: the connection's error as it is, a command's without its (long)
    command line."""
    if isinstance(error, DeviceError) and not isinstance(error, ConnectionFailed):
        return f"{error.host}: {error.reason}"
    return error_text(error)


def short_reason(error: BaseException | None) -> str:
    """The cause of a host not read, in a few words, for a cause line ("vr4: not read: host key changed")."""
    if isinstance(error, HostKeyError):
        return "host key changed" if "does not match" in error.reason else "host key unknown (not in known_hosts)"
    if isinstance(error, CommandTimeout):
        return "its commands did not finish within the command timeout (timeouts.command)"
    if isinstance(error, ConnectionFailed | DeviceError):
        return error.reason
    return error_text(error)


def read_clusters(nr: Nornir, fleet: Fleet, plan: CheckPlan) -> dict[str, ClpstatStatus | NotRead]:
    """The cluster's state once per cluster, the clusters in parallel: on this node when it is one of the
    cluster's, else over SSH, node after node until one answers (a busy cluster is busy on every node: the
    next one is not asked); the nodes asked before it, with why they gave none."""
    local = this_node(fleet)
    here = local.name if local is not None else None
    pending = [in_background(read_cluster, nr, cluster, here) for cluster in plan.clusters]
    read: dict[str, ClpstatStatus | NotRead] = {}
    for future in pending:
        read.update(future.result(timeout=max(60.0, CLPSTAT_WAIT * 3)))
    return read


def read_cluster(nr: Nornir, cluster: tuple[str, ...], local: str | None) -> dict[str, ClpstatStatus | NotRead]:
    read: dict[str, ClpstatStatus | NotRead] = {}
    for node in sorted(cluster, key=lambda node: node != local):
        outcome = run_on(nr, [node], read_clpstat, local=node == local, max_wait=CLPSTAT_WAIT)[node]
        if outcome.ok and outcome.result is not None:
            read[node] = outcome.result.result["status"]
            break
        if isinstance(outcome.error, ClpstatBusy):
            read[node] = NotRead(Fact.CLUSTER_STATE, f"clpstat busy for {CLPSTAT_WAIT:g} s", cause=outcome.error)
            break
        error = outcome.error if isinstance(outcome.error, Exception) else None
        read[node] = NotRead(Fact.CLUSTER_STATE, clpstat_error(error), cause=error)
    return read


def clpstat_error(error: Exception | None) -> str:
    """Why a node's clpstat gave no status, in words: a display that cannot be read is said as such, with the
    line that stopped it."""
    if isinstance(error, ParseError):
        where = f" (line {error.line_number}: {error.line.strip()!r})" if error.line and error.line_number else ""
        return f"unreadable clpstat display{where}"
    if isinstance(error, DeviceError) and not isinstance(error, ConnectionFailed):
        return f"clpstat failed: {error.reason}"
    return error_text(error)


def is_busy(status: ClpstatStatus | NotRead | None) -> bool:
    """Whether a node answered clpstat with "busy" (it answered: the cluster was busy)."""
    return isinstance(status, NotRead) and isinstance(status.cause, ClpstatBusy)
