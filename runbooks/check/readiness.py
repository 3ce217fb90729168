"""The check's judges of what a failover would meet, pure: could each standby take over now, do the pair's OSPF
configurations agree, and how long would the VM network be unreachable. They read the facts the check's one
round trip parsed (OSPF configuration, timers, NIC configuration files, forwarding), or NotRead saying why not."""

from __future__ import annotations

from ospf_failover.convergence import RouterTimers, estimate_convergence
from ospf_failover.errors import InputError
from ospf_failover.models import Fact, NotRead, RouterState
from ospf_failover.parsers.ospf_config import OspfConfig, drift_detail, group_drift

from .findings import FogSeen, Judgement


def _not_asked(fact: Fact) -> NotRead:
    return NotRead(fact, f"{fact.label} not read")


def standby_ready(fog: FogSeen) -> list[Judgement]:
    """Each standby could take over now: its NIC exists and is configured for the gateway (on the NIC, or in its
    configuration file), OSPF covers the VM network, IP forwarding is on. A NIC that comes up by itself at boot
    is a warning: a rebooted standby would bring the gateway up beside the active one."""
    held = fog.holders or []
    return [
        _standby(fog, router, fog.seen.states[router])
        for router in fog.plan.fog.routers
        if router not in held and router in fog.seen.states
    ]


def _standby(fog: FogSeen, router: str, state: RouterState) -> Judgement:
    plan = fog.plan
    nic = plan.nics[router]
    seen_nic = state["nics"][nic]
    if not seen_nic["exists"]:
        return Judgement(router, "FAIL", f"{nic} does not exist")
    wanted = plan.gateway
    on_nic = any(address.split("/")[0] == wanted for address in seen_nic["addresses"])
    at_boot = False
    where = f"on {nic}" if on_nic else ""
    if router in plan.nic_files:
        path = plan.nic_files[router]
        config = state.get("nic_configs", {}).get(path, _not_asked(Fact.NIC_CONFIG))
        if isinstance(config, NotRead) and not config.absent:
            return Judgement(router, "FAIL", f"cannot tell: {config}")
        if not isinstance(config, NotRead):
            at_boot = config["starts_at_boot"]
            if any(address.split("/")[0] == wanted for address in config["addresses"]):
                where = where or f"in {path}"
    if not where:
        return Judgement(router, "FAIL", f"{wanted} is neither on {nic} nor in its configuration file")
    ospf = state.get("ospf_config", _not_asked(Fact.OSPF_CONFIG))
    if isinstance(ospf, NotRead):
        return Judgement(router, "FAIL", f"cannot tell: {ospf}")
    if not ospf.router_ospf:
        return Judgement(router, "FAIL", "no router ospf: it would not advertise the VM network")
    coverage = ospf.covers(
        plan.prefix, addresses={nic: [*seen_nic["addresses"], f"{wanted}/{plan.fog.vm_network.prefixlen}"]}
    )
    if not coverage.covered:
        return Judgement(router, "FAIL", f"its OSPF configuration does not cover {plan.prefix}")
    forwarding = state.get("ip_forwarding", _not_asked(Fact.IP_FORWARDING))
    if isinstance(forwarding, NotRead):
        return Judgement(router, "FAIL", f"cannot tell: {forwarding}")
    if not forwarding:
        return Judgement(router, "FAIL", "IP forwarding is off (net.ipv4.ip_forward = 0)")
    detail = f"{wanted} configured {where}; OSPF covers {plan.prefix} ({coverage.by}); forwarding on"
    if at_boot:
        return Judgement(router, "WARN", f"{detail}; but {nic} comes up at boot (ONBOOT/autoconnect)")
    return Judgement(router, "PASS", detail)


def config_drift(fog: FogSeen) -> list[Judgement]:
    """The group's routers have the same OSPF configuration, apart from what must differ (router-id, addresses)."""
    configs: dict[str, OspfConfig] = {}
    for router in fog.plan.fog.routers:
        if router in fog.seen.states:
            config = fog.seen.states[router].get("ospf_config", _not_asked(Fact.OSPF_CONFIG))
            if isinstance(config, NotRead):
                return [Judgement(router, "WARN", f"cannot compare: {config}")]
            configs[router] = config
    judged: list[Judgement] = []
    for drift in group_drift(configs):
        if drift.same:
            judged.append(Judgement(drift.other, "PASS", f"same OSPF configuration as {drift.first}"))
        else:
            judged.append(Judgement(drift.other, "WARN", drift_detail(drift.lines())))
    return judged


def _timers(host: str, state: RouterState) -> RouterTimers | NotRead:
    process = state.get("ospf_process", _not_asked(Fact.OSPF_PROCESS))
    interfaces = state.get("ospf_interfaces", _not_asked(Fact.OSPF_INTERFACES))
    if isinstance(process, NotRead):
        return process
    if isinstance(interfaces, NotRead):
        return interfaces
    return RouterTimers(name=host, process=process, interfaces=tuple(interfaces))


def convergence_budget(fog: FogSeen) -> list[Judgement]:
    """The worst case from the real timers, against the group's budget: how long the VM network stays
    unreachable or half-routed when the active site dies silently, and what a planned switch needs."""
    plan, states = fog.plan, fog.seen.states
    routers: list[RouterTimers] = []
    observers: list[RouterTimers] = []
    for hosts, timers in ((plan.fog.routers, routers), (plan.fog.observers, observers)):
        for host in (host for host in hosts if host in states):
            read = _timers(host, states[host])
            if isinstance(read, NotRead):
                return [Judgement(None, "WARN", f"cannot tell: {host}: {read}")]
            timers.append(read)
    try:
        found = estimate_convergence(routers=routers, observers=observers)
    except InputError as exc:
        return [Judgement(None, "WARN", f"cannot tell: {exc}")]
    figures = f"silent death {found.unplanned.seconds:.1f} s, planned switch {found.planned.seconds:.1f} s"
    over = [estimate for estimate in (found.unplanned, found.planned) if estimate.seconds > plan.budget]
    if not over:
        return [Judgement(None, "PASS", f"{figures} (budget {plan.budget:g} s)")]
    worst = max(over, key=lambda estimate: estimate.seconds)
    timer = worst.dominant
    where = f"{timer.host}{f' {timer.interface}' if timer.interface else ''}"
    return [
        Judgement(
            timer.host,
            "WARN",
            f"{figures}: over the budget of {plan.budget:g} s; mostly {timer.timer} on {where} "
            f"({timer.seconds:.1f} s): change {timer.setting}",
        )
    ]
