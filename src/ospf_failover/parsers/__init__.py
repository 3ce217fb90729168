"""Pure parsers of device output: text in, declared shapes (ospf_failover.models) out, no I/O.

Every parser raises ParseError, and nothing else, on output it does not understand completely.
"""

from __future__ import annotations

from ospf_failover.parsers.clpstat import find_group, find_server, parse_clpstat, split_status
from ospf_failover.parsers.detect import OutputForm, detect_form, detect_platform
from ospf_failover.parsers.ospf import parse_ospf_neighbors
from ospf_failover.parsers.route import normalize_protocol, parse_routes
from ospf_failover.parsers.vtysh import find_vtysh_error, vtysh_error

__all__ = [
    "OutputForm",
    "detect_form",
    "detect_platform",
    "find_group",
    "find_server",
    "find_vtysh_error",
    "normalize_protocol",
    "parse_clpstat",
    "parse_ospf_neighbors",
    "parse_routes",
    "split_status",
    "vtysh_error",
]
