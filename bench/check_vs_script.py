"""Benchmark: `ospf-failover check` against a per-customer script of plain OpenSSH reads, side by side.

Run as root on a machine with the lab's packages:
  .venv/bin/python bench/check_vs_script.py [--rounds R] [--workers N] [--scenarios N|NxM ...]

A scenario is N customers each with its own router pair (``64``) or N customers on M pairs (``64x8``, ``100x10``,
``1000x10``); default: 20x4 10 20 50. A shape the lab cannot build is reported as such and the next one goes on.

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
written. Every script run must exit 0; each timed check run's exit code is recorded. A scenario whose check does
not pass is reported with check's failures and the hosts it could not read, only the script is timed there, and
the benchmark exits 1 at the end. It prints progress lines on stderr and one JSON document on stdout:
per scenario the median wall seconds of each side, the ratio check / script against its target, check's peak
RSS, its own CPU (user + system) and that CPU per host read (routers and observers), failover groups checked per
second, where check's time went (its own --json report); then check's growth from 10 to 50 customers and from
100x10 to 1000x10 (time and peak RSS; ``linear`` is the ratio of customers).
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


DEFAULT_SCENARIOS = ("20x4", "10", "20", "50")


def scenario(key: str) -> Scenario:
    """``N`` (N customers, each with its own router pair) or ``NxM`` (N customers on M router pairs). Target of
    check / script: 1.5 with a pair per customer (both read every router once), 1.0 on shared pairs (check reads
    a router once for all its groups, the script once per group)."""
    customers, _, pairs = key.partition("x")
    if not customers.isdigit() or not (pairs.isdigit() or not pairs) or not 1 <= int(pairs or 1) <= int(customers):
        raise argparse.ArgumentTypeError(f"{key!r}: give N or NxM (N customers on M <= N router pairs), e.g. 1000x10")
    return Scenario(key, int(customers), int(pairs) if pairs else None, 1.0 if pairs else 1.5)


@dataclass(frozen=True)
class CheckRun:
    seconds: float
    exit_code: int
    peak_rss_kib: int
    cpu_seconds: float  # the check process's user + system time
    document: dict[str, Any]  # check's --json report

    @property
    def hosts_read(self) -> int:
        """Routers and observers read (cluster nodes, asked for clpstat, have no seconds)."""
        return sum(1 for h in self.document.get("hosts", {}).values() if h.get("seconds") is not None)

    @property
    def cpu_ms_per_host(self) -> float | None:
        return 1000 * self.cpu_seconds / self.hosts_read if self.hosts_read else None

    @property
    def host_errors(self) -> dict[str, str]:
        """Hosts check could not read, with the end of why (the full text repeats the command line)."""
        hosts: dict[str, dict[str, Any]] = self.document.get("hosts", {})
        return {name: str(h["error"])[-120:] for name, h in hosts.items() if h.get("error")}

    @property
    def not_passing(self) -> dict[str, int]:
        """How many checks of each name did not pass, over every group."""
        counts: dict[str, int] = {}
        for fog in self.document.get("fogs", []):
            for row in fog.get("checks", []):
                if row.get("status") != "pass":
                    key = f"{row['name']} {row['status']}"
                    counts[key] = counts.get(key, 0) + 1
        return counts


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
        TIME, "-f", "%M %U %S", "-o", str(rss_file),
        TOOL, "--inventory", str(lab.inventory_dir), "check", "--workers", str(workers), "--json",
    ]  # fmt: skip
    rss_file.unlink(missing_ok=True)
    start = time.monotonic()
    done = lab.run(NODE, argv, timeout=RUN_TIMEOUT)
    elapsed = time.monotonic() - start
    try:
        document: dict[str, Any] = json.loads(done.stdout)
    except ValueError:
        raise SystemExit(f"check exited {done.returncode} without a report: {done.stderr.strip()[-800:]}") from None
    # time's output file ends with the maximum RSS in KiB, user and system seconds (after "Command exited with
    # non-zero status N").
    peak, user, system = rss_file.read_text().split()[-3:]
    cpu = float(user) + float(system)
    return CheckRun(
        seconds=elapsed, exit_code=done.returncode, peak_rss_kib=int(peak), cpu_seconds=cpu, document=document
    )


def where_check_time_goes(runs: list[CheckRun]) -> dict[str, Any]:
    """From check's own reports: its run after start-up (Python and the inventory loaded), and how long each
    host's one round trip took (connect included): medians over the runs."""
    run_seconds = [float(r.document["summary"]["seconds"]) for r in runs]
    reads = [
        {name: float(h["seconds"]) for name, h in r.document["hosts"].items() if h.get("seconds") is not None}
        for r in runs
    ]
    routers = [[s for name, s in each.items() if name not in OBSERVERS] for each in reads]
    observers = [[s for name, s in each.items() if name in OBSERVERS] for each in reads]
    return {
        "run_after_startup_median_s": round(statistics.median(run_seconds), 3),
        "startup_median_s": round(statistics.median(r.seconds - s for r, s in zip(runs, run_seconds, strict=True)), 3),
        "hosts_read": len(reads[-1]),
        "router_read_median_s": round(statistics.median(s for each in routers for s in each), 3),
        "router_read_max_median_s": round(statistics.median(max(each) for each in routers), 3),
        "observer_read_median_s": round(statistics.median(s for each in observers for s in each), 3),
        "observer_read_max_median_s": round(statistics.median(max(each) for each in observers), 3),
        "host_read_sum_median_s": round(statistics.median(sum(each.values()) for each in reads), 3),
    }


