"""The SSH session of a host: opened once per run, bounded, host key verified, errors classified.

Nornir's netmiko connection plugin does the connecting with the inventory's extras (defaults.yaml, validated
at load): key login, host keys verified against the inventory's known_hosts only, connect/auth/banner timeouts.
This module adds what the plugin lacks:
a bound on connects in flight (OpenSSH's MaxStartups refuses bursts), and errors that say what happened.
netmiko reports a refused host key as a *timeout*; here it becomes a :class:`HostKeyError`.
"""

from __future__ import annotations

import contextlib
import threading
from typing import TYPE_CHECKING, Any

from nornir.core.task import Result, Task

from ospf_failover.errors import (
    AuthenticationFailed,
    ConnectionFailed,
    ConnectTimeout,
    HostKeyError,
)
from ospf_failover.inventory import host_view

if TYPE_CHECKING:
    from netmiko import BaseConnection

CONNECTION = "netmiko"
# How these tasks use a session, on top of the inventory's extras: the session is opened by get_session, bounded
# and without netmiko's pauses to learn the prompt, and netmiko's own command pacing is off (see tasks.shell).
SESSION_EXTRAS = {"auto_connect": False, "fast_cli": True}
_slots_lock = threading.Lock()
_slots: dict[int, threading.BoundedSemaphore] = {}


def _connect_slots(limit: int) -> threading.BoundedSemaphore:
    with _slots_lock:
        return _slots.setdefault(limit, threading.BoundedSemaphore(limit))


def classify_connect_error(exc: BaseException, *, host: str, address: str) -> ConnectionFailed:
    """Map netmiko's and paramiko's connect errors to the project's own, by their text where needed."""
    text = " ".join(str(exc).split())
    lowered = text.lower()
    if "host key" in lowered or "known_hosts" in lowered or "badhostkey" in type(exc).__name__.lower():
        detail = (
            "does not match the inventory's known_hosts" if "does not match" in lowered else "is not in known_hosts"
        )
        return HostKeyError(host=host, address=address, reason=f"host key {detail}: refusing to talk to it")
    if type(exc).__name__ == "NetmikoAuthenticationException" or "authentication" in lowered:
        return AuthenticationFailed(host=host, address=address, reason="SSH key login refused")
    if "timed out" in lowered or "timeout" in lowered or "tcp connection to device failed" in lowered:
        return ConnectTimeout(host=host, address=address, reason="no SSH answer within the connect timeout")
    return ConnectionFailed(host=host, address=address, reason=f"SSH connection failed: {text[:200]}")


def get_session(task: Task) -> BaseConnection:
    """The host's netmiko session, opened on first use (at most ``max_connects_in_flight`` opening at once).

    Nornir's plugin builds the netmiko object without connecting (the inventory's extras plus
    :data:`SESSION_EXTRAS`); the SSH connection and the interactive shell are opened here. netmiko's own session
    preparation is skipped on purpose: it spends about 0.2 s in fixed pauses to learn the prompt, and these
    tasks never use the prompt (every command ends at a marker of its own, see ``tasks.shell``).
    """
    host = task.host
    if CONNECTION in host.connections:
        session: BaseConnection = host.connections[CONNECTION].connection
        return session
    limit = host_view(host).run.max_connects_in_flight
    extras = {**(host.get_connection_parameters(CONNECTION).extras or {}), **SESSION_EXTRAS}
    try:
        with _connect_slots(limit):
            plugin = host.open_connection(CONNECTION, configuration=task.nornir.config, extras=extras)
            connection: Any = plugin.connection
            if not getattr(connection, "remote_conn", None):
                connection.establish_connection()
                connection.ansi_escape_codes = True
    except Exception as exc:
        drop_session(task)
        raise classify_connect_error(exc, host=host.name, address=str(host.hostname)) from exc
    result: BaseConnection = connection
    return result


def open_session(task: Task) -> Result:
    """Open the host's SSH session now and prove it answers (runbooks open every session first, in parallel).

    Result: ``result`` is the host's own hostname (``hostname`` run in the session); ``changed`` is False.
    Raises a ConnectionFailed subclass when the host cannot be reached or logged into.
    """
    from .shell import run_command

    answer = run_command(task, "hostname")
    return Result(host=task.host, result=answer.output.strip(), changed=False)


def drop_session(task: Task) -> None:
    """Forget the host's session after a timeout: close its socket without waiting for the host."""
    connection = task.host.connections.pop(CONNECTION, None)
    if connection is None:
        return
    with contextlib.suppress(Exception):  # the transport may be gone already; nothing to wait for
        connection.connection.remote_conn_pre.close()
