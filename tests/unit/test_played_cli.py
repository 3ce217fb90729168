"""The lab's played vendor CLIs (ospf_failover_lab.played): what they render from FRR's recorded JSON reads back,
through the project's vendor readers, as the same routes and neighbours FRR's own JSON gives; the CLIs answer the
session commands netmiko's drivers send and refuse the rest as the devices do; the terminal echoes, pages and
ends lines as a device's. The terminal runs in a real pseudo-terminal with a vtysh stand-in on its command line.
"""

from __future__ import annotations

import json
import os
import select
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
import yaml

from ospf_failover.errors import InputError, ParseError
from ospf_failover.parsers.ospf import parse_ospf_neighbors
from ospf_failover.parsers.route import parse_routes
from ospf_failover.parsers.vendors.dispatch import parse_vendor_ospf_neighbors, parse_vendor_routes
from ospf_failover_lab import build, inventory_writer, played, sshd
from ospf_failover_lab.played import frr_state
from ospf_failover_lab.played.cli import IosCli, JunosCli
from ospf_failover_lab.topology import plan

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
# One table from recordings of the lab: ECMP to the VM network (split brain, gw1) and a connected network beside
# a non-selected OSPF route to it (vr2 holding it).
SPLIT_BRAIN = FIXTURES / "frr-8.4" / "splitbrain_gw1_show_ip_route_10_0_0_0_24_json.txt"
CONNECTED = FIXTURES / "frr-8.4" / "vr2active_vr2_show_ip_route_10_0_0_0_24_json.txt"
NEIGHBORS = FIXTURES / "frr-8.4" / "vr2active_gw1_show_ip_ospf_neighbor_json.txt"


def table() -> dict[str, Any]:
    routes: dict[str, Any] = json.loads(SPLIT_BRAIN.read_text())
    connected = json.loads(CONNECTED.read_text())["10.0.0.0/24"]
    routes["10.0.1.0/24"] = [{**route, "prefix": "10.0.1.0/24"} for route in connected]
    return routes


class Recorded:
    """The state source of a played CLI, from recordings."""

    def routes(self) -> list[frr_state.Entry]:
        return frr_state.routes(table())

    def neighbors(self) -> list[frr_state.Neighbor]:
        return frr_state.neighbors(json.loads(NEIGHBORS.read_text()))


class Down:
    def routes(self) -> list[frr_state.Entry]:
        raise frr_state.StateUnavailable("zebra is not running")

    def neighbors(self) -> list[frr_state.Neighbor]:
        raise frr_state.StateUnavailable("ospfd is not running")


def hops(routes: list[Any]) -> dict[str, list[str]]:
    """Prefix -> every next hop of its selected route (its address; "" when directly connected)."""
    return {r["prefix"]: sorted(h["ip"] or "" for h in r["nexthops"]) for r in routes if r["selected"]}


FRR_VIEW = hops(parse_routes(json.dumps(table()), platform="frr"))


def ios(command: str, state: Any = None) -> str:
    return IosCli(hostname="gw1", state=state or Recorded()).answer(command).text


def junos(command: str, state: Any = None) -> str:
    return JunosCli(hostname="gw2", state=state or Recorded(), user="observer", rows=None).answer(command).text


def test_the_recorded_table_has_what_the_cases_need() -> None:
    assert FRR_VIEW == {"10.0.0.0/24": ["192.168.76.251", "192.168.76.252"], "10.0.1.0/24": [""]}


def test_ios_table_and_entries_read_back_as_frr_sees_them() -> None:
    assert hops(parse_vendor_routes(ios("show ip route"), "cisco_ios")) == FRR_VIEW
    assert hops(parse_vendor_routes(ios("sh ip ro 10.0.0.0 255.255.255.0"), "cisco_ios")) == {
        "10.0.0.0/24": FRR_VIEW["10.0.0.0/24"]
    }
    assert hops(parse_vendor_routes(ios("show ip route 10.0.1.77"), "cisco_ios")) == {"10.0.1.0/24": [""]}
    assert ios("show ip route 10.0.2.0 255.255.255.0") == "% Subnet not in table\n"
    assert ios("show ip route 172.16.0.0 255.255.0.0") == "% Network not in table\n"
    assert parse_vendor_routes(ios("show ip route 172.16.0.1"), "cisco_ios") == []


