"""ECX alerts (``clplogcmd``): per row when a run covers one failover group, one per run when it covers many.

Alerts are sent in the background (an alert must not slow a failover down) and waited for, bounded, before the
run's summary is drawn. Without clplogcmd on the machine they are still recorded.
"""

from __future__ import annotations

import math
import shutil
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Literal

from .rows import Outcome, Row

LEVEL: dict[Outcome, str] = {"WARN": "WARN", "FAIL": "ERR"}
ALERT_WAIT = 10.0  # seconds a run waits, in all, for clplogcmd to return
MAX_LISTED = 10  # failover groups named in a run's alert
Mode = Literal["row", "run", "off"]


@dataclass
class Alerts:
    mode: Mode = "row"
    say: Callable[[str], None] = field(default=lambda text: print(text, file=sys.stderr))  # "alert not sent"
    sent: list[str] = field(default_factory=list)
    deadline: float = math.inf  # time.monotonic() after which the run waits for no alert any more (its bound)
    _threads: list[threading.Thread] = field(default_factory=list, repr=False)

    def for_row(self, row: Row) -> str | None:
        """Raise the row's alert in "row" mode (WARN and FAIL rows); return its text when raised."""
        if self.mode != "row" or row.outcome not in LEVEL:
            return None
        return self.send(f"ospf-failover {row.runbook} {row.fog}: {row.text}", row.outcome)

    def for_run(self, runbook: str, outcomes: Sequence[tuple[str, Outcome]]) -> str | None:
        """In "run" mode, one alert naming the failover groups that are not as they should be."""
        bad = [(fog, outcome) for fog, outcome in outcomes if outcome in LEVEL]
        if self.mode != "run" or not bad:
            return None
        level: Outcome = "FAIL" if any(outcome == "FAIL" for _, outcome in bad) else "WARN"
        names = ", ".join(fog for fog, _ in bad[:MAX_LISTED]) + (
            f" (+{len(bad) - MAX_LISTED} more)" if len(bad) > MAX_LISTED else ""
        )
        return self.send(
            f"ospf-failover {runbook}: {len(bad)} of {len(outcomes)} failover group(s) not as they should be: {names}",
            level,
        )

    def send(self, message: str, outcome: Outcome) -> str:
        self.sent.append(message)
        clplogcmd = shutil.which("clplogcmd")
        if clplogcmd is not None:
            thread = threading.Thread(target=self._run, args=(clplogcmd, message, outcome), daemon=True)
            thread.start()
            self._threads.append(thread)
        return message

    def _run(self, clplogcmd: str, message: str, outcome: Outcome) -> None:
        try:
            subprocess.run(
                [clplogcmd, "-m", message[:500], "-l", LEVEL[outcome]],
                timeout=10,
                check=False,
                capture_output=True,
                stdin=subprocess.DEVNULL,
            )
        except (OSError, subprocess.TimeoutExpired) as exc:
            self.say(f"alert not sent: {exc}")

    def wait(self, seconds: float = ALERT_WAIT) -> None:
        """Wait for the alerts sent so far, at most ``seconds`` and not past ``deadline``."""
        deadline = min(time.monotonic() + seconds, self.deadline)
        for thread in self._threads:
            thread.join(max(0.0, deadline - time.monotonic()))
