"""The rehearsal lab for the whole test session.

``lab``: one lab (2 customers, fast timers) brought up once per session in a temporary directory and taken down
at the end. Tests that change it put it back (``lab.reset()`` does all of it) so the next test finds the start
state: every FOG on node-a, odd routers carrying the VM networks. ``lab_at_start`` gives the lab reset and
converged; ``styled_lab`` does the same once per NIC style of the routers (link, address, mixed). Without root
the lab cannot exist: those tests are skipped, saying so (the suite counts skips as failures unless
OSPF_FAILOVER_ALLOW_SKIPS=1).

Every test that uses a lab fixture (directly or through another fixture) is marked ``lab`` at collection, so
``pytest -m "not lab"`` runs the tests that need neither root nor a lab, and only those.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections.abc import Callable, Iterator

import pytest

from ospf_failover_lab.lab import Lab
from ospf_failover_lab.nic_style import NIC_STYLES

LAB_CUSTOMERS = 2
# The lab's address ranges: none of them may ever appear in the root namespace.
LAB_RANGES = re.compile(r"\b(192\.168\.7[56]\.\d+|10\.0\.([0-9]|[1-5][0-9]|6[0-3])\.\d+)")


def builds_a_lab(fixture: str) -> bool:
    """The fixtures that build a lab are named for it: ``lab``, or ``<kind>_lab`` (shared_lab, played_lab,
    unprivileged_lab, salt_lab...). Whoever uses one of them, or a fixture that does, needs root and the lab."""
    return fixture == "lab" or fixture.endswith("_lab")


@pytest.hookimpl(tryfirst=True)  # before `-m` deselects by marker
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if any(builds_a_lab(name) for name in getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.lab)


Runner = Callable[[list[str]], str]  # runs a command somewhere, returns its stdout


def lab_traces(run: Runner) -> list[str]:
    """Addresses and routes of the lab's ranges that ``ip`` shows where ``run`` runs it."""
    lines: list[str] = []
    for argv in (["ip", "-o", "-4", "addr", "show"], ["ip", "-4", "route", "show", "table", "all"]):
        lines += [line for line in run(argv).splitlines() if LAB_RANGES.search(line)]
    return lines


def root_namespace_lab_traces() -> list[str]:
    """Addresses and routes of the lab's ranges in the root namespace (must always be empty)."""
    return lab_traces(lambda argv: subprocess.run(argv, capture_output=True, text=True, timeout=10, check=True).stdout)


def _progress(line: str) -> None:
    print(line, file=sys.stderr)


@pytest.fixture(scope="session")
def root_traces() -> Callable[[], list[str]]:
    """:func:`root_namespace_lab_traces`, for tests to call when they need it."""
    return root_namespace_lab_traces


@pytest.fixture(scope="session")
def traces_where() -> Callable[[Runner], list[str]]:
    """:func:`lab_traces`: the same search as in the root namespace, wherever a test runs it."""
    return lab_traces


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
    # A prefix of the session's own: a lab someone runs on this machine (`make demo`, `lab up`) is left alone.
    prefix = f"ofl-s{os.getpid() % 100000}-"
    built = Lab.up(directory, customers=LAB_CUSTOMERS, prefix=prefix, progress=_progress)
    try:
        yield built
    finally:
        built.down()


@pytest.fixture
def lab_at_start(lab: Lab) -> Lab:
    """The session's lab, back in its start state and converged, its routers link-style (the default)."""
    lab.set_nic_style("link")
    lab.reset()
    return lab


@pytest.fixture(params=NIC_STYLES)
def styled_lab(request: pytest.FixtureRequest, lab: Lab) -> Lab:
    """The session's lab in its start state with routers of each NIC style in turn: ``link`` (ip link set down),
    ``address`` (NetworkManager's way: the address goes, the link stays up) and ``mixed`` (vr1 link, vr2 address)."""
    lab.set_nic_style(request.param)
    lab.reset()
    return lab