def test_ios_table_layout() -> None:
    text = ios("show ip route")
    assert "\nGateway of last resort is not set\n\n      10.0.0.0/24 is subnetted, 2 subnets\n" in text, text
    assert "\nO        10.0.0.0 [110/20] via 192.168.76.251, 00:00:04, GigabitEthernet0/0\n" in text, text
    assert "\n" + " " * 18 + "[110/20] via 192.168.76.252, 00:00:04, GigabitEthernet0/0\n" in text, text
    assert "\nC        10.0.1.0 is directly connected, GigabitEthernet0/1\n" in text, text


def test_junos_routes_read_back_with_one_forwarding_hop_marked() -> None:
    routes = parse_vendor_routes(junos("show route"), "juniper_junos")
    assert hops(routes) == FRR_VIEW
    ecmp = next(route for route in routes if route["prefix"] == "10.0.0.0/24")
    assert [hop["active"] for hop in ecmp["nexthops"]] == [True, False]
    exact = parse_vendor_routes(junos("show route 10.0.0.0/24 exact | no-more"), "juniper_junos")
    assert hops(exact) == {"10.0.0.0/24": FRR_VIEW["10.0.0.0/24"]}
    assert hops(parse_vendor_routes(junos("show route 10.0.1.9"), "juniper_junos")) == {"10.0.1.0/24": [""]}
    assert junos("show route 172.16.0.0/16 exact") == "\n"  # nothing: the destination is unknown
    assert parse_vendor_routes(junos("show route 172.16.0.0/16 exact"), "juniper_junos") == []


@pytest.mark.parametrize(("render", "platform"), [(ios, "cisco_ios"), (junos, "juniper_junos")])
def test_neighbours_read_back_as_frr_sees_them(render: Any, platform: Any) -> None:
    command = "show ip ospf neighbor" if platform == "cisco_ios" else "show ospf neighbor"
    frr = parse_ospf_neighbors(NEIGHBORS.read_text(), "frr")
    read = parse_vendor_ospf_neighbors(render(command), platform)
    assert [(n["neighbor_id"], n["address"], n["state"], n["priority"]) for n in read] == [
        (n["neighbor_id"], n["address"], n["state"], n["priority"]) for n in frr
    ]
    roles = [n["role"] for n in read]
    assert roles == ([n["role"] for n in frr] if platform == "cisco_ios" else ["-", "-"])


def test_ios_session_commands_and_refusals() -> None:
    cli = IosCli(hostname="gw1", state=Recorded())
    assert cli.prompt() == "gw1#"
    assert cli.answer("terminal width 511").text == ""
    assert cli.answer("terminal length 0").text == "" and cli.screen_length == 0
    assert cli.answer("show ip bgp").text == " " * 12 + "^\n% Invalid input detected at '^' marker.\n\n"
    assert cli.answer("terminal length zero").text.startswith(" " * 20 + "^\n% Invalid input")
    assert cli.answer("exit").leave
    with pytest.raises(ParseError, match="error"):
        parse_vendor_routes(ios("show ip route", Down()), "cisco_ios")


def test_junos_session_commands_and_refusals() -> None:
    cli = JunosCli(hostname="gw2", state=Recorded(), user="observer", rows=1000)
    assert cli.prompt() == "observer@gw2> " and cli.screen_length == 1000
    assert cli.answer("set cli screen-width 511").text == "Screen width set to 511\n\n"
    assert cli.answer("set cli complete-on-space off").text == "Disabling complete-on-space\n\n"
    assert cli.answer("set cli screen-length 0").text == "Screen length set to 0\n\n" and cli.screen_length == 0
    assert not cli.answer("show route | no-more").paged
    assert cli.answer("show route | display json").text.startswith(" " * 27 + "^\nsyntax error")
    assert cli.answer("show bgp summary").text == " " * 19 + "^\nsyntax error, expecting <command>.\n\n"
    with pytest.raises(ParseError, match="refused"):
        parse_vendor_routes(junos("show route", Down()), "juniper_junos")


