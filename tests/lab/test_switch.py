"""switch, release and verify end to end in the lab, faults included (nftables cut-offs, changed host keys...).

The tests of the switch's main paths run once per NIC style of the routers (``styled_lab``): link-style (the link
goes down), address-style (NetworkManager's way: the address goes, the link stays up) and a mixed pair. No run of
the tool may print a traceback.
"""

from __future__ import annotations

import json
import os
import select
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import yaml

from ospf_failover.polling import wait_until
from ospf_failover_lab.lab import Lab

TOOL = str(Path(sys.executable).with_name("ospf-failover"))
IN_PROCESS = Path(__file__).resolve().with_name("switch_in_process.py")
PREFIX = "10.0.0.0/24"
VR1, VR2 = "192.168.76.251", "192.168.76.252"


def tool(lab: Lab, node: str, *args: str, timeout: float = 150) -> tuple[int, dict[str, Any], str]:
    """Run ospf-failover inside ``node`` against the lab inventory, --json: (exit, report, step lines)."""
    done = lab.run(node, [TOOL, "--inventory", str(lab.inventory_dir), *args, "--json"], timeout=timeout)
    assert "Traceback" not in done.stdout + done.stderr, f"a traceback in the output: {done.stderr}"
    try:
        report = json.loads(done.stdout)
    except json.JSONDecodeError:
        raise AssertionError(f"stdout is not one JSON document: {done.stdout!r} / {done.stderr}") from None
    return done.returncode, report, done.stderr


def carriers(lab: Lab, observer: str) -> list[str]:
    text = lab.vtysh(observer, f"show ip route {PREFIX} json")
    routes = json.loads(text).get(PREFIX, [])
    return sorted(h["ip"] for r in routes if r.get("selected") for h in r["nexthops"] if h.get("ip"))


def holds(lab: Lab, router: str) -> bool:
    """Does the router carry the gateway (link up, address on it)? Released is anything else, by either style."""
    return lab.holds_gateway(router)


def released(lab: Lab, router: str) -> str:
    """How a released NIC of ``router``'s style reads in the step lines."""
    return "down" if lab.router_style(router) == "link" else "up, no gateway address (released)"


def nmcli_calls(lab: Lab, router: str) -> list[str]:
    """Every call the router's nmcli stand-in has had since the lab started, oldest first."""
    done = lab.run(router, ["sh", "-c", "cat /run/NetworkManager/nmcli.calls 2>/dev/null; true"], check=True)
    return done.stdout.splitlines()


def not_holding(lab: Lab, router: str) -> str:
    """How a released NIC of ``router``'s style reads where it should hold the gateway."""
    return "down" if lab.router_style(router) == "link" else "up without the gateway address"


def steps(report: dict[str, Any], name: str) -> dict[str | None, dict[str, Any]]:
    return {s["host"]: s for s in report["steps"] if s["step"] == name}


