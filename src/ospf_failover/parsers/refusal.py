"""How a parser refuses output: its ParseError built in one place, and JSON fields read only with the right type.

A refusal shows the line it refuses, and that line may come from a configuration (a key, a password, a PSK):
the line shown is the line with its secrets removed, as a backup stores it, so that no error text, ``--debug``
output or JSON document ever carries one.
"""

from __future__ import annotations

from typing import Any, Final, TypeVar, overload

from ospf_failover.archive.clean import scrub_secrets
from ospf_failover.errors import ParseError

T = TypeVar("T")
D = TypeVar("D")


class _Required:
    """The marker for "no default": a missing field is refused."""

    def __repr__(self) -> str:
        return "REQUIRED"


REQUIRED: Final = _Required()


class Refuser:
    """Builds one parser's ParseError: ``raise refuse(reason, line_number, line)``."""

    __slots__ = ("kind",)

    def __init__(self, kind: str) -> None:
        self.kind = kind

    def __call__(self, reason: str, line_number: int | None = None, line: str | None = None) -> ParseError:
        shown = None if line is None else scrub_secrets(line)[0]
        return ParseError(kind=self.kind, reason=reason, line_number=line_number, line=shown)


@overload
def json_field(
    entry: dict[str, Any], keys: str | tuple[str, ...], expected: type[T], *, kind: str, where: str
) -> T: ...


@overload
def json_field(
    entry: dict[str, Any], keys: str | tuple[str, ...], expected: type[T], *, kind: str, where: str, default: D
) -> T | D: ...


def json_field(
    entry: dict[str, Any],
    keys: str | tuple[str, ...],
    expected: type[T],
    *,
    kind: str,
    where: str,
    default: object = REQUIRED,
) -> object:
    """The value of the first of ``keys`` present in ``entry``, which must be of type ``expected``.

    A JSON true is no number (bool is a subclass of int). When none of the keys is present, ``default`` is
    returned, or, without one, the field is refused. Refusals are ParseErrors of ``kind`` naming ``where``.
    """
    names = (keys,) if isinstance(keys, str) else keys
    for key in names:
        if key in entry:
            value = entry[key]
            is_bool_mismatch = isinstance(value, bool) and expected is not bool
            if not isinstance(value, expected) or is_bool_mismatch:
                raise ParseError(kind=kind, reason=f"{where}: {key!r} is not a {expected.__name__}")
            return value
    if default is REQUIRED:
        raise ParseError(kind=kind, reason=f"{where}: none of the keys {', '.join(names)} is present")
    return default
