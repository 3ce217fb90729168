"""Router pairs shared by several failover groups: the address plan and what the lab writes from it, without root."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

import pytest
import yaml

from ospf_failover.cli.command_line import main
from ospf_failover.errors import InputError, InventoryError
from ospf_failover.inventory import load_inventory
from ospf_failover_lab import cli, frr, host_start, inventory_writer, nic_style
from ospf_failover_lab.topology import MAX_CUSTOMERS, MAX_VM_NICS, Topology, plan


def links(topology: Topology, host: str) -> dict[str, tuple[str, str | None, bool, bool]]:
    """ifname -> (bridge, address, up, vm_side) of one host."""
    return {link.ifname: (link.bridge, link.address, link.up, link.vm_side) for link in topology.hosts[host].links}


def test_four_customers_on_two_pairs() -> None:
    topology = plan(4, router_pairs=2)
    assert topology.router_pairs == 2 and topology.shares_pairs
    routers = sorted(h.name for h in topology.by_role("router"))
    assert routers == ["vr1", "vr2", "vr3", "vr4"], "two pairs, not four"
    assert sorted(h.name for h in topology.by_role("vm")) == ["vm1", "vm2", "vm3", "vm4"]
    served = {c.fog: (c.routers, c.nic, c.network, c.gateway, c.pair) for c in topology.customers}
    assert served == {
        "customer1": (("vr1", "vr2"), "eth1", "10.0.0.0/24", "10.0.0.254", 1),
        "customer2": (("vr1", "vr2"), "eth2", "10.0.1.0/24", "10.0.1.254", 1),
        "customer3": (("vr3", "vr4"), "eth1", "10.0.2.0/24", "10.0.2.254", 2),
        "customer4": (("vr3", "vr4"), "eth2", "10.0.3.0/24", "10.0.3.254", 2),
    }
    # Each FOG has its own NIC on both routers of its pair, in its own site bridges; mgmt moves to the NIC after.
    assert links(topology, "vr1") == {
        "eth0": ("uplink", "192.168.76.251/24", True, False),
        "eth1": ("c1-a", "10.0.0.254/24", True, True),
        "eth2": ("c2-a", "10.0.1.254/24", True, True),
        "eth3": ("mgmt", "192.168.75.251/24", True, False),
    }
    assert links(topology, "vr2") == {
        "eth0": ("uplink", "192.168.76.252/24", True, False),
        "eth1": ("c1-b", "10.0.0.254/24", False, True),
        "eth2": ("c2-b", "10.0.1.254/24", False, True),
        "eth3": ("mgmt", "192.168.75.252/24", True, False),
    }
    assert links(topology, "vr4") == {
        "eth0": ("uplink", "192.168.76.124/24", True, False),
        "eth1": ("c3-b", "10.0.2.254/24", False, True),
        "eth2": ("c4-b", "10.0.3.254/24", False, True),
        "eth3": ("mgmt", "192.168.75.124/24", True, False),
    }
    assert topology.hosts["vr3"].default_gateway == "192.168.76.1"
    assert topology.hosts["vr4"].default_gateway == "192.168.76.2"
    for customer in topology.customers:  # every VM starts at site A, next to its FOG's NIC on the odd router
        vm = topology.hosts[customer.vm].links[0]
        assert vm.bridge == customer.site_bridges[0] == links(topology, customer.routers[0])[customer.nic][0]
        assert topology.hosts[customer.vm].default_gateway == customer.gateway
    assert list(topology.bridges) == ["uplink", "mgmt", *(f"c{k}-{s}" for k in range(1, 5) for s in "ab")]
    assert [c.fog for c in topology.customers_of_router("vr2")] == ["customer1", "customer2"]
    assert topology.customer_of_router("vr2", "customer2").nic == "eth2"
    with pytest.raises(InputError, match="vr1 serves customer1, customer2: name the failover group"):
        topology.customer_of_router("vr1")
    with pytest.raises(InputError, match="vr1 does not serve customer3"):
        topology.customer_of_router("vr1", "customer3")
    assert all(ns.startswith("ofl-") for ns in topology.namespaces)


def test_one_pair_per_customer_is_the_default() -> None:
    for customers in (1, 2, 5):
        default = plan(customers)
        assert default == plan(customers, router_pairs=customers) and not default.shares_pairs
        assert all(c.nic == "eth1" and c.pair == c.index for c in default.customers)


@pytest.mark.parametrize(
    ("customers", "pairs", "message"),
    [
        (4, 3, "router pairs must divide the customers: 4 customers cannot be shared out evenly on 3 pairs"),
        (4, 0, "router pairs must be between 1 and the customers \\(4\\); got 0"),
        (4, 5, "router pairs must be between 1 and the customers \\(4\\); got 5"),
        (4, -1, "router pairs must be between 1 and the customers"),
        (MAX_CUSTOMERS, 1, f"need 64 VM-side NICs per router; the address plan allows at most {MAX_VM_NICS}"),
        (18, 2, "need 9 VM-side NICs per router.*give at least 3 router pairs"),
        (65, 65, "customers must be between 1 and 64"),
    ],
)
def test_shapes_the_plan_cannot_hold_are_refused_in_one_line(customers: int, pairs: int, message: str) -> None:
    with pytest.raises(InputError, match=message) as refused:
        plan(customers, router_pairs=pairs)
    assert "\n" not in str(refused.value)


def test_the_most_shared_plan_fits() -> None:
    topology = plan(MAX_CUSTOMERS, router_pairs=MAX_CUSTOMERS // MAX_VM_NICS)
    assert len(topology.by_role("router")) == 2 * MAX_CUSTOMERS // MAX_VM_NICS
    nics = [link.ifname for link in topology.hosts["vr1"].links]
    assert nics == [f"eth{i}" for i in range(MAX_VM_NICS + 2)]
    names = [link.switch_port for h in topology.hosts.values() for link in h.links] + list(topology.bridges)
    assert max(len(name) for name in names) <= 15 and len(names) == len(set(names))
    addresses = [h.uplink_address for h in topology.hosts.values() if h.uplink_address]
    assert len(addresses) == len(set(addresses))


@pytest.mark.parametrize("style", nic_style.NIC_STYLES)
def test_the_generated_inventory_validates(tmp_path: Path, style: nic_style.NicStyle) -> None:
    topology = plan(4, router_pairs=2)
    styles = nic_style.router_styles(topology, style)
    key = tmp_path / "id_ed25519"
    inventory_writer.write(topology=topology, directory=tmp_path, key_file=key, known_hosts=[], styles=styles)
    fleet = load_inventory(tmp_path)
    assert {name: (fog.nic, fog.routers) for name, fog in fleet.fogs.items()} == {
        "customer1": ("eth1", ("vr1", "vr2")),
        "customer2": ("eth2", ("vr1", "vr2")),
        "customer3": ("eth1", ("vr3", "vr4")),
        "customer4": ("eth2", ("vr3", "vr4")),
    }
    hosts = yaml.safe_load((tmp_path / "hosts.yaml").read_text())
    assert hosts["vr1"]["groups"] == hosts["vr2"]["groups"] == ["routers", "customer1", "customer2"]
    assert hosts["vr4"]["groups"] == ["routers", "customer3", "customer4"]
    fogs = ["customer1", "customer2", "customer3", "customer4"]
    assert hosts["node-a"]["groups"] == hosts["node-b"]["groups"] == ["cluster_nodes", *fogs]
    assert (hosts["vr2"]["data"].get("nic_down") == "nmcli connection down {nic}") is (style != "link")
    groups = yaml.safe_load((tmp_path / "groups.yaml").read_text())
    assert groups["customer2"]["data"] == {
        "vm_network": "10.0.1.0/24",
        "vm_gateway": "10.0.1.254",
        "nic": "eth2",
        "nics": {},
        "pairing": {"node-a": "vr1", "node-b": "vr2"},
        "observers": ["gw1", "gw2"],
    }


def test_the_inventory_validation_would_refuse_two_fogs_on_one_nic(tmp_path: Path) -> None:
    inventory_writer.write(
        topology=plan(4, router_pairs=2), directory=tmp_path, key_file=tmp_path / "k", known_hosts=[]
    )
    groups: dict[str, Any] = yaml.safe_load((tmp_path / "groups.yaml").read_text())
    groups["customer2"]["data"]["nic"] = "eth1"
    (tmp_path / "groups.yaml").write_text(yaml.safe_dump(groups, sort_keys=False))
    with pytest.raises(InventoryError, match="already uses eth1 for customer1"):
        load_inventory(tmp_path)


def test_ospf_has_every_vm_side_nic_passive_and_its_network() -> None:
    topology = plan(4, router_pairs=2)
    for router, networks in (("vr1", ("10.0.0.0/24", "10.0.1.0/24")), ("vr4", ("10.0.2.0/24", "10.0.3.0/24"))):
        lines = frr.ospfd_conf(topology, topology.hosts[router], frr.FAST).splitlines()
        assert [line for line in lines if "passive-interface" in line] == [
            " passive-interface eth1",
            " passive-interface eth2",
        ]
        assert [line for line in lines if line.startswith(" network ")] == [
            " network 192.168.76.0/24 area 0",
            *(f" network {network} area 0" for network in networks),
        ]
        assert " ip ospf priority 0" in lines and "eth3" not in "\n".join(lines), "no OSPF on the mgmt NIC"
    observer = frr.ospfd_conf(topology, topology.hosts["gw1"], frr.FAST)
    assert "passive-interface" not in observer and "10.0." not in observer


def test_every_vm_side_nic_starts_in_its_style() -> None:
    topology = plan(4, router_pairs=2)
    standby = topology.hosts["vr2"]
    link_style = host_start.ip_batch(standby, "link")
    for nic, address in (("eth1", "10.0.0.254/24"), ("eth2", "10.0.1.254/24")):
        assert f"addr add {address} dev {nic}" in link_style and f"link set {nic} down" in link_style
    address_style = host_start.ip_batch(standby, "address")
    assert "link set eth1 up" in address_style and "link set eth2 up" in address_style
    assert not any("10.0." in line for line in address_style), "an address-style standby starts without gateways"
    active = host_start.ip_batch(topology.hosts["vr1"], "address")
    assert "addr add 10.0.1.254/24 dev eth2" in active and "link set eth2 up" in active
    assert "addr add 192.168.75.251/24 dev eth3" in active
    assert nic_style.keyfile("10.0.1.254", "eth2").splitlines() == [
        "[connection]",
        "id=eth2",
        "type=ethernet",
        "interface-name=eth2",
        "autoconnect=false",
        "",
        "[ipv4]",
        "method=manual",
        "address1=10.0.1.254/24",
    ]
    assert nic_style.set_nic_batch("address", up=False, gateway="10.0.1.254", nic="eth2") == [
        "addr flush dev eth2 to 10.0.1.254/32",
        "link set dev eth2 up",
    ]
    assert nic_style.set_nic_batch("link", up=True, gateway="10.0.1.254", nic="eth2") == [
        "addr replace 10.0.1.254/24 dev eth2",
        "link set dev eth2 up",
    ]


def test_lab_up_refuses_a_bad_shape_before_touching_anything(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    directory = tmp_path / "lab"
    for pairs, message in (("3", "must divide"), ("0", "between 1 and"), ("5", "between 1 and")):
        code = main(["lab", "up", "--customers", "4", "--router-pairs", pairs, "--dir", str(directory)])
        err = capsys.readouterr().err
        assert code == 2 and message in err, err
        assert len(err.strip().splitlines()) == 1, err
    assert main(["lab", "up", "--customers", "4", "--router-pairs", "two", "--dir", str(directory)]) == 2
    err = capsys.readouterr().err
    assert "not a number: 'two'" in err and len(err.strip().splitlines()) == 1
    assert not directory.exists()


def test_status_text_names_each_fogs_routers_and_nic(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    fog = {"cluster_node": "node-a", "vm_site": "node-a", "route_via": {"gw1": ["vr1"], "gw2": ["vr1"]}}
    status = {
        "directory": "/srv/lab",
        "customers": 2,
        "router_pairs": 1,
        "timers": "fast",
        "nic_style": "link",
        "up_seconds": 9.0,
        "hosts": {},
        "fogs": {
            "customer1": {**fog, "vm_network": "10.0.0.0/24", "routers": ["vr1", "vr2"], "nic": "eth1"},
            "customer2": {
                **fog,
                "vm_network": "10.0.1.0/24",
                "cluster_node": "node-b",
                "vm_site": "node-b",
                "routers": ["vr1", "vr2"],
                "nic": "eth2",
                "route_via": {"gw1": ["vr2"], "gw2": ["vr2"]},
            },
        },
        "clpstat": {"mode": "normal", "busy_remaining": 0},
    }

    class FakeLab:
        @staticmethod
        def attach(directory: str) -> FakeLab:
            return FakeLab()

        def status(self) -> dict[str, Any]:
            return status

    monkeypatch.setattr(cli, "Lab", FakeLab)
    assert cli._status(argparse.Namespace(dir="/srv/lab", json=False)) == 0
    lines = [line.rstrip() for line in capsys.readouterr().out.splitlines()]
    assert lines[0] == "lab in /srv/lab: 2 customer(s) on 1 router pair(s), timers fast, NIC style link"
    assert lines[-3:] == [
        "FOG          VM NETWORK     ROUTERS   NIC  CLUSTER  VM SITE  ROUTE VIA (gw1 / gw2)",
        "customer1    10.0.0.0/24    vr1/vr2   eth1 node-a   node-a   vr1 / vr1",
        "customer2    10.0.1.0/24    vr1/vr2   eth2 node-b   node-b   vr2 / vr2",
    ]
