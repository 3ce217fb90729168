"""Where is a failover group active? From the operator, from ECX's call, or from clpstat."""

from __future__ import annotations

import os
import socket
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal

from ospf_failover.errors import InputError
from ospf_failover.inventory import Fleet, Fog, Host
from ospf_failover.models import ClpstatStatus
from ospf_failover.parsers.clpstat import find_group

Source = Literal["option", "ecx", "clpstat"]


@dataclass(frozen=True)
class Location:
    node: str  # inventory name of the cluster node the group runs on
    source: Source
    detail: str


def this_node(fleet: Fleet, *, hostname: str | None = None) -> Host | None:
    """The cluster node this process runs on, recognised by its hostname as ECX server name."""
    name = hostname if hostname is not None else socket.gethostname()
    node = fleet.node_by_ecx_server(name)
    if node is None:
        short = name.split(".")[0]
        node = fleet.node_by_ecx_server(short)
    return node


def ecx_group(environ: Mapping[str, str] | None = None) -> str | None:
    """The failover group ECX is starting or stopping, when this process runs as an exec resource script."""
    env = os.environ if environ is None else environ
    return env.get("CLP_GROUPNAME") or None


def node_from_option(fleet: Fleet, fog: Fog, value: str) -> Location:
    host = fleet.hosts.get(value) or fleet.node_by_ecx_server(value)
    if host is None or host.role != "cluster_node":
        raise InputError(f"--node {value}: not a cluster node in the inventory")
    if host.name not in fog.pairing:
        raise InputError(f"--node {value}: {fog.name}'s pairing has no router for {host.name}")
    return Location(node=host.name, source="option", detail=f"--node {value}")


def node_from_ecx(fleet: Fleet, fog: Fog, local: Host | None) -> Location:
    if local is None:
        raise InputError(
            f"run by ECX for {fog.name}, but this machine's hostname ({socket.gethostname()}) is no cluster node "
            "of the inventory: set the node's ecx_server to it"
        )
    if local.name not in fog.pairing:
        raise InputError(f"run by ECX on {local.name}, but {fog.name}'s pairing has no router for {local.name}")
    return Location(node=local.name, source="ecx", detail=f"ECX starts {fog.name} on this node ({local.ecx_server})")


def node_from_clpstat(
    fleet: Fleet, fog: Fog, status: ClpstatStatus, *, where: str, require_online: bool = True
) -> Location:
    """The node clpstat says the group runs on; anything short of a clear answer is refused (exit 2).

    Run by hand, only an ``Online`` group is acted on: a group starting, stopping or failed is ECX's business
    until it settles (``--node`` overrides).
    """
    group = find_group(status, fog.name)
    if group["current"] is None:
        raise InputError(f"clpstat on {where}: {fog.name} is {group['status']} on no server: nothing to switch to")
    if require_online and group["status"] != "Online":
        raise InputError(
            f"clpstat on {where}: {fog.name} is {group['status']} on {group['current']}, not Online: "
            "wait for ECX, or give --node"
        )
    node = fleet.node_by_ecx_server(group["current"])
    if node is None:
        raise InputError(
            f"clpstat on {where}: {fog.name} runs on server {group['current']!r}, which is no cluster node of the "
            "inventory (set ecx_server)"
        )
    if node.name not in fog.pairing:
        raise InputError(f"clpstat on {where}: {fog.name} runs on {node.name}, which its pairing does not list")
    return Location(
        node=node.name, source="clpstat", detail=f"clpstat on {where}: {fog.name} {group['status']} on {node.name}"
    )
