"""The switch runbook: hand a failover group's VM gateway to the router on the side where the group runs.

locate -> plan -> connect to the group's routers and read their NICs (one round trip each, in parallel; the
observers connect in the background) -> standby NICs down -> active NIC up + gratuitous ARP -> verify by
polling, bounded. Called by ECX's start.sh on every failover. ``verify`` is the same run without the changes.

Exit codes: 0 done and verified (or verification warned/off), 1 the active router could not take over,
2 bad input, inventory, or clpstat garbage/disagreement (nothing touched), 3 switched but not verified in time.
"""

from __future__ import annotations

import sys
import threading
import time
from collections.abc import Callable, Mapping
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
from ospf_failover.gateway import already_released_text, describe
from ospf_failover.inventory import Fleet, Fog
from ospf_failover.models import NicState, RouterState
from ospf_failover.nornir_setup import HostRun, init_nornir, run_on
from ospf_failover.polling import wait_until
from ospf_failover.tasks.clpstat import read_clpstat
from ospf_failover.tasks.connection import open_session
from ospf_failover.tasks.nic import set_nic_state
from ospf_failover.tasks.router_state import NicProbe, read_router_state

from .defaults import SWITCH_TIMEOUT
from .locate import (
    Location,
    ecx_group,
    node_from_clpstat,
    node_from_ecx,
    node_from_option,
    this_node,
)
from .lock import fog_lock
from .report import Outcome, Report, error_text
from .verify import (
    Verdict,
    all_hold,
    judge_adjacencies,
    judge_connected,
    judge_nic,
    judge_route_via,
)
from .watchdog import WATCHDOG_GRACE, Watchdog

Verify = Literal["fail", "warn", "off"]
POLL_INTERVAL = 0.05
MAX_WORKERS = 32


@dataclass(frozen=True)
class SwitchOptions:
    fog: str
    node: str | None = None
    dry_run: bool = False
    timeout: float = SWITCH_TIMEOUT
    verify: Verify = "fail"
    as_json: bool = False
    verify_only: bool = False  # the `verify` command: locate, connect and verify; change nothing


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
            "active_address": fleet.hosts[self.active].next_hop,
            "standbys": list(self.standbys),
            "observers": list(self.observers),
            "vm_network": str(self.fog.vm_network),
            "vm_gateway": str(self.fog.vm_gateway),
            "nics": {router: self.fog.nic_for(router) for router in (self.active, *self.standbys)},
        }


class Background:
    """Run a function on a thread now, collect its value (or exception) later, bounded."""

    def __init__(self, function: Callable[[], Any]) -> None:
        self._value: Any = None
        self._error: BaseException | None = None

        def target() -> None:
            try:
                self._value = function()
            except BaseException as exc:  # handed to the caller of result()
                self._error = exc

        self._thread = threading.Thread(target=target, daemon=True)
        self._thread.start()

    def result(self, timeout: float) -> Any:
        self._thread.join(max(0.0, timeout))
        if self._thread.is_alive():
            raise TimeoutError("background work did not finish in time")
        if self._error is not None:
            raise self._error
        return self._value


def run_switch(fleet: Fleet, options: SwitchOptions, *, environ: Mapping[str, str] | None = None) -> int:
    runbook = "verify" if options.verify_only else "switch"
    report = Report(runbook=runbook, fog=options.fog, stream=sys.stderr if options.as_json else sys.stdout)
    watchdog = Watchdog(report, options.timeout + WATCHDOG_GRACE).start()
    deadline = time.monotonic() + options.timeout
    try:
        fog = fleet.fog(options.fog)
        fleet.check_connect_files()
        with fog_lock(fog.name, timeout=options.timeout) as waited:
            if waited > 0.5:
                report.info(f"waited {waited:.1f} s for another run on {fog.name}")
            nr = init_nornir(fleet, dry_run=options.dry_run, num_workers=min(MAX_WORKERS, max(4, len(fleet.hosts))))
            try:
                code, verdict = _switch(
                    nr,
                    fleet=fleet,
                    fog=fog,
                    options=options,
                    report=report,
                    deadline=deadline,
                    environ=environ,
                    watchdog=watchdog,
                )
            finally:
                nr.close_connections(on_good=True, on_failed=True)
    except InputError as exc:
        report.add("locate", "FAIL", str(exc))
        code, verdict = EXIT_BAD_INPUT, "refused, nothing touched"
    except OspfFailoverError as exc:
        report.add(runbook, "FAIL", str(exc))
        # Before the active router took over this is a failure (1); after it, only verification is missing.
        code, verdict = watchdog.exit_code, "failed"
    watchdog.cancel()
    return report.finish(code, verdict, as_json=options.as_json)


