"""How long a failover group's VM network can stay unreachable or half-routed, from the OSPF timers of its routers.

Pure: the inputs are the parsed timers (:mod:`ospf_failover.parsers.ospf_timers`) of every router and observer of
one failover group; nothing is read from a device here. Every figure is a worst case in seconds, with the terms it
is made of, so that a warning can name the timer to change.

The formula (RFC 2328 and what FRR and Quagga implement)
---------------------------------------------------------

Notation: for a router ``X``, ``D`` is its SPF delay, ``Hmin``/``Hmax`` its SPF hold times, ``I`` its
MinLSInterval and ``A`` its MinLSArrival; for an interface, ``Dead`` is the RouterDeadInterval, ``R`` the
RxmtInterval, and BFD's detect multiplier and intervals when ``ip ospf bfd`` is configured on it.

*SPF wait at a receiver X.* A changed LSA schedules X's SPF run. FRR and Quagga run it after ``max(D, h - t)``,
where ``t`` is the time since the previous run and the hold ``h`` grows from ``Hmin`` by ``Hmin`` with every run
that follows another within the hold, up to ``Hmax``. So the wait is ``W(X) = max(D, Hmax)`` at worst (SPF ran
shortly before, the hold has grown), ``D`` for a lone change in a quiet network, and ``max(D, Hmin)`` for the
second of two changes close together (a planned switch: one router withdraws the VM network, the other announces
it).

*Silent death of the active router V.* Nobody hears it go. On each segment where V has OSPF neighbours, the router
that must withdraw V (the segment's DR, or the BDR when V was the DR; every neighbour on a point-to-point link)
declares V down after ``Dead`` without a hello (RFC 2328 10.2, the InactivityTimer event; hello and dead
intervals must match on a segment, 10.5), or after BFD's detection time
``multiplier(V) x max(rx(detector), tx(V))`` (RFC 5880 6.8.4) when BFD is configured on both ends. Until then the
observers route the VM network through V (alone, or by ECMP beside the new active router: half-routed). The
detector then originates its new network-LSA (or router-LSA) at once: FRR and Quagga 0.99.18 and later apply
MinLSInterval to neither (RFC 2328 12.4 would have it wait up to ``I``, as Quagga up to 0.99.17 did;
``originator_throttles=True`` adds that wait). So::

    unplanned(X) = detect(V) [+ I(detector) when originations are throttled and X is not the detector] + W(X)

*Planned switch from S to N.* S withdraws the VM network, N announces it, each in a new instance of its own
router-LSA, originated at once (or within ``I`` when throttled, see above). A receiver drops, without
acknowledging it, an instance that arrives less than ``A`` after it installed the previous instance of the same
LSA (RFC 2328 13, step 5a); that happens when the same router changed its router-LSA shortly before (a switch
back within ``A``), which nothing in FRR prevents since it does not wait ``I`` between them. The sender then
resends the LSA from its retransmission list: FRR and Quagga resend, on a timer ticking every ``R`` of the
sending interface, only what has waited ``R`` on the list, so the resend comes ``R`` to ``2R`` after the first
send, and every ``R`` after that until the receiver accepts it. With ``g`` the spacing of the two instances
(0 when originations are not throttled, ``I`` otherwise) the drop costs less than
``R + max(R, A - g)``, and is only possible when ``A > g``. Receivers that may drop: X itself, and the DR that
floods the LSA to X on a broadcast segment. So, for each of the two LSAs (N's to every other router and observer,
S's to every one but N)::

    planned(X) = [I(originator) when throttled] + [R + max(R, A - g) when A > g] + W(X)

The group's figures are the worst over every router as V (or as S and N) and every other router and observer as X.
The SPF wait is counted once per receiver: the later SPF run includes every LSA installed before it.

BFD counts as it is configured (``show ip ospf interface``): a session that never came up (bfdd not running, the
peer not configured) leaves the dead interval, and these outputs do not tell. Not counted: the time ECX takes to
notice a dead node and start the group elsewhere (the VM is down then, and the tool runs after it), flooding and
SPF computation times (milliseconds), and a second drop when several routers of the dead site change LSAs within
``A`` of each other (each resend is then another ``R``).
"""

from __future__ import annotations

import ipaddress
from collections.abc import Sequence
from dataclasses import dataclass

from ospf_failover.errors import InputError
from ospf_failover.parsers.ospf_timers import OspfInterfaceTimers, OspfProcessTimers

_BROADCAST_TYPES = ("BROADCAST", "NBMA")


@dataclass(frozen=True)
class RouterTimers:
    """One router's or observer's OSPF timers: its ``show ip ospf`` and ``show ip ospf interface``."""

    name: str
    process: OspfProcessTimers
    interfaces: tuple[OspfInterfaceTimers, ...]


