"""The release's plan, pure: the router paired with the node takes its NIC for the group down."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ospf_failover.inventory import Fog

from ..shared.locate import Location


@dataclass(frozen=True)
class ReleasePlan:
    """What a release does: the router paired with ``node`` takes its NIC for the group down."""

    node: str
    router: str
    nic: str
    gateway: str

    def as_dict(self) -> dict[str, str]:
        return {"node": self.node, "router": self.router, "nic": self.nic, "vm_gateway": self.gateway}

    def change(self) -> dict[str, dict[str, Any]]:
        """set_nic_state's arguments for the router."""
        return {self.router: {"nic": self.nic, "up": False, "gateway": self.gateway}}


def plan_release(fog: Fog, location: Location) -> ReleasePlan:
    router = fog.pairing[location.node]
    return ReleasePlan(node=location.node, router=router, nic=fog.nic_for(router), gateway=str(fog.vm_gateway))
