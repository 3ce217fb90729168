"""The lab's daemons (zebra, ospfd, sshd): found, stopped and started by PID, and host keys swapped."""

from __future__ import annotations

import os
import time
from pathlib import Path

from ospf_failover.errors import InputError, LabError

from . import frr, namespaces, sshd
from .hosts import LabHosts

DAEMON_NAMES = ("zebra", "ospfd", "sshd")


def pid_file(lab: LabHosts, host: str, daemon: str) -> Path:
    if daemon == "sshd":
        return lab.host_dir(host) / "ssh" / "sshd.pid"
    if daemon in frr.DAEMONS:
        return lab.host_dir(host) / "frr" / "run" / f"{daemon}.pid"
    raise InputError(f"unknown daemon {daemon!r} (daemons: {', '.join(DAEMON_NAMES)})")


def host_daemons(lab: LabHosts, host: str) -> list[str]:
    planned = lab.topology.host(lab.checked_host(host))
    return [*(frr.DAEMONS if planned.runs_frr else ()), *(("sshd",) if planned.runs_sshd else ())]


def check_daemon(lab: LabHosts, host: str, daemon: str) -> None:
    """InputError (one line) unless ``host`` is a lab host that runs ``daemon``."""
    if daemon not in DAEMON_NAMES:
        raise InputError(f"unknown daemon {daemon!r} (daemons: {', '.join(DAEMON_NAMES)})")
    running = host_daemons(lab, host)
    if daemon not in running:
        raise InputError(f"{host} runs no {daemon} (it runs {', '.join(running) or 'no daemon'})")


def daemon_pid(lab: LabHosts, host: str, daemon: str) -> int | None:
    """PID of ``daemon`` on ``host`` when it runs (read from its pid file, checked in the host's namespace)."""
    namespace = lab.state["hosts"][lab.checked_host(host)]["namespace"]
    try:
        pid = int(pid_file(lab, host, daemon).read_text().split()[0])
    except (FileNotFoundError, ValueError, IndexError):
        return None
    return pid if namespaces.pid_in_namespace(pid, namespace) else None


def stop_daemon(lab: LabHosts, host: str, daemon: str) -> None:
    """Stop ``daemon`` (zebra, ospfd or sshd) on ``host``: SIGTERM, then SIGKILL after 3 s."""
    check_daemon(lab, host, daemon)
    pid = daemon_pid(lab, host, daemon)
    if pid is not None and namespaces.kill_pids([pid]):
        raise LabError(f"{host}: {daemon} (PID {pid}) did not stop")
    pid_file(lab, host, daemon).unlink(missing_ok=True)


def start_daemon(lab: LabHosts, host: str, daemon: str, *, timeout: float = 10.0) -> int:
    """Start ``daemon`` on ``host`` again (no-op if it runs); return its PID once it is ready."""
    check_daemon(lab, host, daemon)
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


def change_host_key(lab: LabHosts, host: str) -> None:
    """Give ``host``'s sshd a new host key without updating known_hosts (clients must refuse it). Safe to
    repeat: the original key is kept aside once."""
    check_daemon(lab, host, "sshd")
    key = lab.host_dir(host) / "ssh" / sshd.HOST_KEY_NAME
    saved = key.with_name(key.name + ".orig")
    if not saved.exists():
        key.rename(saved)
        key.with_name(key.name + ".pub").rename(saved.with_name(saved.name + ".pub"))
    sshd.generate_keys([key])
    stop_daemon(lab, host, "sshd")
    start_daemon(lab, host, "sshd")


def restore_host_key(lab: LabHosts, host: str) -> None:
    """Undo :func:`change_host_key`: the key in known_hosts is served again (no-op when it is served already)."""
    check_daemon(lab, host, "sshd")
    key = lab.host_dir(host) / "ssh" / sshd.HOST_KEY_NAME
    saved = key.with_name(key.name + ".orig")
    if not saved.exists():
        return
    os.replace(saved, key)
    os.replace(saved.with_name(saved.name + ".pub"), key.with_name(key.name + ".pub"))
    stop_daemon(lab, host, "sshd")
    start_daemon(lab, host, "sshd")


def sshd_listening(lab: LabHosts, host: str) -> bool:
    # /proc/PID/net/tcp shows the sockets of PID's network namespace: no process to spawn.
    try:
        table = Path(f"/proc/{lab.anchor(host)}/net/tcp").read_text()
    except (OSError, LabError):
        return False
    address = str(lab.topology.host(host).mgmt_address)
    wanted = "".join(f"{int(part):02X}" for part in reversed(address.split("."))) + ":0016"
    return any(line.split()[1] == wanted and line.split()[3] == "0A" for line in table.splitlines()[1:])
