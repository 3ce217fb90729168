"""check at a thousand groups, without a network: its plan, judges and report grow linearly with the groups.

A synthetic fleet (100 groups per router pair, as the 1,000-customer lab has them, two observers serving every
group, one cluster) is planned, judged and reported at 250 and at 1,000 groups; four times the groups must cost
less than eight times the time (linear: 4; a scan per group over every group or host: 16).
"""

from __future__ import annotations

import ipaddress
import time
from pathlib import Path

from ospf_failover.engine import Run
from ospf_failover.inventory.schema import Fog
from ospf_failover.models import ClpstatStatus, NicState, Route, RouterState
from ospf_failover.parsers.ospf import parse_ospf_neighbors
from ospf_failover.runbooks.check.checks import judge_fog
from ospf_failover.runbooks.check.observe import Observed
from ospf_failover.runbooks.check.plan import CheckPlan, FogPlan, clusters_of
from ospf_failover.runbooks.check.report import CheckReport, document
from ospf_failover.runbooks.check.run import hosts_read, verdict

PER_PAIR = 100
OBSERVERS = ("gw1", "gw2")
NEIGHBORS = (
    Path(__file__).resolve().parents[1] / "fixtures" / "frr-8.4" / "vr2active_gw1_show_ip_ospf_neighbor_json.txt"
)


def network(number: int) -> ipaddress.IPv4Network:
    return ipaddress.IPv4Network((int(ipaddress.IPv4Address("10.0.0.0")) + (number << 8), 24))


def next_hop(router: str) -> str:
    return f"192.168.76.{int(router[2:])}"


def synthetic(groups: int) -> tuple[CheckPlan, Observed]:
    """``groups`` failover groups, each held by the first router of its pair, every host read."""
    fogs: list[FogPlan] = []
    for number in range(groups):
        pair, slot = divmod(number, PER_PAIR)
        routers = (f"vr{2 * pair + 1}", f"vr{2 * pair + 2}")
        subnet = network(number)
        fog = Fog(
            name=f"customer{number + 1}",
            vm_network=subnet,
            vm_gateway=subnet.network_address + 254,
            nic=f"eth1.{100 + slot}",
            pairing={"node-a": routers[0], "node-b": routers[1]},
            observers=OBSERVERS,
        )
        nics = {router: fog.nic for router in routers}
        fogs.append(FogPlan(fog=fog, nics=nics, next_hops={r: next_hop(r) for r in routers}, nic_files={}))
    plan = CheckPlan(fogs=tuple(fogs), clusters=clusters_of([fog.fog for fog in fogs]))
    neighbors = parse_ospf_neighbors(NEIGHBORS.read_text(), "frr")
    states = {host: RouterState(nics={}, routes={}, neighbors=neighbors) for host in plan.host_reads()}
    for part in fogs:
        holder, other = part.fog.routers
        states[holder]["nics"][part.nics[holder]] = nic_state(part.nics[holder], holds=True)
        states[other]["nics"][part.nics[other]] = nic_state(part.nics[other], holds=False)
        states[holder]["routes"][part.prefix] = [route(part.prefix, None, part.nics[holder])]
        for host in (other, *OBSERVERS):
            states[host]["routes"][part.prefix] = [route(part.prefix, next_hop(holder), "eth0")]
    status: ClpstatStatus = {
        "cluster": "cluster",
        "layout": "long",
        "servers": [],
        "groups": [{"name": fog.name, "status": "Online", "current": "node-a", "resources": []} for fog in fogs],
        "monitors": [],
    }
    return plan, Observed(states=states, seconds=dict.fromkeys(states, 0.1), clpstat={"node-a": status})


def nic_state(nic: str, *, holds: bool) -> NicState:
    addresses = ["10.0.0.254/24"] if holds else []
    return {"nic": nic, "exists": True, "up": holds, "lower_up": holds, "addresses": addresses, "has_gateway": holds}


def route(prefix: str, via: str | None, interface: str) -> Route:
    hop = {"ip": via, "interface": interface, "active": True, "directly_connected": via is None}
    protocol = "connected" if via is None else "ospf"
    return {
        "prefix": prefix,
        "protocol": protocol,
        "selected": True,
        "fib": True,
        "distance": 0 if via is None else 110,
        "metric": 0 if via is None else 20,
        "nexthops": [hop],  # type: ignore[list-item]
    }


def check_run(plan: CheckPlan, seen: Observed) -> dict[str, object]:
    """What run_check does after reading: judge every group, record its rows, draw the JSON document."""
    report = CheckReport()
    run = Run("check", [fog.name for fog in plan.fogs], [])
    report.hosts = hosts_read(plan, seen)
    for fog in plan.fogs:
        findings = judge_fog(fog, seen, clusters=plan.cluster_of(fog.fog.nodes[0]), node_of={"node-a": "node-a"}.get)
        report.findings[fog.name] = findings
        for finding in findings:
            run.add(fog.name, finding.check, finding.outcome, finding.detail, host=finding.host)
        run.finish_fog(fog.name, *verdict(findings, strict=False))
    run.close()
    return document(run, report)


def seconds(groups: int) -> float:
    """The least CPU of three runs (this process's: other load on the machine weighs less on it than on the
    clock): plan (reads merged, clusters), judges, rows and document over ``groups`` groups."""
    best = float("inf")
    for _ in range(3):
        start = time.process_time()
        plan, seen = synthetic(groups)
        check_run(plan, seen)
        best = min(best, time.process_time() - start)
    return best


def test_a_thousand_groups_are_planned_judged_and_reported_in_linear_time() -> None:
    small, large = seconds(250), seconds(1000)
    assert large < 8 * small, f"250 groups {small:.3f} s, 1,000 groups {large:.3f} s: {large / small:.1f} times"


def test_each_host_is_read_once_for_every_group_it_serves() -> None:
    plan, seen = synthetic(1000)
    reads = plan.host_reads()
    assert set(reads) == {f"vr{n}" for n in range(1, 21)} | set(OBSERVERS)
    assert all(len(reads[observer].prefixes) == 1000 for observer in OBSERVERS)
    assert all(len(reads[f"vr{n}"].nics) == PER_PAIR for n in range(1, 21))
    assert plan.clusters == (("node-a", "node-b"),)
    report = check_run(plan, seen)
    fogs = report["fogs"]
    assert isinstance(fogs, list) and len(fogs) == 1000
    assert len({len(fog["checks"]) for fog in fogs}) == 1, "every group gets the same items"
    first = [(row["name"], row["status"]) for row in fogs[0]["checks"]]
    hosts = {row["host"] for row in fogs[0]["checks"]}
    assert hosts == {None, "vr1", "vr2", "gw1", "gw2", "node-a", "node-b"}, hosts
    assert all([(row["name"], row["status"]) for row in fog["checks"]] == first for fog in fogs), "judged alike"
