"""Route reads grouped by vtysh run: FRR reads many prefixes per run (its JSON answers can be told apart),
Quagga one per run; every run's command line fits one terminal line."""

from __future__ import annotations

from ospf_failover.tasks.router_state import ROUTES_PER_VTYSH, route_command, route_reads
from ospf_failover.tasks.shell import vtysh_command
from ospf_failover.transport.batch import MAX_LINE, TOKEN_SHAPE, build_batch

PREFIXES = [f"10.{i // 256}.{i % 256}.0/24" for i in range(85)]


def test_frr_reads_up_to_forty_prefixes_per_vtysh_run_in_order() -> None:
    runs = route_reads("frr", PREFIXES)
    assert [len(run) for run in runs] == [ROUTES_PER_VTYSH, ROUTES_PER_VTYSH, 5]
    assert [prefix for run in runs for prefix in run] == PREFIXES
    assert route_reads("frr", PREFIXES[:1]) == [PREFIXES[:1]] and route_reads("frr", []) == []


def test_quagga_reads_one_prefix_per_run() -> None:
    assert route_reads("quagga", PREFIXES[:3]) == [[p] for p in PREFIXES[:3]]


def test_a_full_run_fits_one_terminal_line_even_through_sudo() -> None:
    longest = [f"10.255.{i}.0/24" for i in range(200, 200 + ROUTES_PER_VTYSH)]
    command = vtysh_command("sudo -n /usr/bin/vtysh", *(route_command("frr", prefix) for prefix in longest))
    assert len(build_batch([command], TOKEN_SHAPE)) < MAX_LINE
