"""The switch runbook: hand a failover group's VM gateway to the router on the side where the group runs.

locate -> plan -> connect (every router and observer, in parallel) -> standby NICs down -> active NIC up
(+ gratuitous ARP) -> verify by polling, bounded. Called by ECX's start.sh on every failover.

Exit codes: 0 done and verified (or verification warned/off), 1 the active router could not take over,
2 bad input, inventory, or clpstat garbage/disagreement (nothing touched), 3 switched but not verified in time.
"""

from __future__ import annotations

import os
import sys
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

from nornir.core import Nornir
from nornir.core.task import Result, Task

from ospf_failover.errors import (
    EXIT_BAD_INPUT,
    EXIT_FAILED,
    EXIT_NOT_VERIFIED,
    EXIT_OK,
    ConvergenceTimeout,
    InputError,
    OspfFailoverError,
)
from ospf_failover.inventory import Fleet, Fog
from ospf_failover.nornir_setup import HostRun, init_nornir, run_on
from ospf_failover.polling import wait_until
from ospf_failover.runbooks.defaults import SWITCH_TIMEOUT
from ospf_failover.runbooks.locate import (
    Location,
    ecx_group,
    node_from_clpstat,
    node_from_ecx,
    node_from_option,
    this_node,
)
from ospf_failover.runbooks.lock import fog_lock
from ospf_failover.runbooks.report import Outcome, Report
from ospf_failover.runbooks.verify import (
    Verdict,
    all_hold,
    judge_adjacencies,
    judge_connected,
    judge_nic,
    judge_route_via,
)
from ospf_failover.tasks.clpstat import read_clpstat
from ospf_failover.tasks.connection import open_session
from ospf_failover.tasks.nic import set_nic_state
from ospf_failover.tasks.router_state import NicProbe, RouterState, read_router_state

Verify = Literal["fail", "warn", "off"]
WATCHDOG_GRACE = 15.0
POLL_INTERVAL = 0.1


@dataclass(frozen=True)
class SwitchOptions:
    fog: str
    node: str | None = None
    dry_run: bool = False
    timeout: float = SWITCH_TIMEOUT
    verify: Verify = "fail"
    as_json: bool = False


@dataclass(frozen=True)
class Plan:
    fog: Fog
    location: Location
    active: str
    standbys: tuple[str, ...]
    observers: tuple[str, ...]

    def as_dict(self, fleet: Fleet) -> dict[str, Any]:
        return {
            "node": self.location.node,
            "located_by": self.location.source,
            "active": self.active,
            "active_address": fleet.hosts[self.active].ospf_address,
            "standbys": list(self.standbys),
            "observers": list(self.observers),
            "vm_network": str(self.fog.vm_network),
            "vm_gateway": str(self.fog.vm_gateway),
            "nics": {router: self.fog.nic_for(router) for router in (self.active, *self.standbys)},
        }


def error_text(error: BaseException | None) -> str:
    if isinstance(error, OspfFailoverError):
        return str(error)
    return f"{type(error).__name__}: {error}"


def start_watchdog(report: Report, seconds: float) -> None:
    """Nothing may hang start.sh: past ``seconds`` the process reports and exits, whatever it waits on."""

    def expire() -> None:
        print(f"[E] switch {report.fog}: still running after {seconds:.0f} s: giving up", file=sys.stderr, flush=True)
        os._exit(EXIT_FAILED)

    timer = threading.Timer(seconds, expire)
    timer.daemon = True
    timer.start()


def run_switch(fleet: Fleet, options: SwitchOptions, *, environ: Mapping[str, str] | None = None) -> int:
    fog = fleet.fog(options.fog)
    fleet.check_connect_files()
    report = Report(runbook="switch", fog=fog.name, stream=sys.stderr if options.as_json else sys.stdout)
    start_watchdog(report, options.timeout + WATCHDOG_GRACE)
    deadline = time.monotonic() + options.timeout
    try:
        with fog_lock(fog.name, timeout=options.timeout) as waited:
            if waited > 0.5:
                report.info(f"waited {waited:.1f} s for another run on {fog.name}")
            nr = init_nornir(fleet, dry_run=options.dry_run, num_workers=max(4, len(fleet.hosts)))
            try:
                code, verdict = _switch(
                    nr, fleet=fleet, fog=fog, options=options, report=report, deadline=deadline, environ=environ
                )
            finally:
                nr.close_connections(on_good=True, on_failed=True)
    except InputError as exc:
        report.add("locate", "FAIL", str(exc))
        return report.finish(EXIT_BAD_INPUT, "refused, nothing touched", as_json=options.as_json)
    except OspfFailoverError as exc:
        report.add("switch", "FAIL", str(exc))
        return report.finish(exc.exit_code, "failed", as_json=options.as_json)
    return report.finish(code, verdict, as_json=options.as_json)


