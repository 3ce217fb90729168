"""An observer names its platform by netmiko's device type (Nornir's ``platform``): validated at load with the
file, key and fix of a wrong one, carried into the hosts' views and into Salt's slices."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from ospf_failover.errors import InputError, InventoryError
from ospf_failover.inventory import load_inventory
from ospf_failover.inventory.schema import OBSERVER_PLATFORMS
from ospf_failover.parsers.vendors.dispatch import VENDOR_PLATFORMS
from ospf_failover.privileges import host_privileges, render_sudoers
from ospf_failover.salt.slices import SlicePaths, write_slices
from ospf_failover_lab import inventory_writer
from ospf_failover_lab.topology import plan


def lab_inventory(directory: Path, *, platforms: dict[str, str] | None = None) -> Path:
    inventory_writer.write(
        topology=plan(2), directory=directory, key_file=Path("/root/key"), known_hosts=[], platforms=platforms
    )
    return directory


def edit(directory: Path, name: str, change: Any) -> None:
    content = yaml.safe_load((directory / name).read_text())
    change(content)
    (directory / name).write_text(yaml.safe_dump(content, sort_keys=False))


def problems(directory: Path) -> list[tuple[str, str, str]]:
    with pytest.raises(InventoryError) as raised:
        load_inventory(directory)
    return [(Path(p.file).name, p.key, p.message) for p in raised.value.problems]


def test_the_observer_platforms_are_linux_and_the_vendor_readers_platforms() -> None:
    assert ("linux", *VENDOR_PLATFORMS) == OBSERVER_PLATFORMS


def test_a_vendor_observer_needs_no_routing_suite_and_keeps_its_platform(tmp_path: Path) -> None:
    directory = lab_inventory(tmp_path, platforms={"gw1": "cisco_ios", "gw2": "juniper_junos"})
    edit(directory, "groups.yaml", lambda groups: groups["observers"]["data"].pop("routing_suite"))
    edit(directory, "hosts.yaml", lambda hosts: hosts["gw2"].update(platform="linux"))
    found = problems(directory)
    assert found == [
        (
            "hosts.yaml",
            "gw2.data.routing_suite",
            "missing: set quagga or frr (on the host or its group) for a linux observer, or give the observer's "
            "platform (e.g. platform: cisco_ios)",
        )
    ]
    edit(directory, "hosts.yaml", lambda hosts: hosts["gw2"].update(platform="juniper_junos"))
    fleet = load_inventory(directory)
    assert (fleet.hosts["gw1"].platform, fleet.hosts["gw1"].on_linux) == ("cisco_ios", False)
    assert (fleet.hosts["gw2"].platform, fleet.hosts["vr1"].platform) == ("juniper_junos", "linux")
    assert fleet.hosts["vr1"].on_linux


def test_an_unknown_platform_is_named_where_it_is_written(tmp_path: Path) -> None:
    directory = lab_inventory(tmp_path)
    edit(directory, "groups.yaml", lambda groups: groups["observers"].update(platform="cisco_iosxr"))
    edit(directory, "hosts.yaml", lambda hosts: hosts["vr2"].update(platform="juniper_junos"))
    found = problems(directory)
    fix = "give linux (FRR or Quagga, with routing_suite) or the gateway's netmiko device type: " + ", ".join(
        VENDOR_PLATFORMS
    )
    assert ("groups.yaml", "observers.platform", f"'cisco_iosxr': {fix} (for gw1, gw2)") in found, found
    linux_only = "give linux (routers and cluster nodes run Linux; only observers may be other platforms)"
    assert ("hosts.yaml", "vr2.platform", f"'juniper_junos': {linux_only}") in found, found
    assert len(found) == 2, found


def test_a_platform_in_data_is_a_typo(tmp_path: Path) -> None:
    directory = lab_inventory(tmp_path)
    edit(directory, "hosts.yaml", lambda hosts: hosts["gw1"].setdefault("data", {}).update(platform="cisco_ios"))
    assert [(file, key) for file, key, _ in problems(directory)] == [("hosts.yaml", "gw1.data.platform")]


def test_salt_slices_carry_the_observers_platform(tmp_path: Path) -> None:
    directory = lab_inventory(tmp_path / "whole", platforms={"gw1": "cisco_ios"})

    def junos_gateways(groups: dict[str, Any]) -> None:
        groups["junos_gateways"] = {"platform": "juniper_junos", "groups": ["observers"]}
        for fog in ("customer1", "customer2"):
            groups[fog]["data"]["minion"] = "minion-a"

    edit(directory, "groups.yaml", junos_gateways)
    edit(directory, "hosts.yaml", lambda hosts: hosts["gw2"].update(groups=["junos_gateways"]))
    paths = SlicePaths(key_file="/etc/{minion}.key", known_hosts="/srv/{minion}/known_hosts")
    write_slices(load_inventory(directory), tmp_path / "out", paths)
    sliced = load_inventory(tmp_path / "out" / "minion-a")
    assert {name: sliced.hosts[name].platform for name in ("gw1", "gw2", "vr1")} == {
        "gw1": "cisco_ios",
        "gw2": "juniper_junos",
        "vr1": "linux",
    }


def test_a_vendor_observer_cannot_be_backed_up(tmp_path: Path) -> None:
    directory = lab_inventory(tmp_path, platforms={"gw1": "cisco_ios"})
    edit(directory, "hosts.yaml", lambda hosts: hosts["gw1"].setdefault("data", {}).update(backup=True))
    assert problems(directory) == [
        (
            "hosts.yaml",
            "gw1.data.backup",
            "backup keeps Linux routers' configuration files: a cisco_ios observer cannot be backed up; remove "
            "backup: true",
        )
    ]


def test_the_inventory_reference_shows_an_observer_of_each_platform_that_validates(tmp_path: Path) -> None:
    text = (Path(__file__).resolve().parents[2] / "docs" / "inventory.md").read_text()
    section = text.split("## Observers of other platforms", 1)[1]
    example: dict[str, Any] = yaml.safe_load(section.split("```yaml\n", 1)[1].split("```", 1)[0])
    directory = lab_inventory(tmp_path)
    edit(directory, "hosts.yaml", lambda hosts: hosts.update(example))
    edit(directory, "groups.yaml", lambda groups: groups["customer1"]["data"].update(observers=list(example)))
    fleet = load_inventory(directory)
    assert [fleet.hosts[name].platform for name in example] == list(OBSERVER_PLATFORMS)


def test_an_observer_of_another_platform_gets_no_sudo_rule(tmp_path: Path) -> None:
    """With an ordinary login and vtysh through sudo for the observers group, a site gateway still needs no rule:
    it is read through its own CLI."""
    directory = lab_inventory(tmp_path, platforms={"gw2": "juniper_junos"})
    edit(directory, "defaults.yaml", lambda defaults: defaults.update(username="ospf-failover"))
    edit(directory, "groups.yaml", lambda groups: groups["observers"]["data"].update(vtysh="sudo -n /usr/bin/vtysh"))
    fleet = load_inventory(directory)
    assert host_privileges(fleet, "gw2") == []
    assert [p.key for p in host_privileges(fleet, "gw1")] == ["vtysh"]
    with pytest.raises(InputError, match="gw2 is a juniper_junos observer: read through its own CLI, no sudo rule"):
        render_sudoers(fleet, "gw2")