def test_observer_platforms_option() -> None:
    assert played.parse_observer_platforms("gw1=cisco_ios, gw2=juniper_junos") == {
        "gw1": "cisco_ios",
        "gw2": "juniper_junos",
    }
    with pytest.raises(ValueError, match="OBSERVER=PLATFORM"):
        played.parse_observer_platforms("gw1:cisco_ios")
    with pytest.raises(ValueError, match="not one of the lab's observers"):
        played.checked_observer_platforms({"vr1": "cisco_ios"}, ("gw1", "gw2"))
    with pytest.raises(ValueError, match="cannot play 'arista_eos'"):
        played.checked_observer_platforms({"gw1": "arista_eos"}, ("gw1", "gw2"))


# --- the terminal, in a real pseudo-terminal ------------------------------------------------------------


def vtysh_standin(directory: Path) -> Path:
    """A vtysh that answers the two JSON commands with the recordings."""
    standin = directory / "vtysh"
    standin.write_text(
        "#!/bin/sh\n"
        f'case "$2" in "show ip route json") cat {directory}/routes.json ;;\n'
        f'  "show ip ospf neighbor json") cat {NEIGHBORS} ;; *) exit 1 ;; esac\n'
    )
    standin.chmod(0o755)
    (directory / "routes.json").write_text(json.dumps(table()))
    return standin


class Pty:
    """The played CLI running on a pseudo-terminal, typed at and read like a device."""

    def __init__(self, tmp_path: Path, platform: str, hostname: str) -> None:
        standin = vtysh_standin(tmp_path)
        self.master, slave = os.openpty()
        environment = {key: value for key, value in os.environ.items() if key != "SSH_ORIGINAL_COMMAND"}
        argv = [sys.executable, "-m", "ospf_failover_lab.played", "--platform", platform, "--hostname", hostname]
        self.process = subprocess.Popen(
            [*argv, "--vtysh", str(standin)], stdin=slave, stdout=slave, stderr=slave, env=environment
        )
        os.close(slave)
        self.text = ""

    def read_until(self, ending: str, *, timeout: float = 10.0) -> str:
        """What the terminal printed from the last read up to ``ending`` (TimeoutError if it never comes)."""
        start = len(self.text)
        deadline = time.monotonic() + timeout
        while ending not in self.text[start:]:
            if not select.select([self.master], [], [], max(0.0, deadline - time.monotonic()))[0]:
                raise TimeoutError(f"no {ending!r} in {self.text[start:]!r}")
            self.text += os.read(self.master, 65536).decode()
        end = self.text.index(ending, start) + len(ending)
        shown, self.text = self.text[start:end], self.text[:end]
        return shown

    def type(self, keys: str) -> None:
        os.write(self.master, keys.encode())

    def close(self) -> int:
        try:
            return self.process.wait(timeout=10)
        finally:
            os.close(self.master)


def test_ios_terminal_echoes_pages_and_ends_lines_as_a_device(tmp_path: Path) -> None:
    terminal = Pty(tmp_path, "cisco_ios", "gw1")
    try:
        assert terminal.read_until("gw1#") == "gw1#"
        terminal.type("terminal width 511\r\n")  # CR LF: one line, one prompt
        assert terminal.read_until("gw1#") == "terminal width 511\r\ngw1#"
        terminal.type("terminal length 5\nsh ip ro\n")
        page = terminal.read_until(" --More-- ")
        assert page.startswith("terminal length 5\r\ngw1#sh ip ro\r\nCodes: L - local"), page
        assert page.count("\r\n") == 2 + 4, page  # the two echoed lines, then a page of length - 1 lines
        terminal.type(" ")
        assert terminal.read_until(" --More-- ").count("\r\n") == 4
        terminal.type("q")
        assert terminal.read_until("gw1#").endswith("\r          \rgw1#")
        terminal.type("terminal length 0\rshow ip route 10.0.0.0 255.255.255.0\r")
        answer = terminal.read_until("traffic share count is 1\r\ngw1#")
        assert "\r\nRouting entry for 10.0.0.0/24\r\n" in answer and "More" not in answer, answer
        terminal.type("show ip bgpx\x7f\x7f\x7f\x7froute 10.0.9.9\r")
        assert terminal.read_until("gw1#").endswith("\b \b" * 4 + "route 10.0.9.9\r\n% Network not in table\r\ngw1#")
        terminal.type("exit\r")
    finally:
        assert terminal.close() == 0


