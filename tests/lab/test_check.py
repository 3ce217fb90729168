"""`check` over the session lab's two failover groups: healthy, then one fault at a time, each reported as the
right check on the right group and host while the other group of the same run passes."""

from __future__ import annotations

import json
import shutil
import sys
from pathlib import Path
from typing import Any

import yaml

from ospf_failover.polling import wait_until
from ospf_failover_lab.lab import Lab

TOOL = str(Path(sys.executable).with_name("ospf-failover"))

FOGS = ("customer1", "customer2")


def check(lab: Lab, where: str = "gw1", *args: str) -> tuple[int, dict[str, Any]]:
    """Run check inside ``where`` (an observer: not a cluster node, so clpstat is asked over SSH), --json."""
    done = lab.run(where, [TOOL, "--inventory", str(lab.inventory_dir), "check", *args, "--json"], timeout=120)
    assert "Traceback" not in done.stdout + done.stderr, done.stderr
    document: dict[str, Any] = json.loads(done.stdout)
    return done.returncode, document


def healed(lab: Lab, timeout: float = 60.0) -> None:
    """Wait, bounded, until check passes again: a restarted ospfd takes a few hellos to be Full with the DR and
    BDR of every segment, which the lab's convergence wait (observers' routes) does not cover."""

    def passes() -> tuple[bool, None, str]:
        code, document = check(lab)
        wrong = [
            f"{f['name']}: {c['name']} {c['host']}"
            for f in document["fogs"]
            for c in f["checks"]
            if c["status"] != "pass"
        ]
        return code == 0 and not wrong, None, "; ".join(wrong)

    wait_until(passes, what="check passing again", timeout=timeout, interval=1.0)


