"""Benchmark: the verified `switch` against the original how-to's unverified start.sh procedure, side by side.

Run as root on a machine with the lab's packages:
  .venv/bin/python bench/switch_vs_original.py [--rounds N] [--nic-style link address mixed] [--customers N
      --router-pairs M]

For each NIC style of the routers (default: link and address), it brings a one-customer lab up (or N customers
on M router pairs: customer1 is still the one switched, with its pair shared by N/M groups), in a directory of
its own, then alternates, from inside cluster node node-b's namespace and then node-a's (so every run really
moves the gateway):
  original: ssh STANDBY <down>; ssh ACTIVE <up>   (plain OpenSSH, no check; <down>/<up> are the router's own
            commands: `ip link set dev eth1 down|up`, or `nmcli connection down|up eth1` on address-style routers)
  switch: ospf-failover switch customer1 --node NODE   (parallel sessions, verified on vr1/vr2/gw1/gw2)
After each run it waits until OSPF has settled (both observers route via the new router), so that the timers do
not decide the figures. It prints both medians and their ratio, then measures, during planned switches, the
longest time gw1 has no route to the VM network (sampled inside gw1 every 5 ms).
Nothing here is a test: the figures vary with the machine's load; compare the ratio, not the seconds.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from ospf_failover.errors import ConvergenceTimeout
from ospf_failover.polling import wait_until
from ospf_failover_lab.lab import Lab, teardown
from ospf_failover_lab.nic_style import ADDRESS_STYLE_DATA, NIC_STYLES

TOOL = str(Path(sys.executable).with_name("ospf-failover"))
PREFIX = "10.0.0.0/24"
SIDE = {"node-a": ("vr1", "vr2"), "node-b": ("vr2", "vr1")}  # node -> (active, standby)


def settle(lab: Lab, active: str, timeout: float = 30.0) -> None:
    def settled() -> tuple[bool, None, str]:
        carriers = {gw: lab.route_carriers(gw).get(PREFIX) for gw in ("gw1", "gw2")}
        return all(c == [active] for c in carriers.values()), None, f"{carriers}"

    try:
        wait_until(settled, what=f"OSPF on {active}", timeout=timeout, interval=0.1)
    except ConvergenceTimeout as exc:
        raise SystemExit(str(exc)) from None
    time.sleep(1.0)  # let LSA timers and retransmissions go quiet too


def nic_command(lab: Lab, router: str, *, up: bool) -> str:
    """The router's own NIC command for customer1's NIC (eth1, or eth1.101 on a trunk), as start.sh would run it."""
    nic = lab.topology.customers[0].nic
    if lab.router_style(router) == "address":
        return ADDRESS_STYLE_DATA["nic_up" if up else "nic_down"].format(nic=nic)
    return f"ip link set dev {nic} {'up' if up else 'down'}"


def original_run(lab: Lab, node: str) -> float:
    active, standby = SIDE[node]
    script = " ; ".join(
        [
            " ".join(lab.ssh_argv(standby, nic_command(lab, standby, up=False))),
            " ".join(lab.ssh_argv(active, nic_command(lab, active, up=True))),
        ]
    )
    start = time.monotonic()
    lab.run(node, ["sh", "-c", script], timeout=60, check=True)
    return time.monotonic() - start


def switch_run(lab: Lab, node: str, *, alone: bool = False) -> float:
    """The switch as start.sh runs it; ``alone``: never meeting other switches (OSPF_FAILOVER_ALONE=1)."""
    argv = [TOOL, "--inventory", str(lab.inventory_dir), "switch", "customer1", "--node", node, "--json"]
    start = time.monotonic()
    done = lab.run(node, argv, timeout=120, env={"OSPF_FAILOVER_ALONE": "1"} if alone else None)
    elapsed = time.monotonic() - start
    if done.returncode != 0:
        raise SystemExit(f"switch failed ({done.returncode}): {done.stderr}")
    return elapsed


def no_route_gap(lab: Lab, node: str) -> float:
    """Longest stretch with no route to the VM network on gw1 while `switch` runs from ``node``."""
    sampler = subprocess.Popen(
        lab.exec_argv(
            "gw1",
            [
                "sh",
                "-c",
                "end=$(( $(date +%s) + 15 )); while [ $(date +%s) -lt $end ]; do "
                f"printf '%s ' $(date +%s.%N); ip -4 route show {PREFIX} | wc -l; sleep 0.005; done",
            ],
        ),
        stdout=subprocess.PIPE,
        text=True,
        env=lab.environment(),
    )
    time.sleep(1.0)
    switch_run(lab, node)
    out, _ = sampler.communicate(timeout=30)
    longest, gap_start = 0.0, None
    for line in out.splitlines():
        stamp, count = line.split()
        now = float(stamp)
        if count == "0":
            gap_start = now if gap_start is None else gap_start
        elif gap_start is not None:
            longest = max(longest, now - gap_start)
            gap_start = None
    return longest


def measure(rounds: int, nic_style: str, customers: int = 1, router_pairs: int | None = None) -> dict[str, object]:
    directory = Path(tempfile.mkdtemp(prefix="ospf-failover-bench-"))
    lab = Lab.up(directory, customers=customers, router_pairs=router_pairs, nic_style=nic_style)
    try:
        original: list[float] = []
        switch: list[float] = []
        alone: list[float] = []
        node = "node-b"

        def switch_alone(lab: Lab, node: str) -> float:
            return switch_run(lab, node, alone=True)

        for _ in range(rounds):
            for procedure, sink in ((original_run, original), (switch_run, switch), (switch_alone, alone)):
                sink.append(procedure(lab, node))
                settle(lab, SIDE[node][0])
                node = "node-a" if node == "node-b" else "node-b"
        gaps = []
        for _ in range(3):
            gaps.append(no_route_gap(lab, node))
            settle(lab, SIDE[node][0])
            node = "node-a" if node == "node-b" else "node-b"
    finally:
        teardown(directory)
    original_median, switch_median = statistics.median(original), statistics.median(switch)
    return {
        "nic_style": nic_style,
        "customers": customers,
        "router_pairs": router_pairs or customers,
        "rounds": rounds,
        "original_unverified_median_s": round(original_median, 3),
        "switch_verified_median_s": round(switch_median, 3),
        "ratio_switch_to_original": round(switch_median / original_median, 2),
        # the same switch with the meeting point off (OSPF_FAILOVER_ALONE=1): what looking for others costs alone
        "switch_alone_median_s": round(statistics.median(alone), 3),
        "ratio_switch_to_alone": round(switch_median / statistics.median(alone), 2),
        "observer_no_route_max_s": round(max(gaps), 3),
        "observer_no_route_each_s": [round(g, 3) for g in gaps],
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=6, help="runs of each procedure (default 6)")
    parser.add_argument(
        "--nic-style",
        nargs="+",
        choices=NIC_STYLES,
        default=["link", "address"],
        help="NIC styles of the routers to measure, one lab each (default: link address)",
    )
    parser.add_argument("--customers", type=int, default=1, help="customers in the lab (default 1)")
    parser.add_argument("--router-pairs", type=int, help="router pairs sharing them (default: one pair each)")
    args = parser.parse_args()
    figures = [measure(args.rounds, style, args.customers, args.router_pairs) for style in args.nic_style]
    print(json.dumps(figures, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