def locate(
    nr: Nornir,
    *,
    fleet: Fleet,
    fog: Fog,
    options: SwitchOptions,
    environ: Mapping[str, str] | None,
) -> tuple[Location, Background | None]:
    """Where the group runs; under ECX also a clpstat cross-check, started in the background."""
    local = this_node(fleet)
    if options.node is not None:
        return node_from_option(fleet, fog, options.node), None
    if ecx_group(environ) == fog.name:
        location = node_from_ecx(fleet, fog, local)
        return location, Background(lambda: run_on(nr, [location.node], read_clpstat, local=True, max_wait=5.0))
    if local is not None:
        outcome = run_on(nr, [local.name], read_clpstat, local=True)[local.name]
        if outcome.ok and outcome.result is not None:
            return node_from_clpstat(fleet, fog, outcome.result.result["status"], where=f"{local.name} (local)"), None
        if isinstance(outcome.error, OspfFailoverError):
            raise outcome.error
        raise OspfFailoverError(f"clpstat on {local.name}: {error_text(outcome.error)}")
    errors = []
    for node in fog.nodes:
        outcome = run_on(nr, [node], read_clpstat, local=False)[node]
        if outcome.ok and outcome.result is not None:
            return node_from_clpstat(fleet, fog, outcome.result.result["status"], where=node), None
        if isinstance(outcome.error, InputError):
            raise outcome.error
        errors.append(f"{node}: {error_text(outcome.error)}")
    raise OspfFailoverError(f"clpstat could not be read on any node of {fog.name}: " + "; ".join(errors))


def report_cross_check(
    cross_check: Background, *, fleet: Fleet, fog: Fog, location: Location, report: Report, timeout: float
) -> None:
    """Under ECX, ECX's word wins; clpstat disagreeing is worth a warning and an alert, not a stop."""
    try:
        outcome: HostRun = cross_check.result(timeout)[location.node]
    except TimeoutError:
        report.add("locate", "WARN", "clpstat did not answer in time; trusting ECX")
        return
    if not outcome.ok or outcome.result is None:
        report.add("locate", "WARN", f"clpstat unreadable ({error_text(outcome.error)}); trusting ECX")
        return
    try:
        seen = node_from_clpstat(fleet, fog, outcome.result.result["status"], where="this node", require_online=False)
    except InputError as exc:
        report.info(f"clpstat does not confirm yet ({exc}); trusting ECX")
        return
    if seen.node != location.node:
        report.add("locate", "WARN", f"ECX starts {fog.name} here but clpstat says {seen.node}; trusting ECX")


def read_planned_state(task: Task, *, reads: Mapping[str, Mapping[str, Any]], timeout: float | None = None) -> Result:
    """read_router_state with each host's own NICs and prefixes (one Nornir run for every host)."""
    return read_router_state(task, timeout=timeout, **reads[task.host.name])


def change_nic(task: Task, *, changes: Mapping[str, Mapping[str, Any]], timeout: float | None = None) -> Result:
    """set_nic_state with each host's own NIC, direction and last known state."""
    return set_nic_state(task, timeout=timeout, **changes[task.host.name])


