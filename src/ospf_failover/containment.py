"""Keeping the rehearsal lab's traffic inside the lab: a lab's inventory connects only from inside that lab.

``ospf-failover lab up`` writes an ordinary inventory whose hosts exist only inside the lab's network namespaces
(``ofl-*``), and marks it (defaults.yaml ``data.lab``, :class:`~ospf_failover.inventory.schema.LabMarker`).
From any other namespace, the machine's own above all, a session to one of those addresses would go out over the
machine's real network to whatever answers there. So before anything connects, :func:`refuse_outside_lab` checks
that this process runs in one of the lab's own network namespaces: ``/proc/self/ns/net`` is the same namespace
(device and inode) as one of the lab's named ones in ``/run/netns`` (a lab host sees its own name there: its
start script binds it into the host's private ``/run``). A real inventory has no marker, and nothing is checked.

It reads nothing but those few files, so a connection plugin may call it on every connect.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

from ospf_failover.errors import InputError

if TYPE_CHECKING:
    from ospf_failover.inventory.schema import LabMarker

NETNS_DIR = Path("/run/netns")  # where `ip netns` names network namespaces
OWN_NETNS = Path("/proc/self/ns/net")


def _identity(path: Path) -> tuple[int, int] | None:
    """(device, inode) of the namespace a /proc or /run/netns file stands for; None when it cannot be read."""
    try:
        found = os.stat(path)
    except OSError:
        return None
    return found.st_dev, found.st_ino


def runs_inside(lab: LabMarker) -> bool:
    """Does this process run in one of the network namespaces of the lab that ``lab`` marks?"""
    own = _identity(OWN_NETNS)
    return own is not None and any(_identity(NETNS_DIR / name) == own for name in lab.namespaces)


def refusal(lab: LabMarker) -> str:
    """The one line that refuses a lab inventory outside its lab: whose it is, that nothing was sent, the way in."""
    return (
        f"this inventory belongs to the rehearsal lab in {lab.directory} and this process runs outside that lab's "
        f"network namespaces ({lab.prefix}*): nothing was sent; run the command inside a lab host: "
        f"ospf-failover lab exec --dir {lab.directory} HOST -- ospf-failover ..."
    )


def refuse_outside_lab(lab: LabMarker | None) -> None:
    """InputError (exit 2) when ``lab`` marks the inventory as a rehearsal lab's and this process runs outside that
    lab's network namespaces; nothing for a real inventory (``lab`` None)."""
    if lab is not None and not runs_inside(lab):
        raise InputError(refusal(lab))
