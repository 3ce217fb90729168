"""What the readers of other vendors' outputs refuse, and where: paged output, prompts and command echoes inside
the output, error answers, cut tables, output they do not understand. Small texts are written here; the rest
are the recordings of ../shared/fixtures/vendor-outputs changed the way a session goes wrong."""

from __future__ import annotations

from pathlib import Path

import pytest

from ospf_failover.errors import ParseError
from ospf_failover.parsers.vendors.dispatch import (
    VendorPlatform,
    parse_vendor_ospf_neighbors,
    parse_vendor_route_tables,
    parse_vendor_routes,
)

from .test_vendor_recordings import RECORDINGS, VENDOR_OUTPUTS

IOS_TABLE = """\
Codes: L - local, C - connected, S - static, R - RIP, M - mobile, B - BGP
       O - OSPF, IA - OSPF inter area

Gateway of last resort is not set

      10.0.0.0/8 is variably subnetted, 3 subnets, 2 masks
C        10.0.12.0/24 is directly connected, GigabitEthernet0/1
L        10.0.12.1/32 is directly connected, GigabitEthernet0/1
O        10.0.0.0/24 [110/20] via 10.0.12.2, 00:00:12, GigabitEthernet0/1
                     [110/20] via 10.0.12.3, 00:00:12, GigabitEthernet0/1
"""
IOS_NEIGHBORS = """\
Neighbor ID     Pri   State           Dead Time   Address         Interface
10.0.0.2          1   FULL/DR         00:00:31    10.0.12.2       GigabitEthernet0/1
10.0.0.3          1   2WAY/DROTHER    00:00:37    10.0.12.3       GigabitEthernet0/1
"""
JUNOS_ROUTE = """\

inet.0: 30 destinations, 30 routes (30 active, 0 holddown, 0 hidden)
+ = Active Route, - = Last Active, * = Both

10.0.0.0/24        *[OSPF/10] 00:04:24, metric 101
                    >  to 10.0.12.2 via ge-0/0/3.10
"""


def _refused(call: object, *args: object, **kwargs: object) -> ParseError:
    assert callable(call)
    with pytest.raises(ParseError) as refused:
        call(*args, **kwargs)
    error = refused.value
    assert "\n" not in str(error), "a refusal is one line"
    return error


def _insert(text: str, before_line: int, new_line: str) -> str:
    lines = text.split("\n")
    lines.insert(before_line - 1, new_line)
    return "\n".join(lines)


def test_the_written_texts_parse() -> None:
    (route,) = [r for r in parse_vendor_routes(IOS_TABLE, "cisco_ios") if r["prefix"] == "10.0.0.0/24"]
    assert [hop["ip"] for hop in route["nexthops"]] == ["10.0.12.2", "10.0.12.3"]
    assert [n["state"] for n in parse_vendor_ospf_neighbors(IOS_NEIGHBORS, "cisco_ios")] == ["Full", "2-Way"]
    assert parse_vendor_routes(JUNOS_ROUTE, "juniper_junos")[0]["nexthops"][0]["ip"] == "10.0.12.2"


@pytest.mark.parametrize(
    ("platform", "text", "pager", "at"),
    [
        ("cisco_ios", IOS_TABLE, " --More-- ", 9),
        ("cisco_xe", IOS_TABLE, "--More--", 7),
        ("cisco_nxos", IOS_TABLE, "--More--", 2),
        ("arista_eos", IOS_TABLE, " --More-- ", 2),
        ("juniper_junos", JUNOS_ROUTE, "---(more)---", 6),
        ("juniper_junos", JUNOS_ROUTE, "---(more 45%)---", 6),
        ("vyos", IOS_TABLE, "lines 1-24", 5),
        ("yamaha", IOS_TABLE, "---つづく---", 3),
    ],
)
def test_a_paged_output_is_refused(platform: VendorPlatform, text: str, pager: str, at: int) -> None:
    error = _refused(parse_vendor_route_tables, _insert(text, at, pager), platform)
    assert "pager" in error.reason and error.line_number == at