def test_switch_moves_the_gateway_and_verifies(styled_lab: Lab) -> None:
    lab = styled_lab
    code, report, lines = tool(lab, "node-b", "switch", "customer1", "--node", "node-b")
    assert code == 0, lines
    assert report["verdict"] == "switched and verified"
    assert report["plan"]["active"] == "vr2" and report["plan"]["standbys"] == ["vr1"]
    assert set(report["convergence_seconds"]) == {"vr1", "gw1", "gw2"}
    assert all(v is not None for v in report["convergence_seconds"].values())
    assert f"[I] switch customer1: connect: [vr2] session open; eth1 {released(lab, 'vr2')}" in lines
    assert f"[I] switch customer1: standby-down: [vr1] eth1: up with gateway -> {released(lab, 'vr1')}" in lines
    assert f"[I] switch customer1: active-up: [vr2] eth1: {released(lab, 'vr2')} -> up with gateway" in lines
    assert f"[I] switch customer1: verify: [vr1] eth1 {released(lab, 'vr1')}; 10.0.0.0/24 via {VR2}" in lines
    assert carriers(lab, "gw1") == [VR2] and carriers(lab, "gw2") == [VR2]
    assert holds(lab, "vr2") and not holds(lab, "vr1")
    calls = {r: nmcli_calls(lab, r) for r in ("vr1", "vr2")}
    expected_last = {"vr1": "connection down eth1", "vr2": "connection up eth1"}
    for router, seen in calls.items():
        if lab.router_style(router) == "address":  # the NetworkManager router was changed through nmcli
            assert seen and seen[-1] == expected_last[router], (router, seen)

    again, report2, _ = tool(lab, "node-b", "switch", "customer1", "--node", "node-b")
    assert again == 0 and report2["verdict"] == "switched and verified"
    assert "already" in steps(report2, "active-up")["vr2"]["message"]
    # A released NIC is left alone: on NetworkManager, `nmcli connection down` of an inactive connection fails.
    again_down = steps(report2, "standby-down")["vr1"]
    assert again_down["outcome"] == "PASS" and again_down["message"].startswith("eth1 already"), again_down
    assert {r: nmcli_calls(lab, r) for r in ("vr1", "vr2")} == calls, "the second switch must run no NIC command"

    back, report3, lines3 = tool(lab, "node-a", "switch", "customer1", "--node", "node-a")
    assert back == 0 and report3["verdict"] == "switched and verified", lines3
    assert f"[I] switch customer1: standby-down: [vr2] eth1: up with gateway -> {released(lab, 'vr2')}" in lines3
    assert carriers(lab, "gw1") == [VR1] and carriers(lab, "gw2") == [VR1]
    assert holds(lab, "vr1") and not holds(lab, "vr2")


def test_dry_run_touches_nothing(styled_lab: Lab) -> None:
    code, report, _ = tool(styled_lab, "node-b", "switch", "customer1", "--node", "node-b", "--dry-run")
    assert code == 0 and report["verdict"] == "dry run, nothing changed"
    vr2 = steps(report, "dry-run")["vr2"]["message"]
    assert vr2 == f"now: eth1 is {not_holding(styled_lab, 'vr2')}: would put the gateway on eth1 (nic_up)", vr2
    vr1 = steps(report, "dry-run")["vr1"]["message"]
    assert vr1 == "now: eth1 still carries the gateway (link up, address on it): would release eth1 (nic_down)", vr1
    assert holds(styled_lab, "vr1") and not holds(styled_lab, "vr2")


def gateway_mac_seen_by_vm(lab: Lab) -> str:
    return lab.run("vm1", ["ip", "neigh", "show", "10.0.0.254"], check=True).stdout


def test_lab_failover_runs_the_ecx_scripts(styled_lab: Lab) -> None:
    lab = styled_lab
    # The VM talks through its gateway first, so its ARP cache holds vr1's MAC address; the move keeps that cache.
    assert lab.run("vm1", ["ping", "-c", "1", "-W", "2", "192.168.76.101"]).returncode == 0
    vr1_mac = lab.run("vr1", ["cat", "/sys/class/net/eth1/address"], check=True).stdout.strip()
    assert vr1_mac in gateway_mac_seen_by_vm(lab)

    result = lab.failover("customer1", "node-b")
    assert result.returncode == 0, (result.start.stdout, result.start.stderr)
    assert "switched and verified" in result.start.stdout
    assert carriers(lab, "gw1") == [VR2]
    # Without a word from the VM, the gratuitous ARP must have pointed its gateway at vr2 already.
    vr2_mac = lab.run("vr2", ["cat", "/sys/class/net/eth1/address"], check=True).stdout.strip()

    def vm_knows_vr2() -> tuple[bool, None, str]:
        cached = gateway_mac_seen_by_vm(lab)
        return vr2_mac in cached, None, f"the VM has {cached.strip()!r} for its gateway, not vr2's {vr2_mac}"

    wait_until(vm_knows_vr2, what="the VM's gateway MAC after the gratuitous ARP", timeout=2, interval=0.1)
    ping = lab.run("client-a", ["ping", "-c", "1", "-W", "2", "10.0.0.1"])
    assert ping.returncode == 0, ping.stdout
    back = lab.failover("customer1", "node-a")
    assert back.returncode == 0 and carriers(lab, "gw2") == [VR1]


