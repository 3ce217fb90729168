"""A real Salt master and two minions inside a lab of their own (4 customers on 2 router pairs).

The lab has its own namespace prefix and directory, so it runs beside the session's lab. The master runs in gw1
(listening on gw1's mgmt address), minion-a in gw1 and minion-b in gw2: every Salt packet stays on the lab's mgmt
network. The master's whole inventory is the lab's with a ``minion`` on each failover group (customer1 and
customer2 through a site group); the slices are written with ``salt-slices`` into the master's file server and
fetched by the minions with ``ospf_failover.fetch_slice``. Every daemon is stopped by PID at the end, and the lab
is taken down whatever happens.
"""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest

from ospf_failover_lab.lab import Lab
from ospf_failover_lab.salt_site import SaltSite, inventory_with_minions


@pytest.hookimpl(tryfirst=True)  # before `-m` deselects by marker
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Every test that uses the Salt lab (directly or through ``salt_site``) needs root and a lab: marked ``lab``."""
    for item in items:
        if "salt_lab" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.lab)


MINIONS = {"minion-a": "gw1", "minion-b": "gw2"}
SERVED_BY = {"customer1": "minion-a", "customer2": "minion-a", "customer3": "minion-b", "customer4": "minion-b"}
SITE_GROUPS = {"customer1": "site-a", "customer2": "site-a"}  # these two inherit their minion


@pytest.fixture(scope="module")
def salt_lab(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Lab]:
    if os.geteuid() != 0:
        pytest.skip("the rehearsal lab needs root (network namespaces, FRR, sshd): run the suite as root")
    directory = tmp_path_factory.mktemp("salt-lab") / "lab"
    built = Lab.up(directory, customers=4, router_pairs=2, prefix=f"ofl-m{os.getpid() % 100000}-", progress=print)
    try:
        yield built
    finally:
        built.down()


@pytest.fixture(scope="module")
def salt_site(salt_lab: Lab, tmp_path_factory: pytest.TempPathFactory) -> Iterator[SaltSite]:
    """The master and both minions running, each minion with its slice fetched from the master's file server."""
    base = tmp_path_factory.mktemp("salt")
    whole = inventory_with_minions(salt_lab, base / "whole", SERVED_BY, site_groups=SITE_GROUPS)
    site = SaltSite(salt_lab, base, "gw1", MINIONS, settings={"inventory": str(whole), "timeout": 60})
    site.configure()
    try:
        site.start(timeout=90)
        site.hand_out_slices(whole)
        yield site
    finally:
        site.stop()