def _switch(
    nr: Nornir,
    *,
    fleet: Fleet,
    fog: Fog,
    options: SwitchOptions,
    report: Report,
    deadline: float,
    environ: Mapping[str, str] | None,
    watchdog: Watchdog,
) -> tuple[int, str]:
    location, cross_check = locate(nr, fleet=fleet, fog=fog, options=options, environ=environ)
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

    def step_timeout() -> float:
        return max(0.5, min(fleet.timeouts.command, deadline - time.monotonic()))

    # Observers are needed only to verify: their sessions open while the routers change.
    observer_sessions = Background(lambda: run_on(nr, plan.observers, open_session))
    since = time.monotonic()
    routers = [active, *plan.standbys]
    reads = {router: {"nics": [NicProbe(fog.nic_for(router), gateway)]} for router in routers}
    first = run_on(nr, routers, read_planned_state, reads=reads, timeout=step_timeout())
    if not first[active].ok:
        report.add("connect", "FAIL", error_text(first[active].error), host=active, since=since)
        return EXIT_FAILED, "active router unreachable, nothing changed"
    known: dict[str, NicState] = {}
    standbys = []
    for router in routers:
        outcome = first[router]
        if outcome.ok and outcome.result is not None:
            state: RouterState = outcome.result.result
            known[router] = state["nics"][fog.nic_for(router)]
            standbys += [router] if router != active else []
            state_text = f"session open; {fog.nic_for(router)} {describe(known[router], gateway)}"
            report.add("connect", "PASS", state_text, host=router, since=since)
        else:
            report.add(
                "connect",
                "WARN",
                f"{error_text(outcome.error)}: cannot take its NIC down (network partition?)",
                host=router,
                since=since,
            )

    if options.dry_run:
        return dry_run(plan, known, report)
    if not options.verify_only:
        since = time.monotonic()
        changes = {r: {"nic": fog.nic_for(r), "up": False, "gateway": gateway, "known": known[r]} for r in standbys}
        downs = run_on(nr, standbys, change_nic, changes=changes, timeout=step_timeout())
        for router, outcome in downs.items():
            if outcome.ok and outcome.result is not None:
                text = outcome.result.diff or already_released_text(known[router])
                report.add("standby-down", "PASS", text, host=router, since=since)
            else:
                report.add("standby-down", "WARN", error_text(outcome.error), host=router, since=since)

        since = time.monotonic()
        changes = {active: {"nic": fog.nic_for(active), "up": True, "gateway": gateway, "known": known[active]}}
        up = run_on(nr, [active], change_nic, changes=changes, timeout=step_timeout())[active]
        if not up.ok or up.result is None:
            report.add("active-up", "FAIL", error_text(up.error), host=active, since=since)
            return EXIT_FAILED, "active router could not take over"
        watchdog.exit_code = EXIT_NOT_VERIFIED if options.verify == "fail" else EXIT_OK
        change = up.result.result
        text = up.result.diff or f"{change['nic']} already up with {gateway}"
        report.add("active-up", "PASS", text, host=active, since=since)
        if change["announced"] is False:
            report.add("announce", "WARN", f"gratuitous ARP failed: {change['announce_output']}", host=active)
        elif change["announced"]:
            report.add("announce", "PASS", f"gratuitous ARP for {gateway} sent", host=active)
    switched_at = time.monotonic()

    try:
        sessions: dict[str, HostRun] = observer_sessions.result(deadline - time.monotonic())
    except TimeoutError:
        sessions = {}
    unreachable = {host: outcome for host, outcome in sessions.items() if not outcome.ok}
    for observer, outcome in unreachable.items():
        report.add("connect", "WARN", error_text(outcome.error), host=observer)
    if cross_check is not None:
        report_cross_check(
            cross_check, fleet=fleet, fog=fog, location=location, report=report, timeout=deadline - time.monotonic()
        )
    if options.verify == "off" and not options.verify_only:
        report.add("verify", "SKIP", "verification off")
        return EXIT_OK, "switched (not verified)"
    return verify(
        nr,
        fleet=fleet,
        plan=plan,
        standbys=standbys,
        unreachable={host: error_text(outcome.error) for host, outcome in unreachable.items()},
        options=options,
        report=report,
        deadline=deadline,
        switched_at=switched_at,
    )


def explain_failures(nr: Nornir, *, verdicts: dict[str, Verdict], hosts: list[str], deadline: float) -> None:
    """After a failed verification, say why a router has no right route when its OSPF is the cause.

    Reading OSPF neighbours of every observer on every poll would slow the common case down; one read of the
    failing ones at the end tells "ospfd is not running" or "no adjacency" from a route that is merely late.
    """
    failing = [host for host in hosts if not verdicts[host][0]]
    reads = {host: {"neighbors": True} for host in failing}
    timeout = max(0.5, min(5.0, deadline + WATCHDOG_GRACE / 2 - time.monotonic()))
    for host, outcome in run_on(nr, failing, read_planned_state, reads=reads, timeout=timeout).items():
        holds, text = verdicts[host]
        if not outcome.ok:
            verdicts[host] = (holds, f"{text}; {error_text(outcome.error)}")
            continue
        adjacent, adjacency = judge_adjacencies(outcome.result.result["neighbors"] if outcome.result else None)
        if not adjacent:
            verdicts[host] = (holds, f"{text}; {adjacency}")


