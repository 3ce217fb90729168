"""An unprivileged login: what each host runs through sudo, read from the inventory's templates, and the sudo rules
the shipped template gives for it (checked by visudo, and the vtysh rule's expression against the commands the
tasks really send)."""

from __future__ import annotations

import fnmatch
import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

from ospf_failover.cli.command_line import main
from ospf_failover.errors import InputError
from ospf_failover.inventory import Fleet, load_inventory
from ospf_failover.models import Fact
from ospf_failover.privileges import SUITE_FILES, VTYSH_ARGUMENTS, render_sudoers, sudo_commands, template_notes
from ospf_failover.tasks.config import SUITE_FILES as FETCHED
from ospf_failover.tasks.router_state import fact_command, route_command, route_reads
from ospf_failover.tasks.shell import vtysh_command

REPO_INVENTORY = Path(__file__).resolve().parents[2] / "inventory"

UNPRIVILEGED = {
    "vtysh": "sudo -n /usr/bin/vtysh",
    "nic_down": "sudo -n /usr/sbin/ifdown {nic}",
    "nic_up": "sudo -n /usr/sbin/ifup {nic}",
    "announce_gateway": "sudo -n /usr/sbin/arping -q -U -c 2 -I {nic} {gateway} >/dev/null 2>&1 &",
    "read_file": "sudo -n /usr/bin/cat {path}",
}


@pytest.fixture
def fleet(tmp_path: Path) -> Fleet:
    """The example inventory (CentOS 7 routers with network-scripts, Quagga) with an ordinary login user."""
    inventory = tmp_path / "inventory"
    shutil.copytree(REPO_INVENTORY, inventory)
    defaults = yaml.safe_load((inventory / "defaults.yaml").read_text())
    defaults["username"] = "ospf-failover"
    (inventory / "defaults.yaml").write_text(yaml.safe_dump(defaults))
    groups = yaml.safe_load((inventory / "groups.yaml").read_text())
    groups["routers"]["data"].update(UNPRIVILEGED)
    groups["observers"]["data"]["vtysh"] = UNPRIVILEGED["vtysh"]
    groups["cluster_nodes"]["data"]["clpstat"] = "sudo -n /usr/sbin/clpstat --local"
    (inventory / "groups.yaml").write_text(yaml.safe_dump(groups))
    return load_inventory(inventory)


def rules(text: str) -> list[str]:
    """The commands of a rendered file's aliases, one per entry."""
    joined = text.replace("\\\n", "")
    return [cmd.strip() for line in joined.splitlines() if line.startswith("Cmnd_Alias") for cmd in
            line.split("=", 1)[1].split(", ")]  # fmt: skip


def visudo_accepts(text: str, tmp_path: Path) -> subprocess.CompletedProcess[str]:
    path = tmp_path / "sudoers"
    path.write_text(text)
    path.chmod(0o440)
    return subprocess.run(["visudo", "-cf", str(path)], capture_output=True, text=True, timeout=30, check=False)


def test_what_sudo_is_given_is_read_from_a_command_line() -> None:
    assert sudo_commands("sudo -n /usr/bin/vtysh -c 'show ip route 10.0.0.0/24 json'") == [
        "/usr/bin/vtysh -c show ip route 10.0.0.0/24 json"
    ]
    announce = (
        "command -v arping >/dev/null && ( sudo -n /usr/bin/arping -q -U -c 2 -I eth1 10.0.0.254 >/dev/null 2>&1 & )"
    )
    assert sudo_commands(announce) == ["/usr/bin/arping -q -U -c 2 -I eth1 10.0.0.254"]
    assert sudo_commands("sudo -n /usr/bin/nmcli connection down eth1; sudo -n /usr/bin/true") == [
        "/usr/bin/nmcli connection down eth1",
        "/usr/bin/true",
    ]
    assert sudo_commands("ip link set dev eth1 down") == [], "root's templates give sudo nothing"


def test_templates_that_cannot_work_through_sudo_are_named() -> None:
    assert template_notes("vtysh", "vtysh") == []
    assert template_notes("vtysh", "sudo -n /usr/bin/vtysh") == []
    slow, relative = template_notes("vtysh", "sudo vtysh")
    assert "give sudo -n" in slow and "absolute path" in relative


def test_a_router_may_run_its_nic_commands_announce_vtysh_and_files_and_nothing_else(
    fleet: Fleet, tmp_path: Path
) -> None:
    text = render_sudoers(fleet, "vr1")
    assert not [line for line in text.splitlines() if line.startswith("##")], "the template's notes are left out"
    assert "{" not in text.replace(VTYSH_ARGUMENTS, ""), "every placeholder filled in"
    assert "Defaults:ospf-failover !requiretty" in text.splitlines(), "the sessions have no terminal"
    assert rules(text) == [
        "/usr/sbin/ifdown ens224",
        "/usr/sbin/ifup ens224",
        "/usr/sbin/arping -q -U -c 2 -I ens224 10.0.0.254",
        f"/usr/bin/vtysh {VTYSH_ARGUMENTS}",
        *(f"/usr/bin/cat {path}" for path in SUITE_FILES["quagga"]),
        "/usr/bin/cat /etc/sysconfig/network-scripts/ifcfg-ens224",
        "/usr/bin/cat /etc/sysconfig/network-scripts/keys-ens224",
    ]
    assert text.rstrip().endswith(
        "ospf-failover ALL = (root) NOPASSWD: OSPF_FAILOVER_NIC, OSPF_FAILOVER_ANNOUNCE, OSPF_FAILOVER_VTYSH, "
        "OSPF_FAILOVER_FILES"
    )
    checked = visudo_accepts(text, tmp_path)
    assert checked.returncode == 0, checked.stdout + checked.stderr


