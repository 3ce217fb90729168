"""The lab's inventory: the same schema as the repository's ``inventory/*.yaml``, with the lab's values.

Written to ``DIR/inventory/`` (hosts.yaml, groups.yaml, defaults.yaml, known_hosts) so the tool runs against the
lab exactly as against production. One thing tells it that the inventory is a lab's: the marker in defaults.yaml
``data.lab`` (the lab's prefix, directory and host namespaces), so that the tool refuses to connect with it from
outside the lab's namespaces (:mod:`ospf_failover.containment`).
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import yaml

from ospf_failover.inventory import SshExtras
from ospf_failover.inventory.schema import LabMarker

from .nic_style import ADDRESS_STYLE_DATA, RouterStyle
from .topology import CLUSTER_NODES, OBSERVERS, Topology

ROUTER_DATA: dict[str, str] = {
    "routing_suite": "frr",
    "vtysh": "vtysh",
    "nic_down": "ip link set dev {nic} down",
    "nic_up": "ip link set dev {nic} up",
    # A gratuitous ARP from the router that takes the gateway over refreshes the VM's ARP cache at once.
    # arping waits a second after its last packet: it runs in the background so the switch does not wait with it
    # (the first packet leaves at once); `command -v` still makes a missing arping a failed announcement.
    "announce_gateway": ("command -v arping >/dev/null && ( arping -q -U -c 2 -I {nic} {gateway} >/dev/null 2>&1 & )"),
}
OBSERVER_DATA: dict[str, str] = {"routing_suite": "frr", "vtysh": "vtysh"}


# Data of the unprivileged lab's login, per level (defaults, routers, observers, cluster_nodes, address_style):
# see ospf_failover_lab.unprivileged.inventory_data.
Login = Mapping[str, Mapping[str, str]]


def hosts(
    topology: Topology,
    styles: Mapping[str, RouterStyle] | None = None,
    login: Login | None = None,
    platforms: Mapping[str, str] | None = None,
) -> dict[str, Any]:
    """hosts.yaml: routers, observers and cluster nodes (clients and VMs are not managed by the tool).

    A router is in ``routers`` and in every failover group its pair serves. ``styles``: routers released by
    address (NetworkManager-style) get their own ``nic_down``/``nic_up`` and ``nic_config_file`` (``login``'s, in
    the unprivileged lab); the others use the ``routers`` group's link commands. ``platforms``: observers that
    play a vendor's CLI get that platform.
    """
    address_data = (login or {}).get("address_style", ADDRESS_STYLE_DATA)
    result: dict[str, Any] = {}
    fogs = [c.fog for c in topology.customers]
    for customer in topology.customers:
        for router in customer.routers:
            if router in result:
                result[router]["groups"].append(customer.fog)
                continue
            host = topology.hosts[router]
            data: dict[str, Any] = {"ospf_address": host.uplink_address}
            if (styles or {}).get(router) == "address":
                data.update(address_data)
            result[router] = {"hostname": host.mgmt_address, "groups": ["routers", customer.fog], "data": data}
    for name in OBSERVERS:
        result[name] = {"hostname": topology.hosts[name].mgmt_address, "groups": ["observers"]}
        if name in (platforms or {}):
            result[name]["platform"] = (platforms or {})[name]
    for name in CLUSTER_NODES:
        result[name] = {"hostname": topology.hosts[name].mgmt_address, "groups": ["cluster_nodes", *fogs]}
    return result


def groups(topology: Topology, login: Login | None = None) -> dict[str, Any]:
    """groups.yaml: the role groups (with ``login``'s templates in the unprivileged lab) and one group per
    failover group (FOG), each with its NIC on its pair."""
    extra = login or {}
    result: dict[str, Any] = {
        "routers": {"data": {**ROUTER_DATA, **extra.get("routers", {})}},
        "cluster_nodes": {"data": {**extra.get("cluster_nodes", {})}},
        "observers": {"data": {**OBSERVER_DATA, **extra.get("observers", {})}},
    }
    for customer in topology.customers:
        result[customer.fog] = {
            "data": {
                "vm_network": customer.network,
                "vm_gateway": customer.gateway,
                "nic": customer.nic,
                "nics": {},
                "pairing": dict(zip(CLUSTER_NODES, customer.routers, strict=True)),
                "observers": list(OBSERVERS),
            }
        }
    return result


def marker(topology: Topology, lab_directory: Path) -> dict[str, Any]:
    """defaults.yaml ``data.lab``: the lab this inventory belongs to and the namespaces of its hosts, the only
    places the tool may connect from with it."""
    lab = LabMarker(
        prefix=topology.prefix,
        directory=str(lab_directory),
        namespaces=tuple(host.namespace for host in topology.hosts.values()),
    )
    return lab.model_dump(mode="json")


def defaults(
    key_file: Path,
    known_hosts: Path,
    lab: dict[str, Any] | None = None,
    *,
    user: str = "root",
    login: Login | None = None,
) -> dict[str, Any]:
    """defaults.yaml: ``user`` (root, or the unprivileged lab's login user with ``login``'s data) over SSH with the
    lab's key, host keys from the lab's known_hosts (absolute paths), and the lab's marker (``lab``, see
    :func:`marker`)."""
    ssh = SshExtras(
        use_keys=True,
        key_file=str(key_file),
        allow_agent=False,
        ssh_strict=True,
        system_host_keys=False,
        alt_host_keys=True,
        alt_key_file=str(known_hosts),
        ssh_config_file=None,
        conn_timeout=5,
        banner_timeout=5,
        auth_timeout=5,
    )
    return {
        "username": user,
        "platform": "linux",
        "port": 22,
        "connection_options": {"netmiko": {"extras": ssh.model_dump()}},
        "data": {
            "timeouts": {"command": 10},
            "max_connects_in_flight": 8,
            **(login or {}).get("defaults", {}),
            **({"lab": lab} if lab else {}),
        },
    }


HEADER = "# Generated by `ospf-failover lab up`: the rehearsal lab's inventory. Rewritten on every lab up.\n"


def _write_yaml(path: Path, content: dict[str, Any]) -> None:
    """Write one inventory file whole (temporary file, then rename: a reader never sees half of it)."""
    temporary = path.with_name(path.name + ".tmp")
    temporary.write_text(HEADER + yaml.safe_dump(content, sort_keys=False, default_flow_style=False))
    temporary.replace(path)


def write(
    *,
    topology: Topology,
    directory: Path,
    key_file: Path,
    known_hosts: list[str],
    styles: Mapping[str, RouterStyle] | None = None,
    platforms: Mapping[str, str] | None = None,
    user: str = "root",
    login: Login | None = None,
) -> None:
    """Write the four inventory files into ``directory``, the lab directory's ``inventory`` folder (the marker
    names its parent as the lab's directory). ``user`` and ``login``: the unprivileged lab's login user and its
    data (templates through sudo)."""
    directory.mkdir(parents=True, exist_ok=True)
    lab = marker(topology, directory.resolve().parent)
    known = directory.resolve() / "known_hosts"
    _write_yaml(directory / "hosts.yaml", hosts(topology, styles, login, platforms))
    _write_yaml(directory / "groups.yaml", groups(topology, login))
    _write_yaml(directory / "defaults.yaml", defaults(key_file, known, lab, user=user, login=login))
    (directory / "known_hosts").write_text("".join(line + "\n" for line in known_hosts))


def write_hosts(
    *,
    topology: Topology,
    directory: Path,
    styles: Mapping[str, RouterStyle],
    login: Login | None = None,
    platforms: Mapping[str, str] | None = None,
) -> None:
    """Rewrite hosts.yaml only: the routers' NIC style changed."""
    _write_yaml(directory / "hosts.yaml", hosts(topology, styles, login, platforms))
