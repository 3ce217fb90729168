#!/usr/bin/env bash
# The rehearsal lab in one go: build it, show that OSPF carries customer1's VM network through vr1 and that
# client-a and the VM reach each other, fail customer1 over to node-b as ECX would (ecx/stop.sh on node-a,
# the VM moves, ecx/start.sh on node-b, which runs `ospf-failover switch`), check the result independently of
# the switch's own report (start.sh's --verify warn alone proves nothing), fail back and check again, back the
# routers' configurations up (twice: the second run commits nothing), then remove the lab: also when a step
# fails or the demo is interrupted.
#
#   [NIC_STYLE=link|address|mixed] bash lab/demo.sh [DIR]   (make demo [NIC_STYLE=...]: the venv on PATH; root)
#
# Exit status: 0 when every step passed, 1 otherwise.
set -uo pipefail

DIR="${1:-.lab}"
NIC_STYLE="${NIC_STYLE:-link}"  # link, address (NetworkManager's way) or mixed: see docs/lab.md
failed=0

cleanup() {
  echo "== lab down"
  ospf-failover lab down --dir "$DIR" || failed=1
  if [ "$failed" -ne 0 ]; then
    echo "demo: FAILED (see above)" >&2
    exit 1
  fi
  echo "demo: every step passed"
  exit 0
}
trap cleanup EXIT
trap 'echo "demo: interrupted" >&2; failed=1; exit 1' INT TERM

# step TITLE CMD...: run CMD, show its output, remember a failure and go on.
step() {
  local title="$1"
  shift
  echo "== $title"
  if ! "$@"; then
    echo "demo: step failed: $title" >&2
    failed=1
  fi
}

in_lab() {
  timeout 60 ospf-failover lab exec --dir "$DIR" "$@"
}

# expect_route OBSERVER ADDRESS: OBSERVER routes 10.0.0.0/24 via ADDRESS only.
expect_route() {
  local output
  output="$(in_lab "$1" -- vtysh -c 'show ip route 10.0.0.0/24')" || return 1
  echo "$output"
  echo "$output" | grep -q "^  \* $2, via eth0" || { echo "$1 does not route 10.0.0.0/24 via $2" >&2; return 1; }
  [ "$(echo "$output" | grep -c ', via ')" -eq 1 ] || { echo "$1 has more than one next hop" >&2; return 1; }
}

if [ -e "$DIR/state.json" ]; then
  echo "== a lab from an earlier run is still in $DIR: taking it down first"
  ospf-failover lab down --dir "$DIR" || { failed=1; exit 1; }
fi
echo "== lab up (dir $DIR, NIC style $NIC_STYLE)"
if ! ospf-failover lab up --dir "$DIR" --nic-style "$NIC_STYLE"; then
  failed=1
  exit 1
fi
INVENTORY="$(cd "$DIR" && pwd)/inventory"  # the lab's generated inventory, by absolute path inside the hosts

step "OSPF neighbours of vr1" in_lab vr1 -- vtysh -c 'show ip ospf neighbor'
step "gw1: route to customer1's VM network (expected via vr1, 192.168.76.251)" expect_route gw1 192.168.76.251
step "gw2: route to customer1's VM network (expected via vr1, 192.168.76.251)" expect_route gw2 192.168.76.251
step "client-a pings the VM (10.0.0.1)" in_lab client-a -- ping -c 3 -W 2 10.0.0.1
step "the VM pings client-a (192.168.76.101)" in_lab vm1 -- ping -c 3 -W 2 192.168.76.101

step "ECX fails customer1 over to node-b (stop.sh on node-a, start.sh on node-b)" \
  ospf-failover lab failover --dir "$DIR" customer1 --to node-b
step "check, run on node-b: every check of customer1 passes" \
  in_lab node-b -- ospf-failover --inventory "$INVENTORY" check
step "status of customer1: the how-to's picture, the VM on node-b and vr2 holding its gateway" \
  in_lab node-b -- ospf-failover --inventory "$INVENTORY" status customer1
step "gw1: route after the failover (expected via vr2, 192.168.76.252)" expect_route gw1 192.168.76.252
step "gw2: route after the failover (expected via vr2, 192.168.76.252)" expect_route gw2 192.168.76.252
step "client-a pings the VM at node-b's site" in_lab client-a -- ping -c 3 -W 2 10.0.0.1
step "the VM, at node-b's site, pings client-a" in_lab vm1 -- ping -c 3 -W 2 192.168.76.101
step "ECX fails customer1 back to node-a" ospf-failover lab failover --dir "$DIR" customer1 --to node-a
step "gw1: route after failing back (expected via vr1, 192.168.76.251)" expect_route gw1 192.168.76.251
step "gw2: route after failing back (expected via vr1, 192.168.76.251)" expect_route gw2 192.168.76.251
step "client-a pings the VM back at node-a's site" in_lab client-a -- ping -c 3 -W 2 10.0.0.1
BACKUPS="$(cd "$DIR" && pwd)/backups"
step "backup: every router's configuration, secrets removed, committed in $BACKUPS" \
  in_lab gw1 -- ospf-failover --inventory "$INVENTORY" backup --all --dir "$BACKUPS"
step "backup again: nothing changed, so no new commit" \
  in_lab gw1 -- ospf-failover --inventory "$INVENTORY" backup --all --dir "$BACKUPS"
step "vr1's backed up versions" ospf-failover backup --dir "$BACKUPS" --history vr1
step "lab status" ospf-failover lab status --dir "$DIR"
