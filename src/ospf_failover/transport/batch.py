"""The batch protocol: several shell commands in one round trip, each with its own output and exit status (pure).

A batch goes to a POSIX shell as lines: each line runs its commands in order, printing a marker after each
(``printf '@@OF %s %d %s@@' INDEX $? TOKEN``: the exit status comes from the marker), after a start marker; what
precedes the start marker (anything a shell prints first) is ignored. Markers are printed with ``printf``
format arguments, so the text of the line itself, which shows the format and not its result, can never look
like one, and a fresh token per line keeps a command's own output from faking a marker.

Each line runs in a subshell with stdin from /dev/null and stderr merged into stdout (:func:`shell_line`): a
command can neither read the batch's own input, nor change the shell the session keeps (``cd``, ``exit``), and
its error text comes in order with its output, as on a terminal. The shell prints an end marker after each line,
so a line whose commands ended early is known at once, not at the timeout.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class CommandOutput:
    command: str
    output: str
    exit_status: int


def build_batch(commands: Sequence[str], token: str) -> str:
    """The one shell line that runs ``commands`` in order, after a start marker, each followed by its marker."""
    parts = [f"printf '\\n@@OF %s %s@@\\n' start {token}"]
    parts += [f"{command}; printf '\\n@@OF %s %d %s@@\\n' {index} $? {token}" for index, command in enumerate(commands)]
    return " ; ".join(parts)


# Lines are kept short, so a batch never depends on how long an input line the remote shell (or a terminal,
# which drops what goes past 4095 characters) accepts; all the lines of a batch go in one write, one round trip.
MAX_LINE = 3500
TOKEN_SHAPE = "0" * 8  # as long as a batch's token (secrets.token_hex(4)), for measuring lines


def chunks(commands: Sequence[str], token: str, *, limit: int = MAX_LINE) -> list[list[str]]:
    """``commands`` cut into runs whose batch line (:func:`build_batch`) stays within ``limit`` characters."""
    runs: list[list[str]] = [[]]
    for command in commands:
        if len(build_batch([command], token)) > limit:
            raise ValueError(f"a command of {len(command)} characters does not fit one terminal line")
        if runs[-1] and len(build_batch([*runs[-1], command], token)) > limit:
            runs.append([])
        runs[-1].append(command)
    return [run for run in runs if run]


def split_batch(text: str, commands: Sequence[str], token: str) -> list[CommandOutput]:
    """Cut a batch's output at its markers (pure; the inverse of :func:`build_batch`)."""
    start = re.search(rf"@@OF start {token}@@", text)
    if start is None:
        raise ValueError("start marker not seen")
    outputs: list[CommandOutput] = []
    position = start.end()
    for match in re.compile(rf"@@OF (\d+) (\d+) {token}@@").finditer(text, start.end()):
        index, status = int(match.group(1)), int(match.group(2))
        if index != len(outputs) or index >= len(commands):
            raise ValueError(f"marker {index} out of order")
        chunk = text[position : match.start()].replace("\r\n", "\n").strip("\n")
        outputs.append(CommandOutput(command=commands[index], output=chunk, exit_status=status))
        position = match.end()
    if len(outputs) != len(commands):
        raise ValueError(f"{len(outputs)} of {len(commands)} command markers seen")
    return outputs


def end_marker(token: str) -> str:
    return f"@@OF end {token}@@"


def shell_line(commands: Sequence[str], token: str) -> str:
    """One line of a batch for a shell the session keeps: :func:`build_batch` in a subshell (stdin /dev/null,
    stderr merged), then the line's end marker."""
    return f"( {build_batch(commands, token)} ) </dev/null 2>&1; printf '\\n@@OF %s %s@@\\n' end {token}\n"


@dataclass(frozen=True)
class Batch:
    """A batch as sent: its lines (runs of commands, each with its token) and the text that carries them."""

    runs: tuple[tuple[tuple[str, ...], str], ...]

    @classmethod
    def of(cls, commands: Sequence[str]) -> Batch:
        """``commands`` in lines of at most MAX_LINE characters; ValueError for a command that fits no line."""
        return cls(tuple((tuple(run), secrets.token_hex(4)) for run in chunks(commands, TOKEN_SHAPE)))

    @property
    def text(self) -> str:
        return "".join(shell_line(run, token) for run, token in self.runs)

    @property
    def end(self) -> str:
        """What ends the batch's output: the last line's end marker."""
        return end_marker(self.runs[-1][1])

    def split(self, text: str) -> list[CommandOutput]:
        """Every command's output, in order (ValueError when a line's markers are not all there)."""
        return [output for run, token in self.runs for output in split_batch(text, run, token)]
