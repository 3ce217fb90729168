"""Benchmark: `ospf-failover check` against a per-customer script of plain OpenSSH reads, side by side.

Run as root on a machine with the lab's packages:
  .venv/bin/python bench/check_vs_script.py [--rounds R] [--workers N] [--scenarios 20x4 10 20 50]

For each scenario it brings a lab up (in a temporary directory of its own, namespaces ``ofl-b<pid>-``), then
alternates R times, from inside cluster node node-a's namespace:
  check:  /usr/bin/time -f %M ospf-failover --inventory LAB/inventory check --workers N --json
          (one round trip per router and observer for every group it serves; clpstat once, locally)
  script: what operators run today: one small sh script per failover group, all of them under `xargs -P N`;
          each script reads, with one plain `ssh` each (the lab's key and known_hosts, strict host keys), the
          group's two routers (`ip -o link` and `ip -o -4 addr` of its NIC, `vtysh` route, neighbours,
          running-config, OSPF and OSPF interfaces, ip_forward), its observers gw1 and gw2 (route and OSPF
          reads) and node-a (`clpstat --local`): the reads `check` needs for that group. An ssh that fails by
          itself (exit 255: sshd's MaxStartups drops connections beyond 10 unauthenticated ones, which 20
          scripts at once reach on gw1, gw2 and node-a) is retried at once, and the retries are counted.
Before timing, it checks that `check` passes (exit 0) and that every group's script exits 0 with its reads
written; every timed run must exit 0 too. It prints progress lines on stderr and one JSON document on stdout:
per scenario the median wall seconds of each side, the ratio check / script against its target, check's peak
RSS and failover groups checked per second, where check's time went (its own --json report); then check's
growth from 10 to 50 customers (5.0 would be linear).
Nothing here is a test: the figures vary with the machine's load; compare the ratios, not the seconds.
"""

from __future__ import annotations

import argparse
import json
import os
import shlex
import shutil
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ospf_failover_lab.lab import Lab, teardown

TOOL = str(Path(sys.executable).with_name("ospf-failover"))
TIME = "/usr/bin/time"
NODE = "node-a"  # where both sides run, as an operator on a cluster node would
OBSERVERS = ("gw1", "gw2")
RUN_TIMEOUT = 600.0  # seconds one side's run may take, whatever the lab's size


@dataclass(frozen=True)
class Scenario:
    key: str
    customers: int
    router_pairs: int | None  # None: each customer has its own pair
    target_ratio: float

    @property
    def title(self) -> str:
        if self.router_pairs is None:
            return f"{self.customers} customers, one router pair each"
        return f"{self.customers} customers on {self.router_pairs} router pairs"


SCENARIOS = {
    "20x4": Scenario("20x4", 20, 4, 1.0),
    "10": Scenario("10", 10, None, 1.5),
    "20": Scenario("20", 20, None, 1.5),
    "50": Scenario("50", 50, None, 1.5),
}


@dataclass(frozen=True)
class CheckRun:
    seconds: float
    peak_rss_kib: int
    document: dict[str, Any]


def say(text: str) -> None:
    print(f"bench: {text}", file=sys.stderr, flush=True)


# --- the per-customer script ------------------------------------------------------------------------------


def router_reads(nic: str, network: str) -> str:
    vtysh = (
        f"vtysh -c 'show ip route {network} json' -c 'show ip ospf neighbor json' -c 'show running-config'"
        " -c 'show ip ospf json' -c 'show ip ospf interface json'"
    )
    return f"ip -o link show dev {nic} && ip -o -4 addr show dev {nic} && {vtysh} && cat /proc/sys/net/ipv4/ip_forward"


def observer_reads(network: str) -> str:
    return (
        f"vtysh -c 'show ip route {network} json' -c 'show ip ospf neighbor json'"
        " -c 'show ip ospf json' -c 'show ip ospf interface json'"
    )


# Run each read with one ssh; ssh's own failure (exit 255: here sshd's MaxStartups dropping a connection while
# more than 10 are unauthenticated, which 20 scripts at once cause on gw1, gw2 and node-a) is retried at once, up
# to SSH_ATTEMPTS times, and each retry is counted (one line in the group's .retries file).
SSH_ATTEMPTS = 10
READ_FUNCTION = f"""read_host() {{  # OUTPUT_FILE RETRY_LOG SSH_ARGV...
    out=$1 log=$2 tries=1
    shift 2
    while :; do
        "$@" > "$out" && return 0
        status=$?
        [ "$status" -eq 255 ] && [ "$tries" -lt {SSH_ATTEMPTS} ] || return "$status"
        echo "$out" >> "$log"
        tries=$((tries + 1))
    done
}}"""


