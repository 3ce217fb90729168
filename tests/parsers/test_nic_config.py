"""A NIC's ifcfg file or NetworkManager keyfile, and /proc/sys/net/ipv4/ip_forward."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ospf_failover.errors import ParseError
from ospf_failover.parsers.nic_config import NicConfig, parse_ip_forward, parse_nic_config

from .cases import shape_errors


def _refused(text: str, reason: str, line_number: int | None = None) -> None:
    with pytest.raises(ParseError) as caught:
        parse_nic_config(text)
    assert reason in caught.value.reason, f"refused for another reason: {caught.value}"
    if line_number is not None:
        assert caught.value.line_number == line_number, f"refused at another line: {caught.value}"


@pytest.mark.parametrize(
    ("text", "addresses", "starts_at_boot"),
    [
        ('DEVICE="ens224"\nIPADDR="10.0.0.254"\nPREFIX="24"\nONBOOT="no"\n', ["10.0.0.254/24"], False),
        ("DEVICE='ens224'\nIPADDR='10.0.0.254'\nNETMASK='255.255.255.0'\nONBOOT='No'\n", ["10.0.0.254/24"], False),
        ("IPADDR=10.0.0.254 # the VM gateway\nPREFIX=24\nONBOOT=n\n", ["10.0.0.254/24"], False),
        ("IPADDR=10.0.0.254\nPREFIX=24\nNETMASK=255.255.255.0\n", ["10.0.0.254/24"], True),
        ("IPADDR1=10.0.1.254\nPREFIX1=24\nIPADDR=10.0.0.254\nPREFIX=24\nIPADDR0=10.0.2.254\nPREFIX0=24\n",
         ["10.0.0.254/24", "10.0.2.254/24", "10.0.1.254/24"], True),
        ("IPADDR2=10.0.3.254\nPREFIX2=25\nONBOOT=TRUE\n", ["10.0.3.254/25"], True),
    ],
)  # fmt: skip
def test_ifcfg_addresses_and_boot(text: str, addresses: list[str], starts_at_boot: bool) -> None:
    config = parse_nic_config(text)
    assert shape_errors(config, NicConfig) == []
    assert (config["format"], config["addresses"], config["starts_at_boot"]) == ("ifcfg", addresses, starts_at_boot)


def test_ifcfg_quoting_keeps_what_the_shell_keeps() -> None:
    config = parse_nic_config('NAME="System eth1"\nDEVICE=eth1\n')
    assert config["connection_id"] == "System eth1"
    escaped = parse_nic_config('NAME="a \\"b\\" \\$c"\n')
    assert escaped["connection_id"] == 'a "b" $c'


@pytest.mark.parametrize(
    ("text", "reason", "line_number"),
    [
        ("IPADDR=10.0.0.254\n", "its prefix length is unknown", 1),
        ("IPADDR=10.0.0.254\nPREFIX=33\n", "not a prefix length", 2),
        ("IPADDR=10.0.0.254\nPREFIX=24\nNETMASK=255.255.0.0\n", "disagree", 3),
        ("IPADDR=10.0.0.254\nNETMASK=255.0.255.0\n", "not a netmask", 2),
        ("IPADDR=10.0.0.999\nPREFIX=24\n", "not an IPv4 address", 1),
        ("IPADDR2=10.0.0.1\nPREFIX2=24\nIPADDR4=10.0.0.2\nPREFIX4=24\n", "NetworkManager ignores it", 3),
        ("BOOTPROTO=ibft\n", "BOOTPROTO", 1),
        ("ONBOOT=maybe\n", "not a boolean", 1),
        ("ONBOOT=yes\nONBOOT=no\n", "set twice", 2),
        ("NAME=System eth1\n", "not one shell word", 1),
        ('NAME="unterminated\n', "not one shell word", 1),
        ("DEVICE=eth1\nthis is not an assignment\n", "not a shell assignment", 2),
        ("", "empty file", None),
        ("# only a comment\n", "empty file", None),
        ("Codes: K - kernel route\n", "neither an ifcfg assignment", 1),
    ],
)
def test_ifcfg_refusals(text: str, reason: str, line_number: int | None) -> None:
    _refused(text, reason, line_number)


def test_keyfile_forms_of_addresses() -> None:
    text = (
        "[connection]\nid=eth1\ninterface-name=eth1\nautoconnect=0\n\n[ipv4]\nmethod=manual\n"
        "address2=10.0.2.254/24\naddresses1=10.0.1.254;24;10.0.1.1;\naddress=10.0.0.254/24,10.0.0.1\n"
    )
    config = parse_nic_config(text)
    assert config["addresses"] == ["10.0.0.254/24", "10.0.1.254/24", "10.0.2.254/24"]
    assert (config["starts_at_boot"], config["dhcp"], config["device"]) == (False, False, "eth1")


def test_keyfile_defaults_and_escapes() -> None:
    config = parse_nic_config("[connection]\nid=VM\\sside\n\n[ipv4]\naddress1=10.0.0.254/24\n")
    assert config["connection_id"] == "VM side"
    assert (config["starts_at_boot"], config["dhcp"]) == (True, True), "autoconnect and method=auto by default"


@pytest.mark.parametrize(
    ("text", "reason", "line_number"),
    [
        ("[ipv4]\naddress1=10.0.0.254\n", "no prefix length", 2),
        ("[ipv4]\naddress1=10.0.0.254/24,10.0.0.1,7,8\n", "expected ADDRESS/PREFIX", 2),
        ("[ipv4]\naddress1=10.0.0.254/40\n", "not an IPv4 address", 2),
        ("[connection]\nautoconnect=sometimes\n", "not a boolean", 2),
        ("[connection]\nid=a\nid=b\n", "set twice", 3),
        ("[connection]\n[connection]\n", "appears twice", 2),
        ("id=eth1\n[connection]\n", "not a shell assignment", 2),
        ("[connection]\nid=a\\qb\n", "unknown escape", 2),
        ("[connection]\njust words\n", "key=value", 2),
    ],
)
def test_keyfile_refusals(text: str, reason: str, line_number: int | None) -> None:
    _refused(text, reason, line_number)


@pytest.mark.parametrize(("text", "forwarding"), [("1\n", True), ("0\n", False), ("1", True), ("0\r\n", False)])
def test_ip_forward(text: str, forwarding: bool) -> None:
    assert parse_ip_forward(text) is forwarding


@pytest.mark.parametrize("text", ["", "\n", "2\n", "1\n1\n", " 1\n", "yes\n", "cat: /proc/sys/net/ipv4/ip_forward: "])
def test_ip_forward_refuses_anything_else(text: str) -> None:
    with pytest.raises(ParseError):
        parse_ip_forward(text)


@given(st.text(max_size=200))
def test_random_text_gives_a_config_or_a_parse_error(text: str) -> None:
    try:
        config = parse_nic_config(text)
    except ParseError:
        return
    assert shape_errors(config, NicConfig) == []