@pytest.mark.parametrize(
    ("platform", "answer", "at"),
    [
        ("cisco_ios", "show ip route\n                 ^\n% Invalid input detected at '^' marker.\n", 2),
        ("cisco_ios", "% Invalid input detected at '^' marker.\n", 1),
        ("cisco_xe", "Command authorization failed.\n", 1),
        ("cisco_nxos", "% Invalid command at '^' marker.\n", 1),
        ("arista_eos", "% Invalid input (privileged mode required)\n", 1),
        ("arista_eos", "% Authorization denied for command 'show ip route'\n", 1),
        ("juniper_junos", "                  ^\nsyntax error, expecting <command>.\n", 1),
        ("juniper_junos", "error: command is not valid on the mx104\n", 1),
        ("vyos", "% Unknown command: show ip rute\n", 1),
        ("vyos", "\n  Invalid command: show [ip]\n\n", 2),
        ("yamaha", "エラー: コマンド名を確認してください\n", 1),
        ("yamaha", "Error: Invalid command name\n", 1),
    ],
)
def test_an_error_answer_is_refused(platform: VendorPlatform, answer: str, at: int) -> None:
    error = _refused(parse_vendor_route_tables, answer, platform)
    assert error.line_number == at and error.kind == f"{platform} route"


@pytest.mark.parametrize("platform", ["cisco_ios", "cisco_xe", "cisco_nxos", "arista_eos", "juniper_junos"])
def test_an_error_answer_to_the_neighbour_command_is_refused(platform: VendorPlatform) -> None:
    error = _refused(parse_vendor_ospf_neighbors, "% Invalid input detected at '^' marker.\n", platform)
    assert error.line_number == 1 and error.kind == f"{platform} ospf neighbor"


@pytest.mark.parametrize(
    ("platform", "text", "prompt", "at"),
    [
        ("cisco_ios", IOS_TABLE, "R1#", 12),  # a prompt netmiko did not strip
        ("cisco_ios", IOS_TABLE, "R1#show ip ospf neighbor", 8),  # two outputs run together
        ("cisco_nxos", IOS_TABLE, "switch(config)# show ip route", 4),
        ("arista_eos", IOS_TABLE, "leaf1>show ip route vrf all", 6),
        ("juniper_junos", JUNOS_ROUTE, "lab@mx1> show route 10.0.0.0/24", 6),
        ("juniper_junos", JUNOS_ROUTE, "{master:0}", 4),  # the banner before a prompt, inside the output
        ("vyos", IOS_TABLE, "vyos@vyos:~$ show ip route", 9),
        ("yamaha", IOS_TABLE, "> show ip route", 3),
    ],
)
def test_a_prompt_inside_the_output_is_refused(platform: VendorPlatform, text: str, prompt: str, at: int) -> None:
    error = _refused(parse_vendor_route_tables, _insert(text, at, prompt), platform)
    assert error.line_number == at
    assert "prompt" in error.reason or "echo" in error.reason or "banner" in error.reason


def test_a_leading_echo_of_the_same_command_is_read_past() -> None:
    echoed = "R1#sh ip ro\n" + IOS_TABLE
    assert parse_vendor_routes(echoed, "cisco_ios") == parse_vendor_routes(IOS_TABLE, "cisco_ios")
    neighbors = parse_vendor_ospf_neighbors("R1# show ip ospf neighbor\n" + IOS_NEIGHBORS, "cisco_ios")
    assert neighbors == parse_vendor_ospf_neighbors(IOS_NEIGHBORS, "cisco_ios")


@pytest.mark.parametrize(
    ("platform", "echo", "text"),
    [
        ("cisco_ios", "R1#show ip ospf neighbor", IOS_TABLE),  # the echo of another command
        ("cisco_ios", "R1#show ip route", IOS_NEIGHBORS),
        ("juniper_junos", "lab@mx1> show ospf neighbor", JUNOS_ROUTE),
    ],
)
def test_a_leading_echo_of_another_command_is_refused(platform: VendorPlatform, echo: str, text: str) -> None:
    call = parse_vendor_ospf_neighbors if "route" in echo else parse_vendor_route_tables
    error = _refused(call, f"{echo}\n{text}", platform)
    assert error.line_number == 1 and "echo" in error.reason


@pytest.mark.parametrize(
    ("text", "at", "reason"),
    [
        (IOS_TABLE.replace("10.0.12.3, 00:00:12, GigabitEthernet0/1", "10.0.12.3, 00:0"), 10, "'00:0'"),
        (IOS_TABLE + "O        10.0.1.0/24\n", None, "no next hop"),  # cut after a prefix alone on its line
        (IOS_TABLE + "O        10.0.1.0/24\nO        10.0.2.0/24 [110/20] via 10.0.12.2\n", 12, "no next hop"),
        (IOS_TABLE.replace("10.0.12.1/32", "10.0.12.1"), 8, "without its mask"),
        (IOS_TABLE.replace("L        10.0.12.1/32", "X        10.0.12.1/32"), 8, "unknown route code"),
        (IOS_TABLE + "this is not a route\n", 11, "not a route line"),
    ],
)
def test_a_cut_or_strange_ios_table_is_refused(text: str, at: int | None, reason: str) -> None:
    error = _refused(parse_vendor_routes, text, "cisco_ios")
    assert error.line_number == at and reason in error.reason


