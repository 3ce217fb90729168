"""The lab's daemons (zebra, ospfd, sshd): found, stopped and started by PID, and host keys swapped."""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import TYPE_CHECKING

from ospf_failover.errors import InputError, LabError

from . import frr, namespaces, sshd

if TYPE_CHECKING:
    from .lab import Lab

DAEMON_NAMES = ("zebra", "ospfd", "sshd")


def pid_file(lab: Lab, host: str, daemon: str) -> Path:
    if daemon == "sshd":
        return lab.host_dir(host) / "ssh" / "sshd.pid"
    if daemon in frr.DAEMONS:
        return lab.host_dir(host) / "frr" / "run" / f"{daemon}.pid"
    raise InputError(f"unknown daemon {daemon!r} (daemons: {', '.join(DAEMON_NAMES)})")


def host_daemons(lab: Lab, host: str) -> list[str]:
    planned = lab.topology.host(host)
    return [*(frr.DAEMONS if planned.runs_frr else ()), *(("sshd",) if planned.runs_sshd else ())]


def daemon_pid(lab: Lab, host: str, daemon: str) -> int | None:
    """PID of ``daemon`` on ``host`` when it runs (read from its pid file, checked in the host's namespace)."""
    try:
        pid = int(pid_file(lab, host, daemon).read_text().split()[0])
    except (FileNotFoundError, ValueError, IndexError):
        return None
    return pid if namespaces.pid_in_namespace(pid, lab.state["hosts"][host]["namespace"]) else None


def stop_daemon(lab: Lab, host: str, daemon: str) -> None:
    """Stop ``daemon`` (zebra, ospfd or sshd) on ``host``: SIGTERM, then SIGKILL after 3 s."""
    if daemon not in host_daemons(lab, host):
        raise InputError(f"{host} runs no {daemon} (it runs {', '.join(host_daemons(lab, host)) or 'none'})")
    pid = daemon_pid(lab, host, daemon)
    if pid is not None and namespaces.kill_pids([pid]):
        raise LabError(f"{host}: {daemon} (PID {pid}) did not stop")
    pid_file(lab, host, daemon).unlink(missing_ok=True)


def start_daemon(lab: Lab, host: str, daemon: str, *, timeout: float = 10.0) -> int:
    """Start ``daemon`` on ``host`` again (no-op if it runs); return its PID once it is ready."""
    if daemon not in host_daemons(lab, host):
        raise InputError(f"{host} runs no {daemon} (it runs {', '.join(host_daemons(lab, host)) or 'none'})")
    pid = daemon_pid(lab, host, daemon)
    if pid is not None:
        return pid
    command = sshd.daemon_command(lab.host_dir(host)) if daemon == "sshd" else frr.daemon_command(daemon)
    lab.run(host, ["sh", "-c", command], timeout=timeout, check=True)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        pid = daemon_pid(lab, host, daemon)
        if pid is not None and (daemon != "sshd" or sshd_listening(lab, host)):
            return pid
        time.sleep(0.05)
    raise LabError(f"{host}: {daemon} did not come up within {timeout:.0f} s")


def change_host_key(lab: Lab, host: str) -> None:
    """Give ``host``'s sshd a new host key without updating known_hosts (clients must refuse it)."""
    key = lab.host_dir(host) / "ssh" / sshd.HOST_KEY_NAME
    saved = key.with_name(key.name + ".orig")
    if not saved.exists():
        key.rename(saved)
        key.with_name(key.name + ".pub").rename(saved.with_name(saved.name + ".pub"))
    sshd.generate_keys([key])
    stop_daemon(lab, host, "sshd")
    start_daemon(lab, host, "sshd")


def restore_host_key(lab: Lab, host: str) -> None:
    """Undo :meth:`change_host_key`: the key in known_hosts is served again."""
    key = lab.host_dir(host) / "ssh" / sshd.HOST_KEY_NAME
    saved = key.with_name(key.name + ".orig")
    if not saved.exists():
        return
    os.replace(saved, key)
    os.replace(saved.with_name(saved.name + ".pub"), key.with_name(key.name + ".pub"))
    stop_daemon(lab, host, "sshd")
    start_daemon(lab, host, "sshd")


def sshd_listening(lab: Lab, host: str) -> bool:
    # /proc/PID/net/tcp shows the sockets of PID's network namespace: no process to spawn.
    try:
        table = Path(f"/proc/{lab.anchor(host)}/net/tcp").read_text()
    except (OSError, LabError):
        return False
    address = str(lab.topology.host(host).mgmt_address)
    wanted = "".join(f"{int(part):02X}" for part in reversed(address.split("."))) + ":0016"
    return any(line.split()[1] == wanted and line.split()[3] == "0A" for line in table.splitlines()[1:])
