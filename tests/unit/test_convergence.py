"""Worst-case convergence of a failover group from its routers' and observers' OSPF timers."""

from __future__ import annotations

from pathlib import Path

import pytest

from ospf_failover.convergence import Convergence, Estimate, RouterTimers, estimate_convergence
from ospf_failover.errors import InputError
from ospf_failover.parsers.ospf_timers import (
    OspfBfd,
    OspfInterfaceTimers,
    OspfProcessTimers,
    parse_ospf_interfaces,
    parse_ospf_process,
)

LAB = Path(__file__).resolve().parent.parent / "fixtures" / "frr-8.4-lab"
BFD: OspfBfd = {"detect_multiplier": 3, "rx_min_ms": 300, "tx_min_ms": 300}


def _recorded(host: str, state: str = "vr1active") -> RouterTimers:
    process = parse_ospf_process((LAB / f"{state}_{host}_show_ip_ospf_json.txt").read_text(), platform="frr")
    interfaces = parse_ospf_interfaces(
        (LAB / f"{state}_{host}_show_ip_ospf_interface_json.txt").read_text(), platform="frr"
    )
    return RouterTimers(host, process, tuple(interfaces))


def _process(router_id: str, spf: tuple[int, int, int] = (0, 50, 5000), lsa: tuple[int, int] = (5000, 1000),
             *, shown: bool = True) -> OspfProcessTimers:  # fmt: skip
    return {"router_id": router_id, "spf_delay_ms": spf[0], "spf_hold_min_ms": spf[1], "spf_hold_max_ms": spf[2],
            "lsa_min_interval_ms": lsa[0], "lsa_min_arrival_ms": lsa[1], "lsa_timers_shown": shown}  # fmt: skip


def _uplink(address: str, state: str, *, dr: str | None = "192.168.76.1", bdr: str | None = "192.168.76.2",
            network_type: str = "BROADCAST", dead: int = 40, rxmt: int = 5, bfd: OspfBfd | None = None,
            name: str = "eth0") -> OspfInterfaceTimers:  # fmt: skip
    return {"interface": name, "running": True, "address": address, "area": "0.0.0.0", "network_type": network_type,
            "state": state, "dr_id": dr, "bdr_id": bdr, "passive": False, "hello_ms": dead * 250, "dead_s": dead,
            "retransmit_s": rxmt, "neighbors": 3, "adjacent_neighbors": 2, "bfd": bfd}  # fmt: skip


def _frr_defaults(*, bfd_on: tuple[str, ...] = (), lsa: tuple[int, int] = (5000, 1000)) -> dict[str, RouterTimers]:
    """gw1 DR, gw2 BDR, vr1 and vr2 DROthers on one broadcast segment, FRR's default timers."""
    plan = {"gw1": (".1", "DR"), "gw2": (".2", "Backup"), "vr1": (".251", "DROther"), "vr2": (".252", "DROther")}
    routers = {}
    for name, (octet, state) in plan.items():
        uplink = _uplink(f"192.168.76{octet}/24", state, bfd=BFD if name in bfd_on else None)
        routers[name] = RouterTimers(name, _process(f"192.168.76{octet}", lsa=lsa), (uplink,))
    return routers


def _estimate(routers: dict[str, RouterTimers], *, throttles: bool = False) -> Convergence:
    return estimate_convergence(
        routers=[routers["vr1"], routers["vr2"]], observers=[routers["gw1"], routers["gw2"]],
        originator_throttles=throttles,
    )  # fmt: skip


def _check_terms(estimate: Estimate) -> None:
    assert estimate.seconds == pytest.approx(sum(term.seconds for term in estimate.terms)), "terms add up"
    assert estimate.dominant.seconds == max(term.seconds for term in estimate.terms), "dominant is the largest"


def test_the_labs_fast_timers_from_its_recordings() -> None:
    result = estimate_convergence(routers=[_recorded("vr1"), _recorded("vr2")], observers=[_recorded("gw1")])
    unplanned, planned = result.unplanned, result.planned
    assert (unplanned.seconds, unplanned.quiet_seconds) == (4.5, 4.0), "dead 4 s, then SPF max hold 0.5 s"
    assert (unplanned.dominant.timer, unplanned.dominant.host) == ("dead-interval", "gw1"), "gw1 is the DR"
    assert (planned.seconds, planned.quiet_seconds) == (0.5, 0.05), "min-arrival 0: no drop; SPF hold 50..500 ms"
    assert planned.dominant.timer == "spf-max-hold"
    _check_terms(unplanned)
    _check_terms(planned)


def test_frr_defaults() -> None:
    result = _estimate(_frr_defaults())
    assert result.unplanned.seconds == 45.0, "dead 40 s + SPF max hold 5 s"
    assert result.unplanned.dominant.setting == "ip ospf dead-interval"
    assert result.planned.seconds == 15.0, "a dropped LSA: resend within 5 + max(5, 1) s, then SPF max hold 5 s"
    assert result.planned.dominant.timer == "lsa-min-arrival"
    assert result.planned.dominant.setting == "timers lsa min-arrival"
    assert result.planned.quiet_seconds == 0.05
    _check_terms(result.planned)


