"""The `ospf-failover lab` command line against the session's lab: exec, status, clpstat, up twice, failover, and
the fault commands (cut, restore, host-key, daemon)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from ospf_failover.errors import LabError
from ospf_failover_lab.lab import Lab

TOOL = str(Path(sys.executable).with_name("ospf-failover"))


def cli(lab: Lab, *args: str, timeout: float = 60) -> subprocess.CompletedProcess[str]:
    command, rest = args[0], args[1:]
    argv = [TOOL, "lab", command, "--dir", str(lab.directory), *rest]
    return subprocess.run(argv, capture_output=True, text=True, timeout=timeout, check=False)


def test_exec_passes_arguments_exactly(lab: Lab) -> None:
    tricky = ["a b", "", "$HOME", "'quoted'", '"double"', "*", "semi;colon", "new\nline", "--", "-c"]
    done = cli(lab, "exec", "vm1", "--", "printf", "[%s]\\n", *tricky)
    assert done.returncode == 0, done.stderr
    assert done.stdout == "".join(f"[{arg}]\n" for arg in tricky)
    assert done.stderr == ""


def test_exec_passes_exit_codes_and_streams_through(lab: Lab) -> None:
    done = cli(lab, "exec", "vr1", "--", "sh", "-c", "echo out; echo err >&2; exit 7")
    assert (done.returncode, done.stdout, done.stderr) == (7, "out\n", "err\n")
    fed = subprocess.run(
        [TOOL, "lab", "exec", "--dir", str(lab.directory), "node-a", "--", "tr", "a-z", "A-Z"],
        input="hello\n", capture_output=True, text=True, timeout=30, check=False,
    )  # fmt: skip
    assert fed.stdout == "HELLO\n"
    assert cli(lab, "exec", "gw1", "--", "false").returncode == 1


def test_exec_runs_in_the_host_with_the_venv_on_path(lab: Lab) -> None:
    done = cli(lab, "exec", "node-b", "--", "sh", "-c", "hostname; command -v ospf-failover; command -v clpstat")
    assert done.stdout.splitlines() == ["node-b", TOOL, "/usr/local/sbin/clpstat"]
    version = cli(lab, "exec", "node-b", "--", "ospf-failover", "--version")
    assert version.returncode == 0 and version.stdout.startswith("ospf-failover ")


def test_exec_unknown_host_is_an_input_error(lab: Lab) -> None:
    done = cli(lab, "exec", "vr99", "--", "true")
    assert done.returncode == 2 and "no lab host 'vr99'" in done.stderr and done.stdout == ""


def test_status_json_shows_daemons_and_carriers(lab_at_start: Lab) -> None:
    done = cli(lab_at_start, "status", "--json")
    assert done.returncode == 0, done.stderr
    status = json.loads(done.stdout)
    assert status["customers"] == len(lab_at_start.topology.customers)
    assert all(status["hosts"]["vr1"]["daemons"].values())
    assert set(status["hosts"]["vr1"]["daemons"]) == {"zebra", "ospfd", "sshd"}
    assert status["fogs"]["customer1"]["route_via"] == {"gw1": ["vr1"], "gw2": ["vr1"]}
    assert status["fogs"]["customer1"]["cluster_node"] == "node-a" == status["fogs"]["customer1"]["vm_site"]
    text = cli(lab_at_start, "status")
    assert "customer1    10.0.0.0/24    node-a   node-a   vr1 / vr1" in text.stdout


def test_clpstat_command_switches_the_stand_in(lab_at_start: Lab) -> None:
    assert cli(lab_at_start, "clpstat", "--busy", "2").returncode == 0
    assert [lab_at_start.run("node-a", ["clpstat"]).returncode for _ in range(3)] == [9, 9, 0]
    assert cli(lab_at_start, "clpstat", "--garbage").returncode == 0
    assert "<group>" not in lab_at_start.run("node-a", ["clpstat"]).stdout
    assert cli(lab_at_start, "clpstat", "--normal").returncode == 0
    assert "<group>" in lab_at_start.run("node-a", ["clpstat"]).stdout


def test_up_over_a_running_lab_is_refused(lab: Lab) -> None:
    done = cli(lab, "up")
    assert done.returncode == 1
    assert f"lab already up in {lab.directory}; run lab down first" in done.stderr
    with pytest.raises(LabError, match="lab already up"):
        Lab.up(lab.directory)


def test_up_refuses_more_than_64_customers(lab: Lab, tmp_path: Path) -> None:
    done = subprocess.run(
        [TOOL, "lab", "up", "--customers", "65", "--dir", str(tmp_path / "x")],
        capture_output=True, text=True, timeout=30, check=False,
    )  # fmt: skip
    assert done.returncode == 2 and "between 1 and 64" in done.stderr
    assert not (tmp_path / "x").exists()


def fake_scripts(directory: Path, start_exit: int) -> Path:
    directory.mkdir()
    report = 'echo "$0 $(hostname) $CLP_EVENT $CLP_SERVER $CLP_GROUPNAME $CLP_RESOURCENAME"'
    (directory / "stop.sh").write_text(f"#!/bin/sh\n{report}\nenv > {directory}/stop.env\n")
    (directory / "start.sh").write_text(
        f"#!/bin/sh\n{report}\nenv > {directory}/start.env\nclpstat --local | grep current\nexit {start_exit}\n"
    )
    return directory


def test_failover_plays_ecx_with_the_scripts(lab_at_start: Lab, tmp_path: Path) -> None:
    lab = lab_at_start
    scripts = fake_scripts(tmp_path / "ecx", start_exit=3)
    result = lab.failover("customer1", scripts_dir=scripts)
    assert result.source == "node-a" and result.target == "node-b"
    assert result.stop is not None and result.stop.returncode == 0
    assert result.stop.stdout.startswith(f"{scripts}/stop.sh node-a FAILOVER HOME customer1 exec-gateway")
    assert result.returncode == 3
    assert result.start.stdout.splitlines() == [
        f"{scripts}/start.sh node-b FAILOVER OTHER customer1 exec-gateway",
        "      current        : node-b",  # customer1, moved before start.sh ran
        "      current        : node-a",  # customer2
    ]
    env = dict(line.split("=", 1) for line in (scripts / "start.env").read_text().splitlines() if "=" in line)
    assert env["OSPF_FAILOVER"] == TOOL and os.access(env["OSPF_FAILOVER"], os.X_OK)
    assert env["OSPF_FAILOVER_INVENTORY"] == str(lab.inventory_dir)
    assert lab.vm_site("customer1") == "node-b"
    assert lab.cluster.read()["groups"]["customer1"] == "node-b"

    back = lab.failover("customer1", "node-a", scripts_dir=scripts)
    assert back.source == "node-b" and back.target == "node-a"
    assert back.start.stdout.startswith(f"{scripts}/start.sh node-a FAILOVER HOME")
    assert lab.vm_site("customer1") == "node-a"


def test_failover_skips_stop_on_an_unreachable_node(lab_at_start: Lab, tmp_path: Path) -> None:
    lab = lab_at_start
    scripts = fake_scripts(tmp_path / "ecx", start_exit=0)
    lab.cut_off("node-a")
    try:
        result = lab.failover("customer2", "node-b", scripts_dir=scripts)
    finally:
        lab.restore("node-a")
    assert result.stop is None and result.returncode == 0


def test_failover_without_scripts_is_a_clear_error(lab: Lab, tmp_path: Path) -> None:
    before = (lab.cluster.read()["groups"], lab.vm_site("customer1"))
    with pytest.raises(LabError, match=r"ECX scripts not found: .*start\.sh"):
        lab.failover("customer1", scripts_dir=tmp_path)
    assert (lab.cluster.read()["groups"], lab.vm_site("customer1")) == before, "nothing moved"


def reaches(lab: Lab, host: str) -> subprocess.CompletedProcess[str]:
    """An SSH login from node-a into ``host`` (2 s to connect), as the tool's sessions would make it."""
    argv = lab.ssh_argv(host, "true")
    argv[argv.index("ConnectTimeout=5")] = "ConnectTimeout=2"
    return lab.run("node-a", argv, timeout=15)


