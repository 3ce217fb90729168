"""The record of one runbook run over one or more failover groups: rows as they happen, drawn by renderers."""

from __future__ import annotations

import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from .alerts import Alerts
from .rows import Outcome, Row, worst, worst_per_host

if TYPE_CHECKING:
    from .render import Renderer


@dataclass
class FogRun:
    """One failover group's part of a run: its rows, plan, route convergence and, once finished, its verdict."""

    runbook: str
    fog: str
    started: float = field(default_factory=time.monotonic)
    rows: list[Row] = field(default_factory=list)
    plan: dict[str, Any] = field(default_factory=dict)
    convergence: dict[str, float | None] = field(default_factory=dict)
    timing: str = ""  # the runbook's account of its times, drawn after the summary ("route moved: gw1 0.10 s")
    details: dict[str, Any] = field(default_factory=dict)  # keys the runbook adds to the group's document
    alerts: list[str] = field(default_factory=list)
    exit_code: int | None = None
    verdict: str | None = None
    seconds: float | None = None

    @property
    def elapsed(self) -> float:
        return self.seconds if self.seconds is not None else time.monotonic() - self.started

    def worst(self) -> Outcome:
        return worst(self.rows)

    def summary(self) -> str:
        timing = f"; {self.timing}" if self.timing else ""
        return f"{self.runbook} {self.fog}: {self.verdict} in {self.elapsed:.2f} s (exit {self.exit_code}){timing}"

    def as_dict(self) -> dict[str, Any]:
        return {
            "runbook": self.runbook,
            "fog": self.fog,
            "verdict": self.verdict,
            "exit_code": self.exit_code,
            "seconds": round(self.elapsed, 3),
            "plan": self.plan,
            "steps": [row.as_dict() for row in self.rows],
            "hosts": worst_per_host(self.rows),
            "convergence_seconds": {h: (round(s, 3) if s is not None else None) for h, s in self.convergence.items()},
            **self.details,
            "alerts": self.alerts,
        }


class Run:
    """Rows of one run, in order, handed to every renderer as they come; alerts as the run's mode says.

    Rows and notes may come from more than one thread (a run's heartbeat): each is drawn whole, one at a time,
    and ``last_drawn`` says when the last one was.
    """

    def __init__(
        self,
        runbook: str,
        fogs: Sequence[str],
        renderers: Sequence[Renderer],
        *,
        alerts: Alerts | None = None,
    ) -> None:
        self.runbook = runbook
        self.started = time.monotonic()
        self.fogs: dict[str, FogRun] = {name: FogRun(runbook=runbook, fog=name) for name in fogs}
        self.renderers = list(renderers)
        self.alerts = alerts if alerts is not None else Alerts(mode="row" if len(self.fogs) == 1 else "run")
        self.exit_code: int | None = None
        self.last_drawn = self.started  # time.monotonic() of the last row, note or summary drawn
        self._drawing = threading.RLock()

    @property
    def elapsed(self) -> float:
        return time.monotonic() - self.started

    def fog(self, name: str) -> FogRun:
        if name not in self.fogs:
            self.fogs[name] = FogRun(runbook=self.runbook, fog=name)
        return self.fogs[name]

    def add(
        self,
        fog: str,
        step: str,
        outcome: Outcome,
        message: str,
        *,
        host: str | None = None,
        since: float | None = None,
    ) -> Row:
        """A row, drawn and alerted at once; its seconds are those since ``since`` (the engine gives a step's
        start), else since the group's part of the run began."""
        record = self.fog(fog)
        seconds = time.monotonic() - (since if since is not None else record.started)
        row = Row(
            runbook=self.runbook, fog=fog, host=host, step=step, outcome=outcome, message=message, seconds=seconds
        )
        with self._drawing:
            record.rows.append(row)
            for renderer in self.renderers:
                renderer.row(self, row)
            self.last_drawn = time.monotonic()
        alert = self.alerts.for_row(row)
        if alert is not None:
            record.alerts.append(alert)
        return row

    def note(self, fog: str, message: str, *, outcome: Outcome = "PASS") -> None:
        """A line for people (a plan, a wait; a warning such as an alert not sent): drawn, not a row."""
        with self._drawing:
            for renderer in self.renderers:
                renderer.note(self, fog, message, outcome)
            self.last_drawn = time.monotonic()

    def finish_fog(self, fog: str, exit_code: int, verdict: str) -> int:
        """Record ``fog``'s verdict; its summary is drawn once its alerts are out (bounded)."""
        record = self.fog(fog)
        record.exit_code, record.verdict, record.seconds = exit_code, verdict, time.monotonic() - record.started
        self.alerts.wait()
        with self._drawing:
            for renderer in self.renderers:
                renderer.fog_done(self, record)
            self.last_drawn = time.monotonic()
        return exit_code

    def close(self, exit_code: int | None = None) -> int:
        """End the run: the run's alert (many groups), then every renderer's last word. Returns the exit code:
        ``exit_code`` when given, else the highest of the groups' codes."""
        codes = [record.exit_code or 0 for record in self.fogs.values()]
        self.exit_code = exit_code if exit_code is not None else max(codes, default=0)
        self.alerts.for_run(self.runbook, [(name, record.worst()) for name, record in self.fogs.items()])
        self.alerts.wait()
        for renderer in self.renderers:
            renderer.run_done(self)
        return self.exit_code

    def as_dict(self) -> dict[str, Any]:
        """One group: that group's document. Many: the run's, with each group's document inside."""
        if len(self.fogs) == 1:
            return next(iter(self.fogs.values())).as_dict()
        return {
            "runbook": self.runbook,
            "exit_code": self.exit_code,
            "seconds": round(time.monotonic() - self.started, 3),
            "outcomes": {name: record.worst() for name, record in self.fogs.items()},
            "alerts": list(self.alerts.sent),
            "fogs": [record.as_dict() for record in self.fogs.values()],
        }
