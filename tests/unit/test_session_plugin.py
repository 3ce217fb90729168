"""The session plugin without the lab: connect failures classified by the libraries' exception types (as
paramiko and netmiko raise them, chains included), the TCP connection's settings (on loopback only), the connect
bound, and the settings it refuses to open with."""

from __future__ import annotations

import errno
import socket
import threading
import time
from pathlib import Path
from typing import Any

import paramiko
import pytest
from netmiko import NetmikoAuthenticationException, NetmikoTimeoutException

from ospf_failover.errors import AuthenticationFailed, ConnectionFailed, ConnectTimeout, HostKeyError, InventoryError
from ospf_failover.inventory import SESSION, load_inventory
from ospf_failover.transport import ConnectsInFlight, SessionPlugin, classify_connect_error
from ospf_failover.transport.bound import NoConnectSlot
from ospf_failover.transport.errors import RefuseUnknownHost, UnknownHostKey
from ospf_failover.transport.tcp import QUICKACK, AckingSocket, tcp_connection

REPO_INVENTORY = Path(__file__).resolve().parents[2] / "inventory"
OFFERED, KNOWN = paramiko.RSAKey.generate(1024), paramiko.RSAKey.generate(1024)


def raised_while(outer: BaseException, cause: BaseException) -> BaseException:
    """``outer`` as raised while handling ``cause`` (``cause`` is its ``__context__``): how paramiko reports a
    banner it could not read, and how netmiko's establish_connection re-raises paramiko's errors."""
    try:
        try:
            raise cause
        except BaseException:
            raise outer  # noqa: B904
    except BaseException as raised:
        return raised


def as_netmiko_raises(cause: BaseException) -> BaseException:
    return raised_while(NetmikoTimeoutException("A paramiko SSHException occurred during connection creation"), cause)


def banner_error(cause: BaseException) -> BaseException:
    return raised_while(paramiko.SSHException("Error reading SSH protocol banner"), cause)


def classify(exc: BaseException) -> ConnectionFailed:
    return classify_connect_error(exc, host="vr1", address="192.168.75.251")


@pytest.mark.parametrize("wrapped", [False, True])
def test_a_changed_host_key_carries_both_fingerprints(wrapped: bool) -> None:
    bad = paramiko.BadHostKeyException("192.168.75.251", OFFERED, KNOWN)
    error = classify(as_netmiko_raises(bad) if wrapped else bad)
    assert isinstance(error, HostKeyError) and "host key does not match" in str(error)
    assert error.offered_fingerprint == OFFERED.fingerprint and error.known_fingerprint == KNOWN.fingerprint
    assert error.offered_fingerprint != error.known_fingerprint and OFFERED.fingerprint.startswith("SHA256:")


def test_an_unknown_host_is_refused_by_type_with_the_offered_fingerprint() -> None:
    with pytest.raises(UnknownHostKey) as caught:
        RefuseUnknownHost().missing_host_key(None, "192.168.75.251", OFFERED)
    error = classify(caught.value)
    assert isinstance(error, HostKeyError) and "host key is not in known_hosts" in str(error)
    assert error.offered_fingerprint == OFFERED.fingerprint and error.known_fingerprint is None