@dataclass(frozen=True)
class Term:
    """One part of a figure: the timer, where it is set, and how many seconds it adds."""

    timer: str  # dead-interval, bfd-detect, spf-delay, spf-max-hold, lsa-min-arrival, lsa-min-interval
    host: str
    interface: str | None
    seconds: float
    setting: str  # the configuration that sets it


@dataclass(frozen=True)
class Estimate:
    seconds: float  # the worst case
    quiet_seconds: float  # the same path in a quiet network: no SPF shortly before, no LSA dropped
    scenario: str  # which router failed or switched, and which receiver waits longest
    terms: tuple[Term, ...]  # they add up to seconds
    dominant: Term  # the largest term: the timer to change first


@dataclass(frozen=True)
class Convergence:
    unplanned: Estimate  # the active site dies silently
    planned: Estimate  # a switch ordered by ECX (standby NIC down, active NIC up)


def _spf_term(receiver: RouterTimers, *, quiet_hold: bool | None) -> Term:
    """The SPF wait: worst (``quiet_hold`` None), a lone change (False) or a second change (True)."""
    process = receiver.process
    delay, hold = process["spf_delay_ms"], process["spf_hold_max_ms" if quiet_hold is None else "spf_hold_min_ms"]
    if quiet_hold is False or delay >= hold:
        return Term("spf-delay", receiver.name, None, delay / 1000, "timers throttle spf")
    timer = "spf-max-hold" if quiet_hold is None else "spf-hold"
    return Term(timer, receiver.name, None, hold / 1000, "timers throttle spf")


def _uplinks(router: RouterTimers) -> list[OspfInterfaceTimers]:
    """The interfaces that carry OSPF for the router: running, not passive, with timers and an address."""
    found = [i for i in router.interfaces if i["running"] and not i["passive"] and i["address"] and i["dead_s"]]
    if not found:
        raise InputError(f"{router.name}: no OSPF interface that sends hellos: no timer to estimate from")
    return found


class _Group:
    def __init__(self, routers: Sequence[RouterTimers], observers: Sequence[RouterTimers]) -> None:
        self.routers = list(routers)
        self.everyone = [*routers, *observers]
        names = [member.name for member in self.everyone]
        if len(set(names)) != len(names):
            raise InputError("a router or observer is given twice")
        self.by_router_id = {member.process["router_id"]: member for member in self.everyone}

    def on_segment(self, member: RouterTimers, interface: OspfInterfaceTimers) -> OspfInterfaceTimers | None:
        network = ipaddress.IPv4Interface(str(interface["address"])).network
        for candidate in member.interfaces:
            address = candidate["address"]
            if candidate["running"] and address and ipaddress.IPv4Interface(address).network == network:
                return candidate
        return None

    def detectors(self, dead: RouterTimers, interface: OspfInterfaceTimers) -> list[RouterTimers]:
        """The routers whose new LSA withdraws ``dead`` from the segment of ``interface`` (those in the group)."""
        if interface["network_type"] in _BROADCAST_TYPES:
            wanted = interface["bdr_id"] if interface["state"] == "DR" else interface["dr_id"]
            member = self.by_router_id.get(wanted or "")
            return [member] if member is not None and member is not dead else []
        return [m for m in self.everyone if m is not dead and self.on_segment(m, interface) is not None]

    def dr_of(self, member: RouterTimers) -> RouterTimers | None:
        for interface in _uplinks(member):
            if interface["network_type"] in _BROADCAST_TYPES and interface["state"] != "DR":
                return self.by_router_id.get(interface["dr_id"] or "")
        return None


def _detection(group: _Group, dead: RouterTimers) -> tuple[Term, RouterTimers | None]:
    """How long until ``dead`` is declared down on its slowest segment, and who declares it."""
    worst: tuple[Term, RouterTimers | None] | None = None
    for interface in _uplinks(dead):
        found: list[tuple[Term, RouterTimers | None]] = []
        for detector in group.detectors(dead, interface):
            theirs = group.on_segment(detector, interface)
            mine_bfd, their_bfd = interface["bfd"], theirs["bfd"] if theirs else None
            if mine_bfd is not None and their_bfd is not None and theirs is not None:
                detect_ms = mine_bfd["detect_multiplier"] * max(their_bfd["rx_min_ms"], mine_bfd["tx_min_ms"])
                term = Term("bfd-detect", detector.name, theirs["interface"], detect_ms / 1000, "ip ospf bfd")
            else:
                seconds = float((theirs or interface)["dead_s"] or 0)
                where = theirs["interface"] if theirs else interface["interface"]
                term = Term("dead-interval", detector.name, where, seconds, "ip ospf dead-interval")
            found.append((term, detector))
        if not found:  # the detector is not in the group: its interval is the one the segment shares
            found = [(Term("dead-interval", dead.name, interface["interface"], float(interface["dead_s"] or 0),
                           "ip ospf dead-interval"), None)]  # fmt: skip
        slowest = max(found, key=lambda item: item[0].seconds)
        if worst is None or slowest[0].seconds > worst[0].seconds:
            worst = slowest
    assert worst is not None  # _uplinks refuses a router without interfaces
    return worst


