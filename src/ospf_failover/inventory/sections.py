"""One inventory file's top-level entries, each read only when asked: what lets a failover command read its own
group's part of a file of 10,000 groups.

:class:`Sections` cuts a file's text at its top-level keys (a name at the start of a line, then a colon) and
parses an entry's text when it is asked for. That gives what the whole file gives only for a file of plain
block style, so :meth:`Sections.of` declines (None) a text that may hold anchors or aliases (``&a``, ``*a``:
an entry could lean on another), directives or document markers, a top-level line that is not a plain
``name:``, a name given twice, or an entry that does not parse alone; the caller then reads the whole file
(:class:`Parsed`). Both answer the same questions (:class:`Entries`), so what is selected does not depend on how
the file was read.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterable, Iterator
from typing import Any, Protocol

from .fast_yaml import Undecided, load_fast

KEY_LINE = re.compile(r"^([A-Za-z0-9_][A-Za-z0-9_.\-]*)[ \t]*:(?:[ \t]|$)")
# Where an anchor (&name) or an alias (*name) may stand: where a node starts (a line's start, after "- ", ": ",
# "? ", a flow collection's "[", "{" or ",", a tag). Matching more than that (a "&" after ": " inside a quoted
# command) only sends the file to the whole read; "&&" or "2>&1" inside a command do not match.
ANCHOR = re.compile(r"(?:^[ \t]*|[\[{,][ \t]*|[:\-?][ \t]+|![^\s]*[ \t]+)[&*](?=[^\s,\[\]{}])", re.M)
TOP_LEVEL = re.compile(r"^[^\s#]", re.M)  # a line that starts a top-level key (or is not a plain file)


class Entries(Protocol):
    """A file's top-level entries: their names, one entry's value, the entries whose text names a word."""

    def names(self) -> Iterable[str]: ...

    def __contains__(self, name: object) -> bool: ...

    def entry(self, name: str) -> Any: ...

    def mentioning(self, word: str) -> list[str]:
        """Entries whose text may name ``word`` (a superset: look at each)."""
        ...

    def may_hold(self, name: str, pattern: re.Pattern[str]) -> bool:
        """Whether ``name``'s entry may hold text matching ``pattern`` (a superset)."""
        ...


class Sections:
    """A file's text cut at its top-level keys; entries parsed when asked."""

    def __init__(self, text: str, starts: dict[str, int]) -> None:
        self._text = text
        self._starts = starts
        self._offsets = sorted(starts.values())
        self._by_offset = {offset: name for name, offset in starts.items()}
        self._parsed: dict[str, Any] = {}

    @classmethod
    def of(cls, text: str) -> Sections | None:
        """The file's sections, or None when cutting it could read it otherwise than the whole file."""
        if ANCHOR.search(text):
            return None
        starts: dict[str, int] = {}
        for line in TOP_LEVEL.finditer(text):
            end = text.find("\n", line.start())
            found = KEY_LINE.match(text[line.start() : len(text) if end < 0 else end])
            if found is None or found.group(1) in starts:
                return None
            starts[found.group(1)] = line.start()
        return cls(text, starts)

    def _span(self, name: str) -> str:
        start = self._starts[name]
        index = bisect.bisect_right(self._offsets, start)
        end = self._offsets[index] if index < len(self._offsets) else len(self._text)
        return self._text[start:end]

    def names(self) -> Iterator[str]:
        return iter(self._starts)

    def __contains__(self, name: object) -> bool:
        return name in self._starts

    def entry(self, name: str) -> Any:
        """The entry's value, as the whole file gives it; :class:`Undecided` when its text does not parse alone
        the same way (the caller reads the whole file)."""
        if name not in self._parsed:
            loaded = load_fast(self._span(name))
            if not isinstance(loaded, dict) or list(loaded) != [name]:
                raise Undecided(f"{name}'s entry does not read alone")
            self._parsed[name] = loaded[name]
        return self._parsed[name]

    def mentioning(self, word: str) -> list[str]:
        found: dict[str, None] = {}
        for match in re.finditer(rf"(?<![\w.\-]){re.escape(word)}(?![\w.\-])", self._text):
            index = bisect.bisect_right(self._offsets, match.start()) - 1
            if index >= 0:
                found[self._by_offset[self._offsets[index]]] = None
        return list(found)

    def may_hold(self, name: str, pattern: re.Pattern[str]) -> bool:
        return pattern.search(self._span(name)) is not None


class Parsed:
    """A whole file already read: every entry is at hand."""

    def __init__(self, entries: dict[str, Any]) -> None:
        self._entries = entries

    def names(self) -> Iterable[str]:
        return self._entries.keys()

    def __contains__(self, name: object) -> bool:
        return name in self._entries

    def entry(self, name: str) -> Any:
        return self._entries[name]

    def mentioning(self, word: str) -> list[str]:
        return list(self._entries)

    def may_hold(self, name: str, pattern: re.Pattern[str]) -> bool:
        return True
