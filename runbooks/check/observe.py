"""How ``check`` and ``status`` read the hosts: every router and observer once, clpstat once per cluster.

This is the check package's public reading API: ``observe`` runs the plan's reads (one round trip per host for
every group it serves, each fact parsed once, in the task) and gives ``Observed``, which the pure judges read.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from nornir.core import Nornir

from ospf_failover.engine import error_text, host_progress, in_background, run_per_host
from ospf_failover.inventory import Fleet
from ospf_failover.models import ClpstatStatus, Fact, NotRead, RouterState
from ospf_failover.nornir_setup import run_on
from ospf_failover.tasks.clpstat import read_clpstat
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

    def cluster_status(self, nodes: tuple[str, ...]) -> tuple[str, ClpstatStatus] | None:
        """The first of ``nodes`` whose clpstat was read, with what it said."""
        for node in nodes:
            status = self.clpstat.get(node)
            if status is not None and not isinstance(status, NotRead):
                return node, status
        return None


def observe(nr: Nornir, fleet: Fleet, plan: CheckPlan) -> Observed:
    """Read every router and observer once (with a progress bar on a terminal) and clpstat once per cluster."""
    reads = {host: r.arguments() for host, r in plan.host_reads().items()}
    clusters = in_background(read_clusters, nr, fleet, plan)
    with host_progress(len(reads)) as progress:
        outcomes = run_per_host(nr, read_router_state, reads, processors=progress)
    clpstat = clusters.result(timeout=max(60.0, CLPSTAT_WAIT * 3))
    return Observed(
        states={host: o.result.result for host, o in outcomes.items() if o.ok and o.result is not None},
        errors={host: error_text(o.error) for host, o in outcomes.items() if not o.ok},
        seconds={host: o.seconds or 0.0 for host, o in outcomes.items()},
        clpstat=clpstat,
    )


def read_clusters(nr: Nornir, fleet: Fleet, plan: CheckPlan) -> dict[str, ClpstatStatus | NotRead]:
    """The cluster's state once per cluster: on this node when it is one of the cluster's, else over SSH, node
    after node until one answers; the nodes asked before it, with why they gave none."""
    local = this_node(fleet)
    read: dict[str, ClpstatStatus | NotRead] = {}
    for cluster in plan.clusters:
        order = sorted(cluster, key=lambda node: local is None or node != local.name)
        for node in order:
            here = local is not None and node == local.name
            outcome = run_on(nr, [node], read_clpstat, local=here, max_wait=CLPSTAT_WAIT)[node]
            if outcome.ok and outcome.result is not None:
                read[node] = outcome.result.result["status"]
                break
            read[node] = NotRead(Fact.CLUSTER_STATE, error_text(outcome.error))
    return read
