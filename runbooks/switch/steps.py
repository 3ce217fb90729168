"""The switch's steps before verification, each a function of the run's state (:mod:`.state`) and of the step
the engine runs and times: locate, plan, connect, a dry run's report, the standbys' NICs down, the active NIC up."""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Callable
from concurrent.futures import TimeoutError as FutureTimeout

from nornir.core import Nornir

from ospf_failover.engine import Ending, StepRun, error_text, run_per_host
from ospf_failover.engine.batch import Finished, in_background, run_in_background
from ospf_failover.errors import (
    EXIT_FAILED,
    EXIT_NOT_VERIFIED,
    EXIT_OK,
    AuthenticationFailed,
    ClpstatBusy,
    ConnectionFailed,
    ConnectTimeout,
    HostKeyError,
    InputError,
    OspfFailoverError,
)
from ospf_failover.gateway import already_released_text, describe
from ospf_failover.models import RouterState
from ospf_failover.nornir_setup import HostRun, run_on
from ospf_failover.parsers.vendors.dispatch import load_readers
from ospf_failover.tasks.clpstat import read_clpstat
from ospf_failover.tasks.connection import open_session
from ospf_failover.tasks.nic import set_nic_state
from ospf_failover.tasks.router_state import read_router_state

from ..shared.locate import Location, ecx_group, node_from_clpstat, node_from_ecx, node_from_option, this_node
from .plan import dry_run_actions, plan_switch
from .state import Opened, SwitchState

CLPSTAT_WAIT = 30.0  # seconds clpstat may answer busy when it is what locates the group (run by hand)
CROSS_CHECK_WAIT = 5.0  # ... when it only cross-checks ECX's call (in the background)
CROSS_CHECK_GRACE = 0.5  # seconds a verified switch still gives a cross-check that has not answered (not busy)


def locate(state: SwitchState, step: StepRun) -> None:
    """Where the group runs; under ECX also a clpstat cross-check, started in the background."""
    state.location, state.cross_check = find_location(state, step)
    step.add("PASS", state.location.detail)


def find_location(state: SwitchState, step: StepRun) -> tuple[Location, Opened | None]:
    fleet, fog, node, nr = state.fleet, state.fog, state.options.node, step.nornir
    local = this_node(fleet)
    if node is not None:
        return node_from_option(fleet, fog, node), None
    if ecx_group(state.environ) == fog.name:
        location = node_from_ecx(fleet, fog, local)
        wait = min(CROSS_CHECK_WAIT, step.remaining())
        since = state.options.started if state.options.started is not None else step.started

        def start(busy: threading.Event) -> Opened:
            return run_in_background(nr, [location.node], read_clpstat, local=True, max_wait=wait, busy=busy)

        cross_check, state.clpstat_busy = CROSS_CHECKS.reading(location.node, since=since, start=start)
        return location, cross_check
    if local is not None:
        outcome = read_clpstat_of(step, nr, local.name, local=True)
        if outcome.ok and outcome.result is not None:
            status = outcome.result.result["status"]
            return node_from_clpstat(fleet, fog, status, where=f"{local.name} (local)"), None
        raise clpstat_error(outcome.error, where=f"{local.name} (local)")
    errors = []
    for candidate in fog.nodes:
        outcome = read_clpstat_of(step, nr, candidate, local=False)
        if outcome.ok and outcome.result is not None:
            return node_from_clpstat(fleet, fog, outcome.result.result["status"], where=candidate), None
        if isinstance(outcome.error, InputError | ClpstatBusy):
            raise clpstat_error(outcome.error, where=candidate)
        errors.append(f"{candidate}: {error_text(outcome.error)}")
    raise OspfFailoverError(f"clpstat could not be read on any node of {fog.name}: " + "; ".join(errors))