def test_cut_and_restore_from_the_command_line(lab_at_start: Lab) -> None:
    lab = lab_at_start
    try:
        cut = cli(lab, "cut", "vr2")
        assert (cut.returncode, cut.stdout) == (0, "vr2: cut off: every packet in or out dropped but loopback\n")
        assert lab.is_cut_off("vr2") and reaches(lab, "vr2").returncode == 255
        assert cli(lab, "cut", "vr2").stdout == "vr2: cut off already: every packet in or out dropped but loopback\n"
        restored = cli(lab, "restore", "vr2")
        assert (restored.returncode, restored.stdout) == (0, "vr2: restored: its networks reach it again\n")
        assert not lab.is_cut_off("vr2")
    finally:
        lab.restore("vr2")
    assert reaches(lab, "vr2").returncode == 0
    assert cli(lab, "restore", "vr2").stdout == "vr2: was not cut off\n"


def test_host_key_change_and_restore_from_the_command_line(lab_at_start: Lab) -> None:
    lab = lab_at_start
    try:
        changed = cli(lab, "host-key", "vr1", "--change")
        assert (changed.returncode, changed.stdout) == (
            0,
            f"vr1: sshd serves a new host key, not the one in {lab.known_hosts}\n",
        )
        refused = reaches(lab, "vr1")
        assert refused.returncode == 255 and "HOST IDENTIFICATION HAS CHANGED" in refused.stderr, refused.stderr
        restored = cli(lab, "host-key", "vr1", "--restore")
        assert (restored.returncode, restored.stdout) == (
            0,
            f"vr1: sshd serves its own host key, the one in {lab.known_hosts}\n",
        )
        assert reaches(lab, "vr1").returncode == 0
    finally:
        lab.restore_host_key("vr1")


