"""The TCP connection under a session, tuned for SSH's small request/answer exchanges.

Two TCP habits each cost about 40 ms per exchange when both ends write small messages (measured in the lab):

- Nagle's algorithm holds a small write until the previous one is acknowledged: off (TCP_NODELAY) on our side.
  Connecting and authenticating took about 100 ms with it, under 20 ms without.
- Delayed acknowledgements: the host's sshd leaves Nagle on for sessions without a terminal, and right after
  authentication it sends a notice of its host keys; the answer to our first channel request then waits until
  we acknowledge that notice, which Linux delays by 40 ms. :class:`AckingSocket` acknowledges whatever it has
  read at once (TCP_QUICKACK after each read, where the system has it): the shell then starts in about 1 ms.
"""

from __future__ import annotations

import socket

QUICKACK: int | None = getattr(socket, "TCP_QUICKACK", None)  # Linux only


class AckingSocket(socket.socket):
    """A TCP socket that acknowledges what it has read without delay."""

    def recv(self, size: int, flags: int = 0) -> bytes:
        data = super().recv(size, flags)
        if data and QUICKACK is not None:
            self.setsockopt(socket.IPPROTO_TCP, QUICKACK, 1)
        return data


def tcp_connection(host: str, port: int, *, timeout: float) -> socket.socket:
    """A TCP connection to ``host``:``port`` within ``timeout`` seconds (each address tried in turn), with
    TCP_NODELAY, acknowledging at once. Raises what ``socket.create_connection`` raises (TimeoutError,
    ConnectionRefusedError, OSError, socket.gaierror)."""
    plain = socket.create_connection((host, port), timeout=timeout)
    plain.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    tuned = AckingSocket(fileno=plain.detach())
    tuned.settimeout(timeout)
    return tuned