def test_a_cut_nxos_route_is_refused() -> None:
    text = (VENDOR_OUTPUTS / "acceptance/cisco_nxos__show_ip_route__ntc_full.txt").read_text()
    cut = text[: text.rindex("    *via 10.62.2.34")]  # the second of two best paths lost
    error = _refused(parse_vendor_routes, cut, "cisco_nxos")
    assert "ubest" in error.reason and error.line_number == cut.count("\n") - 1


def test_a_cut_neighbour_count_on_nxos_is_refused() -> None:
    text = (VENDOR_OUTPUTS / "cisco_nxos__show_ip_ospf_neighbors__ntc.txt").read_text()
    cut = text[: text.index(" 192.168.1.4       1 FULL")]  # the last row lost
    error = _refused(parse_vendor_ospf_neighbors, cut, "cisco_nxos")
    assert "Total number" in error.reason and error.line_number == 1


def _neighbor_cases() -> list[tuple[Path, VendorPlatform]]:
    return [(path, spec["platform"]) for path, spec in RECORDINGS if spec.get("neighbors")]


@pytest.mark.parametrize(("path", "platform"), _neighbor_cases(), ids=[p.name for p, _ in _neighbor_cases()])
def test_a_neighbour_row_cut_after_its_address_is_refused(path: Path, platform: VendorPlatform) -> None:
    neighbors = parse_vendor_ospf_neighbors(path.read_bytes().decode(), platform)
    lines = path.read_bytes().decode().split("\n")
    address = neighbors[-1]["address"]
    number = max(index for index, line in enumerate(lines, start=1) if address in line)
    lines[number - 1] = lines[number - 1][: lines[number - 1].index(address) + len(address)]
    error = _refused(parse_vendor_ospf_neighbors, "\n".join(lines[:number]), platform)
    assert error.line_number == number


@pytest.mark.parametrize(
    ("platform", "text", "at", "reason"),
    [
        ("cisco_ios", IOS_NEIGHBORS.replace("0/1\n10.0.0.3", "0/1 extra\n10.0.0.3"), 2, "read this row otherwise"),
        ("cisco_ios", "Neighbor ID     Pri   State\n", 1, "heading"),
        ("cisco_ios", IOS_NEIGHBORS.replace("2WAY/DROTHER", "WAITING/DROTHER"), 3, "not an OSPF neighbour state"),
        ("cisco_ios", "", None, "heading"),
        ("juniper_junos", "OSPF instance is not running\n\n{backup}\n", 1, "not running"),
        ("juniper_junos", "Address Interface State ID Pri Dead\n10.0.0.1 ge-0/0/0.0 Full 1.1.1.1 1 30 x\n", 2, ""),
        ("arista_eos", "Neighbor ID  VRF  Pri  State\n", 1, "heading"),
        ("yamaha", "# show status ospf neighbor\n", None, "not read"),
        ("vyos", "", None, "heading"),
    ],
)
def test_a_neighbour_table_not_understood_is_refused(
    platform: VendorPlatform, text: str, at: int | None, reason: str
) -> None:
    error = _refused(parse_vendor_ospf_neighbors, text, platform)
    assert error.line_number == at and reason in error.reason


def test_a_row_the_template_reads_otherwise_names_the_template() -> None:
    text = IOS_NEIGHBORS.replace("GigabitEthernet0/1\n10.0.0.3", "GigabitEthernet0/1 extra\n10.0.0.3")
    assert "ntc-templates cisco_ios" in _refused(parse_vendor_ospf_neighbors, text, "cisco_ios").reason


@pytest.mark.parametrize(
    ("platform", "text"),
    [
        ("cisco_nxos", '{"TABLE_vrf": {"ROW_vrf": []}}'),
        ("arista_eos", '{"vrfs": {}}'),
        ("juniper_junos", '{"route-information": []}'),
    ],
)
def test_json_output_is_refused(platform: VendorPlatform, text: str) -> None:
    assert "JSON" in _refused(parse_vendor_route_tables, text, platform).reason


def test_a_table_of_another_vrf_is_not_read_as_the_default_one() -> None:
    text = (VENDOR_OUTPUTS / "cisco_ios__show_ip_route_vrf_TRI__ntc_route_vrf.txt").read_text()
    error = _refused(parse_vendor_routes, text, "cisco_ios")
    assert "no table of VRF 'default'" in error.reason and "'TRI'" in error.reason
    assert parse_vendor_routes(text, "cisco_ios", vrf="TRI")[0]["prefix"] == "0.0.0.0/0"


