"""Recognise sudo refusing a command: the login user has no rule for it (or sudo would ask for a password).

With ``sudo -n`` a command without a rule ends at once with exit status 1 and one line on stderr (an SSH
terminal merges it into the output); without ``-n``, sudo asks for a password, which nobody types. Either way the
text is the only signal, and it must never be read as the command's output.
"""

from __future__ import annotations

import re

_REFUSAL = re.compile(
    r"^sudo: (?:a password is required|a terminal is required\b.*|sorry, you must have a tty\b.*"
    r"|.* is not in the sudoers file\b.*|.* is not allowed to (?:execute|run)\b.*|.* may not run sudo\b.*)$"
    r"|^\[sudo\] password for \S+:|^Sorry, user \S+ (?:is not allowed|may not run)\b.*$",
    re.MULTILINE,
)


def sudo_refusal(text: str) -> str | None:
    """sudo's line refusing a command, when ``text`` holds one (None otherwise)."""
    found = _REFUSAL.search(text.replace("\r\n", "\n"))
    return found.group(0).strip() if found else None
