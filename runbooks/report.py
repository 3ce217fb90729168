"""What a runbook tells its operator: one line per step as it happens, a summary, and one JSON document.

Step lines follow the original start.sh's spirit (``[I]``, ``[W]``, ``[E]``) so that they read well in ECX's
per-resource log. With ``--json`` the step lines go to stderr and stdout holds exactly one JSON document.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from typing import Any, Literal, TextIO

from ospf_failover.errors import OspfFailoverError

Outcome = Literal["PASS", "WARN", "FAIL", "SKIP"]
_MARK: dict[Outcome, str] = {"PASS": "[I]", "WARN": "[W]", "FAIL": "[E]", "SKIP": "[I]"}
_ALERT_LEVEL: dict[Outcome, str] = {"WARN": "WARN", "FAIL": "ERR"}
ALERT_WAIT = 10.0  # seconds finish() waits, in all, for clplogcmd to return


def error_text(error: BaseException | None) -> str:
    """An error as one line for a step: the project's own errors say it all, others get their type."""
    if isinstance(error, OspfFailoverError):
        return str(error)
    return f"{type(error).__name__}: {error}"


@dataclass
class Step:
    name: str  # "locate", "connect", "standby-down", "active-up", "verify", ...
    host: str | None
    outcome: Outcome
    message: str
    seconds: float

    def as_dict(self) -> dict[str, Any]:
        return {
            "step": self.name,
            "host": self.host,
            "outcome": self.outcome,
            "message": self.message,
            "seconds": round(self.seconds, 3),
        }


@dataclass
class Report:
    """The running record of one runbook run; printing happens as steps are added."""

    runbook: str
    fog: str
    stream: TextIO = field(default_factory=lambda: sys.stdout)
    alert: bool = True
    steps: list[Step] = field(default_factory=list)
    plan: dict[str, Any] = field(default_factory=dict)
    convergence: dict[str, float | None] = field(default_factory=dict)
    started: float = field(default_factory=time.monotonic)
    alerts: list[str] = field(default_factory=list)
    _alert_threads: list[threading.Thread] = field(default_factory=list, repr=False)

    def add(
        self, name: str, outcome: Outcome, message: str, *, host: str | None = None, since: float | None = None
    ) -> Step:
        seconds = time.monotonic() - (since if since is not None else self.started)
        step = Step(name=name, host=host, outcome=outcome, message=message, seconds=seconds)
        self.steps.append(step)
        where = f"[{host}] " if host else ""
        print(f"{_MARK[outcome]} {self.runbook} {self.fog}: {name}: {where}{message}", file=self.stream, flush=True)
        if outcome in _ALERT_LEVEL and self.alert:
            self.send_alert(f"ospf-failover {self.runbook} {self.fog}: {name}: {where}{message}", outcome)
        return step

    def info(self, message: str) -> None:
        print(f"[I] {self.runbook} {self.fog}: {message}", file=self.stream, flush=True)

    def send_alert(self, message: str, outcome: Outcome) -> None:
        """Raise an alert in ECX's alert log with clplogcmd, when this machine has it (in the background: an
        alert must not slow the failover down; :meth:`finish` waits for the alerts, bounded)."""
        self.alerts.append(message)
        clplogcmd = shutil.which("clplogcmd")
        if clplogcmd is None:
            return
        thread = threading.Thread(target=self._run_clplogcmd, args=(clplogcmd, message, outcome), daemon=True)
        thread.start()
        self._alert_threads.append(thread)

    def _run_clplogcmd(self, clplogcmd: str, message: str, outcome: Outcome) -> None:
        try:
            subprocess.run(
                [clplogcmd, "-m", message[:500], "-l", _ALERT_LEVEL[outcome]],
                timeout=10,
                check=False,
                capture_output=True,
                stdin=subprocess.DEVNULL,
            )
        except (OSError, subprocess.TimeoutExpired) as exc:
            print(f"[W] {self.runbook} {self.fog}: alert not sent: {exc}", file=self.stream, flush=True)

    @property
    def elapsed(self) -> float:
        return time.monotonic() - self.started

    def worst(self) -> Outcome:
        outcomes = {step.outcome for step in self.steps}
        candidates: tuple[Outcome, ...] = ("FAIL", "WARN")
        for outcome in candidates:
            if outcome in outcomes:
                return outcome
        return "PASS"

    def hosts(self) -> dict[str, Outcome]:
        """The worst outcome seen per host."""
        order = {"SKIP": 0, "PASS": 1, "WARN": 2, "FAIL": 3}
        worst: dict[str, Outcome] = {}
        for step in self.steps:
            if step.host is None:
                continue
            if step.host not in worst or order[step.outcome] > order[worst[step.host]]:
                worst[step.host] = step.outcome
        return worst

    def summary(self, exit_code: int, verdict: str) -> str:
        moved = ", ".join(
            f"{host} {seconds:.2f} s" if seconds is not None else f"{host} not moved"
            for host, seconds in self.convergence.items()
        )
        timing = f"; route moved: {moved}" if moved else ""
        return f"{self.runbook} {self.fog}: {verdict} in {self.elapsed:.2f} s (exit {exit_code}){timing}"

    def as_dict(self, exit_code: int, verdict: str) -> dict[str, Any]:
        return {
            "runbook": self.runbook,
            "fog": self.fog,
            "verdict": verdict,
            "exit_code": exit_code,
            "seconds": round(self.elapsed, 3),
            "plan": self.plan,
            "steps": [step.as_dict() for step in self.steps],
            "hosts": self.hosts(),
            "convergence_seconds": {h: (round(s, 3) if s is not None else None) for h, s in self.convergence.items()},
            "alerts": self.alerts,
        }

    def finish(self, exit_code: int, verdict: str, *, as_json: bool) -> int:
        deadline = time.monotonic() + ALERT_WAIT
        for thread in self._alert_threads:
            thread.join(max(0.0, deadline - time.monotonic()))
        mark = "[I]" if exit_code == 0 and self.worst() == "PASS" else ("[W]" if exit_code == 0 else "[E]")
        print(f"{mark} {self.summary(exit_code, verdict)}", file=self.stream, flush=True)
        if as_json:
            print(json.dumps(self.as_dict(exit_code, verdict), indent=2), flush=True)
        return exit_code
