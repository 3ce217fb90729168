"""Lab hosts behave like real machines: reachability, SSH with the lab's key, hostnames, clpstat, cut-offs."""

from __future__ import annotations

import secrets
from pathlib import Path

from ospf_failover.polling import wait_until
from ospf_failover_lab.lab import Lab


def test_client_a_pings_the_vm(lab_at_start: Lab) -> None:
    done = lab_at_start.run("client-a", ["ping", "-c", "2", "-W", "2", "10.0.0.1"], timeout=15)
    assert done.returncode == 0, done.stdout + done.stderr
    done = lab_at_start.run("client-b", ["ping", "-c", "1", "-W", "2", "10.0.1.1"], timeout=15)
    assert done.returncode == 0, done.stdout + done.stderr


def test_a_router_answers_over_ssh_from_node_b_with_its_own_daemons(lab_at_start: Lab) -> None:
    lab = lab_at_start
    argv = lab.ssh_argv("vr1", "hostname; vtysh -c 'show ip ospf neighbor' -c 'show running-config'")
    done = lab.run("node-b", argv, timeout=20)
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0] == "vr1"
    assert "hostname vr1" in lines
    assert " ospf router-id 192.168.76.251" in lines
    assert any("Full/DR" in line and "192.168.76.1 " in line for line in lines)


def test_ssh_from_a_node_with_the_lab_key_and_known_hosts(lab_at_start: Lab) -> None:
    lab = lab_at_start
    argv = [
        "ssh", "-i", str(lab.key_file),
        "-o", f"UserKnownHostsFile={lab.known_hosts}", "-o", "StrictHostKeyChecking=yes",
        "root@192.168.75.252", "vtysh", "-c", "'show ip ospf neighbor'",
    ]  # fmt: skip
    done = lab.run("node-b", argv, timeout=20)
    assert done.returncode == 0, done.stderr
    assert "192.168.76.1 " in done.stdout and "Full/DR" in done.stdout


def test_every_host_has_its_own_hostname(lab: Lab) -> None:
    for name in ("gw1", "vr2", "node-a", "client-b", "vm1"):
        assert lab.run(name, ["hostname"], check=True).stdout.strip() == name


def test_known_hosts_has_one_line_per_inventory_host(lab: Lab) -> None:
    lines = lab.known_hosts.read_text().splitlines()
    keyed = {line.split()[0]: line.split()[1] for line in lines}
    assert len(lines) == len(keyed) == 2 + 2 + 2 * len(lab.topology.customers)
    assert set(keyed) >= {"192.168.75.1", "192.168.75.251", "192.168.75.31"}
    assert set(keyed.values()) == {"ssh-ed25519"}


def test_clpstat_over_ssh_and_lab_exec_marks_the_local_node(lab_at_start: Lab) -> None:
    lab = lab_at_start
    over_ssh = lab.run("node-a", lab.ssh_argv("node-b", "clpstat --local"), timeout=20)
    assert over_ssh.returncode == 0, over_ssh.stderr
    assert "   *node-b ..........: Online" in over_ssh.stdout
    direct = lab.run("node-b", ["clpstat", "--local"])
    assert direct.returncode == 0 and direct.stdout == over_ssh.stdout
    on_a = lab.run("node-a", ["clpstat"]).stdout
    assert "   *node-a ..........: Online" in on_a and "    node-b ..........: Online" in on_a
    assert lab.run("vr1", ["sh", "-c", "command -v clpstat"]).returncode != 0, "only nodes have clpstat"


def test_clpstat_busy_n_times_then_normal(lab_at_start: Lab) -> None:
    lab = lab_at_start
    lab.set_clpstat(busy=3)
    try:
        codes = [lab.run("node-b", ["clpstat", "--local"]).returncode for _ in range(4)]
    finally:
        lab.set_clpstat()
    assert codes == [9, 9, 9, 0]


def test_failover_group_state_shows_in_clpstat(lab_at_start: Lab) -> None:
    lab = lab_at_start
    lab.set_fog_node("customer2", "node-b")
    out = lab.run("node-a", ["clpstat"]).stdout.splitlines()
    position = out.index("    customer2 .......: Online           ")
    assert out[position + 1] == "      current        : node-b"
    assert lab.vm_site("customer2") == "node-a", "set_fog_node changes the cluster state only"


def test_a_cut_off_host_is_unreachable_until_restored(lab_at_start: Lab) -> None:
    lab = lab_at_start
    lab.cut_off("vr2")
    try:
        argv = lab.ssh_argv("vr2", "true")
        argv[argv.index("ConnectTimeout=5")] = "ConnectTimeout=2"
        assert lab.run("node-a", argv, timeout=15).returncode == 255
    finally:
        lab.restore("vr2")
    assert lab.run("node-a", lab.ssh_argv("vr2", "true"), timeout=15).returncode == 0


def test_a_changed_host_key_is_refused_until_restored(lab_at_start: Lab) -> None:
    lab = lab_at_start
    lab.change_host_key("vr1")
    try:
        done = lab.run("node-a", lab.ssh_argv("vr1", "true"), timeout=15)
        assert done.returncode == 255
        assert "HOST IDENTIFICATION HAS CHANGED" in done.stderr
    finally:
        lab.restore_host_key("vr1")
    assert lab.run("node-a", lab.ssh_argv("vr1", "true"), timeout=15).returncode == 0


