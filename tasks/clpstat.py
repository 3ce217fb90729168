"""Read the cluster's status with ECX's ``clpstat``, on this node or over SSH on another one."""

from __future__ import annotations

import shlex
import subprocess
import threading
import time

from nornir.core.task import Result, Task

from ospf_failover.errors import ClpstatBusy, CommandFailed, ConnectTimeout
from ospf_failover.inventory import host_view
from ospf_failover.models import ClpstatReading
from ospf_failover.parsers.clpstat import parse_clpstat

from .shell import CommandOutput, command_timeout, run_command
from .sudo import sudo_refused

CLPSTAT = "clpstat --local"  # the inventory's default (clpstat: sudo -n /usr/sbin/clpstat --local when not root)
BUSY = 9  # clpstat's exit status while the cluster is busy: ask again shortly


def _run_here(command: str, timeout: float) -> CommandOutput:
    try:
        done = subprocess.run(
            shlex.split(command), capture_output=True, text=True, timeout=timeout, check=False, stdin=subprocess.DEVNULL
        )
    except FileNotFoundError:
        return CommandOutput(command=command, output="clpstat: command not found", exit_status=127)
    except subprocess.TimeoutExpired as exc:
        raise ConnectTimeout(host="localhost", address="local", reason=f"{command!r} ran over {timeout:.0f} s") from exc
    return CommandOutput(command=command, output=done.stdout + done.stderr, exit_status=done.returncode)


def read_clpstat(
    task: Task,
    *,
    local: bool,
    max_attempts: int = 10,
    retry_interval: float = 1.0,
    max_wait: float = 30.0,
    timeout: float | None = None,
    busy: threading.Event | None = None,
) -> Result:
    """Run the host's ``clpstat`` command (``clpstat --local`` by default; as a local process when ``local``, else
    over the host's SSH session) and parse it. sudo refusing it raises PrivilegeError.

    While clpstat exits 9 (busy) it is asked again every ``retry_interval`` seconds, at most ``max_attempts``
    times and ``max_wait`` seconds in all; then ClpstatBusy (with the runs and the seconds it took); ``busy`` is
    set at the first busy answer (someone waiting for this read in the background may then stop waiting). Each
    run is bounded by ``timeout`` (default: the inventory's command timeout), and by what is left of
    ``max_wait``. Any other non-zero exit raises CommandFailed with the output; output that is not a complete
    status display raises ParseError (nothing is guessed).

    Result: ``result`` is a ClpstatReading (the parsed status and how many runs it took); ``changed`` is False.
    """
    host = task.host
    command = host_view(host).clpstat
    started = time.monotonic()
    deadline = started + max_wait
    limit = timeout if timeout is not None else command_timeout(task)
    attempt = 0
    while True:
        attempt += 1
        bound = max(0.1, min(limit, deadline - time.monotonic()))
        output = _run_here(command, bound) if local else run_command(task, command, timeout=bound, check=False)
        if output.exit_status == 0:
            reading = ClpstatReading(status=parse_clpstat(output.output), attempts=attempt)
            return Result(host=host, result=reading, changed=False)
        refused = sudo_refused(host.name, output)
        if refused is not None:
            raise refused
        if output.exit_status != BUSY:
            raise CommandFailed(host=host.name, command=command, output=output.output, exit_status=output.exit_status)
        if busy is not None:
            busy.set()
        if attempt >= max_attempts or time.monotonic() + retry_interval > deadline:
            raise ClpstatBusy(
                host=host.name,
                command=command,
                output=output.output,
                exit_status=BUSY,
                attempts=attempt,
                seconds=time.monotonic() - started,
            )
        time.sleep(retry_interval)
