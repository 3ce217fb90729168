"""The parsers' shared refusal: one ParseError shape, and JSON fields read only when of the expected type."""

from __future__ import annotations

from typing import Any

import pytest

from ospf_failover.errors import ParseError
from ospf_failover.parsers.nic_config import parse_nic_config
from ospf_failover.parsers.ospf_config import parse_ospf_config
from ospf_failover.parsers.refusal import Refuser, json_field


def test_a_refuser_builds_its_parsers_parse_error() -> None:
    refuse = Refuser("route")
    error = refuse("not a route line", 3, "  garbage  ")
    assert isinstance(error, ParseError)
    assert (error.kind, error.reason, error.line_number, error.line) == ("route", "not a route line", 3, "  garbage  ")
    assert str(error) == "cannot parse route output at line 3: not a route line: 'garbage'"
    assert str(refuse("empty output")) == "cannot parse route output: empty output"


@pytest.mark.parametrize(
    ("parse", "text", "secret", "shown"),
    [
        (parse_nic_config, "DEVICE=eth1\nWPA_PSK=pass\\phrase9\n", "phrase9", "WPA_PSK=<removed>"),
        (parse_nic_config, "[wifi-security]\npsk=first-psk7\npsk=other-psk7\n", "psk7", "psk=<removed>"),
        (parse_ospf_config, "hostname r1\n neighbor 10.1.1.1 password Bgp5ecret\n", "Bgp5ecret", "password <removed>"),
        (parse_ospf_config, "hostname r1\nip ospf authentication-key Sk3y0spf\n", "Sk3y0spf", "authentication-key"),
    ],
)
def test_a_refused_line_is_shown_without_its_secret(parse: Any, text: str, secret: str, shown: str) -> None:
    with pytest.raises(ParseError) as refused:
        parse(text)
    assert secret not in str(refused.value) and secret not in (refused.value.line or ""), refused.value
    assert shown in str(refused.value), "the line is still shown, its secret removed"


ENTRY: dict[str, Any] = {"nbrState": "Full/DR", "state": "Init/DROther", "priority": 1, "up": True, "none": None}


def test_the_first_present_key_wins() -> None:
    assert json_field(ENTRY, ("nbrState", "state"), str, kind="k", where="w") == "Full/DR"
    assert json_field(ENTRY, ("nbrPriority", "priority"), int, kind="k", where="w") == 1
    assert json_field(ENTRY, "up", bool, kind="k", where="w") is True


def test_a_missing_field_is_its_default_or_refused() -> None:
    assert json_field(ENTRY, "metric", int, kind="k", where="w", default=None) is None
    assert json_field(ENTRY, "prefix", str, kind="k", where="w", default="10.0.0.0/24") == "10.0.0.0/24"
    with pytest.raises(ParseError) as refused:
        json_field(ENTRY, ("ifaceAddress", "address"), str, kind="ospf neighbor", where="neighbor '1.1.1.1'")
    assert refused.value.kind == "ospf neighbor"
    assert refused.value.reason == "neighbor '1.1.1.1': none of the keys ifaceAddress, address is present"


@pytest.mark.parametrize(
    ("key", "expected", "reason"),
    [
        ("up", int, "w: 'up' is not a int"),  # a JSON true is no number
        ("priority", str, "w: 'priority' is not a str"),
        ("none", str, "w: 'none' is not a str"),  # present but null is not absent
        ("nbrState", list, "w: 'nbrState' is not a list"),
    ],
)
def test_a_field_of_another_type_is_refused(key: str, expected: type, reason: str) -> None:
    with pytest.raises(ParseError) as refused:
        json_field(ENTRY, key, expected, kind="route", where="w", default=None)
    assert (refused.value.kind, refused.value.reason) == ("route", reason)
