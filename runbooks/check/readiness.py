"""The check's judges of what a failover would meet, pure: could each standby take over now, do the pair's OSPF
configurations agree, and how long would the VM network be unreachable. They read the facts the check's one
round trip parsed (OSPF configuration, timers, NIC configuration files, forwarding), or NotRead saying why not."""

from __future__ import annotations

from ospf_failover.convergence import RouterTimers, estimate_convergence
from ospf_failover.engine import Outcome
from ospf_failover.errors import InputError
from ospf_failover.models import Fact, NotRead, RouterState
from ospf_failover.parsers.ospf_config import OspfConfig, drift_detail, group_drift, unsaved_lines

from .findings import FogSeen, Judgement, not_judged, ospf_reason


def _not_asked(fact: Fact) -> NotRead:
    return NotRead(fact, f"{fact.label} not read")


def standby_ready(fog: FogSeen) -> list[Judgement]:
    """Each standby could take over now: its NIC exists and is configured for the gateway (on the NIC, or in its
    configuration file), OSPF covers the VM network, IP forwarding is on. A NIC that comes up by itself at boot
    is a warning: a rebooted standby would bring the gateway up beside the active one. The router holding the
    gateway is judged on what taking it back would need (OSPF covers the VM network, forwarding on)."""
    judged: list[Judgement] = []
    for router in fog.plan.fog.routers:
        unread = fog.unread_cause(router)
        if unread is not None:
            judged.append(not_judged(router, unread))
            continue
        found = _standby(fog, router, fog.seen.states[router], active=router in fog.read_holders)
        if found.outcome != "PASS" and found.cause is None:
            cause = fog.ospf_cause(router) or (fog.mistake if "neither on" in found.detail else None)
            found = Judgement(found.host, found.outcome, found.detail, cause)
        judged.append(found)
    return judged


def _standby(fog: FogSeen, router: str, state: RouterState, *, active: bool) -> Judgement:
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
            return not_judged(router, f"{router}: {config}")
        if not isinstance(config, NotRead):
            at_boot = config["starts_at_boot"]
            if any(address.split("/")[0] == wanted for address in config["addresses"]):
                where = where or f"in {path}"
    if not where:
        return Judgement(router, "FAIL", f"{wanted} is neither on {nic} nor in its configuration file")
    if active:
        where, at_boot = f"held on {nic}", False  # coming up at boot is right for the router holding it
    ospf = state.get("ospf_config", _not_asked(Fact.OSPF_CONFIG))
    if isinstance(ospf, NotRead):
        return not_judged(router, f"{router}: {ospf}")
    if not ospf.router_ospf:
        return Judgement(router, "FAIL", "no router ospf: it would not advertise the VM network")
    coverage = ospf.covers(
        plan.prefix, addresses={nic: [*seen_nic["addresses"], f"{wanted}/{plan.fog.vm_network.prefixlen}"]}
    )
    if not coverage.covered:
        return Judgement(router, "FAIL", f"its OSPF configuration does not cover {plan.prefix}")
    forwarding = state.get("ip_forwarding", _not_asked(Fact.IP_FORWARDING))
    if isinstance(forwarding, NotRead):
        return not_judged(router, f"{router}: {forwarding}")
    if not forwarding:
        return Judgement(router, "FAIL", "IP forwarding is off (net.ipv4.ip_forward = 0)")
    held = "" if active else "configured "
    detail = f"{wanted} {held}{where}; OSPF covers {plan.prefix} ({coverage.by}); forwarding on"
    if at_boot:
        return Judgement(router, "WARN", f"{detail}; but {nic} comes up at boot (ONBOOT/autoconnect)")
    return Judgement(router, "PASS", detail)


def config_drift(fog: FogSeen) -> list[Judgement]:
    """The group's routers have the same OSPF configuration as its first router, apart from what must differ
    (router-id, addresses): one item per router after the first."""
    first, *others = fog.plan.fog.routers
    reference = _ospf_config(fog, first)
    judged: list[Judgement] = []
    for router in others:
        config = _ospf_config(fog, router)
        if isinstance(config, str) or isinstance(reference, str):
            cause = config if isinstance(config, str) else str(reference)
            judged.append(not_judged(router, cause, outcome="WARN"))
            continue
        (drift,) = group_drift({first: reference, router: config})
        if drift.same:
            judged.append(Judgement(router, "PASS", f"same OSPF configuration as {drift.first}"))
        else:
            judged.append(Judgement(router, "WARN", drift_detail(drift.lines())))
    return judged


