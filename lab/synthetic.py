"""Synthetic inventories for the scale tests and benchmarks: N failover groups, a router pair for every
``per_pair`` of them, two cluster nodes and two observers, every host on a loopback address (127.0.1.1 on) and SSH
port 1, where nothing listens, so a connect is refused at once and nothing leaves the machine."""

from __future__ import annotations

import ipaddress
from pathlib import Path
from typing import Any

import yaml

NOTHING_LISTENS = 1  # tcpmux: no service on this machine; a connect to 127.x:1 is refused at once
FIXED_HOSTS = (("node-a", "cluster_nodes"), ("node-b", "cluster_nodes"), ("gw1", "observers"), ("gw2", "observers"))
ROLE_DATA = {"routing_suite": "frr", "nic_down": "ip link set dev {nic} down", "nic_up": "ip link set dev {nic} up"}


def loopback(index: int) -> str:
    """The index-th loopback address from 127.0.1.1 on (never 127.0.0.1)."""
    return str(ipaddress.IPv4Address("127.0.1.1") + index)


def synthetic_files(directory: Path, groups: int, *, per_pair: int) -> dict[str, dict[str, Any]]:
    """The content of hosts.yaml, groups.yaml and defaults.yaml (customer1..customerN, customer k on VM network
    10.x.y.0/24 number k-1 and NIC eth1.<100+slot>), with ``directory``'s id_ed25519 and known_hosts as the
    session's key and known hosts files (the caller writes them)."""
    hosts: dict[str, Any] = {}
    address = iter(range(10**6))
    for name, role in (
        ("node-a", "cluster_nodes"),
        ("node-b", "cluster_nodes"),
        ("gw1", "observers"),
        ("gw2", "observers"),
    ):
        hosts[name] = {"hostname": loopback(next(address)), "groups": [role]}
    for router in range(2 * ((groups + per_pair - 1) // per_pair)):
        hosts[f"vr{router + 1}"] = {"hostname": loopback(next(address)), "groups": ["routers"]}
    fogs: dict[str, Any] = {}
    for number in range(1, groups + 1):
        pair, slot = divmod(number - 1, per_pair)
        routers = (f"vr{2 * pair + 1}", f"vr{2 * pair + 2}")
        network = ipaddress.IPv4Network((int(ipaddress.IPv4Address("10.0.0.0")) + ((number - 1) << 8), 24))
        name = f"customer{number}"
        fogs[name] = {
            "data": {
                "vm_network": str(network),
                "vm_gateway": str(network.network_address + 254),
                "nic": f"eth1.{100 + slot}",
                "pairing": {"node-a": routers[0], "node-b": routers[1]},
                "observers": ["gw1", "gw2"],
            }
        }
        for host in (*routers, "node-a", "node-b"):
            hosts[host]["groups"].append(name)
    extras = {
        "use_keys": True,
        "key_file": str(directory / "id_ed25519"),
        "allow_agent": False,
        "ssh_strict": True,
        "system_host_keys": False,
        "alt_host_keys": True,
        "alt_key_file": str(directory / "known_hosts"),
        "ssh_config_file": None,
        "conn_timeout": 2,
        "banner_timeout": 2,
        "auth_timeout": 2,
    }
    return {
        "hosts": hosts,
        "groups": {
            "routers": {"data": dict(ROLE_DATA)},
            "cluster_nodes": {},
            "observers": {"data": {"routing_suite": "frr"}},
            **fogs,
        },
        "defaults": {
            "username": "root",
            "platform": "linux",
            "port": NOTHING_LISTENS,
            "connection_options": {"netmiko": {"extras": extras}},
            "data": {"timeouts": {"command": 5}},
        },
    }


def write_files(directory: Path, files: dict[str, dict[str, Any]]) -> Path:
    """Each file's content as ``directory/NAME.yaml``; ``directory``."""
    for name, content in files.items():
        (directory / f"{name}.yaml").write_text(yaml.safe_dump(content, sort_keys=False))
    return directory
