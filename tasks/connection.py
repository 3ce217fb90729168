"""Open a host's SSH session now (runbooks open every session first, in parallel).

Sessions open through the ``ospf_failover`` connection plugin (:mod:`ospf_failover.transport`): settings
validated, connects in flight bounded, host keys verified against the inventory's known_hosts only, errors
classified (a refused host key is a HostKeyError, never a timeout).
"""

from __future__ import annotations

from nornir.core.task import Result, Task

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