def _origination(originator: RouterTimers, *, throttles: bool) -> Term | None:
    if not throttles or originator.process["lsa_min_interval_ms"] == 0:
        return None
    seconds = originator.process["lsa_min_interval_ms"] / 1000
    return Term("lsa-min-interval", originator.name, None, seconds, "timers throttle lsa all")


def _drop(group: _Group, originator: RouterTimers, receiver: RouterTimers, *, throttles: bool) -> Term | None:
    """The worst wait for a resend after a MinLSArrival drop on the way from ``originator`` to ``receiver``."""
    spacing = originator.process["lsa_min_interval_ms"] if throttles else 0
    dr = group.dr_of(receiver)
    hops = [(originator, receiver)]
    if dr is not None and dr is not originator and dr is not receiver:
        hops = [(originator, dr), (dr, receiver)]
    worst: Term | None = None
    for sender, taker in hops:
        arrival = taker.process["lsa_min_arrival_ms"]
        if arrival <= spacing:
            continue
        rxmt_ms = max(int(i["retransmit_s"] or 0) for i in _uplinks(sender)) * 1000
        seconds = (rxmt_ms + max(rxmt_ms, arrival - spacing)) / 1000
        setting = "timers lsa min-arrival" if taker.process["lsa_timers_shown"] else "Quagga's fixed MinLSArrival"
        term = Term("lsa-min-arrival", taker.name, None, seconds, setting)
        if worst is None or term.seconds > worst.seconds:
            worst = term
    return worst


def _estimate(candidates: list[tuple[str, list[Term], float]]) -> Estimate:
    scenario, terms, _ = max(candidates, key=lambda item: sum(term.seconds for term in item[1]))
    quiet = max(quiet for _, _, quiet in candidates)
    return Estimate(
        seconds=round(sum(term.seconds for term in terms), 3),
        quiet_seconds=round(quiet, 3),
        scenario=scenario,
        terms=tuple(terms),
        dominant=max(terms, key=lambda term: term.seconds),
    )


def estimate_convergence(
    *, routers: Sequence[RouterTimers], observers: Sequence[RouterTimers], originator_throttles: bool = False
) -> Convergence:
    """The worst cases of a failover group whose gateway may be on any of ``routers`` (see the module docstring).

    ``originator_throttles``: the routers wait MinLSInterval between two instances of their router- and
    network-LSAs, as RFC 2328 says and Quagga up to 0.99.17 did (FRR and later Quagga originate them at once).
    """
    if len(routers) < 2:
        raise InputError("a failover group needs at least two routers to switch between")
    group = _Group(routers, observers)
    unplanned: list[tuple[str, list[Term], float]] = []
    for dead in group.routers:
        detect, detector = _detection(group, dead)
        for receiver in group.everyone:
            if receiver is dead:
                continue
            origination = None
            if detector is not None and receiver is not detector:
                origination = _origination(detector, throttles=originator_throttles)
            extra = [origination] if origination is not None else []
            quiet = detect.seconds + _spf_term(receiver, quiet_hold=False).seconds
            scenario = f"{dead.name} dies silently; {receiver.name} routes via it until it is declared down"
            unplanned.append((scenario, [detect, *extra, _spf_term(receiver, quiet_hold=None)], quiet))
    planned: list[tuple[str, list[Term], float]] = []
    for old in group.routers:
        for new in group.routers:
            if new is old:
                continue
            for receiver in group.everyone:
                if receiver is new:
                    continue
                originators = [new] if receiver is old else [new, old]
                paths = []
                for originator in originators:
                    parts = [_origination(originator, throttles=originator_throttles),
                             _drop(group, originator, receiver, throttles=originator_throttles)]  # fmt: skip
                    paths.append([part for part in parts if part is not None])
                slowest = max(paths, key=lambda path: sum(term.seconds for term in path))
                quiet = _spf_term(receiver, quiet_hold=True).seconds
                scenario = f"switch from {old.name} to {new.name}; {receiver.name} waits longest"
                planned.append((scenario, [*slowest, _spf_term(receiver, quiet_hold=None)], quiet))
    return Convergence(unplanned=_estimate(unplanned), planned=_estimate(planned))