def _ospf_config(fog: FogSeen, router: str) -> OspfConfig | str:
    """The router's OSPF configuration, or the cause line that keeps it from being compared."""
    cause = fog.host_cause(router)
    if cause is not None:
        return cause
    config = fog.seen.states[router].get("ospf_config", _not_asked(Fact.OSPF_CONFIG))
    return f"{router}: {config}" if isinstance(config, NotRead) else config


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
    unreachable or half-routed when the active site dies silently, and what a planned switch needs. Judged on
    the hosts whose timers were read; one not read makes it a warning that names it (one item, for the group)."""
    plan, states = fog.plan, fog.seen.states
    routers: list[RouterTimers] = []
    observers: list[RouterTimers] = []
    missing: list[tuple[str, str]] = []  # (host, cause line)
    for hosts, timers in ((plan.fog.routers, routers), (plan.fog.observers, observers)):
        for host in hosts:
            cause = fog.host_cause(host)
            if cause is None:
                read = _timers(host, states[host])
                if not isinstance(read, NotRead):
                    timers.append(read)
                    continue
                cause = f"{host}: {ospf_reason(read.reason)}"
            missing.append((host, cause))
    if len(routers) < 2:
        return [not_judged(None, missing[0][1], outcome="WARN")]
    try:
        found = estimate_convergence(routers=routers, observers=observers)
    except InputError as exc:
        return [not_judged(None, str(exc), outcome="WARN")]
    figures = f"silent death {found.unplanned.seconds:.1f} s, planned switch {found.planned.seconds:.1f} s"
    without = f"; {', '.join(host for host, _ in missing)} not judged" if missing else ""
    cause = missing[0][1] if missing else None
    over = [estimate for estimate in (found.unplanned, found.planned) if estimate.seconds > plan.budget]
    if not over:
        outcome: Outcome = "WARN" if missing else "PASS"
        return [Judgement(None, outcome, f"{figures} (budget {plan.budget:g} s){without}", cause)]
    worst = max(over, key=lambda estimate: estimate.seconds)
    timer = worst.dominant
    where = f"{timer.host}{f' {timer.interface}' if timer.interface else ''}"
    return [
        Judgement(
            None,
            "WARN",
            f"{figures}: over the budget of {plan.budget:g} s; mostly {timer.timer} on {where} "
            f"({timer.seconds:.1f} s): change {timer.setting}{without}",
        )
    ]


def config_saved(fog: FogSeen) -> list[Judgement]:
    """Each router's running OSPF configuration is the one it would start with: a change made with vtysh and
    not written (``write memory``) is lost at the next restart of the router, a warning naming the lines."""
    judged: list[Judgement] = []
    for router in fog.plan.fog.routers:
        unread = fog.unread_cause(router)
        if unread is not None:
            judged.append(not_judged(router, unread, outcome="WARN"))
            continue
        state = fog.seen.states[router]
        running = state.get("ospf_config", _not_asked(Fact.OSPF_CONFIG))
        saved = state.get("saved_config", _not_asked(Fact.SAVED_CONFIG))
        if isinstance(running, NotRead):
            judged.append(not_judged(router, f"{router}: {running}", outcome="WARN"))
        elif isinstance(saved, NotRead):
            judged.append(Judgement(router, "WARN", str(saved)))
        else:
            only_running, only_saved = unsaved_lines(running, saved)
            if not only_running and not only_saved:
                judged.append(Judgement(router, "PASS", "running configuration saved"))
            else:
                lines = [f"only running: {line}" for line in only_running]
                lines += [f"only saved: {line}" for line in only_saved]
                lines.sort(key=lambda line: not line.endswith(": router ospf"))  # OSPF itself first
                detail = f"running configuration not saved (lost at a restart): {drift_detail(lines)}"
                judged.append(Judgement(router, "WARN", detail, fog.ospf_cause(router)))
    return judged
