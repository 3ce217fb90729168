"""Observers that play Cisco IOS and Junos over SSH (gw1 as ``cisco_ios``, gw2 as ``juniper_junos``), read by
netmiko's real drivers for those device types: session preparation, prompts, paging and command echo are theirs,
the answers the observers' real FRR state in the vendors' formats, read by the project's vendor readers.

The lab here is a module's own (prefix ``ofl-v<pid>-``), taken down whatever happens.
"""

from __future__ import annotations

import json
import os
import re
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from ospf_failover.errors import ParseError
from ospf_failover.parsers.vendors.dispatch import VendorPlatform, parse_vendor_ospf_neighbors, parse_vendor_routes
from ospf_failover.polling import wait_until
from ospf_failover_lab.lab import Lab
from ospf_failover_lab.played import TYPED_LOG

SESSION = Path(__file__).resolve().with_name("played_session.py")
TOOL = Path(sys.executable).with_name("ospf-failover")
PREFIX = f"ofl-v{os.getpid() % 100000}-"
PLATFORMS: dict[str, VendorPlatform] = {"gw1": "cisco_ios", "gw2": "juniper_junos"}
ROUTES = {"cisco_ios": "show ip route", "juniper_junos": "show route"}
ROUTE_OF = {"cisco_ios": "show ip route 10.0.0.0 255.255.255.0", "juniper_junos": "show route 10.0.0.0/24 exact"}
NEIGHBORS = {"cisco_ios": "show ip ospf neighbor", "juniper_junos": "show ospf neighbor"}


@pytest.fixture(scope="module")
def played_lab(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Lab]:
    if os.geteuid() != 0:
        pytest.skip("the rehearsal lab needs root (network namespaces, FRR, sshd): run the suite as root")
    directory = tmp_path_factory.mktemp("played") / "lab"
    built = Lab.up(directory, customers=2, prefix=PREFIX, observer_platforms=dict(PLATFORMS), progress=print)
    try:
        yield built
    finally:
        built.down()


def session(lab: Lab, observer: str, device_type: str, *commands: str) -> dict[str, Any]:
    address = lab.topology.host(observer).mgmt_address
    argv = [sys.executable, str(SESSION), str(lab.directory), str(address), device_type, *commands]
    done = lab.run("node-a", argv, timeout=60)
    assert done.returncode == 0, done.stderr[-2000:]
    report: dict[str, Any] = json.loads(done.stdout)
    return report


def via(routes: list[Any], prefix: str) -> list[str]:
    """The next hops of the selected route to ``prefix`` (every one listed), as lab router names."""
    return sorted(
        hop["ip"] for route in routes if route["prefix"] == prefix and route["selected"] for hop in route["nexthops"]
    )


def test_the_inventory_names_the_played_platforms(played_lab: Lab) -> None:
    hosts = (played_lab.inventory_dir / "hosts.yaml").read_text()
    assert "gw1:\n  hostname: 192.168.75.1\n  groups:\n  - observers\n  platform: cisco_ios\n" in hosts, hosts
    assert "platform: juniper_junos" in hosts, hosts
    assert played_lab.observer_platforms == PLATFORMS


@pytest.mark.parametrize("observer", sorted(PLATFORMS))
def test_netmiko_driver_reads_routes_and_neighbours_of_the_real_state(played_lab: Lab, observer: str) -> None:
    """The driver logs in (prompt found, paging off), its answers parse into the same next hops and neighbours as
    the observer's own FRR shows."""
    lab, platform = played_lab, PLATFORMS[observer]
    report = session(lab, observer, platform, ROUTES[platform], ROUTE_OF[platform], NEIGHBORS[platform])
    prompt = {"cisco_ios": "gw1#", "juniper_junos": "observer@gw2>"}[platform]
    assert report["prompt"] == prompt, report
    assert report["connect_seconds"] < 5, report
    outputs = report["outputs"]
    table = parse_vendor_routes(outputs[ROUTES[platform]], platform)
    entry = parse_vendor_routes(outputs[ROUTE_OF[platform]], platform)
    frr = json.loads(lab.vtysh(observer, "show ip route json"))
    for customer in lab.topology.customers:
        own = sorted(hop["ip"] for route in frr[customer.network] if route.get("selected") for hop in route["nexthops"])
        assert via(table, customer.network) == own, (customer.network, outputs[ROUTES[platform]])
    assert via(entry, "10.0.0.0/24") == ["192.168.76.251"], outputs[ROUTE_OF[platform]]
    neighbors = parse_vendor_ospf_neighbors(outputs[NEIGHBORS[platform]], platform)
    own_neighbors = json.loads(lab.vtysh(observer, "show ip ospf neighbor json"))["neighbors"]
    assert sorted(n["neighbor_id"] for n in neighbors) == sorted(own_neighbors), outputs[NEIGHBORS[platform]]
    assert {n["state"] for n in neighbors} == {"Full"}, neighbors
    log = (lab.directory / f"{platform}-{lab.topology.host(observer).mgmt_address}.log").read_text()
    prepared = {"cisco_ios": "terminal length 0", "juniper_junos": "Screen length set to 0"}[platform]
    assert prepared in log, log[:1000]