def write_scripts(lab: Lab, directory: Path) -> tuple[Path, dict[str, list[Path]]]:
    """One sh script per failover group, and the list xargs reads; returns the list and each group's output
    files (so the verification run can see that every read answered)."""
    out_dir = directory / "out"
    out_dir.mkdir(parents=True)
    scripts: list[str] = []
    outputs: dict[str, list[Path]] = {}
    for customer in lab.topology.customers:
        reads = [(router, router_reads(customer.nic, customer.network)) for router in customer.routers]
        reads += [(observer, observer_reads(customer.network)) for observer in OBSERVERS]
        reads.append((NODE, "clpstat --local"))
        retry_log = shlex.quote(str(directory / f"{customer.fog}.retries"))
        lines = [
            "#!/bin/sh",
            f"# {customer.fog}: the reads check makes for this group, one ssh per host",
            "set -e",
            READ_FUNCTION,
        ]
        outputs[customer.fog] = []
        for host, command in reads:
            target = out_dir / f"{customer.fog}.{host}"
            outputs[customer.fog].append(target)
            lines.append(f"read_host {shlex.quote(str(target))} {retry_log} {shlex.join(lab.ssh_argv(host, command))}")
        script = directory / f"{customer.fog}.sh"
        script.write_text("\n".join(lines) + "\n")
        scripts.append(str(script))
    listing = directory / "fogs.list"
    listing.write_text("\n".join(scripts) + "\n")
    return listing, outputs


def script_run(lab: Lab, listing: Path, workers: int) -> tuple[float, int]:
    """Wall seconds of one run of every group's script under xargs -P, and the ssh retries it needed."""
    for log in listing.parent.glob("*.retries"):
        log.unlink()
    argv = ["xargs", "-a", str(listing), "-n", "1", "-P", str(workers), "sh"]
    start = time.monotonic()
    done = lab.run(NODE, argv, timeout=RUN_TIMEOUT)
    elapsed = time.monotonic() - start
    if done.returncode != 0:
        raise SystemExit(f"the per-customer script failed (xargs exit {done.returncode}): {done.stderr.strip()[-800:]}")
    retries = sum(len(log.read_text().splitlines()) for log in listing.parent.glob("*.retries"))
    return elapsed, retries


# --- check ------------------------------------------------------------------------------------------------


def check_run(lab: Lab, workers: int, rss_file: Path) -> CheckRun:
    argv = [
        TIME, "-f", "%M", "-o", str(rss_file),
        TOOL, "--inventory", str(lab.inventory_dir), "check", "--workers", str(workers), "--json",
    ]  # fmt: skip
    start = time.monotonic()
    done = lab.run(NODE, argv, timeout=RUN_TIMEOUT)
    elapsed = time.monotonic() - start
    if done.returncode != 0:
        raise SystemExit(
            f"check exited {done.returncode}: {not_passing(done.stdout)} {done.stderr.strip()[-800:]}".strip()
        )
    document: dict[str, Any] = json.loads(done.stdout)
    return CheckRun(seconds=elapsed, peak_rss_kib=int(rss_file.read_text().split()[-1]), document=document)


def not_passing(stdout: str) -> str:
    """The checks that did not pass, from check's JSON document (or its start when it is not one)."""
    try:
        document = json.loads(stdout)
    except ValueError:
        return stdout.strip()[-400:]
    rows = [
        f"{fog['name']} {row['name']} {row['host']}: {row['status']} {row['detail']}"
        for fog in document.get("fogs", [])
        for row in fog.get("checks", [])
        if row.get("status") != "pass"
    ]
    return "; ".join(rows[:10])


def where_check_time_goes(runs: list[CheckRun]) -> dict[str, Any]:
    """From check's own reports: its run after start-up (inventory loaded), and the hosts' read times."""
    run_seconds = [float(r.document["summary"]["seconds"]) for r in runs]
    host_seconds = [
        [float(h["seconds"]) for h in r.document["hosts"].values() if h.get("seconds") is not None] for r in runs
    ]
    slowest = max(runs[-1].document["hosts"].items(), key=lambda item: item[1].get("seconds") or 0.0)
    return {
        "run_after_startup_median_s": round(statistics.median(run_seconds), 3),
        "startup_median_s": round(statistics.median(r.seconds - s for r, s in zip(runs, run_seconds, strict=True)), 3),
        "hosts_read": len(host_seconds[-1]),
        "host_read_median_s": round(statistics.median(s for each in host_seconds for s in each), 3),
        "host_read_max_median_s": round(statistics.median(max(each) for each in host_seconds), 3),
        "host_read_sum_median_s": round(statistics.median(sum(each) for each in host_seconds), 3),
        "slowest_host_last_run": {"host": slowest[0], "seconds": slowest[1].get("seconds")},
    }


# --- one scenario -----------------------------------------------------------------------------------------


