"""Recognise what kind of output a text is: its form (text or JSON), the platform that printed it, its lines.

The rules, also shown by ``ospf-failover parse --help``:

* form: JSON when the first non-blank character is ``{`` or ``[``, text otherwise;
* platform: JSON is FRR (Quagga 0.99 prints no JSON). In text, FRR is recognised by what Quagga never prints
  (an ``Up Time`` column, ``weight N`` on next hops, ``L`` local routes, a ``VRF default:`` header, the longer
  ``Codes:`` legend with EIGRP/OpenFabric/VNC); Quagga by its short ``Codes:`` legend or by its neighbor header
  without ``Up Time`` and a 20-wide Interface column. Quagga's legend has ``O - OSPF,`` at the end of the first
  line up to 0.99.20; from 0.99.21 it starts the second line, which goes on with ``B - BGP,`` (then ``P - PIM,``
  from 0.99.24) and ``A - Babel,`` (then ``N - NHRP,`` in 1.2), where FRR's goes on with ``E - EIGRP,``. Anything
  else is unknown, which the parsers accept: the platform only adds checks, the parsing is the same.
"""

from __future__ import annotations

import json
import re
from typing import Any, Literal

from ospf_failover.errors import ParseError
from ospf_failover.models import Platform

OutputForm = Literal["text", "json"]

_FRR_TEXT_MARKERS = (
    re.compile(r"^Neighbor ID\s+Pri\s+State\s+Up Time\b"),
    re.compile(r", weight \d+"),
    re.compile(r"^L[> ][*qrto ] "),
    re.compile(r"^IPv4 unicast VRF \S+:$"),
    re.compile(r"^Codes:.*\bL - local\b"),
    # Not "N - NHRP": Quagga 1.2 prints it too.
    re.compile(r"\bf - OpenFabric\b|\bE - EIGRP\b|\bv - VNC\b"),
)
_QUAGGA_TEXT_MARKERS = (
    re.compile(r"^Codes: K - kernel route, C - connected, S - static, R - RIP, O - OSPF,"),
    re.compile(r"^\s+O - OSPF, I - IS-IS, B - BGP, (?:P - PIM, )?A - Babel,"),
    # Quagga right-aligns the first heading and has a 20-wide Interface column (FRR: 32 wide).
    re.compile(r"^\s*Neighbor ID Pri State\s+Dead Time Address\s+Interface {12}RXmtL"),
)


def split_lines(text: str) -> list[str]:
    """Split on LF and drop one CR before it, so CRLF output reads like LF output; a lone CR stays visible."""
    return [line.removesuffix("\r") for line in text.split("\n")]


def detect_form(text: str) -> OutputForm:
    """Tell JSON output from text output by its first non-blank character."""
    stripped = text.lstrip()
    return "json" if stripped[:1] in ("{", "[") else "text"


def load_json_object(text: str, *, kind: str) -> dict[str, Any]:
    """The JSON object ``text`` holds; ParseError when it is no valid JSON or not an object."""
    try:
        document: Any = json.loads(text)
    except (json.JSONDecodeError, RecursionError) as exc:
        raise ParseError(kind=kind, reason=f"invalid JSON: {exc}") from exc
    if not isinstance(document, dict):
        raise ParseError(kind=kind, reason="the JSON document is not an object")
    return document


def detect_platform(text: str) -> Platform | None:
    """Tell FRR from Quagga by markers only one of them prints; None when the output has none."""
    if detect_form(text) == "json":
        return "frr"
    lines = split_lines(text)
    if any(marker.search(line) for marker in _FRR_TEXT_MARKERS for line in lines):
        return "frr"
    if any(marker.search(line) for marker in _QUAGGA_TEXT_MARKERS for line in lines):
        return "quagga"
    return None


def refuse_platform_mismatch(text: str, platform: Platform | None, *, kind: str) -> None:
    """Raise ParseError when ``platform`` was given and the output carries the other platform's markers."""
    if platform is None:
        return
    detected = detect_platform(text)
    if detected is not None and detected != platform:
        raise ParseError(kind=kind, reason=f"the output is {detected} output, but the platform given is {platform}")
