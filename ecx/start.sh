#!/bin/sh
# ECX exec resource, start script: hand the VM gateway of this failover group to the router on this node's side.
#
# ECX runs it with its own working directory and PATH, so the tool and the inventory are named by absolute paths:
# edit the two lines below if ospf-failover is installed elsewhere than /opt/ospf-failover.
OSPF_FAILOVER="${OSPF_FAILOVER:-/opt/ospf-failover/.venv/bin/ospf-failover}"
OSPF_FAILOVER_INVENTORY="${OSPF_FAILOVER_INVENTORY:-/opt/ospf-failover/inventory}"
export OSPF_FAILOVER_INVENTORY

# --verify warn: a start script that fails makes ECX fail the group over again. When only the verification is
# unhappy (an observer slow to learn the route, or flapping) the VM must not bounce between sites because of it;
# the problem is still logged as [W] lines here and raised in ECX's alert log. A state that cannot converge (a
# router the tool may not touch still holding the gateway) ends the wait after twice the OSPF dead interval,
# not after 300 s; while it waits, a line at least every 5 s says for what.
# A router that cannot take the gateway over does fail the script (exit 1): then the other site should try.
# When a node dies ECX starts all its groups at once: their switches meet, the first running every group in its
# process, each script still printing its own group's lines and exit code (docs/failover.md; to turn it off,
# export OSPF_FAILOVER_ALONE=1 above the last line).
exec "$OSPF_FAILOVER" switch "$CLP_GROUPNAME" --verify warn --timeout 300
