#!/bin/sh
# ECX exec resource, stop script: take the gateway NIC down on the router paired with this node.
#
# An unreachable router is a warning and an alert, not a failure: ECX's default reaction to a failing stop script
# is to shut the OS down. The next start script, on whichever node, takes the NIC down there anyway.
OSPF_FAILOVER="${OSPF_FAILOVER:-/opt/ospf-failover/.venv/bin/ospf-failover}"
OSPF_FAILOVER_INVENTORY="${OSPF_FAILOVER_INVENTORY:-/opt/ospf-failover/inventory}"
export OSPF_FAILOVER_INVENTORY

exec "$OSPF_FAILOVER" release "$CLP_GROUPNAME" --timeout 60
