"""Verification, the last step of a switch and of the verify command: poll, bounded, until every host shows the
group where it runs; stop early when what is wrong cannot converge (:mod:`.progress`); a host that could not be
reached never passes. The rules are the pure judges of ``shared.judges``; the times, :mod:`.timing`.

Each host keeps its own pace (:class:`~ospf_failover.engine.reads.HostReads`, when by :mod:`.pace`): it is read
again soon after its own last read was judged not right, never waiting for a slower host's read; the verdict is
every host's last read, right at once and recent when all were. Nor does the poll wait for every observer's
session: each observer is read as soon as its session opened, so that one observer slow to connect neither
delays nor skews the others' times.
"""

from __future__ import annotations

import time

from nornir.core import Nornir

from ospf_failover.engine import Ending, Outcome, StepRun, error_text, run_per_host
from ospf_failover.engine.reads import HostReads
from ospf_failover.errors import EXIT_NOT_VERIFIED, EXIT_OK, ConvergenceTimeout, NotConverging
from ospf_failover.models import Fact, RouterState
from ospf_failover.nornir_setup import HostRun
from ospf_failover.polling import wait_until
from ospf_failover.tasks.router_state import Reads, read_router_state

from ..shared.judges import Verdict, judge_adjacencies, judge_host
from .pace import READ_GAP, Pace
from .progress import DEFAULT_GRACE, Patience, Poll, Progress, dead_interval, grace_for, judge_poll, route_where
from .state import SwitchState
from .steps import not_reached, report_cross_check
from .timing import RouteClock

SETTLE_WAIT = 0.25  # seconds a verification that did not pass waits for its reads in flight to end
EXPLAIN_PAST_DEADLINE = 0.5  # seconds past the deadline the explanation of a failed verification may take


