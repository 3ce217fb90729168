"""Parse the EXPRESSCLUSTER X ``clpstat`` status display (default layout and ``--long``).

The display is refused unless it is complete and every line is understood: a failover decision must never rest
on a guess. Layout facts: a header and a footer frame the display; entry lines carry the name, dots, and a ``:``
at column 21 (default layout, names cut to 16 characters) or at column 38 (``--long``, full names).

Status and comment: the status field is 17 characters wide and a comment may follow it. When the field is padded
(its 17th character is a blank and more text follows), the status is the field without its padding, so a status
with single blanks ("Online Pending") stays whole. When the status overflows the field, it ends at the first run
of two or more blanks. A value with neither is all status: an unexpected status never reads as a known one.
"""

from __future__ import annotations

import re
from typing import Literal, TypeVar

from ospf_failover.models import (
    ClpstatGroup,
    ClpstatMonitor,
    ClpstatResource,
    ClpstatServer,
    ClpstatStatus,
)
from ospf_failover.parsers.detect import split_lines
from ospf_failover.parsers.refusal import Refuser

KIND = "clpstat"
_refuse = Refuser(KIND)
LAYOUT_BY_COLON_COLUMN: dict[int, Literal["default", "long"]] = {21: "default", 38: "long"}
TRUNCATED_NAME_LENGTH = 16  # the default layout cuts longer names to this many characters
STATUS_FIELD_WIDTH = 17

_HEADER = re.compile(r"^ *=+ +CLUSTER STATUS +=+ *$")
_OTHER_VIEW = re.compile(r"^ *=+ +(?P<title>[A-Z][A-Z ]*[A-Z]) +=+ *$")
_FOOTER = re.compile(r"^ *=+ *$")
_CLUSTER = re.compile(r"^  Cluster : (?P<name>\S+) *$")
_SECTION = re.compile(r"^  <(?P<section>server|group|monitor)> *$")
# What stands before the colon: the name, then dots after one blank, or blanks only.
_NAME_FIELD = re.compile(r"^(?P<name>[^\s:*]+?)(?: \.+)? *$")
_MULTI_BLANK = re.compile(r" {2,}")

_Named = TypeVar("_Named", ClpstatGroup, ClpstatServer)


def split_status(value: str) -> tuple[str, str]:
    """Split the text after ``: `` into (status, comment) by the rule in this module's docstring."""
    value = value.rstrip()
    if len(value) > STATUS_FIELD_WIDTH and value[STATUS_FIELD_WIDTH - 1] == " ":
        return value[:STATUS_FIELD_WIDTH].rstrip(), value[STATUS_FIELD_WIDTH:].strip()
    status, *comment = _MULTI_BLANK.split(value, maxsplit=1)
    return status, "".join(comment)


class _Entry:
    """One ``name ....: value`` line, split at the layout's colon column."""

    __slots__ = ("indent", "local", "name", "value")

    def __init__(self, *, line_number: int, line: str, colon_column: int) -> None:
        if len(line) <= colon_column or line.find(":") != colon_column:
            raise _refuse(
                f"expected an entry 'NAME ....: STATUS' with its ':' at column {colon_column}", line_number, line
            )
        head = line[:colon_column]
        self.indent = len(head) - len(head.lstrip(" "))
        self.local = head[self.indent : self.indent + 1] == "*"
        name_field = head[self.indent + 1 :] if self.local else head[self.indent :]
        if self.local:
            if self.indent != 3:
                raise _refuse("a '*' (local server) mark out of place", line_number, line)
            self.indent = 4  # the mark takes the place of the fourth blank
        match = _NAME_FIELD.match(name_field)
        if match is None:
            raise _refuse("expected 'NAME ....' or 'NAME' and blanks before the ':'", line_number, line)
        self.name = match["name"]
        value = line[colon_column + 1 :]
        if not value.startswith(" ") or value[1:2] in ("", " "):
            raise _refuse("expected ': ' and a value after the name", line_number, line)
        self.value = value[1:].rstrip()


