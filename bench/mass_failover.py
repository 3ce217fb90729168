"""A node's death: every failover group of a shared-pair lab started on node-b at once, one start.sh each, as ECX
runs them, with and without the switches meeting (OSPF_FAILOVER_ALONE=1), alternated in one lab.

For each run: seconds from the first start.sh started to the last one done, every exit code, every group's
verdict line, no [W]/[E] line, and the peak RSS of each process summed (an upper bound of the processes' peak
together). Between runs the lab is reset (every group home on node-a, OSPF converged).

    .venv/bin/python bench/mass_failover.py --customers 64 --router-pairs 8 --rounds 3
    .venv/bin/python bench/mass_failover.py --lab .lab --rounds 1        # a lab already up

Run as root (the lab). Prints figures and one JSON line per run; judges nothing.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from ospf_failover.ecx import SCRIPTS
from ospf_failover_lab.ecx_play import ecx_env
from ospf_failover_lab.lab import Lab

NODE = "node-b"
TIME = "/usr/bin/time"
SAMPLE_EVERY = 0.5  # seconds between samples of the processes' memory
FOLLOWER_KIB = 40 * 1024  # a follower's peak RSS stays well below: it never loads Nornir, netmiko or pydantic
VERDICT = re.compile(r"^\[I\] switch (\S+): switched and verified in ([0-9.]+) s \(exit 0\)")


def memory_now(pids: list[int]) -> tuple[int, int]:
    """RSS and PSS (KiB) summed over the switch processes (each the child GNU time forked) right now."""
    rss = pss = 0
    for pid in pids:
        try:
            children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
            for child in children:
                for line in Path(f"/proc/{child}/smaps_rollup").read_text().splitlines():
                    if line.startswith("Rss:"):
                        rss += int(line.split()[1])
                    elif line.startswith("Pss:"):
                        pss += int(line.split()[1])
        except (OSError, ValueError):
            continue  # ended meanwhile
    return rss, pss


def fail_over_node(lab: Lab, fogs: list[str]) -> None:
    """What ECX does before the start scripts: every group and its VM moved to node-b."""
    for fog in fogs:
        lab.set_fog_node(fog, NODE)
        lab.move_vm(fog, NODE)


def start_all(lab: Lab, fogs: list[str], *, alone: bool, timeout: float = 300.0) -> dict[str, Any]:
    """Every group's start.sh on node-b at once; what each did, and when."""
    servers = [s["name"] for s in lab.cluster.read()["servers"]]
    script = SCRIPTS / "start.sh"
    with tempfile.TemporaryDirectory() as scratch:
        processes = []
        first = time.monotonic()
        for fog in fogs:
            env = ecx_env(lab, fog, NODE, servers)
            if alone:
                env["OSPF_FAILOVER_ALONE"] = "1"
            argv = ["env", "-i", *(f"{k}={v}" for k, v in env.items()), "/bin/sh", str(script)]
            out = (Path(scratch) / f"{fog}.out").open("w")
            # GNU time forks the switch: its peak RSS is its own (a child forked from this process would start
            # with this process's peak, which Linux keeps across exec)
            measured = [TIME, "-f", "%M %U %S", "-o", str(Path(scratch) / f"{fog}.time")]
            inside = lab.exec_argv(NODE, argv, workdir=str(script.parent))
            process = subprocess.Popen([*measured, *inside], stdout=out, stderr=subprocess.STDOUT)
            processes.append((fog, process, out))
        ends: dict[str, float] = {}
        codes: dict[str, int] = {}
        peak_kib: dict[str, int] = {}
        cpu: dict[str, float] = {}
        pids = {process.pid: fog for fog, process, _ in processes}
        limit = first + timeout
        sampled, together = 0.0, (0, 0)  # the processes' memory summed at one moment: its peak, RSS and PSS
        while pids and time.monotonic() < limit:
            pid, status, _ = os.wait4(-1, os.WNOHANG)
            if pid == 0:
                if time.monotonic() - sampled >= SAMPLE_EVERY:
                    sampled = time.monotonic()
                    now = memory_now(list(pids))
                    together = (max(together[0], now[0]), max(together[1], now[1]))
                time.sleep(0.005)
                continue
            if pid not in pids:
                continue
            fog = pids.pop(pid)
            ends[fog] = time.monotonic() - first
            codes[fog] = os.waitstatus_to_exitcode(status)
            kib, user, system = (Path(scratch) / f"{fog}.time").read_text().split()[-3:]
            peak_kib[fog] = int(kib)
            cpu[fog] = float(user) + float(system)
        for pid in pids:  # past the bound: ended by PID, never by name
            os.kill(pid, 9)
            os.waitpid(pid, 0)
        texts = {}
        for fog, process, out in processes:
            out.close()
            process.returncode = codes.get(fog, -9)
            texts[fog] = (Path(scratch) / f"{fog}.out").read_text()
    verified = {fog for fog, text in texts.items() if any(VERDICT.match(line) for line in text.splitlines())}
    troubled = {
        fog: [line for line in text.splitlines() if line.startswith(("[W]", "[E]", "ospf-failover:"))]
        for fog, text in texts.items()
    }
    return {
        "mode": "alone" if alone else "meeting",
        "groups": len(fogs),
        "last_done_s": round(max(ends.values(), default=float("nan")), 2),
        "first_done_s": round(min(ends.values(), default=float("nan")), 2),
        "exit_0": sum(1 for code in codes.values() if code == 0),
        "verified": len(verified),
        "warned_or_failed": {fog: lines for fog, lines in troubled.items() if lines},
        "unfinished": sorted(set(fogs) - set(ends)),
        "peak_rss_sum_mib": round(sum(peak_kib.values()) / 1024, 1),
        "peak_rss_max_mib": round(max(peak_kib.values(), default=0) / 1024, 1),
        "sampled_peak_rss_mib": round(together[0] / 1024, 1),  # summed at one moment, every SAMPLE_EVERY s
        "sampled_peak_pss_mib": round(together[1] / 1024, 1),
        # processes that loaded the tool's libraries (led, or ran alone) rather than only following
        "full_processes": sum(1 for kib in peak_kib.values() if kib > FOLLOWER_KIB),
        "cpu_s_sum": round(sum(cpu.values()), 1),
        "cpu_s_max": round(max(cpu.values(), default=0.0), 1),
    }


