#!/bin/sh
# ECX exec resource, stop script: take the gateway NIC down on the router paired with this node.
#
# Whatever keeps the NIC from going down (router unreachable, lock held) is a warning and an alert, not a failure:
# ECX's default reaction to a failing stop script is to shut the OS down. The next start script, on whichever
# node, takes the NIC down anyway.
#
# ECX runs it with its own working directory and PATH, so the tool and the inventory are named by absolute paths:
# edit the two lines below if ospf-failover is installed elsewhere than /opt/ospf-failover.
OSPF_FAILOVER="${OSPF_FAILOVER:-/opt/ospf-failover/.venv/bin/ospf-failover}"
OSPF_FAILOVER_INVENTORY="${OSPF_FAILOVER_INVENTORY:-/opt/ospf-failover/inventory}"
export OSPF_FAILOVER_INVENTORY

exec "$OSPF_FAILOVER" release "$CLP_GROUPNAME" --timeout 60
