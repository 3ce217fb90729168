"""The inventory plugin: any InitNornir gets the validated inventory the command line gets, or its problems."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml
from nornir import InitNornir
from nornir.core import Nornir
from nornir.plugins.inventory.simple import SimpleInventory

from ospf_failover.cli.command_line import main
from ospf_failover.errors import InventoryError
from ospf_failover.inventory import SESSION, ValidatedHost, fleet, host_view, load_inventory

REPO_INVENTORY = Path(__file__).resolve().parents[2] / "inventory"

Edit = Callable[[dict[str, Any], dict[str, Any], dict[str, Any]], object]  # the value it returns is unused


def init(directory: Path) -> Nornir:
    return InitNornir(
        inventory={"plugin": "OspfFailoverInventory", "options": {"inventory": str(directory)}},
        logging={"enabled": False},
    )


def edited(tmp_path: Path, change: Edit) -> Path:
    target = tmp_path / "inventory"
    shutil.copytree(REPO_INVENTORY, target)
    files = {name: yaml.safe_load((target / f"{name}.yaml").read_text()) for name in ("hosts", "groups", "defaults")}
    change(files["hosts"], files["groups"], files["defaults"])
    for name, content in files.items():
        (target / f"{name}.yaml").write_text(yaml.safe_dump(content, sort_keys=False))
    return target


def test_init_nornir_with_the_plugin_gives_validated_hosts_with_their_views() -> None:
    nr = init(REPO_INVENTORY)
    loaded = load_inventory(REPO_INVENTORY)
    assert sorted(nr.inventory.hosts) == sorted(loaded.hosts)
    for name, host in nr.inventory.hosts.items():
        assert isinstance(host, ValidatedHost), name
        assert host_view(host) is host.view, name  # attached at load, not validated again
        assert host.view == loaded.hosts[name], name
    views = [host.view for host in nr.inventory.hosts.values() if isinstance(host, ValidatedHost)]
    assert all(view.run is views[0].run for view in views)  # one run-wide settings object for every host
    assert views[0].run == loaded.run and loaded.timeouts.command == 10 and loaded.max_connects_in_flight == 8
    vr1 = nr.filter(name="vr1").inventory.hosts["vr1"]
    assert isinstance(vr1, ValidatedHost) and vr1.view.nic_up == "ifup {nic}"  # filtering keeps the views


def test_host_view_of_a_loaded_host_never_validates_again(monkeypatch: pytest.MonkeyPatch) -> None:
    hosts = load_inventory(REPO_INVENTORY).inventory.hosts

    def refuse(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError("validated again")

    monkeypatch.setattr(fleet, "validate_host", refuse)
    assert host_view(hosts["vr1"]).routing_suite == "quagga"
    assert host_view(hosts["node-a"]).role == "cluster_node"


def test_a_loaded_host_gives_its_session_netmikos_parameters_and_the_run_settings() -> None:
    host = init(REPO_INVENTORY).inventory.hosts["vr1"]
    netmiko = host.get_connection_parameters("netmiko")
    session = host.get_connection_parameters(SESSION)
    assert (session.hostname, session.port, session.username, session.platform) == (
        "192.168.75.251",
        22,
        "root",
        "linux",
    )
    assert (netmiko.hostname, netmiko.port, netmiko.username, netmiko.platform) == (
        session.hostname,
        session.port,
        session.username,
        session.platform,
    )
    extras = session.extras or {}
    assert extras["host"] == "vr1" and extras["netmiko"] == netmiko.extras
    assert extras["run"] is host_view(host).run


BROKEN: dict[str, Edit] = {
    "gateway_and_unknown_host": lambda h, g, d: g["customer1"]["data"].update(
        vm_gateway="10.0.1.254", pairing={"node-a": "vr1", "node-b": "vr2", "node-c": "vr1"}
    ),
    "unsafe_ssh_and_a_password": lambda h, g, d: (
        d["connection_options"]["netmiko"]["extras"].update(ssh_strict=False),
        h["vr1"].update(password="x"),
    ),
    "wrong_shapes_and_a_cycle": lambda h, g, d: (
        h["gw1"].update(port="22", groups=["observers", "nosuch"]),
        g["customer1"].update(groups=["customer1"]),
    ),
    "bad_template_inherited": lambda h, g, d: (
        g["routers"]["data"].update(nic_up="ifup ens224"),
        h["gw1"].update(data={"vtysh": ""}),
    ),
}


@pytest.mark.parametrize("case", sorted(BROKEN))
def test_a_broken_inventory_raises_the_problems_inventory_validate_prints(
    tmp_path: Path, case: str, capsys: pytest.CaptureFixture[str]
) -> None:
    inventory = edited(tmp_path, BROKEN[case])
    with pytest.raises(InventoryError) as caught:
        init(inventory)
    raised = [{"file": p.file, "key": p.key, "message": p.message} for p in caught.value.problems]
    assert main(["--inventory", str(inventory), "inventory", "validate", "--json"]) == 2
    printed = json.loads(capsys.readouterr().out)["problems"]
    assert raised == printed and len(raised) >= 2, raised  # every problem at once, in the same order


def test_a_broken_yaml_file_is_an_inventory_error_not_a_yaml_error(tmp_path: Path) -> None:
    inventory = edited(tmp_path, lambda h, g, d: None)
    (inventory / "groups.yaml").write_text("routers: [\n")
    with pytest.raises(InventoryError, match=r"groups\.yaml: \(file\): not valid YAML at line"):
        init(inventory)


@pytest.mark.parametrize("how", ["load_inventory", "InitNornir"])
def test_nornir_builds_what_simple_inventory_builds(how: str) -> None:
    """The validated Nornir objects are SimpleInventory's: same hosts, groups, defaults, data, inheritance and
    SSH settings, whether loaded by the command line's path or by InitNornir with the inventory plugin."""
    if how == "InitNornir":
        plugin = {"plugin": "OspfFailoverInventory", "options": {"inventory": str(REPO_INVENTORY)}}
        ours = InitNornir(inventory=plugin, logging={"enabled": False}).inventory
    else:
        ours = load_inventory(REPO_INVENTORY).inventory
    theirs = SimpleInventory(
        host_file=str(REPO_INVENTORY / "hosts.yaml"),
        group_file=str(REPO_INVENTORY / "groups.yaml"),
        defaults_file=str(REPO_INVENTORY / "defaults.yaml"),
    ).load()
    assert sorted(ours.hosts) == sorted(theirs.hosts) and sorted(ours.groups) == sorted(theirs.groups)
    assert ours.defaults.dict() == theirs.defaults.dict()
    for name, group in theirs.groups.items():
        assert ours.groups[name].dict() == group.dict(), name
    for name, host in theirs.hosts.items():
        mine = ours.hosts[name]
        assert mine.extended_data() == host.extended_data(), name
        assert [g.name for g in mine.extended_groups()] == [g.name for g in host.extended_groups()], name
        assert (mine.hostname, mine.port, mine.username, mine.platform) == (
            host.hostname,
            host.port,
            host.username,
            host.platform,
        ), name
        assert mine.get_connection_parameters("netmiko").dict() == host.get_connection_parameters("netmiko").dict()
        assert mine.dict() == host.dict(), name
