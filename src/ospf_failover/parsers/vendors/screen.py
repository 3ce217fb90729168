"""What every vendor reader refuses before it reads a line: pagers, prompts, command echoes and error answers.

An output that went through a pager (``--More--``, Junos ``---(more)---``, a ``less`` status line) lost lines
where the pager waited; a CLI prompt inside the output means two commands' outputs were run together or a prompt
was not stripped; an error answer (``% Invalid input``, Junos ``syntax error``, ``Invalid command``) is no table
at all. Each is refused with its line.

One exception: the very first line may echo the command itself after the device's prompt (``router1# sh ip ospf
neighbors vrf all``), as some recordings keep it, when that command is of the kind being read. The echo is then
blanked, so that line numbers still count from the top of the text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from ospf_failover.parsers.detect import split_lines
from ospf_failover.parsers.refusal import Refuser

ReadKind = Literal["route", "ospf-neighbor"]


@dataclass(frozen=True)
class Line:
    """One line of the output and its 1-based number."""

    number: int
    text: str


# "--More--", " --More-- ", "--- More ---", "<--- More --->", Junos "---(more)---" and "---(more 45%)---", the
# Japanese RTX pager's "---つづく---", and the status lines of less (VyOS runs its op-mode commands through it).
_PAGER = re.compile(
    r"-{2,}\s*\(?\s*more\b[^-\n]*\)?\s*-{2,}|つづく|^\s*(?:lines \d+-\d+(?:/\d+)?(?: \(END\))?|\(END\)|:)\s*$",
    re.IGNORECASE,
)
# Searched on the line without its leading blanks; the first match decides.
_ERROR_ANSWERS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"^%(?! ?(?:Network|Subnet) not in table\s*$)"), "the device answered with an error message"),
    (re.compile(r"^\^\s*$"), "an error marker ('^') under the command: the device refused the command"),
    (re.compile(r"^(?:syntax error\b|error:|unknown command\b)", re.IGNORECASE), "the device refused the command"),
    (re.compile(r"^(?:Invalid (?:command|input|value)\b|Incomplete command\b)"), "the device refused the command"),
    (re.compile(r"^(?:Error|エラー)\s*:"), "the device answered with an error message"),
    (
        re.compile(r"\bPermission denied\b|\bauthori[sz]ation (?:failed|denied)\b|\bnot authori[sz]ed\b", re.I),
        "the account may not run the command",
    ),
)

# Prompts as the platforms print them, hostname first: IOS, IOS-XE, NX-OS and EOS "host#"/"host>" (a mode in
# brackets), Junos "user@host>" (after a "{master:0}" banner), VyOS "user@host:~$" (or vtysh's "host#"), RTX ">"
# or "#" with an optional name.
_CISCO_PROMPT = r"[A-Za-z0-9][\w.-]*(?:\([\w./-]+\))?[#>]"
PROMPTS: dict[str, re.Pattern[str]] = {
    "cisco": re.compile(rf"^(?P<prompt>{_CISCO_PROMPT})\s*(?P<command>.*)$"),
    "junos": re.compile(r"^(?:\{[\w:]+\}\s*)?(?P<prompt>[\w.-]+@[\w.-]+[>#%])\s*(?P<command>.*)$"),
    # vtysh's "host#" with a name of two characters at least: FRR's "K>  0.0.0.0/0" is a route, not a prompt.
    "vyos": re.compile(
        r"^(?P<prompt>[\w.-]+@[\w.-]+(?::[^\s$#]*)?[$#]|[A-Za-z0-9][\w.-]+(?:\([\w./-]+\))?[#>])"
        r"\s*(?P<command>.*)$"
    ),
    "yamaha": re.compile(r"^(?P<prompt>[\w.-]*[>#])\s*(?P<command>.*)$"),
}
# The commands whose echo may open the output, by kind (abbreviations included: "sh ip ro", "sh ip o n").
_ECHOES: dict[ReadKind, re.Pattern[str]] = {
    "route": re.compile(r"^sh\w*\s+(?:ip\s+)?ro\w*(?:\s|$)", re.IGNORECASE),
    "ospf-neighbor": re.compile(r"^sh\w*\s+(?:ip\s+|status\s+)?o\w*(?:\s+\S+)?\s+n\w*(?:\s|$)", re.IGNORECASE),
}


def screen(text: str, *, refuse: Refuser, prompt: re.Pattern[str], kind: ReadKind) -> list[Line]:
    """The numbered lines of ``text`` (a CR before LF dropped), once pagers, prompts and error answers are
    refused; a leading echo of a command of ``kind`` comes back blank."""
    lines = [Line(number, line) for number, line in enumerate(split_lines(text), start=1)]
    first_filled = next((line for line in lines if line.text.strip()), None)
    screened: list[Line] = []
    for line in lines:
        stripped = line.text.strip()
        if _PAGER.search(line.text):
            raise refuse("a pager's prompt: the output was paged and lines are missing", line.number, line.text)
        for pattern, reason in _ERROR_ANSWERS:
            if pattern.search(stripped):
                raise refuse(reason, line.number, line.text)
        echo = prompt.match(stripped)
        if echo is not None:
            command = echo["command"] or ""
            if line is first_filled and _ECHOES[kind].match(command):
                screened.append(Line(line.number, ""))
                continue
            what = "a command echo" if command else "a CLI prompt"
            raise refuse(f"{what} inside the output (outputs run together, or a prompt left in)", *_at(line))
        screened.append(line)
    return screened


def _at(line: Line) -> tuple[int, str]:
    return line.number, line.text


def filled(lines: list[Line]) -> list[Line]:
    """The lines that are not blank."""
    return [line for line in lines if line.text.strip()]
