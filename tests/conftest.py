"""Suite-wide rules.

A skipped test is a failure here: CI runs as root with the lab's packages installed, so a lab test that skips
is a test that did not run. Set OSPF_FAILOVER_ALLOW_SKIPS=1 to allow skips on a machine that cannot run the lab.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
import yaml

REPO_INVENTORY = Path(__file__).resolve().parents[1] / "inventory"
# Outputs and configurations written by other people, kept beside the repository (never copied into it).
SHARED_FIXTURES = Path(__file__).resolve().parents[2] / "shared" / "fixtures"


@pytest.fixture(scope="session")
def shared_fixtures() -> Path:
    """``../shared/fixtures``: a missing folder fails the test (it is part of the suite, not optional)."""
    assert SHARED_FIXTURES.is_dir(), f"{SHARED_FIXTURES} is missing: the suite reads other people's recordings there"
    return SHARED_FIXTURES


@pytest.fixture
def two_groups_inventory(tmp_path: Path) -> Path:
    """A copy of the example inventory with a second failover group on the same routers and nodes: customer2,
    10.0.1.0/24 on NIC ens256, observed by gw1 only."""
    inventory = tmp_path / "inventory"
    shutil.copytree(REPO_INVENTORY, inventory)
    groups = yaml.safe_load((inventory / "groups.yaml").read_text())
    hosts = yaml.safe_load((inventory / "hosts.yaml").read_text())
    groups["customer2"] = {
        "data": {
            "vm_network": "10.0.1.0/24",
            "vm_gateway": "10.0.1.254",
            "nic": "ens256",
            "pairing": {"node-a": "vr1", "node-b": "vr2"},
            "observers": ["gw1"],
        }
    }
    for host in ("vr1", "vr2", "node-a", "node-b"):
        hosts[host]["groups"].append("customer2")
    (inventory / "groups.yaml").write_text(yaml.safe_dump(groups))
    (inventory / "hosts.yaml").write_text(yaml.safe_dump(hosts))
    return inventory


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    if reporter is None or os.environ.get("OSPF_FAILOVER_ALLOW_SKIPS") == "1":
        return
    skipped = len(reporter.stats.get("skipped", []))
    if skipped and exitstatus == 0:
        reporter.write_line(
            f"{skipped} test(s) skipped: every test must run (OSPF_FAILOVER_ALLOW_SKIPS=1 allows it)", red=True
        )
        session.exitstatus = pytest.ExitCode.TESTS_FAILED
