#!/bin/sh
# ECX custom monitor (genw) for one failover group: exit 0 while its VM gateway is where the group runs and OSPF
# routes the VM network there; non-zero otherwise (3: not converged, 1: a router unreachable, 2: bad input).
# Register one genw per failover group, monitoring while the group is active, and set FOG below.
FOG="${FOG:?set FOG to the failover group this monitor watches}"
OSPF_FAILOVER="${OSPF_FAILOVER:-/opt/ospf-failover/.venv/bin/ospf-failover}"
OSPF_FAILOVER_INVENTORY="${OSPF_FAILOVER_INVENTORY:-/opt/ospf-failover/inventory}"
export OSPF_FAILOVER_INVENTORY

exec "$OSPF_FAILOVER" verify "$FOG" --timeout 20
