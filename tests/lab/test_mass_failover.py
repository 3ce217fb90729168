"""A node's death: every group of a shared-pair lab (16 on 2 pairs) started on the surviving node at once, one
start.sh each with ECX's environment, as ECX runs them. Every switch verified and exit 0, none refused by a
router; each process prints its own group's lines (one JSON document each with --json).

The lab has a namespace prefix of its own, so it runs beside the session's lab, and it is taken down whatever
happens.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from ospf_failover.ecx import SCRIPTS
from ospf_failover_lab import namespaces
from ospf_failover_lab.ecx_play import ecx_env
from ospf_failover_lab.lab import Lab

TOOL = str(Path(sys.executable).with_name("ospf-failover"))
PREFIX = f"ofl-m{os.getpid() % 100000}-"
CUSTOMERS, PAIRS = 16, 2
NODE = "node-b"


@pytest.fixture(scope="module")
def mass_lab(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Lab]:
    if os.geteuid() != 0:
        pytest.skip("the rehearsal lab needs root (network namespaces, FRR, sshd): run the suite as root")
    directory = tmp_path_factory.mktemp("mass") / "lab"
    built = Lab.up(directory, customers=CUSTOMERS, router_pairs=PAIRS, prefix=PREFIX, progress=print)
    try:
        yield built
    finally:
        built.down()


def start_at_once(lab: Lab, fogs: list[str], argv_of: Callable[[str], list[str]]) -> dict[str, tuple[int, str, str]]:
    """Every group's command started in node-b at the same moment; each one's exit code, stdout and stderr."""
    servers = [s["name"] for s in lab.cluster.read()["servers"]]
    processes = {}
    for fog in fogs:
        env = ecx_env(lab, fog, NODE, servers)
        env.pop("OSPF_FAILOVER_ALONE", None)
        full = ["env", "-i", *(f"{k}={v}" for k, v in env.items()), *argv_of(fog)]
        processes[fog] = subprocess.Popen(
            lab.exec_argv(NODE, full, workdir=str(SCRIPTS)),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
    done = {}
    for fog, process in processes.items():
        try:
            out, err = process.communicate(timeout=240)
        except subprocess.TimeoutExpired:
            process.kill()  # by its PID
            out, err = process.communicate(timeout=10)
        done[fog] = (process.returncode, out, err)
    return done


def logins(lab: Lab, host: str) -> int:
    """SSH logins ``host``'s sshd has accepted so far (its log, LogLevel INFO)."""
    log = lab.directory / "hosts" / host / "ssh" / "sshd.log"
    return sum(1 for line in log.read_text(errors="replace").splitlines() if "Accepted publickey" in line)


def test_every_group_of_a_dead_node_fails_over_at_once_through_start_sh(
    mass_lab: Lab, root_traces: Callable[[], list[str]]
) -> None:
    lab = mass_lab
    fogs = sorted(c.fog for c in lab.topology.customers)
    assert len(fogs) == CUSTOMERS
    for fog in fogs:  # node-a died: ECX moves every group (and the VMs with them) to node-b, then starts them
        lab.set_fog_node(fog, NODE)
        lab.move_vm(fog, NODE)
    logins_before = {host: logins(lab, host) for host in ("gw1", "vr1")}
    started = time.monotonic()
    done = start_at_once(lab, fogs, lambda fog: ["/bin/sh", str(SCRIPTS / "start.sh")])
    elapsed = time.monotonic() - started
    opened = {host: logins(lab, host) - before for host, before in logins_before.items()}
    print(f"measured: SSH connections opened by the {CUSTOMERS} switches: {opened}")
    # Every group's switch reads gw1, half of them vr1: shared connections carry up to 8 sessions each.
    assert 0 < opened["gw1"] <= CUSTOMERS // 4, f"gw1 got {opened['gw1']} connections: the switches did not share"
    assert 0 < opened["vr1"] <= CUSTOMERS // 4, f"vr1 got {opened['vr1']} connections: the switches did not share"
    print(f"measured: {CUSTOMERS} groups on {PAIRS} pairs started at once, the last done after {elapsed:.2f} s")
    for fog, (code, out, err) in done.items():
        lines = out.splitlines()
        assert code == 0, f"{fog} exited {code}:\n{out}{err}"
        assert "Traceback" not in out + err, err
        assert all(f" switch {fog}: " in line for line in lines), f"{fog} printed another group's lines:\n{out}"
        assert lines[-1].startswith(f"[I] switch {fog}: switched and verified in "), out
        troubled = [line for line in lines if line.startswith(("[W]", "[E]"))]
        assert troubled == [], f"{fog}: a router refused or something else went wrong: {troubled}"
        assert err == "", f"{fog}: {err}"
    for customer in lab.topology.customers:
        holders = [r for r in customer.routers if lab.holds_gateway(r, customer.fog)]
        assert holders == [customer.router_for(NODE)], f"{customer.fog}: held by {holders}"
    lab.wait_converged(timeout=30)  # ConvergenceTimeout, naming what still differs, fails the test

    # Again at once, with --json (nothing left to change): each process gets its own group's document.
    def json_argv(fog: str) -> list[str]:
        return [TOOL, "switch", fog, "--verify", "warn", "--timeout", "120", "--json"]

    again = start_at_once(lab, fogs[:6], json_argv)
    for fog, (code, out, err) in again.items():
        document = json.loads(out)
        assert code == 0 and document["fog"] == fog and document["exit_code"] == 0, (fog, code, err)
        assert document["verdict"] == "switched and verified", document["verdict"]
        assert err.splitlines()[-1].startswith(f"[I] switch {fog}: switched and verified in "), err
    assert root_traces() == [], "lab addresses or routes in the root namespace"


def test_the_lab_is_taken_down(mass_lab: Lab) -> None:
    summary = mass_lab.down()
    assert summary.startswith(f"lab in {mass_lab.directory} is down"), summary
    assert namespaces.existing(prefix=PREFIX) == [], "lab down left namespaces behind"
