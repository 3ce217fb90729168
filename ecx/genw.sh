#!/bin/sh
# ECX custom monitor (genw) for one failover group: exit 0 while its VM gateway is where the group runs and OSPF
# routes the VM network there; non-zero otherwise (3: not as it should be, an unreachable standby or observer
# included; 1: the active router unreachable; 2: bad input).
# Register one genw per failover group, monitoring while the group is active, and set FOG below.
# A monitor never delays a failover: verify takes no lock (it changes nothing), so a start.sh switching this group
# never waits for it; and it stops early (twice the OSPF dead interval) when what is wrong cannot converge.
# The tool and the inventory are named by absolute paths: edit the two OSPF_FAILOVER lines below if ospf-failover
# is installed elsewhere than /opt/ospf-failover.
FOG="${FOG:?set FOG to the failover group this monitor watches}"
OSPF_FAILOVER="${OSPF_FAILOVER:-/opt/ospf-failover/.venv/bin/ospf-failover}"
OSPF_FAILOVER_INVENTORY="${OSPF_FAILOVER_INVENTORY:-/opt/ospf-failover/inventory}"
export OSPF_FAILOVER_INVENTORY

exec "$OSPF_FAILOVER" verify "$FOG" --timeout 20
