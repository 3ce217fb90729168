"""Readers of the routes and OSPF neighbours of other vendors' site gateways (Cisco IOS, IOS-XE and NX-OS, Arista
EOS, Junos, Yamaha RTX, VyOS), by netmiko device type, into the same declared shapes as FRR's and Quagga's.

Pure, like every parser: text in, ``Route`` / ``OspfNeighbor`` out, ``ParseError`` (line and reason) on anything
not understood completely.
"""

from __future__ import annotations

from ospf_failover.parsers.vendors.dispatch import (
    VENDOR_PLATFORMS,
    VendorPlatform,
    parse_vendor_ospf_neighbors,
    parse_vendor_route_tables,
    parse_vendor_routes,
)

__all__ = [
    "VENDOR_PLATFORMS",
    "VendorPlatform",
    "parse_vendor_ospf_neighbors",
    "parse_vendor_route_tables",
    "parse_vendor_routes",
]
