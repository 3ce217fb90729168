"""A runbook over one failover group as its steps: each a function of the run's typed state, run in order and
timed by the engine, until one ends the run with an exit code and a verdict.

The engine opens the run (:mod:`.opening`), takes the group's lock and opens Nornir before the first step that
connects, and turns the project's errors into rows and exit codes: bad input (``InputError``) is refused at the
step that met it (exit 2, nothing touched); any other error fails the run at the exit code of its phase (a step
may move the phase on, as the switch does once the active router took over) unless the step that raised it
says what it means (``on_error``). A run whose time is up starts no further step: it ends at its phase's exit
code, saying which step it did not reach.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

from nornir.core import Nornir

from ospf_failover.errors import EXIT_BAD_INPUT, InputError, OspfFailoverError
from ospf_failover.inventory import Fleet

from .opening import OpenRun, Runbook, open_run
from .rows import Outcome, Row
from .run import FogRun

S = TypeVar("S")
REFUSED = "refused, nothing touched"
FAILED = "failed"


def out_of_time(timeout: float | None, step: str) -> str:
    """The verdict of a run whose time ran out before ``step``."""
    bound = f" (--timeout {timeout:g} s)" if timeout is not None else ""
    return f"out of time{bound} before {step}"


@dataclass(frozen=True)
class Ending:
    """How a run ends: its exit code and its verdict."""

    exit_code: int
    verdict: str


class StepRun:
    """One step while it runs: the rows it adds are timed from its start, by the engine."""

    def __init__(self, opened: OpenRun, name: str, *, connects: bool = False) -> None:
        self.opened, self.name, self.connects = opened, name, connects
        self.started = time.monotonic()
        opened.awaiting(name, f"{name} to finish")

    @property
    def fog(self) -> str:
        return self.opened.runbook.group

    @property
    def record(self) -> FogRun:
        """The group's record: its plan and route convergence go there."""
        return self.opened.run.fog(self.fog)

    @property
    def nornir(self) -> Nornir:
        """Nornir, for a step that connects (the run's lock held, if it takes one)."""
        if not self.connects:
            raise RuntimeError(f"step {self.name} does not connect")
        return self.opened.connect()

    @property
    def deadline(self) -> float:
        return self.opened.deadline

    def timeout(self) -> float:
        """A bound for one Nornir run in this step: the inventory's command timeout, cut to what is left."""
        return self.opened.step_timeout()

    def remaining(self) -> float:
        """Seconds left of the run's timeout."""
        return self.opened.remaining()

    def awaiting(self, what: str | Callable[[], str], *, step: str | None = None) -> None:
        """What this step waits for from now on, in words for the run's heartbeat (``gw2's SSH session``)."""
        self.opened.awaiting(step or self.name, what)

    def add(self, outcome: Outcome, message: str, *, host: str | None = None, step: str | None = None) -> Row:
        """A row of this step (``step``: under another row name, as the switch's ``announce``), its seconds
        those since the step began."""
        run = self.opened.run
        return run.add(self.fog, step or self.name, outcome, message, host=host, since=self.started)

    def note(self, message: str, *, outcome: Outcome = "PASS") -> None:
        self.opened.run.note(self.fog, message, outcome=outcome)


@dataclass(frozen=True)
class Step(Generic[S]):
    """A named step: ``do(state, step)`` reads and extends the state, adds rows, and returns an Ending to end the
    run there (None: on to the next step)."""

    name: str  # the rows' step name ("locate", "connect", ...)
    do: Callable[[S, StepRun], Ending | None]
    connects: bool = False  # it talks to hosts: the group's lock is taken and Nornir opened before it, once a run
    changes: bool = False  # it changes hosts (a run that only looks leaves it out)
    phase_exit: Callable[[S], int] | None = None  # once it is done: the exit code of a failure or an overrun
    on_error: Callable[[S, StepRun, OspfFailoverError], Ending] | None = None  # what an error in it means


def run_steps(fleet: Fleet, runbook: Runbook, prepare: Callable[[], S], steps: Sequence[Step[S]]) -> int:
    """Open the run, build its state with ``prepare`` (its bad input refused like a step's), run ``steps`` in
    order; then, with the hosts let go, the group's verdict and the run's end. Returns the exit code."""
    with open_run(fleet, runbook) as opened:
        ending = _through(opened, prepare, steps)
    opened.run.finish_fog(runbook.group, ending.exit_code, ending.verdict)
    return opened.run.close(ending.exit_code)


def _through(opened: OpenRun, prepare: Callable[[], S], steps: Sequence[Step[S]]) -> Ending:
    doing: StepRun | None = None
    run, fog = opened.run, opened.runbook.group
    try:
        state = prepare()
        for step in steps:
            doing = StepRun(opened, step.name, connects=step.connects)
            if step.connects and time.monotonic() >= opened.deadline:
                doing.add("FAIL", f"not started: the run's {opened.runbook.timeout:g} s are up")
                return Ending(opened.failure_exit, out_of_time(opened.runbook.timeout, step.name))
            ending = _step(opened, state, step, doing)
            if ending is not None:
                return ending
            if step.phase_exit is not None:
                opened.failure_exit = step.phase_exit(state)
    except InputError as error:
        if doing is None:  # met while preparing: refused before the first step
            run.add(fog, steps[0].name, "FAIL", str(error))
        else:
            doing.add("FAIL", str(error))
        return Ending(EXIT_BAD_INPUT, REFUSED)
    except OspfFailoverError as error:
        run.add(fog, opened.runbook.name, "FAIL", str(error), since=doing.started if doing else None)
        return Ending(opened.failure_exit, FAILED)
    raise RuntimeError(f"{opened.runbook.name}: no step ended the run")


def _step(opened: OpenRun, state: S, step: Step[S], doing: StepRun) -> Ending | None:
    try:
        if step.connects:
            opened.connect()
        return step.do(state, doing)
    except OspfFailoverError as error:
        if step.on_error is None:
            raise
        return step.on_error(state, doing, error)
