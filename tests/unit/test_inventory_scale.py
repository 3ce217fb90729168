"""The inventory at a thousand groups: a failover group's own load, validation by index, broken groups set aside.

Synthetic inventories (hosts on loopback addresses, nothing connects) of up to 1,000 failover groups, 10 per
router pair, two cluster nodes and two observers shared by all.
"""

from __future__ import annotations

import ipaddress
import json
import random
from pathlib import Path
from typing import Any

import pytest
import ruamel.yaml
from nornir import InitNornir

from ospf_failover.cli.command_line import main
from ospf_failover.errors import InventoryError
from ospf_failover.inventory import Fog, load_inventory
from ospf_failover.inventory.fast_yaml import Undecided, load_fast
from ospf_failover.inventory.files import Problems
from ospf_failover.inventory.load import _check_fogs_against_each_other
from ospf_failover.inventory.sections import Sections
from ospf_failover_lab.synthetic import synthetic_files, write_files


def synthetic(directory: Path, groups: int, *, per_pair: int = 10) -> dict[str, dict[str, Any]]:
    """The three files' content of ``groups`` failover groups (customer1...), ``per_pair`` on each router pair."""
    (directory / "id_ed25519").write_text("not a key: only its existence is checked before connecting\n")
    (directory / "known_hosts").write_text("")
    return synthetic_files(directory, groups, per_pair=per_pair)


def write(directory: Path, files: dict[str, dict[str, Any]]) -> Path:
    return write_files(directory, files)


@pytest.fixture(scope="module")
def thousand(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict[str, Any]]:
    return synthetic(tmp_path_factory.mktemp("files"), 1000)


@pytest.fixture
def files(tmp_path: Path) -> dict[str, dict[str, Any]]:
    return synthetic(tmp_path, 1000)


def without_groups(view: Any) -> dict[str, Any]:
    """A host's view without its ``groups`` (in a group's part a host lists only what that group uses)."""
    return {key: value for key, value in view.model_dump().items() if key != "groups"}


def test_one_broken_group_among_a_thousand(
    tmp_path: Path, files: dict[str, dict[str, Any]], capsys: pytest.CaptureFixture[str]
) -> None:
    files["groups"]["customer10"]["data"]["vm_gateway"] = "10.9.9.254"
    directory = write(tmp_path, files)
    assert main(["--inventory", str(directory), "inventory", "validate"]) == 2
    err = capsys.readouterr().err
    assert "customer10.data.vm_gateway: 10.9.9.254 is not a host address of vm_network 10.0.9.0/24" in err, err
    fleet = load_inventory(directory, fog="customer5")  # on the same router pair as customer10
    assert list(fleet.fogs) == ["customer5"], list(fleet.fogs)
    assert sorted(fleet.hosts) == ["gw1", "gw2", "node-a", "node-b", "vr1", "vr2"], sorted(fleet.hosts)
    with pytest.raises(InventoryError) as caught:
        load_inventory(directory, fog="customer10")
    assert [(p.key, "not a host address" in p.message) for p in caught.value.problems] == [
        ("customer10.data.vm_gateway", True)
    ], caught.value.problems
    fleet = load_inventory(directory, broken_groups=True)
    assert list(fleet.broken) == ["customer10"], fleet.broken
    assert len(fleet.fogs) == 999 and "customer10" not in fleet.fogs, len(fleet.fogs)


def test_a_groups_part_is_what_the_whole_inventory_says_of_it(tmp_path: Path, files: dict[str, Any]) -> None:
    files["groups"]["site-b"] = {"data": {"vtysh": "sudo -n /usr/bin/vtysh", "minion": "minion-b"}}
    files["groups"]["customer17"]["groups"] = ["site-b"]  # site-b gives vr3 and vr4 their vtysh, through customer17
    files["groups"]["customer15"]["data"]["nics"] = {"vr4": "eth2.7"}
    directory = write(tmp_path, files)
    whole = load_inventory(directory)
    for name in ("customer1", "customer15", "customer500", "customer1000"):
        part = load_inventory(directory, fog=name)
        assert part.fogs[name] == whole.fogs[name], name
        for host, view in part.hosts.items():
            assert without_groups(view) == without_groups(whole.hosts[host]), f"{name}: {host}"
    assert load_inventory(directory, fog="customer15").hosts["vr3"].vtysh == "sudo -n /usr/bin/vtysh"
    assert load_inventory(directory, fog="customer21").hosts["vr5"].vtysh == "vtysh"


