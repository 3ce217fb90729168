"""The inventory: Nornir SimpleInventory files, validated once at load, before any connection.

An inventory directory holds ``hosts.yaml``, ``groups.yaml``, ``defaults.yaml`` and ``known_hosts``. Hosts are
routers, cluster nodes and observers (membership in the role groups ``routers``, ``cluster_nodes``,
``observers``); every customer failover group (FOG) is a group whose ``data`` has a ``pairing``.

The Nornir inventory plugin :class:`OspfFailoverInventory` (entry point, so ``InitNornir`` finds it) builds the
inventory and validates what it built with the models of :mod:`.schema`, collecting every problem (file, key,
fix) into one InventoryError; :func:`load_inventory` goes through it and returns a :class:`Fleet`. Tasks read a
host's settings with :func:`host_view`: the model validated at load, carried by the host.
"""

from __future__ import annotations

from .fleet import Fleet, ValidatedHost, fogs_of, host_view, session_options
from .plugin import OspfFailoverInventory, load_inventory
from .schema import FOG_KEYS, ROLE_GROUPS, SESSION, Fog, Host, Role, RunSettings, SessionOptions, SshExtras, Timeouts

__all__ = [
    "FOG_KEYS",
    "ROLE_GROUPS",
    "SESSION",
    "Fleet",
    "Fog",
    "Host",
    "OspfFailoverInventory",
    "Role",
    "RunSettings",
    "SessionOptions",
    "SshExtras",
    "Timeouts",
    "ValidatedHost",
    "fogs_of",
    "host_view",
    "load_inventory",
    "session_options",
]
