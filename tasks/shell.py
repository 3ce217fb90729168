"""Run shell commands over a host's SSH session and get each one's output and exit status.

netmiko's interactive session gives output only; the exit status comes from a marker printed after each
command (``printf '@@OF <index> <status> <token>@@'``). The marker doubles as netmiko's ``expect_string``, so no
extra prompt round trip is spent, and it cannot be matched early: the echoed command line shows ``%d`` where
the real marker shows digits, and the token is fresh for each batch. Several commands go in one round trip:
that is how one SSH exchange reads everything a host needs.
"""

from __future__ import annotations

import re
import secrets
import shlex
from collections.abc import Sequence
from dataclasses import dataclass

from nornir.core.task import Task

from ospf_failover.errors import CommandFailed, ConnectTimeout, DeviceError
from ospf_failover.tasks.connection import drop_session, get_session


@dataclass(frozen=True)
class CommandOutput:
    command: str
    output: str
    exit_status: int


def _marker_pattern(token: str) -> re.Pattern[str]:
    return re.compile(rf"@@OF (\d+) (\d+) {token}@@")


def build_batch(commands: Sequence[str], token: str) -> str:
    """The one shell line that runs ``commands`` in order, each followed by its status marker."""
    parts = [f"{command}; printf '\\n@@OF {index} %d {token}@@\\n' $?" for index, command in enumerate(commands)]
    return " ; ".join(parts)


def split_batch(text: str, commands: Sequence[str], token: str) -> list[CommandOutput]:
    """Cut a batch's output at its markers (pure; the inverse of :func:`build_batch`)."""
    outputs: list[CommandOutput] = []
    # The session echoes the command line (and may start with the previous prompt): skip past the echo.
    echo_end = text.rfind(f"{token}@@\\n' $?")
    position = text.find("\n", echo_end) + 1 if echo_end >= 0 else 0
    for match in _marker_pattern(token).finditer(text):
        index, status = int(match.group(1)), int(match.group(2))
        if index != len(outputs) or index >= len(commands):
            raise ValueError(f"marker {index} out of order")
        chunk = text[position : match.start()].replace("\r\n", "\n").strip("\n")
        outputs.append(CommandOutput(command=commands[index], output=chunk, exit_status=status))
        position = match.end()
    if len(outputs) != len(commands):
        raise ValueError(f"{len(outputs)} of {len(commands)} command markers seen")
    return outputs


def run_batch(task: Task, commands: Sequence[str], *, timeout: float | None = None) -> list[CommandOutput]:
    """Run ``commands`` in one round trip on the host's session; each output with its exit status.

    Bounded by ``timeout`` (default: the inventory's command timeout). Raises ConnectTimeout when the host
    stops answering and DeviceError when the output cannot be cut into the commands' outputs.
    """
    host = task.host
    session = get_session(task)
    token = secrets.token_hex(4)
    line = build_batch(commands, token)
    limit = timeout if timeout is not None else float(host.get("timeouts", {}).get("command", 10))
    last = len(commands) - 1
    try:
        raw = session.send_command(
            line,
            expect_string=rf"@@OF {last} \d+ {token}@@",
            read_timeout=limit,
            strip_prompt=False,
            strip_command=True,
            cmd_verify=False,
        )
    except Exception as exc:
        name = type(exc).__name__
        if "Timeout" in name or "timeout" in str(exc).lower():
            # The session may hold half an answer now: drop it so the next command starts clean.
            drop_session(task)
            raise ConnectTimeout(
                host=host.name, address=str(host.hostname), reason=f"no answer to {commands[0]!r} within {limit:.0f} s"
            ) from exc
        raise DeviceError(host=host.name, command=line, output="", reason=f"SSH session failed: {exc}") from exc
    try:
        return split_batch(str(raw), commands, token)
    except ValueError as exc:
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
