"""The SSH transport: how a host's session opens, and how a batch of commands runs in it.

- :mod:`.plugin`: the Nornir connection plugin ``ospf_failover`` (:class:`SessionPlugin`, registered by entry
  point): the one place every session opens (settings validated, connects in flight bounded, netmiko's SSH
  client), and :func:`session_of`, which tasks use to get their host's session.
- :mod:`.channel`: the session (:class:`Session`): a shell on an exec channel, ``run_batch``.
- :mod:`.terminal`: the session of a device of another platform (:class:`TerminalSession`): netmiko's
  interactive driver for its device type, ``run_batch`` one command after another.
- :mod:`.batch`: the batch protocol (markers, lines), pure.
- :mod:`.errors`: what a failed connect means, by exception type. :mod:`.bound`: the connect bound.

Layering: tasks ask the host for its session and run batches; nothing here knows about tasks.
"""

from __future__ import annotations

from ospf_failover.inventory import SESSION

from .batch import CommandOutput
from .bound import ConnectsInFlight
from .channel import Session
from .errors import classify_connect_error
from .plugin import SessionPlugin, session_of
from .terminal import TerminalSession

__all__ = [
    "SESSION",
    "CommandOutput",
    "ConnectsInFlight",
    "Session",
    "SessionPlugin",
    "TerminalSession",
    "classify_connect_error",
    "session_of",
]
