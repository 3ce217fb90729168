"""A running lab's hosts and the ways into them: the layer every part of the lab works through.

:class:`LabHosts` holds what a lab records (directory, state, the address plan, the cluster state file) and runs
things inside its hosts (``nsenter`` into a host's anchor: network, mount and UTS namespaces). The modules that
build, change and inspect a lab (build, daemons, cutoff, vm_side, ecx_play, inspection) take a LabHosts and
nothing above it; :class:`ospf_failover_lab.lab.Lab`, the Python API, builds on it.
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Sequence
from pathlib import Path

from ospf_failover.errors import InputError, LabError

from . import cluster, namespaces
from . import nic_style as styles_of_nics
from . import state as lab_state
from .namespaces import inner_path
from .topology import Topology, plan


class LabHosts:
    """The lab in ``directory`` as recorded in its state: its paths, hosts and the commands that enter them."""

    def __init__(self, directory: Path, recorded: lab_state.LabState) -> None:
        self.directory = directory
        self.state = recorded
        self.topology: Topology = plan(
            recorded["customers"],
            router_pairs=recorded.get("router_pairs"),
            prefix=recorded["prefix"],
            vlans=recorded.get("vlans", False),
        )
        self.cluster = cluster.ClusterStateFile(directory)

    # --- paths ----------------------------------------------------------------------------------------

    @property
    def inventory_dir(self) -> Path:
        """The generated inventory (``--inventory`` / ``OSPF_FAILOVER_INVENTORY`` for the tool)."""
        return self.directory / "inventory"

    @property
    def key_file(self) -> Path:
        """The private key root logs in with on every lab host."""
        return self.directory / "ssh" / "id_ed25519"

    @property
    def known_hosts(self) -> Path:
        return self.inventory_dir / "known_hosts"

    def host_dir(self, host: str) -> Path:
        return self.directory / "hosts" / host

    # --- NIC style ----------------------------------------------------------------------------------------

    @property
    def nic_style(self) -> styles_of_nics.NicStyle:
        """How the routers release their VM-side NIC: link, address or mixed."""
        return styles_of_nics.checked(self.state.get("nic_style", "link"))

    @property
    def login_user(self) -> str:
        """The user the lab's inventory logs in as: root, or the unprivileged lab's login user (through sudo)."""
        return self.state.get("login_user", "root")

    def router_style(self, router: str) -> styles_of_nics.RouterStyle:
        return styles_of_nics.router_styles(self.topology, self.nic_style)[router]

    @property
    def observer_platforms(self) -> dict[str, str]:
        """Observer -> the vendor CLI its SSH logins get (see :mod:`ospf_failover_lab.played`); the others are
        FRR observers."""
        return dict(self.state.get("observer_platforms", {}))

    # --- hosts ----------------------------------------------------------------------------------------

    def checked_host(self, host: str) -> str:
        """``host`` when it is one of the lab's hosts; InputError (one line, naming the hosts) otherwise."""
        if host not in self.state["hosts"]:
            raise InputError(f"no lab host {host!r} (hosts: {', '.join(self.state['hosts'])})")
        return host

    def anchor(self, host: str) -> int:
        """PID of the process holding ``host``'s namespaces (checked to be alive in the host's namespace)."""
        record = self.state["hosts"][self.checked_host(host)]
        pid = record["anchor"]
        if not pid or not namespaces.pid_in_namespace(pid, record["namespace"]):
            raise LabError(f"{host}: its namespace holder (PID {pid}) is gone; run lab down and lab up again")
        return pid

    # --- entering hosts -------------------------------------------------------------------------------

    def exec_argv(self, host: str, argv: Sequence[str], *, workdir: str | None = None) -> list[str]:
        """The command line that runs ``argv`` inside ``host`` (network, mount and UTS namespaces)."""
        return namespaces.enter_argv(self.anchor(host), argv, workdir=workdir)

    def environment(self, extra: dict[str, str] | None = None) -> dict[str, str]:
        env = dict(os.environ)
        env["PATH"] = inner_path()
        # The runbooks' per-group locks live in the lab's directory, not in the machine's /run/lock, and shells
        # and vtysh keep no history in root's home.
        env["OSPF_FAILOVER_LOCK_DIR"] = str(self.directory / "locks")
        env["HISTFILE"] = "/dev/null"
        env["VTYSH_HISTFILE"] = "/dev/null"
        env.update(extra or {})
        return env

    def run(
        self,
        host: str,
        argv: Sequence[str],
        *,
        timeout: float = 30.0,
        input: str | None = None,
        env: dict[str, str] | None = None,
        check: bool = False,
    ) -> subprocess.CompletedProcess[str]:
        """Run ``argv`` inside ``host``, output captured, bounded by ``timeout`` (LabError when it passes).

        ``check``: raise LabError on a non-zero exit status. PATH inside is root's default plus the venv's bin.
        """
        full = self.exec_argv(host, argv)
        try:
            done = subprocess.run(
                full,
                check=False,
                input=input,
                capture_output=True,
                text=True,
                timeout=timeout,
                env=self.environment(env),
            )
        except subprocess.TimeoutExpired as exc:
            raise LabError(f"{host}: {' '.join(argv)!r} did not finish within {timeout:.0f} s") from exc
        if check and done.returncode != 0:
            raise LabError(
                f"{host}: {' '.join(argv)!r} exited {done.returncode}: {(done.stderr or done.stdout).strip()[-500:]}"
            )
        return done

    def popen(self, host: str, argv: Sequence[str]) -> subprocess.Popen[str]:
        return subprocess.Popen(
            self.exec_argv(host, argv),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=self.environment(),
        )

    def vtysh(self, host: str, *commands: str, timeout: float = 15.0) -> str:
        """Output of ``vtysh -c C1 -c C2 ...`` on a router or observer."""
        argv = ["vtysh", *(a for command in commands for a in ("-c", command))]
        return self.run(host, argv, timeout=timeout, check=True).stdout

    def ssh_argv(self, host: str, *command: str) -> list[str]:
        """An ``ssh`` command line (to run on a cluster node) that logs into ``host`` as the inventory's login user
        (root, or the unprivileged lab's), host key checked."""
        return [
            "ssh", "-i", str(self.key_file),
            "-o", f"UserKnownHostsFile={self.known_hosts}", "-o", "StrictHostKeyChecking=yes",
            "-o", "BatchMode=yes", "-o", "ConnectTimeout=5", "-o", "GlobalKnownHostsFile=/dev/null",
            f"{self.login_user}@{self.topology.host(host).mgmt_address}", *command,
        ]  # fmt: skip
