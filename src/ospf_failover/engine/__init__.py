"""The step engine every runbook runs on.

A runbook is a pure plan (per failover group and per host: what to read, what to change), batched per-host I/O
(:mod:`.batch`: one round trip per host per step, covering every group that host serves), pure judges, and
rows ``(runbook, fog, host, step, outcome, message, seconds)`` recorded by a :class:`~.run.Run` and drawn by its
renderers (:mod:`.render`: ECX's ``[I]/[W]/[E]`` lines, a table for people, one JSON document), with alerts
(:mod:`.alerts`) raised per row for one group and per run for many.
"""

from __future__ import annotations

from .alerts import Alerts
from .batch import in_background, run_per_host, step_timeout
from .progress import HostsDone, host_progress
from .render import EcxLines, FogLines, JsonDocument, Renderer, RowTable, command_renderers
from .rows import Outcome, Row, error_text
from .run import FogRun, Run

__all__ = [
    "Alerts",
    "EcxLines",
    "FogLines",
    "FogRun",
    "HostsDone",
    "JsonDocument",
    "Outcome",
    "Renderer",
    "Row",
    "RowTable",
    "Run",
    "command_renderers",
    "error_text",
    "host_progress",
    "in_background",
    "run_per_host",
    "step_timeout",
]
