"""A lab host cut off its networks and restored: an nftables table inside the host's own namespace.

The table drops every packet in and out of the host except on loopback, as a dead link or a firewall would: SSH
to it times out, and its OSPF neighbours drop it after their dead interval. Deleting the table restores it.
"""

from __future__ import annotations

from ospf_failover.errors import LabError

from .hosts import LabHosts

CUTOFF_TABLE = "ofl_cutoff"  # nftables table (family inet) of a cut-off host
RULESET = (
    f"table inet {CUTOFF_TABLE} {{\n"
    "  chain input { type filter hook input priority 0; policy drop; iif lo accept; }\n"
    "  chain output { type filter hook output priority 0; policy drop; oif lo accept; }\n"
    "}\n"
)


def is_cut_off(hosts: LabHosts, host: str) -> bool:
    """Does ``host`` have the cut-off table now?"""
    listed = hosts.run(host, ["nft", "list", "tables"], timeout=10, check=True).stdout
    return f"table inet {CUTOFF_TABLE}" in listed.splitlines()


def cut_off(hosts: LabHosts, host: str) -> None:
    """Drop every packet in and out of ``host`` except loopback (safe to repeat)."""
    if not is_cut_off(hosts, host):
        hosts.run(host, ["nft", "-f", "-"], input=RULESET, check=True)


def restore(hosts: LabHosts, host: str) -> None:
    """Undo :func:`cut_off` (no-op when the host is not cut off)."""
    if is_cut_off(hosts, host):
        hosts.run(host, ["nft", "delete", "table", "inet", CUTOFF_TABLE], check=True)


def reachable(hosts: LabHosts, host: str) -> bool:
    """Is ``host`` up and not cut off? (False also when it cannot be entered at all.)"""
    try:
        return not is_cut_off(hosts, host)
    except LabError:
        return False
