"""The switch's steps before verification, each a function of the run's state (:mod:`.state`) and of the step
the engine runs and times: locate, plan, connect, a dry run's report, the standbys' NICs down, the active NIC up."""

from __future__ import annotations

import time
from concurrent.futures import TimeoutError as FutureTimeout

from nornir.core import Nornir

from ospf_failover.engine import Ending, StepRun, error_text, in_background, run_per_host
from ospf_failover.errors import EXIT_FAILED, EXIT_NOT_VERIFIED, EXIT_OK, InputError, OspfFailoverError
from ospf_failover.gateway import already_released_text, describe
from ospf_failover.models import RouterState
from ospf_failover.nornir_setup import run_on
from ospf_failover.tasks.clpstat import read_clpstat
from ospf_failover.tasks.connection import open_session
from ospf_failover.tasks.nic import set_nic_state
from ospf_failover.tasks.router_state import read_router_state

from ..shared.locate import Location, ecx_group, node_from_clpstat, node_from_ecx, node_from_option, this_node
from .plan import dry_run_actions, plan_switch
from .state import Opened, SwitchState


def locate(state: SwitchState, step: StepRun) -> None:
    """Where the group runs; under ECX also a clpstat cross-check, started in the background."""
    state.location, state.cross_check = find_location(state, step.nornir)
    step.add("PASS", state.location.detail)


def find_location(state: SwitchState, nr: Nornir) -> tuple[Location, Opened | None]:
    fleet, fog, node = state.fleet, state.fog, state.options.node
    local = this_node(fleet)
    if node is not None:
        return node_from_option(fleet, fog, node), None
    if ecx_group(state.environ) == fog.name:
        location = node_from_ecx(fleet, fog, local)
        return location, in_background(run_on, nr, [location.node], read_clpstat, local=True, max_wait=5.0)
    if local is not None:
        outcome = run_on(nr, [local.name], read_clpstat, local=True)[local.name]
        if outcome.ok and outcome.result is not None:
            status = outcome.result.result["status"]
            return node_from_clpstat(fleet, fog, status, where=f"{local.name} (local)"), None
        if isinstance(outcome.error, OspfFailoverError):
            raise outcome.error
        raise OspfFailoverError(f"clpstat on {local.name}: {error_text(outcome.error)}")
    errors = []
    for candidate in fog.nodes:
        outcome = run_on(nr, [candidate], read_clpstat, local=False)[candidate]
        if outcome.ok and outcome.result is not None:
            return node_from_clpstat(fleet, fog, outcome.result.result["status"], where=candidate), None
        if isinstance(outcome.error, InputError):
            raise outcome.error
        errors.append(f"{candidate}: {error_text(outcome.error)}")
    raise OspfFailoverError(f"clpstat could not be read on any node of {fog.name}: " + "; ".join(errors))


def plan(state: SwitchState, step: StepRun) -> None:
    state.plan = plan_switch(state.fleet, state.fog, state.location)
    step.record.plan = state.plan.as_dict()
    step.note(state.plan.text())


def connect(state: SwitchState, step: StepRun) -> Ending | None:
    """Open every router's session with its first read; the end when the active router cannot be reached.
    Observers are needed only to verify: their sessions open in the background while the routers change."""
    plan = state.plan
    observers = [] if state.options.dry_run else plan.observers
    state.observer_sessions = in_background(run_on, step.nornir, observers, open_session)
    arguments = {router: reads.arguments() for router, reads in plan.connect_reads().items()}
    first = run_per_host(step.nornir, read_router_state, arguments, timeout=step.timeout())
    if not first[plan.active].ok:
        step.add("FAIL", error_text(first[plan.active].error), host=plan.active)
        return Ending(EXIT_FAILED, "active router unreachable, nothing changed")
    for router in plan.routers:
        outcome = first[router]
        if outcome.ok and outcome.result is not None:
            read: RouterState = outcome.result.result
            state.known[router] = read["nics"][plan.nics[router]]
            nic = plan.nics[router]
            step.add("PASS", f"session open; {nic} {describe(state.known[router], plan.gateway)}", host=router)
        else:
            step.add("WARN", f"{error_text(outcome.error)}: cannot take its NIC down (network partition?)", host=router)
    return None


