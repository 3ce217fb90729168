"""The checks of one failover group, listed once: each check's name and its judge, in the order the README
documents them and every run shows them (the state now, then what a failover would meet)."""

from __future__ import annotations

from collections.abc import Callable

from .findings import Finding, FogSeen, Judgement
from .judges import cluster_agreement, observer_route, ospf_neighbors, reachable, single_advertiser
from .observe import Observed
from .plan import FogPlan
from .privileges import privileges
from .readiness import config_drift, config_saved, convergence_budget, standby_ready

Judge = Callable[[FogSeen], list[Judgement]]

CHECKS: dict[str, Judge] = {
    "reachable": reachable,
    "ospf-neighbors": ospf_neighbors,
    "single-advertiser": single_advertiser,
    "cluster-agreement": cluster_agreement,
    "observer-route": observer_route,
    "standby-ready": standby_ready,
    "config-drift": config_drift,
    "config-saved": config_saved,
    "convergence-budget": convergence_budget,
    "privileges": privileges,
}


def judge(name: str, fog: FogSeen) -> list[Finding]:
    """One check of the table on one group. A finding that is not a pass points to its cause: the one its judge
    named, else itself (it is a fault of its own: its cause line is its host and detail)."""
    return [Finding(name, said.host, said.outcome, said.detail, _cause(said)) for said in CHECKS[name](fog)]


def _cause(said: Judgement) -> str | None:
    if said.outcome == "PASS":
        return None
    if said.cause is not None:
        return said.cause
    return f"{said.host}: {said.detail}" if said.host else said.detail


def causes(findings: list[Finding]) -> list[str]:
    """The group's causes, each once, in the order the table of checks finds them."""
    return list(dict.fromkeys(finding.cause for finding in findings if finding.cause is not None))


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