def test_one_vrf_shown_twice_is_refused() -> None:
    block = "VRF red:\nC>* 10.0.{}.0/24 is directly connected, eth0\n"
    text = "Codes: K - kernel route, C - connected\n\n" + block.format(0) + block.format(1)
    error = _refused(parse_vendor_route_tables, text, "vyos")
    assert "shown twice" in error.reason and error.line_number == 5


def test_a_vyos_refusal_names_the_line_of_the_whole_output() -> None:
    text = "Codes: K - kernel route, C - connected\n\nVRF blue:\nC>* 10.0.0.0/24 is directly connected, eth0\n"
    text += "\nVRF red:\nC>* 10.0.1.0/24 is garbage\n"
    assert _refused(parse_vendor_route_tables, text, "vyos").line_number == 7


def test_unknown_platform_is_refused() -> None:
    assert "unknown platform" in _refused(parse_vendor_routes, IOS_TABLE, "cisco_asa").reason


def test_a_junos_route_into_another_table_is_a_next_hop_in_that_vrf() -> None:
    text = """\
blue.inet.0: 3 destinations, 3 routes (3 active, 0 holddown, 0 hidden)
+ = Active Route, - = Last Active, * = Both

0.0.0.0/0          *[Static/5] 1w2d 03:04:05
                    > to table inet.0
"""
    (route,) = parse_vendor_routes(text, "juniper_junos", vrf="blue")
    assert route["nexthops"] == [
        {"ip": None, "interface": None, "active": True, "directly_connected": False, "vrf": "default"}
    ]


def test_an_empty_junos_answer_is_a_route_not_found_and_other_empty_outputs_are_refused() -> None:
    assert parse_vendor_routes("\n", "juniper_junos") == []
    for platform in ("cisco_ios", "cisco_nxos", "arista_eos", "yamaha", "vyos"):
        assert "empty output" in _refused(parse_vendor_routes, "\n", platform).reason


@pytest.mark.parametrize(("path", "spec"), RECORDINGS, ids=[path.name for path, _ in RECORDINGS])
def test_line_ends_change_nothing(path: Path, spec: dict[str, object]) -> None:
    text = path.read_bytes().decode()
    platform: VendorPlatform = spec["platform"]  # type: ignore[assignment]
    variants = [text.replace("\r\n", "\n"), text.replace("\r\n", "\n").replace("\n", "\r\n"), text.rstrip("\r\n")]
    if spec.get("not_running"):
        return
    results: list[object]
    if spec["command"] == "route":
        vrf = str(spec.get("vrf", "default"))
        results = [parse_vendor_route_tables(variant, platform, vrf=vrf) for variant in variants]
    else:
        results = [parse_vendor_ospf_neighbors(variant, platform) for variant in variants]
    assert all(result == results[0] for result in results)


@pytest.mark.parametrize(
    ("printed", "state", "role"),
    [
        ("FULL/BDR", "Full", "Backup"),
        ("2WAY/DROTHER", "2-Way", "DROther"),
        ("EXSTART/DR", "ExStart", "DR"),
        ("EXCHANGE/  -", "Exchange", "-"),
        ("LOADING/BDR", "Loading", "Backup"),
        ("INIT/DROTHER", "Init", "DROther"),
        ("ATTEMPT/DROTHER", "Attempt", "DROther"),
        ("DOWN/DROTHER", "Down", "DROther"),
    ],
)
def test_cisco_states_are_frr_words(printed: str, state: str, role: str) -> None:
    text = IOS_NEIGHBORS.replace("FULL/DR        ", f"{printed:<15}")
    first = parse_vendor_ospf_neighbors(text, "cisco_ios")[0]
    assert (first["state"], first["role"]) == (state, role)


def test_arista_states_with_blanks_are_frr_words() -> None:
    heading = "Neighbor ID     VRF    Pri   State            Dead Time   Address         Interface\n"
    rows = [
        "10.0.0.2        default    1   2 WAYS/DROTHER   00:00:30    10.0.12.2       Vlan4\n",
        "10.0.0.3        default    1   EXCH START/DR    00:00:30    10.0.12.3       Vlan4\n",
    ]
    neighbors = parse_vendor_ospf_neighbors(heading + "".join(rows), "arista_eos")
    assert [(n["state"], n["role"]) for n in neighbors] == [("2-Way", "DROther"), ("ExStart", "DR")]
