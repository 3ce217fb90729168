"""A session on a network device's own CLI: netmiko's interactive driver for the host's device type.

A site gateway of another vendor (Cisco IOS, Junos, ...) has no POSIX shell to run a batch in. Its session is
netmiko's real driver for its device type (``CiscoIosSSH``, ``JuniperJunosSSH``...), connected with what every
session of the tool connects with (:mod:`.plugin`: netmiko's SSH client from the inventory's extras, the host key
refused by type when unknown, the tool's TCP connection, the connect bound), then prepared by the driver itself:
it finds the prompt and sends the device's own session commands (paging off, terminal width), as it would for
any netmiko user. A batch sends its commands one after another, each read until the prompt comes back (the
driver strips the command's echo and the prompt; no extra round trip to learn the prompt: it is learnt once, at
connect). Exit statuses are 0: a device CLI has none, its error answers are text the vendor readers refuse.
Besides the driver's session commands and the ``exit`` that ends the session, only the commands a batch gives
are sent (the vendor readers' ``show`` commands). A timeout or a lost connection breaks the session: it is
closed at once, and the next batch gets a new one.
"""

from __future__ import annotations

import contextlib
import re
import socket
import threading
import time
from collections.abc import Sequence
from typing import Any

from ospf_failover.errors import CommandTimeout, DeviceError

from .batch import CommandOutput
from .errors import RefuseUnknownHost
from .tcp import tcp_connection


class TerminalSession:
    """One host's session on its CLI (the ``connection`` of the ospf_failover connection plugin for a host whose
    platform is not ``linux``)."""

    def __init__(self, *, host: str, driver: Any, prompt: str) -> None:
        self.host = host
        self._driver = driver  # netmiko's connection object for the device type, prepared
        self.prompt = prompt  # the device's prompt as found after the session preparation ("gw1#")
        # The prompt ends an answer: at the end of what was read, after a line end (not the same text inside it).
        self._prompt_end = re.compile(rf"(?:^|[\r\n]){re.escape(prompt)}\s*$")
        self._lock = threading.Lock()
        self.broken = False

    @property
    def hostname(self) -> str:
        """The device's name, from its prompt (``gw1#``, Junos ``user@gw2>``)."""
        return self.prompt.rstrip("#>$% ").split("@")[-1]

    def run_batch(self, commands: Sequence[str], *, timeout: float) -> list[CommandOutput]:
        """Send ``commands`` in order, each output read until the prompt; all within ``timeout`` seconds.

        Raises CommandTimeout when the answers do not all come in time, DeviceError when the session fails.
        """
        if not commands:
            return []
        deadline = time.monotonic() + timeout
        if not self._lock.acquire(timeout=timeout):
            raise CommandTimeout(host=self.host, command=commands[0], output="", reason="the session stayed busy")
        try:
            return [self._send(command, deadline, timeout) for command in commands]
        finally:
            self._lock.release()

    def _send(self, command: str, deadline: float, timeout: float) -> CommandOutput:
        from netmiko.exceptions import ReadTimeout

        if self.broken:
            raise DeviceError(host=self.host, command=command, output="", reason="SSH session failed earlier")
        remaining = deadline - time.monotonic()
        try:
            if remaining <= 0:
                raise ReadTimeout("no time left")
            output = self._driver.send_command(
                command,
                expect_string=self._prompt_end.pattern,
                read_timeout=remaining,
                strip_prompt=True,
                strip_command=True,
            )
        except ReadTimeout as exc:
            self._break()
            raise CommandTimeout(
                host=self.host, command=command, output="", reason=f"no complete answer within {timeout:.0f} s"
            ) from exc
        except Exception as exc:  # OSError, EOFError, paramiko's SSHException: the session is gone
            self._break()
            raise DeviceError(host=self.host, command=command, output="", reason=f"SSH session failed: {exc}") from exc
        return CommandOutput(command=command, output=str(output), exit_status=0)

    def _break(self) -> None:
        self.broken = True
        self._driver.paramiko_cleanup()

    def close(self) -> None:
        """End the session as a user would (``exit``), without waiting for the device, and close it."""
        if not self.broken:
            with contextlib.suppress(Exception):  # the connection may be gone already; it is closed below anyway
                self._driver.write_channel("exit" + self._driver.RETURN)
        self._driver.paramiko_cleanup()


def connect_terminal(*, name: str, parameters: dict[str, Any], preparation_timeout: float) -> TerminalSession:
    """Connect with netmiko's driver for ``parameters["device_type"]`` and let it prepare the session; the whole
    of it bounded by ``preparation_timeout`` seconds (after that the connection is closed under the driver)."""
    from netmiko import ConnectHandler

    driver = ConnectHandler(**parameters, auto_connect=False)
    driver.key_policy = RefuseUnknownHost()  # as every session: an unknown host is refused with a type of its own
    own_socket: socket.socket | None = None
    if driver._connect_params_dict().get("sock") is None:  # no ProxyCommand from an ssh_config: ours (.tcp)
        own_socket = driver.sock = tcp_connection(driver.host, driver.port, timeout=driver.conn_timeout)
    expired = threading.Event()

    def expire() -> None:
        expired.set()
        if own_socket is not None:
            own_socket.close()
        elif driver.remote_conn_pre is not None:
            driver.remote_conn_pre.close()

    timer = threading.Timer(preparation_timeout, expire)
    timer.daemon = True
    timer.start()
    try:
        driver._open()  # SSH, the interactive shell, then the driver's session preparation
        prompt = driver.find_prompt()
    except BaseException as exc:
        driver.paramiko_cleanup()
        if own_socket is not None:
            own_socket.close()
        if expired.is_set():
            raise TimeoutError(f"the session was not ready within {preparation_timeout:.0f} s") from exc
        raise
    finally:
        timer.cancel()
    return TerminalSession(host=name, driver=driver, prompt=prompt)
