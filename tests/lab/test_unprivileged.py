"""An unprivileged lab (`lab up --unprivileged`): the tool logs into routers, observers and cluster nodes as the
ordinary user ofl-login, which runs what needs root through the sudo rules the package ships, rendered from the
lab's inventory, and nothing else. switch there and back (both NIC styles, by ECX's scripts and by hand),
release, verify, check (all pass), status and backup work so; sudo lists only the shipped rules; a rule removed
makes check warn `privileges`, naming the command, and a NIC rule removed makes release warn, naming it.

The lab has a namespace prefix and a directory of its own (one customer), and is taken down whatever happens.
"""

from __future__ import annotations

import json
import os
import shutil
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from ospf_failover.inventory import load_inventory
from ospf_failover.privileges import render_sudoers
from ospf_failover_lab.lab import Lab
from ospf_failover_lab.unprivileged import LOGIN_USER, SUDOERS_FILE, program

TOOL = str(Path(sys.executable).with_name("ospf-failover"))
PREFIX = f"ofl-u{os.getpid() % 100000}-"
MANAGED = ("vr1", "vr2", "gw1", "gw2", "node-a", "node-b")


@pytest.fixture(scope="module")
def unprivileged_lab(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Lab]:
    if os.geteuid() != 0:
        pytest.skip("the rehearsal lab needs root (network namespaces, FRR, sshd): run the suite as root")
    directory = tmp_path_factory.mktemp("unprivileged") / "lab"
    built = Lab.up(directory, customers=1, prefix=PREFIX, unprivileged=True, progress=print)
    try:
        yield built
    finally:
        built.down()


@pytest.fixture(params=["link", "address"])
def styled(request: pytest.FixtureRequest, unprivileged_lab: Lab) -> Lab:
    unprivileged_lab.set_nic_style(request.param)
    unprivileged_lab.reset()
    return unprivileged_lab


def tool(lab: Lab, where: str, *args: str, inventory: Path | None = None) -> tuple[int, dict[str, Any], str]:
    """ospf-failover inside ``where`` with --json: (exit, document, stderr)."""
    argv = [TOOL, "--inventory", str(inventory or lab.inventory_dir), *args, "--json"]
    done = lab.run(where, argv, timeout=150)
    assert "Traceback" not in done.stdout + done.stderr, done.stderr
    document: dict[str, Any] = json.loads(done.stdout)
    return done.returncode, document, done.stderr


def as_login(lab: Lab, host: str, command: str) -> tuple[int, str]:
    """``command`` run over SSH on ``host`` as the lab's login user (from node-a)."""
    done = lab.run("node-a", lab.ssh_argv(host, command), timeout=30)
    return done.returncode, done.stdout + done.stderr


def allowed(listing: str) -> list[str]:
    """The commands `sudo -l` lists as allowed, one per entry (its long lines wrapped at blanks)."""
    runs = listing.split("may run the following commands", 1)[1].split("\n", 1)[1]
    entries = [line for line in runs.split("\n    (") if line.strip()]
    assert len(entries) == 1, f"one rule only, the shipped one: {entries}"
    commands = " ".join(part.strip() for part in entries[0].splitlines()).split("NOPASSWD: ", 1)[1]
    return [command.strip().replace("\\", "") for command in commands.split(", ")]


def rules(text: str) -> list[str]:
    joined = text.replace("\\\n", "")
    return [c.strip().replace("\\", "") for line in joined.splitlines() if line.startswith("Cmnd_Alias")
            for c in line.split("=", 1)[1].split(", ")]  # fmt: skip


def test_the_login_user_may_run_the_shipped_rules_and_nothing_else(unprivileged_lab: Lab) -> None:
    lab = unprivileged_lab
    fleet = load_inventory(lab.inventory_dir)
    assert fleet.username == LOGIN_USER
    for host in MANAGED:
        code, listing = as_login(lab, host, "id -un; sudo -n -l")
        assert code == 0 and listing.startswith(f"{LOGIN_USER}\n"), listing
        shipped = (lab.host_dir(host) / "sudoers.d" / SUDOERS_FILE).read_text()
        assert shipped == render_sudoers(fleet, host), "the host has the rules the package renders"
        assert allowed(listing) == rules(shipped), host
    for command in (
        "sudo -n /bin/sh -c id",
        "sudo -n /usr/bin/cat /etc/shadow",
        "sudo -n /usr/bin/vtysh -c 'configure terminal' -c 'interface lo' -c 'description x'",
        "sudo -n /usr/bin/vtysh -c 'show version' -c 'start-shell'",
        "sudo -n /usr/sbin/ip link set dev eth0 down",
    ):
        code, said = as_login(lab, "vr1", command)
        assert code != 0 and "a password is required" in said, (command, said)
    address = lab.topology.host("vr1").mgmt_address
    root = lab.run("node-a", [*lab.ssh_argv("vr1", "true")[:-2], f"root@{address}", "true"], timeout=30)
    assert root.returncode == 255 and "Permission denied" in root.stderr, "root cannot log in"


