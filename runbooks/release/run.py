"""The release runbook (ECX's stop.sh): take the gateway NIC down on the router paired with this node.

ECX's default reaction to a failing stop script is to stop the cluster and shut the OS down, and a node that
shuts down does not bring a router's NIC down. So, unless ``strict``, whatever goes wrong while releasing (the
router unreachable, its NIC refusing to go down, another run holding the lock, the run overrunning its bound)
is a warning and an alert, and the exit status is 0: the next switch, on whichever node, takes this NIC down
anyway. Bad input (an unknown group, a node the group's pairing does not know) is still exit 2.

Steps: locate (the node) -> plan (its router and NIC, pure) -> release (the group's lock held).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from ospf_failover.engine import Ending, Runbook, Step, StepRun, command_renderers, error_text, run_per_host, run_steps
from ospf_failover.errors import EXIT_FAILED, EXIT_OK
from ospf_failover.gateway import already_released_text
from ospf_failover.inventory import Fleet, Fog
from ospf_failover.tasks.nic import set_nic_state

from ..shared.defaults import RELEASE_TIMEOUT
from ..shared.locate import Location, ecx_group, node_from_ecx, node_from_option, this_node
from .plan import ReleasePlan, plan_release


@dataclass(frozen=True)
class ReleaseOptions:
    fog: str
    node: str | None = None
    strict: bool = False
    dry_run: bool = False
    timeout: float = RELEASE_TIMEOUT
    as_json: bool = False
    started: float | None = None  # time.monotonic() the timeout counts from (the command's start); None: the run's


@dataclass
class ReleaseState:
    """What a release knows: what it was given, then where the group ran and what to take down."""

    fleet: Fleet
    options: ReleaseOptions
    fog: Fog
    environ: Mapping[str, str] | None = None
    location: Location = field(init=False, repr=False)  # locate
    plan: ReleasePlan = field(init=False, repr=False)  # plan


def locate(state: ReleaseState, step: StepRun) -> None:
    fleet, fog, options = state.fleet, state.fog, state.options
    if options.node is not None:
        state.location = node_from_option(fleet, fog, options.node)
        return
    state.location = node_from_ecx(fleet, fog, this_node(fleet))
    if ecx_group(state.environ) not in (None, fog.name):
        step.note(f"ECX runs this for {ecx_group(state.environ)}, releasing {fog.name} as asked")


def plan(state: ReleaseState, step: StepRun) -> None:
    state.plan = plan_release(state.fog, state.location)
    step.record.plan = state.plan.as_dict()
    found = f"{state.plan.node}'s router for {state.fog.name} is {state.plan.router} ({state.plan.nic})"
    step.add("PASS", found, step="locate")  # the row says where the release happens: it is the located router


def release(state: ReleaseState, step: StepRun) -> Ending:
    router = state.plan.router
    step.awaiting(f"{router} to release {state.plan.gateway} on {state.plan.nic}")
    outcome = run_per_host(step.nornir, set_nic_state, state.plan.change(), timeout=step.timeout())[router]
    if not outcome.ok or outcome.result is None:
        return not_released(state, step, outcome.error)
    step.add("PASS", outcome.result.diff or already_released_text(outcome.result.result["before"]), host=router)
    return Ending(EXIT_OK, "dry run, nothing changed" if state.options.dry_run else "released")


def not_released(state: ReleaseState, step: StepRun, error: BaseException | None) -> Ending:
    """The router unreachable, its NIC refusing, the lock held by another run: a warning, unless strict."""
    router = state.plan.router
    if state.options.strict:
        step.add("FAIL", error_text(error), host=router)
        return Ending(EXIT_FAILED, "not released")
    step.add("WARN", f"{error_text(error)}: NIC left as it is", host=router)
    return Ending(EXIT_OK, "not released (warned; the next switch takes it down)")


RELEASE: tuple[Step[ReleaseState], ...] = (
    Step("locate", locate),
    Step("plan", plan),
    Step("release", release, connects=True, changes=True, on_error=not_released),
)


def run_release(fleet: Fleet, options: ReleaseOptions, *, environ: Mapping[str, str] | None = None) -> int:
    runbook = Runbook(
        "release",
        (options.fog,),
        tuple(command_renderers(options.as_json)),
        lock=True,
        timeout=options.timeout,
        started=options.started,
        heartbeat=True,
        failure_exit=EXIT_FAILED if options.strict else EXIT_OK,
        dry_run=options.dry_run,
    )

    def prepare() -> ReleaseState:
        fog = fleet.fog(options.fog)
        fleet.check_connect_files()
        return ReleaseState(fleet=fleet, options=options, fog=fog, environ=environ)

    return run_steps(fleet, runbook, prepare, RELEASE)
