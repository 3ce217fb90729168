"""ospf-failover: move a VM's gateway between OSPF virtual routers on an EXPRESSCLUSTER X failover."""

from __future__ import annotations

__version__ = "0.1.0"
