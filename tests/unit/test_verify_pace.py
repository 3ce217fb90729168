"""When a verification reads each host, and when its reads make a verdict (runbooks/switch/pace.py, pure)."""

from __future__ import annotations

from ospf_failover.runbooks.switch.pace import (
    ACTIVE_REREAD,
    CONFIRM_AGE,
    FAILED_READ_GAP,
    MAX_READ_GAP,
    READ_GAP,
    Pace,
)

HOSTS = ("vr1", "vr2", "gw1", "gw2")


def test_every_host_is_read_at_once_the_first_time() -> None:
    pace = Pace("vr1")
    assert [pace.due(host, 0.0) for host in HOSTS] == [0.0, 0.0, 0.0, 0.0]
    assert not pace.verdict(HOSTS, 0.0), "no verdict before any read"


def test_a_host_not_right_is_read_again_soon_and_a_failed_one_later() -> None:
    pace = Pace("vr1")
    pace.read("gw1", at=0.05, right=False)
    pace.read("gw2", at=0.05, right=True, failed=True)
    assert pace.due("gw1", 0.05) == READ_GAP
    assert pace.due("gw2", 0.05) == FAILED_READ_GAP
    assert not pace.right["gw2"], "a failed read is never right"


def test_the_gap_doubles_with_each_read_in_a_row_not_right_and_starts_over_once_right() -> None:
    pace = Pace("vr1")
    gaps = []
    for index in range(8):
        pace.read("gw1", at=float(index), right=False)
        gaps.append(pace.due("gw1", float(index)))
    assert gaps == [READ_GAP, 2 * READ_GAP, 4 * READ_GAP, 8 * READ_GAP, MAX_READ_GAP, MAX_READ_GAP, MAX_READ_GAP,
                    MAX_READ_GAP]  # fmt: skip
    pace.read("gw1", at=9.0, right=True)
    pace.read("gw1", at=9.5, right=False)
    assert pace.due("gw1", 9.5) == READ_GAP


def test_a_right_host_is_not_read_while_others_converge() -> None:
    pace = Pace("vr1")
    for host in HOSTS:
        pace.read(host, at=0.05, right=host != "gw2")
    assert not pace.verdict(HOSTS, 0.05)
    for now in (0.1, 0.5, 1.5, ACTIVE_REREAD):
        assert pace.due("gw1", now) is None and pace.due("vr2", now) is None, now
    assert pace.due("vr1", 0.5) is None


def test_the_active_router_is_read_again_every_so_often_while_others_converge() -> None:
    pace = Pace("vr1")
    for host in HOSTS:
        pace.read(host, at=0.0, right=host != "gw2")
    pace.verdict(HOSTS, 0.0)
    assert pace.due("vr1", ACTIVE_REREAD + 0.01) == 0.0
    assert pace.due("vr2", ACTIVE_REREAD + 0.01) is None, "only the active router"


def test_reads_close_together_make_the_verdict_at_once() -> None:
    pace = Pace("vr1")
    for index, host in enumerate(HOSTS):
        pace.read(host, at=0.05 + 0.01 * index, right=True)
    assert pace.verdict(HOSTS, 0.1)


def test_old_right_reads_are_confirmed_before_the_verdict() -> None:
    pace = Pace("vr1")
    pace.read("vr1", at=0.1, right=True)
    pace.read("vr2", at=0.1, right=True)
    pace.read("gw1", at=0.2, right=True)
    pace.read("gw2", at=5.0, right=True)  # the last one converged long after the others
    assert not pace.verdict(HOSTS, 5.0), "reads of 4.9 s ago do not say how things are now"
    assert pace.due("vr2", 5.0) == 0.0 and pace.due("gw1", 5.0) == 0.0 and pace.due("gw2", 5.0) is None
    pace.read("vr2", at=5.1, right=True)
    pace.read("gw1", at=5.1, right=True)
    assert not pace.verdict(HOSTS, 5.1), "vr1 is not confirmed yet"
    pace.read("vr1", at=5.2, right=True)
    assert pace.verdict(HOSTS, 5.2)


def test_a_host_wrong_again_when_confirmed_starts_the_wait_over() -> None:
    pace = Pace("vr1")
    for host in HOSTS:
        pace.read(host, at=0.1 if host != "gw2" else 3.0, right=True)
    assert not pace.verdict(HOSTS, 3.0)
    pace.read("gw1", at=3.1, right=False)  # its route went back to the old router
    assert not pace.verdict(HOSTS, 3.1)
    assert pace.due("gw1", 3.1) == READ_GAP
    pace.read("gw1", at=3.2, right=True)
    assert not pace.verdict(HOSTS, 3.2), "the others' reads are old for this new moment"
    assert pace.due("vr2", 3.2) == 0.0
    for host in ("vr1", "vr2"):
        pace.read(host, at=3.3, right=True)
    assert pace.verdict(HOSTS, 3.3), f"gw2's read of {3.3 - 3.0:.1f} s ago is within {CONFIRM_AGE} s"
