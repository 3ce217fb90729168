"""Route times that mean what they say: from the active router's change confirmed to each host's own first read
showing the new route; a late first read is said to be one, never reported as convergence."""

from __future__ import annotations

import pytest

from ospf_failover.runbooks.switch.timing import LATE_READ, RouteClock

ORIGIN = 1000.0  # time.monotonic() of the change, confirmed


def test_a_route_seen_moving_is_timed_from_the_change_to_the_first_read_showing_it() -> None:
    clock = RouteClock(ORIGIN)
    clock.read("gw1", at=ORIGIN + 0.06, holds=False)
    clock.read("gw1", at=ORIGIN + 0.16, holds=True)
    assert clock.moved("gw1") == pytest.approx(0.16)
    assert clock.row_text("gw1") == " (after 0.16 s)"
    assert clock.as_dict(["gw1"]) == {"gw1": 0.16}
    assert clock.first_reads(["gw1"]) == {"gw1": 0.06}


def test_a_route_right_at_an_early_first_read_is_timed_by_that_read() -> None:
    clock = RouteClock(ORIGIN)
    clock.read("vr1", at=ORIGIN + 0.08, holds=True)
    assert clock.moved("vr1") == pytest.approx(0.08) and not clock.late("vr1")


def test_a_first_read_late_because_the_session_opened_late_is_no_convergence_time() -> None:
    clock = RouteClock(ORIGIN)
    clock.opened("gw2", at=ORIGIN + 4.8, took=4.85)
    clock.read("gw2", at=ORIGIN + 4.9, holds=True)
    assert clock.late("gw2") and clock.moved("gw2") is None
    assert clock.row_text("gw2") == " (first read at 4.90 s: connect took 4.85 s)"
    assert clock.summary(["gw2"], {}) == "route moved: gw2 first read at 4.90 s"
    assert clock.as_dict(["gw2"]) == {"gw2": None}


def test_a_session_opened_before_the_change_is_not_late() -> None:
    clock = RouteClock(ORIGIN)
    clock.opened("gw1", at=ORIGIN - 0.2, took=0.3)
    clock.read("gw1", at=ORIGIN + 0.05, holds=True)
    assert not clock.late("gw1") and clock.moved("gw1") == pytest.approx(0.05)


def test_a_first_read_late_for_any_other_reason_is_no_convergence_time_either() -> None:
    clock = RouteClock(ORIGIN)
    clock.read("gw1", at=ORIGIN + LATE_READ + 3.0, holds=True)
    assert clock.late("gw1") and clock.row_text("gw1") == " (first read at 4.00 s)"


def test_a_late_first_read_that_saw_the_old_route_times_the_move_it_then_saw() -> None:
    clock = RouteClock(ORIGIN)
    clock.opened("gw2", at=ORIGIN + 2.0, took=2.1)
    clock.read("gw2", at=ORIGIN + 2.1, holds=False)
    clock.read("gw2", at=ORIGIN + 3.0, holds=True)
    assert not clock.late("gw2") and clock.moved("gw2") == pytest.approx(3.0)


def test_the_summary_names_every_host_with_what_is_known() -> None:
    clock = RouteClock(ORIGIN)
    clock.read("vr1", at=ORIGIN + 0.1, holds=True)
    clock.read("gw1", at=ORIGIN + 0.1, holds=False)
    summary = clock.summary(["vr1", "gw1", "gw2", "vr3"], {"gw2": "unreachable", "vr3": "host key refused"})
    assert summary == "route moved: vr1 0.10 s, gw1 not moved, gw2 unreachable, vr3 host key refused"
    assert clock.row_text("gw1") == "", "a host whose route is not right says no time"
    assert RouteClock(ORIGIN).summary([], {}) == ""


def test_a_host_that_moved_then_lost_the_route_is_not_moved() -> None:
    clock = RouteClock(ORIGIN)
    clock.read("gw1", at=ORIGIN + 0.1, holds=True)
    clock.read("gw1", at=ORIGIN + 0.2, holds=False)
    assert clock.moved("gw1") is None and clock.as_dict(["gw1"]) == {"gw1": None}