def dry_run(state: SwitchState, step: StepRun) -> Ending | None:
    """With --dry-run: per router reached, what it sees and what a switch would do; then the end."""
    if not state.options.dry_run:
        return None
    for router, text in dry_run_actions(state.plan, state.known):
        step.add("PASS", text, host=router)
    return Ending(EXIT_OK, "dry run, nothing changed")


def release_standbys(state: SwitchState, step: StepRun) -> None:
    """Every standby reached takes its NIC down; one that does not is a warning (the switch goes on)."""
    changes = state.plan.nic_changes(state.standbys, up=False, known=state.known)
    for router, outcome in run_per_host(step.nornir, set_nic_state, changes, timeout=step.timeout()).items():
        if outcome.ok and outcome.result is not None:
            step.add("PASS", outcome.result.diff or already_released_text(state.known[router]), host=router)
        else:
            step.add("WARN", error_text(outcome.error), host=router)


def take_over(state: SwitchState, step: StepRun) -> Ending | None:
    """The active router's NIC up with the gateway, announced by gratuitous ARP (rows ``announce``)."""
    plan, active = state.plan, state.plan.active
    changes = plan.nic_changes([active], up=True, known=state.known)
    up = run_per_host(step.nornir, set_nic_state, changes, timeout=step.timeout())[active]
    if not up.ok or up.result is None:
        step.add("FAIL", error_text(up.error), host=active)
        return Ending(EXIT_FAILED, "active router could not take over")
    change = up.result.result
    step.add("PASS", up.result.diff or f"{change['nic']} already up with {plan.gateway}", host=active)
    if change["announced"] is False:
        step.add("WARN", f"gratuitous ARP failed: {change['announce_output']}", host=active, step="announce")
    elif change["announced"]:
        step.add("PASS", f"gratuitous ARP for {plan.gateway} sent", host=active, step="announce")
    state.moved_at = time.monotonic()
    return None


def after_take_over(state: SwitchState) -> int:
    """From here the gateway has moved: a run that fails or overruns only lacks its verification."""
    return EXIT_NOT_VERIFIED if state.options.verify == "fail" else EXIT_OK


def unreachable_observers(state: SwitchState, step: StepRun) -> dict[str, str]:
    """The observers whose background session did not open (rows ``connect``), with why."""
    try:
        opened = state.observer_sessions.result(step.deadline - time.monotonic())
    except FutureTimeout:
        opened = {}
    unreachable = {host: error_text(outcome.error) for host, outcome in opened.items() if not outcome.ok}
    for observer, text in unreachable.items():
        step.add("WARN", text, host=observer, step="connect")
    return unreachable


def report_cross_check(state: SwitchState, step: StepRun, cross_check: Opened) -> None:
    """Under ECX, ECX's word wins; clpstat disagreeing is worth a warning and an alert (rows ``locate``)."""
    try:
        outcome = cross_check.result(step.deadline - time.monotonic())[state.location.node]
    except FutureTimeout:
        step.add("WARN", "clpstat did not answer in time; trusting ECX", step="locate")
        return
    if not outcome.ok or outcome.result is None:
        step.add("WARN", f"clpstat unreadable ({error_text(outcome.error)}); trusting ECX", step="locate")
        return
    try:
        status = outcome.result.result["status"]
        seen = node_from_clpstat(state.fleet, state.fog, status, where="this node", require_online=False)
    except InputError as exc:
        step.note(f"clpstat does not confirm yet ({exc}); trusting ECX")
        return
    if seen.node != state.location.node:
        step.add("WARN", f"ECX starts {state.fog.name} here but clpstat says {seen.node}; trusting ECX", step="locate")
