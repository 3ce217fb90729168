"""The check's judges of what a failover would meet, pure: could each standby take over now, do the pair's OSPF
configurations agree, and how long would the VM network be unreachable. They read the texts the check's one
round trip brought back (configuration, timers, NIC files, forwarding) with the parsers of recorded output."""

from __future__ import annotations

from collections.abc import Callable

from ospf_failover.convergence import RouterTimers, estimate_convergence
from ospf_failover.errors import InputError
from ospf_failover.models import RouterState
from ospf_failover.parsers.nic_config import parse_ip_forward, parse_nic_config
from ospf_failover.parsers.ospf_config import OspfConfig, drift_detail, group_drift, parse_ospf_config
from ospf_failover.parsers.ospf_timers import parse_ospf_interfaces, parse_ospf_process
from ospf_failover.tasks.router_state import IP_FORWARD
from ospf_failover.tasks.shell import ABSENT

from .judges import (
    Check,
    Unreadable,
    cluster_agreement,
    holders,
    located_safely,
    observer_route,
    ospf_neighbors,
    reachable,
    read_text,
    single_advertiser,
)
from .observe import Observed
from .plan import FogPlan


def standby_ready(plan: FogPlan, seen: Observed) -> list[Check]:
    """Each standby could take over now: its NIC exists and is configured for the gateway (on the NIC, or in its
    configuration file), OSPF covers the VM network, IP forwarding is on. A NIC that comes up by itself at boot
    is a warning: a rebooted standby would bring the gateway up beside the active one."""
    held = holders(plan, seen) or []
    checks: list[Check] = []
    for router in plan.fog.routers:
        if router in held or router not in seen.states:
            continue
        try:
            checks.append(_standby(plan, router, seen.states[router]))
        except Unreadable as exc:
            checks.append(("standby-ready", router, "FAIL", f"cannot tell: {exc}"))
    return checks


def _standby(plan: FogPlan, router: str, state: RouterState) -> Check:
    nic = plan.nics[router]
    seen_nic = state["nics"][nic]
    if not seen_nic["exists"]:
        return ("standby-ready", router, "FAIL", f"{nic} does not exist")
    wanted = plan.gateway
    on_nic = any(address.split("/")[0] == wanted for address in seen_nic["addresses"])
    at_boot = False
    where = f"on {nic}" if on_nic else ""
    if router in plan.nic_files:
        path = plan.nic_files[router]
        found = state.get("texts", {}).get(f"file:{path}")
        if found is not None and found["exit_status"] != ABSENT:
            config = read_text(state, f"file:{path}", parse_nic_config)
            at_boot = config["starts_at_boot"]
            if any(address.split("/")[0] == wanted for address in config["addresses"]):
                where = where or f"in {path}"
    if not where:
        return ("standby-ready", router, "FAIL", f"{wanted} is neither on {nic} nor in its configuration file")
    ospf = read_text(state, "running-config", parse_ospf_config)
    if not ospf.router_ospf:
        return ("standby-ready", router, "FAIL", "no router ospf: it would not advertise the VM network")
    coverage = ospf.covers(
        plan.prefix, addresses={nic: [*seen_nic["addresses"], f"{wanted}/{plan.fog.vm_network.prefixlen}"]}
    )
    if not coverage.covered:
        return ("standby-ready", router, "FAIL", f"its OSPF configuration does not cover {plan.prefix}")
    if not read_text(state, IP_FORWARD, parse_ip_forward):
        return ("standby-ready", router, "FAIL", "IP forwarding is off (net.ipv4.ip_forward = 0)")
    detail = f"{wanted} configured {where}; OSPF covers {plan.prefix} ({coverage.by}); forwarding on"
    if at_boot:
        return ("standby-ready", router, "WARN", f"{detail}; but {nic} comes up at boot (ONBOOT/autoconnect)")
    return ("standby-ready", router, "PASS", detail)


def config_drift(plan: FogPlan, seen: Observed) -> list[Check]:
    """The group's routers have the same OSPF configuration, apart from what must differ (router-id, addresses)."""
    configs: dict[str, OspfConfig] = {}
    for router in plan.fog.routers:
        if router in seen.states:
            try:
                configs[router] = read_text(seen.states[router], "running-config", parse_ospf_config)
            except Unreadable as exc:
                return [("config-drift", router, "WARN", f"cannot compare: {exc}")]
    checks: list[Check] = []
    for drift in group_drift(configs):
        if drift.same:
            checks.append(("config-drift", drift.other, "PASS", f"same OSPF configuration as {drift.first}"))
            continue
        checks.append(("config-drift", drift.other, "WARN", drift_detail(drift.lines())))
    return checks


def _timers(plan: FogPlan, host: str, state: RouterState) -> RouterTimers:
    platform = plan.platforms.get(host, "frr")
    process = read_text(state, "ospf", lambda text: parse_ospf_process(text, platform=platform))
    interfaces = read_text(state, "ospf-interfaces", lambda text: parse_ospf_interfaces(text, platform=platform))
    return RouterTimers(name=host, process=process, interfaces=tuple(interfaces))


def convergence_budget(plan: FogPlan, seen: Observed) -> list[Check]:
    """The worst case from the real timers, against the group's budget: how long the VM network stays
    unreachable or half-routed when the active site dies silently, and what a planned switch needs."""
    try:
        routers = [_timers(plan, r, seen.states[r]) for r in plan.fog.routers if r in seen.states]
        observers = [_timers(plan, o, seen.states[o]) for o in plan.fog.observers if o in seen.states]
        found = estimate_convergence(routers=routers, observers=observers)
    except (Unreadable, InputError) as exc:
        return [("convergence-budget", None, "WARN", f"cannot tell: {exc}")]
    figures = f"silent death {found.unplanned.seconds:.1f} s, planned switch {found.planned.seconds:.1f} s"
    over = [estimate for estimate in (found.unplanned, found.planned) if estimate.seconds > plan.budget]
    if not over:
        return [("convergence-budget", None, "PASS", f"{figures} (budget {plan.budget:g} s)")]
    worst = max(over, key=lambda estimate: estimate.seconds)
    timer = worst.dominant
    where = f"{timer.host}{f' {timer.interface}' if timer.interface else ''}"
    return [
        (
            "convergence-budget",
            timer.host,
            "WARN",
            f"{figures}: over the budget of {plan.budget:g} s; mostly {timer.timer} on {where} "
            f"({timer.seconds:.1f} s): change {timer.setting}",
        )
    ]


def judge_fog(
    plan: FogPlan, seen: Observed, *, clusters: tuple[str, ...], node_of: Callable[[str], str | None]
) -> list[Check]:
    """Every named check of one failover group, in a fixed order: the state now, then what a failover would
    meet."""
    located, unlocatable = located_safely(plan, seen, clusters)
    online = None if located is None else located[0] is not None
    return [
        *reachable(plan, seen),
        *ospf_neighbors(plan, seen),
        *single_advertiser(plan, seen, online),
        *(unlocatable or cluster_agreement(plan, seen, located, node_of)),
        *observer_route(plan, seen),
        *standby_ready(plan, seen),
        *config_drift(plan, seen),
        *convergence_budget(plan, seen),
    ]
