"""A lab whose router pairs serve two failover groups each (4 customers on 2 pairs), end to end.

It has a namespace prefix of its own and its own directory, so it runs beside the session's lab, and it is taken
down whatever happens. Its routers are mixed (vr1/vr3 link-style, vr2/vr4 address-style): each NIC of a shared
pair is switched on its own, through the router's own commands and NetworkManager keyfile.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from ospf_failover_lab import namespaces
from ospf_failover_lab.lab import Lab

TOOL = str(Path(sys.executable).with_name("ospf-failover"))
PREFIX = f"ofl-p{os.getpid() % 100000}-"
NETWORKS = {f"customer{k}": f"10.0.{k - 1}.0/24" for k in range(1, 5)}
FOGS_OF = {"vr1": ("customer1", "customer2"), "vr2": ("customer1", "customer2")}
FOGS_OF |= {"vr3": ("customer3", "customer4"), "vr4": ("customer3", "customer4")}
KEYFILES = "/run/NetworkManager/system-connections"


@pytest.fixture(scope="module")
def shared_lab(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Lab]:
    if os.geteuid() != 0:
        pytest.skip("the rehearsal lab needs root (network namespaces, FRR, sshd): run the suite as root")
    directory = tmp_path_factory.mktemp("shared") / "lab"
    built = Lab.up(directory, customers=4, router_pairs=2, prefix=PREFIX, nic_style="mixed", progress=print)
    try:
        yield built
    finally:
        built.down()


def holding(lab: Lab) -> dict[tuple[str, str], bool]:
    """(router, FOG) -> does that router's NIC for that FOG carry the FOG's gateway now."""
    return {(router, fog): lab.holds_gateway(router, fog) for router, fogs in FOGS_OF.items() for fog in fogs}


def at_start() -> dict[tuple[str, str], bool]:
    return {(router, fog): router in ("vr1", "vr3") for router, fogs in FOGS_OF.items() for fog in fogs}


def carriers(lab: Lab) -> dict[str, dict[str, list[str]]]:
    return {observer: lab.route_carriers(observer) for observer in ("gw1", "gw2")}


def carried_by(routers: dict[str, str]) -> dict[str, dict[str, list[str]]]:
    by_network = {NETWORKS[fog]: [router] for fog, router in routers.items()}
    return {"gw1": by_network, "gw2": by_network}


def switch(lab: Lab, node: str, fog: str) -> tuple[int, dict[str, Any], str]:
    done = lab.run(
        node, [TOOL, "--inventory", str(lab.inventory_dir), "switch", fog, "--node", node, "--json"], timeout=150
    )
    assert "Traceback" not in done.stdout + done.stderr, done.stderr
    return done.returncode, json.loads(done.stdout), done.stderr


def lab_cli(lab: Lab, *args: str) -> subprocess.CompletedProcess[str]:
    command, rest = args[0], args[1:]
    argv = [TOOL, "lab", command, "--dir", str(lab.directory), *rest]
    return subprocess.run(argv, capture_output=True, text=True, timeout=300, check=False)


def test_check_reads_each_shared_router_once_for_all_its_groups(shared_lab: Lab) -> None:
    """(Runs before the lab is taken down by the test below.) check over four groups on two shared pairs: each
    router read once (its hosts entry), every group passes;
    split brain on one NIC of a shared pair fails that group only, not the other group of the same routers."""
    lab = shared_lab
    argv = [TOOL, "--inventory", str(lab.inventory_dir), "check", "--json"]
    done = lab.run("gw1", argv, timeout=120)
    document = json.loads(done.stdout)
    assert done.returncode == 0, document["summary"]
    assert document["summary"] == {**document["summary"], "fogs": 4, "pass": 4, "warn": 0, "fail": 0}
    assert sorted(h for h in document["hosts"] if h.startswith("vr")) == ["vr1", "vr2", "vr3", "vr4"]
    lab.set_nic("vr2", up=True, fog="customer2")  # vr2 now holds customer2's gateway beside vr1
    try:
        done = lab.run("gw1", argv, timeout=120)
    finally:
        lab.set_nic("vr2", up=False, fog="customer2")
    status = {fog["name"]: fog["status"] for fog in json.loads(done.stdout)["fogs"]}
    assert done.returncode == 1 and status == {
        "customer1": "pass",
        "customer2": "fail",
        "customer3": "pass",
        "customer4": "pass",
    }, status


def test_a_shared_pair_moves_one_fog_at_a_time(shared_lab: Lab, root_traces: Callable[[], list[str]]) -> None:
    lab = shared_lab
    start_routes = {"customer1": "vr1", "customer2": "vr1", "customer3": "vr3", "customer4": "vr3"}
    assert lab.convergence_differences() == []
    assert sorted(h.name for h in lab.topology.by_role("router")) == ["vr1", "vr2", "vr3", "vr4"]
    assert carriers(lab) == carried_by(start_routes)
    assert holding(lab) == at_start()
    listed = lab.run("vr2", ["ls", KEYFILES], check=True).stdout.split()
    assert listed == ["eth1.nmconnection", "eth2.nmconnection"], "one NetworkManager keyfile per VM-side NIC"
    keyfile = lab.run("vr2", ["cat", f"{KEYFILES}/eth2.nmconnection"], check=True).stdout
    assert "interface-name=eth2" in keyfile.splitlines() and "address1=10.0.1.254/24" in keyfile.splitlines()
    assert lab.run("vm2", ["ping", "-c", "1", "-W", "2", "192.168.76.101"]).returncode == 0

    # ECX moves customer2 to node-b (its VM with it) and runs start.sh there: the tool switches customer2 only.
    lab.set_fog_node("customer2", "node-b")
    lab.move_vm("customer2", "node-b")
    code, report, lines = switch(lab, "node-b", "customer2")
    assert code == 0, lines
    assert report["verdict"] == "switched and verified"
    assert report["plan"]["active"] == "vr2" and report["plan"]["standbys"] == ["vr1"]
    assert "[I] switch customer2: active-up: [vr2] eth2: up, no gateway address (released) -> up with gateway" in lines
    assert "[I] switch customer2: standby-down: [vr1] eth2: up with gateway -> down" in lines
    moved = {**at_start(), ("vr1", "customer2"): False, ("vr2", "customer2"): True}
    assert holding(lab) == moved, "customer1 on the same pair stays on vr1"
    assert carriers(lab) == carried_by({**start_routes, "customer2": "vr2"})
    calls = lab.run("vr2", ["cat", "/run/NetworkManager/nmcli.calls"], check=True).stdout.splitlines()
    assert calls == ["connection up eth2"], "vr2's NetworkManager brought up customer2's connection only"
    lab.wait_converged(timeout=15)  # ConvergenceTimeout, naming what still differs, fails the test
    for vm in ("vm1", "vm2"):
        assert lab.run(vm, ["ping", "-c", "1", "-W", "2", "192.168.76.101"]).returncode == 0, vm

    status = json.loads(lab_cli(lab, "status", "--json").stdout)
    assert status["router_pairs"] == 2 and status["customers"] == 4
    assert {fog: (info["routers"], info["nic"]) for fog, info in status["fogs"].items()} == {
        "customer1": (["vr1", "vr2"], "eth1"),
        "customer2": (["vr1", "vr2"], "eth2"),
        "customer3": (["vr3", "vr4"], "eth1"),
        "customer4": (["vr3", "vr4"], "eth2"),
    }
    assert status["fogs"]["customer2"]["route_via"] == {"gw1": ["vr2"], "gw2": ["vr2"]}
    assert status["fogs"]["customer2"]["vm_site"] == "node-b" == status["fogs"]["customer2"]["cluster_node"]
    text = lab_cli(lab, "status").stdout.splitlines()
    assert text[0].startswith("lab in ") and "4 customer(s) on 2 router pair(s)" in text[0]
    assert any(line.split()[:4] == ["customer2", "10.0.1.0/24", "vr1/vr2", "eth2"] for line in text), text

    # ECX fails customer2 back: stop.sh on node-b releases vr2's eth2, start.sh on node-a takes it on vr1.
    back = lab_cli(lab, "failover", "customer2")
    assert back.returncode == 0, back.stderr
    assert "switched and verified" in back.stdout + back.stderr
    assert lab.cluster.read()["groups"]["customer2"] == "node-a" and lab.vm_site("customer2") == "node-a"
    assert holding(lab) == at_start()
    assert carriers(lab) == carried_by(start_routes)
    lab.wait_converged(timeout=15)

    # The same lab, its routers now all address-style, back at the start state.
    lab.set_nic_style("address")
    lab.reset()
    assert holding(lab) == at_start()
    vr2_vm_side = lab.run("vr2", ["ip", "-o", "-4", "addr", "show"], check=True).stdout
    assert "10.0.0.254" not in vr2_vm_side and "10.0.1.254" not in vr2_vm_side
    code, report, lines = switch(lab, "node-b", "customer4")  # the cluster state may disagree: --node decides
    assert code == 0, lines
    assert holding(lab) == {**at_start(), ("vr3", "customer4"): False, ("vr4", "customer4"): True}
    lab.reset()
    assert holding(lab) == at_start()

    summary = lab.down()
    assert summary.startswith(f"lab in {lab.directory} is down"), summary
    assert namespaces.existing(prefix=PREFIX) == [], "lab down left namespaces behind"
    assert not lab.directory.exists()
    assert root_traces() == [], "lab addresses or routes in the root namespace"
