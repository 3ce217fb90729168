"""OSPF in the lab: adjacencies, which router carries each VM network, and a NIC moved by hand."""

from __future__ import annotations

import json

from ospf_failover.polling import wait_until
from ospf_failover_lab.convergence import neighbor_states, route_next_hops
from ospf_failover_lab.lab import Lab


def next_hops(lab: Lab, observer: str, prefix: str) -> set[str]:
    return route_next_hops(json.loads(lab.vtysh(observer, f"show ip route {prefix} json")), prefix)


def wait_for_next_hops(lab: Lab, observer: str, prefix: str, expected: set[str], timeout: float) -> float:
    """Seconds until ``observer`` routes ``prefix`` via ``expected``; ConvergenceTimeout (what was seen last) if not."""

    def check() -> tuple[bool, set[str], str]:
        seen = next_hops(lab, observer, prefix)
        return seen == expected, seen, f"{observer}: {prefix} via {sorted(seen)}, expected {sorted(expected)}"

    return wait_until(check, what=f"{observer}'s route", timeout=timeout, interval=0.1).elapsed


def test_every_router_has_every_neighbour_full_or_two_way(lab_at_start: Lab) -> None:
    lab = lab_at_start
    routers = [h for h in lab.topology.hosts.values() if h.runs_frr]
    for host in routers:
        states = neighbor_states(json.loads(lab.vtysh(host.name, "show ip ospf neighbor json")))
        expected = {str(h.uplink_address) for h in routers} - {str(host.uplink_address)}
        assert set(states) == expected, f"{host.name} neighbours: {states}"
        bad = {rid: s for rid, s in states.items() if not s.startswith(("Full", "2-Way"))}
        assert not bad, f"{host.name}: neighbours neither Full nor 2-Way: {bad}"
        if host.role == "observer":
            assert all(s.startswith("Full") for s in states.values()), f"{host.name} (DR/BDR) must be Full: {states}"


def test_observers_route_each_vm_network_via_the_odd_router_at_start(lab_at_start: Lab) -> None:
    lab = lab_at_start
    for observer in ("gw1", "gw2"):
        assert next_hops(lab, observer, "10.0.0.0/24") == {"192.168.76.251"}
        assert next_hops(lab, observer, "10.0.1.0/24") == {"192.168.76.123"}
        assert lab.route_carriers(observer) == {"10.0.0.0/24": ["vr1"], "10.0.1.0/24": ["vr3"]}


def test_moving_the_nic_by_hand_moves_the_route_and_back(lab_at_start: Lab) -> None:
    lab = lab_at_start
    assert lab.run("vr1", ["ip", "link", "set", "dev", "eth1", "down"]).returncode == 0
    assert lab.run("vr2", ["ip", "link", "set", "dev", "eth1", "up"]).returncode == 0
    took = wait_for_next_hops(lab, "gw1", "10.0.0.0/24", {"192.168.76.252"}, timeout=5)
    wait_for_next_hops(lab, "gw2", "10.0.0.0/24", {"192.168.76.252"}, timeout=5)
    assert next_hops(lab, "gw1", "10.0.1.0/24") == {"192.168.76.123"}, "the other customer is not affected"
    address = lab.run("vr1", ["ip", "-o", "-4", "addr", "show", "dev", "eth1"]).stdout
    assert "10.0.0.254/24" in address, "the address stays configured on a NIC that is down"

    assert lab.run("vr2", ["ip", "link", "set", "dev", "eth1", "down"]).returncode == 0
    assert lab.run("vr1", ["ip", "link", "set", "dev", "eth1", "up"]).returncode == 0
    back = wait_for_next_hops(lab, "gw1", "10.0.0.0/24", {"192.168.76.251"}, timeout=5)
    print(f"gw1 moved to vr2 in {took:.2f} s and back in {back:.2f} s")


def test_a_stopped_ospfd_is_reported_by_vtysh_and_comes_back(lab_at_start: Lab) -> None:
    lab = lab_at_start
    lab.stop_daemon("vr2", "ospfd")
    try:
        assert lab.daemon_pid("vr2", "ospfd") is None
        done = lab.run("vr2", ["vtysh", "-c", "show ip ospf neighbor"])
        assert "ospfd is not running" in done.stdout + done.stderr
    finally:
        lab.start_daemon("vr2", "ospfd")
    assert lab.daemon_pid("vr2", "ospfd") is not None
    lab.wait_converged(timeout=20)
