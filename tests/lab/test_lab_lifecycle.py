"""A second, small lab beside the session's one (namespaces ofl-t<pid>-*): up, down, and nothing left behind; and
what `lab down` says when there is no lab to remove."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

from ospf_failover_lab import namespaces
from ospf_failover_lab.directory import orphaned_namespaces, orphans_hint
from ospf_failover_lab.lab import Lab

TOOL = str(Path(sys.executable).with_name("ospf-failover"))
SECOND = f"ofl-t{os.getpid() % 100000}-"  # this session's own: another session's second lab may run meanwhile


def test_lab_down_leaves_nothing_and_is_safe_to_repeat(
    lab: Lab, tmp_path: Path, root_traces: Callable[[], list[str]]
) -> None:
    directory = tmp_path / "second"
    second = Lab.up(directory, customers=1, prefix=SECOND)
    recorded = list(second.state["namespaces"])
    pids = [pid for found in namespaces.pids_in(recorded).values() for pid in found]
    assert namespaces.existing(recorded) == sorted(recorded)
    assert len(pids) >= 9 + 3 * 4, "anchors, FRR daemons and sshds"
    assert not root_traces()

    done = subprocess.run(
        [TOOL, "lab", "down", "--dir", str(directory)], capture_output=True, text=True, timeout=60, check=False
    )
    assert done.returncode == 0, done.stderr
    assert namespaces.existing(prefix=SECOND) == []
    assert not [pid for pid in pids if namespaces.is_alive(pid)]
    assert not directory.exists()
    assert not root_traces()
    assert namespaces.existing(lab.state["namespaces"]) == sorted(lab.state["namespaces"]), "the other lab stays"

    again = subprocess.run(
        [TOOL, "lab", "down", "--dir", str(directory)], capture_output=True, text=True, timeout=60, check=False
    )
    assert again.returncode == 0 and "no lab in" in again.stdout


def test_the_root_namespace_never_carries_lab_addresses_or_routes(
    lab: Lab, root_traces: Callable[[], list[str]], traces_where: Callable[[Callable[[list[str]], str]], list[str]]
) -> None:
    # The search finds lab addresses and routes where they are, inside a lab host, and none in the root namespace.
    inside = traces_where(lambda argv: lab.run("gw1", argv, check=True).stdout)
    assert any("192.168.76.1/24" in line for line in inside) and any("10.0.0.0/24" in line for line in inside), inside
    assert root_traces() == []


def lab_down(directory: Path) -> str:
    done = subprocess.run(
        [TOOL, "lab", "down", "--dir", str(directory)], capture_output=True, text=True, timeout=60, check=False
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_down_without_a_lab_suggests_orphans_only_for_namespaces_no_running_lab_owns(lab: Lab, tmp_path: Path) -> None:
    prefix = lab.state["prefix"]
    assert orphaned_namespaces(prefix=prefix) == [], "a running lab's namespaces (its switch's too) are no orphans"
    nothing = tmp_path / "nothing"
    nothing.mkdir()
    before = orphaned_namespaces()
    said = lab_down(nothing)
    after = orphaned_namespaces()  # other labs on the machine may come and go meanwhile
    assert said in {f"no lab in {nothing}; nothing to do{orphans_hint(found)}\n" for found in (before, after)}, said
    assert not [name for name in lab.state["namespaces"] if name in said], said

    orphan = f"{prefix}orphan"  # a namespace of the prefix that no lab records, as a lost lab leaves them
    subprocess.run(["ip", "netns", "add", orphan], check=True, timeout=10)
    try:
        assert orphaned_namespaces(prefix=prefix) == [orphan]
        said = lab_down(nothing)
    finally:
        subprocess.run(["ip", "netns", "del", orphan], check=False, timeout=10)
    assert said.startswith(f"no lab in {nothing}; nothing to do (") and "belong to no running lab: " in said, said
    assert said.rstrip().endswith("`lab down --orphans` removes them)") and orphan in said, said
    assert not [name for name in lab.state["namespaces"] if name in said], said
