"""Benchmark: how long `ospf-failover lab up` takes and how much memory the lab's processes use.

Runs, for each size given (default 1 and 50 customers; CxP is C customers on P router pairs, e.g. 1000x10):
`lab up` in a temporary directory, timed from start to converged, with the part of it spent waiting for OSPF
(the lab's state.json, converge_seconds) and the peak RSS of `lab up` itself; then the resident memory of every
process in the lab's namespaces (RSS summed, and PSS, which splits shared pages fairly, so the PSS sum is what
the lab really costs) and the OSPF database and routing table of gw1; then `lab down`, timed too, and whether
any of the lab's namespaces is left.

    sudo .venv/bin/python bench/lab_up.py [--customers 1 50 1000x10 200x10 100x10 64x8] [--check]

--check also runs `ospf-failover check --json` over each lab from node-a (inside the lab, as an operator would)
and reports its wall time, its CPU time and its peak RSS (GNU time inside node-a) and its summary.

Only public tools: the ospf-failover command line, `ip netns`, and /proc.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

TOOL = str(Path(sys.executable).with_name("ospf-failover"))
PREFIX = f"ofl-b{os.getpid() % 100000}-"  # this benchmark's labs only: others may run labs of their own meanwhile


def lab_namespaces() -> list[str]:
    listed = subprocess.run(["ip", "netns", "list"], capture_output=True, text=True, check=True, timeout=30)
    return [line.split()[0] for line in listed.stdout.splitlines() if line.startswith(PREFIX)]


def lab_pids(namespaces: list[str]) -> list[int]:
    pids: list[int] = []
    for namespace in namespaces:
        listed = subprocess.run(
            ["ip", "netns", "pids", namespace], capture_output=True, text=True, check=True, timeout=30
        )
        pids += [int(pid) for pid in listed.stdout.split()]
    return pids


def memory_kib(pid: int) -> tuple[int, int]:
    """(RSS, PSS) of one process in KiB; (0, 0) when it is gone."""
    try:
        rollup = Path(f"/proc/{pid}/smaps_rollup").read_text()
    except OSError:
        return 0, 0
    values = {line.split(":")[0]: int(line.split()[1]) for line in rollup.splitlines()[1:] if line.endswith("kB")}
    return values.get("Rss", 0), values.get("Pss", 0)


def command_of(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/comm").read_text().strip()
    except OSError:
        return "?"


def shape(text: str) -> tuple[int, int | None]:
    """ "1000x10" -> (1000, 10); "50" -> (50, None)."""
    customers, _, pairs = text.partition("x")
    return int(customers), int(pairs) if pairs else None


def ospf_figures(directory: Path) -> str:
    """gw1's LSA count and routing table size, read inside gw1."""
    vtysh = [TOOL, "lab", "exec", "--dir", str(directory), "gw1", "--", "vtysh", "-c"]
    database = subprocess.run(
        [*vtysh, "show ip ospf database"], capture_output=True, text=True, timeout=60, check=False
    )
    lsas = sum(1 for line in database.stdout.splitlines() if line[:1].isdigit())
    routes = subprocess.run([*vtysh, "show ip route summary"], capture_output=True, text=True, timeout=60, check=False)
    ospf = [line.split()[1] for line in routes.stdout.splitlines() if line.startswith("ospf")]
    return f"gw1: {lsas} LSAs, {ospf[0] if ospf else '?'} OSPF routes"


def check_figures(directory: Path) -> str:
    """`check --json` over the whole lab from node-a: wall, CPU and peak RSS of the check process, its summary."""
    figures = directory / "check.time"
    argv = [TOOL, "lab", "exec", "--dir", str(directory), "node-a", "--", "/usr/bin/time", "-o", str(figures)]
    argv += ["-f", "%e %U %S %M", "ospf-failover", "--inventory", str(directory / "inventory"), "check", "--json"]
    done = subprocess.run(argv, capture_output=True, text=True, timeout=900, check=False)
    try:
        summary = json.loads(done.stdout)["summary"]
        wall, user, system, peak = figures.read_text().split()[-4:]
    except (ValueError, KeyError, OSError, json.JSONDecodeError):
        return f"check: exit {done.returncode}, unreadable: {done.stderr.strip()[-300:]}"
    return (
        f"check (exit {done.returncode}) {float(wall):.1f} s, user {user} s + sys {system} s, peak RSS "
        f"{int(peak) / 1024:.0f} MiB; {summary}"
    )


def measure(size: str, timeout: float, *, check: bool) -> None:
    customers, pairs = shape(size)
    with tempfile.TemporaryDirectory(prefix="ofl-bench-") as parent:
        directory = Path(parent) / "lab"
        argv = [TOOL, "lab", "up", "--customers", str(customers), "--dir", str(directory), "--prefix", PREFIX]
        argv += ["--router-pairs", str(pairs)] if pairs else []
        before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
        start = time.monotonic()
        up = subprocess.run(argv, capture_output=True, text=True, timeout=timeout, check=False)
        up_seconds = time.monotonic() - start
        peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
        try:
            if up.returncode != 0:
                print(f"{size}: lab up failed ({up.returncode}): {up.stderr.strip()[-500:]}")
                return
            state = json.loads((directory / "state.json").read_text())
            namespaces = lab_namespaces()
            pids = lab_pids(namespaces)
            by_command: dict[str, list[int]] = {}
            for pid in pids:
                rss, pss = memory_kib(pid)
                entry = by_command.setdefault(command_of(pid), [0, 0, 0])
                entry[0] += 1
                entry[1] += rss
                entry[2] += pss
            total_rss = sum(e[1] for e in by_command.values())
            total_pss = sum(e[2] for e in by_command.values())
            grew = f"{peak / 1024:.0f} MiB" if peak > before else f"at most {before / 1024:.0f} MiB"
            print(
                f"{size}: lab up {up_seconds:.1f} s (OSPF wait {state.get('converge_seconds', '?')} s; lab up's "
                f"own peak RSS {grew}); {len(namespaces)} namespaces, {len(pids)} processes, "
                f"RSS {total_rss / 1024:.0f} MiB, PSS {total_pss / 1024:.0f} MiB; {ospf_figures(directory)}"
            )
            for command, (count, rss, pss) in sorted(by_command.items(), key=lambda item: -item[1][2]):
                print(f"    {command:8} x{count:<4} RSS {rss / 1024:7.1f} MiB  PSS {pss / 1024:7.1f} MiB")
            if check:
                print(f"    {check_figures(directory)}")
        finally:
            start = time.monotonic()
            down = subprocess.run(
                [TOOL, "lab", "down", "--dir", str(directory)],
                capture_output=True, text=True, timeout=300, check=False,
            )  # fmt: skip
            left = lab_namespaces()
            print(
                f"    lab down {time.monotonic() - start:.1f} s (exit {down.returncode}; namespaces left: {len(left)})"
            )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument(
        "--customers",
        nargs="+",
        default=["1", "50"],
        help="lab sizes, C or CxP (C customers on P pairs; default: 1 50)",
    )
    parser.add_argument("--timeout", type=float, default=600.0, help="seconds allowed for one lab up")
    parser.add_argument("--check", action="store_true", help="also time a check over each lab from node-a")
    args = parser.parse_args()
    for size in args.customers:
        shape(size)  # a bad size stops here, before any lab is built
    for size in args.customers:
        measure(size, args.timeout, check=args.check)
    return 0


if __name__ == "__main__":
    sys.exit(main())
