"""Run shell commands over a host's SSH session and get each one's output and exit status.

netmiko's interactive session gives output only; the exit status comes from a marker printed after each
command. Markers are printed with ``printf`` format arguments (``printf '@@OF %s %d %s@@' ...``), so the echo of
the command line, which shows the format and not its result, can never look like one, however the terminal
wraps it. A start marker comes first: what precedes it (the previous prompt, the echo) is ignored. The last
marker doubles as netmiko's ``expect_string``, so no extra prompt round trip is spent, and a fresh token per
batch keeps a command's own output from faking a marker. Several commands go in one round trip: that is how
one SSH exchange reads everything a host needs.
"""

from __future__ import annotations

import re
import secrets
import shlex
from collections.abc import Sequence
from dataclasses import dataclass

from nornir.core.task import Task

from ospf_failover.errors import CommandFailed, CommandTimeout, DeviceError
from ospf_failover.inventory import host_view

from .connection import drop_session, get_session


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


# A terminal takes at most 4095 characters as one input line (the kernel's canonical line buffer) and drops
# the rest: a batch longer than this goes as several lines, each its own round trip, in the same session.
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


ABSENT = 3  # exit status of read_file_command for a file that does not exist


def read_file_command(path: str) -> str:
    """A file's content; exit status ABSENT when there is no such file."""
    quoted = shlex.quote(path)
    return f"if [ -e {quoted} ]; then cat {quoted}; else exit {ABSENT}; fi"


def command_timeout(task: Task) -> float:
    return host_view(task.host).run.timeouts.command


def run_batch(task: Task, commands: Sequence[str], *, timeout: float | None = None) -> list[CommandOutput]:
    """Run ``commands`` in one round trip on the host's session (one per terminal line when they do not fit one
    line, see MAX_LINE); each output with its exit status.

    Bounded by ``timeout`` per round trip (default: the inventory's command timeout). On any failure the session
    is dropped, so that the next call reconnects instead of reusing a session in an unknown state. Raises CommandTimeout
    when the commands do not finish in time, DeviceError when the session fails or the output cannot be cut.
    """
    limit = timeout if timeout is not None else command_timeout(task)
    try:
        runs = chunks(commands, TOKEN_SHAPE)
    except ValueError as exc:
        raise DeviceError(host=task.host.name, command=commands[0], output="", reason=str(exc)) from exc
    outputs: list[CommandOutput] = []
    for run in runs:  # one round trip in all, unless the batch is longer than one terminal line
        outputs += _round_trip(task, run, secrets.token_hex(4), limit)
    return outputs


def _round_trip(task: Task, commands: Sequence[str], token: str, limit: float) -> list[CommandOutput]:
    host = task.host
    session = get_session(task)
    line = build_batch(commands, token)
    try:
        raw = session.send_command(
            line,
            expect_string=rf"@@OF {len(commands) - 1} \d+ {token}@@",
            read_timeout=limit,
            strip_prompt=False,
            strip_command=False,
            cmd_verify=False,
        )
    except Exception as exc:
        drop_session(task)
        if "timeout" in type(exc).__name__.lower() or "timed out" in str(exc).lower():
            raise CommandTimeout(
                host=host.name, command=line, output="", reason=f"no complete answer within {limit:.0f} s"
            ) from exc
        raise DeviceError(host=host.name, command=line, output="", reason=f"SSH session failed: {exc}") from exc
    try:
        return split_batch(str(raw), commands, token)
    except ValueError as exc:
        drop_session(task)
        raise DeviceError(host=host.name, command=line, output=str(raw), reason=f"unreadable output ({exc})") from exc


def run_command(task: Task, command: str, *, timeout: float | None = None, check: bool = True) -> CommandOutput:
    """Run one shell command; with ``check``, a non-zero exit raises CommandFailed carrying the output."""
    (result,) = run_batch(task, [command], timeout=timeout)
    if check and result.exit_status != 0:
        raise CommandFailed(host=task.host.name, command=command, output=result.output, exit_status=result.exit_status)
    return result


def vtysh_command(vtysh: str, *commands: str) -> str:
    """A vtysh invocation running ``commands`` (``vtysh`` may be a prefix such as ``sudo vtysh``)."""
    return " ".join([vtysh, *(f"-c {shlex.quote(c)}" for c in commands)])
