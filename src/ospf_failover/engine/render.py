"""Renderers: how a run is drawn. A run hands each of them every row as it happens, then the groups' verdicts."""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol, TextIO

from .rows import MARK, Outcome, Row

if TYPE_CHECKING:
    from .run import FogRun, Run


class Renderer(Protocol):
    def row(self, run: Run, row: Row) -> None: ...
    def note(self, run: Run, fog: str, message: str, outcome: Outcome) -> None: ...
    def fog_done(self, run: Run, record: FogRun) -> None: ...
    def run_done(self, run: Run) -> None: ...


@dataclass
class EcxLines:
    """The ``[I]/[W]/[E]`` lines of ECX's per-resource log, one per row as it happens, and each group's summary."""

    stream: TextIO = field(default_factory=lambda: sys.stdout)

    def _print(self, line: str) -> None:
        print(line, file=self.stream, flush=True)

    def row(self, run: Run, row: Row) -> None:
        self._print(f"{MARK[row.outcome]} {run.runbook} {row.fog}: {row.text}")

    def note(self, run: Run, fog: str, message: str, outcome: Outcome) -> None:
        self._print(f"{MARK[outcome]} {run.runbook} {fog}: {message}")

    def fog_done(self, run: Run, record: FogRun) -> None:
        code = record.exit_code
        mark = "[I]" if code == 0 and record.worst() == "PASS" else ("[W]" if code == 0 else "[E]")
        self._print(f"{mark} {record.summary()}")

    def run_done(self, run: Run) -> None:
        return None


class Silent:
    """A renderer that draws nothing but what its subclass overrides."""

    def row(self, run: Run, row: Row) -> None:
        return None

    def note(self, run: Run, fog: str, message: str, outcome: Outcome) -> None:
        return None

    def fog_done(self, run: Run, record: FogRun) -> None:
        return None

    def run_done(self, run: Run) -> None:
        return None


@dataclass
class JsonDocument(Silent):
    """Exactly one JSON document, when the run ends (``--json``: stdout holds nothing else)."""

    stream: TextIO = field(default_factory=lambda: sys.stdout)
    document: Callable[[Run], dict[str, Any]] | None = None  # the runbook's own shape (default: Run.as_dict)

    def run_done(self, run: Run) -> None:
        shaped = self.document(run) if self.document is not None else run.as_dict()
        print(json.dumps(shaped, indent=2), file=self.stream, flush=True)


@dataclass
class FogLines(Silent):
    """One line per failover group as it finishes: its worst outcome and its verdict."""

    stream: TextIO = field(default_factory=lambda: sys.stdout)

    def fog_done(self, run: Run, record: FogRun) -> None:
        print(f"{record.worst().lower():4} {record.fog}: {record.verdict}", file=self.stream, flush=True)


STYLE = {"PASS": "green", "WARN": "yellow", "FAIL": "bold red", "SKIP": "dim"}


OFF_TERMINAL_WIDTH = 100  # columns of a table piped or redirected (cron mail, ECX logs, less), unless COLUMNS says


def table_width(stream: TextIO) -> int | None:
    """The width a table is drawn to: the terminal's own (None: rich measures it), else ``COLUMNS`` or 100."""
    if stream.isatty():
        return None
    columns = os.environ.get("COLUMNS", "")
    return int(columns) if columns.isdigit() and int(columns) >= 40 else OFF_TERMINAL_WIDTH


@dataclass
class RowTable(Silent):
    """A table for people when the run ends: one line per row that is not a plain PASS (``everything``: all),
    then one line per group with its verdict. Plain text when the stream is not a terminal, as wide as the
    terminal or, off a terminal, ``COLUMNS`` or 100 columns, long messages folded, no trailing blanks.
    ``step_header`` names the column of the rows' steps (``CHECK`` when they are checks); ``seconds``: a column
    of each row's seconds, for runbooks whose rows are timed steps."""

    stream: TextIO = field(default_factory=lambda: sys.stdout)
    everything: bool = False
    verdicts: bool = True  # a line per group with its verdict (off when FogLines has said them)
    step_header: str = "STEP"
    seconds: bool = True

    def run_done(self, run: Run) -> None:
        from rich.console import Console  # only runs over many groups draw tables: switch never loads rich
        from rich.table import Table

        terminal = self.stream.isatty()
        console = Console(
            width=table_width(self.stream), no_color=not terminal, highlight=False, force_terminal=terminal
        )
        table = Table(title=f"{run.runbook}: {len(run.fogs)} failover group(s)", title_justify="left")
        for column in ("FOG", "HOST", self.step_header, "OUTCOME"):
            table.add_column(column, overflow="fold")
        table.add_column("MESSAGE", overflow="fold", ratio=1)
        if self.seconds:
            table.add_column("SECONDS", justify="right")
        for record in run.fogs.values():
            for row in record.rows:
                if self.everything or row.outcome != "PASS":
                    cells = [row.fog, row.host or "-", row.step, row.outcome, row.message]
                    cells += [f"{row.seconds:.2f}"] if self.seconds else []
                    table.add_row(*cells, style=STYLE[row.outcome] if terminal else None)
            if self.verdicts:
                cells = [record.fog, "", "verdict", record.worst(), record.verdict or ""]
                table.add_row(*cells, *([f"{record.elapsed:.2f}"] if self.seconds else []))
        if table.row_count:
            with console.capture() as captured:
                console.print(table, markup=False)
            text = "\n".join(line.rstrip() for line in captured.get().splitlines())
            print(text, file=self.stream, flush=True)


def command_renderers(as_json: bool, *, stdout: TextIO | None = None, stderr: TextIO | None = None) -> list[Renderer]:
    """What a runbook command draws: ECX's lines on stdout; with --json the lines on stderr and the one
    document on stdout. ``stdout``/``stderr``: the command's streams when they are not this process's (a run
    served for another process)."""
    out, err = stdout or sys.stdout, stderr or sys.stderr
    if as_json:
        return [EcxLines(err), JsonDocument(out)]
    return [EcxLines(out)]
