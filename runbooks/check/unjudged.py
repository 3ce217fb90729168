"""A failover group that nobody could read (its Salt minion did not answer): the same (check, host) items as
any run of it, each "not judged" with the one cause, so monitoring keyed on those items sees them turn red
instead of going stale. Pure."""

from __future__ import annotations

from collections.abc import Callable

from ospf_failover.models import Fact, NotRead

from .checks import judge_fog
from .findings import Finding
from .observe import Observed
from .plan import FogPlan


def unjudged(
    plan: FogPlan, *, clusters: tuple[str, ...], node_of: Callable[[str], str | None], cause: str
) -> list[Finding]:
    """Every item the check table gives ``plan``'s group, judged on nothing: a failure for a router, an observer
    or the group, a warning for a cluster node (another node may answer for it), each naming ``cause``."""
    hosts = (*plan.fog.routers, *plan.fog.observers)
    nothing = Observed(
        errors=dict.fromkeys(hosts, cause),
        reasons=dict.fromkeys(hosts, cause),
        clpstat={node: NotRead(Fact.CLUSTER_STATE, cause) for node in plan.fog.nodes},
    )
    items = judge_fog(plan, nothing, clusters=clusters, node_of=node_of)
    return [
        Finding(
            item.check,
            item.host,
            "WARN" if item.host in plan.fog.nodes else "FAIL",
            f"not judged: {cause}",
            cause,
        )
        for item in items
    ]
