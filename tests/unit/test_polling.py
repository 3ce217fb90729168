"""wait_until: bounded in time and count, reports elapsed time, and the last difference on timeout."""

from __future__ import annotations

import time

import pytest

from ospf_failover.errors import ConvergenceTimeout
from ospf_failover.polling import wait_until


def test_returns_when_the_check_holds() -> None:
    calls = iter([(False, 1, "not yet"), (False, 2, "not yet"), (True, 3, "")])
    waited = wait_until(lambda: next(calls), what="x", timeout=5, interval=0.01)
    assert (waited.value, waited.attempts) == (3, 3)
    assert waited.elapsed < 1


def test_timeout_reports_the_last_difference() -> None:
    start = time.monotonic()
    with pytest.raises(ConvergenceTimeout) as caught:
        wait_until(lambda: (False, None, "gw1 via 192.168.76.251"), what="route", timeout=0.3, interval=0.05)
    assert time.monotonic() - start < 1.0
    assert "gw1 via 192.168.76.251" in str(caught.value)
    assert caught.value.exit_code == 3


def test_count_bound() -> None:
    count = 0

    def check() -> tuple[bool, int, str]:
        nonlocal count
        count += 1
        return False, count, "no"

    with pytest.raises(ConvergenceTimeout):
        wait_until(check, what="x", timeout=60, interval=0, max_attempts=5)
    assert count == 5
