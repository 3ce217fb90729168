"""SSH connections shared by the runs of one process (a leader running a node's switches, :mod:`~ospf_failover.
rendezvous`): a host's session is a shell on an exec channel (:mod:`.channel`), so several runs' sessions to one
router can be channels of one SSH connection. A session opened while a pool is on takes a channel on a connection
the pool already holds with the same parameters (no TCP connect, key exchange or authentication), or makes the
connection and lends it to later sessions. A connection carries at most :data:`MAX_CHANNELS` sessions (OpenSSH's
``MaxSessions`` is 10 by default); one whose session broke or whose transport ended lends no more. Pure
bookkeeping: the plugin opens and closes (:mod:`.plugin`).
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

MAX_CHANNELS = 8  # sessions on one SSH connection, below OpenSSH's default MaxSessions (10)
CONNECT_BOUNDS = ("conn_timeout", "banner_timeout", "auth_timeout")  # per session, not the connection's identity


def pool_key(parameters: Mapping[str, Any]) -> str:
    """What makes two sessions' connections the same: every connect parameter (address, port, user, keys, known
    hosts, host key policy, ssh_config) but the bounds on opening it, which each run cuts to its own time."""
    return json.dumps({k: v for k, v in parameters.items() if k not in CONNECT_BOUNDS}, sort_keys=True, default=str)


@dataclass(eq=False)
class Lent:
    """One pooled connection: paramiko's client, the sessions on it now, whether it may take more."""

    client: Any
    channels: int = 1
    usable: bool = True

    def alive(self) -> bool:
        transport = self.client.get_transport()
        return transport is not None and bool(transport.is_active())


@dataclass(frozen=True)
class Ticket:
    """No connection to lend: connect anew. ``owner``: the others asking for this key meanwhile wait for this
    connect (:meth:`ClientPool.add` or :meth:`ClientPool.abandon` lets them go on)."""

    key: str
    owner: bool


@dataclass
class ClientPool:
    """The process's shared connections, by :func:`pool_key`. Runs that start together ask together: one of them
    connects while the others wait for that connection (bounded), so that they share it."""

    _clients: dict[str, list[Lent]] = field(default_factory=dict)
    _connecting: dict[str, threading.Event] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)
    closed: bool = False

    def take(self, key: str, *, wait: float) -> Lent | Ticket:
        """A connection with room for one more session (counted as taken); or, when there is none, a ticket to
        connect anew: at once when nobody is connecting for ``key``, else after waiting at most ``wait`` seconds
        for that connect (whose connection is then tried first)."""
        deadline = time.monotonic() + wait
        while True:
            with self._lock:
                for lent in self._clients.get(key, []):
                    if lent.usable and lent.channels < MAX_CHANNELS and lent.alive():
                        lent.channels += 1
                        return lent
                connecting = self._connecting.get(key)
                if connecting is None:
                    self._connecting[key] = threading.Event()
                    return Ticket(key, owner=True)
            if not connecting.wait(max(0.0, deadline - time.monotonic())):
                return Ticket(key, owner=False)  # that connect is too slow for this session: its own

    def add(self, ticket: Ticket, client: Any) -> Lent:
        """A connection just made for a session (that session counted), lent to later ones."""
        lent = Lent(client)
        with self._lock:
            self._clients.setdefault(ticket.key, []).append(lent)
        self.abandon(ticket)
        return lent

    def abandon(self, ticket: Ticket) -> None:
        """The ticket's connect is over (made, or failed): whoever waited for it asks again."""
        if ticket.owner:
            with self._lock:
                connecting = self._connecting.pop(ticket.key, None)
            if connecting is not None:
                connecting.set()

    def give_back(self, lent: Lent, broken: bool = False) -> None:
        """A session on ``lent`` ended; ``broken``: it failed, the connection lends no more. A connection with no
        session left is closed when it lends no more or the pool is closed; else kept for the next run."""
        with self._lock:
            lent.channels -= 1
            lent.usable = lent.usable and not broken
            done = lent.channels <= 0 and (not lent.usable or self.closed)
            if done:
                for lents in self._clients.values():
                    if lent in lents:
                        lents.remove(lent)
        if done:
            lent.client.close()

    def count(self, key: str) -> int:
        """Connections held for ``key`` (what a test or a report counts)."""
        with self._lock:
            return len(self._clients.get(key, []))

    def close(self) -> None:
        """No more lending; idle connections closed now, the others when their last session ends."""
        with self._lock:
            self.closed = True
            idle = [lent for lents in self._clients.values() for lent in lents if lent.channels <= 0]
            for lents in self._clients.values():
                lents[:] = [lent for lent in lents if lent.channels > 0]
        for lent in idle:
            lent.client.close()