def parse_clpstat(text: str) -> ClpstatStatus:
    """Parse a complete ``clpstat`` status display; anything else raises ParseError naming the line."""
    lines = split_lines(text)
    number = 0  # index into lines; line numbers shown to people are number + 1

    def current_line() -> str:
        return lines[number] if number < len(lines) else ""

    while number < len(lines) and not lines[number].strip():
        number += 1
    if number == len(lines):
        raise _refuse("empty output: no CLUSTER STATUS display")
    first = lines[number]
    if not _HEADER.match(first):
        other = _OTHER_VIEW.match(first)
        if other is not None:
            raise _refuse(f"this is the {other['title']} view, not the status display", number + 1, first)
        raise _refuse("expected the CLUSTER STATUS header", number + 1, first)
    number += 1
    cluster_match = _CLUSTER.match(current_line())
    if cluster_match is None:
        raise _refuse("expected '  Cluster : NAME' after the header", number + 1, current_line())
    number += 1

    servers: list[ClpstatServer] = []
    groups: list[ClpstatGroup] = []
    monitors: list[ClpstatMonitor] = []
    group_has_current = True
    section: str | None = None
    colon_column: int | None = None
    footer_seen = False

    while number < len(lines):
        line = lines[number]
        line_number = number + 1
        number += 1
        if not line.strip():  # completeness rests on the footer, so a stray blank line cannot hide a loss
            continue
        section_match = _SECTION.match(line)
        if section_match is not None:
            expected = {None: "server", "server": "group", "group": "monitor"}.get(section)
            if section_match["section"] != expected:
                raise _refuse(f"expected the <{expected}> section here", line_number, line)
            if section == "server" and not servers:
                raise _refuse("the <server> section lists no server", line_number, line)
            if not group_has_current:
                raise _refuse(f"group {groups[-1]['name']!r} has no 'current' line", line_number, line)
            section = section_match["section"]
            continue
        if _FOOTER.match(line):
            if section != "monitor":
                raise _refuse("the display ends before its <monitor> section", line_number, line)
            if not group_has_current:
                raise _refuse(f"group {groups[-1]['name']!r} has no 'current' line", line_number, line)
            footer_seen = True
            break
        if section is None:
            raise _refuse("expected the <server> section", line_number, line)
        if colon_column is None:
            colon_column = line.find(":")
            if colon_column not in LAYOUT_BY_COLON_COLUMN:
                raise _refuse("an entry whose ':' is at neither column 21 (default) nor 38 (--long)", line_number, line)
        entry = _Entry(line_number=line_number, line=line, colon_column=colon_column)
        status, _comment = split_status(entry.value)
        if entry.local and section != "server":
            raise _refuse("a '*' (local server) mark outside the <server> section", line_number, line)
        if section == "server":
            if entry.indent == 4:
                if entry.local and any(server["local"] for server in servers):
                    raise _refuse("a second server marked '*' (local)", line_number, line)
                servers.append({"name": entry.name, "local": entry.local, "status": status, "heartbeats": []})
            elif entry.indent == 6 and servers:
                servers[-1]["heartbeats"].append({"name": entry.name, "status": status})
            else:
                raise _refuse("expected a server (indent 4) or a line under it (indent 6)", line_number, line)
        elif section == "group":
            if entry.indent == 4:
                if not group_has_current:
                    raise _refuse(f"group {groups[-1]['name']!r} has no 'current' line", line_number, line)
                groups.append({"name": entry.name, "status": status, "current": None, "resources": []})
                group_has_current = False
            elif entry.indent == 6 and groups and not group_has_current:
                if entry.name != "current":
                    raise _refuse("expected the group's 'current' line right after it", line_number, line)
                if " " in entry.value:
                    raise _refuse("expected one server name (or None) as current", line_number, line)
                groups[-1]["current"] = None if entry.value == "None" else entry.value
                group_has_current = True
            elif entry.indent == 6 and groups:
                resource: ClpstatResource = {"name": entry.name, "status": status}
                groups[-1]["resources"].append(resource)
            else:
                raise _refuse("expected a group (indent 4) or a line under it (indent 6)", line_number, line)
        else:
            if entry.indent != 4:
                raise _refuse("expected a monitor (indent 4)", line_number, line)
            monitors.append({"name": entry.name, "status": status})

    if not footer_seen:
        raise _refuse("incomplete display: the closing '=====' line is missing")
    for extra_number in range(number, len(lines)):
        if lines[extra_number].strip():
            raise _refuse("text after the end of the display", extra_number + 1, lines[extra_number])
    if colon_column is None:  # unreachable after a <server> section with a server; keeps the type exact
        raise _refuse("the display has no entry line")
    return {
        "cluster": cluster_match["name"],
        "layout": LAYOUT_BY_COLON_COLUMN[colon_column],
        "servers": servers,
        "groups": groups,
        "monitors": monitors,
    }


