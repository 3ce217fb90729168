"""Inventory validation: the repository's example is valid, and each class of mistake is named with file and key."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml
from nornir import InitNornir

from ospf_failover.cli.command_line import main
from ospf_failover.errors import InventoryError
from ospf_failover.inventory import fogs_of, host_view, load_inventory

REPO_INVENTORY = Path(__file__).resolve().parents[1] / "inventory"

Edit = Callable[[dict[str, Any], dict[str, Any], dict[str, Any]], None]


@pytest.fixture
def inventory(tmp_path: Path) -> Path:
    target = tmp_path / "inventory"
    shutil.copytree(REPO_INVENTORY, target)
    return target


def edit(directory: Path, change: Edit) -> None:
    files = {name: yaml.safe_load((directory / f"{name}.yaml").read_text()) for name in ("hosts", "groups", "defaults")}
    change(files["hosts"], files["groups"], files["defaults"])
    for name, content in files.items():
        (directory / f"{name}.yaml").write_text(yaml.safe_dump(content, sort_keys=False))


def problems(directory: Path) -> list[tuple[str, str, str]]:
    with pytest.raises(InventoryError) as caught:
        load_inventory(directory)
    return [(Path(p.file).name, p.key, p.message) for p in caught.value.problems]


def test_repository_example_is_the_original_deployment() -> None:
    fleet = load_inventory(REPO_INVENTORY)
    fog = fleet.fog("customer1")
    assert str(fog.vm_network) == "10.0.0.0/24"
    assert str(fog.vm_gateway) == "10.0.0.254"
    assert dict(fog.pairing) == {"node-a": "vr1", "node-b": "vr2"}
    assert fog.observers == ("gw1", "gw2")
    assert fog.nic_for("vr1") == "ens224"
    assert fleet.hosts["vr1"].routing_suite == "quagga"
    assert fleet.hosts["vr1"].nic_up == "ifup {nic}"
    assert fleet.hosts["vr2"].ospf_address == "192.168.76.252"
    assert fleet.hosts["node-a"].ecx_server == "node-a"
    assert fleet.known_hosts == Path("/opt/ospf-failover/inventory/known_hosts")  # where the README installs it
    assert fleet.key_file == Path("/root/.ssh/id_ed25519")


def test_per_router_nic_and_ecx_server_name(inventory: Path) -> None:
    def change(hosts: dict[str, Any], groups: dict[str, Any], defaults: dict[str, Any]) -> None:
        groups["customer1"]["data"]["nics"] = {"vr2": "ens256"}
        hosts["node-b"]["data"] = {"ecx_server": "server2-with-a-long-name"}

    edit(inventory, change)
    fleet = load_inventory(inventory)
    assert fleet.fog("customer1").nic_for("vr2") == "ens256"
    assert fleet.fog("customer1").nic_for("vr1") == "ens224"
    node = fleet.node_by_ecx_server("server2-with-a-l")  # clpstat's 16-character cut
    assert node is not None and node.name == "node-b"


CASES: dict[str, tuple[Edit, str, str, str]] = {
    "unknown_host_in_pairing": (
        lambda h, g, d: g["customer1"]["data"]["pairing"].update({"node-c": "vr1"}),
        "groups.yaml",
        "customer1.data.pairing.node-c",
        "unknown host 'node-c'",
    ),
    "router_paired_as_node": (
        lambda h, g, d: g["customer1"]["data"].update({"pairing": {"node-a": "vr1", "gw1": "vr2"}}),
        "groups.yaml",
        "customer1.data.pairing.gw1",
        "not in cluster_nodes",
    ),
    "observer_is_a_node": (
        lambda h, g, d: g["customer1"]["data"].update({"observers": ["gw1", "node-a"]}),
        "groups.yaml",
        "customer1.data.observers",
        "node-a is a cluster node",
    ),
    "gateway_outside_network": (
        lambda h, g, d: g["customer1"]["data"].update({"vm_gateway": "10.0.1.254"}),
        "groups.yaml",
        "customer1.data.vm_gateway",
        "not a host address of vm_network 10.0.0.0/24",
    ),
    "network_not_a_cidr": (
        lambda h, g, d: g["customer1"]["data"].update({"vm_network": "10.0.0.1/24"}),
        "groups.yaml",
        "customer1.data.vm_network",
        "has host bits set",
    ),
    "missing_nic": (
        lambda h, g, d: g["customer1"]["data"].pop("nic"),
        "groups.yaml",
        "customer1.data.nic",
        "missing",
    ),
    "typo_in_fog_key": (
        lambda h, g, d: g["customer1"]["data"].update({"vm_gatway": "10.0.0.254"}),
        "groups.yaml",
        "customer1.data.vm_gatway",
        "unknown failover group key",
    ),
    "host_in_two_roles": (
        lambda h, g, d: h["vr1"].update({"groups": ["routers", "observers", "customer1"]}),
        "hosts.yaml",
        "vr1.groups",
        "exactly one of routers",
    ),
    "unknown_group": (
        lambda h, g, d: h["gw1"].update({"groups": ["observers", "site-a"]}),
        "hosts.yaml",
        "gw1.groups",
        "unknown group 'site-a'",
    ),
    "paired_router_not_in_fog_group": (
        lambda h, g, d: h["vr2"].update({"groups": ["routers"]}),
        "hosts.yaml",
        "vr2.groups",
        "add 'customer1'",
    ),
    "missing_key_file": (
        lambda h, g, d: d["connection_options"]["netmiko"]["extras"].pop("key_file"),
        "defaults.yaml",
        "connection_options.netmiko.extras.key_file",
        "missing",
    ),
    "password_in_a_file": (
        lambda h, g, d: h["vr1"].update({"password": "secret"}),
        "hosts.yaml",
        "vr1.password",
        "never passwords",
    ),
    "extras_on_a_host": (
        lambda h, g, d: h["vr1"].update({"connection_options": {"netmiko": {"extras": {"port": 22}}}}),
        "hosts.yaml",
        "vr1.connection_options.netmiko.extras",
        "does not merge extras",
    ),
    "nic_command_without_nic": (
        lambda h, g, d: g["routers"]["data"].update({"nic_up": "ifup ens224"}),
        "groups.yaml",  # where the value is written, naming the hosts that inherit it
        "routers.data.nic_up",
        "must name the NIC with {nic} (for vr1, vr2)",
    ),
    "unknown_placeholder": (
        lambda h, g, d: g["routers"]["data"].update({"nic_down": "ifdown {interface}"}),
        "groups.yaml",
        "routers.data.nic_down",
        "unknown placeholder {interface}",
    ),
    "unknown_routing_suite": (
        lambda h, g, d: g["routers"]["data"].update({"routing_suite": "bird"}),
        "groups.yaml",
        "routers.data.routing_suite",
        "set quagga or frr",
    ),
    "duplicate_hostname": (
        lambda h, g, d: h["gw2"].update({"hostname": "192.168.76.1"}),
        "hosts.yaml",
        "gw2.hostname",
        "also gw1's",
    ),
    "too_many_connects_in_flight": (
        lambda h, g, d: d["data"].update({"max_connects_in_flight": 50}),
        "defaults.yaml",
        "data.max_connects_in_flight",
        "MaxStartups",
    ),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_each_mistake_is_named_with_file_key_and_fix(inventory: Path, case: str) -> None:
    change, file, key, message = CASES[case]
    edit(inventory, change)
    found = problems(inventory)
    assert any(f == file and k == key and message in m for f, k, m in found), f"{case}: got {found}"


@pytest.mark.parametrize("case", sorted(CASES))
def test_each_mistake_refuses_the_groups_own_load(inventory: Path, case: str) -> None:
    """A failover command loads only what its group uses; every mistake above is in what customer1 uses, so its
    own load refuses it the same way, with the same file, key and fix."""
    change, file, key, message = CASES[case]
    edit(inventory, change)
    with pytest.raises(InventoryError) as caught:
        load_inventory(inventory, fog="customer1")
    found = [(Path(p.file).name, p.key, p.message) for p in caught.value.problems]
    assert any(f == file and k == key and message in m for f, k, m in found), f"{case}: got {found}"


def second_fog(h: dict[str, Any], g: dict[str, Any], d: dict[str, Any], **data: Any) -> None:
    g["customer2"] = {
        "data": {
            "vm_network": "10.0.1.0/24",
            "vm_gateway": "10.0.1.254",
            "nic": "ens256",
            "pairing": {"node-a": "vr1", "node-b": "vr2"},
            "observers": [],
            **data,
        }
    }
    for host in ("vr1", "vr2", "node-a", "node-b"):
        h[host]["groups"].append("customer2")


def test_router_serves_two_fogs_on_their_own_nics(inventory: Path) -> None:
    edit(inventory, second_fog)
    fleet = load_inventory(inventory)
    assert sorted(fleet.fogs) == ["customer1", "customer2"]


def test_two_fogs_sharing_a_nic_on_one_router(inventory: Path) -> None:
    edit(inventory, lambda h, g, d: second_fog(h, g, d, nic="ens224"))
    found = problems(inventory)
    assert any(k == "customer2.data.nic" and "vr1 already uses ens224" in m for _, k, m in found), found


def test_two_fogs_sharing_a_network(inventory: Path) -> None:
    edit(inventory, lambda h, g, d: second_fog(h, g, d, vm_network="10.0.0.0/25", vm_gateway="10.0.0.126"))
    found = problems(inventory)
    assert any(k == "customer2.data.vm_network" and "overlaps customer1" in m for _, k, m in found), found


def test_broken_yaml_names_the_line(inventory: Path) -> None:
    (inventory / "hosts.yaml").write_text("vr1:\n  hostname: [\n")
    found = problems(inventory)
    assert any(f == "hosts.yaml" and "not valid YAML at line" in m for f, _, m in found), found


def test_every_problem_is_reported_at_once(inventory: Path) -> None:
    def change(hosts: dict[str, Any], groups: dict[str, Any], defaults: dict[str, Any]) -> None:
        groups["customer1"]["data"]["vm_gateway"] = "192.168.1.1"
        groups["customer1"]["data"]["observers"] = ["gw9"]
        hosts["vr1"]["password"] = "x"

    edit(inventory, change)
    keys = {k for _, k, _ in problems(inventory)}
    assert {"customer1.data.vm_gateway", "customer1.data.observers", "vr1.password"} <= keys


def test_missing_key_file_is_an_error_only_for_connecting(inventory: Path) -> None:
    fleet = load_inventory(inventory)  # ~/.ssh/id_ed25519 need not exist to validate
    edit(inventory, lambda h, g, d: d["connection_options"]["netmiko"]["extras"].update(key_file="/nonexistent/key"))
    fleet = load_inventory(inventory)
    with pytest.raises(InventoryError) as caught:
        fleet.check_connect_files()
    assert "/nonexistent/key does not exist" in str(caught.value)


def test_validate_command_exit_codes(inventory: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--inventory", str(inventory), "inventory", "validate", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["failover_groups"] == ["customer1"]
    edit(inventory, CASES["gateway_outside_network"][0])
    edit(inventory, CASES["unknown_host_in_pairing"][0])
    assert main(["--inventory", str(inventory), "inventory", "validate"]) == 2
    err = capsys.readouterr().err
    assert "customer1.data.vm_gateway" in err and "customer1.data.pairing.node-c" in err
    assert "2 problem(s)" in err


def test_missing_directory(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--inventory", str(tmp_path / "nowhere"), "inventory", "validate"]) == 2
    assert "not found" in capsys.readouterr().err


SSH_CASES: dict[str, tuple[Callable[[dict[str, Any]], None], str, str]] = {
    "host_keys_not_checked": (lambda x: x.update(ssh_strict=False), "ssh_strict", "refuse hosts whose key"),
    "system_known_hosts": (lambda x: x.update(system_host_keys=True), "system_host_keys", "known_hosts only"),
    "no_known_hosts_file": (lambda x: x.pop("alt_key_file"), "alt_key_file", "missing: the known_hosts file"),
    "relative_known_hosts": (lambda x: x.update(alt_key_file="known_hosts"), "alt_key_file", "absolute path"),
    "relative_key": (lambda x: x.update(key_file="~/.ssh/id_ed25519"), "key_file", "absolute path"),
    "ssh_config_read": (lambda x: x.pop("ssh_config_file"), "ssh_config_file", "~/.ssh/config"),
    "unbounded_connect": (lambda x: x.pop("conn_timeout"), "conn_timeout", "missing: seconds for the TCP connect"),
    "huge_auth_timeout": (lambda x: x.update(auth_timeout=3600), "auth_timeout", "3600: seconds for key auth"),
    "agent_allowed": (lambda x: x.update(allow_agent=True), "allow_agent", "only key_file logs in"),
}


@pytest.mark.parametrize("case", sorted(SSH_CASES))
def test_the_ssh_settings_that_make_any_nornir_safe_are_required(inventory: Path, case: str) -> None:
    change, key, message = SSH_CASES[case]
    edit(inventory, lambda h, g, d: change(d["connection_options"]["netmiko"]["extras"]))
    found = problems(inventory)
    wanted = f"connection_options.netmiko.extras.{key}"
    assert any(f == "defaults.yaml" and k == wanted and message in m for f, k, m in found), f"{case}: got {found}"


def test_a_value_is_reported_where_it_is_written(inventory: Path) -> None:
    def change(hosts: dict[str, Any], groups: dict[str, Any], defaults: dict[str, Any]) -> None:
        hosts["vr2"]["data"]["nic_up"] = "ifup eth1"  # the host's own value, not the group's
        hosts["gw1"]["data"] = {"vtysh": ""}
        defaults["data"]["timeouts"]["connect"] = 5  # connect timeouts are netmiko's extras now

    edit(inventory, change)
    found = problems(inventory)
    assert ("hosts.yaml", "vr2.data.nic_up", "'ifup eth1' must name the NIC with {nic}") in found, found
    assert any(f == "hosts.yaml" and k == "gw1.data.vtysh" for f, k, _ in found), found
    moved = "moved: connection_options.netmiko.extras.conn_timeout and banner_timeout bound connecting"
    assert ("defaults.yaml", "data.timeouts.connect", moved) in found, found
    assert not any(k.startswith("vr1.") for _, k, _ in found), found  # vr1 inherits nothing wrong


def test_any_nornir_over_the_inventory_gets_the_safe_ssh_settings() -> None:
    nr = InitNornir(
        inventory={
            "plugin": "SimpleInventory",
            "options": {
                "host_file": str(REPO_INVENTORY / "hosts.yaml"),
                "group_file": str(REPO_INVENTORY / "groups.yaml"),
                "defaults_file": str(REPO_INVENTORY / "defaults.yaml"),
            },
        },
        logging={"enabled": False},
    )
    extras = nr.inventory.hosts["vr1"].get_connection_parameters("netmiko").extras or {}
    assert extras["ssh_strict"] is True and extras["system_host_keys"] is False and extras["alt_host_keys"] is True
    assert extras["alt_key_file"] == "/opt/ospf-failover/inventory/known_hosts"
    assert "ssh_config_file" in extras and extras["ssh_config_file"] is None
    assert extras["conn_timeout"] == extras["banner_timeout"] == extras["auth_timeout"] == 5
    view = host_view(nr.inventory.hosts["vr1"])  # the tasks' typed view, from a Nornir we did not build
    assert view.nic_up == "ifup {nic}" and view.routing_suite == "quagga" and view.run.timeouts.command == 10
    assert view == load_inventory(REPO_INVENTORY).hosts["vr1"]


def test_host_view_of_a_broken_inventory_is_one_inventory_error(inventory: Path) -> None:
    edit(inventory, lambda h, g, d: g["routers"]["data"].update({"nic_up": "ifup ens224"}))
    nr = InitNornir(
        inventory={
            "plugin": "SimpleInventory",
            "options": {
                f"{kind}_file": str(inventory / f"{name}.yaml")
                for kind, name in (("host", "hosts"), ("group", "groups"), ("defaults", "defaults"))
            },
        },
        logging={"enabled": False},
    )
    with pytest.raises(InventoryError, match=r"routers\.data\.nic_up: 'ifup ens224' must name the NIC"):
        host_view(nr.inventory.hosts["vr1"])


SHAPE_CASES: dict[str, tuple[Edit, str, str, str]] = {
    "connection_options_a_list": (
        lambda h, g, d: d.update(connection_options=[1]),
        "defaults.yaml",
        "connection_options",
        "must map a connection name (netmiko) to its settings",
    ),
    "defaults_data_a_number": (lambda h, g, d: d.update(data=5), "defaults.yaml", "data", "must be a mapping"),
    "host_netmiko_a_number": (
        lambda h, g, d: h["vr1"].update(connection_options={"netmiko": 5}),
        "hosts.yaml",
        "vr1.connection_options.netmiko",
        "must be a mapping",
    ),
    "group_is_its_own_parent": (
        lambda h, g, d: g["customer1"].update(groups=["customer1"]),
        "groups.yaml",
        "customer1.groups",
        "its own parent",
    ),
    "role_group_data_a_list": (
        lambda h, g, d: g["cluster_nodes"].update(data=[1]),
        "groups.yaml",
        "cluster_nodes.data",
        "must be a mapping",
    ),
    "timeout_on_a_host": (
        lambda h, g, d: h["gw1"].update(data={"timeouts": {"command": 30}}),
        "hosts.yaml",
        "gw1.data.timeouts",
        "defaults.yaml only",
    ),
    "old_known_hosts_key": (
        lambda h, g, d: d["data"].update(known_hosts="known_hosts"),
        "defaults.yaml",
        "data.known_hosts",
        "alt_key_file",
    ),
    "port_a_string": (lambda h, g, d: h["gw2"].update(port="22"), "hosts.yaml", "gw2.port", "must be a port number"),
    "groups_a_string": (
        lambda h, g, d: g["customer1"].update(groups="routers"),
        "groups.yaml",
        "customer1.groups",
        "must be a list of group names",
    ),
    "defaults_extras_a_list": (
        lambda h, g, d: d["connection_options"]["netmiko"].update(extras=["use_keys"]),
        "defaults.yaml",
        "connection_options.netmiko.extras",
        "must be a mapping of the connection's arguments",
    ),
    "host_entry_a_list": (
        lambda h, g, d: h.update(gw2=["192.168.76.2"]),
        "hosts.yaml",
        "gw2",
        "must be a mapping (hostname, groups, data, ...)",
    ),
}


@pytest.mark.parametrize("case", sorted(SHAPE_CASES))
def test_a_file_of_the_wrong_shape_is_a_problem_not_a_crash(
    inventory: Path, case: str, capsys: pytest.CaptureFixture[str]
) -> None:
    change, file, key, message = SHAPE_CASES[case]
    edit(inventory, change)
    found = problems(inventory)
    assert any(f == file and k == key and message in m for f, k, m in found), f"{case}: got {found}"
    assert not any("unknown group" in m or "missing role group" in m for _, _, m in found), found  # no follow-on
    assert main(["--inventory", str(inventory), "switch", "customer1", "--node", "node-a", "--json"]) == 2
    out, err = capsys.readouterr()
    assert json.loads(out)["exit_code"] == 2 and "Traceback" not in err and "internal error" not in err


def test_a_blocking_problem_hides_no_other(inventory: Path) -> None:
    def change(hosts: dict[str, Any], groups: dict[str, Any], defaults: dict[str, Any]) -> None:
        hosts["gw1"]["groups"] = ["observers", "nosuch"]  # Nornir could not build this file as it is
        defaults["connection_options"]["netmiko"]["extras"]["ssh_strict"] = False
        groups["customer1"]["data"]["vm_gateway"] = "10.9.9.9"
        groups["routers"]["data"]["nic_up"] = "ifup x"

    edit(inventory, change)
    keys = {k for _, k, _ in problems(inventory)}
    assert keys == {
        "gw1.groups",
        "connection_options.netmiko.extras.ssh_strict",
        "customer1.data.vm_gateway",
        "routers.data.nic_up",
    }


def test_a_pairing_of_the_wrong_shape_is_one_problem(inventory: Path) -> None:
    edit(inventory, lambda h, g, d: g["customer1"]["data"].update(pairing=["node-a", "vr1"]))
    assert problems(inventory) == [
        (
            "groups.yaml",
            "customer1.data.pairing",
            "must be a mapping: map each cluster node to the router on its side",
        )
    ]


def test_a_failover_group_inherits_from_its_parent_group(inventory: Path) -> None:
    def change(hosts: dict[str, Any], groups: dict[str, Any], defaults: dict[str, Any]) -> None:
        groups["site-nics"] = {"data": {"nic": "ens256", "routing_suite": "quagga"}}  # host data may sit beside
        groups["customer1"]["data"].pop("nic")
        groups["customer1"]["groups"] = ["site-nics"]

    edit(inventory, change)
    fleet = load_inventory(inventory)
    assert sorted(fleet.fogs) == ["customer1"]  # the parent is settings, not a failover group
    assert fleet.fog("customer1").nic_for("vr1") == "ens256"
    edit(inventory, lambda h, g, d: g["site-nics"]["data"].update(nic="bad nic"))
    assert ("groups.yaml", "site-nics.data.nic", "'bad nic' is not a NIC name (e.g. ens224) (for customer1)") in (
        problems(inventory)
    )


def test_a_role_may_come_through_a_parent_group(inventory: Path) -> None:
    def change(hosts: dict[str, Any], groups: dict[str, Any], defaults: dict[str, Any]) -> None:
        groups["site-gateways"] = {"groups": ["observers"]}
        hosts["gw1"]["groups"] = ["site-gateways"]

    edit(inventory, change)
    assert load_inventory(inventory).hosts["gw1"].role == "observer"


def test_fogs_of_a_host_are_typed_views_of_its_groups() -> None:
    fleet = load_inventory(REPO_INVENTORY)
    assert fogs_of(fleet.inventory.hosts["vr1"]) == [fleet.fog("customer1")]
    assert fogs_of(fleet.inventory.hosts["gw1"]) == []
