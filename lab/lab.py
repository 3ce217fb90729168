"""The rehearsal lab: build, enter, change and remove it. :class:`Lab` is the Python API tests use.

Directory layout (``DIR``, absolute)::

    DIR/.ofl-lab  state.json  cluster.json  cluster.lock  clpstat
    DIR/ssh/id_ed25519[.pub]  authorized_keys          the key the cluster nodes log into every host with
    DIR/inventory/hosts.yaml groups.yaml defaults.yaml known_hosts
    DIR/hosts/<host>/start.sh  ip.batch  start.log  anchor.pid
    DIR/hosts/<host>/frr/etc/{zebra,ospfd,vtysh}.conf  frr/run/  (seen as /etc/frr and /var/run/frr inside)
    DIR/hosts/<router>/nm/eth1.nmconnection  (seen in /run/NetworkManager/system-connections inside)
    DIR/nmcli                                           the routers' nmcli stand-in
    DIR/hosts/<host>/ssh/sshd_config  ssh_host_ed25519_key[.pub]  sshd.pid  sshd.log

Safety: every address and route lives in ``ofl-`` namespaces; processes are found and killed by PID, each PID
checked to run in the lab's namespace first; every wait has a deadline.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ospf_failover.errors import InputError, LabError
from ospf_failover.gateway import holds_gateway
from ospf_failover.lab import cluster, convergence, frr, host_start, inventory_writer, namespaces, sshd
from ospf_failover.lab import nic_style as styles_of_nics
from ospf_failover.lab import state as lab_state
from ospf_failover.lab.topology import (
    CLUSTER_NODES,
    NAMESPACE_PREFIX,
    OBSERVERS,
    VM_NIC,
    Host,
    Topology,
    plan,
)
from ospf_failover.parsers.iproute import address_command, link_command, parse_nic_state
from ospf_failover.polling import wait_until

Progress = Callable[[str], None]
DEFAULT_ROOT_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
REPO_ROOT = Path(__file__).resolve().parents[1]  # lab/ sits at the top of the repository
ECX_SCRIPTS = REPO_ROOT / "ecx"
EXEC_RESOURCE = "exec-gateway"
START_IN_FLIGHT = 24  # host start scripts run at once: enough to keep 2 cores busy without thrashing
CUTOFF_TABLE = "ofl_cutoff"
DAEMON_NAMES = ("zebra", "ospfd", "sshd")


def _quiet(_: str) -> None:
    pass


def default_up_timeout(customers: int, timers: frr.Timers = "fast") -> float:
    """How long `lab up` may take in all: 50 customers converge in ~15 s with fast timers (measured on 2 cores);
    FRR's default timers add the 40 s wait before the DR election."""
    return (40.0 if timers == "fast" else 100.0) + 3.0 * customers


def tool_path() -> Path:
    """The ospf-failover console script of the running Python (the venv's), put on PATH inside the lab."""
    return Path(sys.executable).parent / "ospf-failover"


def inner_path() -> str:
    """PATH inside lab hosts for `lab exec`/`Lab.run`: root's default PATH plus the venv's bin directory."""
    return f"{DEFAULT_ROOT_PATH}:{Path(sys.executable).parent}"


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


CREATED_MARKER = "ospf-failover rehearsal lab directory, made by lab up (lab down removes it)\n"
EXISTING_MARKER = "ospf-failover rehearsal lab directory, existed before lab up (lab down empties it)\n"
_SAFE_PATH = re.compile(r"^/[A-Za-z0-9._/+@-]*$")
_SYSTEM_TREES = ("/run", "/proc", "/sys", "/dev", "/etc", "/usr", "/boot", "/var/run")


def check_lab_directory(path: Path) -> None:
    """Refuse a lab directory that could hurt the machine or be turned against it (the lab runs as root).

    Its path ends up in shell scripts and configuration files, so only plain characters; not inside the trees
    the lab's hosts mount over or the system's own; and, when it exists, empty or a lab's, root's, and not
    writable by others (another user could otherwise swap a script the lab runs as root).
    """
    text = str(path)
    if not _SAFE_PATH.match(text):
        raise InputError(f"--dir {text}: use a path of letters, digits and . _ / + @ - only")
    if path == Path("/") or any(text == tree or text.startswith(tree + "/") for tree in _SYSTEM_TREES):
        raise InputError(f"--dir {text}: not inside a system directory; choose e.g. ./.lab or /tmp/lab")
    if not path.exists():
        return
    if not path.is_dir():
        raise LabError(f"{path} exists and is not a directory; choose another --dir")
    if any(path.iterdir()) and not (path / lab_state.MARKER_FILE).exists():
        raise LabError(f"{path} exists and is not a lab directory; choose another --dir")
    info = path.stat()
    if info.st_uid != 0 or info.st_mode & 0o022:
        raise LabError(f"{path} must belong to root and not be writable by others; choose another --dir")


