"""Verification, after a switch and as the ``verify`` command: poll, bounded, until every host shows the
switch done; a host that could not be reached never passes. The rules are the pure judges of ``judges``."""

from __future__ import annotations

import time
from collections.abc import Mapping, Sequence

from nornir.core import Nornir

from ospf_failover.engine import Outcome, Run, error_text, run_per_host, step_timeout
from ospf_failover.engine.watchdog import WATCHDOG_GRACE
from ospf_failover.errors import EXIT_NOT_VERIFIED, EXIT_OK, ConvergenceTimeout
from ospf_failover.nornir_setup import HostRun
from ospf_failover.polling import wait_until
from ospf_failover.tasks.router_state import Reads, read_router_state

from ..shared.judges import Verdict, judge_adjacencies, judge_host
from .plan import Plan, SwitchOptions

POLL_INTERVAL = 0.05


def verify_switch(
    nr: Nornir,
    *,
    plan: Plan,
    standbys: Sequence[str],
    unreachable: Mapping[str, str],
    options: SwitchOptions,
    run: Run,
    command_timeout: float,
    deadline: float,
    switched_at: float,
) -> tuple[int, str]:
    """Poll the plan's verify reads until every judge holds or the deadline passes; one row per host."""
    fog = plan.fog.name
    reads = plan.verify_reads(standbys, list(unreachable))
    arguments = {host: r.arguments() for host, r in reads.items()}
    first_held: dict[str, float] = {}
    verdicts: dict[str, Verdict] = {host: (False, f"unreachable: {text}") for host, text in unreachable.items()}

    def judge(host: str, outcome: HostRun) -> Verdict:
        if not outcome.ok or outcome.result is None:
            return False, error_text(outcome.error)
        return judge_host(
            host,
            outcome.result.result,
            active=plan.active,
            standbys=standbys,
            prefix=plan.prefix,
            nic=plan.nics.get(host),
            via=plan.via,
        )

    def check() -> tuple[bool, None, str]:
        outcomes = run_per_host(nr, read_router_state, arguments, timeout=step_timeout(deadline, command_timeout))
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
        wait_until(check, what=f"{fog} on {plan.active}", timeout=remaining, interval=POLL_INTERVAL)
    except ConvergenceTimeout:
        converged = False
    if not converged:
        explain_failures(nr, verdicts=verdicts, hosts=[h for h in reads if h != plan.active], deadline=deadline)
    record = run.fog(fog)
    for host in [*standbys, *plan.observers]:
        held = verdicts.get(host, (False, ""))[0]
        record.convergence[host] = first_held.get(host) if held else None
    failed_outcome: Outcome = "FAIL" if options.verify == "fail" else "WARN"
    for host, (holds, text) in verdicts.items():
        moved = first_held.get(host)
        timing = f" (after {moved:.2f} s)" if holds and moved is not None and host != plan.active else ""
        run.add(fog, "verify", "PASS" if holds else failed_outcome, text + timing, host=host, since=since)
    if converged and not unreachable:
        return EXIT_OK, "verified" if options.verify_only else "switched and verified"
    why = f"within {remaining:.0f} s" if not converged else f"({', '.join(unreachable)} unreachable)"
    if options.verify_only:
        return EXIT_NOT_VERIFIED, f"NOT as it should be {why}"
    if options.verify == "warn":
        return EXIT_OK, f"switched, NOT verified {why} (verify=warn)"
    return EXIT_NOT_VERIFIED, f"switched, NOT verified {why}"


def explain_failures(nr: Nornir, *, verdicts: dict[str, Verdict], hosts: list[str], deadline: float) -> None:
    """After a failed verification, say why a router has no right route when its OSPF is the cause.

    Reading OSPF neighbours of every observer on every poll would slow the common case down; one read of the
    failing ones at the end tells "ospfd is not running" or "no adjacency" from a route that is merely late.
    """
    failing = {host: Reads(neighbors=True).arguments() for host in hosts if not verdicts[host][0]}
    timeout = max(0.5, min(5.0, deadline + WATCHDOG_GRACE / 2 - time.monotonic()))
    for host, outcome in run_per_host(nr, read_router_state, failing, timeout=timeout).items():
        holds, text = verdicts[host]
        if not outcome.ok:
            verdicts[host] = (holds, f"{text}; {error_text(outcome.error)}")
            continue
        adjacent, adjacency = judge_adjacencies(outcome.result.result["neighbors"] if outcome.result else None)
        if not adjacent:
            verdicts[host] = (holds, f"{text}; {adjacency}")