def by_fog(document: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {fog["name"]: fog for fog in document["fogs"]}


def failing(fog: dict[str, Any]) -> set[tuple[str, str | None, str]]:
    return {(c["name"], c["host"], c["status"]) for c in fog["checks"] if c["status"] != "pass"}


def test_a_healthy_lab_passes_and_the_document_is_stable(lab_at_start: Lab) -> None:
    code, document = check(lab_at_start)
    assert code == 0, document
    assert set(document) == {"fogs", "hosts", "summary"}
    assert document["summary"]["fogs"] == 2 and document["summary"]["pass"] == 2
    fogs = by_fog(document)
    assert set(fogs) == set(FOGS) and all(fog["status"] == "pass" for fog in fogs.values())
    names = {c["name"] for c in fogs["customer1"]["checks"]}
    assert {"reachable", "ospf-neighbors", "single-advertiser", "cluster-agreement", "observer-route"} <= names
    assert all(set(c) == {"name", "host", "status", "detail", "cause"} for c in fogs["customer1"]["checks"])
    assert document["hosts"]["vr1"]["reachable"] is True and document["hosts"]["vr1"]["seconds"] > 0
    assert document["hosts"]["node-a"] == {"reachable": True, "seconds": None, "error": None}


def test_people_get_a_line_per_group_and_a_table_of_what_is_wrong(lab_at_start: Lab) -> None:
    lab = lab_at_start
    lab.set_nic("vr4", up=True)  # split brain on customer2
    try:
        done = lab.run("gw1", [TOOL, "--inventory", str(lab.inventory_dir), "check"], timeout=120)
    finally:
        lab.set_nic("vr4", up=False)
    lines = done.stdout.splitlines()
    assert done.returncode == 1, done.stdout + done.stderr
    assert lines[0].startswith("pass customer1: ") and lines[1].startswith("fail customer2: ")
    table = "\n".join(lines[2:])
    assert "single-advertiser" in table and "split brain: vr3 and vr4 hold 10.0.1.254" in table
    assert "customer1" not in table  # what passes is not in the table


def test_faults_show_on_the_right_group_and_host(lab_at_start: Lab) -> None:
    lab = lab_at_start
    lab.set_nic("vr4", up=True)
    try:
        code, document = check(lab)
    finally:
        lab.set_nic("vr4", up=False)
    fogs = by_fog(document)
    assert code == 1 and fogs["customer1"]["status"] == "pass"
    assert ("single-advertiser", None, "fail") in failing(fogs["customer2"]), fogs["customer2"]

    lab.set_fog_node("customer2", None)  # offline in clpstat, while vr3 still holds its gateway
    try:
        code, document = check(lab)
    finally:
        lab.set_fog_node("customer2", "node-a")
    fogs = by_fog(document)
    assert code == 1 and fogs["customer1"]["status"] == "pass"
    assert ("cluster-agreement", None, "fail") in failing(fogs["customer2"]), fogs["customer2"]

    lab.cut_off("node-a")  # a node both groups use: a warning on both, clpstat from node-b
    try:
        code, document = check(lab)
    finally:
        lab.restore("node-a")
    fogs = by_fog(document)
    assert code == 0, document  # warnings only
    for fog in FOGS:
        assert failing(fogs[fog]) == {("reachable", "node-a", "warn")}, fogs[fog]
    assert check(lab, "gw1", "--strict")[0] == 0  # node-a is back: nothing to warn about


def test_an_unknown_group_is_bad_input(lab_at_start: Lab, tmp_path: Path) -> None:
    done = lab_at_start.run("gw1", [TOOL, "--inventory", str(lab_at_start.inventory_dir), "check", "nosuch"])
    assert done.returncode == 2 and "failover group 'nosuch' is not in inventory" in done.stderr
    assert "Traceback" not in done.stderr


def test_a_standby_that_could_not_take_over_and_a_drifted_pair(lab_at_start: Lab) -> None:
    lab = lab_at_start
    lab.vtysh("vr4", "configure terminal", "router ospf", "no network 10.0.1.0/24 area 0")
    try:
        code, document = check(lab)
    finally:
        lab.vtysh("vr4", "configure terminal", "router ospf", "network 10.0.1.0/24 area 0")
    fogs = by_fog(document)
    assert code == 1 and fogs["customer1"]["status"] == "pass", fogs["customer1"]
    checks = {(c["name"], c["host"]): c for c in fogs["customer2"]["checks"]}
    assert checks[("standby-ready", "vr4")]["status"] == "fail"
    assert "does not cover 10.0.1.0/24" in checks[("standby-ready", "vr4")]["detail"]
    assert checks[("config-drift", "vr4")]["status"] == "warn"
    assert "only vr3: router ospf: network 10.0.1.0/24 area 0.0.0.0" in checks[("config-drift", "vr4")]["detail"]
    assert check(lab)[0] == 0  # put back: all passes again


def test_timers_over_the_groups_budget_warn_naming_the_timer(lab_at_start: Lab, tmp_path: Path) -> None:
    inventory = tmp_path / "inventory"
    shutil.copytree(lab_at_start.inventory_dir, inventory)
    groups = yaml.safe_load((inventory / "groups.yaml").read_text())
    groups["customer2"]["data"]["convergence_budget"] = 0.2
    (inventory / "groups.yaml").write_text(yaml.safe_dump(groups))
    done = lab_at_start.run("gw1", [TOOL, "--inventory", str(inventory), "check", "--json"], timeout=120)
    fogs = by_fog(json.loads(done.stdout))
    assert done.returncode == 0 and fogs["customer1"]["status"] == "pass"
    budget = next(c for c in fogs["customer2"]["checks"] if c["name"] == "convergence-budget")
    assert budget["status"] == "warn" and "over the budget of 0.2 s" in budget["detail"], budget
    assert "change " in budget["detail"] and "silent death" in budget["detail"]


def test_every_kind_of_router_passes_when_healthy(styled_lab: Lab) -> None:
    """A released standby is healthy whether its link is down (link style) or up without the address
    (NetworkManager style): the address is then in its keyfile, which standby-ready reads."""
    code, document = check(styled_lab)
    assert code == 0, [c for fog in document["fogs"] for c in fog["checks"] if c["status"] != "pass"]
    ready = [c for fog in document["fogs"] for c in fog["checks"] if c["name"] == "standby-ready"]
    assert {c["host"] for c in ready} == {"vr1", "vr2", "vr3", "vr4"} and all(c["status"] == "pass" for c in ready)
    standbys = {c["host"] for c in ready if c["detail"].startswith(("10.0.0.254 configured", "10.0.1.254 configured"))}
    assert standbys == {"vr2", "vr4"}, ready  # the standbys judged as standbys; every router has its item


def test_a_standby_without_router_ospf(lab_at_start: Lab) -> None:
    lab = lab_at_start
    lab.vtysh("vr4", "configure terminal", "no router ospf")
    try:
        code, document = check(lab)
    finally:
        lab.stop_daemon("vr4", "ospfd")  # ospfd starts again from its configuration file
        lab.start_daemon("vr4", "ospfd")
        lab.wait_converged(timeout=30)
        healed(lab)
    fogs = by_fog(document)
    assert code == 1 and fogs["customer1"]["status"] == "pass", fogs["customer1"]
    checks = {(c["name"], c["host"]): c for c in fogs["customer2"]["checks"]}
    assert checks[("reachable", "vr4")]["status"] == "pass"  # it answers: what it lacks is OSPF
    assert checks[("standby-ready", "vr4")]["status"] == "fail"
    assert "no router ospf" in checks[("standby-ready", "vr4")]["detail"]
    assert checks[("ospf-neighbors", "vr4")]["status"] == "fail"


def test_on_a_cluster_node_clpstat_is_read_there(lab_at_start: Lab) -> None:
    code, document = check(lab_at_start, "node-b")
    assert code == 0, document["summary"]
    nodes = {host: info for host, info in document["hosts"].items() if host.startswith("node-")}
    assert nodes == {"node-b": {"reachable": True, "seconds": None, "error": None}}  # node-a was never asked


def test_status_draws_one_group_and_says_what_is_wrong(lab_at_start: Lab) -> None:
    lab = lab_at_start
    argv = [TOOL, "--inventory", str(lab.inventory_dir), "status", "customer2"]
    done = lab.run("gw1", argv, timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.splitlines()[0] == (
        "customer2: VM network 10.0.1.0/24, gateway 10.0.1.254; clpstat on node-a: customer2 Online on node-a"
    )
    assert "| eth1 10.0.1.254/24 UP: holds the VM's" in done.stdout, done.stdout  # vr3, under node-a
    assert "runs customer2: the VM is here" in done.stdout
    lab.set_nic("vr4", up=True)
    try:
        wrong = lab.run("gw1", [*argv, "--json"], timeout=120)
    finally:
        lab.set_nic("vr4", up=False)
    picture = json.loads(wrong.stdout)
    assert wrong.returncode == 1 and picture["vm_side"] is None  # as check's: a check failed
    assert any("split brain" in line for line in picture["wrong"]), picture
    lab.cut_off("gw2")
    try:
        unread = lab.run("gw1", argv, timeout=120)
    finally:
        lab.restore("gw2")
    assert unread.returncode == 1 and "gw2" in unread.stdout


def test_a_drifted_configuration_is_a_warning_on_its_group_only(lab_at_start: Lab) -> None:
    lab = lab_at_start
    lab.vtysh("vr4", "configure terminal", "router ospf", "auto-cost reference-bandwidth 1000")
    try:
        code, document = check(lab)
    finally:
        lab.vtysh("vr4", "configure terminal", "router ospf", "no auto-cost reference-bandwidth")
    fogs = by_fog(document)
    assert code == 0 and fogs["customer1"]["status"] == "pass", fogs["customer1"]  # a warning does not fail
    assert failing(fogs["customer2"]) == {("config-drift", "vr4", "warn"), ("config-saved", "vr4", "warn")}, fogs[
        "customer2"
    ]  # the change was made with vtysh and not written: config-saved says so too
    drift = next(c for c in fogs["customer2"]["checks"] if c["name"] == "config-drift")
    assert "only vr4: router ospf: auto-cost reference-bandwidth 1000" in drift["detail"], drift
    assert check(lab, "gw1", "--strict")[0] == 0  # put back: nothing to warn about


def test_each_hosts_session_is_closed_once_it_is_read(lab_at_start: Lab) -> None:
    """check's reads (in one process inside gw1): every router and observer read, and no session of theirs still
    open once the reads are done (each closed as its host finished, not at the end of the run)."""
    runner = Path(__file__).with_name("observe_runner.py")
    argv = [sys.executable, str(runner), str(lab_at_start.inventory_dir)]
    done = lab_at_start.run("gw1", argv, timeout=120)
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    hosts = {"vr1", "vr2", "vr3", "vr4", "gw1", "gw2"}
    assert set(report["read"]) == hosts and report["errors"] == {}, report
    assert not hosts & set(report["open_after_reads"]), report
