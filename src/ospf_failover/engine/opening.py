"""The one place a run is opened: its record and renderers, its alerts, its bounds (a deadline and a watchdog),
its heartbeat, the group's lock when the runbook takes one, and Nornir, whose own ``with nr:`` closes every
connection (failed hosts' included) when the run lets go of its hosts.

The deadline is the run's ``--timeout`` counted from when the command started (``Runbook.started``) or else
from the opening: every wait of the run is cut to what is left of it (the lock, each Nornir batch, clpstat's
retries, the verification's polls), and the watchdog ends the process WATCHDOG_GRACE after it, whatever it waits
on."""

from __future__ import annotations

import math
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from typing import Literal

from nornir.core import Nornir

from ospf_failover.errors import EXIT_FAILED
from ospf_failover.inventory import Fleet
from ospf_failover.nornir_setup import init_nornir

from .alerts import Alerts, Mode
from .batch import step_timeout
from .heartbeat import Awaited, Heartbeat
from .lock import fog_lock, lock_path
from .render import Renderer
from .run import Run
from .watchdog import WATCHDOG_GRACE, Watchdog

LOCK_WAIT_SHOWN = 0.5  # seconds of waiting for the group's lock worth a line
ALERTS_PAST_DEADLINE = 0.3  # seconds a run that reached its deadline still gives its last alerts
UnsentAlerts = Literal["line", "stderr"]


@dataclass(frozen=True)
class Runbook:
    """What opening a run needs to know of a runbook: its name and groups, how it is drawn and alerted, its
    bounds, whether it holds its group's lock, how Nornir runs its tasks."""

    name: str  # "switch", "check", ...: the rows' runbook
    groups: tuple[str, ...]
    renderers: tuple[Renderer, ...] = ()
    alerts: Mode = "row"  # per WARN/FAIL row, one per run, or none
    unsent_alerts: UnsentAlerts = "line"  # an alert clplogcmd could not take: a [W] line of the group, or stderr
    lock: bool = False  # one group: hold its lock from before the first connection until the run ends
    timeout: float | None = None  # the run's bound: its steps' deadline; the watchdog ends it WATCHDOG_GRACE later
    started: float | None = None  # time.monotonic() the timeout counts from (the command's start); None: the opening
    heartbeat: bool = False  # one group: a line at least every HEARTBEAT_EVERY seconds while the run waits
    failure_exit: int = EXIT_FAILED  # exit code of a run that fails or overruns, until a step says otherwise
    workers: int = 20  # Nornir's threads
    dry_run: bool = False
    # past the bound, instead of this process's last line and exit: the line and exit code handed over (a run
    # served for another process, see ospf_failover.rendezvous)
    overrun: Callable[[str, int], None] | None = None

    def __post_init__(self) -> None:
        if self.lock and (self.timeout is None or len(self.groups) != 1):
            raise ValueError(f"{self.name}: a run holding a group's lock covers one group and has a timeout")
        if self.unsent_alerts == "line" and self.alerts != "off" and len(self.groups) != 1:
            raise ValueError(f"{self.name}: unsent alerts are a group's line in a run over one group only")
        if self.heartbeat and len(self.groups) != 1:
            raise ValueError(f"{self.name}: a heartbeat is a group's line in a run over one group only")

    @property
    def group(self) -> str:
        """The one group of a run over one (switch, verify, release, status)."""
        if len(self.groups) != 1:
            raise ValueError(f"{self.name} covers {len(self.groups)} groups, not one")
        return self.groups[0]