CASES: dict[str, tuple[BaseException, type[ConnectionFailed], str]] = {
    "key_refused": (paramiko.AuthenticationException("Authentication failed."), AuthenticationFailed, "refused"),
    "netmiko_key_refused": (
        NetmikoAuthenticationException("Authentication to device failed."),
        AuthenticationFailed,
        "",
    ),
    "tcp_timeout": (socket.timeout("timed out"), ConnectTimeout, "within the connect timeout"),  # noqa: UP041
    "netmiko_tcp_timeout": (as_netmiko_raises(TimeoutError("timed out")), ConnectTimeout, "connect timeout"),
    "banner_timeout": (banner_error(TimeoutError()), ConnectTimeout, "connect timeout"),
    "netmiko_banner_timeout": (as_netmiko_raises(banner_error(TimeoutError())), ConnectTimeout, "connect timeout"),
    "refused": (
        paramiko.ssh_exception.NoValidConnectionsError(
            {("192.168.75.251", 22): ConnectionRefusedError(errno.ECONNREFUSED, "Connection refused")}
        ),
        ConnectionFailed,
        "SSH port refused the connection",
    ),
    "hung_up_before_ssh": (banner_error(EOFError()), ConnectionFailed, "closed the connection before SSH"),
    "unreachable": (OSError(errno.EHOSTUNREACH, "No route to host"), ConnectionFailed, "SSH port is unreachable"),
    # The wording of a message decides nothing: a plain SSHException that speaks of host keys is no HostKeyError.
    "words_only": (paramiko.SSHException("Host key for server 'x' does not match"), ConnectionFailed, "failed"),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_connect_errors_are_classified_by_type(case: str) -> None:
    exc, wanted, text = CASES[case]
    error = classify(exc)
    assert type(error) is wanted and text in str(error), f"{case}: {error!r}"
    assert str(error).startswith("vr1 (192.168.75.251): ")


def test_the_tcp_connection_sends_at_once_and_acknowledges_at_once() -> None:
    with socket.create_server(("127.0.0.1", 0)) as server:
        port = server.getsockname()[1]
        client = tcp_connection("127.0.0.1", port, timeout=5)
        peer, _ = server.accept()
        with client, peer:
            assert isinstance(client, AckingSocket) and client.gettimeout() == 5
            assert client.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY) == 1
            peer.sendall(b"SSH-2.0-test\r\n")
            assert client.recv(100) == b"SSH-2.0-test\r\n"
            if QUICKACK is not None:
                assert client.getsockopt(socket.IPPROTO_TCP, QUICKACK) == 1  # set after the read
    with pytest.raises(ConnectionRefusedError) as caught:
        tcp_connection("127.0.0.1", port, timeout=5)  # nobody listens there any more
    assert "SSH port refused the connection" in str(classify(caught.value))


def test_connects_wait_for_a_slot_below_their_own_limit() -> None:
    bound = ConnectsInFlight()
    entered: list[float] = []

    def connect(limit: int) -> None:
        with bound.slot(limit, timeout=10):
            entered.append(time.monotonic())
            time.sleep(0.2)

    for limit, most, spread in ((2, 2, 0.15), (1, 1, 0.35)):
        bound.most, entered[:] = 0, []
        threads = [threading.Thread(target=connect, args=(limit,)) for _ in range(3)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=10)
        assert bound.most == most and bound.count == 0
        assert max(entered) - min(entered) >= spread  # the third waited for a slot
    with bound.slot(1, timeout=1), pytest.raises(NoConnectSlot), bound.slot(1, timeout=0.1):
        pass


def test_the_plugins_bound_is_one_for_every_host() -> None:
    assert SessionPlugin().connects is SessionPlugin().connects


def open_with(extras: dict[str, Any] | None) -> None:
    SessionPlugin().open("192.0.2.1", "root", None, 22, "linux", extras=extras)  # TEST-NET: never reached


def test_a_session_never_opens_without_the_inventorys_ssh_settings() -> None:
    with pytest.raises(InventoryError) as caught:
        open_with({})  # e.g. a Nornir that gives the plugin no extras
    assert [(p.key, p.message) for p in caught.value.problems] == [
        ("connection_options.netmiko.extras", "missing: netmiko's SSH settings (connection_options.netmiko.extras)")
    ]
    host = load_inventory(REPO_INVENTORY).inventory.hosts["vr1"]
    extras = dict(host.get_connection_parameters(SESSION).extras or {})
    extras["netmiko"] = {**extras["netmiko"], "ssh_strict": False, "conn_timeout": 9000}
    with pytest.raises(InventoryError) as caught:
        open_with(extras)
    keys = {p.key for p in caught.value.problems}
    assert keys == {"connection_options.netmiko.extras.ssh_strict", "connection_options.netmiko.extras.conn_timeout"}
