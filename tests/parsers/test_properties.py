"""Whatever text a parser is given, it returns a value of its declared shape or raises ParseError, nothing else.

Inputs: random text, and recordings mutated the way a terminal or a careless copy mutates them (lines dropped,
duplicated or swapped, characters inserted, line ends changed).
"""

from __future__ import annotations

import json
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ospf_failover.errors import ParseError

from .cases import PARSERS, RESULT_TYPES, ParserName, load_cases, shape_errors

_SETTINGS = settings(max_examples=200, deadline=500, suppress_health_check=[HealthCheck.too_slow])
_PARSER_NAMES: list[ParserName] = ["clpstat", "ospf-neighbor", "route"]
_RECORDINGS = [(case.parser, case.text) for case in load_cases() if case.parser in _PARSER_NAMES]
# Characters that matter to the parsers, so random edits hit the grammar, not only the names.
_GRAMMAR_CHARS = st.sampled_from([*' .:*/,[]{}"\r\n\t=<>-0123456789', "  ", "\r\n", "via ", "null", "%"])


def _check_outcome(parser: ParserName, text: str) -> None:
    try:
        result: Any = PARSERS[parser](text)
    except ParseError:
        return
    errors = shape_errors(result, RESULT_TYPES[parser])
    assert errors == [], f"{parser} returned a value of another shape: {errors[:3]}"


@st.composite
def _mutated_recording(draw: st.DrawFn) -> tuple[ParserName, str]:
    parser, text = draw(st.sampled_from(_RECORDINGS))
    lines = text.split("\n")
    for _ in range(draw(st.integers(min_value=1, max_value=4))):
        action = draw(st.sampled_from(["drop", "duplicate", "swap", "insert", "line-ends", "truncate"]))
        index = draw(st.integers(min_value=0, max_value=max(len(lines) - 1, 0)))
        if action == "drop" and lines:
            del lines[index]
        elif action == "duplicate" and lines:
            lines.insert(index, lines[index])
        elif action == "swap" and len(lines) > 1:
            other = draw(st.integers(min_value=0, max_value=len(lines) - 1))
            lines[index], lines[other] = lines[other], lines[index]
        elif action == "insert" and lines:
            line = lines[index]
            position = draw(st.integers(min_value=0, max_value=len(line)))
            added = draw(st.one_of(_GRAMMAR_CHARS, st.text(max_size=3)))
            lines[index] = line[:position] + added + line[position:]
        elif action == "line-ends":
            ending = draw(st.sampled_from(["\r\n", "\r", "\n\n", "\r\r\n"]))
            return parser, ending.join(lines)
        elif action == "truncate":
            joined = "\n".join(lines)
            return parser, joined[: draw(st.integers(min_value=0, max_value=len(joined)))]
    return parser, "\n".join(lines)


@_SETTINGS
@given(parser=st.sampled_from(_PARSER_NAMES), text=st.text(max_size=300))
def test_random_text_gives_the_declared_shape_or_parse_error(parser: ParserName, text: str) -> None:
    _check_outcome(parser, text)


@_SETTINGS
@given(parser=st.sampled_from(_PARSER_NAMES), pieces=st.lists(_GRAMMAR_CHARS, max_size=60))
def test_grammar_soup_gives_the_declared_shape_or_parse_error(parser: ParserName, pieces: list[str]) -> None:
    _check_outcome(parser, "".join(pieces))


@_SETTINGS
@given(mutated=_mutated_recording())
def test_mutated_recordings_give_the_declared_shape_or_parse_error(mutated: tuple[ParserName, str]) -> None:
    parser, text = mutated
    _check_outcome(parser, text)


@_SETTINGS
@given(mutated=_mutated_recording(), other=st.sampled_from(_PARSER_NAMES))
def test_recordings_given_to_another_parser_give_a_shape_or_parse_error(
    mutated: tuple[ParserName, str], other: ParserName
) -> None:
    _check_outcome(other, mutated[1])


@_SETTINGS
@given(
    document=st.recursive(
        st.none() | st.booleans() | st.integers() | st.text(max_size=8),
        lambda children: st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=8), children, max_size=3),
        max_leaves=12,
    ),
    parser=st.sampled_from(["ospf-neighbor", "route"]),
)
def test_random_json_gives_the_declared_shape_or_parse_error(document: object, parser: ParserName) -> None:
    _check_outcome(parser, json.dumps(document))
    _check_outcome(parser, json.dumps({"neighbors": {"1.1.1.1": [document]}}))
    _check_outcome(parser, json.dumps({"10.0.0.0/24": [document]}))


_JSON_VALUES: st.SearchStrategy[object] = (
    st.none() | st.booleans() | st.integers() | st.text(max_size=8) | st.just([]) | st.just({})
)
_JSON_RECORDINGS = [
    (case.parser, json.loads(case.text))
    for case in load_cases()
    if case.parser in _PARSER_NAMES and case.text.lstrip().startswith("{")
]


def _replace_one_value(document: Any, path: list[int], value: object) -> Any:
    """Replace the value reached by following ``path`` (indices into keys or items, wrapped) with ``value``."""
    if not path or not isinstance(document, (dict, list)) or not document:
        return value
    step, rest = path[0], path[1:]
    if isinstance(document, dict):
        key = list(document)[step % len(document)]
        return {**document, key: _replace_one_value(document[key], rest, value)}
    index = step % len(document)
    return [*document[:index], _replace_one_value(document[index], rest, value), *document[index + 1 :]]


@_SETTINGS
@given(
    recording=st.sampled_from(_JSON_RECORDINGS),
    path=st.lists(st.integers(min_value=0, max_value=40), min_size=1, max_size=6),
    value=_JSON_VALUES,
)
def test_json_recordings_with_a_value_replaced_give_a_shape_or_parse_error(
    recording: tuple[ParserName, Any], path: list[int], value: object
) -> None:
    parser, document = recording
    _check_outcome(parser, json.dumps(_replace_one_value(document, path, value)))
