"""Typos in the inventory are problems naming the key that was probably meant; a command timeout below what a
round trip takes is refused with its bound."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from ospf_failover.cli.command_line import main
from ospf_failover.errors import InventoryError
from ospf_failover.inventory import load_inventory
from ospf_failover.inventory.typos import suggestion, unknown_keys

REPO_INVENTORY = Path(__file__).resolve().parents[2] / "inventory"
Files = dict[str, dict[str, Any]]


def broken(tmp_path: Path, change: Callable[[Files], None]) -> Path:
    inventory = tmp_path / "inventory"
    shutil.copytree(REPO_INVENTORY, inventory)
    files = {name: yaml.safe_load((inventory / f"{name}.yaml").read_text()) for name in ("hosts", "groups", "defaults")}
    change(files)
    for name, content in files.items():
        (inventory / f"{name}.yaml").write_text(yaml.safe_dump(content, sort_keys=False))
    return inventory


def problems(directory: Path) -> list[tuple[str, str, str]]:
    with pytest.raises(InventoryError) as caught:
        load_inventory(directory)
    return [(Path(p.file).name, p.key, p.message) for p in caught.value.problems]


def misspell_ospf_address(files: Files) -> None:
    data = files["hosts"]["vr2"].setdefault("data", {}) or {}
    data["ospf_adress"] = "192.168.76.252"
    files["hosts"]["vr2"]["data"] = data


@pytest.mark.parametrize(
    ("change", "file", "key", "message"),
    [
        (misspell_ospf_address, "hosts.yaml", "vr2.data.ospf_adress", "did you mean 'ospf_address'?"),
        (
            lambda f: f["hosts"]["vr1"].update({"hostnme": f["hosts"]["vr1"].pop("hostname")}),
            "hosts.yaml",
            "vr1.hostnme",
            "unknown key 'hostnme': did you mean 'hostname'?",
        ),
        (
            lambda f: f["groups"]["routers"]["data"].update({"nic_donw": "ifdown {nic}"}),
            "groups.yaml",
            "routers.data.nic_donw",
            "did you mean 'nic_down'?",
        ),
        (
            lambda f: f["groups"]["customer1"]["data"].update({"vm_gatway": "10.0.0.254"}),
            "groups.yaml",
            "customer1.data.vm_gatway",
            "unknown failover group key 'vm_gatway': did you mean 'vm_gateway'?",
        ),
        (
            lambda f: f["defaults"]["data"].update({"timeouts": {"command": 0.1}}),
            "defaults.yaml",
            "data.timeouts.command",
            "give seconds between 0.5",
        ),
    ],
)
def test_a_typo_names_the_key_meant(
    tmp_path: Path, change: Callable[[Files], None], file: str, key: str, message: str
) -> None:
    found = problems(broken(tmp_path, change))
    matching = [m for f, k, m in found if (f, k) == (file, key)]
    assert len(matching) == 1 and message in matching[0], found  # said once, with the fix


def test_inventory_validate_refuses_the_misspelt_host_key(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    inventory = broken(tmp_path, misspell_ospf_address)
    assert main(["--inventory", str(inventory), "inventory", "validate"]) == 2
    err = capsys.readouterr().err
    assert "vr2.data.ospf_adress: unknown data key 'ospf_adress': did you mean 'ospf_address'?" in err, err
    assert "Traceback" not in err


def test_the_example_inventory_has_no_unknown_key() -> None:
    load_inventory(REPO_INVENTORY)  # raises on any problem
    assert unknown_keys({"h": {"hostname": "a", "data": {"vtysh": "v"}}}, {}, host_data={"vtysh"}, group_data=()) == []
    assert suggestion("zzz", ["hostname", "data"]) == ": use one of ['data', 'hostname']"
