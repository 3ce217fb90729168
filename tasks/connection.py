"""Open a host's SSH session now (runbooks open every session first, in parallel).

Sessions open through the ``ospf_failover`` connection plugin (:mod:`ospf_failover.transport`): settings
validated, connects in flight bounded, host keys verified against the inventory's known_hosts only, errors
classified (a refused host key is a HostKeyError, never a timeout).
"""

from __future__ import annotations

from nornir.core.task import Result, Task

from ospf_failover.inventory import SESSION
from ospf_failover.transport import TerminalSession, session_of

from .shell import run_command


def open_session(task: Task, *, timeout: float | None = None) -> Result:
    """Open the host's SSH session now and prove it answers, within ``timeout`` when given (the connect's own
    bounds cut to it, then the answer).

    Result: ``result`` is the host's own hostname (``hostname`` run in the session; a device of another platform:
    the name its prompt shows, once its driver prepared the session); ``changed`` is False. Raises a
    ConnectionFailed subclass when the host cannot be reached or logged into.
    """
    session = session_of(task, connect_within=timeout)
    if isinstance(session, TerminalSession):
        return Result(host=task.host, result=session.hostname, changed=False)
    answer = run_command(task, "hostname", timeout=timeout)
    return Result(host=task.host, result=answer.output.strip(), changed=False)


def close_session(task: Task) -> Result:
    """Close the host's SSH session now, when it has one (a run that reads each host once closes it as soon as
    the host is done: no connection, thread or buffer of it is held while the other hosts are read).

    Result: ``result`` is whether a session was open; ``changed`` is False (nothing on the host changes).
    """
    opened = SESSION in task.host.connections
    if opened:
        task.host.close_connection(SESSION)
    return Result(host=task.host, result=opened, changed=False)
