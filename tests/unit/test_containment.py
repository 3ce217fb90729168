"""The decision behind "a lab's inventory connects only from inside its lab", without root: the namespace files
are stood in for by plain files (a namespace is known by its device and inode, as a file is), and the refusal's
one line. The same decision against real network namespaces is tested in tests/lab/test_lab_containment.py."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from ospf_failover import containment
from ospf_failover.errors import EXIT_BAD_INPUT, InputError, InventoryError
from ospf_failover.inventory import load_inventory
from ospf_failover.inventory.schema import LabMarker
from ospf_failover_lab import inventory_writer
from ospf_failover_lab.topology import plan

REPO_INVENTORY = Path(__file__).resolve().parents[2] / "inventory"
LAB = LabMarker(prefix="ofl-t-", directory="/srv/lab", namespaces=("ofl-t-gw1", "ofl-t-node-a"))


@pytest.fixture
def namespaces(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A /run/netns of plain files, and this process's own namespace file pointing at none of them yet."""
    netns = tmp_path / "netns"
    netns.mkdir()
    for name in ("ofl-t-gw1", "ofl-t-node-a", "ofl-t-outside"):
        (netns / name).write_text(name)
    own = tmp_path / "own"
    own.write_text("the process's own namespace")
    monkeypatch.setattr(containment, "NETNS_DIR", netns)
    monkeypatch.setattr(containment, "OWN_NETNS", own)
    return netns


def be_in(namespaces: Path, name: str) -> None:
    """Make this process's namespace file the same one as ``name``'s (one inode: one namespace)."""
    os.replace(namespaces / name, containment.OWN_NETNS)
    os.link(containment.OWN_NETNS, namespaces / name)


def test_inside_one_of_the_labs_namespaces_is_allowed(namespaces: Path) -> None:
    be_in(namespaces, "ofl-t-node-a")
    assert containment.runs_inside(LAB)
    containment.refuse_outside_lab(LAB)


def test_a_namespace_of_the_prefix_that_is_not_a_lab_host_is_outside(namespaces: Path) -> None:
    be_in(namespaces, "ofl-t-outside")
    assert not containment.runs_inside(LAB), "the lab's hosts are listed: a name with its prefix is not enough"
    assert containment.runs_inside(LabMarker(prefix="ofl-t-", directory="/srv/lab", namespaces=("ofl-t-outside",)))


def test_outside_every_namespace_is_refused_in_one_line(namespaces: Path) -> None:
    with pytest.raises(InputError) as refused:
        containment.refuse_outside_lab(LAB)
    message = str(refused.value)
    assert refused.value.exit_code == EXIT_BAD_INPUT
    assert "\n" not in message
    assert message == (
        "this inventory belongs to the rehearsal lab in /srv/lab and this process runs outside that lab's network "
        "namespaces (ofl-t-*): nothing was sent; run the command inside a lab host: "
        "ospf-failover lab exec --dir /srv/lab HOST -- ospf-failover ..."
    )


def test_a_lab_whose_namespaces_are_gone_or_unreadable_is_outside(namespaces: Path) -> None:
    be_in(namespaces, "ofl-t-gw1")
    (namespaces / "ofl-t-gw1").unlink()
    assert not containment.runs_inside(LAB)
    containment.OWN_NETNS.unlink()
    assert not containment.runs_inside(LAB), "this process's own namespace unreadable: not known to be inside"


def test_a_real_inventory_is_never_refused(namespaces: Path) -> None:
    containment.OWN_NETNS.unlink()  # whatever the namespaces look like
    containment.refuse_outside_lab(None)


def test_every_connecting_runbook_is_refused_before_the_connect_files_are_looked_at(tmp_path: Path) -> None:
    """The runbooks that connect (switch, release, verify, check, status, backup) call check_connect_files first:
    for a lab's inventory out of its lab it refuses, whatever else is wrong (here: no key, no known_hosts)."""
    inventory = tmp_path / "lab" / "inventory"
    inventory_writer.write(
        topology=plan(1, prefix="ofl-nosuchlab-"), directory=inventory, key_file=tmp_path / "k", known_hosts=[]
    )
    fleet = load_inventory(inventory)
    with pytest.raises(InputError, match=r"^this inventory belongs to the rehearsal lab in ") as refused:
        fleet.check_connect_files()
    assert not isinstance(refused.value, InventoryError)
    real = load_inventory(REPO_INVENTORY)  # no marker: only the files are checked
    with pytest.raises(InventoryError):
        real.check_connect_files()
