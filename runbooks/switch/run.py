"""The switch runbook: hand a failover group's VM gateway to the router on the side where the group runs.

locate -> plan (``switch_plan``, pure) -> connect to the group's routers and read their NICs (one round trip
each, in parallel; the observers connect in the background) -> standby NICs down -> active NIC up + gratuitous
ARP -> verify by polling, bounded (``verify``). Called by ECX's start.sh on every failover. The ``verify``
command is the same run without the changes.

Exit codes: 0 done and verified (or verification warned/off), 1 the active router could not take over,
2 bad input, inventory, or clpstat garbage/disagreement (nothing touched), 3 switched but not verified in time.
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from concurrent.futures import Future
from concurrent.futures import TimeoutError as FutureTimeout

from nornir.core import Nornir

from ospf_failover.engine import (
    Outcome,
    Run,
    command_renderers,
    error_text,
    in_background,
    run_per_host,
    step_timeout,
)
from ospf_failover.engine.lock import fog_lock
from ospf_failover.engine.watchdog import WATCHDOG_GRACE, Watchdog
from ospf_failover.errors import EXIT_BAD_INPUT, EXIT_FAILED, EXIT_NOT_VERIFIED, EXIT_OK, InputError, OspfFailoverError
from ospf_failover.gateway import already_released_text, describe
from ospf_failover.inventory import Fleet, Fog
from ospf_failover.models import NicState, RouterState
from ospf_failover.nornir_setup import HostRun, init_nornir, run_on
from ospf_failover.tasks.clpstat import read_clpstat
from ospf_failover.tasks.connection import open_session
from ospf_failover.tasks.nic import set_nic_state
from ospf_failover.tasks.router_state import read_router_state

from ..shared.locate import Location, ecx_group, node_from_clpstat, node_from_ecx, node_from_option, this_node
from .plan import Plan, SwitchOptions, dry_run_actions, plan_switch
from .verify import verify_switch

MAX_WORKERS = 32

__all__ = ["SwitchOptions", "run_switch"]


def run_switch(fleet: Fleet, options: SwitchOptions, *, environ: Mapping[str, str] | None = None) -> int:
    run = Run(options.runbook, [options.fog], command_renderers(options.as_json))
    run.alerts.say = lambda text: run.note(options.fog, text, outcome="WARN")
    watchdog = Watchdog(f"{options.runbook} {options.fog}", options.timeout + WATCHDOG_GRACE).start()
    deadline = time.monotonic() + options.timeout
    try:
        fog = fleet.fog(options.fog)
        fleet.check_connect_files()
        with fog_lock(fog.name, timeout=options.timeout) as waited:
            if waited > 0.5:
                run.note(fog.name, f"waited {waited:.1f} s for another run on {fog.name}")
            nr = init_nornir(fleet, dry_run=options.dry_run, num_workers=min(MAX_WORKERS, max(4, len(fleet.hosts))))
            try:
                switch = Switch(nr=nr, fleet=fleet, fog=fog, options=options, run=run, deadline=deadline)
                code, verdict = switch.run(environ, watchdog)
            finally:
                nr.close_connections(on_good=True, on_failed=True)
    except InputError as exc:
        run.add(options.fog, "locate", "FAIL", str(exc))
        code, verdict = EXIT_BAD_INPUT, "refused, nothing touched"
    except OspfFailoverError as exc:
        run.add(options.fog, options.runbook, "FAIL", str(exc))
        # Before the active router took over this is a failure (1); after it, only verification is missing.
        code, verdict = watchdog.exit_code, "failed"
    watchdog.cancel()
    run.finish_fog(options.fog, code, verdict)
    return run.close(code)


class Switch:
    """One switch (or verify) of one failover group: the steps, in order, each recorded as rows."""

    def __init__(
        self,
        *,
        nr: Nornir,
        fleet: Fleet,
        fog: Fog,
        options: SwitchOptions,
        run: Run,
        deadline: float,
    ) -> None:
        self.nr, self.fleet, self.fog, self.options = nr, fleet, fog, options
        self.run_record, self.deadline = run, deadline

    def add(
        self, step: str, outcome: Outcome, message: str, *, host: str | None = None, since: float | None = None
    ) -> None:
        self.run_record.add(self.fog.name, step, outcome, message, host=host, since=since)

    def step_timeout(self) -> float:
        return step_timeout(self.deadline, self.fleet.timeouts.command)

    def run(self, environ: Mapping[str, str] | None, watchdog: Watchdog) -> tuple[int, str]:
        location, cross_check = self.locate(environ)
        self.add("locate", "PASS", location.detail)
        plan = plan_switch(self.fleet, self.fog, location)
        self.run_record.fog(self.fog.name).plan = plan.as_dict()
        self.run_record.note(self.fog.name, plan.text())
        # Observers are needed only to verify: their sessions open while the routers change.
        observers = [] if self.options.dry_run else plan.observers
        observer_sessions = in_background(run_on, self.nr, observers, open_session)
        known = self.connect(plan)
        if known is None:
            return EXIT_FAILED, "active router unreachable, nothing changed"
        standbys = [router for router in plan.standbys if router in known]
        if self.options.dry_run:
            for router, text in dry_run_actions(plan, known):
                self.add("dry-run", "PASS", text, host=router)
            return EXIT_OK, "dry run, nothing changed"
        if not self.options.verify_only:
            self.standbys_down(plan, standbys, known)
            if not self.active_up(plan, known):
                return EXIT_FAILED, "active router could not take over"
            # From here the gateway has moved: a run that overruns only lacks its verification.
            watchdog.exit_code = EXIT_NOT_VERIFIED if self.options.verify == "fail" else EXIT_OK
        switched_at = time.monotonic()
        unreachable = self.unreachable_observers(observer_sessions)
        if cross_check is not None:
            self.report_cross_check(cross_check, location)
        if self.options.verify == "off" and not self.options.verify_only:
            self.add("verify", "SKIP", "verification off")
            return EXIT_OK, "switched (not verified)"
        return verify_switch(
            self.nr,
            plan=plan,
            standbys=standbys,
            unreachable=unreachable,
            options=self.options,
            run=self.run_record,
            command_timeout=self.fleet.timeouts.command,
            deadline=self.deadline,
            switched_at=switched_at,
        )

    def locate(self, environ: Mapping[str, str] | None) -> tuple[Location, Future[dict[str, HostRun]] | None]:
        """Where the group runs; under ECX also a clpstat cross-check, started in the background."""
        fleet, fog, nr = self.fleet, self.fog, self.nr
        local = this_node(fleet)
        if self.options.node is not None:
            return node_from_option(fleet, fog, self.options.node), None
        if ecx_group(environ) == fog.name:
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
        for node in fog.nodes:
            outcome = run_on(nr, [node], read_clpstat, local=False)[node]
            if outcome.ok and outcome.result is not None:
                return node_from_clpstat(fleet, fog, outcome.result.result["status"], where=node), None
            if isinstance(outcome.error, InputError):
                raise outcome.error
            errors.append(f"{node}: {error_text(outcome.error)}")
        raise OspfFailoverError(f"clpstat could not be read on any node of {fog.name}: " + "; ".join(errors))

    def report_cross_check(self, cross_check: Future[dict[str, HostRun]], location: Location) -> None:
        """Under ECX, ECX's word wins; clpstat disagreeing is worth a warning and an alert, not a stop."""
        try:
            outcome = cross_check.result(self.deadline - time.monotonic())[location.node]
        except FutureTimeout:
            self.add("locate", "WARN", "clpstat did not answer in time; trusting ECX")
            return
        if not outcome.ok or outcome.result is None:
            self.add("locate", "WARN", f"clpstat unreadable ({error_text(outcome.error)}); trusting ECX")
            return
        try:
            status = outcome.result.result["status"]
            seen = node_from_clpstat(self.fleet, self.fog, status, where="this node", require_online=False)
        except InputError as exc:
            self.run_record.note(self.fog.name, f"clpstat does not confirm yet ({exc}); trusting ECX")
            return
        if seen.node != location.node:
            self.add("locate", "WARN", f"ECX starts {self.fog.name} here but clpstat says {seen.node}; trusting ECX")

    def connect(self, plan: Plan) -> dict[str, NicState] | None:
        """Open every router's session with its first read; None when the active router cannot be reached."""
        since = time.monotonic()
        arguments = {router: reads.arguments() for router, reads in plan.connect_reads().items()}
        first = run_per_host(self.nr, read_router_state, arguments, timeout=self.step_timeout())
        if not first[plan.active].ok:
            self.add("connect", "FAIL", error_text(first[plan.active].error), host=plan.active, since=since)
            return None
        known: dict[str, NicState] = {}
        for router in plan.routers:
            outcome = first[router]
            if outcome.ok and outcome.result is not None:
                state: RouterState = outcome.result.result
                known[router] = state["nics"][plan.nics[router]]
                text = f"session open; {plan.nics[router]} {describe(known[router], plan.gateway)}"
                self.add("connect", "PASS", text, host=router, since=since)
            else:
                why = f"{error_text(outcome.error)}: cannot take its NIC down (network partition?)"
                self.add("connect", "WARN", why, host=router, since=since)
        return known

    def standbys_down(self, plan: Plan, standbys: list[str], known: Mapping[str, NicState]) -> None:
        since = time.monotonic()
        changes = plan.nic_changes(standbys, up=False, known=known)
        for router, outcome in run_per_host(self.nr, set_nic_state, changes, timeout=self.step_timeout()).items():
            if outcome.ok and outcome.result is not None:
                text = outcome.result.diff or already_released_text(known[router])
                self.add("standby-down", "PASS", text, host=router, since=since)
            else:
                self.add("standby-down", "WARN", error_text(outcome.error), host=router, since=since)

    def active_up(self, plan: Plan, known: Mapping[str, NicState]) -> bool:
        since, active = time.monotonic(), plan.active
        changes = plan.nic_changes([active], up=True, known=known)
        up = run_per_host(self.nr, set_nic_state, changes, timeout=self.step_timeout())[active]
        if not up.ok or up.result is None:
            self.add("active-up", "FAIL", error_text(up.error), host=active, since=since)
            return False
        change = up.result.result
        text = up.result.diff or f"{change['nic']} already up with {plan.gateway}"
        self.add("active-up", "PASS", text, host=active, since=since)
        if change["announced"] is False:
            self.add("announce", "WARN", f"gratuitous ARP failed: {change['announce_output']}", host=active)
        elif change["announced"]:
            self.add("announce", "PASS", f"gratuitous ARP for {plan.gateway} sent", host=active)
        return True

    def unreachable_observers(self, sessions: Future[dict[str, HostRun]]) -> dict[str, str]:
        try:
            opened = sessions.result(self.deadline - time.monotonic())
        except FutureTimeout:
            opened = {}
        unreachable = {host: error_text(outcome.error) for host, outcome in opened.items() if not outcome.ok}
        for observer, text in unreachable.items():
            self.add("connect", "WARN", text, host=observer)
        return unreachable
