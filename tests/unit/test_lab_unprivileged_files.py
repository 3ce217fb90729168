"""What `lab up --unprivileged` writes, checked without root: an inventory that logs in as the lab's user and runs
what needs root through sudo -n by absolute path, sshd letting that user in and root no longer, the sudo rules
rendered from that inventory, and start lines that mount the lab's accounts over the machine's in the host only."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml

from ospf_failover.inventory import load_inventory
from ospf_failover.privileges import host_privileges, render_sudoers
from ospf_failover_lab import inventory_writer, sshd, unprivileged
from ospf_failover_lab.nic_style import router_styles
from ospf_failover_lab.topology import plan


@pytest.fixture
def inventory(tmp_path: Path) -> Path:
    if shutil.which("vtysh", path=unprivileged.SEARCH_PATH) is None:
        pytest.fail("the lab's packages are missing (make setup)")
    topology = plan(1)
    directory = tmp_path / "inventory"
    inventory_writer.write(
        topology=topology,
        directory=directory,
        key_file=tmp_path / "ssh" / "id_ed25519",
        known_hosts=[],
        styles=router_styles(topology, "mixed"),
        user=unprivileged.LOGIN_USER,
        login=unprivileged.inventory_data(),
    )
    return directory


def test_the_inventory_logs_in_as_the_lab_user_and_runs_root_commands_through_sudo(inventory: Path) -> None:
    fleet = load_inventory(inventory)
    assert fleet.username == unprivileged.LOGIN_USER
    for name in ("vr1", "vr2", "gw1", "node-a"):
        commands = [p.command for p in host_privileges(fleet, name)]
        assert commands and all(command.startswith("/") for command in commands), (name, commands)
    vr1, vr2 = (host_privileges(fleet, name) for name in ("vr1", "vr2"))  # mixed: vr1 by link, vr2 by address
    assert {p.command for p in vr1 if p.key.startswith("nic_")} == {
        f"{unprivileged.program('ip')} link set dev eth1 down",
        f"{unprivileged.program('ip')} link set dev eth1 up",
    }
    assert {p.command for p in vr2 if p.key.startswith("nic_")} == {
        "/usr/local/sbin/nmcli connection down eth1",
        "/usr/local/sbin/nmcli connection up eth1",
    }
    cat = unprivileged.program("cat")
    assert f"{cat} /run/NetworkManager/system-connections/eth1.nmconnection" in {p.command for p in vr2}
    assert [p.command for p in host_privileges(fleet, "node-a")] == ["/usr/local/sbin/clpstat --local"]
    assert "OSPF_FAILOVER_CLPSTAT" in render_sudoers(fleet, "node-b")


def test_sshd_lets_the_login_user_in_and_root_no_longer(tmp_path: Path) -> None:
    host = plan(1).hosts["vr1"]
    user = unprivileged.LOGIN_USER
    lines = sshd.sshd_config(host=host, host_dir=tmp_path, authorized_keys=tmp_path / "ak", user=user).splitlines()
    assert {"PermitRootLogin no", f"AllowUsers {user}", "AuthorizedKeysFile %h/.ssh/authorized_keys"} <= set(lines)
    root = sshd.sshd_config(host=host, host_dir=tmp_path, authorized_keys=tmp_path / "ak").splitlines()
    assert "PermitRootLogin prohibit-password" in root and not any(line.startswith("AllowUsers") for line in root)


def test_accounts_and_rules_are_mounted_in_the_host_only(tmp_path: Path) -> None:
    lines = unprivileged.start_lines(host_dir=tmp_path / "hosts" / "vr1", directory=tmp_path, uid=4321)
    mounts = [line.split() for line in lines if line.startswith("mount --bind")]
    assert {(m[2], m[3]) for m in mounts} == {
        (f"{tmp_path}/accounts/passwd", "/etc/passwd"),
        (f"{tmp_path}/accounts/group", "/etc/group"),
        (f"{tmp_path}/accounts/shadow", "/etc/shadow"),
        (f"{tmp_path}/accounts/sudoers", "/etc/sudoers"),
        (f"{tmp_path}/hosts/vr1/sudoers.d", "/etc/sudoers.d"),
    }, "mounted over the machine's files inside the host's own mount namespace, never written"
    assert all("/run/home/" in line for line in lines if not line.startswith("mount")), "the home is in the host's /run"
    assert "Defaults !fqdn" in unprivileged.BASE_SUDOERS.splitlines(), "no 'unable to resolve host' in outputs"
    assert unprivileged.BASE_SUDOERS.rstrip().endswith("@includedir /etc/sudoers.d")


def test_the_address_style_data_stays_the_one_the_root_lab_uses_beside_sudo(inventory: Path) -> None:
    hosts = yaml.safe_load((inventory / "hosts.yaml").read_text())
    assert hosts["vr2"]["data"]["nic_config_file"] == "/run/NetworkManager/system-connections/{nic}.nmconnection"
    assert hosts["vr2"]["data"]["nic_down"] == "sudo -n /usr/local/sbin/nmcli connection down {nic}"
    assert "nic_down" not in hosts["vr1"]["data"], "link-style routers use the routers group's commands"
