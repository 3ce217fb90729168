"""The rehearsal lab: build, enter, change and remove it. :class:`Lab` is the Python API tests use.

Directory layout (``DIR``, absolute)::

    DIR/.ofl-lab  state.json  cluster.json  cluster.lock  clpstat
    DIR/ssh/id_ed25519[.pub]  authorized_keys          the key the cluster nodes log into every host with
    DIR/inventory/hosts.yaml groups.yaml defaults.yaml known_hosts
    DIR/hosts/<host>/start.sh  ip.batch  start.log  anchor.pid
    DIR/hosts/<host>/frr/etc/{zebra,ospfd,vtysh}.conf  frr/run/  (seen as /etc/frr and /var/run/frr inside)
    DIR/hosts/<router>/nm/<nic>.nmconnection  one per VM-side NIC (seen in /run/NetworkManager/system-connections)
    DIR/nmcli                                           the routers' nmcli stand-in
    DIR/hosts/<host>/ssh/sshd_config  ssh_host_ed25519_key[.pub]  sshd.pid  sshd.log

The class is the lab's Python API. It builds on :class:`ospf_failover_lab.hosts.LabHosts` (paths, state, the
address plan, running things inside hosts), which is all the modules doing the work take: build (lab up, reset),
directory (lab down), daemons, cutoff (cut-offs), vm_side (gateway NICs and VM moves), ecx_play (lab failover)
and inspection (convergence, status). None of them calls back into this class.

Safety: every address and route lives in ``ofl-`` namespaces; processes are found and killed by PID, each PID
checked to run in the lab's namespace first; every wait has a deadline.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from ospf_failover.errors import LabError

from . import build, cutoff, daemons, ecx_play, frr, inspection, inventory_writer, vm_side
from . import nic_style as styles_of_nics
from . import state as lab_state
from . import unprivileged as unprivileged_lab
from .directory import Progress, check_lab_directory, quiet, teardown
from .ecx_play import FailoverResult
from .hosts import LabHosts
from .topology import NAMESPACE_PREFIX

__all__ = ["FailoverResult", "Lab", "LabHosts", "check_lab_directory", "teardown"]


class Lab(LabHosts):
    """A running lab in ``directory``. Build one with :meth:`up`, reach an existing one with :meth:`attach`.

    Paths, the address plan and the ways into hosts (``run``, ``exec_argv``, ``vtysh``, ``ssh_argv``...) come
    from :class:`LabHosts`.
    """

    # --- NIC style ----------------------------------------------------------------------------------------

    def set_nic_style(self, style: str) -> None:
        """Make the routers release their NIC the ``style`` way from now on: the inventory's NIC commands change
        (nothing else needs to: every router has the nmcli stand-in and its keyfile). Call :meth:`reset` next to
        bring every NIC into the new style's start state."""
        checked = styles_of_nics.checked(style)
        if checked == self.nic_style:
            return
        if not (self.directory / "nmcli").exists():
            raise LabError("this lab was built without the nmcli stand-in: run lab down, then lab up --nic-style")
        self.state["nic_style"] = checked
        lab_state.write(self.directory, self.state)
        unprivileged = self.login_user != "root"
        inventory_writer.write_hosts(
            topology=self.topology,
            directory=self.inventory_dir,
            styles=styles_of_nics.router_styles(self.topology, checked),
            platforms=self.observer_platforms,
            login=unprivileged_lab.inventory_data() if unprivileged else None,
        )
        if unprivileged:
            unprivileged_lab.write_sudoers(self)  # the routers' NIC commands changed: so do their rules

    # --- life cycle -----------------------------------------------------------------------------------

    @classmethod
    def attach(cls, directory: Path | str) -> Lab:
        """The lab already running in ``directory``; LabError when there is none."""
        path = Path(directory).resolve()
        return cls(path, lab_state.read(path))

    @classmethod
    def up(
        cls,
        directory: Path | str,
        *,
        customers: int = 1,
        router_pairs: int | None = None,
        timers: frr.Timers = "fast",
        timeout: float | None = None,
        prefix: str = NAMESPACE_PREFIX,
        nic_style: str = "link",
        observer_platforms: dict[str, str] | None = None,
        unprivileged: bool = False,
        vlans: bool = False,
        progress: Progress | None = None,
    ) -> Lab:
        """Build the lab in ``directory`` and return once OSPF has converged (LabError/ConvergenceTimeout if not).

        ``router_pairs``: how many router pairs serve the customers (a divisor of ``customers``; each pair's
        routers get one VM-side NIC per failover group, eth1, eth2, ...); None: one pair per customer.

        ``nic_style``: how the routers release their VM-side NICs, ``link``, ``address`` (NetworkManager's way)
        or ``mixed`` (see :mod:`ospf_failover_lab.nic_style`).

        ``observer_platforms``: observers whose SSH logins play a vendor's CLI (``{"gw1": "cisco_ios"}``, see
        :mod:`ospf_failover_lab.played`); the inventory names their platform.

        ``unprivileged``: the inventory logs in as an ordinary user who runs what needs root through the sudo
        rules the package ships (see :mod:`ospf_failover_lab.unprivileged`); root cannot log in.

        ``vlans``: the failover groups of a pair on subinterfaces of one trunk NIC per router (``eth1.101``,
        ...; :mod:`ospf_failover_lab.trunks`), the only plan beyond 64 customers.

        ``prefix``: namespace name prefix (must start with ``ofl-``); a second lab may run beside the first under
        another prefix, e.g. ``ofl-t-``. On any failure everything built so far is removed again.
        """
        say = progress or quiet
        path, recorded = build.prepare(
            directory,
            customers=customers,
            router_pairs=router_pairs,
            timers=timers,
            prefix=prefix,
            nic_style=nic_style,
            observer_platforms=observer_platforms,
            say=say,
            unprivileged=unprivileged,
            vlans=vlans,
        )
        started = recorded["started"]
        lab = cls(path, recorded)
        try:
            build.build_hosts(lab, timers, say)
            budget = timeout if timeout is not None else build.default_up_timeout(customers, timers)
            remaining = budget - (time.time() - started)
            say("lab: waiting for OSPF to converge")
            converged = lab.wait_converged(timeout=max(remaining, 5.0), progress=say)
        except BaseException:
            say("lab: failed; removing what was built")
            teardown(path)
            raise
        lab.state["up_seconds"] = round(time.time() - started, 2)
        lab.state["converge_seconds"] = round(converged, 2)
        lab_state.write(path, lab.state)
        say(f"lab: up in {lab.state['up_seconds']:.1f} s; inventory in {lab.inventory_dir}")
        return lab

    def down(self, *, progress: Progress | None = None) -> str:
        """Remove this lab: its processes, namespaces and directory. Returns a one-line summary."""
        return teardown(self.directory, progress=progress)

    # --- convergence ----------------------------------------------------------------------------------

    def expected_routes(self) -> dict[str, str]:
        """VM network -> uplink address of the router that should carry it, from the cluster state."""
        return inspection.expected_routes(self)

    def convergence_differences(self) -> list[str]:
        """What still differs from a converged lab: sshd not listening, observers' adjacencies or routes."""
        return inspection.convergence_differences(self)

    def wait_converged(self, *, timeout: float = 30.0, progress: Progress | None = None) -> float:
        """Wait until every observer is Full with every router and routes each VM network via the router of the
        node its FOG runs on (cluster state); return the seconds it took."""
        return inspection.wait_converged(self, timeout=timeout, progress=progress)

    # --- changing the lab -----------------------------------------------------------------------------

    def set_nic(self, router: str, *, up: bool, fog: str | None = None) -> None:
        """Make a router's VM-side NIC for ``fog`` hold that group's gateway (``up``) or release it, by hand, the
        router's own way: link-style by its link (the address stays configured), address-style by its address
        (the link stays up). Without ``fog``: every VM-side NIC of the router. Safe to repeat."""
        vm_side.set_nic(self, router, up=up, fog=fog)

    def holds_gateway(self, router: str, fog: str | None = None) -> bool:
        """Does ``router``'s NIC for ``fog`` carry that group's gateway now? Read and judged as the tool does.
        ``fog`` may be left out for a router whose pair serves one group only."""
        return vm_side.holds_gateway(self, router, fog)

    def cut_off(self, host: str) -> None:
        """Drop every packet in and out of ``host`` except loopback (nftables table inside its namespace)."""
        cutoff.cut_off(self, host)

    def restore(self, host: str) -> None:
        """Undo :meth:`cut_off` (no-op when the host is not cut off)."""
        cutoff.restore(self, host)

    def is_cut_off(self, host: str) -> bool:
        """Is ``host`` cut off now (see :meth:`cut_off`)?"""
        return cutoff.is_cut_off(self, host)

    def set_clpstat(self, *, busy: int = 0, garbage: bool = False) -> None:
        """Make the nodes' clpstat answer busy (exit 9) ``busy`` times, or print garbage, or (no argument) normally."""
        self.cluster.set_clpstat(busy=busy, garbage=garbage)

    def set_fog_node(self, fog: str, node: str | None) -> None:
        """Change only the cluster state: ``fog`` now runs on ``node`` (None: offline). Nothing else moves."""
        self.topology.customer(fog)
        self.cluster.set_group_server(fog, node)

    def set_server_status(self, node: str, status: str) -> None:
        """Change a cluster server's status as clpstat shows it ("Online", "Offline", ...)."""
        self.cluster.set_server_status(node, status)

    def move_vm(self, fog: str, to_node: str) -> None:
        """Live-migrate ``fog``'s VM to ``to_node``'s site: its NIC's switch port changes bridge, the VM keeps
        its state (ARP cache included)."""
        vm_side.move_vm(self, fog, to_node)

    def vm_site(self, fog: str) -> str | None:
        """The node whose site ``fog``'s VM is attached to now (None if its port is in no site bridge)."""
        return vm_side.vm_site(self, fog)

    # --- daemons ----------------------------------------------------------------------------------------

    def daemon_pid(self, host: str, daemon: str) -> int | None:
        """PID of ``daemon`` on ``host`` when it runs (read from its pid file, checked in the host's namespace)."""
        return daemons.daemon_pid(self, host, daemon)

    def stop_daemon(self, host: str, daemon: str) -> None:
        """Stop ``daemon`` (zebra, ospfd or sshd) on ``host``: SIGTERM, then SIGKILL after 3 s."""
        daemons.stop_daemon(self, host, daemon)

    def start_daemon(self, host: str, daemon: str, *, timeout: float = 10.0) -> int:
        """Start ``daemon`` on ``host`` again (no-op if it runs); return its PID once it is ready."""
        return daemons.start_daemon(self, host, daemon, timeout=timeout)

    def change_host_key(self, host: str) -> None:
        """Give ``host``'s sshd a new host key without updating known_hosts (clients must refuse it)."""
        daemons.change_host_key(self, host)

    def restore_host_key(self, host: str) -> None:
        """Undo :meth:`change_host_key`: the key in known_hosts is served again."""
        daemons.restore_host_key(self, host)

    def reset(self, *, timeout: float = 30.0) -> float:
        """Bring the lab back to its start state and wait for convergence; return the seconds the wait took.

        Start state: no host cut off, original host keys, every daemon running, every server online, every FOG
        on node-a with its VM at site A, odd routers holding the gateway of every FOG of their pair and even
        routers released, each in its NIC style (the odd router announcing the gateway by gratuitous ARP),
        clpstat normal.
        """
        return build.restore_start_state(self, timeout=timeout)

    # --- ECX's part and inspection --------------------------------------------------------------------

    failover = ecx_play.play_failover  # Play ECX failing a FOG over (lab failover); see that function.

    def route_carriers(self, observer: str) -> dict[str, list[str]]:
        """VM network -> the routers ``observer`` routes it through now (by OSPF; empty list: no route)."""
        return inspection.route_carriers(self, observer)

    def status(self) -> dict[str, Any]:
        """Hosts with their daemons (PID when alive), and per FOG: cluster node, VM site, routers on gw1/gw2."""
        return inspection.status(self)