def test_daemon_stop_and_start_from_the_command_line(lab_at_start: Lab) -> None:
    lab = lab_at_start
    before = lab.daemon_pid("gw2", "ospfd")
    try:
        stopped = cli(lab, "daemon", "gw2", "ospfd", "--stop")
        assert (stopped.returncode, stopped.stdout) == (0, f"gw2: ospfd stopped (was PID {before})\n"), stopped.stderr
        assert lab.daemon_pid("gw2", "ospfd") is None
        assert "ospfd is not running" in lab.run("gw2", ["vtysh", "-c", "show ip ospf neighbor"]).stderr
        assert cli(lab, "daemon", "gw2", "ospfd", "--stop").stdout == "gw2: ospfd was not running\n"
        started = cli(lab, "daemon", "gw2", "ospfd", "--start")
        now = lab.daemon_pid("gw2", "ospfd")
        assert now is not None and now != before
        assert (started.returncode, started.stdout) == (0, f"gw2: ospfd started, PID {now}\n"), started.stderr
        assert cli(lab, "daemon", "gw2", "ospfd", "--start").stdout == f"gw2: ospfd running already, PID {now}\n"
    finally:
        lab.start_daemon("gw2", "ospfd")
    lab.wait_converged(timeout=30)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("cut", "vr99"), "no lab host 'vr99'"),
        (("cut", "sw"), "no lab host 'sw'"),  # the switch's namespace holds the bridges: not a host
        (("restore", "vr99"), "no lab host 'vr99'"),
        (("host-key", "vr99", "--change"), "no lab host 'vr99'"),
        (("host-key", "vm1", "--change"), "vm1 runs no sshd"),
        (("daemon", "vr99", "ospfd", "--stop"), "no lab host 'vr99'"),
        (("daemon", "node-a", "zebra", "--start"), "node-a runs no zebra"),
        (("daemon", "vr1", "bgpd", "--stop"), "invalid choice: 'bgpd'"),
    ],
)
def test_fault_commands_refuse_what_is_not_in_the_lab_in_one_line(
    lab: Lab, args: tuple[str, ...], message: str
) -> None:
    done = cli(lab, *args)
    assert (done.returncode, done.stdout) == (2, ""), (args, done.stdout, done.stderr)
    assert len(done.stderr.splitlines()) == 1 and message in done.stderr, done.stderr
