"""The step engine every runbook runs on.

A run is opened in one place (:mod:`.opening`: renderers, alerts, the deadline and watchdog, the group's lock,
Nornir's ``with nr:``). A runbook over one failover group is its steps over a typed state (:mod:`.steps`), each
timed by the engine; a run over many opens the same way and records its rows itself. The parts: a pure plan
(per failover group and per host: what to read, what to change), batched per-host I/O (:mod:`.batch`: one round
trip per host per step, covering every group that host serves, timed and followed by Nornir processors), pure
judges, and rows ``(runbook, fog, host, step, outcome, message, seconds)`` recorded by a :class:`~.run.Run` and
drawn by its renderers (:mod:`.render`: ECX's ``[I]/[W]/[E]`` lines, a table for people, one JSON document),
with alerts (:mod:`.alerts`) raised per row for one group and per run for many.
"""

from __future__ import annotations

from .alerts import Alerts
from .batch import in_background, run_per_host, step_timeout
from .opening import OpenRun, Runbook, open_run
from .progress import HostsDone, host_progress
from .render import EcxLines, FogLines, JsonDocument, Renderer, RowTable, Silent, command_renderers
from .rows import Outcome, Row, error_text
from .run import FogRun, Run
from .steps import Ending, Step, StepRun, run_steps

__all__ = [
    "Alerts",
    "EcxLines",
    "Ending",
    "FogLines",
    "FogRun",
    "HostsDone",
    "JsonDocument",
    "OpenRun",
    "Outcome",
    "Renderer",
    "Row",
    "RowTable",
    "Run",
    "Runbook",
    "Silent",
    "Step",
    "StepRun",
    "command_renderers",
    "error_text",
    "host_progress",
    "in_background",
    "open_run",
    "run_per_host",
    "run_steps",
    "step_timeout",
]