def test_arping_announces_the_gateway_from_a_router(lab_at_start: Lab) -> None:
    done = lab_at_start.run("vr1", ["arping", "-q", "-U", "-c", "1", "-I", "eth1", "10.0.0.254"], timeout=10)
    assert done.returncode == 0, done.stderr


def mac_of(lab: Lab, host: str, ifname: str) -> str:
    return lab.run(host, ["cat", f"/sys/class/net/{ifname}/address"], check=True).stdout.strip()


def gateway_mac_cached_by_vm1(lab: Lab) -> str:
    return lab.run("vm1", ["ip", "neigh", "show", "10.0.0.254"], check=True).stdout


def test_a_moved_vm_keeps_its_arp_cache_until_the_new_router_announces_the_gateway(lab_at_start: Lab) -> None:
    lab = lab_at_start
    assert lab.run("vm1", ["ping", "-c", "1", "-W", "2", "192.168.76.101"], timeout=10).returncode == 0
    vr1_mac, vr2_mac = mac_of(lab, "vr1", "eth1"), mac_of(lab, "vr2", "eth1")
    assert vr1_mac in gateway_mac_cached_by_vm1(lab)

    lab.move_vm("customer1", "node-b")
    lab.set_nic("vr1", up=False)
    lab.set_nic("vr2", up=True)
    assert lab.vm_site("customer1") == "node-b"
    assert vr1_mac in gateway_mac_cached_by_vm1(lab), "a live-migrated VM keeps its ARP cache"

    lab.run("vr2", ["arping", "-q", "-U", "-c", "1", "-I", "eth1", "10.0.0.254"], check=True, timeout=10)

    def vm1_knows_vr2() -> tuple[bool, None, str]:
        cached = gateway_mac_cached_by_vm1(lab)
        return vr2_mac in cached, None, f"vm1 caches {cached.strip()!r} for its gateway, not vr2's {vr2_mac}"

    def gw2_routes_via_vr2() -> tuple[bool, None, str]:
        carriers = lab.route_carriers("gw2")["10.0.0.0/24"]
        return carriers == ["vr2"], None, f"gw2 routes 10.0.0.0/24 via {carriers}"

    wait_until(vm1_knows_vr2, what="the gratuitous ARP updating vm1's cached gateway", timeout=3, interval=0.1)
    wait_until(gw2_routes_via_vr2, what="gw2's route to vm1 moving to vr2", timeout=5, interval=0.1)
    done = lab.run("client-b", ["ping", "-c", "1", "-W", "2", "10.0.0.1"], timeout=15)
    assert done.returncode == 0, done.stdout


def machine_file_text(path: str) -> str:
    try:
        return Path(path).read_text(errors="replace")
    except FileNotFoundError:
        return ""


def test_lab_shells_keep_no_history_in_the_machines_home(lab_at_start: Lab, tmp_path: Path) -> None:
    """Every lab host sees the machine's /root: what the lab's shells and vtysh run must never land there."""
    lab = lab_at_start
    token = f"ofl-history-probe-{secrets.token_hex(4)}"
    # The probe is seen when history goes to a file: an interactive shell in a lab host writes it on exit.
    control = tmp_path / "history"
    lab.run("vr1", ["bash", "-i"], input=f"echo {token}-control\nexit\n", env={"HISTFILE": str(control)}, timeout=20)
    assert f"{token}-control" in control.read_text(), "the probe must write history when history goes to a file"

    # The lab's own ways in: an interactive SSH session (a terminal, as the tool's sessions are) with vtysh in
    # it, and `lab exec`.
    session = lab.ssh_argv("vr1")
    session.insert(1, "-tt")
    vtysh_control = tmp_path / "vtysh-history"
    lines = (
        f"VTYSH_HISTFILE={vtysh_control} vtysh\nshow {token}-vtysh-control\nexit\n"  # the control: a file
        f"echo {token}-ssh\nvtysh\nshow {token}-vtysh\nexit\nexit\n"
    )
    done = lab.run("node-b", session, input=lines, timeout=30)
    assert f"{token}-ssh" in done.stdout and "Unknown command" in done.stdout, done.stdout + done.stderr
    assert f"{token}-vtysh-control" in vtysh_control.read_text(), "vtysh in that session must write history"
    done = lab.run("vr1", ["bash", "-i"], input=f"echo {token}-exec\nexit\n", timeout=20)
    assert f"{token}-exec" in done.stdout, done.stdout + done.stderr
    for path in ("/root/.bash_history", "/root/.history_frr"):
        assert token not in machine_file_text(path), f"a lab shell wrote its history into the machine's {path}"


def test_lab_hosts_have_their_own_var_tmp(lab_at_start: Lab) -> None:
    """FRR keeps crash logs under /var/tmp/frr: a router's must stay inside the router."""
    name = f"ofl-probe-{secrets.token_hex(4)}"
    lab_at_start.run("vr1", ["touch", f"/var/tmp/{name}"], check=True)
    seen = lab_at_start.run("vr1", ["ls", "/var/tmp"], check=True).stdout.split()
    assert name in seen
    assert not Path("/var/tmp", name).exists(), "the router's /var/tmp is the machine's"
