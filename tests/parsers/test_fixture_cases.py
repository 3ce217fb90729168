"""Every recording under tests/fixtures against its expected result, one parametrized test per parser."""

from __future__ import annotations

import pytest

from ospf_failover.errors import ParseError

from .cases import RESULT_TYPES, Case, ParserName, load_cases, recordings, shape_errors


def _check(case: Case, *, detect: bool = False, text: str | None = None) -> None:
    if case.refused:
        expected = case.expected["refused"]
        with pytest.raises(ParseError) as caught:
            case.parse(text, detect=detect)
        assert expected["reason"] in caught.value.reason, f"{case.id}: refused for another reason: {caught.value}"
        assert caught.value.line_number == expected["line_number"], f"{case.id}: refused at another line"
        return
    result = case.parse(text, detect=detect)
    assert shape_errors(result, RESULT_TYPES[case.parser]) == [], f"{case.id}: result does not have the declared shape"
    assert result == case.expected["result"], f"{case.id}: parsed value differs from the expected result"


def _params(parser: ParserName) -> list[object]:
    return [pytest.param(case, id=case.id) for case in load_cases(parser)]


@pytest.mark.parametrize("case", _params("clpstat"))
def test_clpstat_case(case: Case) -> None:
    _check(case)


@pytest.mark.parametrize("case", _params("ospf-neighbor"))
def test_ospf_neighbor_case(case: Case) -> None:
    _check(case)
    _check(case, detect=True)  # the platform, when not given, changes nothing


@pytest.mark.parametrize("case", _params("route"))
def test_route_case(case: Case) -> None:
    _check(case)
    _check(case, detect=True)


@pytest.mark.parametrize("case", _params("route-batch"))
def test_route_batch_case(case: Case) -> None:
    _check(case)


@pytest.mark.parametrize("case", _params("route-table"))
def test_route_table_case(case: Case) -> None:
    _check(case)
    _check(case, detect=True)


@pytest.mark.parametrize("case", _params("nic-state"))
def test_nic_state_case(case: Case) -> None:
    _check(case)


def _to_crlf(text: str) -> str:
    return text.replace("\n", "\r\n")


def _add_trailing_blanks(text: str) -> str:
    return "\n".join(f"{line}   " if line else line for line in text.split("\n"))


def _strip_trailing_blanks(text: str) -> str:
    return "\n".join(line.rstrip(" ") for line in text.split("\n"))


_VARIANTS = {"crlf": _to_crlf, "trailing-blanks": _add_trailing_blanks, "stripped-blanks": _strip_trailing_blanks}


@pytest.mark.parametrize("variant", sorted(_VARIANTS))
@pytest.mark.parametrize("case", [pytest.param(case, id=case.id) for case in load_cases("clpstat")])
def test_clpstat_line_end_and_blank_variants(case: Case, variant: str) -> None:
    """CRLF line ends and trailing blanks (added or stripped) never change the parsed value."""
    _check(case, text=_VARIANTS[variant](case.text))


@pytest.mark.parametrize(
    "case",
    [pytest.param(case, id=case.id) for case in load_cases() if case.parser != "clpstat" and not case.refused],
)
def test_router_outputs_read_the_same_with_crlf(case: Case) -> None:
    _check(case, text=_to_crlf(case.text))


def test_every_recording_has_an_expected_result() -> None:
    missing = [str(path) for path in recordings() if not (path.parent / "expected" / f"{path.stem}.json").exists()]
    assert missing == [], "recordings without expected/<case>.json"


def test_the_suite_has_cases_for_every_parser() -> None:
    counts = {parser: len(load_cases(parser)) for parser in RESULT_TYPES}
    least = {"clpstat": 10, "ospf-neighbor": 10, "route": 10, "route-batch": 2, "route-table": 4, "nic-state": 5}
    assert all(counts[parser] >= least[parser] for parser in counts), f"too few cases: {counts}"


def test_nic_state_pairs_share_one_expected_result() -> None:
    """Both recordings of an ``ip link``/``ip addr`` pair name each other and expect the same state."""
    by_name = {case.id: case for case in load_cases("nic-state")}
    for case in by_name.values():
        for role in ("link", "addresses"):
            partner = case.expected[role]
            if partner is None or partner == case.name:
                continue
            other = by_name.get(f"{case.platform_dir}/{partner}")
            assert other is not None, f"{case.id}: its {role} recording {partner} has no nic-state case"
            assert other.expected == case.expected, f"{case.id} and {other.id} expect different states"
