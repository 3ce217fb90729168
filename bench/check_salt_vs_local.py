"""Benchmark: `ospf-failover check` on one management host against the same check through Salt (N minions).

Run as root on a machine with the lab's packages and the extra ospf-failover[salt]:
  .venv/bin/python bench/check_salt_vs_local.py [--rounds R] [--customers N] [--router-pairs M] [--minions K]

It brings up a lab of its own (temporary directory, namespaces ``ofl-c<pid>-``), a salt-master in gw1 and K
minions (2 by default, at most 4: minion-a in gw1, minion-b in gw2, minion-c in node-a, minion-d in node-b), each
serving one consecutive K-th of the failover groups, its slice written by `salt-slices` and fetched from the
master's file server, then alternates R times:
  local: ospf-failover --inventory WHOLE check --json          (in gw1, one process over every group)
  salt:  salt-run ospf_failover.check                          (in gw1; the minions run check over their slices)
Both must pass (exit 0) with every group, each group exactly once, in order. The timed runs sample nothing
(reading the memory of Salt's many processes costs CPU on the cores the runs share); then one more run of each
samples, every 50 ms, the PSS of what runs on the management host: the check process (local), or salt-master's
processes plus salt-run's (salt), and keeps the peak (and the peak RSS: PSS shares the pages of the Python both
sides use, so the local process's PSS is low while Salt's daemons run beside it). It prints progress on stderr
and one JSON document on stdout: median wall times, peak PSS and RSS per side, the master's PSS at rest, and the
ratios salt / local.
Nothing here is a test: compare the ratios, not seconds.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ospf_failover_lab.lab import Lab
from ospf_failover_lab.salt_site import SaltSite, descendants, inventory_with_minions, pss_kib

TOOL = str(Path(sys.executable).with_name("ospf-failover"))
RUN_TIMEOUT = 300.0


def say(line: str) -> None:
    print(line, file=sys.stderr, flush=True)


MINION_HOSTS = {"minion-a": "gw1", "minion-b": "gw2", "minion-c": "node-a", "minion-d": "node-b"}


def served_by(lab: Lab, minions: int) -> dict[str, str]:
    """Consecutive blocks of the failover groups, one per minion, in the order of MINION_HOSTS."""
    fogs = [customer.fog for customer in lab.topology.customers]
    names = list(MINION_HOSTS)[:minions]
    return {fog: names[index * minions // len(fogs)] for index, fog in enumerate(fogs)}


Memory = tuple[int, int]  # PSS, RSS in KiB


def timed(process: subprocess.Popen[str], memory_of: Callable[[], Memory] | None) -> tuple[float, Memory, str]:
    """Wall seconds, stdout of a running command (bounded), and with ``memory_of`` the peak PSS and RSS (KiB)
    sampled every 50 ms. Its output is read meanwhile, on a thread: a document larger than a pipe's buffer would
    otherwise stop the command. Sampling costs CPU, more for Salt's many processes than for one check, on the
    cores both share: the timed runs sample nothing, the memory is measured in runs of its own."""
    started = time.monotonic()
    peak = (0, 0)
    output: list[tuple[str, str]] = []
    reader = threading.Thread(target=lambda: output.append(process.communicate()), daemon=True)
    reader.start()
    while reader.is_alive():
        if memory_of is not None:
            now = memory_of()
            peak = (max(peak[0], now[0]), max(peak[1], now[1]))
        if time.monotonic() - started > RUN_TIMEOUT:
            process.kill()  # by its PID
            raise SystemExit(f"bench: a run took longer than {RUN_TIMEOUT:.0f} s")
        reader.join(0.05 if memory_of is not None else 1.0)
    seconds = time.monotonic() - started
    stdout, stderr = output[0]
    if process.returncode != 0:
        raise SystemExit(f"bench: exit {process.returncode}: {stderr.strip()[-300:]}")
    return seconds, peak, stdout


def tree_memory(pid: int) -> Memory:
    tree = [pid, *descendants(pid)]
    return sum(pss_kib(p) for p in tree), sum(pss_kib(p, "Rss") for p in tree)


def site_memory(site: SaltSite, pid: int) -> Memory:
    runner = tree_memory(pid)
    return site.pss_kib() + runner[0], site.pss_kib("Rss") + runner[1]


def run_local(lab: Lab, whole: Path, fogs: list[str], *, memory: bool = False) -> tuple[float, Memory]:
    process = lab.popen("gw1", [TOOL, "--inventory", str(whole), "check", "--json"])
    seconds, peak, stdout = timed(process, (lambda: tree_memory(process.pid)) if memory else None)
    assert [fog["name"] for fog in json.loads(stdout)["fogs"]] == fogs
    return seconds, peak


def run_salt(site: SaltSite, fogs: list[str], *, memory: bool = False) -> tuple[float, Memory]:
    process = site.lab.popen(site.master_host, site.salt_run_argv("--out", "json", "ospf_failover.check"))
    seconds, peak, stdout = timed(process, (lambda: site_memory(site, process.pid)) if memory else None)
    assert [fog["name"] for fog in json.loads(stdout)["fogs"]] == fogs
    return seconds, peak


def median(values: list[float]) -> float:
    return round(statistics.median(values), 3)


def side(runs: list[tuple[float, Memory]], sampled: tuple[float, Memory]) -> dict[str, float]:
    """Median seconds of the timed runs; the peak memory of the run that sampled it."""
    return {
        "seconds": median([seconds for seconds, _ in runs]),
        "peak_pss_mib": round(sampled[1][0] / 1024, 1),
        "peak_rss_mib": round(sampled[1][1] / 1024, 1),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--customers", type=int, default=4)
    parser.add_argument("--router-pairs", type=int, default=2)
    parser.add_argument("--minions", type=int, default=2, choices=range(1, len(MINION_HOSTS) + 1))
    args = parser.parse_args()
    base = Path(tempfile.mkdtemp(prefix="ofl-bench-salt-"))
    prefix = f"ofl-c{os.getpid() % 100000}-"
    lab = Lab.up(base / "lab", customers=args.customers, router_pairs=args.router_pairs, prefix=prefix, progress=say)
    site: SaltSite | None = None
    try:
        serving = served_by(lab, args.minions)
        fogs = list(serving)
        whole = inventory_with_minions(lab, base / "whole", serving)
        minions = {name: MINION_HOSTS[name] for name in sorted(set(serving.values()))}
        site = SaltSite(lab, base / "salt", "gw1", minions, settings={"inventory": str(whole), "timeout": 240})
        site.configure()
        say(f"bench: salt master and minions ready in {site.start(timeout=120):.1f} s")
        site.hand_out_slices(whole)
        rest = site.pss_kib()
        local: list[tuple[float, Memory]] = []
        salt: list[tuple[float, Memory]] = []
        for round_number in range(1, args.rounds + 1):
            local.append(run_local(lab, whole, fogs))
            salt.append(run_salt(site, fogs))
            say(f"bench: round {round_number}: local {local[-1][0]:.2f} s, salt {salt[-1][0]:.2f} s")
        sampled = run_local(lab, whole, fogs, memory=True), run_salt(site, fogs, memory=True)
        figures: dict[str, Any] = {
            "customers": args.customers, "router_pairs": args.router_pairs, "minions": len(minions),
            "rounds": args.rounds,
            "local": side(local, sampled[0]), "salt": side(salt, sampled[1]),
            "master_at_rest_pss_mib": round(rest / 1024, 1),
        }  # fmt: skip
        figures["ratio_seconds"] = round(figures["salt"]["seconds"] / figures["local"]["seconds"], 2)
        for kind in ("pss", "rss"):
            peaks = (figures[name][f"peak_{kind}_mib"] for name in ("salt", "local"))
            figures[f"ratio_{kind}"] = round(next(peaks) / next(peaks), 2)
        print(json.dumps(figures, indent=2))
    finally:
        if site is not None:
            site.stop()
        lab.down()
        shutil.rmtree(base, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
