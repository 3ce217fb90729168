"""The backup's plan and judges without a lab: who is backed up for which group with which NIC files, each
group's OSPF drift on recorded configurations, and the commit message."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from ospf_failover.errors import InputError, InventoryError
from ospf_failover.inventory import load_inventory
from ospf_failover.models import Fact, NotRead
from ospf_failover.parsers.ospf_config import OspfConfig, parse_ospf_config
from ospf_failover.runbooks.backup.plan import commit_message, judge_drift, plan_backup
from ospf_failover.tasks.router_state import read_fact
from ospf_failover.tasks.shell import CommandOutput

REPO_INVENTORY = Path(__file__).resolve().parents[2] / "inventory"
FRR_LAB = Path(__file__).resolve().parents[1] / "fixtures" / "frr-8.4-lab"


def config(text: str, host: str = "vr2") -> OspfConfig | NotRead:
    """The OSPF configuration fact, as the backup task parses a running configuration it fetched."""
    output = CommandOutput(command="show running-config", output=text, exit_status=0)
    return read_fact(Fact.OSPF_CONFIG, output, parse_ospf_config, host=host)


def running(name: str) -> OspfConfig | NotRead:
    return config((FRR_LAB / name).read_text())


@pytest.fixture
def inventory(two_groups_inventory: Path) -> Path:
    """The example inventory with a second group on the same routers (their NIC for it is ens256)."""
    return two_groups_inventory


def test_routers_are_backed_up_once_with_every_groups_nic_and_observers_are_not(inventory: Path) -> None:
    plan = plan_backup(load_inventory(inventory), [])
    assert dict(plan.hosts) == {"vr1": ("ens224", "ens256"), "vr2": ("ens224", "ens256")}
    assert dict(plan.fogs) == {"customer1": ("vr1", "vr2"), "customer2": ("vr1", "vr2")}
    assert dict(plan.routers) == dict(plan.fogs)


def test_the_inventory_says_which_observers_are_backed_up_and_which_routers_are_not(inventory: Path) -> None:
    hosts = yaml.safe_load((inventory / "hosts.yaml").read_text())
    hosts["gw1"].setdefault("data", {})["backup"] = True
    hosts["vr2"].setdefault("data", {})["backup"] = False
    (inventory / "hosts.yaml").write_text(yaml.safe_dump(hosts))
    plan = plan_backup(load_inventory(inventory), ["customer2"])
    assert dict(plan.hosts) == {"vr1": ("ens256",), "gw1": ()}
    assert dict(plan.fogs) == {"customer2": ("vr1", "gw1")} and dict(plan.routers) == {"customer2": ("vr1",)}


def test_a_backup_flag_on_the_observers_group_is_inherited(inventory: Path) -> None:
    groups = yaml.safe_load((inventory / "groups.yaml").read_text())
    groups["observers"]["data"]["backup"] = True
    (inventory / "groups.yaml").write_text(yaml.safe_dump(groups))
    assert dict(plan_backup(load_inventory(inventory), ["customer1"]).fogs) == {
        "customer1": ("vr1", "vr2", "gw1", "gw2")
    }


def test_a_backup_flag_that_is_not_true_or_false_is_an_inventory_problem(inventory: Path) -> None:
    hosts = yaml.safe_load((inventory / "hosts.yaml").read_text())
    hosts["gw1"].setdefault("data", {})["backup"] = "sometimes"
    (inventory / "hosts.yaml").write_text(yaml.safe_dump(hosts))
    with pytest.raises(InventoryError, match=r"gw1\.data\.backup"):
        load_inventory(inventory)


def test_an_unknown_group_is_bad_input(inventory: Path) -> None:
    with pytest.raises(InputError, match="customer9"):
        plan_backup(load_inventory(inventory), ["customer9"])


def test_a_recorded_pair_that_matches_is_the_same() -> None:
    judged = judge_drift(
        ["vr1", "vr2"], {"vr1": running("vr1active_vr1_show_running-config.txt"),
                         "vr2": running("vr1active_vr2_show_running-config.txt")}
    )  # fmt: skip
    assert (judged.status, judged.differences) == ("same", ())
    assert judged.detail == "same OSPF configuration on vr1, vr2"


def test_a_recorded_tuned_router_differs_from_its_pair_by_its_lines() -> None:
    judged = judge_drift(
        ["vr1", "vr2"], {"vr1": running("vr1active_vr1_show_running-config.txt"),
                         "vr2": running("tuned_vr2_show_running-config.txt")}
    )  # fmt: skip
    assert judged.status == "differs"
    (difference,) = judged.differences
    assert difference["between"] == ["vr1", "vr2"]
    assert difference["only"]["vr2"] and all(line.startswith(("router ospf", "interface")) for line in
                                             difference["only"]["vr2"] + difference["only"]["vr1"])  # fmt: skip
    assert judged.detail.startswith("only vr1: ") or judged.detail.startswith("only vr2: ")


def test_drift_is_unknown_when_a_router_was_not_read_or_cannot_be_read() -> None:
    vr1 = running("vr1active_vr1_show_running-config.txt")
    assert judge_drift(["vr1", "vr2"], {"vr1": vr1}).detail == "cannot compare: vr2 not read"
    broken = judge_drift(["vr1", "vr2"], {"vr1": vr1, "vr2": config("% Unknown command.\n")})
    assert broken.status == "unknown" and broken.detail.startswith("cannot compare: vr2: ")
    assert broken.detail == (
        "cannot compare: vr2: the running configuration could not be read: "
        "vtysh does not know the command (% Unknown command)"
    )
    unparsed = judge_drift(["vr1", "vr2"], {"vr1": vr1, "vr2": config("!\nip ospf cost 10\n")})
    assert unparsed.detail.startswith("cannot compare: vr2: the running configuration not understood at line 2: ")
    assert judge_drift(["vr1"], {"vr1": vr1}).status == "unknown"


def test_the_commit_message_names_the_hosts_that_changed_and_those_not_backed_up() -> None:
    one = commit_message({"vr2": ["running-config"]}, {})
    assert one == "backup: vr2 changed\n\nvr2: running-config"
    many = commit_message({f"vr{i}": ["running-config"] for i in range(12)}, {"vr99": "ConnectTimeout"}, listed=2)
    subject, _, body = many.partition("\n\n")
    assert subject == "backup: 12 hosts changed: vr0, vr1 (+10 more)"
    assert body.splitlines()[-1] == "vr99: not backed up, previous files kept (ConnectTimeout)"
