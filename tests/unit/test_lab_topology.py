"""The lab's address plan, without root."""

from __future__ import annotations

import pytest

from ospf_failover.errors import InputError
from ospf_failover_lab.topology import MAX_CUSTOMERS, plan, router_octet


def test_customer1_matches_the_original_diagram() -> None:
    topology = plan(1)
    hosts = topology.hosts
    assert set(hosts) == {"gw1", "gw2", "client-a", "client-b", "node-a", "node-b", "vr1", "vr2", "vm1"}
    assert hosts["vr1"].uplink_address == "192.168.76.251" and hosts["vr2"].uplink_address == "192.168.76.252"
    assert hosts["vr1"].mgmt_address == "192.168.75.251" and hosts["vr2"].mgmt_address == "192.168.75.252"
    assert hosts["node-a"].mgmt_address == "192.168.75.21" and hosts["node-b"].mgmt_address == "192.168.75.31"
    assert hosts["gw1"].mgmt_address == "192.168.75.1" and hosts["gw2"].uplink_address == "192.168.76.2"
    assert [link.address for link in hosts["client-a"].links] == ["192.168.76.101/24"]
    assert hosts["client-a"].default_gateway == "192.168.76.1"
    assert hosts["client-b"].default_gateway == "192.168.76.2"
    assert hosts["vr1"].default_gateway == "192.168.76.1" and hosts["vr2"].default_gateway == "192.168.76.2"
    assert [link.address for link in hosts["vm1"].links] == ["10.0.0.1/24"]
    assert hosts["vm1"].default_gateway == "10.0.0.254"
    vr1, vr2 = ({link.ifname: link for link in hosts[name].links} for name in ("vr1", "vr2"))
    assert vr1["eth1"].address == vr2["eth1"].address == "10.0.0.254/24"
    assert vr1["eth1"].up and not vr2["eth1"].up, "customer1 starts active on node-a: vr1 carries the gateway"
    assert vr1["eth1"].bridge != vr2["eth1"].bridge, "each site is its own VM-side segment"
    assert hosts["vm1"].links[0].bridge == vr1["eth1"].bridge, "the VM starts at site A"
    assert vr1["eth0"].bridge == vr2["eth0"].bridge == "uplink" and vr1["eth2"].bridge == "mgmt"


def test_customer_k_gets_its_own_routers_and_network() -> None:
    topology = plan(3)
    customer = topology.customer("customer3")
    assert customer.routers == ("vr5", "vr6") and customer.network == "10.0.2.0/24"
    assert customer.gateway == "10.0.2.254" and customer.vm_address == "10.0.2.1"
    assert topology.hosts["vr5"].uplink_address == "192.168.76.125"
    assert topology.hosts["vr6"].default_gateway == "192.168.76.2"
    assert customer.router_for("node-b") == "vr6"


def test_sixty_four_customers_fit_and_sixty_five_are_refused() -> None:
    topology = plan(MAX_CUSTOMERS)
    addresses = [h.uplink_address for h in topology.hosts.values() if h.uplink_address]
    assert len(addresses) == len(set(addresses)), "no address twice on the uplink"
    assert router_octet(2 * MAX_CUSTOMERS) < 251
    names = [link.switch_port for h in topology.hosts.values() for link in h.links] + list(topology.bridges)
    assert max(len(name) for name in names) <= 15, "Linux interface names are limited to 15 characters"
    with pytest.raises(InputError, match="between 1 and 64"):
        plan(MAX_CUSTOMERS + 1)
    with pytest.raises(InputError):
        plan(0)


def test_every_namespace_carries_the_prefix() -> None:
    assert all(ns.startswith("ofl-") for ns in plan(2).namespaces)
    assert all(ns.startswith("ofl-t-") for ns in plan(1, prefix="ofl-t-").namespaces)
    with pytest.raises(InputError, match="prefix"):
        plan(1, prefix="lab-")