def test_an_ecmp_route_shows_through_both_routers(played_lab: Lab) -> None:
    """vr2 holding customer1's gateway too: IOS lists both paths, Junos both ``to`` lines (one marked ``>``)."""
    lab = played_lab
    lab.set_nic("vr2", up=True)
    try:
        wait_until(
            lambda: (lab.route_carriers("gw2")["10.0.0.0/24"] == ["vr1", "vr2"], None, str(lab.route_carriers("gw2"))),
            what="ECMP on gw2",
            timeout=20,
        )
        for observer, platform in PLATFORMS.items():
            output = session(lab, observer, platform, ROUTE_OF[platform])["outputs"][ROUTE_OF[platform]]
            routes = parse_vendor_routes(output, platform)
            assert via(routes, "10.0.0.0/24") == ["192.168.76.251", "192.168.76.252"], output
    finally:
        lab.set_nic("vr2", up=False)
        lab.wait_converged(timeout=30)


@pytest.mark.parametrize(
    ("observer", "commands", "pager"),
    [
        ("gw1", ["terminal length 6", "show ip route"], "--More--"),
        ("gw2", ["show route"], "---(more"),
    ],
)
def test_paging_is_on_until_the_session_turns_it_off(
    played_lab: Lab, observer: str, commands: list[str], pager: str
) -> None:
    """A plain shell (no driver's session preparation) of 8 lines gets the pager; the reader refuses that text."""
    report = session(played_lab, observer, "--raw", "8", *commands)
    assert report["pager_prompts"] >= 1, report
    assert pager in report["text"], report
    answer = report["text"].split(commands[-1], 1)[1]
    with pytest.raises(ParseError, match="pager"):
        parse_vendor_routes(answer, PLATFORMS[observer])


def tool(lab: Lab, node: str, *args: str, timeout: float = 120) -> tuple[int, dict[str, Any]]:
    done = lab.run(node, [str(TOOL), "--inventory", str(lab.inventory_dir), *args, "--json"], timeout=timeout)
    assert "Traceback" not in done.stdout + done.stderr, done.stderr
    document: dict[str, Any] = json.loads(done.stdout)
    return done.returncode, document


def rows(document: dict[str, Any], step: str) -> dict[str, tuple[str, str]]:
    return {row["host"]: (row["outcome"], row["message"]) for row in document["steps"] if row["step"] == step}


def checks(document: dict[str, Any], fog: str, name: str) -> dict[str | None, tuple[str, str]]:
    found = next(f for f in document["fogs"] if f["name"] == fog)
    return {c["host"]: (c["status"], c["detail"]) for c in found["checks"] if c["name"] == name}


# What the tool may send an observer: its driver's session commands, the read commands, exit (and Return).
SENT = {
    "cisco_ios": re.compile(
        r"^(?:|terminal width 511|terminal length 0|exit|show ip route \d+\.\d+\.\d+\.\d+ \d+\.\d+\.\d+\.\d+"
        r"|show ip ospf neighbor)$"
    ),
    "juniper_junos": re.compile(
        r"^(?:|set cli screen-width 511|set cli complete-on-space off|set cli screen-length 0|exit"
        r"|show route \d+\.\d+\.\d+\.\d+/\d+ exact table inet\.0|show ospf neighbor)$"
    ),
}


