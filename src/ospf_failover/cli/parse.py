"""``ospf-failover parse KIND [FILE|-]``: parse a recorded output and print it as one JSON document.

Useful to check what the runbooks will read from a router or a cluster node, and to turn a new recording into
an expected result for the tests. ``--platform`` names FRR or Quagga (detected when not given; ``linux`` is the
same detection) or another vendor's site gateway by its netmiko device type. Refusals (ParseError, an unreadable
file, vtysh or device error text) exit 2 with one line on stderr.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Callable
from typing import Any

from ospf_failover.errors import EXIT_OK, InputError
from ospf_failover.models import Platform
from ospf_failover.parsers.clpstat import parse_clpstat
from ospf_failover.parsers.detect import detect_platform
from ospf_failover.parsers.ospf import parse_ospf_neighbors
from ospf_failover.parsers.route import parse_routes
from ospf_failover.parsers.vendors.dispatch import (
    VENDOR_PLATFORMS,
    VendorPlatform,
    parse_vendor_ospf_neighbors,
    parse_vendor_routes,
)

_ROUTER_PARSERS: dict[str, Callable[[str, Platform | None], Any]] = {
    "ospf-neighbor": parse_ospf_neighbors,
    "route": parse_routes,
}
KINDS = ("clpstat", *_ROUTER_PARSERS)
# FRR and Quagga by name, "linux" for a Linux router (FRR or Quagga, detected), then the other vendors.
PLATFORMS = ("quagga", "frr", "linux", *VENDOR_PLATFORMS)
DEFAULT_VRF = "default"
_FRR_OR_QUAGGA: dict[str, Platform] = {"frr": "frr", "quagga": "quagga"}

_DESCRIPTION = """\
Parse one recorded output and print the result as one JSON document on stdout.

kinds:
  clpstat         the status display of EXPRESSCLUSTER's clpstat (default layout or --long)
  ospf-neighbor   show ip ospf neighbor [json]; NX-OS show ip ospf neighbors; Junos show ospf neighbor
  route           show ip route, show ip route PREFIX, and their json forms (FRR); Junos show route [PREFIX]
"""

_EPILOG = """\
detection, when --platform is not given:
  form      JSON when the first non-blank character is '{' or '[', text otherwise
  platform  JSON is FRR (Quagga prints no JSON). Text is FRR when it shows what Quagga never prints (an
            'Up Time' column, 'weight N' on next hops, 'L' local routes, an 'IPv4 unicast VRF default:'
            header, FRR's longer 'Codes:' legend), Quagga when it shows Quagga's short 'Codes:' legend or
            its right-aligned neighbor heading; otherwise unknown, which parses the same way.
  --platform, when given, is checked: output showing the other platform's markers is refused.
  --platform linux is the same detection (a Linux router runs FRR or Quagga).

other vendors' site gateways, by netmiko device type (--platform is then required):
  cisco_ios, cisco_xe  show ip route [vrf V] [A.B.C.D [MASK]], show ip ospf neighbor
  cisco_nxos           show ip route [A.B.C.D[/L]] [vrf V|all], show ip ospf neighbors [vrf V|all]
  arista_eos           show ip route [vrf V|all] [PREFIX], show ip ospf neighbor [vrf V|all]
  juniper_junos        show route [PREFIX] [table T], show ospf neighbor [instance I]
  yamaha               show ip route (its OSPF neighbour status is not read)
  vyos                 show ip route [vrf V|all] [PREFIX], show ip ospf neighbor (FRR or Quagga inside)
  route prints the routes of the default VRF, or of --vrf V: an output without that VRF's table is refused
  (a table the output does not name is taken to be the one asked for). ospf-neighbor prints every neighbour
  listed, each with its VRF where the output names it. Both print the same JSON shapes as for FRR. Refused
  as well: a pager's prompt (--More--, ---(more)---), a CLI prompt or command echo inside the output (the echo
  of the same command as the first line is read past), an error answer (% Invalid input, syntax error, ...),
  JSON output, a cut table.

exit status: 0 parsed; 2 refused (not a complete output of this kind, vtysh or device error text such as
'ospfd is not running', unreadable FILE), with a one-line reason on stderr.
"""


def register(subparsers: argparse._SubParsersAction[Any]) -> None:
    """Add the parse subcommand."""
    parser = subparsers.add_parser(
        "parse",
        help="parse a recorded clpstat, OSPF neighbor or route output into JSON",
        description=_DESCRIPTION,
        epilog=_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    # One sub-command per kind, so that FILE and --platform may come in any order after it.
    kinds = parser.add_subparsers(dest="kind", metavar="{" + ",".join(KINDS) + "}", parser_class=type(parser))
    kinds.required = True
    for kind in KINDS:
        sub = kinds.add_parser(kind, help=f"a recorded {kind} output", description=f"Parse a recorded {kind} output.")
        sub.add_argument(
            "file", nargs="?", default="-", metavar="FILE", help="the recorded output ('-' = stdin, default)"
        )
        if kind != "clpstat":
            sub.add_argument(
                "--platform",
                choices=PLATFORMS,
                default=None,
                metavar="PLATFORM",
                help=f"what printed it: {', '.join(PLATFORMS)} (default: FRR or Quagga, detected)",
            )
        if kind == "route":
            sub.add_argument(
                "--vrf",
                default=DEFAULT_VRF,
                metavar="VRF",
                help="the VRF whose routes to print (other vendors' outputs; default: default)",
            )
        sub.set_defaults(handler=run_parse, platform=None, vrf=DEFAULT_VRF)


def read_output(file: str) -> str:
    """Read FILE (or stdin for '-') as UTF-8 text; anything unreadable is an InputError."""
    try:
        if file == "-":
            data = sys.stdin.buffer.read()
        else:
            with open(file, "rb") as handle:
                data = handle.read()
        return data.decode("utf-8")
    except OSError as exc:
        raise InputError(f"cannot read {file}: {exc.strerror or exc}") from exc
    except UnicodeDecodeError as exc:
        raise InputError(f"{file} is not UTF-8 text (byte {exc.start})") from exc


def run_parse(args: argparse.Namespace) -> int:
    """Parse the file named in ``args`` and print the result; errors propagate as InputError/ParseError."""
    kind: str = args.kind
    platform: str | None = args.platform
    vrf: str = args.vrf
    text = read_output(args.file)
    if kind == "clpstat":
        if platform is not None:
            raise InputError("--platform applies to ospf-neighbor and route, not to clpstat")
        result: Any = parse_clpstat(text)
    elif platform in VENDOR_PLATFORMS:
        result = _parse_vendor(kind, text, platform, vrf=vrf)
    else:
        if vrf != DEFAULT_VRF:
            raise InputError("--vrf applies to other vendors' outputs: FRR and Quagga are read for the default VRF")
        result = _ROUTER_PARSERS[kind](text, _FRR_OR_QUAGGA.get(platform or "") or detect_platform(text))
    try:
        sys.stdout.write(json.dumps(result, indent=2) + "\n")
        sys.stdout.flush()
    except BrokenPipeError:
        # The reader (head, a pager) stopped early: the parse succeeded; keep Python from failing at exit too.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    return EXIT_OK


def _parse_vendor(kind: str, text: str, platform: VendorPlatform, *, vrf: str) -> Any:
    if kind == "route":
        return parse_vendor_routes(text, platform, vrf=vrf)
    return parse_vendor_ospf_neighbors(text, platform)