def test_observers_run_vtysh_and_cluster_nodes_clpstat(fleet: Fleet, tmp_path: Path) -> None:
    observer, node = render_sudoers(fleet, "gw1"), render_sudoers(fleet, "node-a")
    assert rules(observer) == [f"/usr/bin/vtysh {VTYSH_ARGUMENTS}"]
    assert rules(node) == ["/usr/sbin/clpstat --local"]
    assert "# Routers:" not in node and "NIC" not in node, "a block the role does not need goes with its comment"
    for text in (observer, node):
        checked = visudo_accepts(text, tmp_path)
        assert checked.returncode == 0, checked.stdout + checked.stderr


def test_the_vtysh_rule_admits_the_tasks_show_commands_and_no_other() -> None:
    admits = re.compile(VTYSH_ARGUMENTS)

    def sudo_sees(*commands: str) -> str:  # sudo joins the arguments with blanks before matching
        return sudo_commands(vtysh_command("sudo -n /usr/bin/vtysh", *commands))[0].split(" ", 1)[1]

    prefixes = [f"10.{i // 256}.{i % 256}.0/24" for i in range(45)]
    for suite in ("frr", "quagga"):
        for run in route_reads(suite, prefixes):
            assert admits.match(sudo_sees(*(route_command(suite, prefix) for prefix in run)))
        for fact in (Fact.OSPF_NEIGHBORS, Fact.OSPF_PROCESS, Fact.OSPF_INTERFACES, Fact.OSPF_CONFIG):
            command = sudo_commands(fact_command(fact, suite=suite, vtysh="sudo -n /usr/bin/vtysh"))[0]
            assert admits.match(command.split(" ", 1)[1]), command
    for refused in (
        ("configure terminal",),
        ("show version", "configure terminal"),
        ("show version -c configure terminal",),
        ("start-shell",),
        ("show ip route; start-shell",),
        ("write memory",),
    ):
        assert not admits.match(sudo_sees(*refused)), refused


def test_files_sudo_allows_are_files_backup_fetches() -> None:
    for suite, paths in SUITE_FILES.items():
        for path in paths:
            assert any(fnmatch.fnmatch(path, pattern) for pattern in FETCHED[suite]), path


def test_a_root_login_or_a_relative_program_has_no_rules(fleet: Fleet, tmp_path: Path) -> None:
    with pytest.raises(InputError, match="logs in as root"):
        render_sudoers(load_inventory(REPO_INVENTORY), "vr1")
    with pytest.raises(InputError, match="not a host"):
        render_sudoers(fleet, "gw9")
    groups = fleet.directory / "groups.yaml"
    data = yaml.safe_load(groups.read_text())
    data["observers"]["data"]["vtysh"] = "sudo -n vtysh"
    groups.write_text(yaml.safe_dump(data))
    with pytest.raises(InputError, match="absolute path: 'vtysh'"):
        render_sudoers(load_inventory(fleet.directory), "gw1")


def test_inventory_validate_says_what_each_role_needs(fleet: Fleet, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--inventory", str(REPO_INVENTORY), "inventory", "validate"]) == 0
    assert capsys.readouterr().out.splitlines()[1].startswith("login user root on every host: nothing needs sudo")
    assert main(["--inventory", str(fleet.directory), "inventory", "validate"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[1] == (
        "login user ospf-failover; through sudo -n, routers: announce_gateway, nic_down, nic_up, read_file, vtysh; "
        "observers: vtysh; cluster nodes: clpstat (each host's rules: ospf-failover inventory sudoers HOST)"
    )
    assert len(lines) == 2, "no note: every template runs through sudo -n by absolute path"
    groups = fleet.directory / "groups.yaml"
    data = yaml.safe_load(groups.read_text())
    data["routers"]["data"]["nic_down"] = "ifdown {nic}"
    groups.write_text(yaml.safe_dump(data))
    assert main(["--inventory", str(fleet.directory), "inventory", "validate", "--json"]) == 0
    document = json.loads(capsys.readouterr().out)
    assert (
        "vr1: nic_down 'ifdown {nic}' needs root and the login user ospf-failover is not: give sudo -n"
        in (document["notes"])
    )
    assert {"key": "clpstat", "command": "/usr/sbin/clpstat --local"} in document["privileges"]["node-a"]["sudo"]
    assert main(["--inventory", str(fleet.directory), "inventory", "sudoers", "node-a"]) == 0
    assert capsys.readouterr().out == render_sudoers(fleet, "node-a")
