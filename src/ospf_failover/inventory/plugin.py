"""The Nornir inventory plugin ``OspfFailoverInventory``: the inventory directory, validated, for any Nornir.

Registered by entry point (group ``nornir.plugins.inventory``), so a script of one's own gets what the tool gets::

    nr = InitNornir(inventory={"plugin": "OspfFailoverInventory", "options": {"inventory": "/path/to/inventory"}})

With the option ``fog`` (a failover group's name), only what that group uses is read and validated (its group
and parents, its routers, nodes and observers, the groups they get settings from, the defaults): what the
failover commands load, so that a problem in another group never stops this group's failover. With the option
``broken_groups: true``, a failover group whose own definition has a problem is left out of the inventory and
listed with its problems in the fleet's ``broken`` (what check and backup load); other problems still raise.

Its hosts carry their validated views (``host_view(host)``, or ``host.view``); a broken inventory raises one
InventoryError listing every problem, the very ones ``ospf-failover inventory validate`` prints, because the
command line loads through this plugin too (:func:`load_inventory`).
"""

from __future__ import annotations

from pathlib import Path

from nornir.core.inventory import Inventory

from .fleet import Fleet
from .load import validate_directory


class OspfFailoverInventory:
    """Read ``inventory`` (a directory with hosts.yaml, groups.yaml, defaults.yaml) and validate it; with
    ``fog``, only that failover group's part."""

    def __init__(
        self, inventory: str | Path = "inventory", fog: str | None = None, broken_groups: bool = False
    ) -> None:
        self.directory = Path(inventory)
        self.fog = fog
        self.broken_groups = broken_groups

    def load(self) -> Inventory:
        """Nornir's inventory (hosts of :class:`~.fleet.ValidatedHost`); InventoryError when it is not valid."""
        return self.load_fleet().inventory

    def load_fleet(self) -> Fleet:
        """The validated inventory with its typed hosts and failover groups."""
        return validate_directory(self.directory, fog=self.fog, broken_groups=self.broken_groups)


def load_inventory(directory: str | Path, *, fog: str | None = None, broken_groups: bool = False) -> Fleet:
    """Read and validate an inventory directory (through the inventory plugin), or with ``fog`` the part of it
    that failover group uses; raise InventoryError listing every problem found. With ``broken_groups``, failover
    groups with problems of their own are set aside (``Fleet.broken``) instead (check, backup)."""
    return OspfFailoverInventory(inventory=directory, fog=fog, broken_groups=broken_groups).load_fleet()