def locate(
    nr: Nornir, *, fleet: Fleet, fog: Fog, options: SwitchOptions, report: Report, environ: Mapping[str, str] | None
) -> Location:
    local = this_node(fleet)
    if options.node is not None:
        return node_from_option(fleet, fog, options.node)
    if ecx_group(environ) == fog.name:
        location = node_from_ecx(fleet, fog, local)
        cross_check_with_clpstat(nr, fleet, fog, location, report)
        return location
    if local is not None:
        outcome = run_on(nr, [local.name], read_clpstat, local=True)[local.name]
        if outcome.ok and outcome.result is not None:
            return node_from_clpstat(fleet, fog, outcome.result.result, where=f"{local.name} (local)")
        raise outcome.error or RuntimeError("clpstat gave nothing")
    errors = []
    for node in fog.nodes:
        outcome = run_on(nr, [node], read_clpstat, local=False)[node]
        if outcome.ok and outcome.result is not None:
            return node_from_clpstat(fleet, fog, outcome.result.result, where=node)
        if isinstance(outcome.error, InputError):
            raise outcome.error
        errors.append(f"{node}: {error_text(outcome.error)}")
    raise OspfFailoverError(f"clpstat could not be read on any node of {fog.name}: " + "; ".join(errors))


def cross_check_with_clpstat(nr: Nornir, fleet: Fleet, fog: Fog, location: Location, report: Report) -> None:
    """Under ECX, ECX's word wins; clpstat disagreeing is worth a warning and an alert, not a stop."""
    outcome = run_on(nr, [location.node], read_clpstat, local=True, max_wait=5.0)[location.node]
    if not outcome.ok or outcome.result is None:
        report.add("locate", "WARN", f"clpstat unreadable ({error_text(outcome.error)}); trusting ECX")
        return
    try:
        seen = node_from_clpstat(fleet, fog, outcome.result.result, where="this node")
    except InputError as exc:
        report.info(f"clpstat does not confirm yet ({exc}); trusting ECX")
        return
    if seen.node != location.node:
        report.add("locate", "WARN", f"ECX starts {fog.name} here but clpstat says {seen.node}; trusting ECX")


def read_planned_state(task: Task, *, reads: Mapping[str, Mapping[str, Any]]) -> Result:
    """read_router_state with each host's own NICs and prefixes (one Nornir run for every host)."""
    return read_router_state(task, **reads[task.host.name])


def _switch(
    nr: Nornir,
    *,
    fleet: Fleet,
    fog: Fog,
    options: SwitchOptions,
    report: Report,
    deadline: float,
    environ: Mapping[str, str] | None,
) -> tuple[int, str]:
    location = locate(nr, fleet=fleet, fog=fog, options=options, report=report, environ=environ)
    report.add("locate", "PASS", location.detail)
    active = fog.pairing[location.node]
    plan = Plan(
        fog=fog,
        location=location,
        active=active,
        standbys=tuple(r for r in fog.routers if r != active),
        observers=fog.observers,
    )
    report.plan = plan.as_dict(fleet)
    gateway = str(fog.vm_gateway)
    report.info(
        f"plan: {active} takes {gateway} on {fog.nic_for(active)}; "
        f"down on {', '.join(f'{r} {fog.nic_for(r)}' for r in plan.standbys)}; "
        f"observers {', '.join(plan.observers) or 'none'}"
    )

    since = time.monotonic()
    sessions = run_on(nr, [active, *plan.standbys, *plan.observers], open_session)
    if not sessions[active].ok:
        report.add("connect", "FAIL", error_text(sessions[active].error), host=active, since=since)
        return EXIT_FAILED, "active router unreachable, nothing changed"
    report.add("connect", "PASS", "SSH session open", host=active, since=since)
    standbys = []
    for router in plan.standbys:
        if sessions[router].ok:
            standbys.append(router)
            report.add("connect", "PASS", "SSH session open", host=router, since=since)
        else:
            report.add(
                "connect",
                "WARN",
                f"{error_text(sessions[router].error)}: cannot take its NIC down (network partition?)",
                host=router,
                since=since,
            )
    for observer in plan.observers:
        if not sessions[observer].ok:
            report.add("connect", "WARN", error_text(sessions[observer].error), host=observer, since=since)

    if options.dry_run:
        return dry_run(nr, fleet, plan, standbys, report)

    since = time.monotonic()
    downs = run_on(nr, standbys, standby_down, fog=fog)
    for router, outcome in downs.items():
        if outcome.ok and outcome.result is not None:
            text = outcome.result.diff or f"{fog.nic_for(router)} already down"
            report.add("standby-down", "PASS", text, host=router, since=since)
        else:
            report.add("standby-down", "WARN", error_text(outcome.error), host=router, since=since)

    since = time.monotonic()
    up = run_on(nr, [active], set_nic_state, nic=fog.nic_for(active), up=True, gateway=gateway)[active]
    if not up.ok or up.result is None:
        report.add("active-up", "FAIL", error_text(up.error), host=active, since=since)
        return EXIT_FAILED, "active router could not take over"
    change = up.result.result
    report.add(
        "active-up", "PASS", up.result.diff or f"{change['nic']} already up with {gateway}", host=active, since=since
    )
    if change["announced"] is False:
        report.add("announce", "WARN", f"gratuitous ARP failed: {change['announce_output']}", host=active)
    switched_at = time.monotonic()

    if options.verify == "off":
        report.add("verify", "SKIP", "verification off")
        return EXIT_OK, "switched (not verified)"
    return verify(
        nr,
        fleet=fleet,
        plan=plan,
        standbys=standbys,
        options=options,
        report=report,
        deadline=deadline,
        switched_at=switched_at,
    )