def measure(lab: Lab, rounds: int, modes: list[str]) -> list[dict[str, Any]]:
    fogs = sorted(c.fog for c in lab.topology.customers)
    runs = []
    for number in range(rounds):
        order = modes if number % 2 == 0 else list(reversed(modes))
        for mode in order:
            lab.reset(timeout=120)
            fail_over_node(lab, fogs)
            run = start_all(lab, fogs, alone=mode == "alone")
            differences = lab.convergence_differences()
            run["converged_after"] = not differences
            print(json.dumps(run), flush=True)
            runs.append(run)
    return runs


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lab", help="a lab already up (its directory); default: bring one up and take it down")
    parser.add_argument("--customers", type=int, default=64)
    parser.add_argument("--router-pairs", type=int, default=8)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--modes", nargs="+", choices=("meeting", "alone"), default=["meeting", "alone"])
    args = parser.parse_args()
    if os.geteuid() != 0:
        print("run as root: the lab needs network namespaces", file=sys.stderr)
        return 2
    if args.lab:
        lab = Lab.attach(args.lab)
        runs = measure(lab, args.rounds, args.modes)
    else:
        directory = Path(tempfile.mkdtemp(prefix="mass-")) / "lab"
        lab = Lab.up(directory, customers=args.customers, router_pairs=args.router_pairs, prefix="ofl-mf-")
        try:
            runs = measure(lab, args.rounds, args.modes)
        finally:
            lab.down()
    for mode in args.modes:
        mine = [run for run in runs if run["mode"] == mode]
        if mine:
            last = statistics.median(run["last_done_s"] for run in mine)
            memory = max(run["peak_rss_sum_mib"] for run in mine)
            ok = all(run["exit_0"] == run["verified"] == run["groups"] for run in mine)
            print(
                f"{mode}: {len(mine)} run(s), last done after median {last:.2f} s, peak RSS summed <= {memory} MiB, "
                f"every switch exit 0 and verified: {ok}"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
