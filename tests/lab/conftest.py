"""The rehearsal lab for the whole test session.

``lab``: one lab (2 customers, fast timers) brought up once per session in a temporary directory and taken down
at the end. Tests that change it put it back (``lab.reset()`` does all of it) so the next test finds the start
state: every FOG on node-a, odd routers carrying the VM networks. ``lab_at_start`` gives the lab reset and
converged. Without root the lab cannot exist: those tests are skipped, saying so (the suite counts skips as
failures unless OSPF_FAILOVER_ALLOW_SKIPS=1).
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections.abc import Callable, Iterator

import pytest

from ospf_failover.lab.lab import Lab

LAB_CUSTOMERS = 2
# The lab's address ranges: none of them may ever appear in the root namespace.
LAB_RANGES = re.compile(r"\b(192\.168\.7[56]\.\d+|10\.0\.([0-9]|[1-5][0-9]|6[0-3])\.\d+)")


def root_namespace_lab_traces() -> list[str]:
    """Addresses and routes of the lab's ranges in the root namespace (must always be empty)."""
    lines: list[str] = []
    for argv in (["ip", "-o", "-4", "addr", "show"], ["ip", "-4", "route", "show", "table", "all"]):
        done = subprocess.run(argv, capture_output=True, text=True, timeout=10, check=True)
        lines += [line for line in done.stdout.splitlines() if LAB_RANGES.search(line)]
    return lines


# Files of the machine that a careless lab would write to: shells' and vtysh's history in root's home (every
# lab host sees the machine's /root), FRR's crash-log directory.
MACHINE_FILES = ("/root/.bash_history", "/root/.history_frr", "/var/tmp/frr")


def machine_files_state() -> dict[str, tuple[float, int] | None]:
    """Modification time and size of each of MACHINE_FILES (None when absent)."""
    state: dict[str, tuple[float, int] | None] = {}
    for name in MACHINE_FILES:
        try:
            info = os.stat(name)
        except FileNotFoundError:
            state[name] = None
        else:
            state[name] = (info.st_mtime, info.st_size)
    return state


def _progress(line: str) -> None:
    print(line, file=sys.stderr)


@pytest.fixture(scope="session")
def root_traces() -> Callable[[], list[str]]:
    """:func:`root_namespace_lab_traces`, for tests to call when they need it."""
    return root_namespace_lab_traces


@pytest.fixture(scope="session")
def root_traces_before() -> list[str]:
    """The root namespace's lab-range addresses and routes before any lab test ran."""
    return root_namespace_lab_traces()


@pytest.fixture(scope="session")
def lab(tmp_path_factory: pytest.TempPathFactory, root_traces_before: list[str]) -> Iterator[Lab]:
    """One lab for the whole session, removed at its end."""
    if os.geteuid() != 0:
        pytest.skip("the rehearsal lab needs root (network namespaces, FRR, sshd): run the suite as root")
    assert not root_traces_before, f"the root namespace already has lab addresses/routes: {root_traces_before}"
    directory = tmp_path_factory.mktemp("lab") / "lab"
    files_before = machine_files_state()
    built = Lab.up(directory, customers=LAB_CUSTOMERS, progress=_progress)
    try:
        yield built
    finally:
        built.down()
    assert machine_files_state() == files_before, "the lab wrote to the machine's own files"


@pytest.fixture
def lab_at_start(lab: Lab) -> Lab:
    """The session's lab, back in its start state and converged."""
    lab.reset()
    return lab