def test_junos_terminal_greets_and_answers_with_a_blank_line_before_the_prompt(tmp_path: Path) -> None:
    terminal = Pty(tmp_path, "juniper_junos", "gw2")
    try:
        greeting = terminal.read_until("observer@gw2> ")
        assert greeting.startswith("--- JUNOS ") and not set("%$#") & set(greeting), greeting
        terminal.type("set cli screen-length 0\n")
        assert (
            terminal.read_until("observer@gw2> ")
            == "set cli screen-length 0\r\nScreen length set to 0\r\n\r\nobserver@gw2> "
        )
        terminal.type("show ospf neighbor\n")
        answer = terminal.read_until("observer@gw2> ")
        assert answer.endswith("Full      192.168.76.252     1     3\r\n\r\nobserver@gw2> "), answer
        terminal.type("quit\n")
    finally:
        assert terminal.close() == 0


def test_an_exec_request_is_answered_once(tmp_path: Path) -> None:
    argv = [sys.executable, "-m", "ospf_failover_lab.played", "--platform", "cisco_ios", "--hostname", "gw1"]
    done = subprocess.run(
        [*argv, "--vtysh", str(vtysh_standin(tmp_path))],
        env={**os.environ, "SSH_ORIGINAL_COMMAND": "show ip ospf neighbor"},
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=30,
        check=True,
    )
    assert done.stdout.startswith("Neighbor ID     Pri   State ") and "\r" not in done.stdout, done.stdout


def test_the_lab_files_of_played_observers(tmp_path: Path) -> None:
    """The inventory names each played observer's platform (the others keep none of their own); their sshd hands
    every login to the played CLI."""
    topology = plan(1)
    inventory = tmp_path / "inventory"
    inventory_writer.write(
        topology=topology,
        directory=inventory,
        key_file=tmp_path / "id_ed25519",
        known_hosts=[],
        platforms={"gw2": "juniper_junos"},
    )
    hosts = yaml.safe_load((inventory / "hosts.yaml").read_text())
    assert hosts["gw2"] == {"hostname": "192.168.75.2", "groups": ["observers"], "platform": "juniper_junos"}
    assert hosts["gw1"] == {"hostname": "192.168.75.1", "groups": ["observers"]}
    command = played.force_command(python="/venv/bin/python", platform="juniper_junos", hostname="gw2")
    assert command == "/venv/bin/python -m ospf_failover_lab.played --platform juniper_junos --hostname gw2"
    config = sshd.sshd_config(
        host=topology.hosts["gw2"], host_dir=tmp_path, authorized_keys=tmp_path / "keys", force_command=command
    )
    assert config.endswith(f"\nForceCommand {command}\n"), config
    assert "ForceCommand" not in sshd.sshd_config(
        host=topology.hosts["gw1"], host_dir=tmp_path, authorized_keys=tmp_path
    )


@pytest.mark.parametrize(
    ("platforms", "unprivileged", "refused"),
    [
        ({"gw3": "cisco_ios"}, False, "'gw3' is not one of the lab's observers"),
        ({"gw1": "arista_eos"}, False, "the lab cannot play 'arista_eos'"),
        ({"gw1": "cisco_ios"}, True, "not with --unprivileged"),
    ],
)
def test_lab_up_refuses_what_it_cannot_play_before_building_anything(
    tmp_path: Path, platforms: dict[str, str], unprivileged: bool, refused: str
) -> None:
    with pytest.raises(InputError, match=refused):
        build.prepare(
            tmp_path / "lab",
            customers=1,
            timers="fast",
            prefix="ofl-u-",
            nic_style="link",
            say=print,
            observer_platforms=platforms,
            unprivileged=unprivileged,
        )
    assert not (tmp_path / "lab").exists()
