"""A host asked for the routes of several VM networks reads its routing table once (one vtysh run, one parse),
never one look-up per network; a switch's one network is still looked up. Outputs are the lab's recordings."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from ospf_failover.errors import ParseError
from ospf_failover.models import Fact
from ospf_failover.parsers.route import parse_route_table, parse_routes
from ospf_failover.privileges import VTYSH_ARGUMENTS
from ospf_failover.runbooks.check.plan import OBSERVER_FACTS
from ospf_failover.tasks.router_state import Reads, router_commands, router_state
from ospf_failover.tasks.shell import CommandOutput

LAB = Path(__file__).resolve().parents[1] / "fixtures" / "frr-8.4-lab"
NETWORKS = [f"10.{i // 256}.{i % 256}.0/24" for i in range(1000)]  # 10.0.0.0/24, 10.0.1.0/24, ... as the lab's


def route_reads(commands: list[str]) -> list[str]:
    return [command for command in commands if "show ip route" in command]


@pytest.mark.parametrize(("suite", "table"), [("frr", "show ip route json"), ("quagga", "show ip route")])
def test_an_observer_of_a_thousand_groups_reads_its_table_once(suite: str, table: str) -> None:
    commands = router_commands(Reads(prefixes=tuple(NETWORKS), facts=OBSERVER_FACTS), suite=suite, vtysh="vtysh")
    assert route_reads(commands) == [f"vtysh -c '{table}'"], "one read of the table, not one per VM network"


def test_one_network_is_looked_up_not_read_from_the_table() -> None:
    commands = router_commands(Reads(prefixes=("10.0.0.0/24",)), suite="frr", vtysh="vtysh")
    assert commands == ["vtysh -c 'show ip route 10.0.0.0/24 json'"]


def test_sudo_admits_the_table_read() -> None:
    for suite in ("frr", "quagga"):
        (command,) = router_commands(Reads(prefixes=tuple(NETWORKS[:3])), suite=suite, vtysh="sudo -n /usr/bin/vtysh")
        arguments = command.split(" ", 3)[3].replace("'", "")
        assert re.match(VTYSH_ARGUMENTS, arguments), arguments


def test_the_table_read_gives_each_network_asked_and_nothing_else() -> None:
    """gw1's recorded table: each network asked gets exactly its routes (none: not in the table), the same as
    its own look-up answers; networks not asked are not in the state."""
    asked = ("10.0.0.0/24", "10.99.0.0/24", "10.0.1.0/24")
    reads = Reads(prefixes=asked, facts=(Fact.IP_FORWARDING,))
    commands = router_commands(reads, suite="frr", vtysh="vtysh")
    outputs = [
        CommandOutput(commands[0], (LAB / "vr1active_gw1_show_ip_route_json.txt").read_text(), 0),
        CommandOutput(commands[1], "1", 0),
    ]
    state = router_state(reads, outputs, platform="frr", host="gw1")
    assert list(state["routes"]) == list(asked)
    for prefix, looked_up in (("10.0.0.0/24", "10_0_0_0_24_json"), ("10.99.0.0/24", "10_99_0_0_24_json")):
        alone = parse_routes((LAB / f"vr1active_gw1_show_ip_route_{looked_up}.txt").read_text(), "frr")
        assert state["routes"][prefix] == alone, prefix
    assert state["ip_forwarding"] is True


def test_a_table_read_is_refused_when_it_is_not_a_table() -> None:
    lookup = (LAB / "vr1active_gw1_show_ip_route_10_0_0_0_24.txt").read_text()  # a look-up's detail form
    with pytest.raises(ParseError, match="Codes:"):
        parse_route_table(lookup, ["10.0.0.0/24"], "frr")
    with pytest.raises(ParseError, match="expected a list of routes"):
        parse_route_table('{"10.0.0.0/24": {"prefix": "10.0.0.0/24"}}', ["10.0.0.0/24"], "frr")
    with pytest.raises(ParseError, match="zebra is not running"):
        parse_route_table("zebra is not running\n", ["10.0.0.0/24"], "frr")


def test_quaggas_text_table_gives_each_network_as_its_look_up_would() -> None:
    """Quagga 0.99's table (a connected network with OSPF's own entry, an ECMP route): the same routes as the
    recorded look-ups of each network."""
    quagga = LAB.parent / "quagga-0.99"
    found = parse_route_table((quagga / "show_ip_route.txt").read_text(), ["10.0.12.0/24", "10.0.13.0/24"], "quagga")
    for prefix, case in (("10.0.12.0/24", "connected"), ("10.0.13.0/24", "ecmp")):
        looked_up = parse_routes((quagga / f"{case}_show_ip_route_{prefix[:-3].replace('.', '_')}_24.txt").read_text())
        assert [(r["protocol"], r["selected"], r["nexthops"]) for r in found[prefix]] == [
            (r["protocol"], r["selected"], r["nexthops"]) for r in looked_up
        ], prefix
