"""What a failed connect means, from the libraries' exception types (never from their messages' wording).

Connecting raises ``socket.timeout`` (a ``TimeoutError``) when TCP gets no answer within the connect timeout,
``ConnectionRefusedError`` or an ``OSError`` (EHOSTUNREACH) when the port refused or the host is unreachable
(paramiko's ``NoValidConnectionsError`` wraps them when it makes the TCP connection itself). Then paramiko
raises ``SSHException`` "Error reading SSH protocol banner" with the cause as its ``__context__``
(``socket.timeout`` past the banner timeout, ``EOFError`` when the server hung up: OpenSSH's MaxStartups does
that), ``BadHostKeyException`` (the offered and the known key) when known_hosts has another key, the host key
policy's exception when it has none, ``AuthenticationException`` (and subclasses) when the key is refused.
netmiko, when it connects itself, re-raises all of these as ``NetmikoTimeoutException`` or
``NetmikoAuthenticationException``, the original as ``__context__``: the whole chain is read, the most telling
first.
"""

from __future__ import annotations

import errno
import socket
from collections.abc import Iterator
from typing import Any

from ospf_failover.errors import AuthenticationFailed, ConnectionFailed, ConnectTimeout, HostKeyError


class UnknownHostKey(Exception):
    """The host offered a key that the inventory's known_hosts does not list (raised by :class:`RefuseUnknownHost`)."""

    def __init__(self, hostname: str, key: Any) -> None:
        self.hostname = hostname
        self.key = key
        super().__init__(f"{hostname} is not in known_hosts")


class RefuseUnknownHost:
    """A paramiko missing-host-key policy: refuse the host, as netmiko's ``ssh_strict`` does with paramiko's
    RejectPolicy, but with an exception of its own type that carries the offered key."""

    def missing_host_key(self, client: Any, hostname: str, key: Any) -> None:
        raise UnknownHostKey(hostname, key)


def chain(exc: BaseException) -> Iterator[BaseException]:
    """``exc`` and what caused it (``__cause__``, else ``__context__``), each once."""
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        yield current
        current = current.__cause__ or current.__context__


def fingerprint(key: Any) -> str | None:
    """A paramiko key's SHA256 fingerprint, as OpenSSH prints it (``SHA256:...``)."""
    value = getattr(key, "fingerprint", None)
    return value if isinstance(value, str) else None


KEY_TYPES = {"ssh-ed25519": "ed25519", "ssh-rsa": "rsa", "ssh-dss": "dsa"}  # SSH's key names, ssh-keyscan's types


def key_type(key: Any) -> str | None:
    """A paramiko key's type as ssh-keyscan's ``-t`` names it (``ed25519``, ``rsa``, ``ecdsa``)."""
    name = key.get_name() if hasattr(key, "get_name") else None
    if not isinstance(name, str):
        return None
    return "ecdsa" if name.startswith("ecdsa-") else KEY_TYPES.get(name)


def classify_connect_error(
    exc: BaseException, *, host: str, address: str, known_hosts: str | None = None
) -> ConnectionFailed:
    """The project's error for a failed connect: host key, authentication, timeout, refusal, or other.
    ``known_hosts``: the file host keys were checked against, named in a host key error's advice."""
    import paramiko
    from netmiko import NetmikoAuthenticationException

    causes = list(chain(exc))

    def first(*types: type[BaseException]) -> BaseException | None:
        return next((cause for cause in causes if isinstance(cause, types)), None)

    if isinstance(bad := first(paramiko.BadHostKeyException), paramiko.BadHostKeyException):
        return HostKeyError(
            host=host,
            address=address,
            reason="host key does not match the inventory's known_hosts",
            offered_fingerprint=fingerprint(bad.key),
            known_fingerprint=fingerprint(bad.expected_key),
            known_hosts=known_hosts,
            key_type=key_type(bad.key),
        )
    if isinstance(unknown := first(UnknownHostKey), UnknownHostKey):
        return HostKeyError(
            host=host,
            address=address,
            reason="host key is not in known_hosts",
            offered_fingerprint=fingerprint(unknown.key),
            known_hosts=known_hosts,
            key_type=key_type(unknown.key),
        )
    if first(paramiko.AuthenticationException, NetmikoAuthenticationException) is not None:
        return AuthenticationFailed(host=host, address=address, reason="SSH key login refused")
    if first(TimeoutError) is not None:  # socket.timeout is TimeoutError
        return ConnectTimeout(host=host, address=address, reason="no SSH answer within the connect timeout")
    if first(socket.gaierror) is not None:
        return ConnectionFailed(host=host, address=address, reason="the address does not resolve")
    if isinstance(failed := first(paramiko.ssh_exception.NoValidConnectionsError, OSError), OSError):
        wrapped = getattr(failed, "errors", {}).values()  # paramiko's: one error per address tried
        codes = {getattr(error, "errno", None) for error in [failed, *wrapped]}
        if errno.ECONNREFUSED in codes:
            return ConnectionFailed(host=host, address=address, reason="SSH port refused the connection")
        if codes & {errno.EHOSTUNREACH, errno.ENETUNREACH}:
            return ConnectionFailed(host=host, address=address, reason="SSH port is unreachable")
    if first(EOFError) is not None:
        return ConnectionFailed(
            host=host, address=address, reason="the host closed the connection before SSH began (too many at once?)"
        )
    text = " ".join(str(exc).split())
    return ConnectionFailed(host=host, address=address, reason=f"SSH connection failed: {text[:200]}")
