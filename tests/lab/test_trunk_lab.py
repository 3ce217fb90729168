"""A lab on trunks (20 customers on 2 router pairs, gateways on subinterfaces eth1.101..eth1.110), end to end.

It has a namespace prefix and a directory of its own, so it runs beside the session's lab, and it is taken down
whatever happens. Its routers are mixed (vr1/vr3 link-style, vr2/vr4 address-style), so a switch there and back
takes a subinterface down and up by link on one router and by address on the other; then the same lab, every
router address-style, switches another group.
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
PREFIX = f"ofl-v{os.getpid() % 100000}-"
KEYFILES = "/run/NetworkManager/system-connections"
FOGS = [f"customer{k}" for k in range(1, 21)]
PAIR_OF = {fog: ("vr1", "vr2") if k <= 10 else ("vr3", "vr4") for k, fog in enumerate(FOGS, start=1)}


@pytest.fixture(scope="module")
def trunk_lab(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Lab]:
    if os.geteuid() != 0:
        pytest.skip("the rehearsal lab needs root (network namespaces, FRR, sshd): run the suite as root")
    directory = tmp_path_factory.mktemp("trunks") / "lab"
    built = Lab.up(
        directory, customers=20, router_pairs=2, vlans=True, prefix=PREFIX, nic_style="mixed", progress=print
    )
    try:
        yield built
    finally:
        built.down()


def holders(lab: Lab, fogs: list[str]) -> dict[str, list[str]]:
    """FOG -> the routers whose subinterface for it carries its gateway now."""
    return {fog: [router for router in PAIR_OF[fog] if lab.holds_gateway(router, fog)] for fog in fogs}


def via(lab: Lab, fog: str) -> dict[str, list[str]]:
    network = lab.topology.customer(fog).network
    return {observer: lab.route_carriers(observer)[network] for observer in ("gw1", "gw2")}


def switch(lab: Lab, node: str, fog: str) -> tuple[int, dict[str, Any], str]:
    done = lab.run(
        node, [TOOL, "--inventory", str(lab.inventory_dir), "switch", fog, "--node", node, "--json"], timeout=150
    )
    assert "Traceback" not in done.stdout + done.stderr, done.stderr
    return done.returncode, json.loads(done.stdout), done.stderr


def vm_reaches_client(lab: Lab, fog: str) -> bool:
    """The VM (a subinterface of its pair's hypervisor) reaches client-a through its gateway, by its own address."""
    customer = lab.topology.customer(fog)
    ping = ["ping", "-c", "1", "-W", "2", "-I", customer.vm_address, "192.168.76.101"]
    return lab.run(customer.vm, ping).returncode == 0


def lab_cli(lab: Lab, *args: str) -> subprocess.CompletedProcess[str]:
    command, rest = args[0], args[1:]
    argv = [TOOL, "lab", command, "--dir", str(lab.directory), *rest]
    return subprocess.run(argv, capture_output=True, text=True, timeout=300, check=False)


def test_check_over_the_trunks_passes_and_fails_one_subinterface_only(trunk_lab: Lab) -> None:
    """(Runs before the lab is taken down by the test below.)"""
    lab = trunk_lab
    assert lab.topology.trunks and len(lab.topology.by_role("hypervisor")) == 2
    link = lab.run("vr3", ["ip", "-o", "link", "show", "dev", "eth1.102"], check=True).stdout
    assert link.split(":")[1].strip() == "eth1.102@eth1", "a subinterface of the trunk, named as on a real router"
    argv = [TOOL, "--inventory", str(lab.inventory_dir), "check", "--json"]
    done = lab.run("node-a", argv, timeout=180)
    document = json.loads(done.stdout)
    assert done.returncode == 0, document["summary"]
    assert document["summary"] == {**document["summary"], "fogs": 20, "pass": 20, "warn": 0, "fail": 0}
    assert sorted(h for h in document["hosts"] if h.startswith("vr")) == ["vr1", "vr2", "vr3", "vr4"]
    lab.set_nic("vr4", up=True, fog="customer15")  # vr4 now holds customer15's gateway beside vr3
    try:
        done = lab.run("node-a", argv, timeout=180)
    finally:
        lab.set_nic("vr4", up=False, fog="customer15")
    status = {fog["name"]: fog["status"] for fog in json.loads(done.stdout)["fogs"]}
    assert done.returncode == 1 and status == {**dict.fromkeys(FOGS, "pass"), "customer15": "fail"}, status


def test_a_trunk_group_switches_there_and_back(trunk_lab: Lab, root_traces: Callable[[], list[str]]) -> None:
    lab = trunk_lab
    lab.wait_converged(timeout=30)
    pair = ["customer11", "customer12", "customer13"]
    assert holders(lab, pair) == {fog: ["vr3"] for fog in pair}
    assert via(lab, "customer12") == {"gw1": ["vr3"], "gw2": ["vr3"]}
    assert vm_reaches_client(lab, "customer12") and vm_reaches_client(lab, "customer20")
    listed = lab.run("vr4", ["ls", KEYFILES], check=True).stdout.split()
    assert sorted(listed) == sorted(f"eth1.{101 + j}.nmconnection" for j in range(10))

    # ECX moves customer12 to node-b (its VM to site B's trunk) and runs start.sh there.
    lab.set_fog_node("customer12", "node-b")
    lab.move_vm("customer12", "node-b")
    assert lab.vm_site("customer12") == "node-b" and lab.vm_site("customer11") == "node-a"
    code, report, lines = switch(lab, "node-b", "customer12")
    assert code == 0, lines
    assert report["verdict"] == "switched and verified"
    assert (
        "[I] switch customer12: active-up: [vr4] eth1.102: up, no gateway address (released) -> up with gateway"
        in lines
    )
    assert "[I] switch customer12: standby-down: [vr3] eth1.102: up with gateway -> down" in lines
    assert holders(lab, pair) == {"customer11": ["vr3"], "customer12": ["vr4"], "customer13": ["vr3"]}
    calls = lab.run("vr4", ["cat", "/run/NetworkManager/nmcli.calls"], check=True).stdout.splitlines()
    assert calls == ["connection up eth1.102"], "vr4's NetworkManager brought up customer12's connection only"
    assert via(lab, "customer12") == {"gw1": ["vr4"], "gw2": ["vr4"]}
    assert via(lab, "customer13") == {"gw1": ["vr3"], "gw2": ["vr3"]}
    lab.wait_converged(timeout=15)
    assert vm_reaches_client(lab, "customer12") and vm_reaches_client(lab, "customer11")
    status = json.loads(lab_cli(lab, "status", "--json").stdout)
    assert status["router_pairs"] == 2 and status["customers"] == 20
    assert status["fogs"]["customer12"]["nic"] == "eth1.102"
    assert status["fogs"]["customer12"]["vm_site"] == "node-b" == status["fogs"]["customer12"]["cluster_node"]

    # ECX fails customer12 back: stop.sh on node-b releases vr4's eth1.102 (by address), start.sh on node-a
    # brings vr3's up (by link).
    back = lab_cli(lab, "failover", "customer12")
    assert back.returncode == 0, back.stderr
    assert "switched and verified" in back.stdout + back.stderr
    assert lab.cluster.read()["groups"]["customer12"] == "node-a" and lab.vm_site("customer12") == "node-a"
    assert holders(lab, pair) == {fog: ["vr3"] for fog in pair}
    assert via(lab, "customer12") == {"gw1": ["vr3"], "gw2": ["vr3"]}
    lab.wait_converged(timeout=15)
    assert vm_reaches_client(lab, "customer12")

    # The same lab, every router address-style, back at the start state: customer3 moves on pair 1.
    lab.set_nic_style("address")
    lab.reset()
    vr2_vm_side = lab.run("vr2", ["ip", "-o", "-4", "addr", "show"], check=True).stdout
    assert "10.0.2.254" not in vr2_vm_side
    code, report, lines = switch(lab, "node-b", "customer3")
    assert code == 0, lines
    assert holders(lab, ["customer2", "customer3"]) == {"customer2": ["vr1"], "customer3": ["vr2"]}
    lab.reset()
    assert holders(lab, ["customer3"]) == {"customer3": ["vr1"]}

    summary = lab.down()
    assert summary.startswith(f"lab in {lab.directory} is down"), summary
    assert namespaces.existing(prefix=PREFIX) == [], "lab down left namespaces behind"
    assert not lab.directory.exists()
    assert root_traces() == [], "lab addresses or routes in the root namespace"
