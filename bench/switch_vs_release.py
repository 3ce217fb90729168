"""Benchmark: this checkout's `switch` against an earlier release's, side by side in one script.

Run as root on a machine with the lab's packages, with a checkout of the earlier release that has its own venv:
  git worktree add /tmp/previous RELEASE && make -C /tmp/previous venv
  .venv/bin/python bench/switch_vs_release.py /tmp/previous [--rounds N]

Each release brings up its own one-customer lab (link-style routers; the earlier one with the default namespace
prefix, so no other lab may use it meanwhile, this one with its own) and uses its own generated inventory. Then
the two switches alternate, the order swapped every round, each moving customer1 to the other node from inside
that node's namespace; after each switch both observers must route the VM network via the new router before the
next run starts. It prints both medians and their ratio (this release over the earlier one). Nothing here is a
test: compare the ratio, not the seconds.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

THIS_TOOL = str(Path(sys.executable).with_name("ospf-failover"))
VIA = {"node-a": "192.168.76.251", "node-b": "192.168.76.252"}  # each node's router, as the observers see it
ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}  # as an installed package runs


def inside(lab: Path, host: str, argv: list[str], timeout: float = 60.0) -> subprocess.CompletedProcess[str]:
    anchor = json.loads((lab / "state.json").read_text())["hosts"][host]["anchor"]
    enter = ["nsenter", f"--target={anchor}", "--net", "--mount", "--uts", "--"]
    return subprocess.run([*enter, *argv], capture_output=True, text=True, timeout=timeout, env=ENV, check=False)


def routes_via(lab: Path, observer: str) -> list[str]:
    output = inside(lab, observer, ["vtysh", "-c", "show ip route 10.0.0.0/24 json"]).stdout
    try:
        routes: dict[str, list[dict[str, Any]]] = json.loads(output)
    except ValueError:
        return []
    return [hop.get("ip", "") for r in routes.get("10.0.0.0/24", []) if r.get("selected") for hop in r["nexthops"]]


def settle(lab: Path, node: str, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if all(routes_via(lab, observer) == [VIA[node]] for observer in ("gw1", "gw2")):
            time.sleep(0.5)  # let OSPF's flooding finish everywhere before the next run
            return
        time.sleep(0.1)
    raise SystemExit(f"{lab}: the observers did not route via {node}'s router within {timeout:.0f} s")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("baseline", type=Path, help="a checkout of the earlier release, with its .venv")
    parser.add_argument("--rounds", type=int, default=8, help="rounds; each runs both switches twice (default 8)")
    args = parser.parse_args()
    tools = {"baseline": str(args.baseline.resolve() / ".venv" / "bin" / "ospf-failover"), "this": THIS_TOOL}
    with tempfile.TemporaryDirectory(prefix="ofl-bench-") as scratch:
        labs = {"baseline": Path(scratch) / "baseline", "this": Path(scratch) / "this"}
        up = {
            "baseline": [tools["baseline"], "lab", "up", "--dir", str(labs["baseline"])],
            "this": [THIS_TOOL, "lab", "up", "--dir", str(labs["this"]), "--prefix", "ofl-r-"],
        }
        try:
            for argv in up.values():
                subprocess.run(argv, check=True, timeout=300, capture_output=True)
            times: dict[str, list[float]] = {"baseline": [], "this": []}
            node = {"baseline": "node-a", "this": "node-a"}
            for number in range(args.rounds):
                order = ("baseline", "this") if number % 2 == 0 else ("this", "baseline")
                for which in (*order, *order):
                    node[which] = "node-b" if node[which] == "node-a" else "node-a"
                    lab, inventory = labs[which], str(labs[which] / "inventory")
                    argv = [tools[which], "--inventory", inventory, "switch", "customer1", "--node", node[which]]
                    started = time.monotonic()
                    done = inside(lab, node[which], argv)
                    times[which].append(time.monotonic() - started)
                    if done.returncode != 0:
                        raise SystemExit(f"{which}'s switch exited {done.returncode}: {done.stdout[-400:]}")
                    settle(lab, node[which])
        finally:
            for which, lab in labs.items():
                down = [tools[which], "lab", "down", "--dir", str(lab)]
                subprocess.run(down, timeout=120, capture_output=True, check=False)
    baseline, this = statistics.median(times["baseline"]), statistics.median(times["this"])
    figures = {
        "runs_each": len(times["this"]),
        "baseline_median_s": round(baseline, 3),
        "this_median_s": round(this, 3),
        "ratio_this_to_baseline": round(this / baseline, 3),
    }
    print(json.dumps(figures, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
