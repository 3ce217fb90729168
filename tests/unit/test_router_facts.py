"""The facts read_router_state hands to the judges, built from recorded outputs by the task's own pure half
(router_commands -> the outputs -> router_state): each parsed once into its declared shape, or NotRead saying
why in an operator's words, the reason said once."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from ospf_failover.errors import CommandFailed, ParseError, VtyshError
from ospf_failover.inventory import load_inventory
from ospf_failover.models import Fact, NotRead, Platform
from ospf_failover.parsers.nic_config import parse_ip_forward
from ospf_failover.parsers.ospf import parse_ospf_neighbors
from ospf_failover.parsers.ospf_config import OspfConfig
from ospf_failover.parsers.ospf_timers import parse_ospf_interfaces, parse_ospf_process
from ospf_failover.runbooks.check.plan import plan_check
from ospf_failover.tasks.router_state import (
    NicProbe,
    Reads,
    read_fact,
    read_nic_config,
    router_commands,
    router_state,
)
from ospf_failover.tasks.shell import CommandOutput, read_file_command

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
LAB = FIXTURES / "frr-8.4-lab"
KEYFILE = "/run/NetworkManager/system-connections/eth1.nmconnection"
PREFIX = "10.0.0.0/24"

# vr1 in the lab, holding customer1's gateway: each command read_router_state sends, with what vr1 answered.
VR1_ANSWERS = {
    "ip -o link show dev eth1": "vr1active_vr1_ip_-o_link_show_dev_eth1.txt",
    "ip -o -4 addr show dev eth1": "vr1active_vr1_ip_-o_-4_addr_show_dev_eth1.txt",
    "vtysh -c 'show ip route 10.0.0.0/24 json'": "vr1active_vr1_show_ip_route_10_0_0_0_24_json.txt",
    "vtysh -c 'show ip ospf neighbor json'": "vr1active_vr1_show_ip_ospf_neighbor_json.txt",
    "vtysh -c 'show running-config'": "vr1active_vr1_show_running-config.txt",
    "vtysh -c 'show ip ospf json'": "vr1active_vr1_show_ip_ospf_json.txt",
    "vtysh -c 'show ip ospf interface json'": "vr1active_vr1_show_ip_ospf_interface_json.txt",
    "cat /proc/sys/net/ipv4/ip_forward": "vr1active_vr1_cat__proc_sys_net_ipv4_ip_forward.txt",
    read_file_command(KEYFILE): "vr1active_vr1_cat__run_NetworkManager_system-connections_eth1_nmconnection.txt",
}


def answer(command: str, text: str, exit_status: int = 0) -> CommandOutput:
    return CommandOutput(command=command, output=text, exit_status=exit_status)


def test_one_round_trip_of_recorded_answers_gives_every_fact_in_its_shape() -> None:
    reads = Reads(
        nics=(NicProbe("eth1", "10.0.0.254"),),
        prefixes=(PREFIX,),
        facts=(Fact.OSPF_NEIGHBORS, Fact.OSPF_CONFIG, Fact.OSPF_PROCESS, Fact.OSPF_INTERFACES, Fact.IP_FORWARDING),
        nic_files=(KEYFILE,),
    )
    commands = router_commands(reads, suite="frr", vtysh="vtysh")
    assert commands == list(VR1_ANSWERS), "the commands, in the order router_state reads their outputs"
    outputs = [answer(command, (LAB / VR1_ANSWERS[command]).read_text().strip("\n")) for command in commands]
    state = router_state(reads, outputs, platform="frr", host="vr1")
    assert state["nics"]["eth1"]["has_gateway"] is True
    assert any(route["protocol"] == "connected" and route["selected"] for route in state["routes"][PREFIX])
    neighbors = state["neighbors"]
    assert isinstance(neighbors, list) and {n["neighbor_id"] for n in neighbors if n["state"] == "Full"} == {
        "192.168.76.1",
        "192.168.76.2",
    }
    config = state.get("ospf_config")
    assert isinstance(config, OspfConfig) and config.router_ospf and config.covers(PREFIX).covered
    process = state.get("ospf_process")
    assert isinstance(process, dict) and process["lsa_min_arrival_ms"] >= 0
    interfaces = state.get("ospf_interfaces")
    assert isinstance(interfaces, list) and "eth1" in {i["interface"] for i in interfaces}
    assert state.get("ip_forwarding") is True
    keyfile = state.get("nic_configs", {})[KEYFILE]
    assert not isinstance(keyfile, NotRead) and keyfile["addresses"] == ["10.0.0.254/24"]
    assert not keyfile["starts_at_boot"]


def test_a_host_of_many_groups_sends_each_fact_once(two_groups_inventory: Path) -> None:
    """Two groups on the same routers: one running configuration, one neighbour table per router and run."""
    plan = plan_check(load_inventory(two_groups_inventory), [])
    assert len(plan.fogs) == 2
    commands = router_commands(plan.host_reads()["vr1"], suite="frr", vtysh="vtysh")
    assert commands.count("vtysh -c 'show running-config'") == 1
    assert commands.count("vtysh -c 'show ip ospf neighbor json'") == 1


@pytest.mark.parametrize(
    ("recorded", "fact", "reason", "cause"),
    [
        (
            "frr-8.4-lab/ospfddown_gw2_show_ip_ospf_neighbor_json.txt",
            Fact.OSPF_NEIGHBORS,
            "ospfd is not running",
            VtyshError,
        ),
        (
            "frr-8.4/ospfunconfigured_vr1_show_ip_ospf_neighbor.txt",
            Fact.OSPF_NEIGHBORS,
            "no OSPF process (vtysh: % OSPF is not enabled in vrf default)",
            VtyshError,
        ),
        (
            "frr-8.4/ospfunconfigured_vr1_show_ip_ospf_neighbor_json.txt",
            Fact.OSPF_NEIGHBORS,
            "no OSPF process (vtysh answers {})",
            ParseError,
        ),
        (
            "quagga-0.99.22/ospfunconfigured_r1_show_ip_ospf.txt",
            Fact.OSPF_PROCESS,
            "no OSPF process (vtysh: OSPF Routing Process not enabled)",
            ParseError,
        ),
    ],
)
def test_no_ospf_is_said_in_words_and_the_error_is_kept_for_the_task(
    recorded: str, fact: Fact, reason: str, cause: type[Exception]
) -> None:
    platform: Platform = "quagga" if recorded.startswith("quagga") else "frr"
    parsers = {
        Fact.OSPF_NEIGHBORS: lambda text: parse_ospf_neighbors(text, platform),
        Fact.OSPF_PROCESS: lambda text: parse_ospf_process(text, platform=platform),
    }
    output = answer("vtysh -c 'show ip ospf'", (FIXTURES / recorded).read_text())
    found = read_fact(fact, output, parsers[fact], host="gw2")
    assert isinstance(found, NotRead) and (found.fact, found.reason, found.absent) == (fact, reason, False)
    assert isinstance(found.cause, cause), found.cause


def parse_ospf_interfaces_frr(text: str) -> object:
    return parse_ospf_interfaces(text, platform="frr")


def test_a_refused_output_says_the_parsers_reason_once() -> None:
    tuned = (LAB / "tuned_vr2_show_ip_ospf_interface.txt").read_text()
    found = read_fact(
        Fact.OSPF_INTERFACES, answer("vtysh", tuned + "\nnonsense"), parse_ospf_interfaces_frr, host="vr2"
    )
    assert isinstance(found, NotRead) and isinstance(found.cause, ParseError)
    assert "cannot parse" not in found.reason and found.cause.reason in found.reason
    assert found.reason.startswith("the OSPF interfaces not understood at line ")


def test_a_command_that_fails_is_said_with_its_first_line() -> None:
    denied = answer("cat /proc/sys/net/ipv4/ip_forward", "cat: /proc/sys/net/ipv4/ip_forward: Permission denied", 1)
    found = read_fact(Fact.IP_FORWARDING, denied, parse_ip_forward, host="vr1")
    assert isinstance(found, NotRead) and isinstance(found.cause, CommandFailed)
    assert found.reason == "IP forwarding could not be read: cat: /proc/sys/net/ipv4/ip_forward: Permission denied"


def run_in_sh(command: str) -> CommandOutput:
    done = subprocess.run(["sh", "-c", command], capture_output=True, text=True, timeout=10, check=False)
    return answer(command, done.stdout + done.stderr, done.returncode)


def test_a_nic_file_that_does_not_exist_is_absent_not_unreadable(tmp_path: Path) -> None:
    """Through a real shell: read_file_command's answer for a missing file, and for one that is there."""
    missing = str(tmp_path / "ifcfg-eth1")
    found = read_nic_config(missing, run_in_sh(read_file_command(missing)), host="vr2")
    assert isinstance(found, NotRead) and found.absent and found.fact is Fact.NIC_CONFIG
    assert found.reason == f"the NIC's configuration file {missing} does not exist"
    (tmp_path / "ifcfg-eth1").write_text("DEVICE=eth1\nONBOOT=no\nIPADDR=10.0.0.254\nPREFIX=24\n")
    config = read_nic_config(missing, run_in_sh(read_file_command(missing)), host="vr2")
    assert not isinstance(config, NotRead) and config["addresses"] == ["10.0.0.254/24"]
    (tmp_path / "ifcfg-eth1").write_text("DEVICE=eth1\nIPADDR=10.0.0.254\n")
    refused = read_nic_config(missing, run_in_sh(read_file_command(missing)), host="vr2")
    assert isinstance(refused, NotRead) and not refused.absent
    assert refused.reason.startswith(f"the NIC's configuration file {missing} not understood at line 2: ")


def test_reads_name_facts_and_merge_each_once() -> None:
    first = Reads(facts=(Fact.OSPF_NEIGHBORS, Fact.OSPF_CONFIG), nic_files=("/etc/a",))
    second = Reads(facts=(Fact.OSPF_CONFIG, Fact.IP_FORWARDING), nic_files=("/etc/a", "/etc/b"))
    merged = first.merge(second)
    assert merged.facts == (Fact.OSPF_NEIGHBORS, Fact.OSPF_CONFIG, Fact.IP_FORWARDING)
    assert merged.nic_files == ("/etc/a", "/etc/b")
    with pytest.raises(ValueError, match="not a host-wide fact"):
        Reads(facts=(Fact.NIC_STATE,))
