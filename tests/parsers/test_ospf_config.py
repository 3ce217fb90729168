"""The OSPF part of a configuration: blocks, coverage of a VM network, drift within a pair, refusals."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ospf_failover.errors import InputError, ParseError
from ospf_failover.parsers.ospf_config import OspfConfig, compare_ospf_lines, parse_ospf_config

from .cases import FIXTURES
from .check_cases import load_check_cases


def _config(path: str) -> OspfConfig:
    return parse_ospf_config((FIXTURES / path).read_text(encoding="utf-8"))


def _refused(text: str, reason: str, line_number: int | None = None) -> None:
    with pytest.raises(ParseError) as caught:
        parse_ospf_config(text)
    assert reason in caught.value.reason, f"refused for another reason: {caught.value}"
    if line_number is not None:
        assert caught.value.line_number == line_number, f"refused at another line: {caught.value}"


def test_the_routers_of_a_pair_share_their_ospf_lines() -> None:
    for first, second in [
        ("frr-8.4-lab/vr1active_vr1_show_running-config.txt", "frr-8.4-lab/vr1active_vr2_show_running-config.txt"),
        ("frr-8.4/vr2active_vr1_show_running-config.txt", "frr-8.4/vr2active_vr2_show_running-config.txt"),
        ("quagga-0.99.22/manual_r1_show_running-config.txt", "quagga-0.99.22/manual_r2_show_running-config.txt"),
    ]:
        a, b = _config(first), _config(second)
        assert a.router_id != b.router_id, "the router IDs differ and are left out"
        assert compare_ospf_lines(a, b) == ((), ()), f"{first} and {second} drift"


def test_drift_names_the_lines_each_side_has() -> None:
    before = _config("frr-8.4-lab/vr1active_vr2_show_running-config.txt")
    tuned = _config("frr-8.4-lab/tuned_vr2_show_running-config.txt")
    only_before, only_tuned = compare_ospf_lines(before, tuned)
    assert only_before == (
        "interface eth0: ip ospf dead-interval 4",
        "router ospf: timers lsa min-arrival 0",
        "router ospf: timers throttle lsa all 0",
        "router ospf: timers throttle spf 0 50 500",
    )
    assert only_tuned == (
        "interface eth0: ip ospf bfd",
        "interface eth0: ip ospf dead-interval minimal hello-multiplier 4",
        "router ospf: timers throttle spf 200 1000 10000",
    )


def test_an_observer_is_not_a_vm_router() -> None:
    gw1, vr1 = (
        _config("frr-8.4-lab/vr1active_gw1_show_running-config.txt"),
        _config("frr-8.4-lab/vr1active_vr1_show_running-config.txt"),
    )
    only_gw1, only_vr1 = compare_ospf_lines(gw1, vr1)
    assert "router ospf: network 10.0.0.0/24 area 0.0.0.0" in only_vr1
    assert only_gw1 == ("interface eth0: ip ospf priority 255",)


def test_interface_area_covers_a_network_through_an_address_given_or_configured() -> None:
    text = "!\ninterface eth1\n ip ospf area 0\n!\nrouter ospf\n passive-interface eth1\n!\n"
    config = parse_ospf_config(text)
    assert not config.covers("10.0.0.0/24").covered, "without an address the interface covers nothing known"
    coverage = config.covers("10.0.0.0/24", addresses={"eth1": ["10.0.0.254/24"]})
    assert (coverage.covered, coverage.area) == (True, "0.0.0.0")
    assert coverage.by == "interface eth1: ip ospf area 0.0.0.0 (10.0.0.254/24)"
    configured = parse_ospf_config("interface eth1\n ip address 10.0.0.254/24\n ip ospf area 0.0.0.0\n!\nrouter ospf\n")
    assert configured.covers("10.0.0.0/24").covered
    assert configured.interface_addresses == (("eth1", "10.0.0.254/24"),)


def test_interface_area_for_one_address_covers_only_that_address() -> None:
    config = parse_ospf_config("interface eth1\n ip ospf area 0 10.0.1.254\n!\nrouter ospf\n!\n")
    assert not config.covers("10.0.0.0/24", addresses={"eth1": ["10.0.0.254/24", "10.0.1.254/24"]}).covered
    assert config.covers("10.0.1.0/24", addresses={"eth1": ["10.0.0.254/24", "10.0.1.254/24"]}).covered


def test_a_network_statement_for_the_gateway_address_alone_covers_the_network() -> None:
    config = parse_ospf_config("router ospf\n network 10.0.0.254/32 area 0\n!\n")
    assert not config.covers("10.0.0.0/24").covered, "the statement does not contain the whole network"
    coverage = config.covers("10.0.0.0/24", addresses={"eth1": ["10.0.0.254/24"]})
    assert coverage.covered and coverage.by == "network 10.0.0.254/32 area 0.0.0.0 (eth1)"


def test_no_router_ospf_covers_nothing() -> None:
    config = parse_ospf_config("!\ninterface eth1\n ip ospf area 0\n!\n")
    assert not config.router_ospf
    assert not config.covers("10.0.0.0/24", addresses={"eth1": ["10.0.0.254/24"]}).covered
    with pytest.raises(InputError):
        config.covers("10.0.0.1/24")
    with pytest.raises(InputError):
        config.covers("10.0.0.0/24", addresses={"eth1": ["10.0.0.300/24"]})


def test_passive_interfaces_in_every_spelling() -> None:
    config = parse_ospf_config(
        "interface eth2\n no ip ospf passive\n!\nrouter ospf\n passive-interface default\n"
        " no passive-interface eth0\n!\n"
    )
    assert config.passive_default
    assert [config.is_passive(name) for name in ("eth0", "eth1", "eth2")] == [False, True, False]
    seed = _config("frr-8.4-lab/vr1active_vr1_show_running-config.txt")
    assert seed.is_passive("eth1") and not seed.is_passive("eth0")


def test_keys_are_masked_in_the_ospf_lines() -> None:
    config = _config("quagga-0.99.22/twoareas_testserver1_cat__etc_quagga_ospfd_conf.txt")
    assert not any("md5 hello" in line for line in config.ospf_lines), "the MD5 key must not appear"
    assert "interface eth1: ip ospf message-digest-key 1 md5 <secret>" in config.ospf_lines
    simple = parse_ospf_config("interface eth0\n ip ospf authentication-key s3cret\n!\n")
    assert simple.ospf_lines == ("interface eth0: ip ospf authentication-key <secret>",)


def test_unindented_lines_belong_to_their_block_until_a_global_command() -> None:
    config = parse_ospf_config("router ospf\nnetwork 10.0.0.0/24 area 0\nlog file /tmp/x\n")
    assert [statement.prefix for statement in config.networks] == ["10.0.0.0/24"]
    _refused("router ospf\nnetwork 10.0.0.0/24 area 0\nlog file /tmp/x\nnetwork 10.1.0.0/24 area 1\n", "outside", 4)


@pytest.mark.parametrize(
    ("text", "reason", "line_number"),
    [
        ("Building configuration...\n\nCurrent configuration:\n!\nrouter ospf\n", "does not end with 'end'", None),
        ("Current configuration:\n!\nhostname r1\n", "does not end with 'end'", None),
        ("!\nrouter ospf 2\n network 10.0.0.0/24 area 0\n", "default OSPF instance", 2),
        ("!\nrouter ospf vrf red\n", "default OSPF instance", 2),
        ("!\nip ospf hello-interval 1\n", "outside an interface block", 2),
        ("!\nnetwork 10.0.0.0/24 area 0\n", "outside a 'router' block", 2),
        ("!\n ip ospf hello-interval 1\n", "indented line outside any block", 2),
        ("Codes: K - kernel route, C - connected\n", "not a configuration", 1),
        ("", "empty output", None),
        ("ospfd is not running\n", "ospfd is not running", 1),
        ("router ospf\n network 10.0.0.0/24 area x.y\n", "neither a number nor dotted", 2),
        ("router ospf\n network 10.0.0.0 area 0\n", "expected 'network PREFIX/LENGTH area AREA'", 2),
        ("router ospf\n ospf router-id 1.2.3\n", "not an IPv4 address", 2),
        ("interface eth0 eth1\n", "expected 'interface NAME'", 1),
        ("interface eth0\n ip address 10.0.0.1\n", "expected 'ip address A.B.C.D/LENGTH", 2),
        ("interface eth0\n ip address 10.0.0.300/24\n", "expected 'ip address", 2),
    ],
)
def test_what_cannot_be_read_is_refused(text: str, reason: str, line_number: int | None) -> None:
    _refused(text, reason, line_number)


def test_an_interface_of_another_vrf_is_not_read() -> None:
    config = parse_ospf_config("interface eth3 vrf red\n ip ospf area 0\n!\nrouter ospf\n!\n")
    assert config.interface_areas == () and config.ospf_lines == ()


_CONFIG_TEXTS = [case.text for case in load_check_cases("ospf-config")]


@settings(max_examples=150, deadline=500, suppress_health_check=[HealthCheck.too_slow])
@given(
    text=st.sampled_from(_CONFIG_TEXTS),
    drop=st.lists(st.integers(0, 60), max_size=3),
    noise=st.text(max_size=20),
)
def test_mutated_configurations_give_a_config_or_a_parse_error(text: str, drop: list[int], noise: str) -> None:
    lines = text.split("\n")
    for index in drop:
        if lines:
            del lines[index % len(lines)]
    lines.insert(len(lines) // 2, noise)
    try:
        config = parse_ospf_config("\n".join(lines))
    except ParseError:
        return
    assert isinstance(config, OspfConfig)
    config.covers("10.0.0.0/24")
