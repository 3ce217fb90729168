"""Benchmark: how the inventory's size weighs on `inventory validate` and on one group's `verify`, side by side.

  .venv/bin/python bench/inventory_scale.py [--sizes 10 1000 10000] [--rounds N] [--groups-per-pair G]

For each size it writes a synthetic inventory (N failover groups on N/G router pairs, two cluster nodes, two
observers; every host on a loopback address, 127.0.x.y, SSH port 1 where nothing listens, so a connect is refused
at once and nothing leaves the machine), then alternates, round after round, the sizes:
  validate: ospf-failover --inventory DIR inventory validate
  verify:   ospf-failover --inventory DIR verify customer5 --node node-a --timeout 5
            (the active router refuses the connect: exit 1 right after the run's start-up, so the time is the
            start-up to the first connect: loading, validating, opening Nornir)
It prints each figure's median per size, wall and CPU (user + sys of the tool's process, which the load of a
shared machine does not inflate), and how much longer a group's start-up is than at the smallest size. Nothing
here is a test: compare figures measured in one run, not seconds across runs. Run it as any user; it writes
only under a temporary directory.
"""

from __future__ import annotations

import argparse
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from ospf_failover_lab.synthetic import synthetic_files, write_files

TOOL = str(Path(sys.executable).with_name("ospf-failover"))
RUN_TIMEOUT = 900.0  # seconds one run may take before the benchmark gives up on that size
FIGURES = (("validate", "wall"), ("validate", "cpu"), ("verify", "wall"), ("verify", "cpu"))


def write_inventory(directory: Path, *, groups: int, per_pair: int) -> None:
    """A synthetic inventory: ``groups`` failover groups, ``per_pair`` of them on each router pair."""
    directory.mkdir(parents=True)
    key = directory / "id_ed25519"
    subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", str(key)], check=True, timeout=30)
    (directory / "known_hosts").write_text("")
    write_files(directory, synthetic_files(directory, groups, per_pair=per_pair))


def timed(argv: list[str], *, expect: int) -> tuple[float, float]:
    """The run's wall time and its CPU time (user + sys of the process: what the machine's load does not add)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.monotonic()
    done = subprocess.run(argv, capture_output=True, text=True, timeout=RUN_TIMEOUT, check=False)
    elapsed = time.monotonic() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode != expect:
        raise SystemExit(f"{' '.join(argv)}: exit {done.returncode}, expected {expect}: {done.stderr[-500:]}")
    return elapsed, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[10, 1000, 10000], help="failover groups per size")
    parser.add_argument("--rounds", type=int, default=3, help="alternating rounds (default 3)")
    parser.add_argument("--groups-per-pair", type=int, default=100, help="failover groups per router pair")
    args = parser.parse_args()
    if not 1 <= args.rounds <= 50 or not all(1 <= size <= 100_000 for size in args.sizes):
        parser.error("--rounds 1..50, --sizes 1..100000")
    sizes = sorted(set(args.sizes))
    figures: dict[tuple[str, str, int], list[float]] = {}  # (command, wall or cpu, size) -> per round
    with tempfile.TemporaryDirectory(prefix="ofl-bench-inventory-") as temporary:
        for size in sizes:
            write_inventory(Path(temporary) / str(size), groups=size, per_pair=min(args.groups_per_pair, size))
        for round_number in range(1, args.rounds + 1):
            for size in sizes:
                inventory = str(Path(temporary) / str(size))
                validate = timed([TOOL, "--inventory", inventory, "inventory", "validate"], expect=0)
                verify = timed(
                    [TOOL, "--inventory", inventory, "verify", "customer5", "--node", "node-a", "--timeout", "5"],
                    expect=1,
                )
                for command, (wall, cpu) in (("validate", validate), ("verify", verify)):
                    figures.setdefault((command, "wall", size), []).append(wall)
                    figures.setdefault((command, "cpu", size), []).append(cpu)
                print(
                    f"round {round_number}: {size} groups: validate {validate[0]:.3f} s (cpu {validate[1]:.3f} s), "
                    f"verify {verify[0]:.3f} s (cpu {verify[1]:.3f} s)"
                )
    print()
    print("medians; cpu: user + sys of the tool's process, which other load on the machine does not inflate")
    print(f"{'groups':>8} {'validate':>10} {'cpu':>8} {'verify start-up':>16} {'cpu':>8} {'verify - smallest':>18}")
    base = statistics.median(figures[("verify", "wall", sizes[0])])
    for size in sizes:
        medians = {key: statistics.median(figures[(key[0], key[1], size)]) for key in FIGURES}
        print(
            f"{size:>8} {medians['validate', 'wall']:>8.3f} s {medians['validate', 'cpu']:>6.3f} s "
            f"{medians['verify', 'wall']:>14.3f} s {medians['verify', 'cpu']:>6.3f} s "
            f"{medians['verify', 'wall'] - base:>+16.3f} s"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
