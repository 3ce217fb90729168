"""What `lab up` writes, checked without root: inventory (with the lab's marker), FRR configuration, sshd
configuration."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from ospf_failover.errors import InventoryError
from ospf_failover.inventory import load_inventory
from ospf_failover_lab import frr, inventory_writer, sshd
from ospf_failover_lab.topology import plan

REPO = Path(__file__).resolve().parents[2]


def test_inventory_follows_the_repository_schema(tmp_path: Path) -> None:
    topology = plan(2)
    key = tmp_path / "ssh" / "id_ed25519"
    inventory = tmp_path / "inventory"  # as in a lab directory: DIR/inventory
    inventory_writer.write(topology=topology, directory=inventory, key_file=key, known_hosts=["192.168.75.1 k x"])
    hosts = yaml.safe_load((inventory / "hosts.yaml").read_text())
    groups = yaml.safe_load((inventory / "groups.yaml").read_text())
    defaults = yaml.safe_load((inventory / "defaults.yaml").read_text())
    repo_groups = yaml.safe_load((REPO / "inventory" / "groups.yaml").read_text())
    repo_defaults = yaml.safe_load((REPO / "inventory" / "defaults.yaml").read_text())

    assert hosts["vr1"] == {
        "hostname": "192.168.75.251",
        "groups": ["routers", "customer1"],
        "data": {"ospf_address": "192.168.76.251"},
    }
    assert hosts["vr3"]["groups"] == ["routers", "customer2"]
    assert hosts["gw1"] == {"hostname": "192.168.75.1", "groups": ["observers"]}
    assert hosts["node-b"] == {"hostname": "192.168.75.31", "groups": ["cluster_nodes", "customer1", "customer2"]}
    assert "client-a" not in hosts and "vm1" not in hosts

    assert set(groups) == {"routers", "cluster_nodes", "observers", "customer1", "customer2"}
    assert set(groups["customer1"]["data"]) == set(repo_groups["customer1"]["data"])
    assert groups["customer2"]["data"] == {
        "vm_network": "10.0.1.0/24",
        "vm_gateway": "10.0.1.254",
        "nic": "eth1",
        "nics": {},
        "pairing": {"node-a": "vr3", "node-b": "vr4"},
        "observers": ["gw1", "gw2"],
    }
    assert groups["routers"]["data"]["nic_down"] == "ip link set dev {nic} down"
    assert groups["routers"]["data"]["announce_gateway"] == (
        "command -v arping >/dev/null && ( arping -q -U -c 2 -I {nic} {gateway} >/dev/null 2>&1 & )"
    )
    assert "nic_config_file" not in groups["routers"]["data"]
    assert groups["observers"]["data"] == {"routing_suite": "frr", "vtysh": "vtysh"}

    assert set(defaults) == set(repo_defaults)
    repo_extras = repo_defaults["connection_options"]["netmiko"]["extras"]
    assert defaults["connection_options"]["netmiko"]["extras"] == {
        **repo_extras,  # the repository's SSH settings, with the lab's own absolute paths
        "key_file": str(key),
        "alt_key_file": str(inventory.resolve() / "known_hosts"),
    }
    assert defaults["data"] == {
        **repo_defaults["data"],  # the repository's, and the mark of the lab the inventory belongs to
        "lab": {
            "prefix": "ofl-",
            "directory": str(tmp_path.resolve()),
            "namespaces": [
                *("ofl-gw1", "ofl-gw2", "ofl-client-a", "ofl-client-b", "ofl-node-a", "ofl-node-b"),
                *("ofl-vr1", "ofl-vr2", "ofl-vm1", "ofl-vr3", "ofl-vr4", "ofl-vm2"),
            ],
        },
    }
    assert (inventory / "known_hosts").read_text() == "192.168.75.1 k x\n"


def test_the_inventory_loads_with_its_lab_marker(tmp_path: Path) -> None:
    """The marker is part of the schema: the loaded fleet knows its lab; a real inventory has none."""
    inventory = tmp_path / "lab" / "inventory"
    inventory_writer.write(
        topology=plan(1, prefix="ofl-t-"), directory=inventory, key_file=tmp_path / "k", known_hosts=[]
    )
    fleet = load_inventory(inventory)
    assert fleet.lab is not None
    assert (fleet.lab.prefix, fleet.lab.directory) == ("ofl-t-", str((tmp_path / "lab").resolve()))
    assert set(fleet.lab.namespaces) == {f"ofl-t-{host}" for host in plan(1).hosts}
    assert load_inventory(REPO / "inventory").lab is None


@pytest.mark.parametrize(
    ("change", "key"),
    [
        ({"prefix": "ofl x"}, "prefix"),
        ({"directory": "relative/lab"}, "directory"),
        ({"directory": "/tmp/lab\nsecond line"}, "directory"),
        ({"namespaces": ["../../etc/passwd"]}, "namespaces"),
        ({"namespaces": []}, "namespaces"),
    ],
)
def test_a_damaged_marker_is_an_inventory_problem(tmp_path: Path, change: dict[str, object], key: str) -> None:
    inventory = tmp_path / "inventory"
    inventory_writer.write(topology=plan(1), directory=inventory, key_file=tmp_path / "k", known_hosts=[])
    defaults = yaml.safe_load((inventory / "defaults.yaml").read_text())
    defaults["data"]["lab"].update(change)
    (inventory / "defaults.yaml").write_text(yaml.safe_dump(defaults))
    with pytest.raises(InventoryError) as refused:
        load_inventory(inventory)
    problems = refused.value.problems
    assert {tuple(p.key.split(".")[:3]) for p in problems} == {("data", "lab", key)}, problems
    assert all("`ospf-failover lab up`" in p.message or "absolute path" in p.message for p in problems), problems


def test_ospf_configuration_has_the_original_intent_and_the_fast_timers() -> None:
    topology = plan(2)
    text = frr.ospfd_conf(topology, topology.hosts["vr3"], frr.FAST)
    for line in (
        " ip ospf hello-interval 1",
        " ip ospf dead-interval 4",
        " ip ospf priority 0",
        " ospf router-id 192.168.76.123",
        " timers throttle spf 0 50 500",
        " timers throttle lsa all 0",
        " timers lsa min-arrival 0",
        " no proactive-arp",
        " passive-interface eth1",
        " network 192.168.76.0/24 area 0",
        " network 10.0.1.0/24 area 0",
    ):
        assert line in text.splitlines(), line
    assert "10.0.0.0/24" not in text and "192.168.75" not in text
    default = frr.ospfd_conf(topology, topology.hosts["gw1"], frr.DEFAULT)
    assert "timers" not in default and "interval" not in default
    assert " ip ospf priority 255" in default.splitlines() and "passive-interface" not in default


def test_sshd_configuration_stays_in_the_lab_directory(tmp_path: Path) -> None:
    host = plan(1).hosts["node-b"]
    text = sshd.sshd_config(host=host, host_dir=tmp_path / "node-b", authorized_keys=tmp_path / "ak")
    lines = text.splitlines()
    assert "ListenAddress 192.168.75.31" in lines
    for needed in ("StrictModes no", "UsePAM no", "PasswordAuthentication no", f"AuthorizedKeysFile {tmp_path}/ak"):
        assert needed in lines
    assert "/etc/ssh" not in text and "/root/.ssh" not in text