def _find_by_name(items: list[_Named], name: str, *, layout: Literal["default", "long"], what: str) -> _Named:
    exact = [item for item in items if item["name"] == name]
    if len(exact) == 1:
        return exact[0]
    if len(exact) > 1:
        raise _refuse(f"{what} {name!r} is listed {len(exact)} times: cannot tell which is meant")
    if layout == "default" and len(name) > TRUNCATED_NAME_LENGTH:
        cut = [item for item in items if len(item["name"]) == TRUNCATED_NAME_LENGTH and name.startswith(item["name"])]
        if len(cut) == 1:
            return cut[0]
        if cut:
            raise _refuse(
                f"{what} {name!r} is ambiguous: the default layout cuts names to {TRUNCATED_NAME_LENGTH} "
                f"characters and {len(cut)} {what}s show as {name[:TRUNCATED_NAME_LENGTH]!r} (use clpstat --long)"
            )
    shown = ", ".join(repr(item["name"]) for item in items) or "none"
    raise _refuse(f"{what} {name!r} is not in the status display ({what}s shown: {shown})")


def find_group(status: ClpstatStatus, fog_name: str) -> ClpstatGroup:
    """Return the group named ``fog_name``, coping with the default layout's cut to 16 characters.

    A displayed name matches a longer ``fog_name`` only in the default layout, only when it is exactly 16
    characters long and the start of ``fog_name``. Not found, or found twice, raises ParseError.
    """
    return _find_by_name(status["groups"], fog_name, layout=status["layout"], what="group")


def find_server(status: ClpstatStatus, server_name: str) -> ClpstatServer:
    """Return the server named ``server_name`` with the same matching rules as :func:`find_group`."""
    return _find_by_name(status["servers"], server_name, layout=status["layout"], what="server")


class GroupIndex:
    """:func:`find_group` over one status display, each name found by a dictionary look-up: a run judging a
    thousand groups of one cluster looks each up once, not through the whole list each time."""

    def __init__(self, status: ClpstatStatus) -> None:
        self.status = status
        self._exact: dict[str, list[ClpstatGroup]] = {}
        self._cut: dict[str, list[ClpstatGroup]] = {}  # names of exactly TRUNCATED_NAME_LENGTH characters
        for group in status["groups"]:
            self._exact.setdefault(group["name"], []).append(group)
            if len(group["name"]) == TRUNCATED_NAME_LENGTH:
                self._cut.setdefault(group["name"], []).append(group)

    def find(self, fog_name: str) -> ClpstatGroup:
        """The group :func:`find_group` returns; its refusal (ParseError) for a name listed twice, ambiguous or
        not there."""
        exact = self._exact.get(fog_name, [])
        if len(exact) == 1:
            return exact[0]
        if not exact and self.status["layout"] == "default" and len(fog_name) > TRUNCATED_NAME_LENGTH:
            cut = self._cut.get(fog_name[:TRUNCATED_NAME_LENGTH], [])
            if len(cut) == 1:
                return cut[0]
        return find_group(self.status, fog_name)
