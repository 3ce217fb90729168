"""status draws the original how-to's picture from the live lab: healthy, split brain (the rogue marked), clpstat
garbage (the nodes unknown, never standby), an observer cut off and a standby with a changed host key; at most
100 columns; exit codes as check's."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

from ospf_failover_lab.lab import Lab

TOOL = str(Path(sys.executable).with_name("ospf-failover"))


def status(lab: Lab, fog: str = "customer2", *args: str) -> subprocess.CompletedProcess[str]:
    done = lab.run("gw1", [TOOL, "--inventory", str(lab.inventory_dir), "status", fog, *args], timeout=120)
    assert "Traceback" not in done.stdout + done.stderr, done.stderr
    lines = done.stdout.splitlines()
    if "--json" not in args:
        assert all(len(line) <= 100 and line == line.rstrip() for line in lines), done.stdout
    return done


def test_a_healthy_group_is_the_how_tos_picture(lab_at_start: Lab) -> None:
    done = status(lab_at_start)
    assert done.returncode == 0, done.stdout + done.stderr
    text = done.stdout
    assert "| runs customer2: the VM is here" in text and "| standby" in text
    assert "| eth1 10.0.1.254/24 UP: holds the VM's" in text and "| eth1 10.0.1.254/24 DOWN: released" in text
    assert "  gw1 192.168.76.1: via vr3; adjacent: vr3 Full/DROther, vr4 Full/DROther" in text.splitlines()
    assert text.splitlines()[-1] == "verdict: pass (28 pass, 0 warn, 0 fail)"  # privileges: 6 items
    picture: dict[str, Any] = json.loads(status(lab_at_start, "customer2", "--json").stdout)
    assert picture["vm_side"] == "vr3" and picture["vm_node"] == "node-a" and picture["exit_code"] == 0
    assert [o["next_hops"] for o in picture["observers"]] == [["vr3"], ["vr3"]]


def test_split_brain_marks_the_rogue(lab_at_start: Lab) -> None:
    lab_at_start.set_nic("vr4", up=True)
    try:
        done = status(lab_at_start)
        picture: dict[str, Any] = json.loads(status(lab_at_start, "customer2", "--json").stdout)
    finally:
        lab_at_start.set_nic("vr4", up=False)
    assert done.returncode == 1
    assert "X ROGUE: eth1 10.0.1.254/24 UP" in done.stdout  # vr4: clpstat says node-a, so vr3's side
    assert {r["name"]: r["rogue"] for r in picture["routers"]} == {"vr3": False, "vr4": True}
    assert "  cause: split brain: vr3 and vr4 hold 10.0.1.254" in done.stdout.splitlines()


def test_clpstat_garbage_leaves_the_nodes_unknown(lab_at_start: Lab) -> None:
    lab_at_start.set_clpstat(garbage=True)
    try:
        done = status(lab_at_start)
    finally:
        lab_at_start.set_clpstat()
    assert done.returncode == 0, done.stdout  # warnings: the routers and routes are right
    assert done.stdout.count("unknown: clpstat not read") == 2 and "standby" not in done.stdout, done.stdout


def test_an_observer_cut_off_and_a_standby_not_read(lab_at_start: Lab) -> None:
    lab_at_start.cut_off("gw2")
    try:
        cut = status(lab_at_start)
    finally:
        lab_at_start.restore("gw2")
        lab_at_start.wait_converged(timeout=30)
    assert cut.returncode == 1 and "  X gw2: not read: gw2 (192.168.75.2): no SSH answer" in cut.stdout, cut.stdout
    lab_at_start.change_host_key("vr4")
    try:
        unread = status(lab_at_start)
    finally:
        lab_at_start.restore_host_key("vr4")
    assert unread.returncode == 1 and "| X not read: vr4 (192.168.75.124): host" in unread.stdout, unread.stdout
    assert "X not judged: ospf-neighbors," in unread.stdout  # one line for the checks it keeps from judging
    assert "  cause: vr4: not read: host key changed" in unread.stdout.splitlines()
    assert "  gw1 192.168.76.1: via vr3;" in unread.stdout  # still judged on what was read
