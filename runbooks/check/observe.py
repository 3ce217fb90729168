"""How ``check`` and ``status`` read the hosts: every router and observer once, clpstat once per cluster.

This is the check package's public reading API: ``observe`` runs the plan's reads (one round trip per host for
every group it serves) and gives ``Observed``, which the pure judges read.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from nornir.core import Nornir

from ospf_failover.engine import error_text, host_progress, in_background, run_per_host
from ospf_failover.inventory import Fleet
from ospf_failover.models import ClpstatStatus, RouterState
from ospf_failover.nornir_setup import run_on
from ospf_failover.tasks.clpstat import read_clpstat
from ospf_failover.tasks.router_state import read_router_state

from ..shared.locate import this_node
from .plan import CheckPlan

CLPSTAT_WAIT = 10.0  # seconds clpstat may answer "busy" before a node counts as not answering


@dataclass(frozen=True)
class Observed:
    """What a run read: each host's state or why not, how long it took, and clpstat per cluster node asked."""

    states: Mapping[str, RouterState] = field(default_factory=dict)
    errors: Mapping[str, str] = field(default_factory=dict)
    seconds: Mapping[str, float] = field(default_factory=dict)
    clpstat: Mapping[str, ClpstatStatus] = field(default_factory=dict)  # node -> the status it gave
    clpstat_errors: Mapping[str, str] = field(default_factory=dict)  # node -> why it gave none

    def cluster_status(self, nodes: tuple[str, ...]) -> tuple[str, ClpstatStatus] | None:
        """The first of ``nodes`` whose clpstat was read, with what it said."""
        return next(((node, self.clpstat[node]) for node in nodes if node in self.clpstat), None)


def observe(nr: Nornir, fleet: Fleet, plan: CheckPlan) -> Observed:
    """Read every router and observer once (with a progress bar on a terminal) and clpstat once per cluster."""
    reads = {host: r.arguments() for host, r in plan.host_reads().items()}
    clusters = in_background(read_clusters, nr, fleet, plan)
    with host_progress(len(reads)) as advance:
        outcomes = run_per_host(nr, read_router_state, reads, done=advance)
    clpstat, clpstat_errors = clusters.result(timeout=max(60.0, CLPSTAT_WAIT * 3))
    return Observed(
        states={host: o.result.result for host, o in outcomes.items() if o.ok and o.result is not None},
        errors={host: error_text(o.error) for host, o in outcomes.items() if not o.ok},
        seconds={host: o.seconds or 0.0 for host, o in outcomes.items()},
        clpstat=clpstat,
        clpstat_errors=clpstat_errors,
    )


def read_clusters(nr: Nornir, fleet: Fleet, plan: CheckPlan) -> tuple[dict[str, ClpstatStatus], dict[str, str]]:
    """clpstat once per cluster: on this node when it is one of the cluster's, else over SSH, node after node
    until one answers; the nodes that did not answer, with why."""
    local = this_node(fleet)
    statuses: dict[str, ClpstatStatus] = {}
    errors: dict[str, str] = {}
    for cluster in plan.clusters:
        order = sorted(cluster, key=lambda node: local is None or node != local.name)
        for node in order:
            here = local is not None and node == local.name
            outcome = run_on(nr, [node], read_clpstat, local=here, max_wait=CLPSTAT_WAIT)[node]
            if outcome.ok and outcome.result is not None:
                statuses[node] = outcome.result.result["status"]
                break
            errors[node] = error_text(outcome.error)
    return statuses, errors
