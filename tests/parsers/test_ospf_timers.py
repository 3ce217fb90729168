"""show ip ospf and show ip ospf interface: what is refused, and that no text gives anything but the declared shape."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ospf_failover.errors import ParseError
from ospf_failover.models import Platform
from ospf_failover.parsers.ospf_timers import (
    OspfInterfaceTimers,
    OspfProcessTimers,
    parse_ospf_interfaces,
    parse_ospf_process,
)

from .cases import FIXTURES, shape_errors
from .check_cases import load_check_cases

LAB = FIXTURES / "frr-8.4-lab"
QUAGGA = FIXTURES / "quagga-0.99.22"


def _read(path: str) -> str:
    return (FIXTURES / path).read_text(encoding="utf-8")


FRR_PROCESS = _read("frr-8.4-lab/tuned_vr2_show_ip_ospf.txt")
FRR_PROCESS_JSON = _read("frr-8.4-lab/tuned_vr2_show_ip_ospf_json.txt")
FRR_INTERFACES = _read("frr-8.4-lab/tuned_vr2_show_ip_ospf_interface.txt")
FRR_INTERFACES_JSON = _read("frr-8.4-lab/vr1active_vr2_show_ip_ospf_interface_json.txt")
QUAGGA_PROCESS = _read("quagga-0.99.22/twoareas_testserver1_show_ip_ospf.txt")
QUAGGA_INTERFACES = _read("quagga-0.99.22/twoareas_testserver1_show_ip_ospf_interface.txt")


def _refused(parse: Any, text: str, platform: Platform, reason: str, line_number: int | None = None) -> None:
    with pytest.raises(ParseError) as caught:
        parse(text, platform=platform)
    assert reason in caught.value.reason, f"refused for another reason: {caught.value}"
    if line_number is not None:
        assert caught.value.line_number == line_number, f"refused at another line: {caught.value}"


def test_fast_hellos_are_read_in_milliseconds_and_bfd_with_them() -> None:
    (eth0, eth1) = parse_ospf_interfaces(FRR_INTERFACES, platform="frr")
    assert (eth0["hello_ms"], eth0["dead_s"]) == (250, 1), "Hello 250ms, Dead 1s"
    assert eth0["bfd"] == {"detect_multiplier": 3, "rx_min_ms": 300, "tx_min_ms": 300}
    assert (eth1["passive"], eth1["hello_ms"]) == (True, 10000), "the passive VM-side interface keeps its timers"


def test_quagga_gets_its_fixed_lsa_timers() -> None:
    timers = parse_ospf_process(QUAGGA_PROCESS, platform="quagga")
    assert (timers["lsa_min_interval_ms"], timers["lsa_min_arrival_ms"]) == (5000, 1000)
    assert timers["lsa_timers_shown"] is False, "the values are Quagga's, not read"


@pytest.mark.parametrize(
    ("parse", "text", "platform", "reason"),
    [
        (parse_ospf_process, FRR_PROCESS_JSON, "quagga", "Quagga prints no JSON"),
        (parse_ospf_interfaces, FRR_INTERFACES_JSON, "quagga", "Quagga prints no JSON"),
        (parse_ospf_process, FRR_PROCESS, "quagga", "only FRR prints"),
        (parse_ospf_process, QUAGGA_PROCESS, "frr", "no line for lsa_min_interval_ms, lsa_min_arrival_ms"),
        (parse_ospf_interfaces, QUAGGA_INTERFACES, "frr", "bandwidth unit"),
        (parse_ospf_interfaces, FRR_INTERFACES, "quagga", "bandwidth unit"),
        (parse_ospf_process, FRR_PROCESS, "junos", "unknown platform"),
    ],
)
def test_the_platform_is_checked_against_the_output(parse: Any, text: str, platform: Any, reason: str) -> None:
    _refused(parse, text, platform, reason)


@pytest.mark.parametrize("parse", [parse_ospf_process, parse_ospf_interfaces])
@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("% OSPF is not enabled in vrf default\n", "OSPF is not enabled"),
        ("ospfd is not running\n", "ospfd is not running"),
        ("OSPF Routing Process not enabled\n", "OSPF Routing Process not enabled"),
        ("{}\n", "FRR prints {} when OSPF is not enabled"),
        ("", "empty output"),
        ("\n\n", "empty output"),
        ("VRF Name: default\n OSPF Routing Process, Router ID: 1.1.1.1\n", "default OSPF instance"),
        ("\nOSPF Instance: 2\n\n OSPF Routing Process, Router ID: 1.1.1.1\n", "default OSPF instance"),
        ("[]", "not an object"),
    ],
)
def test_what_is_not_timers_is_refused(parse: Any, text: str, reason: str) -> None:
    _refused(parse, text, "frr", reason)


def test_two_outputs_run_together_are_refused() -> None:
    _refused(parse_ospf_process, FRR_PROCESS + FRR_PROCESS, "frr", "second 'OSPF Routing Process'")
    doubled = FRR_PROCESS.replace(" LSA minimum arrival", " LSA minimum interval 5000 msecs\n LSA minimum arrival")
    _refused(parse_ospf_process, doubled, "frr", "seen twice", 14)


def test_an_unknown_line_before_the_areas_is_refused() -> None:
    text = FRR_PROCESS.replace(" Refresh timer 10 secs\n", " Refresh timer 10 secs\n Flux capacitor enabled\n")
    _refused(parse_ospf_process, text, "frr", "not a line of 'show ip ospf'", 17)


def test_a_line_after_the_areas_that_belongs_to_none_is_refused() -> None:
    _refused(parse_ospf_process, QUAGGA_PROCESS + " Initial SPF scheduling delay 0 millisec(s)\n", "quagga", "area")


def test_the_first_line_must_name_the_router() -> None:
    _refused(parse_ospf_process, "Codes: K - kernel route\n", "frr", "OSPF Routing Process, Router ID", 1)
    _refused(parse_ospf_process, " OSPF Routing Process, Router ID: 1.1.1\n", "frr", "not an IPv4 address", 1)


@pytest.mark.parametrize(
    ("key", "value", "reason"),
    [
        ("holdtimeMaxMsecs", None, "none of the keys holdtimeMaxMsecs"),
        ("lsaMinArrivalMsecs", "1000", "is not a int"),
        ("spfScheduleDelayMsecs", -1, "negative"),
        ("routerId", None, "no 'routerId'"),
    ],
)
def test_json_process_fields_are_refused_when_missing_or_wrong(key: str, value: object, reason: str) -> None:
    document = json.loads(FRR_PROCESS_JSON)
    if value is None:
        del document[key]
    else:
        document[key] = value
    _refused(parse_ospf_process, json.dumps(document), "frr", reason)


def test_json_interface_fields_are_refused_when_missing_or_wrong() -> None:
    document = json.loads(FRR_INTERFACES_JSON)
    del document["interfaces"]["eth0"]["timerDeadSecs"]
    _refused(parse_ospf_interfaces, json.dumps(document), "frr", "timerDeadSecs")
    document = json.loads(FRR_INTERFACES_JSON)
    document["interfaces"]["eth1"]["timerMsecs"] = 1000
    _refused(parse_ospf_interfaces, json.dumps(document), "frr", "'ospfRunning' is false but timers are shown")
    document = json.loads(FRR_INTERFACES_JSON)
    document["interfaces"]["eth0"]["peerBfdInfo"] = {"detectionMultiplier": 3, "rxMinInterval": 300}
    _refused(parse_ospf_interfaces, json.dumps(document), "frr", "txMinInterval")
    _refused(parse_ospf_interfaces, json.dumps({"neighbors": {}}), "frr", "no 'interfaces' object")


def test_json_without_interfaces_is_an_empty_list() -> None:
    assert parse_ospf_interfaces('{"interfaces":{}}', platform="frr") == []


@pytest.mark.parametrize(
    ("line", "reason"),
    [
        ("  Timer intervals configured, Hello 20s, Dead 60s, Wait 60s, Retransmit 5\n", "no line for hello_ms"),
        ("  Neighbor Count is 1, Adjacent neighbor count is 1\n", "no line for neighbors"),
        ("    Hello due in 6.161s\n", "no line for hellos"),
    ],
)
def test_an_interface_without_a_line_it_needs_is_refused(line: str, reason: str) -> None:
    text = _read("quagga-0.99.22/cost1000_testserver1_show_ip_ospf_interface_eth1.txt").replace(line, "", 1)
    _refused(parse_ospf_interfaces, text, "quagga", reason)


def test_interface_blocks_are_read_as_a_whole() -> None:
    _refused(parse_ospf_interfaces, "  Internet Address 10.0.0.1/24, Area 0.0.0.0\n", "frr", "NAME is up", 1)
    _refused(parse_ospf_interfaces, "eth0 is up\neth1 is up\n", "frr", "without its 'ifindex' line", 2)
    unknown = QUAGGA_INTERFACES.replace("  MTU mismatch detection:enabled\n", "  Warp drive: engaged\n", 1)
    _refused(parse_ospf_interfaces, unknown, "quagga", "not a line of 'show ip ospf interface'", 7)
    after_skip = QUAGGA_INTERFACES.replace(
        "  OSPF not enabled on this interface\n",
        "  OSPF not enabled on this interface\n  Neighbor Count is 0, Adjacent neighbor count is 0\n",
        1,
    )
    _refused(parse_ospf_interfaces, after_skip, "quagga", "after 'OSPF not enabled'", 4)
    twice = QUAGGA_INTERFACES.replace(
        "  Router ID 10.1.0.1, Network Type LOOPBACK, Cost: 10\n",
        "  Router ID 10.1.0.1, Network Type LOOPBACK, Cost: 10\n" * 2,
    )
    _refused(parse_ospf_interfaces, twice, "quagga", "a second line for network_type")


def test_addresses_and_router_ids_must_be_ipv4() -> None:
    bad_address = QUAGGA_INTERFACES.replace("Internet Address 172.16.12.1/30", "Internet Address 172.16.12.300/30")
    _refused(parse_ospf_interfaces, bad_address, "quagga", "not an IPv4 address", 6)
    bad_dr = QUAGGA_INTERFACES.replace("Designated Router (ID) 10.1.0.1,", "Designated Router (ID) 10.1.0,", 1)
    _refused(parse_ospf_interfaces, bad_dr, "quagga", "DR router ID", 10)


def test_an_interface_with_two_ospf_addresses_gives_two_entries() -> None:
    block = _read("quagga-0.99.22/cost1000_testserver1_show_ip_ospf_interface_eth1.txt").rstrip("\n").split("\n")
    second = [line.replace("172.16.12.1/30", "172.16.13.1/30") for line in block[2:]]
    entries = parse_ospf_interfaces("\n".join([*block, *second]) + "\n", platform="quagga")
    assert [entry["address"] for entry in entries] == ["172.16.12.1/30", "172.16.13.1/30"]
    assert {entry["interface"] for entry in entries} == {"eth1"}


def test_cumulus_quaggas_bfd_line_is_read() -> None:
    text = QUAGGA_INTERFACES.replace(
        "  Neighbor Count is 1, Adjacent neighbor count is 1\neth2",
        "  Neighbor Count is 1, Adjacent neighbor count is 1\n"
        "  BFD: Detect Mul: 5, Min Rx interval: 500, Min Tx interval: 500\neth2",
    )
    eth1 = parse_ospf_interfaces(text, platform="quagga")[0]
    assert eth1["bfd"] == {"detect_multiplier": 5, "rx_min_ms": 500, "tx_min_ms": 500}


# --- whatever the text, a declared shape or ParseError ----------------------------------------------------

_SETTINGS = settings(max_examples=150, deadline=500, suppress_health_check=[HealthCheck.too_slow])
_RECORDINGS = [
    (case.parser, case.platform, case.text)
    for parser in ("ospf-process", "ospf-interfaces")
    for case in load_check_cases(parser)
]


def _outcome(parser: str, platform: Platform, text: str) -> None:
    try:
        if parser == "ospf-process":
            shape: Any = OspfProcessTimers
            result: Any = parse_ospf_process(text, platform=platform)
        else:
            shape = list[OspfInterfaceTimers]
            result = parse_ospf_interfaces(text, platform=platform)
    except ParseError:
        return
    assert shape_errors(result, shape) == [], f"{parser}: a value of another shape"


@_SETTINGS
@given(
    recording=st.sampled_from(_RECORDINGS),
    edits=st.lists(st.tuples(st.sampled_from(["drop", "duplicate", "swap", "cut"]), st.integers(0, 80)), max_size=4),
)
def test_mutated_recordings_give_the_shape_or_a_parse_error(
    recording: tuple[str, Platform, str], edits: list[tuple[str, int]]
) -> None:
    parser, platform, text = recording
    lines = text.split("\n")
    for action, position in edits:
        index = position % len(lines)
        if action == "drop":
            del lines[index]
        elif action == "duplicate":
            lines.insert(index, lines[index])
        elif action == "swap" and index + 1 < len(lines):
            lines[index], lines[index + 1] = lines[index + 1], lines[index]
        elif action == "cut":
            lines[index] = lines[index][: len(lines[index]) // 2]
        if not lines:
            lines = [""]
    _outcome(parser, platform, "\n".join(lines))


@_SETTINGS
@given(text=st.text(max_size=300), platform=st.sampled_from(["frr", "quagga"]))
def test_random_text_gives_the_shape_or_a_parse_error(text: str, platform: Platform) -> None:
    _outcome("ospf-process", platform, text)
    _outcome("ospf-interfaces", platform, text)