# --- one scenario -----------------------------------------------------------------------------------------


def measure(scenario: Scenario, *, rounds: int, workers: int, prefix: str) -> dict[str, Any]:
    """One scenario in a lab of its own: verified first, then R paired rounds (check, then the script)."""
    parent = Path(tempfile.mkdtemp(prefix="ofl-bench-check-"))
    lab_dir = parent / "lab"
    scripts_dir = parent / "scripts"
    rss_file = parent / "check.rss"
    result: dict[str, Any] = {
        "scenario": scenario.key,
        "title": scenario.title,
        "customers": scenario.customers,
        "router_pairs": scenario.router_pairs or scenario.customers,
        "workers": workers,
        "rounds": rounds,
        "target_ratio": scenario.target_ratio,
    }
    checks: list[CheckRun] = []
    scripts: list[float] = []
    retries: list[int] = []
    try:
        say(f"{scenario.title}: lab up")
        started = time.monotonic()
        try:
            lab = Lab.up(lab_dir, customers=scenario.customers, router_pairs=scenario.router_pairs, prefix=prefix)
        except Exception as exc:  # a shape the lab cannot build (yet): said, and the next scenario goes on
            say(f"{scenario.title}: the lab could not be built: {exc}")
            return result | {"check_passes": False, "target_met": False, "lab_error": str(exc)[-400:]}
        result["lab_up_s"] = round(time.monotonic() - started, 1)
        say(f"{scenario.title}: lab up in {result['lab_up_s']:.1f} s")
        listing, outputs = write_scripts(lab, scripts_dir)

        first = check_run(lab, workers, rss_file)  # must pass (exit 0); it also warms the caches
        result["check_passes"] = first.exit_code == 0
        if first.exit_code != 0:
            result["check_failure"] = {
                "exit_code": first.exit_code,
                "seconds": round(first.seconds, 3),
                "not_passing": first.not_passing,
                "host_errors": first.host_errors,
                "hosts": first.document.get("hosts", {}),
            }
            say(f"{scenario.title}: check does not pass (exit {first.exit_code}): {first.host_errors}")
            say(f"{scenario.title}: check is not timed; the script alone is")
        else:
            summary = first.document["summary"]
            say(f"{scenario.title}: check passes ({summary['fogs']} groups, {summary['warn']} warn)")
        _, retried = script_run(lab, listing, workers)
        empty = [str(path) for paths in outputs.values() for path in paths if path.stat().st_size == 0]
        if empty:
            raise SystemExit(f"the per-customer script read nothing into: {', '.join(empty[:5])}")
        reads = sum(map(len, outputs.values()))
        say(f"{scenario.title}: every group's script exits 0 with its {reads} reads ({retried} ssh retries)")

        for number in range(1, rounds + 1):
            timed = ""
            if result["check_passes"]:
                checks.append(check_run(lab, workers, rss_file))
                timed = f"check {checks[-1].seconds:.2f} s (exit {checks[-1].exit_code}), "
            seconds, retried = script_run(lab, listing, workers)
            scripts.append(seconds)
            retries.append(retried)
            say(f"{scenario.title}: round {number}/{rounds}: {timed}script {seconds:.2f} s ({retried} ssh retries)")
    finally:
        say(f"{scenario.title}: lab down")
        teardown(lab_dir)
        shutil.rmtree(parent, ignore_errors=True)

    fogs = scenario.customers
    script_median = statistics.median(scripts)
    result |= {
        "script_median_s": round(script_median, 3),
        "script_fogs_per_s": round(fogs / script_median, 2),
        "script_ssh_sessions": fogs * (len(OBSERVERS) + 3),
        "script_s": [round(s, 3) for s in scripts],
        "script_ssh_retries": retries,
    }
    if checks:
        check_median = statistics.median(r.seconds for r in checks)
        ratio = check_median / script_median
        result |= {
            "check_median_s": round(check_median, 3),
            "ratio_check_to_script": round(ratio, 2),
            "target_met": ratio <= scenario.target_ratio,
            "check_peak_rss_mib": round(max(r.peak_rss_kib for r in checks) / 1024, 1),
            "check_cpu_median_s": round(statistics.median(r.cpu_seconds for r in checks), 3),
            "check_cpu_ms_per_host_read": round(statistics.median(r.cpu_ms_per_host or 0.0 for r in checks), 1),
            "check_fogs_per_s": round(fogs / check_median, 2),
            "check_s": [round(r.seconds, 3) for r in checks],
            "check_exit_codes": [r.exit_code for r in checks],
            "check_time": where_check_time_goes(checks),
        }
    else:
        result["target_met"] = False
    result["load_average_1min_at_end"] = round(os.getloadavg()[0], 2)
    say(f"{scenario.title}: {json.dumps({k: v for k, v in result.items() if k != 'check_failure'})}")
    return result