class Watch:
    """One verification: the polls, what each found, and when."""

    def __init__(self, state: SwitchState, step: StepRun) -> None:
        self.state, self.step, self.plan = state, step, state.plan
        self.clock = RouteClock(state.moved_at if state.moved_at is not None else step.started)
        self.opening = dict(state.observer_sessions)  # observers whose session is still opening
        self.ready: list[str] = []  # observers whose session is open
        self.unreachable: dict[str, str] = {}  # observers whose session did not open, with why in a few words
        self.unreachable_rows: dict[str, str] = {}  # ... and in full, for their rows
        self.verdicts: dict[str, Verdict] = {}
        self.states: dict[str, RouterState] = {}  # each host's last read
        self.progress = Progress()
        self.dead_s: int | None = None
        self.timers_asked = False
        self.patience = Patience(grace=DEFAULT_GRACE)
        self.reading = HostReads(step.nornir, read_router_state)
        self.failed: dict[str, str] = {}  # hosts whose last read failed, with why
        self.pace = Pace(self.plan.active)

    @property
    def switched(self) -> bool:
        return self.state.moved_at is not None

    def collect_sessions(self) -> None:
        """Observers whose background session is done: ready to be read, or unreachable (a row ``connect``)."""
        for host, future in list(self.opening.items()):
            if not future.done():
                continue
            del self.opening[host]
            try:
                timed = future.result()
                outcome = timed.outcomes[host]
            except Exception as exc:  # the background work itself failed: the host is not read, never passed
                outcome, finished = HostRun(result=None, error=exc), time.monotonic()
            else:
                finished = timed.finished
            if outcome.ok:
                self.ready.append(host)
                self.clock.opened(host, at=finished, took=outcome.seconds)
            else:
                self.unreachable[host] = not_reached(outcome.error)
                self.unreachable_rows[host] = error_text(outcome.error)
                self.step.add("WARN", error_text(outcome.error), host=host, step="connect")

    def reads(self) -> dict[str, Reads]:
        every = self.plan.verify_reads(self.state.standbys, timers=not self.timers_asked)
        return {host: reads for host, reads in every.items() if host in self.plan.routers or host in self.ready}

    def judge(self, host: str, outcome: HostRun) -> Verdict:
        if not outcome.ok or outcome.result is None:
            return False, error_text(outcome.error)
        plan = self.plan
        return judge_host(
            host,
            outcome.result.result,
            active=plan.active,
            standbys=self.state.standbys,
            prefix=plan.prefix,
            nic=plan.nics.get(host),
            via=plan.via,
        )

    def start_reads(self, wanted: dict[str, Reads], now: float) -> None:
        """Start each host's next read when it is due (:class:`.pace.Pace`)."""
        for host, reads in wanted.items():
            after = None if self.reading.busy(host) else self.pace.due(host, now)
            if after is not None:
                self.reading.start(host, reads.arguments(), after=after, timeout=self.step.timeout)

    def check(self) -> tuple[bool, None, str]:
        """Start the reads due, take those that ended (waiting for the first read to end or session to open),
        judge each host and the whole over every host's last read (wait_until's check); NotConverging once a
        state that cannot converge has lasted the grace."""
        self.collect_sessions()
        wanted = self.reads()
        self.start_reads(wanted, time.monotonic())
        ended = self.reading.collect(timeout=self.step.remaining(), also=list(self.opening.values()))
        now = time.monotonic()
        for host, read in ended.items():
            outcome = read.outcome
            self.verdicts[host] = self.judge(host, outcome)
            self.pace.read(host, at=read.at, right=self.verdicts[host][0], failed=not outcome.ok)
            if outcome.ok and outcome.result is not None:
                self.states[host] = outcome.result.result
                self.failed.pop(host, None)
                if host != self.plan.active:
                    self.clock.read(host, at=read.at, holds=self.verdicts[host][0])
            else:
                self.failed[host] = error_text(outcome.error)
            if host == self.plan.active:
                self.learn_grace(outcome)
        seen = {host: self.states[host] for host in wanted if host in self.states and host not in self.failed}
        failed = {host: text for host, text in self.failed.items() if host in wanted}
        self.progress = judge_poll(
            self.plan, Poll(reads=seen, failed=failed, pending=tuple(self.opening), untouched=self.state.untouched)
        )
        if self.patience.see(stuck=bool(self.progress.stuck), now=now):
            raise NotConverging(causes=self.progress.stuck, seconds=self.patience.lasted(now))
        right = self.pace.verdict(wanted, now)
        return right and not self.opening, None, self.progress.text()

    def learn_grace(self, active: HostRun | None) -> None:
        """From the active router's first read that asked for them: its OSPF timers, hence the grace."""
        if self.timers_asked or active is None or not active.ok or active.result is None:
            return
        self.timers_asked = True
        self.dead_s = dead_interval(active.result.result.get("ospf_interfaces"), self.plan.via)
        self.patience.grace = grace_for(self.dead_s)

    def awaited(self) -> str:
        """The heartbeat's words: what is still missing, and from whom."""
        if self.progress.stuck:
            lasted = self.patience.lasted(time.monotonic())
            grace = f"{lasted:.0f} of {self.patience.grace:.0f} s grace"
            return f"what cannot converge to change ({grace}): {self.progress.text()}"
        return self.progress.text() if self.verdicts else "the first reads"

    def grace_text(self) -> str:
        if self.dead_s is None:
            return f"{self.patience.grace:.0f} s, the OSPF dead interval not read"
        return f"twice OSPF's dead interval of {self.dead_s} s"


def verify(state: SwitchState, step: StepRun) -> Ending:
    """Poll; then what ran in the background (clpstat's cross-check), which the poll never waits for."""
    watch = Watch(state, step)
    if watch.switched and state.options.verify == "off":
        watch.collect_sessions()
        if state.cross_check is not None:
            report_cross_check(state, step, state.cross_check)
        step.add("SKIP", "verification off")
        return Ending(EXIT_OK, "switched (not verified)")
    return poll(watch)


def poll(watch: Watch) -> Ending:
    """Poll until every judge holds, the state cannot converge, or the deadline passes; one row per host."""
    state, step, plan = watch.state, watch.step, watch.plan
    remaining = step.remaining()
    step.awaiting(watch.awaited)
    result, stopped = "verified", None
    try:
        wait_until(
            watch.check,
            what=f"{plan.fog.name} on {plan.active}",
            timeout=remaining,
            interval=0,
            max_attempts=checks_bound(remaining, hosts=len(plan.routers) + len(plan.observers)),
        )
    except NotConverging as stuck:
        result, stopped = "stuck", stuck
    except ConvergenceTimeout:
        result = "timeout"
    # verified: reads still in flight (of hosts already right) end on their own, their outcome unused
    still = watch.reading.settle(timeout=SETTLE_WAIT) if result != "verified" else []
    if result == "timeout":
        verdicts = {host: verdict for host, verdict in watch.verdicts.items() if host not in still}
        explain_failures(step.nornir, verdicts=verdicts, deadline=step.deadline, plan_active=plan.active)
        watch.verdicts.update(verdicts)
    for host in watch.opening:  # still no session when the time was up
        watch.unreachable[host] = "unreachable"
        watch.unreachable_rows[host] = "no SSH session within the run's time"
    if state.cross_check is not None:
        report_cross_check(state, step, state.cross_check)
    report(watch, stopped)
    return verdict(watch, result=result, remaining=remaining)


