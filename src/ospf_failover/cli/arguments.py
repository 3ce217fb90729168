"""Argument types of the runbooks' command lines: a bad value is one line and exit 2 (argparse's usage error)."""

from __future__ import annotations

import argparse
import os
import time
from collections.abc import Callable
from pathlib import Path


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


MAX_SECONDS = 1800  # ECX's default exec resource timeout
SECONDS_BOUND = f"0 < S <= {MAX_SECONDS}"  # how help and errors say it: 0 itself is not a bound


def positive_seconds(value: str) -> float:
    try:
        seconds = float(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value!r} is not a number of seconds") from None
    if not 0 < seconds <= MAX_SECONDS:  # also refuses nan
        raise argparse.ArgumentTypeError(
            f"{value}: give seconds S with {SECONDS_BOUND} (more than 0; at most ECX's exec timeout)"
        )
    return seconds


def timeout_help(default: float, what: str = "bound on the whole run, from the command's start") -> str:
    return f"{what}, seconds, {SECONDS_BOUND} (default {default:.0f})"


def process_started() -> float | None:
    """``time.monotonic()`` when this process started (so a run's --timeout covers Python's own start-up
    too); None when /proc does not say."""
    try:
        fields = Path("/proc/self/stat").read_text().rsplit(")", 1)[1].split()
        ticks = int(fields[19])  # field 22, starttime: clock ticks after boot (fields 1 and 2 cut off above)
        age = time.clock_gettime(time.CLOCK_BOOTTIME) - ticks / os.sysconf("SC_CLK_TCK")
    except (OSError, ValueError, IndexError):
        return None
    return time.monotonic() - age if 0 <= age < 60 else None