def test_problems_elsewhere_do_not_stop_a_group(tmp_path: Path, files: dict[str, Any]) -> None:
    files["hosts"]["vr7"]["data"] = {"ospf_adress": "10.1.1.1"}  # a typo on another pair's router
    files["groups"]["customer40"]["data"]["vm_network"] = "10.0.38.0/24"  # overlaps customer39's
    files["groups"]["customer40"]["data"]["vm_gateway"] = "10.0.38.1"
    directory = write(tmp_path, files)
    text = (directory / "groups.yaml").read_text().replace("customer900:\n  data:\n", "customer900:\n  data: [\n", 1)
    (directory / "groups.yaml").write_text(text)  # another group's entry that is not even YAML
    fleet = load_inventory(directory, fog="customer5")
    assert list(fleet.fogs) == ["customer5"]
    with pytest.raises(InventoryError, match="not valid YAML at line"):
        load_inventory(directory)


def test_a_problem_in_what_the_group_uses_refuses_it(tmp_path: Path, files: dict[str, Any]) -> None:
    files["hosts"]["vr2"]["data"] = {"ospf_adress": "10.1.1.1"}
    files["hosts"]["vr9"]["groups"].append("customer5")  # lists customer5, which does not pair it
    directory = write(tmp_path, files)
    with pytest.raises(InventoryError) as caught:
        load_inventory(directory, fog="customer5")
    found = {(Path(p.file).name, p.key) for p in caught.value.problems}
    assert found == {("hosts.yaml", "vr2.data.ospf_adress"), ("hosts.yaml", "vr9.groups")}, found


def test_inventory_plugin_loads_one_group(tmp_path: Path, thousand: dict[str, Any]) -> None:
    directory = write(tmp_path, thousand)
    options = {"inventory": str(directory), "fog": "customer123"}
    nr = InitNornir(inventory={"plugin": "OspfFailoverInventory", "options": options}, logging={"enabled": False})
    assert sorted(nr.inventory.hosts) == ["gw1", "gw2", "node-a", "node-b", "vr25", "vr26"]
    assert nr.inventory.hosts["vr25"]["routing_suite"] == "frr"


def test_broken_groups_are_each_groups_own(tmp_path: Path, files: dict[str, Any]) -> None:
    files["hosts"]["vr7"]["data"] = {"ospf_adress": "10.1.1.1"}  # serves customer31..40
    files["hosts"]["vr9"]["data"] = {"routing_suite": "frrr"}  # serves customer41..50; no view can be built
    files["groups"]["customer899"]["data"]["nic"] = "eth1.901"
    files["groups"]["customer900"]["data"]["nic"] = "eth1.901"  # the same NIC on vr179: the later group's problem
    directory = write(tmp_path, files)
    fleet = load_inventory(directory, broken_groups=True)
    assert list(fleet.broken) == [*(f"customer{n}" for n in range(31, 51)), "customer900"], list(fleet.broken)
    assert {p.key for p in fleet.broken["customer900"]} == {"customer900.data.nic"}, fleet.broken["customer900"]
    assert "vr9" not in fleet.inventory.hosts and "vr7" in fleet.inventory.hosts  # every host left has its view
    assert all(host.view is fleet.hosts[name] for name, host in fleet.inventory.hosts.items())
    files["defaults"]["data"]["timeouts"]["command"] = 0.1  # no group's: the whole run is refused
    write(directory, files)
    with pytest.raises(InventoryError):
        load_inventory(directory, broken_groups=True)


