"""Parse the OSPF timers convergence depends on: ``show ip ospf [json]`` here, ``show ip ospf interface [json]``
in :mod:`ospf_failover.parsers.ospf_interfaces` (re-exported here).

FRR prints JSON and text, Quagga text only (a Quagga platform given with JSON is refused). The platform is
required: Quagga does not print its LSA timers, so the parser must know it reads Quagga to fill in Quagga 0.99's
fixed MinLSInterval (5000 ms) and MinLSArrival (1000 ms), which are also Quagga 1.x's defaults (Quagga 1.x can
change them in its configuration, which ``show ip ospf`` does not show). FRR text without its ``LSA minimum
interval`` / ``LSA minimum arrival`` lines is refused, and so is Quagga text that has them.

Text: every line before the first ``Area ID:`` must be one FRR (8.x to 10.x) or Quagga (0.99, 1.x) prints there,
each timer line exactly once; the area blocks are not read (their lines are indented under an ``Area ID:`` line).
Several instances or VRFs (``OSPF Instance:``, ``VRF Name:``), Quagga's ``OSPF Routing Process not enabled`` and
JSON ``{}`` (OSPF not enabled) are refused.
"""

from __future__ import annotations

import re
from typing import TypedDict

from ospf_failover.models import Platform
from ospf_failover.parsers.detect import load_json_object, split_lines
from ospf_failover.parsers.ospf_interfaces import (
    OspfBfd,
    OspfInterfaceTimers,
    check_ipv4,
    parse_ospf_interfaces,
    refuse_unreadable_ospf_output,
)
from ospf_failover.parsers.refusal import Refuser, json_field

__all__ = [
    "QUAGGA_MIN_LS_ARRIVAL_MS",
    "QUAGGA_MIN_LS_INTERVAL_MS",
    "OspfBfd",
    "OspfInterfaceTimers",
    "OspfProcessTimers",
    "parse_ospf_interfaces",
    "parse_ospf_process",
]

PROCESS_KIND = "ospf process"
_refuse_process = Refuser(PROCESS_KIND)
QUAGGA_MIN_LS_INTERVAL_MS = 5000
QUAGGA_MIN_LS_ARRIVAL_MS = 1000


class OspfProcessTimers(TypedDict):
    router_id: str
    spf_delay_ms: int  # timers throttle spf DELAY ...
    spf_hold_min_ms: int
    spf_hold_max_ms: int
    lsa_min_interval_ms: int  # MinLSInterval (FRR: timers throttle lsa all)
    lsa_min_arrival_ms: int  # MinLSArrival (FRR: timers lsa min-arrival)
    lsa_timers_shown: bool  # False: Quagga, whose fixed values are filled in


_ROUTER_ID = re.compile(r"^OSPF Routing Process, Router ID: (?P<value>\S+)$")
# Timer lines, each read once: the field they fill and the platforms that print them.
_TIMER_LINES: dict[str, tuple[re.Pattern[str], tuple[Platform, ...]]] = {
    "spf_delay_ms": (re.compile(r"^Initial SPF scheduling delay (?P<value>\d+) millisec\(s\)$"), ("frr", "quagga")),
    "spf_hold_min_ms": (
        re.compile(r"^Minimum hold time between consecutive SPFs (?P<value>\d+) millisec\(s\)$"),
        ("frr", "quagga"),
    ),
    "spf_hold_max_ms": (
        re.compile(r"^Maximum hold time between consecutive SPFs (?P<value>\d+) millisec\(s\)$"),
        ("frr", "quagga"),
    ),
    "lsa_min_interval_ms": (re.compile(r"^LSA minimum interval (?P<value>\d+) msecs$"), ("frr",)),
    "lsa_min_arrival_ms": (re.compile(r"^LSA minimum arrival (?P<value>\d+) msecs$"), ("frr",)),
}
# The other lines FRR 8.x to 10.x and Quagga 0.99 / 1.x print before the first area.
_OTHER_PROCESS_LINES = re.compile(
    "^(?:"
    + "|".join(
        (
            r"Deferred shutdown in progress, .+ remaining",
            r"Supports only single TOS \(TOS0\) routes",
            r"This implementation conforms to RFC2328",
            r"RFC1583Compatibility flag is (?:enabled|disabled)",
            r"OpaqueCapability flag is (?:enabled|disabled)(?: \(origination blocked\))?",
            r"Stub router advertisement is configured",
            r"Enabled for \d+s (?:after start-up|prior to full shutdown)",
            r"Hold time multiplier is currently \d+",
            r"SPF algorithm (?:last executed \S+ ago|has not been run)",
            r"Last SPF duration \S+(?: \w+)?",
            r"SPF timer (?:is inactive|due in \S+)",
            r"Write Multiplier set to \d+",
            r"Refresh timer \d+ secs",
            r"Maximum multiple paths\(ECMP\) supported \d+",
            r"Forwarding address is set to self for external LSAs",
            r"Administrative distance \d+",
            r"Flood Reduction is configured\.",
            r"This router is an ABR, ABR type is: .+",
            r"This router is an ASBR \(injecting external routing information\)",
            r"Number of (?:external|opaque AS) LSA \d+\. Checksum Sum 0x[0-9a-fA-F]+",
            r"Number of areas attached to this router: \d+",
            r"(?:All a|A)djacency changes are logged",
            r"MPLS LDP-IGP Sync is enabled",
            r"MPLS LDP-IGP Sync holddown timer (?:is disabled|\d+ sec)",
            r"(?:Receive|Send) socket bufsize: \d+",
        )
    )
    + ")$"
)
_AREA = re.compile(r"^ ?Area ID: \S+")


