"""The trunk plan (many customers on few router pairs, gateways on subinterfaces of one trunk NIC per router) and
what the lab writes from it, without root."""

from __future__ import annotations

import ipaddress
from pathlib import Path

import pytest
import yaml

from ospf_failover.cli.command_line import main
from ospf_failover.errors import InputError
from ospf_failover.inventory import load_inventory
from ospf_failover_lab import frr, host_start, inventory_writer, nic_style, trunks, vm_side
from ospf_failover_lab.topology import MAX_ROUTER_PAIRS, MAX_SUBINTERFACES, MAX_TRUNK_CUSTOMERS, Topology, plan


def nics(topology: Topology, host: str) -> dict[str, tuple[str, str | None, bool]]:
    """A host's links (ifname -> bridge, address, up) and subinterfaces (ifname -> parent, address, up)."""
    planned = topology.hosts[host]
    found = {link.ifname: (link.bridge, link.address, link.up) for link in planned.links}
    found |= {sub.ifname: (sub.parent, sub.address, sub.up) for sub in planned.subinterfaces}
    return found


def test_a_thousand_customers_on_ten_pairs() -> None:
    topology = plan(1000, router_pairs=10)
    assert topology.trunks and topology.router_pairs == 10 and len(topology.customers) == 1000
    assert sorted(h.name for h in topology.by_role("router")) == sorted(f"vr{n}" for n in range(1, 21))
    assert sorted(h.name for h in topology.by_role("hypervisor")) == sorted(f"hv{p}" for p in range(1, 11))
    assert topology.by_role("vm") == [], "no namespace per VM: each pair's VMs share its hypervisor"
    assert len(topology.namespaces) == 37, "switch, 2 observers, 2 clients, 2 nodes, 20 routers, 10 hypervisors"
    served = {
        c.fog: (c.routers, c.nic, c.network, c.gateway, c.vm, c.vm_device, c.pair, c.vlan) for c in topology.customers
    }
    assert served["customer1"] == (("vr1", "vr2"), "eth1.101", "10.0.0.0/24", "10.0.0.254", "hv1", "vm1", 1, 101)
    assert served["customer100"] == (("vr1", "vr2"), "eth1.200", "10.0.99.0/24", "10.0.99.254", "hv1", "vm100", 1, 200)
    assert served["customer101"][:3] == (("vr3", "vr4"), "eth1.101", "10.0.100.0/24")
    assert served["customer257"][2] == "10.1.0.0/24", "past 256 customers the second octet counts on"
    assert served["customer1000"] == (
        ("vr19", "vr20"),
        "eth1.200",
        "10.3.231.0/24",
        "10.3.231.254",
        "hv10",
        "vm1000",
        10,
        200,
    )
    networks = [ipaddress.IPv4Network(c.network) for c in topology.customers]
    assert len(set(networks)) == 1000 and all(n.subnet_of(ipaddress.IPv4Network("10.0.0.0/8")) for n in networks)
    vr3 = nics(topology, "vr3")
    assert list(vr3)[:3] == ["eth0", "eth1", "eth2"] and len(vr3) == 103
    assert vr3["eth0"] == ("uplink", "192.168.76.123/24", True)
    assert vr3["eth1"] == ("t2-a", None, True), "the trunk: no address of its own"
    assert vr3["eth2"] == ("mgmt", "192.168.75.123/24", True)
    assert vr3["eth1.101"] == ("eth1", "10.0.100.254/24", True), "site A holds every gateway at start"
    assert nics(topology, "vr4")["eth1.150"] == ("eth1", "10.0.149.254/24", False)
    assert nics(topology, "vr4")["eth1"] == ("t2-b", None, True)
    hv2 = nics(topology, "hv2")
    assert hv2["eth0"] == ("t2-a", None, True) and hv2["eth1"] == ("t2-b", None, True)
    assert hv2["vm101"] == ("eth0", "10.0.100.1/24", True), "every VM starts at site A"
    names = [link.switch_port for h in topology.hosts.values() for link in h.links] + list(topology.bridges)
    names += [sub.ifname for h in topology.hosts.values() for sub in h.subinterfaces]
    assert max(len(name) for name in names) <= 15, "Linux interface names are limited to 15 characters"
    macs = [sub.mac for sub in topology.hosts["hv10"].subinterfaces]
    assert len(set(macs)) == 100 and macs[-1] == "02:0f:00:00:03:e8"
    addresses = [h.uplink_address for h in topology.hosts.values() if h.uplink_address]
    assert len(addresses) == len(set(addresses)), "no address twice on the uplink"