class Lab:
    """A running lab in ``directory``. Build one with :meth:`up`, reach an existing one with :meth:`attach`."""

    def __init__(self, directory: Path, recorded: lab_state.LabState) -> None:
        self.directory = directory
        self.state = recorded
        self.topology: Topology = plan(recorded["customers"], prefix=recorded["prefix"])
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

    def router_style(self, router: str) -> styles_of_nics.RouterStyle:
        return styles_of_nics.router_styles(self.topology, self.nic_style)[router]

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
        inventory_writer.write_hosts(
            topology=self.topology,
            directory=self.inventory_dir,
            styles=styles_of_nics.router_styles(self.topology, checked),
        )

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
        timers: frr.Timers = "fast",
        timeout: float | None = None,
        prefix: str = NAMESPACE_PREFIX,
        nic_style: str = "link",
        progress: Progress | None = None,
    ) -> Lab:
        """Build the lab in ``directory`` and return once OSPF has converged (LabError/ConvergenceTimeout if not).

        ``nic_style``: how the routers release their VM-side NIC, ``link``, ``address`` (NetworkManager's way)
        or ``mixed`` (see :mod:`ospf_failover.lab.nic_style`).

        ``prefix``: namespace name prefix (must start with ``ofl-``); a second lab may run beside the first under
        another prefix, e.g. ``ofl-t-``. On any failure everything built so far is removed again.
        """
        say = progress or _quiet
        if os.geteuid() != 0:
            raise LabError("the lab needs root (network namespaces, FRR, sshd)")
        if timers not in frr.TIMER_CHOICES:
            raise InputError(f"timers must be one of {', '.join(frr.TIMER_CHOICES)}; got {timers!r}")
        style = styles_of_nics.checked(nic_style)
        path = Path(directory).resolve()
        if lab_state.exists(path):
            raise LabError(f"lab already up in {path}; run lab down first")
        topology = plan(customers, prefix=prefix)
        clash = namespaces.existing(topology.namespaces)
        if clash:
            owners = {_orphan_owner(pids) for pids in namespaces.pids_in(clash).values()} - {None}
            where = f"--dir {sorted(map(str, owners))[0]}" if owners else "--dir THAT_DIR"
            raise LabError(
                f"namespaces {', '.join(clash[:4])}{' ...' if len(clash) > 4 else ''} exist already (another lab "
                f"is up); run `ospf-failover lab down {where}` first"
            )
        check_lab_directory(path)
        created = not path.exists()
        started = time.time()
        say(f"lab: building {customers} customer(s) in {path} ({len(topology.namespaces)} namespaces)")
        recorded: lab_state.LabState = {
            "version": lab_state.STATE_VERSION,
            "directory": str(path),
            "prefix": prefix,
            "customers": customers,
            "timers": timers,
            "namespaces": topology.namespaces,
            "hosts": {h.name: {"namespace": h.namespace, "role": h.role, "anchor": 0} for h in topology.hosts.values()},
            "started": started,
            "up_seconds": None,
            "nic_style": style,
        }
        path.mkdir(mode=0o700, parents=True, exist_ok=True)
        # The marker says whether the lab made the directory: `lab down` removes it only then (else its content).
        (path / lab_state.MARKER_FILE).write_text(CREATED_MARKER if created else EXISTING_MARKER)
        lab_state.write(path, recorded)  # recorded before anything exists, so `lab down` can undo a partial up
        lab = cls(path, recorded)
        try:
            lab._build(timers, say)
            budget = timeout if timeout is not None else default_up_timeout(customers, timers)
            remaining = budget - (time.time() - started)
            say("lab: waiting for OSPF to converge")
            lab.wait_converged(timeout=max(remaining, 5.0), progress=say)
        except BaseException:
            say("lab: failed; removing what was built")
            teardown(path)
            raise
        lab.state["up_seconds"] = round(time.time() - started, 2)
        lab_state.write(path, lab.state)
        say(f"lab: up in {lab.state['up_seconds']:.1f} s; inventory in {lab.inventory_dir}")
        return lab

    def _build(self, timers: frr.Timers, say: Progress) -> None:
        topology = self.topology
        self._write_files(timers)
        say("lab: files and keys written")
        namespaces.create(topology)
        say(f"lab: {len(topology.namespaces)} namespaces, {len(topology.bridges)} bridges and links created")
        self._start_hosts()
        say("lab: hosts started (FRR, sshd)")

    def _write_files(self, timers: frr.Timers) -> None:
        topology = self.topology
        ospf_timers = frr.timers_named(timers)
        (self.directory / "ssh").mkdir(exist_ok=True)
        host_keys: dict[str, Path] = {}
        router_styles = styles_of_nics.router_styles(topology, self.nic_style)
        nmcli = self.directory / "nmcli"
        shutil.copyfile(styles_of_nics.STANDIN, nmcli)
        nmcli.chmod(0o755)
        for host in topology.hosts.values():
            host_dir = self.host_dir(host.name)
            host_dir.mkdir(parents=True, exist_ok=True)
            batch = host_start.ip_batch(host, router_styles.get(host.name, "link"))
            (host_dir / "ip.batch").write_text("\n".join(batch) + "\n")
            if host.role == "router":
                (host_dir / "nm").mkdir(exist_ok=True)
                gateway = next(c.gateway for c in topology.customers if host.name in c.routers)
                (host_dir / "nm" / f"{VM_NIC}.nmconnection").write_text(styles_of_nics.keyfile(gateway))
            if host.runs_frr:
                etc, run = host_dir / "frr" / "etc", host_dir / "frr" / "run"
                etc.mkdir(parents=True, exist_ok=True)
                run.mkdir(parents=True, exist_ok=True)
                (etc / "zebra.conf").write_text(frr.zebra_conf(host))
                (etc / "ospfd.conf").write_text(frr.ospfd_conf(topology, host, ospf_timers))
                (etc / "vtysh.conf").write_text(f"hostname {host.name}\n")
                for item in (etc, run, *etc.iterdir()):
                    shutil.chown(item, "frr", "frr")  # FRR drops privileges to user frr
            if host.runs_sshd:
                (host_dir / "ssh").mkdir(exist_ok=True)
                host_keys[host.name] = host_dir / "ssh" / sshd.HOST_KEY_NAME
                (host_dir / "ssh" / "sshd_config").write_text(
                    sshd.sshd_config(
                        host=host, host_dir=host_dir, authorized_keys=self.directory / "ssh" / "authorized_keys"
                    )
                )
            clpstat = self.directory / "clpstat" if host.role == "node" else None
            standin = nmcli if host.role == "router" else None
            (host_dir / "start.sh").write_text(
                host_start.script(host=host, host_dir=host_dir, clpstat=clpstat, nmcli=standin)
            )
        sshd.generate_keys([self.key_file, *host_keys.values()])
        (self.directory / "ssh" / "authorized_keys").write_text(sshd.public_key(self.key_file) + " lab\n")
        known = [sshd.known_hosts_line(str(topology.hosts[name].mgmt_address), key) for name, key in host_keys.items()]
        inventory_writer.write(
            topology=topology,
            directory=self.inventory_dir,
            key_file=self.key_file,
            known_hosts=known,
            styles=router_styles,
        )
        standin = self.directory / "clpstat"
        standin.write_text(cluster.standin_script(self.directory))
        standin.chmod(0o755)
        self.cluster.create(cluster.initial_state(servers=CLUSTER_NODES, groups=[c.fog for c in topology.customers]))

    def _start_command(self, host: Host) -> list[str]:
        return [
            "ip", "netns", "exec", host.namespace,
            "unshare", "--mount", "--uts", "--propagation", "private",
            "sh", str(self.host_dir(host.name) / "start.sh"),
        ]  # fmt: skip

    def _start_hosts(self, *, timeout: float = 120.0) -> None:
        """Run every host's start script, ``START_IN_FLIGHT`` at a time, and record the anchors' PIDs."""
        waiting = list(self.topology.hosts.values())
        running: list[tuple[Host, subprocess.Popen[bytes]]] = []
        failed: list[str] = []
        deadline = time.monotonic() + timeout
        while waiting or running:
            while waiting and len(running) < START_IN_FLIGHT:
                host = waiting.pop(0)
                with open(self.host_dir(host.name) / "start.log", "wb") as log:
                    process = subprocess.Popen(
                        self._start_command(host),
                        stdin=subprocess.DEVNULL,
                        stdout=log,
                        stderr=subprocess.STDOUT,
                        cwd=self.host_dir(host.name),  # anchors keep it: `lab down` tells whose orphans they are
                    )
                running.append((host, process))
            still: list[tuple[Host, subprocess.Popen[bytes]]] = []
            for host, process in running:
                code = process.poll()
                if code is None:
                    still.append((host, process))
                elif code != 0:
                    log_text = (self.host_dir(host.name) / "start.log").read_text(errors="replace").strip()
                    failed.append(f"{host.name} (exit {code}: {log_text[-300:]})")
            running = still
            if time.monotonic() > deadline:
                for _, process in running:
                    process.kill()
                raise LabError(f"host start scripts did not finish within {timeout:.0f} s")
            if running:
                time.sleep(0.02)
        if failed:
            raise LabError(f"hosts failed to start: {'; '.join(failed[:5])}")
        for host in self.topology.hosts.values():
            anchor = int((self.host_dir(host.name) / host_start.ANCHOR_PID_FILE).read_text().strip())
            self.state["hosts"][host.name]["anchor"] = anchor
        lab_state.write(self.directory, self.state)

    def down(self, *, progress: Progress | None = None) -> str:
        """Remove this lab: its processes, namespaces and directory. Returns a one-line summary."""
        return teardown(self.directory, progress=progress)

    # --- convergence ----------------------------------------------------------------------------------

    def expected_routes(self) -> dict[str, str]:
        """VM network -> uplink address of the router that should carry it, from the cluster state."""
        groups = self.cluster.read()["groups"]
        expected: dict[str, str] = {}
        for customer in self.topology.customers:
            node = groups.get(customer.fog)
            if node is not None:
                router = self.topology.host(customer.router_for(node))
                expected[customer.network] = str(router.uplink_address)
        return expected

    def convergence_differences(self) -> list[str]:
        """What still differs from a converged lab: sshd not listening, observers' adjacencies or routes."""
        found = [f"{name}: sshd not listening" for name in self._hosts_without_sshd()]
        routes = self.expected_routes()
        ospf_ids = {str(h.uplink_address) for h in self.topology.hosts.values() if h.runs_frr}
        queries = {
            name: self._popen(name, ["vtysh", *(a for q in convergence.OBSERVER_QUERY for a in ("-c", q))])
            for name in OBSERVERS
        }
        for name, process in queries.items():
            try:
                output, error = process.communicate(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.communicate()
                found.append(f"{name}: vtysh did not answer within 10 s")
                continue
            if process.returncode != 0 or not output.strip():
                found.append(f"{name}: vtysh failed ({error.strip() or output.strip()})")
                continue
            own = str(self.topology.host(name).uplink_address)
            expectation = convergence.Expectation(full_neighbors=frozenset(ospf_ids - {own}), routes=routes)
            try:
                found += convergence.differences(name, output, expectation)
            except InputError as exc:
                found.append(f"{name}: {exc}")
        return found

    def wait_converged(self, *, timeout: float = 30.0, progress: Progress | None = None) -> float:
        """Wait until every observer is Full with every router and routes each VM network via the router of the
        node its FOG runs on (cluster state); return the seconds it took."""

        def check() -> tuple[bool, None, str]:
            found = self.convergence_differences()
            return not found, None, "; ".join(found)

        return wait_until(check, what="lab convergence", timeout=timeout, interval=0.5, progress=progress).elapsed

    def _hosts_without_sshd(self) -> list[str]:
        missing = []
        for host in self.topology.hosts.values():
            if host.runs_sshd and not self._sshd_listening(host.name):
                missing.append(host.name)
        return missing

    def _sshd_listening(self, host: str) -> bool:
        # /proc/PID/net/tcp shows the sockets of PID's network namespace: no process to spawn.
        try:
            table = Path(f"/proc/{self.anchor(host)}/net/tcp").read_text()
        except (OSError, LabError):
            return False
        address = str(self.topology.host(host).mgmt_address)
        wanted = "".join(f"{int(part):02X}" for part in reversed(address.split("."))) + ":0016"
        return any(line.split()[1] == wanted and line.split()[3] == "0A" for line in table.splitlines()[1:])

    # --- entering hosts -------------------------------------------------------------------------------

    def anchor(self, host: str) -> int:
        """PID of the process holding ``host``'s namespaces (checked to be alive in the host's namespace)."""
        record = self.state["hosts"].get(host)
        if record is None:
            raise InputError(f"no lab host {host!r} (hosts: {', '.join(self.state['hosts'])})")
        pid = record["anchor"]
        if not pid or not namespaces.pid_in_namespace(pid, record["namespace"]):
            raise LabError(f"{host}: its namespace holder (PID {pid}) is gone; run lab down and lab up again")
        return pid

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

    def _popen(self, host: str, argv: Sequence[str]) -> subprocess.Popen[str]:
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
        """An ``ssh`` command line (to run on a cluster node) that logs into ``host`` as root, host key checked."""
        return [
            "ssh", "-i", str(self.key_file),
            "-o", f"UserKnownHostsFile={self.known_hosts}", "-o", "StrictHostKeyChecking=yes",
            "-o", "BatchMode=yes", "-o", "ConnectTimeout=5", "-o", "GlobalKnownHostsFile=/dev/null",
            f"root@{self.topology.host(host).mgmt_address}", *command,
        ]  # fmt: skip

    # --- changing the lab -----------------------------------------------------------------------------

    def set_nic(self, router: str, *, up: bool) -> None:
        """Make a router's VM-side NIC hold the gateway (``up``) or release it, by hand, the router's own way:
        link-style by its link (the address stays configured), address-style by its address (the link stays up).
        Safe to repeat."""
        gateway = self.topology.customer_of_router(router).gateway
        lines = styles_of_nics.set_nic_batch(self.router_style(router), up=up, gateway=gateway)
        namespaces.run_ip_batch(lines, namespace=self.topology.host(router).namespace)

    def holds_gateway(self, router: str) -> bool:
        """Does ``router``'s VM-side NIC carry its customer's gateway now? Read and judged as the tool does."""
        gateway = self.topology.customer_of_router(router).gateway
        link = self.run(router, link_command(VM_NIC).split())
        addresses = self.run(router, address_command(VM_NIC).split(), check=True)
        state = parse_nic_state(
            nic=VM_NIC,
            link=link.stdout + link.stderr,
            link_status=link.returncode,
            addresses=addresses.stdout,
            gateway=gateway,
        )
        return holds_gateway(state, gateway)

    def cut_off(self, host: str) -> None:
        """Drop every packet in and out of ``host`` except loopback (nftables table inside its namespace)."""
        ruleset = (
            f"table inet {CUTOFF_TABLE} {{\n"
            "  chain input { type filter hook input priority 0; policy drop; iif lo accept; }\n"
            "  chain output { type filter hook output priority 0; policy drop; oif lo accept; }\n"
            "}\n"
        )
        self.run(host, ["nft", "-f", "-"], input=ruleset, check=True)

    def restore(self, host: str) -> None:
        """Undo :meth:`cut_off` (no-op when the host is not cut off)."""
        listed = self.run(host, ["nft", "list", "tables"], check=True).stdout
        if f"inet {CUTOFF_TABLE}" in listed:
            self.run(host, ["nft", "delete", "table", "inet", CUTOFF_TABLE], check=True)

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
        customer = self.topology.customer(fog)
        if to_node not in CLUSTER_NODES:
            raise InputError(f"no cluster node {to_node!r} (nodes: {', '.join(CLUSTER_NODES)})")
        namespaces.run_ip_batch(
            [f"link set dev {customer.vm_port} master {customer.bridge_for(to_node)}"],
            namespace=self.topology.switch_namespace,
        )

    def vm_site(self, fog: str) -> str | None:
        """The node whose site ``fog``'s VM is attached to now (None if its port is in no site bridge)."""
        customer = self.topology.customer(fog)
        shown = subprocess.run(
            ["ip", "-n", self.topology.switch_namespace, "-o", "link", "show", "dev", customer.vm_port],
            capture_output=True,
            check=False,
            text=True,
            timeout=10,
        ).stdout.split()
        master = shown[shown.index("master") + 1] if "master" in shown else None
        for node in CLUSTER_NODES:
            if customer.bridge_for(node) == master:
                return node
        return None

    # --- daemons ----------------------------------------------------------------------------------------

    def _pid_file(self, host: str, daemon: str) -> Path:
        if daemon == "sshd":
            return self.host_dir(host) / "ssh" / "sshd.pid"
        if daemon in frr.DAEMONS:
            return self.host_dir(host) / "frr" / "run" / f"{daemon}.pid"
        raise InputError(f"unknown daemon {daemon!r} (daemons: {', '.join(DAEMON_NAMES)})")

    def _host_daemons(self, host: str) -> list[str]:
        planned = self.topology.host(host)
        return [*(frr.DAEMONS if planned.runs_frr else ()), *(("sshd",) if planned.runs_sshd else ())]

    def daemon_pid(self, host: str, daemon: str) -> int | None:
        """PID of ``daemon`` on ``host`` when it runs (read from its pid file, checked in the host's namespace)."""
        try:
            pid = int(self._pid_file(host, daemon).read_text().split()[0])
        except (FileNotFoundError, ValueError, IndexError):
            return None
        return pid if namespaces.pid_in_namespace(pid, self.state["hosts"][host]["namespace"]) else None

    def stop_daemon(self, host: str, daemon: str) -> None:
        """Stop ``daemon`` (zebra, ospfd or sshd) on ``host``: SIGTERM, then SIGKILL after 3 s."""
        if daemon not in self._host_daemons(host):
            raise InputError(f"{host} runs no {daemon} (it runs {', '.join(self._host_daemons(host)) or 'none'})")
        pid = self.daemon_pid(host, daemon)
        if pid is not None and namespaces.kill_pids([pid]):
            raise LabError(f"{host}: {daemon} (PID {pid}) did not stop")
        self._pid_file(host, daemon).unlink(missing_ok=True)

    def start_daemon(self, host: str, daemon: str, *, timeout: float = 10.0) -> int:
        """Start ``daemon`` on ``host`` again (no-op if it runs); return its PID once it is ready."""
        if daemon not in self._host_daemons(host):
            raise InputError(f"{host} runs no {daemon} (it runs {', '.join(self._host_daemons(host)) or 'none'})")
        pid = self.daemon_pid(host, daemon)
        if pid is not None:
            return pid
        command = sshd.daemon_command(self.host_dir(host)) if daemon == "sshd" else frr.daemon_command(daemon)
        self.run(host, ["sh", "-c", command], timeout=timeout, check=True)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            pid = self.daemon_pid(host, daemon)
            if pid is not None and (daemon != "sshd" or self._sshd_listening(host)):
                return pid
            time.sleep(0.05)
        raise LabError(f"{host}: {daemon} did not come up within {timeout:.0f} s")

    def change_host_key(self, host: str) -> None:
        """Give ``host``'s sshd a new host key without updating known_hosts (clients must refuse it)."""
        key = self.host_dir(host) / "ssh" / sshd.HOST_KEY_NAME
        saved = key.with_name(key.name + ".orig")
        if not saved.exists():
            key.rename(saved)
            key.with_name(key.name + ".pub").rename(saved.with_name(saved.name + ".pub"))
        sshd.generate_keys([key])
        self.stop_daemon(host, "sshd")
        self.start_daemon(host, "sshd")

    def restore_host_key(self, host: str) -> None:
        """Undo :meth:`change_host_key`: the key in known_hosts is served again."""
        key = self.host_dir(host) / "ssh" / sshd.HOST_KEY_NAME
        saved = key.with_name(key.name + ".orig")
        if not saved.exists():
            return
        os.replace(saved, key)
        os.replace(saved.with_name(saved.name + ".pub"), key.with_name(key.name + ".pub"))
        self.stop_daemon(host, "sshd")
        self.start_daemon(host, "sshd")

    def reset(self, *, timeout: float = 30.0) -> float:
        """Bring the lab back to its start state and wait for convergence; return the seconds the wait took.

        Start state: no host cut off, original host keys, every daemon running, every server online, every FOG
        on node-a with its VM at site A, odd routers holding the gateway and even routers released, each in its
        NIC style (the odd router announcing the gateway by gratuitous ARP), clpstat normal.
        """
        for name, planned in self.topology.hosts.items():
            if planned.role != "vm":
                self.restore(name)
            if planned.runs_sshd:
                self.restore_host_key(name)
            for daemon in self._host_daemons(name):
                self.start_daemon(name, daemon)
        for server in CLUSTER_NODES:
            self.cluster.set_server_status(server, "Online")
        self.cluster.set_clpstat()
        for customer in self.topology.customers:
            self.cluster.set_group_server(customer.fog, CLUSTER_NODES[0])
            self.move_vm(customer.fog, CLUSTER_NODES[0])
            standby, active = customer.routers[1], customer.routers[0]
            self.set_nic(standby, up=False)  # down first: never both up, which would split the VM network
            self.set_nic(active, up=True)
            # The VM may still have the other router's MAC for its gateway (it kept its ARP cache when moved);
            # announcing costs a second (arping waits), so only when the cached MAC is not the active router's.
            cached = self.run(customer.vm, ["ip", "neigh", "show", customer.gateway]).stdout
            mac = self.run(active, ["cat", f"/sys/class/net/{VM_NIC}/address"], check=True).stdout.strip()
            if cached.strip() and mac not in cached:
                self.run(active, ["arping", "-q", "-U", "-c", "1", "-I", VM_NIC, customer.gateway], timeout=10)
        return self.wait_converged(timeout=timeout)

    # --- ECX's part ---------------------------------------------------------------------------------------

    def failover(
        self,
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
        customer = self.topology.customer(fog)
        state = self.cluster.read()
        servers = [s["name"] for s in state["servers"]]
        source = state["groups"].get(fog)
        target = to_node if to_node is not None else next(n for n in CLUSTER_NODES if n != source)
        if target not in servers:
            raise InputError(f"no cluster node {target!r} (nodes: {', '.join(servers)})")
        if target == source:
            raise InputError(f"{fog} runs on {target} already")
        online = {s["name"] for s in state["servers"] if s["status"] == "Online"}
        stop: subprocess.CompletedProcess[str] | None = None
        if source is not None and source in online and self._reachable(source):
            stop = self._run_script(
                source, stop_script, self._ecx_env(fog, source, servers, factor=True), capture, timeout
            )
        self.cluster.set_group_server(customer.fog, target)
        self.move_vm(customer.fog, target)
        start = self._run_script(target, start_script, self._ecx_env(fog, target, servers), capture, timeout)
        return FailoverResult(fog=fog, source=source, target=target, stop=stop, start=start)

    def _reachable(self, node: str) -> bool:
        try:
            listed = self.run(node, ["nft", "list", "tables"], timeout=10).stdout
        except LabError:
            return False
        return f"inet {CUTOFF_TABLE}" not in listed

    def _ecx_env(self, fog: str, node: str, servers: list[str], *, factor: bool = False) -> dict[str, str]:
        env = {
            "PATH": DEFAULT_ROOT_PATH,
            "HOME": "/root",
            "LANG": "C",
            "CLP_EVENT": "FAILOVER",
            "CLP_SERVER": "HOME" if servers and servers[0] == node else "OTHER",
            "CLP_GROUPNAME": fog,
            "CLP_RESOURCENAME": EXEC_RESOURCE,
            "OSPF_FAILOVER": str(tool_path()),
            "OSPF_FAILOVER_INVENTORY": str(self.inventory_dir),
        }
        if factor:
            env["CLP_FACTOR"] = "GROUPFAILOVER"
        return env

    def _run_script(
        self, node: str, script: Path, env: dict[str, str], capture: bool, timeout: float
    ) -> subprocess.CompletedProcess[str]:
        argv = [str(script)] if os.access(script, os.X_OK) else ["/bin/sh", str(script)]
        full = ["env", "-i", *(f"{k}={v}" for k, v in env.items()), *argv]
        command = self.exec_argv(node, full, workdir=str(script.parent))
        try:
            if capture:
                return subprocess.run(command, check=False, capture_output=True, text=True, timeout=timeout)
            done = subprocess.run(command, check=False, timeout=timeout)
            return subprocess.CompletedProcess(done.args, done.returncode, "", "")
        except subprocess.TimeoutExpired as exc:
            raise LabError(f"{node}: {script} did not finish within {timeout:.0f} s") from exc

    # --- inspection -------------------------------------------------------------------------------------

    def route_carriers(self, observer: str) -> dict[str, list[str]]:
        """VM network -> the routers ``observer`` routes it through now (by OSPF; empty list: no route)."""
        output = self.vtysh(observer, "show ip route ospf json")
        documents = convergence.split_json_documents(output)
        routes = documents[0] if documents else {}
        carriers: dict[str, list[str]] = {}
        for customer in self.topology.customers:
            hops = convergence.route_next_hops(routes, customer.network)
            carriers[customer.network] = sorted(self.topology.router_of_address(h) or h for h in hops)
        return carriers

    def status(self) -> dict[str, Any]:
        """Hosts with their daemons (PID when alive), and per FOG: cluster node, VM site, routers on gw1/gw2."""
        hosts: dict[str, Any] = {}
        for name, record in self.state["hosts"].items():
            planned = self.topology.host(name)
            anchor_alive = namespaces.pid_in_namespace(record["anchor"], record["namespace"])
            hosts[name] = {
                "role": record["role"],
                "namespace": record["namespace"],
                "mgmt_address": planned.mgmt_address,
                "uplink_address": planned.uplink_address,
                "anchor": record["anchor"] if anchor_alive else None,
                "daemons": {d: self.daemon_pid(name, d) for d in self._host_daemons(name)},
            }
        groups = self.cluster.read()["groups"]
        carriers: dict[str, dict[str, list[str]] | str] = {}
        for observer in OBSERVERS:
            try:
                carriers[observer] = self.route_carriers(observer)
            except (LabError, InputError) as exc:
                carriers[observer] = f"unknown: {exc}"
        fogs: dict[str, Any] = {}
        for customer in self.topology.customers:
            fogs[customer.fog] = {
                "vm_network": customer.network,
                "cluster_node": groups.get(customer.fog),
                "vm_site": self.vm_site(customer.fog),
                "routers": list(customer.routers),
                "route_via": {
                    observer: (found.get(customer.network, []) if isinstance(found, dict) else found)
                    for observer, found in carriers.items()
                },
            }
        return {
            "directory": str(self.directory),
            "customers": self.state["customers"],
            "timers": self.state["timers"],
            "nic_style": self.nic_style,
            "up_seconds": self.state["up_seconds"],
            "hosts": hosts,
            "fogs": fogs,
            "clpstat": self.cluster.read()["clpstat"],
        }


def _orphan_owner(pids: list[int]) -> Path | None:
    """The lab directory a namespace's processes were started from (their working directory), if any."""
    for pid in pids:
        try:
            cwd = Path(os.readlink(f"/proc/{pid}/cwd"))
        except OSError:
            continue
        if cwd.parent.name == "hosts":
            return cwd.parent.parent
    return None


def teardown(directory: Path | str, *, progress: Progress | None = None, orphans: bool = False) -> str:
    """Remove the lab of ``directory``: kill its processes by PID, delete its namespaces and the directory.

    Only the namespaces its state records are touched. With ``orphans`` and no state in ``directory``, it also
    removes leftover ``ofl-`` namespaces that no other running lab owns (after a lab directory was lost).
    The directory is removed when the lab created it; a directory that existed before keeps, emptied. Safe to
    repeat; returns a one-line summary.
    """
    say = progress or _quiet
    path = Path(directory).resolve()
    recorded: lab_state.LabState | None = None
    if lab_state.exists(path):
        try:
            recorded = lab_state.read(path)
        except LabError as exc:
            say(f"lab: {exc}")
    if recorded is not None:
        names = [n for n in namespaces.existing(recorded["namespaces"]) if n.startswith(NAMESPACE_PREFIX)]
    elif orphans:
        # Leftovers of a lab whose state is gone; a namespace of another running lab is left alone (its
        # processes were started from that lab's directory, which still has its state).
        leftovers = namespaces.existing(prefix=NAMESPACE_PREFIX)
        protected: set[str] = set()
        for found in namespaces.pids_in(leftovers).values():
            owner = _orphan_owner(found)
            if owner is not None and owner != path and lab_state.exists(owner):
                with contextlib.suppress(LabError):
                    protected.update(lab_state.read(owner)["namespaces"])
        names = [name for name in leftovers if name not in protected]
    else:
        names = []
    marker = path / lab_state.MARKER_FILE
    is_lab_dir = marker.exists()
    if recorded is None and not names and not is_lab_dir:
        leftovers = namespaces.existing(prefix=NAMESPACE_PREFIX)
        hint = (
            f" ({len(leftovers)} ofl- namespace(s) exist: `lab down --orphans` removes a lost lab's)"
            if leftovers
            else ""
        )
        return f"no lab in {path}; nothing to do{hint}"
    pids = [pid for found in namespaces.pids_in(names).values() for pid in found]
    pids = sorted(set(pids))
    say(f"lab: stopping {len(pids)} process(es) in {len(names)} namespace(s)")
    left = namespaces.kill_pids(pids)
    if left:
        raise LabError(f"processes {left} did not stop; namespaces and {path} left in place")
    namespaces.delete(names)
    if is_lab_dir:
        if marker.read_text() == EXISTING_MARKER:
            for entry in path.iterdir():
                if entry.is_dir() and not entry.is_symlink():
                    shutil.rmtree(entry)
                else:
                    entry.unlink()
        else:
            shutil.rmtree(path)
    removed = f"{len(names)} namespace(s), {len(pids)} process(es) removed"
    if recorded is None and names:
        return f"no lab state in {path}: removed leftover lab namespaces ({removed})"
    return f"lab in {path} is down ({removed})"
