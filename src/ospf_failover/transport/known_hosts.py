"""Known hosts files read once per process, each host's keys looked up once.

netmiko's client loads the whole known hosts file for every session it opens, and paramiko then looks the host
up entry by entry (a hashed entry costs an HMAC each time): over a fleet that is every entry parsed once per
host, the work growing with the square of the fleet (measured: 130 sessions, 17,000 keys parsed, a million
name comparisons). Here each file is parsed once while it does not change (its modification time, size and
inode), each host name looked up in it once, and a session's client holds only its host's keys: the same
answer paramiko would give, as netmiko's settings ask (``system_host_keys``: the user's own known hosts, first;
``alt_host_keys`` with ``alt_key_file``: the inventory's file).
"""

from __future__ import annotations

import os
import threading
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # paramiko is imported when a session opens, not by every command that loads this package
    import paramiko

SSH_PORT = 22
SYSTEM_FILE = "~/.ssh/known_hosts"


def host_key_name(hostname: str, port: int) -> str:
    """The name a known hosts file knows a server by (as paramiko looks it up)."""
    return hostname if port == SSH_PORT else f"[{hostname}]:{port}"


@dataclass
class _Parsed:
    stamp: tuple[int, int, int]  # modification time (ns), size, inode
    keys: paramiko.HostKeys
    found: dict[str, list[paramiko.PKey]] = field(default_factory=dict)  # name -> its keys, first per key type


class KnownHostsFiles:
    """Known hosts files parsed once while they do not change; thread-safe."""

    def __init__(self) -> None:
        self._parsed: dict[str, _Parsed] = {}
        self._lock = threading.Lock()
        self.loads = 0  # files parsed (for tests and measurements)

    def keys_for(self, path: str, name: str) -> list[paramiko.PKey] | None:
        """``name``'s keys in the known hosts file ``path`` (paramiko's answer: the first entry of each key type),
        or None when the file has none for it. Raises OSError when the file cannot be read."""
        info = os.stat(path)
        stamp = (info.st_mtime_ns, info.st_size, info.st_ino)
        with self._lock:
            parsed = self._parsed.get(path)
            if parsed is None or parsed.stamp != stamp:
                from paramiko import HostKeys

                parsed = _Parsed(stamp=stamp, keys=HostKeys(path))
                self._parsed[path] = parsed
                self.loads += 1
            if name not in parsed.found:
                entry = parsed.keys.lookup(name)
                parsed.found[name] = [entry[key_type] for key_type in dict.fromkeys(entry)] if entry is not None else []
            return parsed.found[name] or None


FILES = KnownHostsFiles()  # every session of this process reads through it


def build_client(netmiko: Any, *, hostname: str, port: int, files: KnownHostsFiles = FILES) -> paramiko.SSHClient:
    """The SSH client netmiko's ``_build_ssh_client`` would build for ``netmiko`` (its client class, its
    missing-key policy), holding only the known keys of ``hostname``:``port``: the user's known hosts when
    ``system_host_keys`` is on (they win when they know the host, as in paramiko), else the inventory's
    ``alt_key_file`` when ``alt_host_keys`` is on and the file exists."""
    client: paramiko.SSHClient = netmiko._get_ssh_client_instance()
    name = host_key_name(hostname, port)
    keys: list[paramiko.PKey] | None = None
    if netmiko.system_host_keys:
        try:
            keys = files.keys_for(os.path.expanduser(SYSTEM_FILE), name)
        except OSError:  # paramiko ignores a user's known hosts it cannot read
            keys = None
    if keys is None and netmiko.alt_host_keys and os.path.isfile(netmiko.alt_key_file):
        keys = files.keys_for(netmiko.alt_key_file, name)
    for key in keys or ():
        client.get_host_keys().add(name, key.get_name(), key)
    client.set_missing_host_key_policy(netmiko.key_policy)
    return client
