"""A refused host key is one line: the host, its address, the offered key's SHA256 fingerprint and the known one's,
that nothing was sent, and what to do; an unknown host says how to add it. Never a 'partition' guess."""

from __future__ import annotations

import paramiko

from ospf_failover.errors import ConnectTimeout, HostKeyError
from ospf_failover.runbooks.switch.steps import not_reached, untouched_text
from ospf_failover.transport import classify_connect_error
from ospf_failover.transport.errors import RefuseUnknownHost, UnknownHostKey, key_type

OFFERED, KNOWN = paramiko.RSAKey.generate(1024), paramiko.RSAKey.generate(1024)
KNOWN_HOSTS = "/opt/ospf-failover/inventory/known_hosts"


def refused(exc: BaseException) -> HostKeyError:
    error = classify_connect_error(exc, host="vr3", address="192.168.75.123", known_hosts=KNOWN_HOSTS)
    assert isinstance(error, HostKeyError), repr(error)
    return error


def test_a_changed_host_key_is_one_line_with_both_fingerprints() -> None:
    error = refused(paramiko.BadHostKeyException("192.168.75.123", OFFERED, KNOWN))
    line = str(error)
    assert "\n" not in line
    assert line == (
        "vr3 (192.168.75.123): host key does not match the inventory's known_hosts: "
        f"it offers {OFFERED.fingerprint}, known_hosts has {KNOWN.fingerprint}; nothing was sent to it (a rebuilt "
        "router, or another machine answering at 192.168.75.123): check the key on the router itself before "
        f"replacing its line in {KNOWN_HOSTS}"
    )
    assert "partition" not in untouched_text(error) and untouched_text(error) == line
    assert not_reached(error) == "host key refused"


def test_an_unknown_host_says_how_to_add_it() -> None:
    try:
        RefuseUnknownHost().missing_host_key(None, "192.168.75.123", OFFERED)
    except UnknownHostKey as exc:
        error = refused(exc)
    line = str(error)
    assert line.startswith(f"vr3 (192.168.75.123): host key is not in known_hosts: it offers {OFFERED.fingerprint}; ")
    assert "nothing was sent to it" in line
    assert line.endswith(
        "to trust it, compare that with the router's own key (ssh-keygen -lf /etc/ssh/ssh_host_rsa_key.pub on it), "
        f"then add it: ssh-keyscan -t rsa 192.168.75.123 >> {KNOWN_HOSTS}"
    )


def test_the_reason_stays_what_other_runbooks_read() -> None:
    error = refused(paramiko.BadHostKeyException("192.168.75.123", OFFERED, KNOWN))
    assert error.reason == "host key does not match the inventory's known_hosts"


def test_key_types_as_ssh_keyscan_names_them() -> None:
    assert key_type(OFFERED) == "rsa"
    assert key_type(object()) is None


def test_no_ssh_answer_may_still_be_a_partition() -> None:
    timeout = ConnectTimeout(host="vr1", address="192.168.75.251", reason="no SSH answer within the connect timeout")
    assert untouched_text(timeout).endswith("cannot take its NIC down (network partition?)")
    assert not_reached(timeout) == "unreachable"
