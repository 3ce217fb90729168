"""Benchmark: how long `ospf-failover lab up` takes and how much memory the lab's processes use.

Runs, for each size given (default 1 and 50 customers): `lab up` in a temporary directory, timed from start to
converged; then the resident memory of every process in the lab's namespaces (RSS summed, and PSS, which
splits shared pages fairly, so the PSS sum is what the lab really costs); then `lab down`, timed too.

    sudo .venv/bin/python bench/lab_up.py [--customers 1 50]

Only public tools: the ospf-failover command line, `ip netns`, and /proc.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

TOOL = str(Path(sys.executable).with_name("ospf-failover"))


def lab_namespaces() -> list[str]:
    listed = subprocess.run(["ip", "netns", "list"], capture_output=True, text=True, check=True, timeout=30)
    return [line.split()[0] for line in listed.stdout.splitlines() if line.startswith("ofl-")]


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


def measure(customers: int, timeout: float) -> None:
    with tempfile.TemporaryDirectory(prefix="ofl-bench-") as parent:
        directory = Path(parent) / "lab"
        start = time.monotonic()
        up = subprocess.run(
            [TOOL, "lab", "up", "--customers", str(customers), "--dir", str(directory)],
            capture_output=True, text=True, timeout=timeout, check=False,
        )  # fmt: skip
        up_seconds = time.monotonic() - start
        try:
            if up.returncode != 0:
                print(f"{customers} customer(s): lab up failed ({up.returncode}): {up.stderr.strip()[-500:]}")
                return
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
            print(
                f"{customers} customer(s): lab up {up_seconds:.1f} s; {len(namespaces)} namespaces, "
                f"{len(pids)} processes, RSS {total_rss / 1024:.0f} MiB, PSS {total_pss / 1024:.0f} MiB"
            )
            for command, (count, rss, pss) in sorted(by_command.items(), key=lambda item: -item[1][2]):
                print(f"    {command:8} x{count:<4} RSS {rss / 1024:7.1f} MiB  PSS {pss / 1024:7.1f} MiB")
        finally:
            start = time.monotonic()
            down = subprocess.run(
                [TOOL, "lab", "down", "--dir", str(directory)],
                capture_output=True, text=True, timeout=300, check=False,
            )  # fmt: skip
            print(f"    lab down {time.monotonic() - start:.1f} s (exit {down.returncode})")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--customers", type=int, nargs="+", default=[1, 50], help="lab sizes (default: 1 50)")
    parser.add_argument("--timeout", type=float, default=600.0, help="seconds allowed for one lab up")
    args = parser.parse_args()
    if lab_namespaces():
        print("a lab is up already (ofl-* namespaces exist): run `ospf-failover lab down` first", file=sys.stderr)
        return 1
    for customers in args.customers:
        measure(customers, args.timeout)
    return 0


if __name__ == "__main__":
    sys.exit(main())
