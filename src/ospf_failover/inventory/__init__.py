"""The inventory: Nornir SimpleInventory files, validated once at load, before any connection.

An inventory directory holds ``hosts.yaml``, ``groups.yaml``, ``defaults.yaml`` and ``known_hosts``. Hosts are
routers, cluster nodes and observers (membership in the role groups ``routers``, ``cluster_nodes``,
``observers``); every customer failover group (FOG) is a group whose ``data`` has a ``pairing``.

:func:`load_inventory` lets Nornir build the inventory and validates what it built with the models of
:mod:`.schema`, collecting every problem (file, key, fix) into one InventoryError; it returns a :class:`Fleet`.
Tasks read a host's settings with :func:`host_view`, the same model over the same Nornir host.
"""

from __future__ import annotations

from .fleet import Fleet, fogs_of, host_view
from .load import load_inventory
from .schema import FOG_KEYS, ROLE_GROUPS, Fog, Host, Role, SshExtras, Timeouts

__all__ = [
    "FOG_KEYS",
    "ROLE_GROUPS",
    "Fleet",
    "Fog",
    "Host",
    "Role",
    "SshExtras",
    "Timeouts",
    "fogs_of",
    "host_view",
    "load_inventory",
]
