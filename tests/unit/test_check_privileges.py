"""sudo refusing a command, recognised where its output is read, and the check's ``privileges`` judge naming the
command per host (a fact not read, a host's read failed, clpstat refused), pure."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from ospf_failover.errors import PrivilegeError
from ospf_failover.inventory import load_inventory
from ospf_failover.models import Fact, NotRead
from ospf_failover.parsers.ospf_config import parse_ospf_config
from ospf_failover.parsers.sudo import sudo_refusal
from ospf_failover.runbooks.check.findings import FogSeen
from ospf_failover.runbooks.check.observe import Observed
from ospf_failover.runbooks.check.plan import FogPlan, plan_check
from ospf_failover.runbooks.check.privileges import privileges
from ospf_failover.tasks.router_state import checked_vtysh_output, read_fact, read_nic_config
from ospf_failover.tasks.shell import ABSENT, CommandOutput, read_file_command
from ospf_failover.tasks.sudo import sudo_refused

REPO_INVENTORY = Path(__file__).resolve().parents[2] / "inventory"
CAT = "sudo -n /usr/bin/cat {path}"
REFUSED = "sudo: a password is required"


@pytest.mark.parametrize(
    "text",
    [
        "sudo: a password is required",
        "sudo: a terminal is required to read the password; either use the -S option to read from standard input",
        "sudo: sorry, you must have a tty to run sudo",
        "[sudo] password for ospf-failover: ",
        "Sorry, user ospf-failover is not allowed to execute '/usr/bin/vtysh -c configure' as root on vr1.",
        "sudo: ospf-failover is not in the sudoers file.  This incident will be reported.",
    ],
)
def test_sudo_refusing_is_recognised(text: str) -> None:
    assert sudo_refusal(f"\r\n{text}\r\n") == text.strip()


@pytest.mark.parametrize(
    "text", ["", "hostname vr1\npassword zebra\n", '{"neighbors": {}}', "sudo is not installed here", "Sorry"]
)
def test_output_is_not_a_refusal(text: str) -> None:
    assert sudo_refusal(text) is None


def test_a_refused_command_is_named_as_sudo_would_have_run_it() -> None:
    command = read_file_command("/etc/frr/ospfd.conf", CAT)
    refused = sudo_refused("vr1", CommandOutput(command, REFUSED, 1))
    assert isinstance(refused, PrivilegeError) and isinstance(refused, PermissionError)
    assert refused.refused == "/usr/bin/cat /etc/frr/ospfd.conf"
    assert str(refused) == (
        "vr1: sudo refuses '/usr/bin/cat /etc/frr/ospfd.conf' (sudo: a password is required): "
        "the login user needs its rule"
    )
    assert sudo_refused("vr1", CommandOutput(command, REFUSED, 0)) is None, "exit 0: the file holds that text"
    vtysh = CommandOutput("sudo -n /usr/bin/vtysh -c 'show ip route 10.0.0.0/24 json'", REFUSED, 1)
    with pytest.raises(PrivilegeError, match=re.escape("'/usr/bin/vtysh -c show ip route 10.0.0.0/24 json'")):
        checked_vtysh_output("vr1", vtysh)


def test_a_refused_fact_or_file_is_not_read_because_of_sudo() -> None:
    config = read_fact(
        Fact.OSPF_CONFIG,
        CommandOutput("sudo -n /usr/bin/vtysh -c 'show running-config'", REFUSED, 1),
        parse_ospf_config,
        host="vr1",
    )
    assert isinstance(config, NotRead) and isinstance(config.cause, PrivilegeError), config
    assert "sudo refuses '/usr/bin/vtysh -c show running-config'" in config.reason
    path = "/etc/sysconfig/network-scripts/ifcfg-ens224"
    nic_file = read_nic_config(path, CommandOutput(read_file_command(path, CAT), REFUSED, 1), host="vr1")
    assert isinstance(nic_file, NotRead) and not nic_file.absent and isinstance(nic_file.cause, PrivilegeError)
    missing = read_nic_config(path, CommandOutput(read_file_command(path, CAT), "", ABSENT), host="vr1")
    assert isinstance(missing, NotRead) and missing.absent, "a file that is not there is no refusal"


@pytest.fixture
def plan() -> FogPlan:
    return plan_check(load_inventory(REPO_INVENTORY), ["customer1"]).fogs[0]


def judged(plan: FogPlan, seen: Observed) -> list[tuple[str | None, str, str]]:
    return [(j.host, j.outcome, j.detail) for j in privileges(FogSeen(plan=plan, seen=seen))]


HOSTS = ("vr1", "vr2", "gw1", "gw2", "node-a", "node-b")  # one item each, whatever the faults


def test_nothing_refused_passes(plan: FogPlan) -> None:
    assert judged(plan, Observed()) == [(host, "PASS", "sudo refused no command read here") for host in HOSTS]


def test_each_refused_command_is_a_warning_on_its_host(plan: FogPlan) -> None:
    file_refused = sudo_refused("vr1", CommandOutput(read_file_command("/etc/x/ifcfg-ens224", CAT), REFUSED, 1))
    route_refused = sudo_refused(
        "gw1", CommandOutput("sudo -n /usr/bin/vtysh -c 'show ip route 10.0.0.0/24'", REFUSED, 1)
    )
    clpstat_refused = sudo_refused("node-a", CommandOutput("sudo -n /usr/sbin/clpstat --local", REFUSED, 1))
    assert file_refused and route_refused and clpstat_refused
    vr1 = {
        "nics": {},
        "routes": {},
        "neighbors": None,
        "nic_configs": {"/etc/x/ifcfg-ens224": NotRead(Fact.NIC_CONFIG, str(file_refused), cause=file_refused)},
    }
    seen = Observed(
        states={"vr1": vr1},  # type: ignore[dict-item]
        errors={"gw1": str(route_refused), "vr2": "vr2 (192.168.75.252): no SSH answer within the connect timeout"},
        clpstat={"node-a": NotRead(Fact.CLUSTER_STATE, str(clpstat_refused))},
    )
    found = judged(plan, seen)
    assert [host for host, _, _ in found] == list(HOSTS)
    warned = {host: detail for host, outcome, detail in found if outcome == "WARN"}
    assert list(warned) == ["vr1", "gw1", "node-a"], found
    assert warned["vr1"] == (
        "sudo refuses '/usr/bin/cat /etc/x/ifcfg-ens224': add its rule (ospf-failover inventory sudoers vr1)"
    )
    assert "'/usr/bin/vtysh -c show ip route 10.0.0.0/24'" in warned["gw1"]
    assert "'/usr/sbin/clpstat --local'" in warned["node-a"]
    two = Observed(errors={"vr2": f"{route_refused}; {file_refused}"})
    assert dict((h, d) for h, o, d in judged(plan, two) if o == "WARN")["vr2"].endswith(
        ": add their rules (ospf-failover inventory sudoers vr2)"
    ), "several commands refused on one host: one item naming them all"