@pytest.mark.parametrize(
    ("customers", "pairs", "message"),
    [
        (1000, None, "customers must be between 1 and 64 on router pairs of their own .*give --router-pairs"),
        (1000, 3, "router pairs must divide the customers: 1000 customers cannot be shared out evenly on 3 pairs"),
        (MAX_TRUNK_CUSTOMERS + 1, 1, "customers must be between 1 and 4000 on trunks"),
        (130, 65, f"router pairs must be between 1 and {MAX_ROUTER_PAIRS}"),
        (1000, 0, "router pairs must be between 1 and 64"),
        (2000, 1, f"need 2000 subinterfaces per trunk; the plan allows at most {MAX_SUBINTERFACES}.*at least 2"),
    ],
)
def test_trunk_shapes_the_plan_cannot_hold_are_refused_in_one_line(
    customers: int, pairs: int | None, message: str
) -> None:
    with pytest.raises(InputError, match=message) as refused:
        plan(customers, router_pairs=pairs)
    assert "\n" not in str(refused.value)


def test_up_to_64_customers_trunks_only_when_asked() -> None:
    with pytest.raises(InputError, match=r"need 10 VM-side NICs per router.*or --vlans"):
        plan(20, router_pairs=2)
    assert not plan(16, router_pairs=2).trunks, "8 per pair: separate NICs, as before"
    small = plan(20, router_pairs=2, vlans=True)
    assert small.trunks and [c.nic for c in small.customers[:11]] == [
        *(f"eth1.{101 + j}" for j in range(10)),
        "eth1.101",
    ]
    assert plan(1, vlans=True).customers[0].nic == "eth1.101"


def test_subinterfaces_start_in_their_style_and_vms_route_by_source() -> None:
    topology = plan(20, router_pairs=2, vlans=True)
    standby = host_start.ip_batch(topology.hosts["vr2"], "link")
    assert standby[standby.index("link set eth2 up") + 1 :][:3] == [
        "link add link eth1 name eth1.101 type macvlan mode bridge",
        "addr add 10.0.0.254/24 dev eth1.101",
        "link set eth1.101 down",
    ], "the links first, then each subinterface of the trunk; a link-style standby keeps its address, down"
    released = host_start.ip_batch(topology.hosts["vr2"], "address")
    assert "link set eth1.110 up" in released and not any("10.0." in line for line in released)
    hypervisor = host_start.ip_batch(topology.hosts["hv2"])
    assert hypervisor[hypervisor.index("link set eth1 up") + 1 :][:5] == [
        "link add link eth0 name vm11 address 02:0f:00:00:00:0b type macvlan mode bridge",
        "addr add 10.0.10.1/24 dev vm11",
        "link set vm11 up",
        "route add default via 10.0.10.254 dev vm11 table 1011",
        "rule add from 10.0.10.1 table 1011",
    ]
    script = host_start.script(host=topology.hosts["vr2"], host_dir=Path("/srv/lab/hosts/vr2"), clpstat=None)
    assert "echo 1 > /proc/sys/net/ipv4/conf/all/arp_ignore" in script.splitlines()
    separate = plan(2).hosts["vr2"]
    assert "arp_ignore" not in host_start.script(host=separate, host_dir=Path("/srv/lab/hosts/vr2"), clpstat=None)
    assert trunks.move_lines(topology.customer("customer11"), "node-b") == [
        "link del dev vm11",
        "link add link eth1 name vm11 address 02:0f:00:00:00:0b type macvlan mode bridge",
        "addr add 10.0.10.1/24 dev vm11",
        "link set dev vm11 up",
        "route replace default via 10.0.10.254 dev vm11 table 1011",
    ]


