"""``ospf-failover parse KIND [FILE|-]``: parse a recorded output and print it as one JSON document.

Useful to check what the runbooks will read from a router or a cluster node, and to turn a new recording into
an expected result for the tests. Refusals (ParseError, an unreadable file, vtysh error text) exit 2 with one
line on stderr.
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

_ROUTER_PARSERS: dict[str, Callable[[str, Platform | None], Any]] = {
    "ospf-neighbor": parse_ospf_neighbors,
    "route": parse_routes,
}
KINDS = ("clpstat", *_ROUTER_PARSERS)

_DESCRIPTION = """\
Parse one recorded output and print the result as one JSON document on stdout.

kinds:
  clpstat         the status display of EXPRESSCLUSTER's clpstat (default layout or --long)
  ospf-neighbor   show ip ospf neighbor [json]
  route           show ip route, show ip route PREFIX, and their json forms (FRR)
"""

_EPILOG = """\
detection, when --platform is not given:
  form      JSON when the first non-blank character is '{' or '[', text otherwise
  platform  JSON is FRR (Quagga prints no JSON). Text is FRR when it shows what Quagga never prints (an
            'Up Time' column, 'weight N' on next hops, 'L' local routes, an 'IPv4 unicast VRF default:'
            header, FRR's longer 'Codes:' legend), Quagga when it shows Quagga's short 'Codes:' legend or
            its right-aligned neighbor heading; otherwise unknown, which parses the same way.
  --platform, when given, is checked: output showing the other platform's markers is refused.

exit status: 0 parsed; 2 refused (not a complete output of this kind, vtysh error text such as
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
                choices=("quagga", "frr"),
                default=None,
                help="the router software that printed it (default: detected)",
            )
        sub.set_defaults(handler=run_parse, platform=None)


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
    platform: Platform | None = args.platform
    text = read_output(args.file)
    if kind == "clpstat":
        if platform is not None:
            raise InputError("--platform applies to ospf-neighbor and route, not to clpstat")
        result: Any = parse_clpstat(text)
    else:
        result = _ROUTER_PARSERS[kind](text, platform or detect_platform(text))
    try:
        sys.stdout.write(json.dumps(result, indent=2) + "\n")
        sys.stdout.flush()
    except BrokenPipeError:
        # The reader (head, a pager) stopped early: the parse succeeded; keep Python from failing at exit too.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    return EXIT_OK