def measure(scenario: Scenario, *, rounds: int, workers: int, prefix: str) -> dict[str, Any]:
    parent = Path(tempfile.mkdtemp(prefix="ofl-bench-check-"))
    lab_dir = parent / "lab"
    scripts_dir = parent / "scripts"
    rss_file = parent / "check.rss"
    try:
        say(f"{scenario.title}: lab up")
        started = time.monotonic()
        lab = Lab.up(lab_dir, customers=scenario.customers, router_pairs=scenario.router_pairs, prefix=prefix)
        up_seconds = time.monotonic() - started
        say(f"{scenario.title}: lab up in {up_seconds:.1f} s")
        listing, outputs = write_scripts(lab, scripts_dir)

        first = check_run(lab, workers, rss_file)  # passes (exit 0), and warms the caches
        summary = first.document["summary"]
        say(f"{scenario.title}: check passes ({summary['fogs']} groups, {summary['warn']} warn), {first.seconds:.2f} s")
        _, retried = script_run(lab, listing, workers)
        empty = [str(path) for paths in outputs.values() for path in paths if path.stat().st_size == 0]
        if empty:
            raise SystemExit(f"the per-customer script read nothing into: {', '.join(empty[:5])}")
        reads = sum(map(len, outputs.values()))
        say(f"{scenario.title}: every group's script exits 0 with its {reads} reads ({retried} ssh retries)")

        checks: list[CheckRun] = []
        scripts: list[float] = []
        retries: list[int] = []
        for number in range(1, rounds + 1):
            checks.append(check_run(lab, workers, rss_file))
            seconds, retried = script_run(lab, listing, workers)
            scripts.append(seconds)
            retries.append(retried)
            timed = f"check {checks[-1].seconds:.2f} s, script {seconds:.2f} s ({retried} ssh retries)"
            say(f"{scenario.title}: round {number}/{rounds}: {timed}")
    finally:
        say(f"{scenario.title}: lab down")
        teardown(lab_dir)
        shutil.rmtree(parent, ignore_errors=True)

    check_median = statistics.median(r.seconds for r in checks)
    script_median = statistics.median(scripts)
    ratio = check_median / script_median
    fogs = scenario.customers
    result: dict[str, Any] = {
        "scenario": scenario.key,
        "title": scenario.title,
        "customers": fogs,
        "router_pairs": scenario.router_pairs or fogs,
        "workers": workers,
        "rounds": rounds,
        "lab_up_s": round(up_seconds, 1),
        "check_median_s": round(check_median, 3),
        "script_median_s": round(script_median, 3),
        "ratio_check_to_script": round(ratio, 2),
        "target_ratio": scenario.target_ratio,
        "target_met": ratio <= scenario.target_ratio,
        "check_peak_rss_mib": round(max(r.peak_rss_kib for r in checks) / 1024, 1),
        "check_fogs_per_s": round(fogs / check_median, 1),
        "script_fogs_per_s": round(fogs / script_median, 1),
        "script_ssh_sessions": fogs * (len(OBSERVERS) + 3),
        "check_s": [round(r.seconds, 3) for r in checks],
        "script_s": [round(s, 3) for s in scripts],
        "script_ssh_retries": retries,
        "check_time": where_check_time_goes(checks),
    }
    say(f"{scenario.title}: {json.dumps(result)}")
    return result


def growth(results: list[dict[str, Any]]) -> dict[str, Any] | None:
    """check's (and the script's) seconds at 50 customers over 10, each with its own pair; 5.0 is linear."""
    by_key = {r["scenario"]: r for r in results}
    if "10" not in by_key or "50" not in by_key:
        return None
    small, large = by_key["10"], by_key["50"]
    return {
        "check_50_over_10": round(large["check_median_s"] / small["check_median_s"], 2),
        "script_50_over_10": round(large["script_median_s"] / small["script_median_s"], 2),
        "linear": 5.0,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=5, help="timed runs of each side per scenario (default 5)")
    parser.add_argument("--workers", type=int, default=20, help="check --workers and xargs -P (default 20)")
    parser.add_argument(
        "--scenarios",
        nargs="+",
        choices=list(SCENARIOS),
        default=list(SCENARIOS),
        help="20x4: 20 customers on 4 router pairs; 10, 20, 50: customers each with its own pair (default: all)",
    )
    args = parser.parse_args()
    if args.rounds < 1 or args.workers < 1:
        parser.error("--rounds and --workers must be at least 1")
    if not Path(TIME).exists():
        parser.error(f"{TIME} is needed to read check's peak RSS (Debian package `time`)")
    prefix = f"ofl-b{os.getpid()}-"
    load_before = os.getloadavg()
    results = [
        measure(SCENARIOS[key], rounds=args.rounds, workers=args.workers, prefix=prefix) for key in args.scenarios
    ]
    document = {
        "machine": {"cpus": os.cpu_count(), "load_average_before": [round(x, 2) for x in load_before],
                    "load_average_after": [round(x, 2) for x in os.getloadavg()]},
        "scenarios": results,
        "check_growth_10_to_50": growth(results),
    }  # fmt: skip
    print(json.dumps(document, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
