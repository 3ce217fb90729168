"""Building a lab: every file it needs (configurations, keys, stand-ins, the inventory), then its hosts started.

Called by :meth:`ospf_failover_lab.lab.Lab.up` and ``reset`` (see that module for the directory layout).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

from ospf_failover.errors import InputError, LabError

from . import (
    cluster,
    cutoff,
    daemons,
    frr,
    host_start,
    inspection,
    inventory_writer,
    namespaces,
    played,
    sshd,
    trunks,
    vm_side,
)
from . import nic_style as styles_of_nics
from . import state as lab_state
from . import unprivileged as unprivileged_lab
from .directory import CREATED_MARKER, EXISTING_MARKER, Progress, check_lab_directory, orphan_owner
from .hosts import LabHosts
from .topology import CLUSTER_NODES, OBSERVERS, Host, plan

START_IN_FLIGHT = 24  # host start scripts run at once: enough to keep 2 cores busy without thrashing


def write_files(lab: LabHosts, timers: frr.Timers) -> None:
    topology = lab.topology
    ospf_timers = frr.timers_named(timers)
    (lab.directory / "ssh").mkdir(exist_ok=True)
    host_keys: dict[str, Path] = {}
    router_styles = styles_of_nics.router_styles(topology, lab.nic_style)
    nmcli = lab.directory / "nmcli"
    shutil.copyfile(styles_of_nics.STANDIN, nmcli)
    nmcli.chmod(0o755)
    user = lab.login_user
    uid = unprivileged_lab.write_accounts(lab.directory) if user != "root" else 0
    login = unprivileged_lab.inventory_data() if user != "root" else None
    for host in topology.hosts.values():
        host_dir = lab.host_dir(host.name)
        host_dir.mkdir(parents=True, exist_ok=True)
        batch = host_start.ip_batch(host, router_styles.get(host.name, "link"))
        (host_dir / "ip.batch").write_text("\n".join(batch) + "\n")
        if host.role == "router":
            (host_dir / "nm").mkdir(exist_ok=True)
            for customer in topology.customers_of_router(host.name):  # one connection per VM-side NIC
                keyfile = styles_of_nics.keyfile(customer.gateway, customer.nic)
                (host_dir / "nm" / f"{customer.nic}.nmconnection").write_text(keyfile)
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
            platform = lab.observer_platforms.get(host.name)
            (host_dir / "ssh" / "sshd_config").write_text(
                sshd.sshd_config(
                    host=host,
                    host_dir=host_dir,
                    authorized_keys=lab.directory / "ssh" / "authorized_keys",
                    force_command=played.force_command(
                        python=sys.executable,
                        platform=platform,
                        hostname=host.name,
                        log=str(host_dir / played.TYPED_LOG),
                    )
                    if platform
                    else None,
                    user=user,
                )
            )
        clpstat = lab.directory / "clpstat" if host.role == "node" else None
        standin = nmcli if host.role == "router" else None
        accounts = (
            unprivileged_lab.start_lines(host_dir=host_dir, directory=lab.directory, uid=uid)
            if login is not None and host.runs_sshd
            else []
        )
        (host_dir / "start.sh").write_text(
            host_start.script(host=host, host_dir=host_dir, clpstat=clpstat, nmcli=standin, accounts=accounts)
        )
    sshd.generate_keys([lab.key_file, *host_keys.values()])
    (lab.directory / "ssh" / "authorized_keys").write_text(sshd.public_key(lab.key_file) + " lab\n")
    known = [sshd.known_hosts_line(str(topology.hosts[name].mgmt_address), key) for name, key in host_keys.items()]
    inventory_writer.write(
        topology=topology,
        directory=lab.inventory_dir,
        key_file=lab.key_file,
        known_hosts=known,
        styles=router_styles,
        platforms=lab.observer_platforms,
        user=user,
        login=login,
    )
    if login is not None:
        unprivileged_lab.write_sudoers(lab)  # rendered from the inventory just written
    standin = lab.directory / "clpstat"
    standin.write_text(cluster.standin_script(lab.directory))
    standin.chmod(0o755)
    lab.cluster.create(cluster.initial_state(servers=CLUSTER_NODES, groups=[c.fog for c in topology.customers]))


def start_command(lab: LabHosts, host: Host) -> list[str]:
    return [
        "ip", "netns", "exec", host.namespace,
        "unshare", "--mount", "--uts", "--propagation", "private",
        "sh", str(lab.host_dir(host.name) / "start.sh"),
    ]  # fmt: skip


def start_hosts(lab: LabHosts, *, timeout: float = 120.0) -> None:
    """Run every host's start script, ``START_IN_FLIGHT`` at a time, and record the anchors' PIDs."""
    waiting = list(lab.topology.hosts.values())
    running: list[tuple[Host, subprocess.Popen[bytes]]] = []
    failed: list[str] = []
    deadline = time.monotonic() + timeout
    while waiting or running:
        while waiting and len(running) < START_IN_FLIGHT:
            host = waiting.pop(0)
            with open(lab.host_dir(host.name) / "start.log", "wb") as log:
                process = subprocess.Popen(
                    start_command(lab, host),
                    stdin=subprocess.DEVNULL,
                    stdout=log,
                    stderr=subprocess.STDOUT,
                    cwd=lab.host_dir(host.name),  # anchors keep it: `lab down` tells whose orphans they are
                )
            running.append((host, process))
        still: list[tuple[Host, subprocess.Popen[bytes]]] = []
        for host, process in running:
            code = process.poll()
            if code is None:
                still.append((host, process))
            elif code != 0:
                log_text = (lab.host_dir(host.name) / "start.log").read_text(errors="replace").strip()
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
    for host in lab.topology.hosts.values():
        anchor = int((lab.host_dir(host.name) / host_start.ANCHOR_PID_FILE).read_text().strip())
        lab.state["hosts"][host.name]["anchor"] = anchor
    lab_state.write(lab.directory, lab.state)


def default_up_timeout(customers: int, timers: frr.Timers = "fast") -> float:
    """How long `lab up` may take in all: 50 customers converge in ~15 s with fast timers (measured on 2 cores);
    FRR's default timers add the 40 s wait before the DR election. Past 100 customers (trunks: few hosts) the
    budget stops growing at 5 minutes more."""
    return (40.0 if timers == "fast" else 100.0) + min(3.0 * customers, 300.0)


def prepare(
    directory: Path | str,
    *,
    customers: int,
    timers: frr.Timers,
    prefix: str,
    nic_style: str,
    say: Progress,
    router_pairs: int | None = None,
    observer_platforms: dict[str, str] | None = None,
    unprivileged: bool = False,
    vlans: bool = False,
) -> tuple[Path, lab_state.LabState]:
    """Check that a lab can be built in ``directory`` and record its state there before anything exists (so that
    `lab down` can undo a partial `lab up`). Returns the directory's absolute path and the recorded state."""
    topology = plan(customers, router_pairs=router_pairs, prefix=prefix, vlans=vlans)  # bad sizes: refused first
    try:
        platforms = played.checked_observer_platforms(observer_platforms or {}, OBSERVERS)
    except ValueError as exc:
        raise InputError(f"observer platforms: {exc}") from None
    if platforms and unprivileged:  # the played CLI reads FRR with vtysh as the login user, who may not
        raise InputError("observer platforms: not with --unprivileged (a played CLI reads FRR as root)")
    if os.geteuid() != 0:
        raise LabError("the lab needs root (network namespaces, FRR, sshd)")
    if timers not in frr.TIMER_CHOICES:
        raise InputError(f"timers must be one of {', '.join(frr.TIMER_CHOICES)}; got {timers!r}")
    style = styles_of_nics.checked(nic_style)
    if unprivileged:
        unprivileged_lab.check_ready()
    path = Path(directory).resolve()
    if lab_state.exists(path):
        raise LabError(f"lab already up in {path}; run lab down first")
    clash = namespaces.existing(topology.namespaces)
    if clash:
        owners = {orphan_owner(pids) for pids in namespaces.pids_in(clash).values()} - {None}
        where = f"--dir {sorted(map(str, owners))[0]}" if owners else "--dir THAT_DIR"
        raise LabError(
            f"namespaces {', '.join(clash[:4])}{' ...' if len(clash) > 4 else ''} exist already (another lab "
            f"is up); run `ospf-failover lab down {where}` first"
        )
    check_lab_directory(path)
    created = not path.exists()
    started = time.time()
    shared = f" on {topology.router_pairs} router pair(s)" if topology.shares_pairs else ""
    shared += " (trunks)" if topology.trunks else ""
    login = f", login {unprivileged_lab.LOGIN_USER} through sudo" if unprivileged else ""
    say(f"lab: building {customers} customer(s){shared} in {path} ({len(topology.namespaces)} namespaces{login})")
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
    if topology.shares_pairs or topology.trunks:
        recorded["router_pairs"] = topology.router_pairs
    if topology.trunks:
        recorded["vlans"] = True
    if platforms:
        recorded["observer_platforms"] = platforms
    if unprivileged:
        recorded["login_user"] = unprivileged_lab.LOGIN_USER
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    # The marker says whether the lab made the directory: `lab down` removes it only then (else its content).
    (path / lab_state.MARKER_FILE).write_text(CREATED_MARKER if created else EXISTING_MARKER)
    lab_state.write(path, recorded)  # recorded before anything exists, so `lab down` can undo a partial up
    return path, recorded