def test_run_by_hand_uses_clpstat_retrying_while_busy(lab_at_start: Lab) -> None:
    lab = lab_at_start
    lab.set_fog_node("customer1", "node-b")
    lab.set_clpstat(busy=3)
    try:
        code, report, lines = tool(lab, "node-b", "switch", "customer1")
    finally:
        lab.set_clpstat()
    assert code == 0, lines
    assert report["plan"]["located_by"] == "clpstat" and report["plan"]["active"] == "vr2"


def test_clpstat_garbage_touches_nothing(lab_at_start: Lab) -> None:
    lab = lab_at_start
    lab.set_fog_node("customer1", "node-b")
    lab.set_clpstat(garbage=True)
    try:
        code, report, lines = tool(lab, "node-b", "switch", "customer1")
    finally:
        lab.set_clpstat()
    assert code == 2, lines
    assert report["verdict"] == "refused, nothing touched"
    assert holds(lab, "vr1") and not holds(lab, "vr2")


def test_under_ecx_disagreeing_clpstat_warns_and_ecx_wins(lab_at_start: Lab) -> None:
    lab = lab_at_start  # clpstat still says node-a
    done = lab.run(
        "node-b",
        [TOOL, "--inventory", str(lab.inventory_dir), "switch", "customer1", "--json"],
        env={"CLP_GROUPNAME": "customer1", "CLP_EVENT": "FAILOVER", "CLP_SERVER": "OTHER"},
        timeout=150,
    )
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    assert report["plan"]["located_by"] == "ecx" and report["plan"]["active"] == "vr2"
    assert any("clpstat says node-a" in s["message"] and s["outcome"] == "WARN" for s in report["steps"])
    assert any("clpstat says node-a" in alert for alert in report["alerts"]), report["alerts"]


def test_standby_cut_off_is_a_partition_warning(styled_lab: Lab) -> None:
    lab = styled_lab
    lab.cut_off("vr1")  # vr1 still advertises the VM network until its neighbours' dead interval ends
    try:
        start = time.monotonic()
        code, report, lines = tool(lab, "node-b", "switch", "customer1", "--node", "node-b", "--timeout", "60")
    finally:
        lab.restore("vr1")
    assert code == 0, lines
    assert time.monotonic() - start < 60
    connect = steps(report, "connect")["vr1"]
    assert connect["outcome"] == "WARN" and "no SSH answer within the connect timeout" in connect["message"], connect
    assert report["alerts"], "a partition must raise an alert"
    assert carriers(lab, "gw1") == [VR2]


def test_active_router_cut_off_changes_nothing(lab_at_start: Lab) -> None:
    lab = lab_at_start
    lab.cut_off("vr2")
    try:
        start = time.monotonic()
        code, report, lines = tool(lab, "node-b", "switch", "customer1", "--node", "node-b", "--timeout", "60")
    finally:
        lab.restore("vr2")
    assert code == 1, lines
    assert time.monotonic() - start < 60
    assert report["verdict"] == "active router unreachable, nothing changed"
    assert holds(lab, "vr1") and not holds(lab, "vr2")


def test_active_router_host_key_changed(lab_at_start: Lab) -> None:
    lab = lab_at_start
    lab.change_host_key("vr2")
    try:
        code, report, lines = tool(lab, "node-b", "switch", "customer1", "--node", "node-b")
    finally:
        lab.restore_host_key("vr2")
    assert code == 1, lines
    assert "host key" in steps(report, "connect")["vr2"]["message"]
    assert holds(lab, "vr1") and not holds(lab, "vr2")


def test_standby_host_key_changed_is_never_talked_to(lab_at_start: Lab) -> None:
    lab = lab_at_start
    lab.change_host_key("vr1")
    try:
        code, report, lines = tool(lab, "node-b", "switch", "customer1", "--node", "node-b", "--verify", "warn")
    finally:
        lab.restore_host_key("vr1")
    assert code == 0, lines
    assert "host key" in steps(report, "connect")["vr1"]["message"]
    assert steps(report, "connect")["vr1"]["outcome"] == "WARN"
    assert any("[vr1]" in alert and "host key" in alert for alert in report["alerts"]), report["alerts"]
    assert "vr1" not in steps(report, "standby-down")
    assert holds(lab, "vr1"), "a host whose key does not match is never sent a command"