def test_check_reports_a_broken_group_failing_its_inventory_check(
    tmp_path: Path, files: dict[str, Any], capsys: pytest.CaptureFixture[str]
) -> None:
    files["groups"]["customer10"]["data"]["vm_gateway"] = "10.9.9.254"
    directory = write(tmp_path, files)
    assert main(["--inventory", str(directory), "check", "--json", "customer10"]) == 1
    document = json.loads(capsys.readouterr().out)
    assert [(g["name"], g["status"]) for g in document["fogs"]] == [("customer10", "fail")], document
    checks = document["fogs"][0]["checks"]
    assert [(c["name"], c["status"]) for c in checks] == [("inventory", "fail")], checks
    assert "customer10.data.vm_gateway" in checks[0]["detail"], checks
    files["defaults"]["data"]["timeouts"]["command"] = 0.1
    write(directory, files)
    assert main(["--inventory", str(directory), "check", "--json", "customer10"]) == 2


def test_backup_leaves_a_broken_group_out_and_says_why(
    tmp_path: Path, files: dict[str, Any], capsys: pytest.CaptureFixture[str]
) -> None:
    files["groups"]["customer10"]["data"]["vm_gateway"] = "10.9.9.254"
    directory = write(tmp_path, files)
    argv = ["--inventory", str(directory), "backup", "--dir", str(tmp_path / "backups"), "--json", "customer10"]
    assert main(argv) == 1
    document = json.loads(capsys.readouterr().out)
    assert list(document["inventory"]) == ["customer10"], document
    assert "customer10.data.vm_gateway" in document["inventory"]["customer10"][0], document
    assert document["hosts"] == {} and document["commit"] is None, document


def pairwise(fogs: list[Fog]) -> list[tuple[str, str, str]]:
    """What comparing every pair of groups says (the validation before it was by sorting and index)."""
    problems = []
    ordered = sorted(fogs, key=lambda f: f.name)
    for i, first in enumerate(ordered):
        for second in ordered[i + 1 :]:
            if first.vm_network.overlaps(second.vm_network):
                problems.append((second.name, "vm_network", first.name))
            for router in sorted(set(first.routers) & set(second.routers)):
                if first.nic_for(router) == second.nic_for(router):
                    problems.append((second.name, "nic", first.name))
    return problems


@pytest.mark.parametrize("seed", range(5))
def test_clashes_found_by_sorting_are_those_of_every_pair(tmp_path: Path, seed: int) -> None:
    rng = random.Random(seed)
    fogs = []
    for number in range(80):
        prefix = rng.choice([22, 23, 24, 24, 25, 26])
        network = ipaddress.IPv4Network((rng.randrange(0, 64) << 8, prefix), strict=False)
        routers = rng.sample(["vr1", "vr2", "vr3", "vr4"], 2)
        fogs.append(
            Fog(
                name=f"g{number:02d}",
                vm_network=network,
                vm_gateway=network.network_address + 1,
                nic=f"eth1.{rng.randrange(5)}",
                pairing={"node-a": routers[0], "node-b": routers[1]},
            )
        )
    problems = Problems(tmp_path)
    _check_fogs_against_each_other(problems, {fog.name: fog for fog in fogs})
    found = [
        (p.key.split(".")[0], p.key.split(".")[-1], p.message.split(" already uses ")[-1].split(" for ")[-1])
        for p in problems.found
    ]
    said = sorted({(g, k, m.split("'s ")[0].split(" overlaps ")[-1].split(":")[0]) for g, k, m in found})
    assert said == sorted(set(pairwise(fogs))), seed
    assert len(problems.found) >= len(set(pairwise(fogs))) > 0


YAML_CASES = [
    "a: 1",
    "a: 1.5",
    "a: yes",
    "a: on",
    "a: 010",
    "a: 1:30",
    "a: 10.0.0.0/24",
    "a: [x, y]",
    "a: 2020-01-01",
    "a: null",
    "a:",
    "a: 1e5",
    "a: .5",
    "a: 0x1f",
    "a: 0o17",
    "a: 1_000",
    "a: -1",
    "a: 00",
    "a: eth1.101",
    "a: 8.4.4",
    "a: !!str 1",
    "x: &a 1\ny: *a",
    "<<: {a: 1}\nb: 2",
    "a: 2020-01-01 10:00:00",
]


