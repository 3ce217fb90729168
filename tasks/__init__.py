"""Nornir tasks: typed functions that take a nornir Task and return a nornir Result.

Each task reads or changes one thing on one host through the host's single SSH session; the parsing is done by
the pure functions of ``ospf_failover.parsers``.
"""

from __future__ import annotations

from ospf_failover.tasks.clpstat import read_clpstat
from ospf_failover.tasks.config import fetch_config
from ospf_failover.tasks.connection import open_session
from ospf_failover.tasks.nic import set_nic_state
from ospf_failover.tasks.router_state import read_nic_state, read_ospf_neighbors, read_route, read_router_state

__all__ = [
    "fetch_config",
    "open_session",
    "read_clpstat",
    "read_nic_state",
    "read_ospf_neighbors",
    "read_route",
    "read_router_state",
    "set_nic_state",
]
