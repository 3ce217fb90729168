"""The played CLIs: what each platform answers to a line typed at its prompt (pure, given the observer's state).

Each knows its prompt, its pager and screen length, the session commands netmiko's driver for it sends (IOS:
``terminal width 511``, ``terminal length 0``; Junos: ``set cli screen-width 511``, ``set cli complete-on-space
off``, ``set cli screen-length 0``, each answered as the device answers), the ``show`` commands the observers'
facts need, ``exit``, and refuses anything else as the device does (IOS ``% Invalid input detected at '^'
marker.``, Junos ``syntax error``, each under a caret at the first word not understood). The state comes from a
:class:`StateSource` at each command, so every answer shows the observer as it is at that moment.
"""

from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass
from typing import Protocol

from . import ios, junos
from .frr_state import Entry, Neighbor, StateUnavailable

DEFAULT_SCREEN_LENGTH = 24  # what a vty session pages at until the session sets its own


class StateSource(Protocol):
    def routes(self) -> list[Entry]: ...

    def neighbors(self) -> list[Neighbor]: ...


@dataclass(frozen=True)
class Answer:
    text: str  # lines ending with "\n"
    paged: bool = True  # goes through the pager (at the session's screen length)
    leave: bool = False  # the session ends after it


class Refused(Exception):
    """The line is not a command the played CLI knows; ``word``: the index of the first word not understood."""

    def __init__(self, word: int) -> None:
        super().__init__(word)
        self.word = word


def keyword(words: list[str], index: int, *names: str) -> str:
    """The keyword ``words[index]`` stands for (an abbreviation of one of ``names`` of at least two letters, or
    the whole of a shorter one); Refused at ``index`` otherwise."""
    if index < len(words):
        typed = words[index].lower()
        found = [name for name in names if name.startswith(typed) and len(typed) >= min(2, len(name))]
        if len(found) == 1:
            return found[0]
    raise Refused(index)


def number(words: list[str], index: int) -> int:
    """The number ``words[index]``, which ends the line; Refused at the word that is wrong otherwise."""
    if index >= len(words) or not words[index].isdigit():
        raise Refused(index)
    if len(words) > index + 1:
        raise Refused(index + 1)
    return int(words[index])


def caret(line: str, word: int, column: int) -> str:
    """A caret under word ``word`` of ``line`` (under the end of the line when it is missing), ``column``
    characters in (the prompt's length)."""
    starts = [found.start() for found in re.finditer(r"\S+", line)]
    at = starts[word] if word < len(starts) else len(line.rstrip()) + 1
    return " " * (column + at) + "^\n"


class PlayedCli:
    """What every played CLI has: its state source, host name and paging (``pager``: what it shows while it waits
    for a key, ``{percent}`` replaced by how much of the answer was shown)."""

    pager = "--More--"

    def __init__(self, *, hostname: str, state: StateSource) -> None:
        self.hostname = hostname
        self.state = state
        self.screen_length = DEFAULT_SCREEN_LENGTH

    def banner(self) -> str:
        return ""

    def prompt(self) -> str:
        raise NotImplementedError

    def answer(self, line: str) -> Answer:
        raise NotImplementedError


class IosCli(PlayedCli):
    """Cisco IOS / IOS-XE, privileged EXEC (``gw1#``)."""

    pager = " --More-- "

    def prompt(self) -> str:
        return f"{self.hostname}#"

    def answer(self, line: str) -> Answer:
        words = line.split()
        if not words:
            return Answer("")
        try:
            return self._command(words)
        except Refused as refused:
            return Answer(caret(line, refused.word, len(self.prompt())) + "% Invalid input detected at '^' marker.\n\n")
        except StateUnavailable as exc:
            return Answer(f"% {exc}\n")

    def _command(self, words: list[str]) -> Answer:
        first = keyword(words, 0, "show", "terminal", "exit", "logout", "quit")
        if first in ("exit", "logout", "quit"):
            return Answer("", leave=True)
        if first == "terminal":
            setting = keyword(words, 1, "length", "width")
            value = number(words, 2)
            if setting == "length":
                self.screen_length = value
            return Answer("")
        keyword(words, 1, "ip")
        what = keyword(words, 2, "route", "ospf")
        if what == "ospf":
            keyword(words, 3, "neighbor")
            if len(words) > 4:
                raise Refused(4)
            return Answer(ios.render_neighbors(self.state.neighbors()))
        if len(words) == 3:
            return Answer(ios.render_table(self.state.routes()))
        address = _address(words, 3)
        mask = _address(words, 4) if len(words) > 4 else None
        if len(words) > 5 or (mask is not None and not _is_mask(mask)):
            raise Refused(min(len(words) - 1, 5) if len(words) > 5 else 4)
        return Answer(ios.render_entry(self.state.routes(), address, mask))