def growth(results: list[dict[str, Any]], small_key: str, large_key: str) -> dict[str, Any] | None:
    """check's (and the script's) seconds and peak RSS at ``large_key`` over ``small_key`` (scenario keys, e.g.
    10 and 50, or 100x10 and 1000x10); ``linear``: the ratio of their customers."""
    by_key = {r["scenario"]: r for r in results}
    if small_key not in by_key or large_key not in by_key:
        return None
    small, large = by_key[small_key], by_key[large_key]
    figures: dict[str, Any] = {"of": f"{large_key} over {small_key}", "linear": large["customers"] / small["customers"]}
    if "script_median_s" in small and "script_median_s" in large:
        figures["script"] = round(large["script_median_s"] / small["script_median_s"], 2)
    failed = [r["scenario"] for r in (small, large) if "check_median_s" not in r]
    if failed:
        return figures | {"check": None, "why": f"check was not timed at {' and '.join(failed)}"}
    return figures | {
        "check": round(large["check_median_s"] / small["check_median_s"], 2),
        "check_peak_rss": round(large["check_peak_rss_mib"] / small["check_peak_rss_mib"], 2),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=5, help="timed runs of each side per scenario (default 5)")
    parser.add_argument("--workers", type=int, default=20, help="check --workers and xargs -P (default 20)")
    parser.add_argument(
        "--scenarios",
        nargs="+",
        type=scenario,
        default=[scenario(key) for key in DEFAULT_SCENARIOS],
        metavar="N|NxM",
        help="N customers each with its own router pair, or N customers on M pairs (e.g. 64 64x8 100x10 1000x10); "
        f"default: {' '.join(DEFAULT_SCENARIOS)}",
    )
    args = parser.parse_args()
    if args.rounds < 1 or args.workers < 1:
        parser.error("--rounds and --workers must be at least 1")
    if not Path(TIME).exists():
        parser.error(f"{TIME} is needed to read check's peak RSS (Debian package `time`)")
    prefix = f"ofl-b{os.getpid()}-"
    load_before = os.getloadavg()
    results = [measure(shape, rounds=args.rounds, workers=args.workers, prefix=prefix) for shape in args.scenarios]
    document = {
        "machine": {"cpus": os.cpu_count(), "load_average_before": [round(x, 2) for x in load_before],
                    "load_average_after": [round(x, 2) for x in os.getloadavg()]},
        "scenarios": results,
        "check_growth_10_to_50": growth(results, "10", "50"),
        "check_growth_100_to_1000": growth(results, "100x10", "1000x10"),
    }  # fmt: skip
    print(json.dumps(document, indent=2))
    return 0 if all(r["check_passes"] for r in results) else 1


if __name__ == "__main__":
    sys.exit(main())