def test_split_brain_before_the_switch_is_ended(lab_at_start: Lab) -> None:
    lab = lab_at_start
    lab.set_nic("vr2", up=True)
    code, _report, lines = tool(lab, "node-b", "switch", "customer1", "--node", "node-b")
    assert code == 0, lines
    assert carriers(lab, "gw1") == [VR2] and not holds(lab, "vr1")


def test_observer_without_ospfd_is_not_verified(lab_at_start: Lab) -> None:
    lab = lab_at_start
    lab.stop_daemon("gw2", "ospfd")
    try:
        code, report, lines = tool(lab, "node-b", "switch", "customer1", "--node", "node-b", "--timeout", "15")
    finally:
        lab.start_daemon("gw2", "ospfd")
    assert code == 3, lines
    gw2 = steps(report, "verify")["gw2"]
    assert gw2["outcome"] == "FAIL" and "ospfd is not running" in gw2["message"]
    assert report["convergence_seconds"]["gw1"] is not None


def test_sessions_are_closed_at_the_end_failed_hosts_included(lab_at_start: Lab) -> None:
    lab = lab_at_start
    lab.stop_daemon("gw2", "ospfd")  # gw2's reads fail: a failed host whose session is open
    try:
        argv = [sys.executable, str(IN_PROCESS), str(lab.inventory_dir), "customer1", "node-b", "8"]
        done = lab.run("node-b", argv, timeout=60)
    finally:
        lab.start_daemon("gw2", "ospfd")
    assert done.returncode == 0, done.stderr
    outcome = json.loads(done.stdout)
    assert outcome["exit_code"] == 3, outcome["steps"]
    assert "[gw2]" in outcome["steps"]
    assert outcome["open_ssh"] == [], "every SSH session must be closed when the run ends"


def test_genw_monitor_script(styled_lab: Lab) -> None:
    lab = styled_lab
    genw = str(Path(__file__).resolve().parents[2] / "ecx" / "genw.sh")
    env = {"OSPF_FAILOVER": TOOL, "OSPF_FAILOVER_INVENTORY": str(lab.inventory_dir), "FOG": "customer1"}
    healthy = lab.run("node-a", ["sh", genw], env=env, timeout=60)
    assert healthy.returncode == 0, healthy.stdout + healthy.stderr
    lab.set_nic("vr1", up=False)
    broken = lab.run("node-a", ["sh", genw], env=env, timeout=60)
    assert broken.returncode == 3, broken.stdout
    assert f"verify: [vr1] eth1 is {not_holding(lab, 'vr1')}" in broken.stdout, broken.stdout
    del env["FOG"]
    unset = lab.run("node-a", ["sh", genw], env=env, timeout=60)
    assert unset.returncode != 0 and "set FOG" in unset.stderr


def test_two_concurrent_switches_are_serialized(lab_at_start: Lab) -> None:
    lab = lab_at_start
    argv = [TOOL, "--inventory", str(lab.inventory_dir), "switch", "customer1", "--node", "node-b", "--json"]
    runs = [
        subprocess.Popen(
            lab.exec_argv("node-b", argv),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=lab.environment(),
        )
        for _ in range(2)
    ]
    results = [run.communicate(timeout=150) for run in runs]
    assert [run.returncode for run in runs] == [0, 0], results
    changed = [json.loads(out)["steps"] for out, _ in results]
    ups = [s["message"] for run_steps in changed for s in run_steps if s["step"] == "active-up"]
    assert sum("down -> up" in m for m in ups) == 1, ups  # one run changed it, the other found it done
    assert carriers(lab, "gw1") == [VR2]