def test_switch_there_and_back_release_verify_status(styled: Lab) -> None:
    lab = styled
    there = lab.failover("customer1")
    assert there.returncode == 0, (there.stop, there.start)
    assert lab.holds_gateway("vr2") and not lab.holds_gateway("vr1")
    code, verified, lines = tool(lab, "node-b", "verify", "customer1")
    assert code == 0 and verified["verdict"] == "verified", lines
    code, status, lines = tool(lab, "gw1", "status", "customer1")
    assert code == 0 and status["exit_code"] == 0, lines
    back = lab.failover("customer1")
    assert back.returncode == 0, (back.stop, back.start)
    assert lab.holds_gateway("vr1") and not lab.holds_gateway("vr2")
    code, released, lines = tool(lab, "node-a", "release", "customer1")
    assert code == 0 and released["verdict"] == "released" and not lab.holds_gateway("vr1"), lines
    code, switched, lines = tool(lab, "node-a", "switch", "customer1", "--node", "node-a")
    assert code == 0 and switched["verdict"] == "switched and verified", lines
    assert lab.holds_gateway("vr1") and not lab.holds_gateway("vr2")


def test_check_passes_and_backup_reads_every_file(styled: Lab, tmp_path: Path) -> None:
    lab = styled
    code, checked, _ = tool(lab, "gw1", "check")
    failing = [
        (c["name"], c["host"], c["detail"]) for f in checked["fogs"] for c in f["checks"] if c["status"] != "pass"
    ]
    assert code == 0 and not failing, failing
    assert any(c["name"] == "privileges" for c in checked["fogs"][0]["checks"])
    code, backed_up, _ = tool(lab, "gw1", "backup", "--dir", str(tmp_path / "backups"))
    assert code == 0, backed_up
    for router in ("vr1", "vr2"):
        files = backed_up["hosts"][router]["files"]
        assert {"running-config", "etc/frr/zebra.conf", "etc/frr/ospfd.conf"} <= set(files), files
        keyfile = "run/NetworkManager/system-connections/eth1.nmconnection"
        assert (keyfile in files) == (lab.router_style(router) == "address"), files


def test_a_rule_removed_makes_check_warn_privileges_naming_the_command(unprivileged_lab: Lab, tmp_path: Path) -> None:
    lab = unprivileged_lab
    lab.set_nic_style("address")
    lab.reset()
    fewer = tmp_path / "inventory"
    shutil.copytree(lab.inventory_dir, fewer)
    hosts = yaml.safe_load((fewer / "hosts.yaml").read_text())
    del hosts["vr2"]["data"]["nic_config_file"]  # rendered without it: vr2 may no longer read its keyfile
    (fewer / "hosts.yaml").write_text(yaml.safe_dump(hosts))
    rules_file = lab.host_dir("vr2") / "sudoers.d" / SUDOERS_FILE
    shipped = rules_file.read_text()
    node_rules = {node: lab.host_dir(node) / "sudoers.d" / SUDOERS_FILE for node in ("node-a", "node-b")}
    try:
        rules_file.write_text(render_sudoers(load_inventory(fewer), "vr2"))
        for path in node_rules.values():
            path.rename(path.parent.with_name("sudoers-away"))  # and the nodes' clpstat rule (sudo reads the folder)
        code, checked, lines = tool(lab, "gw1", "check")
    finally:
        rules_file.write_text(shipped)
        for path in node_rules.values():
            path.parent.with_name("sudoers-away").rename(path)
    rows = [c for c in checked["fogs"][0]["checks"] if c["name"] == "privileges"]
    assert [c["host"] for c in rows] == ["vr1", "vr2", "gw1", "gw2", "node-a", "node-b"], "one item per host"
    warned = {(c["host"], c["detail"]) for c in rows if c["status"] == "warn"}
    keyfile = "/run/NetworkManager/system-connections/eth1.nmconnection"
    assert warned == {
        ("vr2", f"sudo refuses '/usr/bin/cat {keyfile}': add its rule (ospf-failover inventory sudoers vr2)"),
        (
            "node-a",
            "sudo refuses '/usr/local/sbin/clpstat --local': add its rule (ospf-failover inventory sudoers node-a)",
        ),
        (
            "node-b",
            "sudo refuses '/usr/local/sbin/clpstat --local': add its rule (ospf-failover inventory sudoers node-b)",
        ),
    }, checked
    assert all(c["status"] == "pass" for c in rows if c["host"] in ("vr1", "gw1", "gw2")), lines
    code, again, _ = tool(lab, "gw1", "check")
    assert code == 0 and all(c["status"] == "pass" for c in again["fogs"][0]["checks"]), "rules back: all pass"


def test_a_nic_rule_removed_is_named_where_the_nic_should_change(unprivileged_lab: Lab, tmp_path: Path) -> None:
    lab = unprivileged_lab
    lab.set_nic_style("link")
    lab.reset()
    fewer = tmp_path / "inventory"
    shutil.copytree(lab.inventory_dir, fewer)
    hosts = yaml.safe_load((fewer / "hosts.yaml").read_text())
    hosts["vr1"]["data"]["nic_down"] = "ip link set dev {nic} down"  # no sudo: its rule is not rendered
    (fewer / "hosts.yaml").write_text(yaml.safe_dump(hosts))
    rules_file = lab.host_dir("vr1") / "sudoers.d" / SUDOERS_FILE
    shipped = rules_file.read_text()
    try:
        rules_file.write_text(render_sudoers(load_inventory(fewer), "vr1"))
        code, released, lines = tool(lab, "node-a", "release", "customer1")
    finally:
        rules_file.write_text(shipped)
    command = f"{program('ip')} link set dev eth1 down"
    assert code == 0 and released["verdict"].startswith("not released"), lines
    assert f"vr1: sudo refuses '{command}' (sudo: a password is required)" in lines, lines
    assert lab.holds_gateway("vr1"), "nothing changed on vr1"