def test_min_arrival_zero_removes_the_drop() -> None:
    assert _estimate(_frr_defaults(lsa=(5000, 0))).planned.seconds == 5.0


def test_throttled_originations_wait_min_ls_interval_and_cannot_be_dropped() -> None:
    result = _estimate(_frr_defaults(), throttles=True)
    assert result.planned.seconds == 10.0, "MinLSInterval 5 s; 1 s arrival < 5 s spacing: no drop; SPF 5 s"
    assert [term.timer for term in result.planned.terms] == ["lsa-min-interval", "spf-max-hold"]
    assert result.unplanned.seconds == 50.0, "the DR's network-LSA may wait MinLSInterval too"


def test_bfd_counts_when_both_ends_have_it() -> None:
    only_vr = _estimate(_frr_defaults(bfd_on=("vr1", "vr2")))
    assert only_vr.unplanned.dominant.timer == "dead-interval", "the DR (gw1) has no BFD"
    both = _estimate(_frr_defaults(bfd_on=("vr1", "vr2", "gw1")))
    assert both.unplanned.terms[0].timer == "bfd-detect"
    assert both.unplanned.terms[0].seconds == pytest.approx(0.9), "3 x 300 ms"
    assert both.unplanned.seconds == pytest.approx(5.9)
    assert both.unplanned.dominant.timer == "spf-max-hold", "now the SPF hold is the timer to change"


def test_a_dead_dr_is_withdrawn_by_the_bdr() -> None:
    """vr1 is the DR: gw2 (BDR, no BFD) declares it down, not gw1 (which has BFD with it)."""
    routers = _frr_defaults(bfd_on=("vr2", "gw1"))
    vr1_uplink = _uplink("192.168.76.251/24", "DR", dr="192.168.76.251", bfd=BFD)
    routers["vr1"] = RouterTimers("vr1", routers["vr1"].process, (vr1_uplink,))
    result = _estimate(routers)
    assert result.unplanned.scenario.startswith("vr1 dies"), "vr2 dies in 0.9 s (BFD with the DR gw1)"
    detect = result.unplanned.terms[0]
    assert (detect.timer, detect.host, detect.seconds) == ("dead-interval", "gw2", 40.0)


def _p2p(address: str, dead: int, name: str = "eth0") -> OspfInterfaceTimers:
    return _uplink(address, "Point-To-Point", dr=None, bdr=None, network_type="POINTOPOINT", dead=dead, name=name)


def test_point_to_point_neighbours_each_detect() -> None:
    vr1 = RouterTimers("vr1", _process("1.1.1.1"), (_p2p("10.9.0.1/30", 40),))
    vr2 = RouterTimers("vr2", _process("2.2.2.2"), (_p2p("10.9.0.5/30", 8),))
    gw = RouterTimers("gw", _process("3.3.3.3"), (_p2p("10.9.0.2/30", 40), _p2p("10.9.0.6/30", 8, "eth1")))
    result = estimate_convergence(routers=[vr1, vr2], observers=[gw])
    detect = result.unplanned.terms[0]
    assert (detect.host, detect.interface, detect.seconds) == ("gw", "eth0", 40.0), "gw hears vr1 on eth0"


def test_a_detector_outside_the_group_leaves_the_segments_own_interval() -> None:
    routers = _frr_defaults()
    result = estimate_convergence(routers=[routers["vr1"], routers["vr2"]], observers=[])
    detect = result.unplanned.terms[0]
    assert (detect.timer, detect.seconds, detect.host) == ("dead-interval", 40.0, "vr1")


def test_quagga_names_its_fixed_min_arrival() -> None:
    routers = _frr_defaults()
    quagga = {name: RouterTimers(name, _process(r.process["router_id"], (200, 1000, 10000), shown=False), r.interfaces)
              for name, r in routers.items()}  # fmt: skip
    result = _estimate(quagga)
    assert result.planned.seconds == 20.0, "resend within 10 s, then Quagga's 10 s SPF max hold"
    assert result.planned.dominant.setting == "Quagga's fixed MinLSArrival", "the first of two equal terms"
    assert result.unplanned.seconds == 50.0
    assert result.unplanned.quiet_seconds == 40.2


def test_what_cannot_be_estimated_is_refused() -> None:
    routers = _frr_defaults()
    with pytest.raises(InputError, match="at least two routers"):
        estimate_convergence(routers=[routers["vr1"]], observers=[routers["gw1"]])
    with pytest.raises(InputError, match="given twice"):
        estimate_convergence(routers=[routers["vr1"], routers["vr1"]], observers=[])
    silent = RouterTimers("vr2", routers["vr2"].process, ({**routers["vr2"].interfaces[0], "passive": True},))
    with pytest.raises(InputError, match="no OSPF interface that sends hellos"):
        estimate_convergence(routers=[routers["vr1"], silent], observers=[])
