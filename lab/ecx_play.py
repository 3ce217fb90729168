"""The lab playing ECX: stop.sh on the group's node, the group and its VM moved, start.sh on the target."""

from __future__ import annotations

import os
import subprocess
from dataclasses import dataclass
from pathlib import Path

from ospf_failover.ecx import SCRIPTS as ECX_SCRIPTS
from ospf_failover.errors import InputError, LabError

from .cutoff import reachable
from .hosts import LabHosts
from .namespaces import DEFAULT_ROOT_PATH, tool_path
from .topology import CLUSTER_NODES
from .vm_side import move_vm

EXEC_RESOURCE = "exec-gateway"


@dataclass(frozen=True)
class FailoverResult:
    """What `lab failover` did: the scripts' runs (stop is None when the source node was not reachable)."""

    fog: str
    source: str | None
    target: str
    stop: subprocess.CompletedProcess[str] | None
    start: subprocess.CompletedProcess[str]

    @property
    def returncode(self) -> int:
        return self.start.returncode


def play_failover(
    lab: LabHosts,
    fog: str,
    to_node: str | None = None,
    *,
    scripts_dir: Path | None = None,
    capture: bool = True,
    timeout: float = 300.0,
) -> FailoverResult:
    """Play ECX failing ``fog`` over to ``to_node`` (default: the other node).

    Runs ``stop.sh`` on the source node (when it is reachable: online and not cut off), moves the group in
    the cluster state and the VM to the target's site, then runs ``start.sh`` on the target node with the
    environment ECX gives exec resources. ``capture=False`` lets the scripts write to our stdout/stderr.
    """
    scripts = scripts_dir if scripts_dir is not None else ECX_SCRIPTS
    start_script, stop_script = scripts / "start.sh", scripts / "stop.sh"
    missing = [str(p) for p in (start_script, stop_script) if not p.is_file()]
    if missing:
        raise LabError(f"ECX scripts not found: {', '.join(missing)} (lab failover runs the project's scripts)")
    customer = lab.topology.customer(fog)
    state = lab.cluster.read()
    servers = [s["name"] for s in state["servers"]]
    source = state["groups"].get(fog)
    target = to_node if to_node is not None else next(n for n in CLUSTER_NODES if n != source)
    if target not in servers:
        raise InputError(f"no cluster node {target!r} (nodes: {', '.join(servers)})")
    if target == source:
        raise InputError(f"{fog} runs on {target} already")
    online = {s["name"] for s in state["servers"] if s["status"] == "Online"}
    stop: subprocess.CompletedProcess[str] | None = None
    if source is not None and source in online and reachable(lab, source):
        stop = run_script(
            lab, source, stop_script, ecx_env(lab, fog, source, servers, factor=True), capture=capture, timeout=timeout
        )
    lab.cluster.set_group_server(customer.fog, target)
    move_vm(lab, customer.fog, target)
    start = run_script(lab, target, start_script, ecx_env(lab, fog, target, servers), capture=capture, timeout=timeout)
    return FailoverResult(fog=fog, source=source, target=target, stop=stop, start=start)


def ecx_env(lab: LabHosts, fog: str, node: str, servers: list[str], *, factor: bool = False) -> dict[str, str]:
    env = {
        "PATH": DEFAULT_ROOT_PATH,
        "HOME": "/root",
        "LANG": "C",
        "CLP_EVENT": "FAILOVER",
        "CLP_SERVER": "HOME" if servers and servers[0] == node else "OTHER",
        "CLP_GROUPNAME": fog,
        "CLP_RESOURCENAME": EXEC_RESOURCE,
        "OSPF_FAILOVER": str(tool_path()),
        "OSPF_FAILOVER_INVENTORY": str(lab.inventory_dir),
    }
    if factor:
        env["CLP_FACTOR"] = "GROUPFAILOVER"
    return env


def run_script(
    lab: LabHosts, node: str, script: Path, env: dict[str, str], *, capture: bool, timeout: float
) -> subprocess.CompletedProcess[str]:
    argv = [str(script)] if os.access(script, os.X_OK) else ["/bin/sh", str(script)]
    full = ["env", "-i", *(f"{k}={v}" for k, v in env.items()), *argv]
    command = lab.exec_argv(node, full, workdir=str(script.parent))
    try:
        if capture:
            return subprocess.run(command, check=False, capture_output=True, text=True, timeout=timeout)
        done = subprocess.run(command, check=False, timeout=timeout)
        return subprocess.CompletedProcess(done.args, done.returncode, "", "")
    except subprocess.TimeoutExpired as exc:
        raise LabError(f"{node}: {script} did not finish within {timeout:.0f} s") from exc