def test_switch_killed_between_standby_down_and_active_up_converges_on_the_next_run(
    lab_at_start: Lab, tmp_path: Path
) -> None:
    lab = lab_at_start
    # An inventory whose NIC-up command is slow (like a CentOS ifup that hangs): the run is killed while vr2's
    # `ifup` waits, after vr1's NIC went down. Nothing advertises the VM network then.
    slow = tmp_path / "inventory"
    shutil.copytree(lab.inventory_dir, slow)
    groups = yaml.safe_load((slow / "groups.yaml").read_text())
    groups["routers"]["data"]["nic_up"] = "sleep 30; ip link set dev {nic} up"
    (slow / "groups.yaml").write_text(yaml.safe_dump(groups))
    argv = [TOOL, "--inventory", str(slow), "switch", "customer1", "--node", "node-b", "--json"]
    run = subprocess.Popen(
        lab.exec_argv("node-b", argv), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=lab.environment()
    )
    seen = ""
    try:
        deadline = time.monotonic() + 30
        assert run.stderr is not None
        stream = run.stderr.fileno()
        while "standby-down: [vr1]" not in seen and time.monotonic() < deadline:
            # A blocking read could wait for ever on a silent process: wait for output only until the deadline.
            ready, _, _ = select.select([stream], [], [], max(0.0, deadline - time.monotonic()))
            chunk = os.read(stream, 4096).decode() if ready else ""
            if not chunk:
                break
            seen += chunk
    finally:
        run.kill()
        run.communicate(timeout=30)
    assert "standby-down: [vr1] eth1: up with gateway -> down" in seen, seen
    assert not holds(lab, "vr1") and not holds(lab, "vr2"), "the kill should land between the two steps"

    code, report, lines = tool(lab, "node-b", "switch", "customer1", "--node", "node-b")
    assert code == 0, lines
    assert "down -> up with gateway" in steps(report, "active-up")["vr2"]["message"]
    assert carriers(lab, "gw1") == [VR2] and carriers(lab, "gw2") == [VR2]


def test_release_and_verify(styled_lab: Lab) -> None:
    lab = styled_lab
    code, report, lines = tool(lab, "node-a", "verify", "customer1", "--node", "node-a")
    assert code == 0 and report["verdict"] == "verified", lines
    code, report, lines = tool(lab, "node-a", "release", "customer1")
    assert code == 0 and report["verdict"] == "released", lines
    assert steps(report, "release")["vr1"]["message"] == f"eth1: up with gateway -> {released(lab, 'vr1')}"
    assert not holds(lab, "vr1")
    code, report, lines = tool(lab, "node-a", "release", "customer1")
    assert code == 0 and report["verdict"] == "released", lines
    assert steps(report, "release")["vr1"]["message"].startswith("eth1 already"), "a released NIC is left alone"
    code, report, lines = tool(lab, "node-a", "verify", "customer1", "--node", "node-a", "--timeout", "3")
    assert code == 3, lines
    # Released on both routers, on either style: verify from node-b's side agrees that vr2 must take it.
    code, report, lines = tool(lab, "node-b", "verify", "customer1", "--node", "node-b", "--timeout", "3")
    assert code == 3 and "eth1 is" in steps(report, "verify")["vr2"]["message"], lines


def test_release_of_an_unreachable_router(lab_at_start: Lab) -> None:
    lab = lab_at_start
    lab.cut_off("vr1")
    try:
        code, report, lines = tool(lab, "node-a", "release", "customer1")
        strict, _, _ = tool(lab, "node-a", "release", "customer1", "--strict")
    finally:
        lab.restore("vr1")
    assert code == 0 and report["alerts"], lines
    assert report["verdict"].startswith("not released (warned")
    assert strict == 1


def test_bad_input_is_exit_2_without_traceback(lab_at_start: Lab) -> None:
    done = lab_at_start.run("node-b", [TOOL, "--inventory", str(lab_at_start.inventory_dir), "switch", "nosuchgroup"])
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert "nosuchgroup" in done.stdout + done.stderr


def test_unreachable_observer_is_one_line_not_a_traceback(lab_at_start: Lab) -> None:
    lab = lab_at_start
    lab.cut_off("gw2")
    try:
        code, report, lines = tool(lab, "node-b", "switch", "customer1", "--node", "node-b", "--timeout", "30")
    finally:
        lab.restore("gw2")
    assert code == 3, lines
    gw2 = [line for line in lines.splitlines() if "[gw2]" in line]
    assert gw2 and all(line.startswith(("[W] ", "[E] ")) for line in gw2), gw2
    assert steps(report, "verify")["gw1"]["outcome"] == "PASS"
    assert carriers(lab, "gw1") == [VR2]
