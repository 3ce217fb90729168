"""Readers of the routes and OSPF neighbours of other vendors' site gateways (Cisco IOS, IOS-XE and NX-OS, Arista
EOS, Junos, Yamaha RTX, VyOS), by netmiko device type, into the same declared shapes as FRR's and Quagga's.

Pure, like every parser: text in, ``Route`` / ``OspfNeighbor`` out, ``ParseError`` (line and reason) on anything
not understood completely. The readers are reached through :mod:`.dispatch`, by device type.
"""