def standby_down(task: Task, *, fog: Fog) -> Result:
    return set_nic_state(task, nic=fog.nic_for(task.host.name), up=False, gateway=str(fog.vm_gateway))


def dry_run(nr: Nornir, fleet: Fleet, plan: Plan, standbys: list[str], report: Report) -> tuple[int, str]:
    fog = plan.fog
    gateway = str(fog.vm_gateway)
    reads = {router: {"nics": [NicProbe(fog.nic_for(router), gateway)]} for router in [plan.active, *standbys]}
    states = run_on(nr, list(reads), read_planned_state, reads=reads)
    for router, outcome in states.items():
        if not outcome.ok or outcome.result is None:
            report.add("dry-run", "WARN", error_text(outcome.error), host=router)
            continue
        nic_state = outcome.result.result["nics"][fog.nic_for(router)]
        want_up = router == plan.active
        holds, text = judge_nic(nic_state, up=want_up)
        action = "nothing to do" if holds else f"would bring {nic_state['nic']} {'up' if want_up else 'down'}"
        report.add("dry-run", "PASS", f"{text if holds else 'now: ' + text}: {action}", host=router)
    return EXIT_OK, "dry run, nothing changed"


def verify(
    nr: Nornir,
    *,
    fleet: Fleet,
    plan: Plan,
    standbys: list[str],
    options: SwitchOptions,
    report: Report,
    deadline: float,
    switched_at: float,
) -> tuple[int, str]:
    fog = plan.fog
    prefix = str(fog.vm_network)
    gateway = str(fog.vm_gateway)
    via = fleet.hosts[plan.active].ospf_address or fleet.hosts[plan.active].hostname
    reads: dict[str, dict[str, Any]] = {
        plan.active: {"nics": [NicProbe(fog.nic_for(plan.active), gateway)], "prefixes": [prefix], "neighbors": True}
    }
    for router in standbys:
        reads[router] = {"nics": [NicProbe(fog.nic_for(router), gateway)], "prefixes": [prefix]}
    for observer in plan.observers:
        reads[observer] = {"prefixes": [prefix]}
    first_held: dict[str, float] = {}
    verdicts: dict[str, Verdict] = {}

    def judge(host: str, outcome: HostRun) -> Verdict:
        if not outcome.ok or outcome.result is None:
            return False, error_text(outcome.error)
        state: RouterState = outcome.result.result
        routes = state["routes"][prefix]
        if host == plan.active:
            return all_hold(
                judge_nic(state["nics"][fog.nic_for(host)], up=True),
                judge_connected(routes, prefix=prefix, nic=fog.nic_for(host)),
                judge_adjacencies(state["neighbors"]),
            )
        if host in standbys:
            return all_hold(
                judge_nic(state["nics"][fog.nic_for(host)], up=False),
                judge_route_via(routes, prefix=prefix, nexthop=via),
            )
        return judge_route_via(routes, prefix=prefix, nexthop=via)

    def check() -> tuple[bool, dict[str, Verdict], str]:
        outcomes = run_on(nr, list(reads), read_planned_state, reads=reads)
        now = time.monotonic()
        for host, outcome in outcomes.items():
            verdicts[host] = judge(host, outcome)
            if verdicts[host][0]:
                first_held.setdefault(host, now - switched_at)
        wrong = [f"{host}: {text}" for host, (holds, text) in verdicts.items() if not holds]
        return not wrong, dict(verdicts), "; ".join(wrong)

    since = time.monotonic()
    remaining = max(0.0, deadline - since)
    try:
        waited = wait_until(check, what=f"{fog.name} on {plan.active}", timeout=remaining, interval=POLL_INTERVAL)
        timed_out = None
    except ConvergenceTimeout as exc:
        waited = None
        timed_out = exc
    for host in [*standbys, *plan.observers]:
        report.convergence[host] = first_held.get(host) if verdicts.get(host, (False, ""))[0] else None
    failed_outcome: Outcome = "FAIL" if options.verify == "fail" else "WARN"
    for host, (holds, text) in verdicts.items():
        moved = first_held.get(host)
        timing = f" (after {moved:.2f} s)" if holds and moved is not None and host != plan.active else ""
        report.add("verify", "PASS" if holds else failed_outcome, text + timing, host=host, since=since)
    if timed_out is None and waited is not None:
        return EXIT_OK, "switched and verified"
    if options.verify == "warn":
        return EXIT_OK, f"switched, NOT verified within {remaining:.0f} s (verify=warn)"
    return EXIT_NOT_VERIFIED, f"switched, NOT verified within {remaining:.0f} s"