def parse_ospf_process(text: str, *, platform: Platform) -> OspfProcessTimers:
    """The SPF and LSA timers of ``show ip ospf [json]`` as ``platform`` (``frr`` or ``quagga``) printed it."""
    if refuse_unreadable_ospf_output(text, platform, _refuse_process):
        return _process_json(text)
    values: dict[str, int] = {}
    router_id: str | None = None
    in_areas = False
    for number, line in enumerate(split_lines(text), start=1):
        stripped = line.strip()
        if not stripped:
            continue
        if router_id is None:
            match = _ROUTER_ID.match(stripped)
            if match is None:
                raise _refuse_process("expected 'OSPF Routing Process, Router ID: ...' first", number, line)
            router_id = check_ipv4(match["value"], "router ID", _refuse_process, number, line)
            continue
        if _ROUTER_ID.match(stripped):
            raise _refuse_process("a second 'OSPF Routing Process' (two outputs run together?)", number, line)
        if _AREA.match(line):
            in_areas = True
            continue
        if in_areas:
            if not line.startswith("  "):
                raise _refuse_process("a line after the areas that is not part of an area block", number, line)
            continue
        _read_process_line(stripped, platform=platform, values=values, number=number, line=line)
    if router_id is None:
        raise _refuse_process("empty output: no 'OSPF Routing Process' line")
    if platform == "quagga":
        values["lsa_min_interval_ms"] = QUAGGA_MIN_LS_INTERVAL_MS
        values["lsa_min_arrival_ms"] = QUAGGA_MIN_LS_ARRIVAL_MS
    missing = [field for field in _TIMER_LINES if field not in values]
    if missing:
        raise _refuse_process(f"incomplete output: no line for {', '.join(missing)}")
    return {
        "router_id": router_id,
        "spf_delay_ms": values["spf_delay_ms"],
        "spf_hold_min_ms": values["spf_hold_min_ms"],
        "spf_hold_max_ms": values["spf_hold_max_ms"],
        "lsa_min_interval_ms": values["lsa_min_interval_ms"],
        "lsa_min_arrival_ms": values["lsa_min_arrival_ms"],
        "lsa_timers_shown": platform == "frr",
    }


def _read_process_line(stripped: str, *, platform: Platform, values: dict[str, int], number: int, line: str) -> None:
    for field, (pattern, platforms) in _TIMER_LINES.items():
        match = pattern.match(stripped)
        if match is None:
            continue
        if platform not in platforms:
            raise _refuse_process(f"a line only FRR prints, but the platform given is {platform}", number, line)
        if field in values:
            raise _refuse_process("a timer line seen twice (two outputs run together?)", number, line)
        values[field] = int(match["value"])
        return
    if not _OTHER_PROCESS_LINES.match(stripped):
        raise _refuse_process("not a line of 'show ip ospf'", number, line)


def _process_json(text: str) -> OspfProcessTimers:
    document = load_json_object(text, kind=PROCESS_KIND)
    if not document:
        raise _refuse_process("empty JSON object: FRR prints {} when OSPF is not enabled")
    if "routerId" not in document:
        raise _refuse_process("no 'routerId': not the output of 'show ip ospf json' for the default VRF")
    where = "show ip ospf json"

    def number(key: str) -> int:
        value: int = json_field(document, key, int, kind=PROCESS_KIND, where=where)
        if value < 0:
            raise _refuse_process(f"{where}: {key!r} is negative")
        return value

    router_id: str = json_field(document, "routerId", str, kind=PROCESS_KIND, where=where)
    return {
        "router_id": check_ipv4(router_id, "router ID", _refuse_process),
        "spf_delay_ms": number("spfScheduleDelayMsecs"),
        "spf_hold_min_ms": number("holdtimeMinMsecs"),
        "spf_hold_max_ms": number("holdtimeMaxMsecs"),
        "lsa_min_interval_ms": number("lsaMinIntervalMsecs"),
        "lsa_min_arrival_ms": number("lsaMinArrivalMsecs"),
        "lsa_timers_shown": True,
    }