@pytest.mark.parametrize("text", YAML_CASES)
def test_fast_yaml_reads_as_yaml_1_2_or_declines(text: str) -> None:
    expected = ruamel.yaml.YAML(typ="safe").load(text)
    try:
        got = load_fast(text)
    except Undecided:
        assert text not in DECIDED, f"{text!r} should be read fast"
        return  # the precise loader reads it
    assert got == expected, text


DECIDED = {"a: 1", "a: 1.5", "a: yes", "a: on", "a: 10.0.0.0/24", "a: [x, y]", "a: 2020-01-01", "a: null", "a: -1"}


@pytest.mark.parametrize("text", ["a: {b: 1, b: 2}", "a: [1", "a: 1\na: 2"])
def test_fast_yaml_declines_what_the_precise_loader_refuses(text: str) -> None:
    with pytest.raises(Undecided):
        load_fast(text)


def test_sections_read_each_entry_as_the_whole_file_does() -> None:
    repository = Path(__file__).resolve().parents[2] / "inventory"
    for file in ("hosts.yaml", "groups.yaml"):
        text = (repository / file).read_text()
        sections = Sections.of(text)
        assert sections is not None, file
        whole = ruamel.yaml.YAML(typ="safe").load(text)
        assert list(sections.names()) == list(whole), file
        assert {name: sections.entry(name) for name in whole} == whole, file


@pytest.mark.parametrize(
    "text",
    [
        "a: &x {b: 1}\nc: *x\n",
        "a:\n  - *x\n",
        "a: [*x, 1]\n",
        "a: !!str &x 1\n",
        "<<: *base\n",
        "{a: 1, b: 2}\n",
        "a: 1\na: 2\n",
        "---\na: 1\n",
        "%YAML 1.2\n---\na: 1\n",
        '"a": 1\n',
    ],
)
def test_sections_decline_a_file_not_of_plain_block_style(text: str) -> None:
    assert Sections.of(text) is None, text


def test_sections_read_commands_with_ampersands_and_stars() -> None:
    text = (
        "routers:\n  data:\n    announce_gateway: command -v arping >/dev/null && ( arping -q -U -c 2 -I {nic}\n"
        "      {gateway} >/dev/null 2>&1 & )\n    read_file: ls /etc/*.conf; cat {path}\ncustomer1:\n  data: {}\n"
    )
    sections = Sections.of(text)
    assert sections is not None
    whole = ruamel.yaml.YAML(typ="safe").load(text)
    assert {name: sections.entry(name) for name in sections.names()} == whole


def test_a_leaders_runs_each_get_what_a_lone_switch_would_beside_a_broken_group(tmp_path: Path) -> None:
    from ospf_failover.cli.switching import SharedFleets, arguments_of, group_hosts
    from ospf_failover.rendezvous import Request

    files = synthetic(tmp_path, 40)
    files["groups"]["customer10"]["data"]["vm_gateway"] = "10.9.9.254"  # customer10's own problem
    files["groups"]["customer12"]["data"]["vm_network"] = "10.0.10.0/24"  # clashes with customer11's
    files["groups"]["customer12"]["data"]["vm_gateway"] = "10.0.10.1"
    directory = write(tmp_path, files)
    fleets = SharedFleets()
    args = {fog: arguments_of(Request(fog=fog, inventory=str(directory), timeout=30)) for fog in files["groups"]}
    own = fleets.load(args["customer3"], shared=False)  # the leader's own run: its group's part only
    assert list(own.fogs) == ["customer3"], list(own.fogs)
    for fog in ("customer5", "customer12", "customer40"):  # customer12: a lone switch does not judge clashes
        fleet = fleets.load(args[fog])
        assert fog in fleet.fogs and sorted(fleet.inventory.hosts) == sorted(set(group_hosts(fleet, fog))), fog
    with pytest.raises(InventoryError) as caught:
        fleets.load(args["customer10"])
    assert [p.key for p in caught.value.problems] == ["customer10.data.vm_gateway"], caught.value.problems
