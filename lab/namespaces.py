"""Network namespaces and processes of the lab: create, find, enter, kill. Nothing outside ``ofl-`` namespaces.

Links are created inside the switch namespace and their host ends moved straight into the host's namespace
(``ip -n ofl-sw link add ... peer name eth0 netns ofl-vr1``): no interface ever exists in the root namespace.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterable, Sequence
from pathlib import Path

from ospf_failover.errors import LabError

from .topology import NAMESPACE_PREFIX, Topology

NETNS_DIR = Path("/run/netns")
IP = "ip"
NSENTER = "nsenter"

DEFAULT_ROOT_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"


def tool_path() -> Path:
    """The ospf-failover console script of the running Python (the venv's), put on PATH inside the lab."""
    return Path(sys.executable).parent / "ospf-failover"


def inner_path() -> str:
    """PATH inside lab hosts for `lab exec`/`Lab.run`: root's default PATH plus the venv's bin directory."""
    return f"{DEFAULT_ROOT_PATH}:{Path(sys.executable).parent}"


def run_ip_batch(lines: Sequence[str], *, namespace: str | None = None, timeout: float = 60.0) -> None:
    """Run ``ip -batch -`` (inside ``namespace`` when given); -force so one failure does not hide the others."""
    argv = [IP, "-force", "-batch", "-"] if namespace is None else [IP, "-n", namespace, "-force", "-batch", "-"]
    try:
        done = subprocess.run(
            argv, check=False, input="\n".join(lines) + "\n", capture_output=True, text=True, timeout=timeout
        )
    except subprocess.TimeoutExpired as exc:
        raise LabError(f"{' '.join(argv)} did not finish within {timeout:.0f} s") from exc
    if done.returncode != 0:
        raise LabError(f"{' '.join(argv)} failed: {done.stderr.strip()[-2000:]}")


def existing(names: Iterable[str] | None = None, *, prefix: str = NAMESPACE_PREFIX) -> list[str]:
    """Lab namespaces that exist now: those among ``names``, or every one whose name starts with ``prefix``."""
    try:
        present = sorted(entry.name for entry in NETNS_DIR.iterdir())
    except FileNotFoundError:
        return []
    if names is not None:
        wanted = set(names)
        return [name for name in present if name in wanted]
    return [name for name in present if name.startswith(prefix)]


def create(topology: Topology, *, timeout: float = 120.0) -> None:
    """Create every namespace, bridge and veth of ``topology`` (two ``ip -batch`` runs)."""
    if not all(ns.startswith(NAMESPACE_PREFIX) for ns in topology.namespaces):
        raise LabError(f"refusing a namespace without the {NAMESPACE_PREFIX!r} prefix")
    run_ip_batch([f"netns add {ns}" for ns in topology.namespaces], timeout=timeout)
    _disable_ipv6(topology.switch_namespace, timeout=timeout)
    switch: list[str] = ["link set lo up"]
    for bridge in topology.bridges:
        # No STP and no forward delay: a port forwards as soon as it is up (a VM move is instant, as on a vSwitch).
        switch.append(f"link add name {bridge} type bridge stp_state 0 forward_delay 0 mcast_snooping 0")
        switch.append(f"link set {bridge} up")
    for host in topology.hosts.values():
        for link in host.links:
            switch.append(f"link add {link.switch_port} type veth peer name {link.ifname} netns {host.namespace}")
            switch.append(f"link set {link.switch_port} master {link.bridge} up")
    run_ip_batch(switch, namespace=topology.switch_namespace, timeout=timeout)


def _disable_ipv6(namespace: str, *, timeout: float) -> None:
    """No IPv6 on the switch's ports: their link-local addresses and neighbour entries would be pure noise (the
    kernel's neighbour tables are shared by every namespace of the machine)."""
    script = "for f in all default; do echo 1 > /proc/sys/net/ipv6/conf/$f/disable_ipv6; done"
    try:
        subprocess.run(
            [IP, "netns", "exec", namespace, "sh", "-c", script], check=True, capture_output=True, timeout=timeout
        )
    except (subprocess.CalledProcessError, subprocess.TimeoutExpired) as exc:
        raise LabError(f"{namespace}: cannot disable IPv6: {exc}") from exc


def delete(names: Sequence[str], *, timeout: float = 60.0) -> None:
    """Delete these namespaces (only ``ofl-`` ones); their interfaces and bridges go with them."""
    names = [name for name in names if name.startswith(NAMESPACE_PREFIX)]
    if names:
        run_ip_batch([f"netns del {name}" for name in names], timeout=timeout)


def namespace_inode(namespace: str) -> int | None:
    try:
        return os.stat(NETNS_DIR / namespace).st_ino
    except FileNotFoundError:
        return None


def _net_inode(pid: int) -> int | None:
    try:
        return os.stat(f"/proc/{pid}/ns/net").st_ino
    except (FileNotFoundError, ProcessLookupError, PermissionError):
        return None


def is_alive(pid: int) -> bool:
    """True when ``pid`` runs (a zombie is dead: it only waits to be reaped)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except (FileNotFoundError, ProcessLookupError):
        return False
    return stat.rsplit(")", 1)[1].split()[0] not in ("Z", "X")


def pid_in_namespace(pid: int, namespace: str) -> bool:
    """True when ``pid`` is alive and runs in network namespace ``namespace`` (guards against reused PIDs)."""
    inode = namespace_inode(namespace)
    return inode is not None and is_alive(pid) and _net_inode(pid) == inode


def pids_in(namespaces: Iterable[str]) -> dict[str, list[int]]:
    """Living processes per namespace (what ``ip netns pids`` gives, for many namespaces in one /proc scan)."""
    inodes = {inode: ns for ns in namespaces if (inode := namespace_inode(ns)) is not None}
    found: dict[str, list[int]] = {ns: [] for ns in inodes.values()}
    if not inodes:
        return found
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        pid = int(entry.name)
        namespace = inodes.get(_net_inode(pid) or -1)
        if namespace is not None and is_alive(pid):
            found[namespace].append(pid)
    return found


def kill_pids(pids: Iterable[int], *, grace: float = 3.0) -> list[int]:
    """SIGTERM each PID, wait up to ``grace`` seconds, SIGKILL what is left; return the PIDs still alive."""
    pending = [pid for pid in pids if is_alive(pid)]
    for pid in pending:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGTERM)
    deadline = time.monotonic() + grace
    while pending and time.monotonic() < deadline:
        time.sleep(0.05)
        pending = [pid for pid in pending if is_alive(pid)]
    for pid in pending:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)
    deadline = time.monotonic() + 2.0
    while pending and time.monotonic() < deadline:
        time.sleep(0.05)
        pending = [pid for pid in pending if is_alive(pid)]
    return pending


def enter_argv(pid: int, argv: Sequence[str], *, workdir: str | None = None) -> list[str]:
    """``nsenter`` command running ``argv`` in the network, mount and UTS namespaces of process ``pid``."""
    prefix = [NSENTER, f"--target={pid}", "--net", "--mount", "--uts"]
    if workdir is not None:
        prefix.append(f"--wd={workdir}")
    return [*prefix, "--", *argv]
