"""The checks of one failover group, listed once: each check's name and its judge, in the order the README
documents them and every run shows them (the state now, then what a failover would meet)."""

from __future__ import annotations

from collections.abc import Callable

from .findings import Finding, FogSeen, Judgement
from .judges import cluster_agreement, observer_route, ospf_neighbors, reachable, single_advertiser
from .observe import Observed
from .plan import FogPlan
from .privileges import privileges
from .readiness import config_drift, convergence_budget, standby_ready

Judge = Callable[[FogSeen], list[Judgement]]

CHECKS: dict[str, Judge] = {
    "reachable": reachable,
    "ospf-neighbors": ospf_neighbors,
    "single-advertiser": single_advertiser,
    "cluster-agreement": cluster_agreement,
    "observer-route": observer_route,
    "standby-ready": standby_ready,
    "config-drift": config_drift,
    "convergence-budget": convergence_budget,
    "privileges": privileges,
}


def judge(name: str, fog: FogSeen) -> list[Finding]:
    """One check of the table on one group."""
    return [Finding(name, said.host, said.outcome, said.detail) for said in CHECKS[name](fog)]


def judge_fog(
    plan: FogPlan,
    seen: Observed,
    *,
    clusters: tuple[str, ...],
    node_of: Callable[[str], str | None],
) -> list[Finding]:
    """Every check of the table on one group, in the table's order. ``clusters``: the nodes of the group's
    cluster; ``node_of``: the inventory name of an ECX server name."""
    fog = FogSeen(plan=plan, seen=seen, clusters=clusters, node_of=node_of)
    return [finding for name in CHECKS for finding in judge(name, fog)]
