"""Run shell commands on a host and get each one's output and exit status.

The host's session (:func:`ospf_failover.transport.session_of`, opened on first use) runs a batch of commands
in one round trip; see :mod:`ospf_failover.transport.batch` for how each command's exit status comes back.
Several commands go in one round trip: that is how one SSH exchange reads everything a host needs.
"""

from __future__ import annotations

import shlex
from collections.abc import Sequence

from nornir.core.task import Task

from ospf_failover.errors import CommandFailed
from ospf_failover.inventory import host_view
from ospf_failover.transport import CommandOutput, session_of

__all__ = [
    "ABSENT",
    "CommandOutput",
    "command_timeout",
    "read_file_command",
    "run_batch",
    "run_command",
    "vtysh_command",
]

ABSENT = 3  # exit status of read_file_command for a file that does not exist


def read_file_command(path: str, reader: str = "cat {path}") -> str:
    """A file's content, printed by ``reader`` (the inventory's ``read_file``, e.g. ``sudo -n /usr/bin/cat
    {path}``); exit status ABSENT when there is no such file (``(exit 3)``: the status, without ending the shell
    that runs the batch)."""
    quoted = shlex.quote(path)
    return f"if [ -e {quoted} ]; then {reader.format(path=quoted)}; else (exit {ABSENT}); fi"


def command_timeout(task: Task) -> float:
    return host_view(task.host).run.timeouts.command


def run_batch(task: Task, commands: Sequence[str], *, timeout: float | None = None) -> list[CommandOutput]:
    """Run ``commands`` in one round trip on the host's session; each output with its exit status.

    Bounded by ``timeout`` (default: the inventory's command timeout), a session opened for it too (connect,
    banner and authentication each cut to it). Raises CommandTimeout when the commands
    do not finish in time, DeviceError when the session fails or the output cannot be cut, a ConnectionFailed
    subclass when the session cannot open. After a timeout or a lost session the next call opens a new one.
    """
    limit = timeout if timeout is not None else command_timeout(task)
    return session_of(task, connect_within=limit).run_batch(commands, timeout=limit)


def run_command(task: Task, command: str, *, timeout: float | None = None, check: bool = True) -> CommandOutput:
    """Run one shell command; with ``check``, a non-zero exit raises CommandFailed carrying the output."""
    (result,) = run_batch(task, [command], timeout=timeout)
    if check and result.exit_status != 0:
        raise CommandFailed(host=task.host.name, command=command, output=result.output, exit_status=result.exit_status)
    return result


def vtysh_command(vtysh: str, *commands: str) -> str:
    """A vtysh invocation running ``commands`` (``vtysh`` may be a prefix such as ``sudo vtysh``)."""
    return " ".join([vtysh, *(f"-c {shlex.quote(c)}" for c in commands)])
