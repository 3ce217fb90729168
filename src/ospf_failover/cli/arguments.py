"""Argument types of the runbooks' command lines: a bad value is one line and exit 2 (argparse's usage error)."""

from __future__ import annotations

import argparse
from collections.abc import Callable


def count_between(low: int, high: int, what: str) -> Callable[[str], int]:
    """An argument type: a whole number from ``low`` to ``high`` (``what`` says what it counts)."""

    def count(value: str) -> int:
        try:
            number = int(value)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{value!r} is not a number") from None
        if not low <= number <= high:
            raise argparse.ArgumentTypeError(f"{number}: give {low} to {high} {what}")
        return number

    return count


workers = count_between(1, 200, "hosts read at once")
history_limit = count_between(1, 10_000, "versions")


def positive_seconds(value: str) -> float:
    try:
        seconds = float(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value!r} is not a number of seconds") from None
    if not 0 < seconds <= 1800:
        raise argparse.ArgumentTypeError(f"{value}: give seconds between 0 and 1800 (ECX's exec timeout)")
    return seconds
