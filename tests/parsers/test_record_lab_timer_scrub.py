"""The lab recorder's scrubbing of the OSPF timer outputs: what changes from run to run is fixed, timers are not."""

from __future__ import annotations

from .test_record_lab_scrub import record_lab


def test_scrub_fixes_the_spf_history_and_keeps_the_timers() -> None:
    text = (
        " Initial SPF scheduling delay 0 millisec(s)\n"
        " Hold time multiplier is currently 2\n"
        " SPF algorithm last executed 4.568s ago\n"
        " Last SPF duration 38 usecs\n"
        " SPF timer due in 0.012s\n"
        " LSA minimum arrival 0 msecs\n"
        "   SPF algorithm executed 6 times\n"
        "   Number of router LSA 4. Checksum Sum 0x0001ecb6\n"
        "  Saved Network-LSA sequence number 0x80000002\n"
    )
    assert record_lab.scrub(text, {}) == (
        " Initial SPF scheduling delay 0 millisec(s)\n"
        " Hold time multiplier is currently 1\n"
        " SPF algorithm last executed 10.000s ago\n"
        " Last SPF duration 50 usecs\n"
        " SPF timer due in 0.000s\n"
        " LSA minimum arrival 0 msecs\n"
        "   SPF algorithm executed 1 times\n"
        "   Number of router LSA 4. Checksum Sum 0x00000000\n"
        "  Saved Network-LSA sequence number 0x80000001\n"
    )


def test_scrub_fixes_the_json_history_and_keeps_the_timers() -> None:
    text = (
        '"spfScheduleDelayMsecs":0,\n"spfLastExecutedMsecs":3975,\n"holdtimeMultplier":2,\n"lsaRouterChecksum":126134,'
    )
    assert record_lab.scrub(text, {}) == (
        '"spfScheduleDelayMsecs":0,\n"spfLastExecutedMsecs":10000,\n"holdtimeMultplier":1,\n"lsaRouterChecksum":0,'
    )
    assert record_lab.scrub('"timerMsecs":250,\n"timerHelloInMsecs":198,', {}) == (
        '"timerMsecs":250,\n"timerHelloInMsecs":500,'
    )
