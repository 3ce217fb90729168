"""Recognise the error texts vtysh (or the shell running it) prints instead of command output.

vtysh exits 0 for most of these, and an SSH terminal merges its stderr into stdout, so the only reliable signal is
the text itself. Tasks turn a match into a ``VtyshError``; parsers refuse such text so that an error message is
never read as data.
"""

from __future__ import annotations

import re
from typing import NamedTuple

from ospf_failover.errors import ParseError
from ospf_failover.parsers.detect import split_lines


class VtyshErrorLine(NamedTuple):
    """Where an error text was found and what it means."""

    line_number: int  # 1-based
    line: str
    reason: str


# Each pattern is searched on one line; the first line that matches decides. The patterns are specific enough not
# to occur inside a routing table or a neighbor table (no free text is printed there).
_ERROR_PATTERNS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"^(?P<daemon>[a-z0-9]+d|zebra) is not running\b"), "{daemon} is not running"),
    # FRR 8.3 and later. "show ip ospf vrf all neighbor" ends with it, without "% ", after the tables of the VRFs
    # that run OSPF: that output is refused as a whole (only the default VRF's plain table is read).
    (re.compile(r"^(?:% )?OSPF is not enabled(?: in vrf (?P<vrf>\S+))?"), "OSPF is not enabled"),
    # The same answer from FRR 7.0 to 8.2, with or without "% " likewise.
    (re.compile(r"^(?:% )?OSPF instance not found\b"), "OSPF is not enabled (OSPF instance not found)"),
    (re.compile(r"^% Unknown command"), "vtysh does not know the command (% Unknown command)"),
    (re.compile(r"^% Ambiguous command"), "vtysh finds the command ambiguous (% Ambiguous command)"),
    (re.compile(r"^% Command incomplete"), "the command is incomplete (% Command incomplete)"),
    (re.compile(r"^Exiting: failed to connect to any daemons"), "vtysh failed to connect to any daemons"),
    (re.compile(r"\bcommand not found\b"), "command not found (is vtysh installed and on PATH?)"),
    (re.compile(r"\bPermission denied\b"), "permission denied"),
)

# Text each pattern needs on its line: output with none of them has no error line, and is passed over without a
# search per line and pattern (a neighbour table of a hundred routers is thousands of lines, read on every host).
_ERROR_WORDS = (
    " is not running",
    "OSPF is not enabled",
    "OSPF instance not found",
    "% Unknown command",
    "% Ambiguous command",
    "% Command incomplete",
    "Exiting: failed to connect to any daemons",
    "command not found",
    "Permission denied",
)


def find_vtysh_error(text: str) -> VtyshErrorLine | None:
    """Return the first line of ``text`` that is a vtysh or shell error text, or None when there is none."""
    if not any(word in text for word in _ERROR_WORDS):
        return None
    for index, raw_line in enumerate(split_lines(text), start=1):
        line = raw_line.strip()
        for pattern, template in _ERROR_PATTERNS:
            match = pattern.search(line)
            if match is not None:
                fields = {key: value or "" for key, value in match.groupdict().items()}
                return VtyshErrorLine(line_number=index, line=raw_line, reason=template.format(**fields))
    return None


def vtysh_error(text: str) -> str | None:
    """Return a short reason when ``text`` is a vtysh (or shell) error text instead of command output."""
    found = find_vtysh_error(text)
    return None if found is None else found.reason


def refuse_vtysh_error(text: str, *, kind: str) -> None:
    """Raise ParseError when ``text`` carries a vtysh error text: it must never be parsed as data."""
    found = find_vtysh_error(text)
    if found is not None:
        raise ParseError(
            kind=kind,
            reason=f"vtysh error text: {found.reason}",
            line_number=found.line_number,
            line=found.line,
        )
