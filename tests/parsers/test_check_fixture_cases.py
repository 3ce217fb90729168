"""Every recording a ``check`` parser reads, against its ``expected/<case>.<parser>.json``."""

from __future__ import annotations

from typing import Any

import pytest

from ospf_failover.errors import ParseError
from ospf_failover.parsers.nic_config import NicConfig
from ospf_failover.parsers.ospf_timers import OspfInterfaceTimers, OspfProcessTimers

from .cases import FIXTURES, shape_errors
from .check_cases import CHECK_PARSERS, CheckCase, CheckParser, load_check_cases, plain

_SHAPES: dict[CheckParser, Any] = {
    "ospf-process": OspfProcessTimers,
    "ospf-interfaces": list[OspfInterfaceTimers],
    "nic-config": NicConfig,
    "ip-forward": bool,
}


def _check(case: CheckCase, text: str | None = None) -> Any:
    if case.refused:
        expected = case.expected["refused"]
        with pytest.raises(ParseError) as caught:
            case.parse(text)
        assert expected["reason"] in caught.value.reason, f"{case.id}: refused for another reason: {caught.value}"
        assert caught.value.line_number == expected["line_number"], f"{case.id}: refused at another line"
        return None
    result = case.parse(text)
    if case.parser in _SHAPES:
        assert shape_errors(result, _SHAPES[case.parser]) == [], f"{case.id}: not the declared shape"
    assert plain(result) == case.expected["result"], f"{case.id}: parsed value differs from the expected result"
    return result


def _params(parser: CheckParser) -> list[object]:
    return [pytest.param(case, id=case.id) for case in load_check_cases(parser)]


@pytest.mark.parametrize("case", _params("ospf-process"))
def test_ospf_process_case(case: CheckCase) -> None:
    _check(case)


@pytest.mark.parametrize("case", _params("ospf-interfaces"))
def test_ospf_interfaces_case(case: CheckCase) -> None:
    _check(case)


@pytest.mark.parametrize("case", _params("ospf-config"))
def test_ospf_config_case(case: CheckCase) -> None:
    config = _check(case)
    for prefix, coverage in case.expected["covers"].items():
        assert plain(config.covers(prefix)) == coverage, f"{case.id}: coverage of {prefix}"


@pytest.mark.parametrize("case", _params("nic-config"))
def test_nic_config_case(case: CheckCase) -> None:
    _check(case)


@pytest.mark.parametrize("case", _params("ip-forward"))
def test_ip_forward_case(case: CheckCase) -> None:
    _check(case)


@pytest.mark.parametrize(
    "case",
    [
        pytest.param(case, id=case.id)
        for parser in CHECK_PARSERS
        for case in load_check_cases(parser)
        if not case.refused
    ],
)
def test_recordings_read_the_same_with_crlf(case: CheckCase) -> None:
    result = case.parse(case.text.replace("\n", "\r\n"))
    assert plain(result) == case.expected["result"], f"{case.id}: CRLF line ends change the parsed value"


def test_every_check_expectation_has_its_recording_and_primary_case() -> None:
    for parser in CHECK_PARSERS:
        for case in load_check_cases(parser):
            assert (FIXTURES / case.platform_dir / f"{case.name}.txt").exists(), f"{case.id}: no recording"
            primary = FIXTURES / case.platform_dir / "expected" / f"{case.name}.json"
            assert primary.exists(), f"{case.id}: no expected/<case>.json for the look-alike parser"


def test_the_check_suite_has_cases_for_every_parser() -> None:
    counts = {parser: len(load_check_cases(parser)) for parser in CHECK_PARSERS}
    least = {"ospf-process": 8, "ospf-interfaces": 10, "ospf-config": 10, "nic-config": 6, "ip-forward": 1}
    assert all(counts[parser] >= least[parser] for parser in CHECK_PARSERS), f"too few cases: {counts}"


def test_text_and_json_of_one_router_agree() -> None:
    """FRR's text and JSON forms, recorded one after the other, give the same timers."""
    for parser in ("ospf-process", "ospf-interfaces"):
        cases = {case.id: case for case in load_check_cases(parser)}
        pairs = [(cid, f"{cid}_json") for cid in cases if f"{cid}_json" in cases]
        assert len(pairs) >= 4, f"{parser}: too few text/JSON pairs"
        for text_id, json_id in pairs:
            assert cases[text_id].parse() == cases[json_id].parse(), f"{text_id} and its JSON differ"
