"""Each task against the lab over real SSH, run from inside cluster node node-b's namespace."""

from __future__ import annotations

import json
import shutil
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from ospf_failover.polling import wait_until
from ospf_failover_lab.lab import Lab

RUNNER = Path(__file__).resolve().with_name("task_runner.py")
PREFIX = "10.0.0.0/24"
GATEWAY = "10.0.0.254"


def run_task(lab: Lab, host: str, task: str, *, node: str = "node-b", dry_run: bool = False, **kwargs: Any) -> Any:
    argv = [sys.executable, str(RUNNER), str(lab.inventory_dir), host, task, json.dumps(kwargs)]
    done = lab.run(node, [*argv, *(["--dry-run"] if dry_run else [])], timeout=60)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def next_hops(outcome: Any) -> list[str]:
    assert outcome["ok"], outcome
    selected = [route for route in outcome["result"] if route["selected"]]
    return sorted(hop["ip"] for route in selected for hop in route["nexthops"] if hop["ip"])


def test_nic_toggled_and_read_back(lab_at_start: Lab) -> None:
    lab = lab_at_start
    before = run_task(lab, "vr2", "read_nic_state", nic="eth1", gateway=GATEWAY)
    assert before["ok"] and before["result"]["up"] is False and before["result"]["has_gateway"] is False

    dry = run_task(lab, "vr2", "set_nic_state", dry_run=True, nic="eth1", up=True, gateway=GATEWAY)
    assert dry["ok"] and dry["changed"] is True and "dry run" in dry["diff"]
    assert run_task(lab, "vr2", "read_nic_state", nic="eth1", gateway=GATEWAY)["result"]["up"] is False

    up = run_task(lab, "vr2", "set_nic_state", nic="eth1", up=True, gateway=GATEWAY)
    assert up["ok"] and up["changed"] is True, up
    assert up["diff"] == "eth1: down -> up with gateway"
    assert up["result"]["announced"] is True  # the lab's routers announce with arping
    again = run_task(lab, "vr2", "set_nic_state", nic="eth1", up=True, gateway=GATEWAY)
    assert again["ok"] and again["changed"] is False

    down = run_task(lab, "vr2", "set_nic_state", nic="eth1", up=False, gateway=GATEWAY)
    assert down["ok"] and down["changed"] is True and down["diff"] == "eth1: up with gateway -> down"
    after = run_task(lab, "vr2", "read_nic_state", nic="eth1", gateway=GATEWAY)
    assert after["result"]["up"] is False


def test_missing_nic_is_a_failure_not_a_change(lab_at_start: Lab) -> None:
    outcome = run_task(lab_at_start, "vr2", "set_nic_state", nic="eth9", up=True, gateway=GATEWAY)
    assert not outcome["ok"] and "eth9 does not exist" in outcome["error"]


def test_ospf_neighbours_on_frr(lab_at_start: Lab) -> None:
    outcome = run_task(lab_at_start, "vr1", "read_ospf_neighbors")
    assert outcome["ok"], outcome
    by_id = {n["neighbor_id"]: n for n in outcome["result"]}
    assert by_id["192.168.76.1"]["state"] == "Full", by_id
    assert by_id["192.168.76.1"]["interface"] == "eth0"
    assert {n["state"] for n in outcome["result"]} <= {"Full", "2-Way"}


def test_route_lookup_before_and_after_a_nic_move(lab_at_start: Lab) -> None:
    lab = lab_at_start
    assert next_hops(run_task(lab, "gw1", "read_route", prefix=PREFIX)) == ["192.168.76.251"]
    lab.set_nic("vr1", up=False)
    lab.set_nic("vr2", up=True)

    def moved() -> tuple[bool, list[str], str]:
        hops = next_hops(run_task(lab, "gw1", "read_route", prefix=PREFIX))
        return hops == ["192.168.76.252"], hops, f"gw1 via {hops}"

    wait_until(moved, what="gw1's route moving to vr2", timeout=20, interval=0.2)


def test_missing_route_is_an_empty_list(lab_at_start: Lab) -> None:
    outcome = run_task(lab_at_start, "gw1", "read_route", prefix="10.99.0.0/24")
    assert outcome["ok"] and outcome["result"] == []


def test_batched_read_of_a_router(lab_at_start: Lab) -> None:
    outcome = run_task(
        lab_at_start,
        "vr1",
        "read_router_state",
        nics=[{"nic": "eth1", "gateway": GATEWAY}],
        prefixes=[PREFIX],
        facts=["ospf-neighbors"],
    )
    assert outcome["ok"], outcome
    state = outcome["result"]
    assert state["nics"]["eth1"]["has_gateway"] is True
    assert state["routes"][PREFIX][0]["protocol"] in {"connected", "ospf"}
    assert any(route["protocol"] == "connected" and route["selected"] for route in state["routes"][PREFIX])
    assert state["neighbors"]


def test_config_fetch(lab_at_start: Lab) -> None:
    outcome = run_task(lab_at_start, "vr1", "fetch_config", nics=["eth1"])
    assert outcome["ok"], outcome
    running = outcome["result"]["running-config"]
    assert "router ospf" in running and "hostname vr1" in running
    assert "Building configuration" in running


