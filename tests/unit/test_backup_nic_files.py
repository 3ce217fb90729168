"""Which NIC files a backup reads: the inventory's nic_config_file per NIC, and beside a network-scripts
ifcfg-<nic> its keys-<nic> (where CentOS keeps the connection's WPA/WEP keys)."""

from __future__ import annotations

from ospf_failover.parsers.nic_config import nic_config_paths


def test_an_ifcfg_file_brings_its_keys_file() -> None:
    template = "/etc/sysconfig/network-scripts/ifcfg-{nic}"
    assert nic_config_paths(template, ["ens224", "ens256"]) == [
        "/etc/sysconfig/network-scripts/ifcfg-ens224",
        "/etc/sysconfig/network-scripts/keys-ens224",
        "/etc/sysconfig/network-scripts/ifcfg-ens256",
        "/etc/sysconfig/network-scripts/keys-ens256",
    ]


def test_other_nic_files_come_alone_and_once() -> None:
    keyfile = "/etc/NetworkManager/system-connections/{nic}.nmconnection"
    assert nic_config_paths(keyfile, ["eth1", "eth1"]) == ["/etc/NetworkManager/system-connections/eth1.nmconnection"]
    assert nic_config_paths("/etc/network/interfaces", ["eth1", "eth2"]) == ["/etc/network/interfaces"]
    assert nic_config_paths("/etc/sysconfig/network-scripts/route-{nic}", ["eth1"]) == [
        "/etc/sysconfig/network-scripts/route-eth1"
    ], "only an ifcfg file has a keys file"
    assert nic_config_paths("/etc/ifcfg-{nic}", []) == []
