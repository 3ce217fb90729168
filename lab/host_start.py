"""The one shell script per host that turns an empty namespace into a running lab host.

It runs as ``ip netns exec NS unshare -m -u --propagation private sh start.sh``: its own mount namespace (private
/run, /etc/frr, /var/run/frr, /usr/local/sbin) and UTS namespace (its own hostname), so the host's files are never
touched and whoever enters the host later (ssh, ``lab exec``) sees what a real machine of that role would show.
Its private /run names the host's own network namespace only (``/run/netns/<prefix><host>``).
"""

from __future__ import annotations

import shlex
from collections.abc import Sequence
from pathlib import Path

from . import frr, sshd
from .nic_style import KEYFILE_DIR, RouterStyle
from .topology import Host, Link, Subinterface

ANCHOR_PID_FILE = "anchor.pid"


def ip_batch(host: Host, style: RouterStyle = "link") -> list[str]:
    """Addresses, link states and the default route of ``host`` as ``ip -batch`` lines (run inside the host).

    ``style``: how a router releases its VM-side NIC (see :mod:`ospf_failover_lab.nic_style`).
    """
    lines = ["link set lo up"]
    nics: tuple[Link | Subinterface, ...] = (*host.links, *host.subinterfaces)
    for link in nics:
        if isinstance(link, Subinterface):
            mac = f" address {link.mac}" if link.mac else ""
            # A macvlan named as an 802.1Q subinterface (see ospf_failover_lab.trunks): its own link and address.
            lines.append(f"link add link {link.parent} name {link.ifname}{mac} type macvlan mode bridge")
        address_style = host.role == "router" and link.vm_side and style == "address"
        if link.address is not None and (link.up or not address_style):
            lines.append(f"addr add {link.address} dev {link.ifname}")
        # A link-style standby keeps its address but stays down, as `ifdown` leaves it on a real router; an
        # address-style one is up without the address, as NetworkManager leaves it.
        lines.append(f"link set {link.ifname} {'up' if link.up or address_style else 'down'}")
        if isinstance(link, Subinterface) and link.table is not None and link.address is not None:
            # One namespace holds many VMs: each VM's own default route, chosen by its source address.
            lines.append(f"route add default via {link.gateway} dev {link.ifname} table {link.table}")
            lines.append(f"rule add from {link.address.split('/')[0]} table {link.table}")
    if host.default_gateway is not None:
        lines.append(f"route add default via {host.default_gateway}")
    return lines


def _sysctls(host: Host) -> list[str]:
    values = {
        # IPv6 off: the lab is IPv4 only and this keeps router solicitations and MLD off the bridges.
        "net/ipv6/conf/all/disable_ipv6": 1,
        "net/ipv6/conf/default/disable_ipv6": 1,
        "net/ipv4/ip_forward": 1 if host.forwarding else 0,
        # ICMP redirects would let a client bypass its gateway and cache a router that may lose the VM network.
        "net/ipv4/conf/all/send_redirects": 0,
        "net/ipv4/conf/default/send_redirects": 0,
        "net/ipv4/conf/all/accept_redirects": 0,
        "net/ipv4/conf/default/accept_redirects": 0,
        # No IGMP reports for 224.0.0.x (OSPF's groups): they cost one entry each in the kernel's neighbour
        # table, which is shared by the whole machine.
        "net/ipv4/igmp_link_local_mcast_reports": 0,
        "net/ipv4/conf/all/rp_filter": 0,
        "net/ipv4/conf/default/rp_filter": 0,
    }
    if host.subinterfaces:
        # Subinterfaces of one trunk share its segment (see ospf_failover_lab.trunks): only the interface that
        # holds an address answers ARP for it, and asks with it.
        values |= {"net/ipv4/conf/all/arp_ignore": 1, "net/ipv4/conf/all/arp_announce": 2}
    return [f"echo {value} > /proc/sys/{key}" for key, value in values.items()]


def script(
    *,
    host: Host,
    host_dir: Path,
    clpstat: Path | None,
    nmcli: Path | None = None,
    accounts: Sequence[str] = (),
) -> str:
    """The start script of ``host``; its files live in ``host_dir`` (see :mod:`ospf_failover_lab.lab`).

    ``clpstat`` (cluster nodes) and ``nmcli`` (routers) are stand-ins put on root's default PATH for this host
    only; a router's NetworkManager keyfiles come from ``host_dir/nm``. ``accounts``: the unprivileged lab's lines
    that mount its accounts and sudo rules (:func:`ospf_failover_lab.unprivileged.start_lines`), run before sshd.
    """
    q = shlex.quote
    lines = [
        "set -e",
        f"hostname {q(host.name)}",
        # The anchor: a process that holds the host's namespaces for `lab exec` whatever daemon is stopped.
        f"sleep infinity </dev/null >/dev/null 2>&1 & echo $! > {q(str(host_dir / ANCHOR_PID_FILE))}",
        # A private /run: sshd's /run/sshd and FRR's /run/frr exist only for this host.
        "mount -t tmpfs -o mode=755 ofl-run /run",
        "mkdir -p /run/sshd /run/frr",
        # The host's own network namespace under its name, as `ip netns` gives it outside: the private /run hides
        # the machine's /run/netns, and the tool uses a lab's inventory only where its network namespace is one of
        # the lab's named ones (ospf_failover.containment).
        f"mkdir /run/netns && : > /run/netns/{q(host.namespace)}",
        f"mount --bind /proc/self/ns/net /run/netns/{q(host.namespace)}",
        # Each lab host is a machine of its own: root's login shell must not run this machine's personal
        # start-up files (a version manager's init there costs a tenth of a second per SSH login).
        "for f in /root/.bashrc /root/.profile /root/.bash_profile /root/.bash_login; do"
        ' if [ -f "$f" ]; then mount --bind /dev/null "$f"; fi; done',
        *_sysctls(host),
        f"ip -batch {q(str(host_dir / 'ip.batch'))}",
    ]
    if host.runs_frr:
        lines += [
            # FRR keeps crash-log directories in /var/tmp/frr: this host's own, not the machine's.
            "mount -t tmpfs -o mode=1777 ofl-vartmp /var/tmp",
            f"mount --bind {q(str(host_dir / 'frr' / 'etc'))} /etc/frr",
            f"mount --bind {q(str(host_dir / 'frr' / 'run'))} /run/frr",
            *(frr.daemon_command(daemon) for daemon in frr.DAEMONS),
        ]
    standins = {"clpstat": clpstat, "nmcli": nmcli}
    if any(standins.values()):
        # ECX's and NetworkManager's commands are not in the lab: stand-ins sit on root's default PATH, for this
        # host only.
        lines.append("mount -t tmpfs -o mode=755 ofl-sbin /usr/local/sbin")
    for name, source in standins.items():
        if source is not None:
            lines += [f"cp {q(str(source))} /usr/local/sbin/{name}", f"chmod 755 /usr/local/sbin/{name}"]
    if nmcli is not None:
        lines += [f"mkdir -p {KEYFILE_DIR}", f"cp {q(str(host_dir / 'nm'))}/*.nmconnection {KEYFILE_DIR}/"]
    if host.runs_sshd:
        lines += [*accounts, sshd.daemon_command(host_dir)]
    return "\n".join(lines) + "\n"
