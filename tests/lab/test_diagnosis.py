"""Diagnosis an operator can trust, in the session lab's two failover groups: each fault named once as the cause
on the right group, its consequences pointing to it, no false pass or fail, the healthy group passing in the
same run; the same (check, host) items whatever the faults; the monitoring formats."""

from __future__ import annotations

import json
import shutil
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import yaml
from prometheus_client.parser import text_string_to_metric_families

from ospf_failover.polling import wait_until
from ospf_failover_lab.lab import Lab

TOOL = str(Path(sys.executable).with_name("ospf-failover"))


def check(lab: Lab, *args: str, inventory: Path | None = None) -> tuple[int, dict[str, Any]]:
    """check --json, run inside gw1 (not a cluster node: clpstat is asked over SSH)."""
    argv = [TOOL, "--inventory", str(inventory or lab.inventory_dir), "check", *args, "--json"]
    done = lab.run("gw1", argv, timeout=120)
    assert "Traceback" not in done.stdout + done.stderr, done.stderr
    document: dict[str, Any] = json.loads(done.stdout)
    return done.returncode, document


def by_fog(document: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {fog["name"]: fog for fog in document["fogs"]}


def items(document: dict[str, Any]) -> dict[str, list[tuple[str, str | None]]]:
    return {fog["name"]: [(c["name"], c["host"]) for c in fog["checks"]] for fog in document["fogs"]}


def checks(fog: dict[str, Any]) -> dict[tuple[str, str | None], dict[str, Any]]:
    return {(c["name"], c["host"]): c for c in fog["checks"]}


def copied(lab: Lab, tmp_path: Path, file: str, change: Callable[[dict[str, Any]], None]) -> Path:
    inventory = tmp_path / "inventory"
    shutil.copytree(lab.inventory_dir, inventory)
    content = yaml.safe_load((inventory / file).read_text())
    change(content)
    (inventory / file).write_text(yaml.safe_dump(content))
    return inventory


def one_cause_explains_every_fault(fog: dict[str, Any], cause: str) -> None:
    assert fog["causes"] == [cause], fog["causes"]
    for item in fog["checks"]:
        assert item["cause"] == (None if item["status"] == "pass" else cause), item
        for wording in ("cannot parse", "cannot tell", "needs at least two routers", "JSON"):
            assert wording not in item["detail"], item


def test_a_misspelt_host_key_is_refused_naming_the_likely_key(lab_at_start: Lab, tmp_path: Path) -> None:
    def misspell(hosts: dict[str, Any]) -> None:
        hosts["vr4"]["data"]["ospf_adress"] = hosts["vr4"]["data"].pop("ospf_address")

    inventory = copied(lab_at_start, tmp_path, "hosts.yaml", misspell)
    done = lab_at_start.run("gw1", [TOOL, "--inventory", str(inventory), "inventory", "validate"], timeout=60)
    assert done.returncode == 2, done.stdout + done.stderr
    assert "vr4.data.ospf_adress: unknown data key 'ospf_adress': did you mean 'ospf_address'?" in done.stderr
    assert "Traceback" not in done.stderr


def test_a_standby_whose_host_key_changed(lab_at_start: Lab) -> None:
    lab_at_start.change_host_key("vr4")
    try:
        code, document = check(lab_at_start)
    finally:
        lab_at_start.restore_host_key("vr4")
    fogs = by_fog(document)
    assert code == 1 and fogs["customer1"]["status"] == "pass", fogs["customer1"]
    customer2 = fogs["customer2"]
    one_cause_explains_every_fault(customer2, "vr4: not read: host key changed")
    found = checks(customer2)
    for observer in ("gw1", "gw2"):  # vr3 holds the gateway and both route via vr3: right, not "no single router"
        assert found[("observer-route", observer)]["status"] == "pass", found[("observer-route", observer)]
    budget = found[("convergence-budget", None)]
    assert budget["status"] == "warn" and budget["detail"] == "not judged: vr4: not read: host key changed"
    assert found[("reachable", "vr4")]["status"] == "fail" and "host key" in found[("reachable", "vr4")]["detail"]


def test_a_standby_without_router_ospf_is_one_cause(lab_at_start: Lab) -> None:
    lab = lab_at_start
    lab.vtysh("vr4", "configure terminal", "no router ospf")
    try:
        code, document = check(lab)
    finally:
        lab.stop_daemon("vr4", "ospfd")  # ospfd starts again from its configuration file
        lab.start_daemon("vr4", "ospfd")
        lab.wait_converged(timeout=30)
    fogs = by_fog(document)
    assert code == 1 and fogs["customer1"]["status"] == "pass", fogs["customer1"]
    one_cause_explains_every_fault(fogs["customer2"], "vr4: no OSPF process")
    found = checks(fogs["customer2"])
    assert found[("reachable", "vr4")]["status"] == "pass"  # it answers: what it lacks is OSPF
    assert found[("standby-ready", "vr4")]["status"] == "fail"
    assert found[("config-drift", "vr4")]["detail"] == "not judged: vr4: no OSPF process"
    assert found[("convergence-budget", None)]["detail"] == "not judged: vr4: no OSPF process"
    assert found[("config-saved", "vr4")]["status"] == "warn"  # made with vtysh, not written: lost at a restart


def test_the_bdr_cut_off_is_a_warning_on_the_routers(lab_at_start: Lab) -> None:
    lab = lab_at_start
    lab.cut_off("gw2")  # the uplink's BDR (priority 254; the routers, priority 0, cannot take its place)
    try:

        def bdr_gone() -> tuple[bool, dict[str, Any], str]:
            _, document = check(lab)
            routers = [checks(by_fog(document)["customer1"])[("ospf-neighbors", r)]["status"] for r in ("vr1", "vr2")]
            return routers == ["warn", "warn"], document, f"vr1, vr2 ospf-neighbors: {routers}"

        document = wait_until(bdr_gone, what="the routers warning of no BDR", timeout=30, interval=1.0).value
    finally:
        lab.restore("gw2")
    segment = "segment 192.168.76.0/24 has no BDR (gone, or no router there may be elected)"
    for fog in by_fog(document).values():
        found = checks(fog)
        routers = [r for (name, r) in found if name == "ospf-neighbors" and r not in ("gw1", "gw2")]
        assert all(found[("ospf-neighbors", r)]["cause"] == segment for r in routers), fog
        assert found[("reachable", "gw2")]["status"] == "fail"
        assert segment in fog["causes"] and "gw2: not read: no SSH answer within the connect timeout" in fog["causes"]


def test_a_wrong_vm_gateway_is_named_as_a_likely_mistake(lab_at_start: Lab, tmp_path: Path) -> None:
    def wrong(groups: dict[str, Any]) -> None:
        groups["customer2"]["data"]["vm_gateway"] = "10.0.1.253"

    code, document = check(lab_at_start, inventory=copied(lab_at_start, tmp_path, "groups.yaml", wrong))
    fogs = by_fog(document)
    assert code == 1 and fogs["customer1"]["status"] == "pass", fogs["customer1"]
    mistake = (
        "vm_gateway 10.0.1.253 is on no router; eth1 on vr3 carries 10.0.1.254/24: is vm_gateway in the "
        "inventory right?"
    )
    one_cause_explains_every_fault(fogs["customer2"], mistake)
    found = checks(fogs["customer2"])
    assert found[("observer-route", "gw1")]["status"] == "pass"  # the VM is routed normally: via vr3
    assert not any("outage" in c["detail"] for c in fogs["customer2"]["checks"])


def test_a_change_not_saved_is_a_config_saved_warning(lab_at_start: Lab) -> None:
    lab = lab_at_start
    lab.vtysh("vr4", "configure terminal", "router ospf", "auto-cost reference-bandwidth 1000")
    try:
        code, document = check(lab)
    finally:
        lab.vtysh("vr4", "configure terminal", "router ospf", "no auto-cost reference-bandwidth")
    fogs = by_fog(document)
    assert code == 0 and fogs["customer1"]["status"] == "pass", fogs["customer1"]  # warnings only
    saved = checks(fogs["customer2"])[("config-saved", "vr4")]
    assert saved["status"] == "warn" and saved["detail"] == (
        "running configuration not saved (lost at a restart): only running: router ospf: auto-cost "
        "reference-bandwidth 1000"
    )
    assert checks(fogs["customer2"])[("config-saved", "vr3")]["status"] == "pass"
    assert check(lab, "--strict")[0] == 0  # undone: running and saved agree again


def test_the_items_are_the_same_whatever_the_faults(lab_at_start: Lab, tmp_path: Path) -> None:
    lab = lab_at_start
    _, healthy = check(lab)
    runs: dict[str, dict[str, Any]] = {}
    lab.set_nic("vr4", up=True)
    try:
        runs["split brain"] = check(lab)[1]
    finally:
        lab.set_nic("vr4", up=False)
    lab.cut_off("gw2")
    try:
        runs["observer cut off"] = check(lab)[1]
    finally:
        lab.restore("gw2")
    lab.change_host_key("vr4")
    try:
        runs["bad host key"] = check(lab)[1]
    finally:
        lab.restore_host_key("vr4")
    lab.set_clpstat(garbage=True)
    try:
        runs["clpstat garbage"] = check(lab)[1]
    finally:
        lab.set_clpstat()

    def short(defaults: dict[str, Any]) -> None:
        defaults["data"]["timeouts"]["command"] = 0.5

    runs["short timeout"] = check(lab, inventory=copied(lab, tmp_path, "defaults.yaml", short))[1]
    assert {len(found) for found in items(healthy).values()} == {28}  # privileges: one item per host, 6
    for fault, document in runs.items():
        assert items(document) == items(healthy), fault
    assert by_fog(runs["split brain"])["customer2"]["causes"][0] == "split brain: vr3 and vr4 hold 10.0.1.254"


def test_clpstat_busy_is_said_as_such_and_asked_once(lab_at_start: Lab) -> None:
    lab_at_start.set_clpstat(busy=1000)
    started = time.monotonic()
    try:
        code, document = check(lab_at_start)
    finally:
        lab_at_start.set_clpstat()
    seconds = time.monotonic() - started
    assert code == 0 and seconds < 18, f"{seconds:.1f} s: the busy cluster was asked on a second node"
    for fog in by_fog(document).values():
        found = checks(fog)
        assert found[("reachable", "node-a")] == {
            "name": "reachable",
            "host": "node-a",
            "status": "pass",
            "detail": "answered: clpstat busy",
            "cause": None,
        }
        agreement = found[("cluster-agreement", None)]
        assert (agreement["status"], agreement["detail"]) == ("warn", "not judged: clpstat busy on node-a")
        assert fog["causes"] == ["clpstat busy on node-a"]


def test_prometheus_file_and_nagios_line(lab_at_start: Lab) -> None:
    lab = lab_at_start
    target = lab.directory / "ospf_failover.prom"
    argv = [TOOL, "--inventory", str(lab.inventory_dir), "check", "--format", "prometheus", "--output", str(target)]
    lab.set_nic("vr4", up=True)
    try:
        written = lab.run("gw1", argv, timeout=120)
        nagios = lab.run(
            "gw1", [TOOL, "--inventory", str(lab.inventory_dir), "check", "--format", "nagios"], timeout=120
        )
    finally:
        lab.set_nic("vr4", up=False)
    assert written.returncode == 1 and written.stdout == "", written.stderr
    samples = {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(target.read_text())
        for sample in family.samples
    }
    assert samples[("ospf_failover_check_fog_status", (("fog", "customer1"),))] == 0
    assert samples[("ospf_failover_check_fog_status", (("fog", "customer2"),))] == 2
    assert (
        samples[("ospf_failover_check_status", (("check", "single-advertiser"), ("fog", "customer2"), ("host", "")))]
        == 2
    )
    assert samples[("ospf_failover_host_reachable", (("host", "vr4"),))] == 1
    first = nagios.stdout.splitlines()[0]
    assert nagios.returncode == 2 and first.startswith("OSPF-FAILOVER CRITICAL - 1 of 2 failover group(s)"), first
    assert "customer2 fail: split brain: vr3 and vr4 hold 10.0.1.254" in first and " | " in first
    healthy = lab.run("gw1", [TOOL, "--inventory", str(lab.inventory_dir), "check", "--format", "nagios"], timeout=120)
    assert healthy.returncode == 0 and healthy.stdout.startswith("OSPF-FAILOVER OK - "), healthy.stdout