class CrossChecks:
    """clpstat's cross-checks under ECX, shared by the switches one process runs (a leader's, for the groups of a
    node that died): a reading of this node started after a switch's command started answers for that switch
    too, since ECX had moved its group before it ran start.sh. One switch alone starts its own, as before."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._readings: dict[str, tuple[float, Opened, threading.Event]] = {}

    def reading(
        self, node: str, *, since: float, start: Callable[[threading.Event], Opened]
    ) -> tuple[Opened, threading.Event]:
        """The reading of ``node`` started at or after ``since`` (``time.monotonic()``), or a new one from
        ``start`` (given the event clpstat's first busy answer sets); with that event."""
        with self._lock:
            known = self._readings.get(node)
            if known is not None and known[0] >= since:
                return known[1], known[2]
            busy = threading.Event()
            began = time.monotonic()
            opened = start(busy)
            self._readings[node] = (began, opened, busy)
            return opened, busy


CROSS_CHECKS = CrossChecks()


def read_clpstat_of(step: StepRun, nr: Nornir, node: str, *, local: bool) -> HostRun:
    """clpstat on ``node``, asked again while it answers busy, for at most what is left of the run."""
    step.awaiting(f"clpstat --local on {node} (asked again every second while it answers busy)")
    wait = min(CLPSTAT_WAIT, step.remaining())
    return run_on(nr, [node], read_clpstat, local=local, max_wait=wait, timeout=step.timeout())[node]


def clpstat_error(error: BaseException | None, *, where: str) -> OspfFailoverError:
    """clpstat's failure when it is what locates the group: busy beyond the retry is bad input (exit 2: nothing
    was touched, and another try later may work); another failure fails the run."""
    if isinstance(error, ClpstatBusy):
        how_long = f" for {error.seconds:.1f} s" if error.seconds is not None else ""
        runs = f" ({error.attempts} runs)" if error.attempts is not None else ""
        return InputError(
            f"clpstat on {where} answered busy (exit status 9){how_long}{runs}: nothing touched; run it again "
            "once the cluster has settled, or give --node"
        )
    if isinstance(error, OspfFailoverError):
        return error
    return OspfFailoverError(f"clpstat on {where}: {error_text(error)}")


def plan(state: SwitchState, step: StepRun) -> None:
    state.plan = plan_switch(state.fleet, state.fog, state.location)
    step.record.plan = state.plan.as_dict()
    step.note(state.plan.text())


def connect(state: SwitchState, step: StepRun) -> Ending | None:
    """Open every router's session with its first read; the end when the active router cannot be reached.
    Observers are needed only to verify: each one's session opens in the background while the routers change."""
    plan = state.plan
    observers = [] if state.options.dry_run else plan.observers
    bound = step.timeout()  # an observer's connect waits no longer than the run has left
    state.observer_sessions = {
        host: run_in_background(step.nornir, [host], open_session, timeout=bound) for host in observers
    }
    vendors = {state.fleet.hosts[host].platform for host in observers if not state.fleet.hosts[host].on_linux}
    if vendors:  # their readers imported meanwhile, not in their first read
        in_background(load_readers, vendors)
    arguments = {router: reads.arguments() for router, reads in plan.connect_reads().items()}
    finished = Finished()
    step.awaiting(lambda: "SSH sessions to " + ", ".join(r for r in plan.routers if r not in finished.at))
    first = run_per_host(step.nornir, read_router_state, arguments, timeout=step.timeout(), processors=[finished])
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
            state.untouched[router] = not_reached(outcome.error)
            step.add("WARN", untouched_text(outcome.error), host=router)
    return None


def not_reached(error: BaseException | None) -> str:
    """Why a host was not reached, in a few words (``host key refused``, ``unreachable``)."""
    if isinstance(error, HostKeyError):
        return "host key refused"
    if isinstance(error, AuthenticationFailed):
        return "key login refused"
    if isinstance(error, ConnectTimeout | ConnectionFailed):
        return "unreachable"
    return "not reached"


def untouched_text(error: BaseException | None) -> str:
    """The row of a standby the switch cannot reach: a refused host key is a rebuilt router or an attack (its
    error names both keys and says that nothing was sent); no SSH answer may be a network partition."""
    if isinstance(error, HostKeyError):
        return error_text(error)
    if isinstance(error, AuthenticationFailed):
        return f"{error_text(error)}: nothing was sent to it; its NIC is left as it is"
    return f"{error_text(error)}: cannot take its NIC down (network partition?)"


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
    step.awaiting(f"{', '.join(state.standbys) or 'no standby'} to release {state.plan.gateway}")
    for router, outcome in run_per_host(step.nornir, set_nic_state, changes, timeout=step.timeout()).items():
        if outcome.ok and outcome.result is not None:
            step.add("PASS", outcome.result.diff or already_released_text(state.known[router]), host=router)
        else:
            step.add("WARN", error_text(outcome.error), host=router)


def take_over(state: SwitchState, step: StepRun) -> Ending | None:
    """The active router's NIC up with the gateway, announced by gratuitous ARP (rows ``announce``)."""
    plan, active = state.plan, state.plan.active
    changes = plan.nic_changes([active], up=True, known=state.known)
    finished = Finished()
    step.awaiting(f"{active} to bring {plan.nics[active]} up with {plan.gateway}")
    up = run_per_host(step.nornir, set_nic_state, changes, timeout=step.timeout(), processors=[finished])[active]
    if not up.ok or up.result is None:
        step.add("FAIL", error_text(up.error), host=active)
        return Ending(EXIT_FAILED, "active router could not take over")
    change = up.result.result
    step.add("PASS", up.result.diff or f"{change['nic']} already up with {plan.gateway}", host=active)
    if change["announced"] is False:
        step.add("WARN", f"gratuitous ARP failed: {change['announce_output']}", host=active, step="announce")
    elif change["announced"]:
        step.add("PASS", f"gratuitous ARP for {plan.gateway} sent", host=active, step="announce")
    state.moved_at = finished.at.get(active, time.monotonic())  # the change read back: confirmed
    return None


def after_take_over(state: SwitchState) -> int:
    """From here the gateway has moved: a run that fails or overruns only lacks its verification."""
    return EXIT_NOT_VERIFIED if state.options.verify == "fail" else EXIT_OK


def report_cross_check(state: SwitchState, step: StepRun, cross_check: Opened) -> None:
    """Under ECX, ECX's word wins; clpstat disagreeing is worth a warning and an alert (rows ``locate``). Nothing
    waits for it: a clpstat that answers busy is a warning at once; one that is merely slow gets a short grace."""
    if not cross_check.done() and not state.clpstat_busy.is_set():
        step.awaiting("clpstat's cross-check")
        with contextlib.suppress(FutureTimeout):
            cross_check.result(min(CROSS_CHECK_GRACE, step.remaining()))
    if not cross_check.done():
        why = "answers busy (exit status 9)" if state.clpstat_busy.is_set() else "has not answered"
        step.add("WARN", f"clpstat {why}; not waiting for it: trusting ECX", step="locate")
        return
    outcome = cross_check.result().outcomes[state.location.node]
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
