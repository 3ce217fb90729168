"""FRR configuration and daemon command lines of the lab's routers (zebra + ospfd from Debian's frr package).

Each router sees its own configuration at /etc/frr and its own sockets at /var/run/frr through bind mounts in
its private mount namespace, so a plain ``vtysh`` run inside the router talks to that router's daemons.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from .topology import UPLINK_PREFIX, Host, Topology

FRR_BIN = "/usr/lib/frr"
DAEMONS = ("zebra", "ospfd")
Timers = Literal["fast", "default"]
TIMER_CHOICES: tuple[Timers, ...] = ("fast", "default")


@dataclass(frozen=True)
class OspfTimers:
    """OSPF timers of the lab; None keeps FRR's default."""

    hello: int | None
    dead: int | None
    spf_throttle: tuple[int, int, int] | None  # delay, initial hold, max hold (ms)
    lsa_min_arrival: int | None  # ms
    lsa_throttle_all: int | None  # ms


# Fast: a failover converges in well under a second, and a dead router is dropped after 4 s. Dead 4 s (not 3)
# leaves room for a late hello when 100 routers share one segment on 2 cores. The LSA timers at 0 let a switch
# back and forth within a second converge at once (FRR otherwise drops the second LSA instance).
FAST = OspfTimers(hello=1, dead=4, spf_throttle=(0, 50, 500), lsa_min_arrival=0, lsa_throttle_all=0)
DEFAULT = OspfTimers(hello=None, dead=None, spf_throttle=None, lsa_min_arrival=None, lsa_throttle_all=None)


def timers_named(name: Timers) -> OspfTimers:
    return FAST if name == "fast" else DEFAULT


def vm_networks(topology: Topology, host: Host) -> list[str]:
    """The VM networks a router advertises (one per VM-side NIC); none for an observer."""
    return [c.network for c in topology.customers if host.name in c.routers]


def vm_nics(topology: Topology, host: Host) -> list[str]:
    """A router's VM-side NICs (eth1, one more per further failover group of its pair); none for an observer."""
    return [c.nic for c in topology.customers if host.name in c.routers]


def zebra_conf(host: Host) -> str:
    return f"hostname {host.name}\nlog file /var/run/frr/zebra.log\n!\n"


def ospfd_conf(topology: Topology, host: Host, timers: OspfTimers) -> str:
    """The original how-to's OSPF intent: the uplink and the VM network in area 0; nothing on the mgmt segment."""
    lines = [f"hostname {host.name}", "log file /var/run/frr/ospfd.log", "!", "interface eth0"]
    if timers.hello is not None:
        lines.append(f" ip ospf hello-interval {timers.hello}")
    if timers.dead is not None:
        lines.append(f" ip ospf dead-interval {timers.dead}")
    if host.ospf_priority is not None:
        lines.append(f" ip ospf priority {host.ospf_priority}")
    lines += ["exit", "!", "router ospf", f" ospf router-id {host.uplink_address}", " log-adjacency-changes"]
    # Proactive ARP has zebra resolve every neighbour seen in a hello. The kernel's ARP table is one for the
    # whole machine (1024 entries, shared by all namespaces): 100 routers on one segment would fill it and
    # the kernel would then drop OSPF packets. Unicast OSPF goes to the DR/BDR only, so ARP on demand suffices.
    lines.append(" no proactive-arp")
    if timers.spf_throttle is not None:
        delay, hold, max_hold = timers.spf_throttle
        lines.append(f" timers throttle spf {delay} {hold} {max_hold}")
    if timers.lsa_throttle_all is not None:
        lines.append(f" timers throttle lsa all {timers.lsa_throttle_all}")
    if timers.lsa_min_arrival is not None:
        lines.append(f" timers lsa min-arrival {timers.lsa_min_arrival}")
    networks = vm_networks(topology, host)
    # A VM segment has no OSPF speaker: passive keeps hellos off it (a VM must never become a neighbour) while
    # its network is still advertised whenever its NIC is up.
    lines += [f" passive-interface {nic}" for nic in vm_nics(topology, host)]
    lines.append(f" network {UPLINK_PREFIX}.0/24 area 0")
    lines += [f" network {network} area 0" for network in networks]
    lines += ["exit", "!"]
    return "\n".join(lines) + "\n"


def daemon_command(daemon: str) -> str:
    """Shell command that starts ``daemon`` inside a router's namespaces (config and pid file at the usual places).

    ``-P 0``: no vty TCP port, only the unix sockets vtysh uses.
    """
    return f"{FRR_BIN}/{daemon} -d -P 0 -f /etc/frr/{daemon}.conf -i /var/run/frr/{daemon}.pid"
