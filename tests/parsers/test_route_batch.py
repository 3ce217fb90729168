"""Several route reads in one vtysh run (FRR's JSON, one object per prefix asked): the recording read back, and
every way the answers could be misread refused rather than guessed."""

from __future__ import annotations

import pytest

from ospf_failover.errors import ParseError
from ospf_failover.parsers.route import parse_route_batch

from .cases import FIXTURES

BATCH = (FIXTURES / "frr-8.4-lab" / "vr1active_gw1_show_ip_route_batch_json.txt").read_text()
ASKED = ["10.0.0.0/24", "10.99.0.0/24", "10.0.1.0/24"]


def test_each_prefix_gets_its_own_answer_and_an_empty_one_means_not_in_the_table() -> None:
    batch = parse_route_batch(BATCH, ASKED)
    assert list(batch) == ASKED
    assert [hop["ip"] for hop in batch["10.0.0.0/24"][0]["nexthops"]] == ["192.168.76.251"]
    assert batch["10.99.0.0/24"] == []
    assert [hop["ip"] for hop in batch["10.0.1.0/24"][0]["nexthops"]] == ["192.168.76.123"]


@pytest.mark.parametrize(
    ("prefixes", "reason"),
    [
        (ASKED[:2], "3 JSON answers for 2 prefixes asked"),
        ([*ASKED, "10.0.2.0/24"], "3 JSON answers for 4 prefixes asked"),
        (list(reversed(ASKED)), "the answer for 10.0.1.0/24 is about 10.0.0.0/24"),
    ],
)
def test_a_count_or_order_that_does_not_match_the_prefixes_asked_is_refused(prefixes: list[str], reason: str) -> None:
    with pytest.raises(ParseError, match=reason):
        parse_route_batch(BATCH, prefixes)


def test_text_between_the_answers_is_refused_at_its_line() -> None:
    first, _, rest = BATCH.partition("\n{}\n")
    with pytest.raises(ParseError) as caught:
        parse_route_batch(f"{first}\nDefault VRF\n{{}}\n{rest}", ASKED)
    assert caught.value.line_number == first.count("\n") + 2
    assert "one JSON object per prefix" in caught.value.reason


def test_an_empty_output_answers_nothing() -> None:
    with pytest.raises(ParseError, match="0 JSON answers for 1 prefixes"):
        parse_route_batch("\n", ["10.0.0.0/24"])