def test_vtysh_error_is_raised_not_parsed(lab_at_start: Lab) -> None:
    lab = lab_at_start
    lab.stop_daemon("gw2", "ospfd")
    try:
        outcome = run_task(lab, "gw2", "read_ospf_neighbors")
    finally:
        lab.start_daemon("gw2", "ospfd")
    assert not outcome["ok"] and outcome["error_type"] == "VtyshError", outcome
    assert "ospfd is not running" in outcome["error"] and "gw2" in outcome["error"]


def test_unreachable_host_fails_within_its_timeout(lab_at_start: Lab) -> None:
    lab = lab_at_start
    lab.cut_off("vr2")
    try:
        outcome = run_task(lab, "vr2", "open_session")
    finally:
        lab.restore("vr2")
    assert not outcome["ok"] and outcome["error_type"] == "ConnectTimeout", outcome
    assert "TimeoutError" in outcome["error_types"]
    assert outcome["seconds"] < 5 + 5, "connect timeout is 5 s in the lab inventory"


def test_host_key_mismatch_is_refused(lab_at_start: Lab) -> None:
    lab = lab_at_start
    lab.change_host_key("vr2")
    try:
        outcome = run_task(lab, "vr2", "read_nic_state", nic="eth1", gateway=GATEWAY)
    finally:
        lab.restore_host_key("vr2")
    assert not outcome["ok"] and outcome["error_type"] == "HostKeyError", outcome
    assert "host key" in outcome["error"] and "does not match" in outcome["error"]


def test_clpstat_local_and_over_ssh(lab_at_start: Lab) -> None:
    local = run_task(lab_at_start, "node-b", "read_clpstat", local=True)
    assert local["ok"], local
    servers = {s["name"]: s["local"] for s in local["result"]["status"]["servers"]}
    assert servers == {"node-a": False, "node-b": True}
    remote = run_task(lab_at_start, "node-a", "read_clpstat", local=False)
    assert remote["ok"], remote
    assert {s["name"]: s["local"] for s in remote["result"]["status"]["servers"]} == {"node-a": True, "node-b": False}
    group = next(g for g in remote["result"]["status"]["groups"] if g["name"] == "customer1")
    assert group["current"] == "node-a"


def test_clpstat_busy_is_retried(lab_at_start: Lab) -> None:
    lab_at_start.set_clpstat(busy=3)
    try:
        outcome = run_task(lab_at_start, "node-a", "read_clpstat", local=False, retry_interval=0.2)
    finally:
        lab_at_start.set_clpstat()
    assert outcome["ok"] and outcome["result"]["attempts"] == 4, outcome


def test_clpstat_busy_beyond_the_bound(lab_at_start: Lab) -> None:
    lab_at_start.set_clpstat(busy=5)
    try:
        outcome = run_task(lab_at_start, "node-a", "read_clpstat", local=False, retry_interval=0.1, max_attempts=3)
    finally:
        lab_at_start.set_clpstat()  # two busy answers would be left for whoever asks next
    assert not outcome["ok"] and outcome["error_type"] == "ClpstatBusy", outcome


def test_clpstat_garbage_is_refused(lab_at_start: Lab) -> None:
    lab_at_start.set_clpstat(garbage=True)
    try:
        outcome = run_task(lab_at_start, "node-b", "read_clpstat", local=True)
    finally:
        lab_at_start.set_clpstat()
    assert not outcome["ok"] and outcome["error_type"] == "ParseError", outcome


@pytest.mark.parametrize("host", ["vr1", "gw1", "node-a"])
def test_one_session_per_host_opens_with_verified_key(lab_at_start: Lab, host: str) -> None:
    outcome = run_task(lab_at_start, host, "open_session")
    assert outcome["ok"], outcome
    assert outcome["result"] == host, outcome


@pytest.mark.parametrize(("bound", "serialized"), [(1, True), (2, False)])
def test_connects_in_flight_are_bounded(lab_at_start: Lab, tmp_path: Path, bound: int, serialized: bool) -> None:
    """Two unreachable hosts, connect timeout 2 s: one slot makes the second connect wait for the first."""
    lab = lab_at_start
    inventory = tmp_path / "inventory"
    shutil.copytree(lab.inventory_dir, inventory)
    defaults = yaml.safe_load((inventory / "defaults.yaml").read_text())
    defaults["data"]["max_connects_in_flight"] = bound
    defaults["connection_options"]["netmiko"]["extras"].update(conn_timeout=2, banner_timeout=2)
    (inventory / "defaults.yaml").write_text(yaml.safe_dump(defaults))
    try:
        lab.cut_off("gw1")
        lab.cut_off("gw2")
        argv = [sys.executable, str(RUNNER), str(inventory), "gw1,gw2", "open_session", "{}"]
        done = lab.run("node-b", argv, timeout=60)
    finally:
        lab.restore("gw1")
        lab.restore("gw2")
    outcome = json.loads(done.stdout)
    assert outcome["error_type"] == "ConnectTimeout", outcome
    if serialized:
        assert outcome["seconds"] >= 3.5, f"with one slot the two 2 s connects cannot overlap: {outcome['seconds']}"
    else:
        assert outcome["seconds"] < 3.5, f"with two slots the connects overlap: {outcome['seconds']}"