def checks_bound(seconds: float, *, hosts: int) -> int:
    """A bound in count on a verification's checks, beside its bound in time: each check takes at least one
    ended read or opened session, and a host is read at most about once per READ_GAP."""
    return int((seconds + 1) * (hosts + 1) / READ_GAP) + 100


def report(watch: Watch, stopped: NotConverging | None) -> None:
    """A row per host, the cause that stopped the poll, and the group's timings (summary and document)."""
    state, step, plan = watch.state, watch.step, watch.plan
    failed: Outcome = "FAIL" if state.options.verify == "fail" else "WARN"
    for host, text in watch.unreachable_rows.items():
        step.add(failed, f"unreachable: {text}", host=host)
    order = [plan.active, *plan.standbys, *plan.observers]
    for host, (holds, text) in sorted(watch.verdicts.items(), key=lambda item: order.index(item[0])):
        timing = watch.clock.row_text(host) if watch.switched and host != plan.active else ""
        step.add("PASS" if holds else failed, text + timing, host=host)
    causes = stopped.causes if stopped is not None else ()
    if stopped is not None:
        step.add(
            failed,
            f"cannot converge: {'; '.join(causes)} (stopped after {stopped.seconds:.1f} s: {watch.grace_text()})",
        )
    watched = [*plan.standbys, *plan.observers]
    not_read = {**state.untouched, **watch.unreachable}
    record = step.record
    where = {
        host: (route_where(plan, watch.states[host]["routes"].get(plan.prefix, [])) if host in watch.states else None)
        for host in watched
    }
    record.details["routes"] = {host: text or not_read.get(host, "not read") for host, text in where.items()}
    record.details["cannot_converge"] = list(causes)
    if watch.switched:
        record.convergence = watch.clock.as_dict(watched)
        record.details["first_read_seconds"] = watch.clock.first_reads(watched)
        record.timing = watch.clock.summary(watched, not_read)
    else:
        shown = ", ".join(f"{host} {text or not_read.get(host, 'not read')}" for host, text in where.items())
        record.timing = f"route to {plan.prefix}: {shown}" if shown else ""


def verdict(watch: Watch, *, result: str, remaining: float) -> Ending:
    state = watch.state
    unreachable = list(watch.unreachable) if watch.switched else [*state.untouched, *watch.unreachable]
    if result == "verified" and not unreachable:
        return Ending(EXIT_OK, "switched and verified" if watch.switched else "verified")
    if result == "stuck":
        why = ": waiting cannot help"
    elif result == "timeout":
        why = f" within {remaining:.0f} s"
    else:
        why = f" ({', '.join(unreachable)} unreachable)"
    if not watch.switched:
        return Ending(EXIT_NOT_VERIFIED, f"NOT as it should be{why}")
    if state.options.verify == "warn":
        return Ending(EXIT_OK, f"switched, NOT verified{why} (verify=warn)")
    return Ending(EXIT_NOT_VERIFIED, f"switched, NOT verified{why}")


def explain_failures(nr: Nornir, *, verdicts: dict[str, Verdict], deadline: float, plan_active: str) -> None:
    """After a verification that ran out of time, say why a host has no right route when its OSPF is the cause.

    Reading OSPF neighbours of every observer on every poll would slow the common case down; one read of the
    failing ones at the end tells "ospfd is not running" or "no adjacency" from a route that is merely late. It
    may take EXPLAIN_PAST_DEADLINE past the deadline, no more.
    """
    hosts = [host for host, (holds, _) in verdicts.items() if not holds and host != plan_active]
    timeout = deadline + EXPLAIN_PAST_DEADLINE - time.monotonic()
    if not hosts or timeout < 0.05:
        return
    failing = {host: Reads(facts=(Fact.OSPF_NEIGHBORS,)).arguments() for host in hosts}
    for host, outcome in run_per_host(nr, read_router_state, failing, timeout=timeout).items():
        holds, text = verdicts[host]
        if not outcome.ok:
            verdicts[host] = (holds, f"{text}; {error_text(outcome.error)}")
            continue
        adjacent, adjacency = judge_adjacencies(outcome.result.result["neighbors"] if outcome.result else None)
        if not adjacent:
            verdicts[host] = (holds, f"{text}; {adjacency}")
