"""Verification, the last step of a switch and of the verify command: poll, bounded, until every host shows the
group where it runs; a host that could not be reached never passes. The rules are the pure judges of
``shared.judges``."""

from __future__ import annotations

import time

from nornir.core import Nornir

from ospf_failover.engine import Ending, Outcome, StepRun, error_text, run_per_host
from ospf_failover.engine.watchdog import WATCHDOG_GRACE
from ospf_failover.errors import EXIT_NOT_VERIFIED, EXIT_OK, ConvergenceTimeout
from ospf_failover.models import Fact
from ospf_failover.nornir_setup import HostRun
from ospf_failover.polling import wait_until
from ospf_failover.tasks.router_state import Reads, read_router_state

from ..shared.judges import Verdict, judge_adjacencies, judge_host
from .state import SwitchState
from .steps import report_cross_check, unreachable_observers

POLL_INTERVAL = 0.05


def verify(state: SwitchState, step: StepRun) -> Ending:
    """First what ran in the background (observers' sessions, clpstat's cross-check), then the poll."""
    unreachable = unreachable_observers(state, step)
    if state.cross_check is not None:
        report_cross_check(state, step, state.cross_check)
    if state.moved_at is not None and state.options.verify == "off":
        step.add("SKIP", "verification off")
        return Ending(EXIT_OK, "switched (not verified)")
    return poll(state, step, unreachable)


def poll(state: SwitchState, step: StepRun, unreachable: dict[str, str]) -> Ending:
    """Poll the plan's verify reads until every judge holds or the deadline passes; one row per host."""
    plan, standbys, nr, deadline = state.plan, state.standbys, step.nornir, step.deadline
    moved_at = state.moved_at if state.moved_at is not None else step.started  # verify: from its own start
    reads = plan.verify_reads(standbys, list(unreachable))
    arguments = {host: r.arguments() for host, r in reads.items()}
    first_held: dict[str, float] = {}
    verdicts: dict[str, Verdict] = {host: (False, f"unreachable: {text}") for host, text in unreachable.items()}

    def judge(host: str, outcome: HostRun) -> Verdict:
        if not outcome.ok or outcome.result is None:
            return False, error_text(outcome.error)
        nic = plan.nics.get(host)
        return judge_host(
            host,
            outcome.result.result,
            active=plan.active,
            standbys=standbys,
            prefix=plan.prefix,
            nic=nic,
            via=plan.via,
        )

    def check() -> tuple[bool, None, str]:
        outcomes = run_per_host(nr, read_router_state, arguments, timeout=step.timeout())
        now = time.monotonic()
        for host, outcome in outcomes.items():
            verdicts[host] = judge(host, outcome)
            if verdicts[host][0]:
                first_held.setdefault(host, now - moved_at)
        wrong = [f"{host}: {text}" for host, (holds, text) in verdicts.items() if not holds and host in reads]
        return not wrong, None, "; ".join(wrong)

    remaining = max(0.0, deadline - time.monotonic())
    converged = True
    try:
        wait_until(check, what=f"{plan.fog.name} on {plan.active}", timeout=remaining, interval=POLL_INTERVAL)
    except ConvergenceTimeout:
        converged = False
    if not converged:
        explain_failures(nr, verdicts=verdicts, hosts=[h for h in reads if h != plan.active], deadline=deadline)
    for host in [*standbys, *plan.observers]:
        held = verdicts.get(host, (False, ""))[0]
        step.record.convergence[host] = first_held.get(host) if held else None
    failed: Outcome = "FAIL" if state.options.verify == "fail" else "WARN"
    for host, (holds, text) in verdicts.items():
        moved = first_held.get(host)
        timing = f" (after {moved:.2f} s)" if holds and moved is not None and host != plan.active else ""
        step.add("PASS" if holds else failed, text + timing, host=host)
    return verdict(state, converged=converged, unreachable=unreachable, remaining=remaining)


def verdict(state: SwitchState, *, converged: bool, unreachable: dict[str, str], remaining: float) -> Ending:
    switched = state.moved_at is not None
    if converged and not unreachable:
        return Ending(EXIT_OK, "switched and verified" if switched else "verified")
    why = f"within {remaining:.0f} s" if not converged else f"({', '.join(unreachable)} unreachable)"
    if not switched:
        return Ending(EXIT_NOT_VERIFIED, f"NOT as it should be {why}")
    if state.options.verify == "warn":
        return Ending(EXIT_OK, f"switched, NOT verified {why} (verify=warn)")
    return Ending(EXIT_NOT_VERIFIED, f"switched, NOT verified {why}")


def explain_failures(nr: Nornir, *, verdicts: dict[str, Verdict], hosts: list[str], deadline: float) -> None:
    """After a failed verification, say why a router has no right route when its OSPF is the cause.

    Reading OSPF neighbours of every observer on every poll would slow the common case down; one read of the
    failing ones at the end tells "ospfd is not running" or "no adjacency" from a route that is merely late.
    """
    failing = {host: Reads(facts=(Fact.OSPF_NEIGHBORS,)).arguments() for host in hosts if not verdicts[host][0]}
    timeout = max(0.5, min(5.0, deadline + WATCHDOG_GRACE / 2 - time.monotonic()))
    for host, outcome in run_per_host(nr, read_router_state, failing, timeout=timeout).items():
        holds, text = verdicts[host]
        if not outcome.ok:
            verdicts[host] = (holds, f"{text}; {error_text(outcome.error)}")
            continue
        adjacent, adjacency = judge_adjacencies(outcome.result.result["neighbors"] if outcome.result else None)
        if not adjacent:
            verdicts[host] = (holds, f"{text}; {adjacency}")