def test_ospf_has_every_subinterface_passive_and_its_network() -> None:
    topology = plan(20, router_pairs=2, vlans=True)
    lines = frr.ospfd_conf(topology, topology.hosts["vr4"], frr.FAST).splitlines()
    assert [line for line in lines if "passive-interface" in line] == [
        f" passive-interface eth1.{101 + j}" for j in range(10)
    ]
    assert [line for line in lines if line.startswith(" network ")] == [
        " network 192.168.76.0/24 area 0",
        *(f" network 10.0.{10 + j}.0/24 area 0" for j in range(10)),
    ]
    assert "eth2" not in "\n".join(lines) and "interface eth1\n" not in "\n".join(lines), "no OSPF on trunk or mgmt"


@pytest.mark.parametrize("style", nic_style.NIC_STYLES)
def test_the_generated_trunk_inventory_validates(tmp_path: Path, style: nic_style.NicStyle) -> None:
    topology = plan(20, router_pairs=2, vlans=True)
    styles = nic_style.router_styles(topology, style)
    inventory_writer.write(
        topology=topology, directory=tmp_path, key_file=tmp_path / "k", known_hosts=[], styles=styles
    )
    fleet = load_inventory(tmp_path)
    assert fleet.fogs["customer12"].nic == "eth1.102" and fleet.fogs["customer12"].routers == ("vr3", "vr4")
    assert {fog.nic for fog in fleet.fogs.values()} == {f"eth1.{101 + j}" for j in range(10)}
    hosts = yaml.safe_load((tmp_path / "hosts.yaml").read_text())
    assert hosts["vr3"]["groups"] == ["routers", *(f"customer{k}" for k in range(11, 21))]
    assert "hv1" not in hosts, "the hypervisors are not managed by the tool"
    assert (hosts["vr4"]["data"].get("nic_config_file") == nic_style.NIC_CONFIG_FILE) is (style != "link")
    assert "interface-name=eth1.102" in nic_style.keyfile("10.0.11.254", "eth1.102").splitlines()


def test_lab_up_refuses_a_thousand_customers_without_pairs_in_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    directory = tmp_path / "lab"
    for argv, message in (
        (["--customers", "1000"], "customers must be between 1 and 64 on router pairs of their own"),
        (["--customers", "1000", "--router-pairs", "7"], "must divide"),
        (["--customers", "4001", "--router-pairs", "1"], "must be between 1 and 4000"),
    ):
        code = main(["lab", "up", *argv, "--dir", str(directory)])
        err = capsys.readouterr().err
        assert code == 2 and message in err, err
        assert len(err.strip().splitlines()) == 1, err
    assert not directory.exists()


def test_a_vms_site_is_read_from_its_bridge_or_its_trunk() -> None:
    switch = (
        "7: vm1-eth0@if2: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500 qdisc noqueue master c1-b state UP mode"
        " DEFAULT group default qlen 1000\\    link/ether 3a:55:0e:1b:42:10 brd ff:ff:ff:ff:ff:ff link-netns ofl-vm1\n"
        "3: c1-a: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500 qdisc noqueue state UP mode DEFAULT group default"
        " qlen 1000\\    link/ether 5e:0c:7b:5e:dc:b1 brd ff:ff:ff:ff:ff:ff\n"
    )
    hypervisor = (
        "14: vm12@eth1: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500 qdisc noqueue state UP mode DEFAULT group"
        " default qlen 1000\\    link/ether 02:0f:00:00:00:0c brd ff:ff:ff:ff:ff:ff\n"
        "15: vm13@eth0: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500 qdisc noqueue state UP mode DEFAULT group"
        " default qlen 1000\\    link/ether 02:0f:00:00:00:0d brd ff:ff:ff:ff:ff:ff\n"
    )
    assert vm_side.attachments(switch) == {"vm1-eth0": "c1-b", "c1-a": ""}
    assert vm_side.attachments(hypervisor) == {"vm12": "eth1", "vm13": "eth0"}
    assert [trunks.site_trunk(node) for node in ("node-a", "node-b")] == ["eth0", "eth1"]
