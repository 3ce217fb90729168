"""A host's session: one SSH connection and, on an exec channel of it, one POSIX shell that runs every batch.

The shell is ``sh`` started by an exec request (no terminal): nothing is echoed, no terminal line discipline
limits or rewrites what goes in, no prompt is waited for, and a batch costs one round trip (write its lines,
read until its end marker, see :mod:`.batch`). Reads block on the channel until data comes, bounded by the
batch's timeout. A session that timed out, or whose channel ended, is ``broken``: it is closed at once and
whoever asks the host for its session next gets a new one.
"""

from __future__ import annotations

import codecs
import threading
import time
from collections.abc import Callable, Sequence
from typing import Any

from ospf_failover.errors import CommandTimeout, DeviceError

from .batch import Batch, CommandOutput

SHELL = "sh"  # run by the login user's shell, as `ssh HOST sh` would
READ_SIZE = 65536


class Session:
    """One host's SSH session (the ``connection`` of the ospf_failover connection plugin)."""

    def __init__(self, *, host: str, client: Any, channel: Any, release: Callable[[bool], None] | None = None) -> None:
        self.host = host
        self._client = client  # paramiko's SSHClient, built and connected by netmiko's code
        self._channel = channel
        self._release = release  # a shared connection (.shared): given back, not closed, when the session ends
        self._lock = threading.Lock()  # one batch at a time on the one shell
        self._closed = False
        self.broken = False

    def run_batch(self, commands: Sequence[str], *, timeout: float) -> list[CommandOutput]:
        """Run ``commands`` in order in one round trip; each command's output and exit status.

        Raises CommandTimeout when the batch does not end within ``timeout`` seconds, DeviceError when the
        session fails or the output cannot be cut (a command that fits no line, markers missing).
        """
        if not commands:
            return []
        try:
            batch = Batch.of(commands)
        except ValueError as exc:
            raise DeviceError(host=self.host, command=commands[0], output="", reason=str(exc)) from exc
        shown = "; ".join(commands)
        deadline = time.monotonic() + timeout
        if not self._lock.acquire(timeout=timeout):
            raise CommandTimeout(host=self.host, command=shown, output="", reason="the session stayed busy")
        try:
            text = self._exchange(batch, deadline, shown, timeout)
        finally:
            self._lock.release()
        try:
            return batch.split(text)
        except ValueError as exc:
            raise DeviceError(host=self.host, command=shown, output=text, reason=f"unreadable output ({exc})") from exc

    def _exchange(self, batch: Batch, deadline: float, shown: str, timeout: float) -> str:
        if self.broken:
            raise DeviceError(host=self.host, command=shown, output="", reason="SSH session failed earlier")
        decoder = codecs.getincrementaldecoder("utf-8")(errors="replace")
        text = ""
        try:
            self._channel.settimeout(max(deadline - time.monotonic(), 0.001))
            self._channel.sendall(batch.text.encode())
            while True:
                found = text.find(batch.end, max(0, len(text) - READ_SIZE - len(batch.end)))
                if found >= 0:
                    return text
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise TimeoutError
                self._channel.settimeout(remaining)
                data = self._channel.recv(READ_SIZE)
                if not data:
                    raise EOFError("the shell's channel ended")
                text += decoder.decode(data)
        except TimeoutError as exc:
            self._break()
            raise CommandTimeout(
                host=self.host, command=shown, output=text, reason=f"no complete answer within {timeout:.0f} s"
            ) from exc
        except Exception as exc:  # EOFError, OSError, paramiko's SSHException: the session is gone
            self._break()
            raise DeviceError(host=self.host, command=shown, output=text, reason=f"SSH session failed: {exc}") from exc

    def _break(self) -> None:
        """After a timeout or a lost channel the shell is in an unknown state: close the connection now (without
        waiting for the host) so that the next batch gets a new session."""
        self.broken = True
        self.close()

    def close(self) -> None:
        if self._closed:
            return
        self._closed = True
        self._channel.close()
        if self._release is not None:
            self._release(self.broken)
        else:
            self._client.close()
