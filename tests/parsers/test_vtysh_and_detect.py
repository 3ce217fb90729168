"""vtysh error texts and the detection of form and platform."""

from __future__ import annotations

import pytest

from ospf_failover.parsers import detect_form, detect_platform, find_vtysh_error, vtysh_error

from .cases import Case, load_cases


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("ospfd is not running\n", "ospfd is not running"),
        ("zebra is not running\n", "zebra is not running"),
        ("% OSPF is not enabled in vrf default\n", "OSPF is not enabled"),
        ("% OSPF is not enabled\n", "OSPF is not enabled"),
        ("OSPF is not enabled\n", "OSPF is not enabled"),
        ("% OSPF instance not found\n", "OSPF instance not found"),
        ("OSPF instance not found\r\n", "OSPF instance not found"),
        ("% Unknown command: show ip ospf neighbr\n", "Unknown command"),
        ("bash: line 1: vtysh: command not found\n", "command not found"),
        ("sudo: unable to execute /usr/bin/vtysh: Permission denied\n", "permission denied"),
        ("% Command incomplete: show ip\n", "Command incomplete"),
        ("Exiting: failed to connect to any daemons.\n", "failed to connect to any daemons"),
        ("\r\n% Ambiguous command.\r\n", "Ambiguous command"),
    ],
)
def test_vtysh_error_texts_are_recognised(text: str, reason: str) -> None:
    found = vtysh_error(text)
    assert found is not None and reason in found, f"{text!r} not recognised: {found!r}"


def test_vtysh_error_reports_the_line() -> None:
    found = find_vtysh_error("Codes: K - kernel route\nospfd is not running\n")
    assert found is not None and found.line_number == 2


def test_ospf_instance_not_found_reads_as_ospf_not_enabled() -> None:
    """Callers that look for "OSPF is not enabled" also catch FRR 7.0 to 8.2's wording."""
    assert vtysh_error("% OSPF instance not found\n") == "OSPF is not enabled (OSPF instance not found)"


@pytest.mark.parametrize("case", [pytest.param(case, id=case.id) for case in load_cases() if not case.refused])
def test_outputs_that_parse_carry_no_vtysh_error(case: Case) -> None:
    assert vtysh_error(case.text) is None


def test_detect_form() -> None:
    assert detect_form('\n  {"neighbors":{}}') == "json"
    assert detect_form("Codes: K - kernel route") == "text"
    assert detect_form("") == "text"


@pytest.mark.parametrize(
    ("path", "platform"),
    [
        ("frr-8.4/vr2active_gw1_show_ip_ospf_neighbor", "frr"),
        ("frr-8.4/vr2active_gw1_show_ip_ospf_neighbor_json", "frr"),
        ("frr-8.4/vr2active_gw1_show_ip_route", "frr"),
        ("frr-10.3/splitbrain_gw1_show_ip_route", "frr"),
        ("quagga-0.99/show_ip_ospf_neighbor", "quagga"),
        ("quagga-0.99/show_ip_route", "quagga"),
        ("quagga-0.99/isolated_show_ip_ospf_neighbor", "quagga"),
        ("quagga-0.99/ecmp_show_ip_route_10_0_13_0_24", None),  # the detail form carries no marker
        ("quagga-0.99.22/splitbrain_gw1_show_ip_route", "quagga"),  # "O - OSPF," starts the second line
        ("quagga-1.2/splitbrain_gw1_show_ip_route", "quagga"),  # "N - NHRP," as FRR's legend has it
        ("frr-8.4/recursive_gw1_show_ip_route", "frr"),
        ("frr-10.3/recursive_gw1_show_ip_route", "frr"),
    ],
)
def test_detect_platform(path: str, platform: str | None) -> None:
    (case,) = [case for case in load_cases() if case.id == path]
    assert detect_platform(case.text) == platform


@pytest.mark.parametrize(
    ("second_line", "platform"),
    [
        ("       O - OSPF, I - IS-IS, B - BGP, A - Babel,", "quagga"),  # 0.99.21 to 0.99.23
        ("       O - OSPF, I - IS-IS, B - BGP, P - PIM, A - Babel,", "quagga"),  # 0.99.24 to 1.1
        ("       O - OSPF, I - IS-IS, B - BGP, P - PIM, A - Babel, N - NHRP,", "quagga"),  # 1.2
        ("       O - OSPF, I - IS-IS, B - BGP, E - EIGRP, N - NHRP,", "frr"),  # 5.0 to 9.1
        ("       R - RIP, O - OSPF, I - IS-IS, B - BGP, E - EIGRP, N - NHRP,", "frr"),  # 10.0 and later
    ],
)
def test_detect_platform_by_the_second_legend_line(second_line: str, platform: str) -> None:
    text = f"Codes: K - kernel route, C - connected, S - static, R - RIP,\n{second_line}\n\n"
    assert detect_platform(text + "C>* 10.0.0.0/24 is directly connected, eth1\n") == platform


def test_every_error_pattern_has_a_word_the_quick_pass_looks_for() -> None:
    """find_vtysh_error passes over output holding none of _ERROR_WORDS: every pattern must need one of them."""
    from ospf_failover.parsers import vtysh

    for pattern, _ in vtysh._ERROR_PATTERNS:
        assert any(word in pattern.pattern for word in vtysh._ERROR_WORDS), pattern.pattern
    assert vtysh.find_vtysh_error("x\n" * 10_000 + "  ospfd is not running\n") is not None