def build_hosts(lab: LabHosts, timers: frr.Timers, say: Progress) -> None:
    """Write every file, create the namespaces and links, start every host."""
    topology = lab.topology
    write_files(lab, timers)
    say("lab: files and keys written")
    namespaces.create(topology)
    say(f"lab: {len(topology.namespaces)} namespaces, {len(topology.bridges)} bridges and links created")
    start_hosts(lab)
    say("lab: hosts started (FRR, sshd)")


def restore_start_state(lab: LabHosts, *, timeout: float) -> float:
    """:meth:`Lab.reset`: the start state back, then the wait for convergence (its seconds returned)."""
    for name, planned in lab.topology.hosts.items():
        cutoff.restore(lab, name)
        if planned.runs_sshd:
            daemons.restore_host_key(lab, name)
        for daemon in daemons.host_daemons(lab, name):
            daemons.start_daemon(lab, name, daemon)
    for server in CLUSTER_NODES:
        lab.cluster.set_server_status(server, "Online")
    lab.cluster.set_clpstat()
    for customer in lab.topology.customers:
        lab.cluster.set_group_server(customer.fog, CLUSTER_NODES[0])
    if lab.topology.trunks:
        _restore_trunks(lab)
        return inspection.wait_converged(lab, timeout=timeout)
    for customer in lab.topology.customers:
        vm_side.move_vm(lab, customer.fog, CLUSTER_NODES[0])
        standby, active = customer.routers[1], customer.routers[0]
        # Down first: never both up, which would split the VM network.
        vm_side.set_nic(lab, standby, up=False, fog=customer.fog)
        vm_side.set_nic(lab, active, up=True, fog=customer.fog)
        # The VM may still have the other router's MAC for its gateway (it kept its ARP cache when moved);
        # announcing costs a second (arping waits), so only when the cached MAC is not the active router's.
        cached = lab.run(customer.vm, ["ip", "neigh", "show", customer.gateway]).stdout
        mac = lab.run(active, ["cat", f"/sys/class/net/{customer.nic}/address"], check=True).stdout.strip()
        if cached.strip() and mac not in cached:
            lab.run(active, ["arping", "-q", "-U", "-c", "1", "-I", customer.nic, customer.gateway], timeout=10)
    return inspection.wait_converged(lab, timeout=timeout)


def _restore_trunks(lab: LabHosts) -> None:
    """The trunk plan's start state in a few batches: every VM back on its hypervisor's site A trunk (one
    ``ip -batch`` per hypervisor), then every standby router's subinterfaces released and every active one's held
    (one batch per router). A VM moved back starts with an empty ARP cache and one that stayed at site A can only
    have its site A router's MAC, so no gateway needs announcing."""
    home = CLUSTER_NODES[0]
    sites = vm_side.vm_sites(lab)
    moves: dict[str, list[str]] = {}
    for customer in lab.topology.customers:
        if sites[customer.fog] != home:
            moves.setdefault(lab.topology.host(customer.vm).namespace, []).extend(trunks.move_lines(customer, home))
    for namespace, lines in moves.items():
        namespaces.run_ip_batch(lines, namespace=namespace)
    pairs = sorted({customer.routers for customer in lab.topology.customers})
    for _, standby in pairs:  # down first: never both up, which would split the VM networks
        vm_side.set_nic(lab, standby, up=False)
    for active, _ in pairs:
        vm_side.set_nic(lab, active, up=True)