class JunosCli(PlayedCli):
    """Junos operational mode (``observer@gw2>``): answers end with a blank line before the prompt."""

    pager = "---(more {percent}%)---"

    def __init__(self, *, hostname: str, state: StateSource, user: str, rows: int | None) -> None:
        super().__init__(hostname=hostname, state=state)
        self.user = user
        self.screen_length = rows or DEFAULT_SCREEN_LENGTH  # Junos pages at the terminal's height

    def banner(self) -> str:
        return "--- JUNOS 21.4R3.15 Kernel 64-bit  JNPR-12.1-20220817.e1e7ae6_buil\n"

    def prompt(self) -> str:
        return f"{self.user}@{self.hostname}> "

    def answer(self, line: str) -> Answer:
        command, *pipes = line.split("|")
        words = command.split()
        if not words and not pipes:
            return Answer("")
        try:
            paged = self._pipes(line, pipes)
            answer = self._command(words)
        except Refused as refused:
            return Answer(caret(line, refused.word, len(self.prompt())) + "syntax error, expecting <command>.\n\n")
        except StateUnavailable:
            return Answer("error: the routing subsystem is not running\n\n")
        return Answer(answer.text + ("\n" if not answer.leave else ""), paged=paged, leave=answer.leave)

    def _pipes(self, line: str, pipes: list[str]) -> bool:
        before = len(line.split("|", maxsplit=1)[0].split())
        for index, pipe in enumerate(pipes):
            words = pipe.split()
            try:
                keyword(words, 0, "no-more")
                if len(words) > 1:
                    raise Refused(1)
            except Refused as refused:
                offset = before + sum(len(p.split()) for p in pipes[:index]) + index + 1
                raise Refused(offset + refused.word) from None
        return not pipes

    def _command(self, words: list[str]) -> Answer:
        first = keyword(words, 0, "show", "set", "exit", "quit")
        if first in ("exit", "quit"):
            return Answer("", leave=True)
        if first == "set":
            keyword(words, 1, "cli")
            setting = keyword(words, 2, "screen-length", "screen-width", "complete-on-space")
            if setting == "complete-on-space":
                turn = keyword(words, 3, "on", "off")
                return Answer("Disabling complete-on-space\n" if turn == "off" else "Enabling complete-on-space\n")
            value = number(words, 3)
            if setting == "screen-length":
                self.screen_length = value
                return Answer(f"Screen length set to {value}\n")
            return Answer(f"Screen width set to {value}\n")
        what = keyword(words, 1, "route", "ospf")
        if what == "ospf":
            keyword(words, 2, "neighbor")
            if len(words) > 3:
                raise Refused(3)
            return Answer(junos.render_neighbors(self.state.neighbors()))
        return Answer(junos.render_routes(self.state.routes(), _route_query(words)))


def _route_query(words: list[str]) -> junos.RouteQuery:
    destination: ipaddress.IPv4Network | None = None
    exact, table, protocol = False, "inet.0", None
    index = 2
    while index < len(words):
        word = words[index]
        if destination is None and re.fullmatch(r"\d+\.\d+\.\d+\.\d+(?:/\d{1,2})?", word):
            try:
                destination = ipaddress.IPv4Network(word, strict=False)
            except ValueError:
                raise Refused(index) from None
        elif keyword(words, index, "exact", "table", "protocol") == "exact" and destination is not None:
            exact = True
        elif words[index].lower().startswith("t") and index + 1 < len(words):
            index += 1
            table = words[index]
        elif words[index].lower().startswith("p") and index + 1 < len(words):
            index += 1
            protocol = words[index].lower()
        else:
            raise Refused(index)
        index += 1
    return junos.RouteQuery(destination=destination, exact=exact, table=table, protocol=protocol)


def _address(words: list[str], index: int) -> str:
    if index >= len(words):
        raise Refused(index)
    try:
        return str(ipaddress.IPv4Address(words[index]))
    except ValueError:
        raise Refused(index) from None


def _is_mask(mask: str) -> bool:
    try:
        ipaddress.IPv4Network(f"0.0.0.0/{mask}")
    except ValueError:
        return False
    return True
