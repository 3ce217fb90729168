"""A second, small lab beside the session's one (namespaces ofl-t-*): up, down, and nothing left behind."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

from ospf_failover_lab import namespaces
from ospf_failover_lab.lab import Lab

TOOL = str(Path(sys.executable).with_name("ospf-failover"))


def test_lab_down_leaves_nothing_and_is_safe_to_repeat(
    lab: Lab, tmp_path: Path, root_traces: Callable[[], list[str]]
) -> None:
    directory = tmp_path / "second"
    second = Lab.up(directory, customers=1, prefix="ofl-t-")
    recorded = list(second.state["namespaces"])
    pids = [pid for found in namespaces.pids_in(recorded).values() for pid in found]
    assert namespaces.existing(recorded) == sorted(recorded)
    assert len(pids) >= 9 + 3 * 4, "anchors, FRR daemons and sshds"
    assert not root_traces()

    done = subprocess.run(
        [TOOL, "lab", "down", "--dir", str(directory)], capture_output=True, text=True, timeout=60, check=False
    )
    assert done.returncode == 0, done.stderr
    assert namespaces.existing(prefix="ofl-t-") == []
    assert not [pid for pid in pids if namespaces.is_alive(pid)]
    assert not directory.exists()
    assert not root_traces()
    assert namespaces.existing(lab.state["namespaces"]) == sorted(lab.state["namespaces"]), "the other lab stays"

    again = subprocess.run(
        [TOOL, "lab", "down", "--dir", str(directory)], capture_output=True, text=True, timeout=60, check=False
    )
    assert again.returncode == 0 and "no lab in" in again.stdout


def test_the_root_namespace_never_carries_lab_addresses_or_routes(
    lab: Lab, root_traces_before: list[str], root_traces: Callable[[], list[str]]
) -> None:
    assert root_traces_before == []
    assert root_traces() == []
