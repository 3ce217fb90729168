"""Nornir tasks: typed functions that take a nornir Task and return a nornir Result.

Each task reads or changes one thing on one host through the host's single SSH session; the parsing is done by
the pure functions of ``ospf_failover.parsers``.
"""

from __future__ import annotations

from .clpstat import read_clpstat
from .config import fetch_config
from .connection import close_session, open_session
from .nic import set_nic_state
from .router_state import read_nic_state, read_ospf_neighbors, read_route, read_router_state

__all__ = [
    "close_session",
    "fetch_config",
    "open_session",
    "read_clpstat",
    "read_nic_state",
    "read_ospf_neighbors",
    "read_route",
    "read_router_state",
    "set_nic_state",
]