def typed(lab: Lab, observer: str) -> list[str]:
    """Every line the played CLI of ``observer`` was sent so far."""
    log = lab.host_dir(observer) / TYPED_LOG
    return log.read_text().splitlines() if log.exists() else []


def test_switch_and_check_read_the_played_observers_and_find_a_route_left_on_the_old_router(played_lab: Lab) -> None:
    """A switch to node-b verified through gw1 (IOS) and gw2 (Junos); check passes their routes and adjacencies
    and says their timers are not judged; vr1 brought up again by hand leaves the route on the old router: both
    observers route via both, and check and verify say so for each. Only read commands reached the observers."""
    lab = played_lab
    before = {observer: len(typed(lab, observer)) for observer in PLATFORMS}
    try:
        lab.set_fog_node("customer1", "node-b")  # what ECX records when it starts the group there
        code, switched = tool(lab, "node-b", "switch", "customer1", "--node", "node-b")
        assert code == 0, switched
        verified = rows(switched, "verify")
        for observer in PLATFORMS:
            outcome, message = verified[observer]
            # a played CLI takes a while to log into: its first read may come after the route moved, and says so
            moved = ("10.0.0.0/24 via 192.168.76.252 (after ", "10.0.0.0/24 via 192.168.76.252 (first read at ")
            assert outcome == "PASS" and message.startswith(moved), verified
        code, healthy = tool(lab, "node-b", "check", "customer1")
        assert code == 0, healthy
        routes = checks(healthy, "customer1", "observer-route")
        assert {h: routes[h] for h in PLATFORMS} == {h: ("pass", "10.0.0.0/24 via 192.168.76.252") for h in PLATFORMS}
        adjacent = checks(healthy, "customer1", "ospf-neighbors")
        assert {h: adjacent[h] for h in PLATFORMS} == {h: ("pass", "adjacent to vr1, vr2") for h in PLATFORMS}
        budget = checks(healthy, "customer1", "convergence-budget")[None]
        assert budget[0] == "warn" and "gw1, gw2 not judged" in budget[1], budget

        lab.set_nic("vr1", up=True)  # the old router takes the gateway again by hand
        wait_until(
            lambda: (lab.route_carriers("gw2")["10.0.0.0/24"] == ["vr1", "vr2"], None, str(lab.route_carriers("gw2"))),
            what="both routers advertising",
            timeout=20,
        )
        code, split = tool(lab, "node-b", "check", "customer1")
        assert code == 1, split
        routes = checks(split, "customer1", "observer-route")
        assert routes["gw1"] == ("fail", "10.0.0.0/24 via 192.168.76.251 and 192.168.76.252"), routes
        assert routes["gw2"][0] == "fail" and "192.168.76.251 and 192.168.76.252" in routes["gw2"][1], routes
        code, verify = tool(lab, "node-b", "verify", "customer1", "--node", "node-b", "--timeout", "5")
        assert code == 3, verify
        found = rows(verify, "verify")
        for observer in PLATFORMS:
            outcome, message = found[observer]
            assert outcome == "FAIL" and message.startswith("split brain: 10.0.0.0/24 via 192.168.76.251 and "), found
        for observer, platform in PLATFORMS.items():
            sent = typed(lab, observer)[before[observer] :]
            assert any(line.startswith("show ") for line in sent), sent
            assert [line for line in sent if not SENT[platform].match(line)] == [], sent
    finally:
        lab.reset()


def test_a_played_observer_with_another_host_key_is_refused(played_lab: Lab) -> None:
    """The driver's session is refused as every session is: the host key error says so, never a timeout."""
    lab = played_lab
    lab.change_host_key("gw2")
    try:
        code, verified = tool(lab, "node-a", "verify", "customer1", "--node", "node-a", "--timeout", "10")
        assert code == 3, verified
        outcome, message = rows(verified, "verify")["gw2"]
        assert outcome == "FAIL" and "host key does not match the inventory's known_hosts" in message, message
        assert rows(verified, "verify")["gw1"][0] == "PASS", verified
    finally:
        lab.restore_host_key("gw2")
