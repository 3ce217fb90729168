"""Cutting a whole inventory into one slice per Salt minion, without Salt: four customers on two router pairs,
customer1 and customer2 served by minion-a through their site group, customer3 and customer4 by minion-b."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml

from ospf_failover.cli.command_line import main
from ospf_failover.errors import InputError
from ospf_failover.inventory import load_inventory
from ospf_failover.salt.fanout import Fanout, choose, wait_bounds
from ospf_failover.salt.slices import SlicePaths, served_by, write_slices
from ospf_failover_lab import inventory_writer
from ospf_failover_lab.topology import plan

KNOWN = ["192.168.75.251 ssh-ed25519 AAAA1", "192.168.75.123 ssh-ed25519 AAAA3", "192.168.75.1 ssh-ed25519 AAAAg"]
PATHS = SlicePaths(key_file="/etc/ospf-failover/{minion}.key", known_hosts="/srv/{minion}/inventory/known_hosts")


def whole_inventory(directory: Path, *, minions: bool = True) -> Path:
    topology = plan(4, router_pairs=2)
    inventory_writer.write(topology=topology, directory=directory, key_file=Path("/root/key"), known_hosts=KNOWN)
    groups = yaml.safe_load((directory / "groups.yaml").read_text())
    if minions:
        groups["site-a"] = {"data": {"minion": "minion-a", "convergence_budget": 20}}
        for fog in ("customer1", "customer2"):
            groups[fog]["groups"] = ["site-a"]
        for fog in ("customer3", "customer4"):
            groups[fog]["data"]["minion"] = "minion-b"
    (directory / "groups.yaml").write_text(yaml.safe_dump(groups, sort_keys=False))
    return directory


def read(directory: Path, name: str) -> dict[str, Any]:
    content: dict[str, Any] = yaml.safe_load((directory / name).read_text())
    return content


def test_each_minion_gets_its_groups_their_hosts_and_the_minion_side_paths(tmp_path: Path) -> None:
    source = whole_inventory(tmp_path / "whole")
    written = write_slices(load_inventory(source), tmp_path / "out", PATHS)
    assert written == {"minion-a": ["customer1", "customer2"], "minion-b": ["customer3", "customer4"]}
    a = load_inventory(tmp_path / "out" / "minion-a")
    assert sorted(a.fogs) == ["customer1", "customer2"]
    assert sorted(a.hosts) == ["gw1", "gw2", "node-a", "node-b", "vr1", "vr2"]
    assert a.fogs["customer1"].minion == "minion-a" and a.fogs["customer1"].convergence_budget == 20
    assert str(a.key_file) == "/etc/ospf-failover/minion-a.key"
    assert str(a.known_hosts) == "/srv/minion-a/inventory/known_hosts"
    b = load_inventory(tmp_path / "out" / "minion-b")
    assert sorted(b.hosts) == ["gw1", "gw2", "node-a", "node-b", "vr3", "vr4"]
    assert "site-a" not in read(tmp_path / "out" / "minion-b", "groups.yaml")
    assert read(tmp_path / "out" / "minion-b", "hosts.yaml")["node-a"]["groups"] == [
        "cluster_nodes", "customer3", "customer4"
    ]  # fmt: skip
    assert (tmp_path / "out" / "minion-a" / "known_hosts").read_text().splitlines() == [KNOWN[0], KNOWN[2]]
    assert (tmp_path / "out" / "minion-b" / "known_hosts").read_text().splitlines() == [KNOWN[1], KNOWN[2]]


def test_a_site_group_kept_for_host_settings_loses_its_group_keys(tmp_path: Path) -> None:
    """node-a lists the site group for a setting of its own: minion-b's slice keeps the setting, not the
    failover-group keys (its own groups are in minion-a's slice)."""
    source = whole_inventory(tmp_path / "whole")
    hosts = read(source, "hosts.yaml")
    hosts["node-a"]["groups"].append("site-a")
    groups = read(source, "groups.yaml")
    groups["site-a"]["data"]["vtysh"] = "sudo vtysh"
    (source / "hosts.yaml").write_text(yaml.safe_dump(hosts, sort_keys=False))
    (source / "groups.yaml").write_text(yaml.safe_dump(groups, sort_keys=False))
    write_slices(load_inventory(source), tmp_path / "out", PATHS)
    site = read(tmp_path / "out" / "minion-b", "groups.yaml")["site-a"]
    assert site["data"] == {"vtysh": "sudo vtysh"}
    assert load_inventory(tmp_path / "out" / "minion-b").hosts["node-a"].vtysh == "sudo vtysh"


def test_a_group_without_a_minion_is_bad_input_in_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    source = whole_inventory(tmp_path / "whole", minions=False)
    with pytest.raises(InputError, match="customer1, customer2, customer3, customer4 name no minion"):
        served_by(load_inventory(source))
    code = main(["--inventory", str(source), "salt-slices", "--out", str(tmp_path / "out")])
    err = capsys.readouterr().err
    assert code == 2 and len(err.splitlines()) == 1 and "name no minion" in err, err
    assert not (tmp_path / "out").exists()


def test_the_command_writes_the_slices_and_names_them(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    source = whole_inventory(tmp_path / "whole")
    out = tmp_path / "files" / "ospf-failover"
    argv = ["--inventory", str(source), "salt-slices", "--out", str(out), "--minion-dir", "/srv/{minion}"]
    assert main(argv) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines == [
        f"{out}/minion-a: 2 failover group(s): customer1, customer2",
        f"{out}/minion-b: 2 failover group(s): customer3, customer4",
    ]
    b = load_inventory(out / "minion-b")
    assert str(b.known_hosts) == "/srv/minion-b/known_hosts" and str(b.key_file) == "/root/key"
    assert main([*argv, "--json"]) == 0
    document = json.loads(capsys.readouterr().out)
    assert document == {"out": str(out), "minions": {"minion-a": ["customer1", "customer2"],
                                                     "minion-b": ["customer3", "customer4"]}}  # fmt: skip
    assert main(["salt-slices", "--help"]) == 0


def test_the_runner_chooses_groups_by_minion_glob_and_name_and_bounds_its_wait(tmp_path: Path) -> None:
    whole = whole_inventory(tmp_path / "whole")
    fleet = load_inventory(whole)
    assert choose(fleet, tgt="minion-b", fogs=None) == {"customer3": "minion-b", "customer4": "minion-b"}
    assert choose(fleet, tgt="*", fogs="customer1,customer3") == {"customer1": "minion-a", "customer3": "minion-b"}
    with pytest.raises(InputError, match="failover group 'nosuch' is not in inventory"):
        choose(fleet, tgt=None, fogs=["nosuch"])
    with pytest.raises(InputError, match="no failover group matches"):
        choose(fleet, tgt="minion-z*", fogs=None)
    opts = {"ospf_failover": {"inventory": str(whole), "timeout": 20}}
    planned = Fanout.plan(opts, tgt=None, fogs="customer2,customer4", timeout=None)
    assert planned.wait == 20 and planned.kwarg == {
        "timeout": 15, "fogs": {"minion-a": ["customer2"], "minion-b": ["customer4"]}
    }  # fmt: skip
    assert wait_bounds({}, None) == (300, 295)
    for wrong in ("soon", 0, 7200):
        with pytest.raises(InputError, match="timeout="):
            wait_bounds({}, wrong)  # type: ignore[arg-type]
    with pytest.raises(InputError, match="set ospf_failover:inventory"):
        Fanout.plan({}, tgt=None, fogs=None, timeout=None)
