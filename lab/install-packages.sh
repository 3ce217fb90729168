#!/usr/bin/env bash
# Installs the Debian packages the rehearsal lab and the test suite need, without starting any service.
#
# apt-get would start FRR and an OpenSSH server on the host on a machine with systemd; a temporary
# /usr/sbin/policy-rc.d that answers 101 ("action forbidden") stops that. An existing policy-rc.d is left as it is.
# Safe to repeat: when every package is already installed it does nothing.
set -euo pipefail

PACKAGES=(
  frr               # zebra, ospfd and vtysh for the lab's routers
  openssh-server    # one sshd per lab host
  openssh-client    # ssh-keygen for the lab's keys, ssh for the bench's baseline
  iproute2          # ip netns, veth, bridges
  nftables          # cutting a lab host off in the fault tests
  iputils-ping      # reachability checks inside the lab
  iputils-arping    # gratuitous ARP from a router that takes the gateway over
  util-linux        # unshare, nsenter
  sudo              # the unprivileged lab (lab up --unprivileged): the login user's sudo rules
  procps            # ps, used by the lab's status and clean-up
  python3-venv      # the project's .venv
  git
  make
)

missing=()
for pkg in "${PACKAGES[@]%% *}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' || missing+=("$pkg")
done
if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
  echo "install-packages: missing ${missing[*]}; run as root (apt-get)" >&2
  exit 1
fi

policy=/usr/sbin/policy-rc.d
created_policy=0
cleanup() { if [ "$created_policy" = 1 ]; then rm -f "$policy"; fi; }
trap cleanup EXIT
trap 'exit 130' INT TERM
if [ ! -e "$policy" ]; then
  created_policy=1
  printf '#!/bin/sh\n# temporary: ospf-failover set-up installs packages without starting services\nexit 101\n' > "$policy"
  chmod 755 "$policy"
fi

echo "install-packages: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null

# The packages also enable their services for the next boot: the lab runs its own daemons, so FRR and an OpenSSH
# server this script installed must not start on the host after a reboot either. Services of packages that were
# already installed (the administrator's own sshd) are left as they are.
for pkg in "${missing[@]}"; do
  case "$pkg" in
    frr) units="frr.service" ;;
    openssh-server) units="ssh.service ssh.socket" ;;
    *) units="" ;;
  esac
  for unit in $units; do
    if command -v deb-systemd-helper >/dev/null; then deb-systemd-helper disable "$unit" >/dev/null 2>&1 || true; fi
  done
  if command -v update-rc.d >/dev/null && [ -e "/etc/init.d/${units%%.*}" ]; then
    update-rc.d "${units%%.*}" disable >/dev/null 2>&1 || true
  fi
done
