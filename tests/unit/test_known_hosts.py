"""Known hosts read once per process: each session's client holds its own host's keys only, as paramiko would
find them in the file (plain, hashed, non-standard port), and a file that changes is read again."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import paramiko
from netmiko import BaseConnection, ConnectHandler

from ospf_failover.transport.known_hosts import KnownHostsFiles, build_client


def host_key(directory: Path, name: str) -> str:
    """A new ed25519 host key's public line (``type base64``)."""
    path = directory / name
    subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", str(path)], check=True, timeout=30)
    return " ".join(path.with_suffix(".pub").read_text().split()[:2])


def netmiko_for(host: str, known_hosts: Path, *, port: int = 22) -> BaseConnection:
    return ConnectHandler(
        device_type="linux",
        host=host,
        port=port,
        username="root",
        use_keys=False,
        allow_agent=False,
        ssh_strict=True,
        system_host_keys=False,
        alt_host_keys=True,
        alt_key_file=str(known_hosts),
        auto_connect=False,
    )


def keys_held(client: paramiko.SSHClient) -> dict[str, list[str]]:
    return {name: [key.get_base64() for key in keys.values()] for name, keys in client.get_host_keys().items()}


def test_each_client_holds_its_hosts_keys_from_one_read_of_the_file(tmp_path: Path) -> None:
    first, second, third = (host_key(tmp_path, name) for name in ("a", "b", "c"))
    known = tmp_path / "known_hosts"
    known.write_text(f"10.0.0.1 {first}\n[10.0.0.2]:2222 {second}\n10.0.0.3 {third}\n")
    subprocess.run(["ssh-keygen", "-q", "-H", "-f", str(known)], check=True, timeout=30)  # 10.0.0.3 hashed too
    files = KnownHostsFiles()
    clients = {
        "10.0.0.1": build_client(netmiko_for("10.0.0.1", known), hostname="10.0.0.1", port=22, files=files),
        "[10.0.0.2]:2222": build_client(
            netmiko_for("10.0.0.2", known, port=2222), hostname="10.0.0.2", port=2222, files=files
        ),
        "10.0.0.3": build_client(netmiko_for("10.0.0.3", known), hostname="10.0.0.3", port=22, files=files),
    }
    assert files.loads == 1, "the file is parsed once for every session"
    for (name, client), line in zip(clients.items(), (first, second, third), strict=True):
        assert keys_held(client) == {name: [line.split()[1]]}, name
    unknown = build_client(netmiko_for("10.0.0.9", known), hostname="10.0.0.9", port=22, files=files)
    assert keys_held(unknown) == {}, "a host the file does not know gets no key: ssh_strict refuses it"
    assert isinstance(unknown._policy, paramiko.RejectPolicy), "netmiko's policy for ssh_strict"


def test_a_changed_file_is_read_again(tmp_path: Path) -> None:
    old, new = host_key(tmp_path, "old"), host_key(tmp_path, "new")
    known = tmp_path / "known_hosts"
    known.write_text(f"10.0.0.1 {old}\n")
    files = KnownHostsFiles()
    before = build_client(netmiko_for("10.0.0.1", known), hostname="10.0.0.1", port=22, files=files)
    known.write_text(f"10.0.0.1 {new}\n")
    stat = known.stat()
    os.utime(known, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))  # even within one clock tick
    after = build_client(netmiko_for("10.0.0.1", known), hostname="10.0.0.1", port=22, files=files)
    assert files.loads == 2
    assert keys_held(before) == {"10.0.0.1": [old.split()[1]]}
    assert keys_held(after) == {"10.0.0.1": [new.split()[1]]}