class OpenRun:
    """A run while it holds its hosts: the record rows go to, the deadline, and Nornir once connected."""

    def __init__(self, fleet: Fleet, runbook: Runbook, stack: ExitStack) -> None:
        self.fleet, self.runbook, self._stack = fleet, runbook, stack
        self.run = Run(runbook.name, runbook.groups, runbook.renderers, alerts=Alerts(mode=runbook.alerts))
        self.run.alerts.say = self._say_unsent
        now = time.monotonic()
        origin = runbook.started if runbook.started is not None else now
        self.deadline = math.inf if runbook.timeout is None else origin + runbook.timeout
        self.run.alerts.deadline = self.deadline + ALERTS_PAST_DEADLINE
        self.watchdog: Watchdog | None = None
        self._failure_exit = runbook.failure_exit
        if runbook.timeout is not None:
            label = f"{runbook.name} {' '.join(runbook.groups)}"
            seconds = max(0.0, self.deadline - now) + WATCHDOG_GRACE
            watchdog = Watchdog(label, seconds, exit_code=runbook.failure_exit, expire_with=runbook.overrun)
            self.watchdog = watchdog.start()
            stack.callback(self.watchdog.cancel)  # the first callback is the last one run: it covers the others
        self.heartbeat: Heartbeat | None = None
        if runbook.heartbeat:
            self.heartbeat = Heartbeat(self.run, runbook.group).start()
            stack.callback(self.heartbeat.stop)
        self._nornir: Nornir | None = None

    def _say_unsent(self, text: str) -> None:
        if self.runbook.unsent_alerts == "line":
            self.run.note(self.runbook.group, text, outcome="WARN")
        else:
            print(f"ospf-failover: {text}", file=sys.stderr)

    @property
    def failure_exit(self) -> int:
        """The exit code of a run that fails or overruns from now on (the run's phase)."""
        return self._failure_exit

    @failure_exit.setter
    def failure_exit(self, code: int) -> None:
        self._failure_exit = code
        if self.watchdog is not None:
            self.watchdog.exit_code = code

    @property
    def connected(self) -> bool:
        return self._nornir is not None

    def remaining(self) -> float:
        """Seconds left of the run's timeout (never below 0; infinite without a timeout)."""
        return max(0.0, self.deadline - time.monotonic())

    def awaiting(self, step: str, what: str | Callable[[], str]) -> None:
        """Say what the run waits for from now on, for its heartbeat's lines (no heartbeat: nothing)."""
        if self.heartbeat is not None:
            words = what if callable(what) else (lambda: what)
            self.heartbeat.awaited = Awaited(step=step, since=time.monotonic(), what=words)

    def connect(self) -> Nornir:
        """Nornir over the fleet, opened once: the group's lock first when the runbook takes it (LockTimeout
        once the run's time is up). Both are let go when the run closes, connections before the lock."""
        if self._nornir is None:
            if self.runbook.lock and self.runbook.timeout is not None:  # a lock comes with a timeout (__post_init__)
                group = self.runbook.group
                before = self.heartbeat.awaited if self.heartbeat is not None else None
                self.awaiting("lock", f"another run on {group} to end (it holds {lock_path(group)})")
                waited = self._stack.enter_context(fog_lock(group, timeout=self.remaining()))
                if self.heartbeat is not None:
                    self.heartbeat.awaited = before  # the step's own words again
                if waited > LOCK_WAIT_SHOWN:
                    self.run.note(group, f"waited {waited:.1f} s for another run on {group}")
            nr = init_nornir(self.fleet, dry_run=self.runbook.dry_run, num_workers=self.runbook.workers)
            self._nornir = self._stack.enter_context(nr)
        return self._nornir

    def step_timeout(self) -> float:
        """A step's bound: the inventory's command timeout, cut to what is left of the run."""
        return step_timeout(self.deadline, self.fleet.timeouts.command)


@contextmanager
def open_run(fleet: Fleet, runbook: Runbook) -> Iterator[OpenRun]:
    """Open a run of ``runbook`` over ``fleet``. On leaving, whatever happened: every connection closed (Nornir's
    ``with nr:``), the lock released, the watchdog stopped. The record stays usable to finish and close the run."""
    with ExitStack() as stack:
        yield OpenRun(fleet, runbook, stack)