def dry_run(plan: Plan, known: Mapping[str, NicState], report: Report) -> tuple[int, str]:
    for router, state in known.items():
        want_up = router == plan.active
        holds, text = judge_nic(state, up=want_up)
        if holds:
            action = "nothing to do"
        elif not state["exists"]:
            action = "cannot change it"
        else:
            action = (
                f"would put the gateway on {state['nic']} (nic_up)"
                if want_up
                else f"would release {state['nic']} (nic_down)"
            )
        report.add("dry-run", "PASS", f"{text if holds else 'now: ' + text}: {action}", host=router)
    return EXIT_OK, "dry run, nothing changed"


def verify(
    nr: Nornir,
    *,
    fleet: Fleet,
    plan: Plan,
    standbys: list[str],
    unreachable: Mapping[str, str],
    options: SwitchOptions,
    report: Report,
    deadline: float,
    switched_at: float,
) -> tuple[int, str]:
    """Poll until every reachable host shows the switch done; a host that could not be reached never passes."""
    fog = plan.fog
    prefix = str(fog.vm_network)
    gateway = str(fog.vm_gateway)
    via = fleet.hosts[plan.active].next_hop
    reads: dict[str, dict[str, Any]] = {
        plan.active: {"nics": [NicProbe(fog.nic_for(plan.active), gateway)], "prefixes": [prefix], "neighbors": True}
    }
    for router in standbys:
        reads[router] = {"nics": [NicProbe(fog.nic_for(router), gateway)], "prefixes": [prefix]}
    for observer in plan.observers:
        if observer not in unreachable:
            reads[observer] = {"prefixes": [prefix]}
    first_held: dict[str, float] = {}
    verdicts: dict[str, Verdict] = {host: (False, f"unreachable: {text}") for host, text in unreachable.items()}

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

    def check() -> tuple[bool, None, str]:
        timeout = max(0.5, min(fleet.timeouts.command, deadline - time.monotonic()))
        outcomes = run_on(nr, list(reads), read_planned_state, reads=reads, timeout=timeout)
        now = time.monotonic()
        for host, outcome in outcomes.items():
            verdicts[host] = judge(host, outcome)
            if verdicts[host][0]:
                first_held.setdefault(host, now - switched_at)
        wrong = [f"{host}: {text}" for host, (holds, text) in verdicts.items() if not holds and host in reads]
        return not wrong, None, "; ".join(wrong)

    since = time.monotonic()
    remaining = max(0.0, deadline - since)
    converged = True
    try:
        wait_until(check, what=f"{fog.name} on {plan.active}", timeout=remaining, interval=POLL_INTERVAL)
    except ConvergenceTimeout:
        converged = False
    if not converged:
        explain_failures(nr, verdicts=verdicts, hosts=[h for h in reads if h != plan.active], deadline=deadline)
    for host in [*standbys, *plan.observers]:
        held = verdicts.get(host, (False, ""))[0]
        report.convergence[host] = first_held.get(host) if held else None
    failed_outcome: Outcome = "FAIL" if options.verify == "fail" else "WARN"
    for host, (holds, text) in verdicts.items():
        moved = first_held.get(host)
        timing = f" (after {moved:.2f} s)" if holds and moved is not None and host != plan.active else ""
        report.add("verify", "PASS" if holds else failed_outcome, text + timing, host=host, since=since)
    if converged and not unreachable:
        return EXIT_OK, "verified" if options.verify_only else "switched and verified"
    why = f"within {remaining:.0f} s" if not converged else f"({', '.join(unreachable)} unreachable)"
    if options.verify_only:
        return EXIT_NOT_VERIFIED, f"NOT as it should be {why}"
    if options.verify == "warn":
        return EXIT_OK, f"switched, NOT verified {why} (verify=warn)"
    return EXIT_NOT_VERIFIED, f"switched, NOT verified {why}"
