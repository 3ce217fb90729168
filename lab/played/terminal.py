"""The played CLI's terminal: what sshd runs for every login of a played observer (its ``ForceCommand``).

On a terminal (netmiko's sessions ask for one) it behaves as a network device's CLI does: the terminal is put in
raw mode and the program echoes what is typed itself, line by line (backspace, Ctrl-U and Ctrl-C as a device
handles them; a CR LF pair ends one line, not two), prints the answer through the pager at the session's
screen length (space: a page more, Return: a line more, anything else: the rest is dropped), then the prompt.
An SSH exec request (``ssh gw1 show ip route``) is answered once, as IOS and Junos answer one. Lines end in CR LF
on a terminal, as devices send them.

Run as ``python -m ospf_failover_lab.played --platform cisco_ios --hostname gw1``.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
import termios
import tty
from collections.abc import Sequence
from pathlib import Path

from . import PLAYED_PLATFORMS, frr_state
from .cli import IosCli, JunosCli, PlayedCli
from .frr_state import Entry, Neighbor

CTRL_C, CTRL_U, BACKSPACES = "\x03", "\x15", ("\x7f", "\x08")


class VtyshState:
    """The observer's state, read from its FRR at each command."""

    def __init__(self, vtysh: str) -> None:
        self.vtysh = vtysh

    def routes(self) -> list[Entry]:
        return frr_state.routes(frr_state.read_json(self.vtysh, "show ip route json"))

    def neighbors(self) -> list[Neighbor]:
        return frr_state.neighbors(frr_state.read_json(self.vtysh, "show ip ospf neighbor json"))


class Terminal:
    """Reads keys from ``fd_in`` (echoing them when ``echo``) and writes text to ``fd_out``, ``\\n`` as
    ``newline``."""

    def __init__(self, fd_in: int, fd_out: int, *, echo: bool, newline: str) -> None:
        self.fd_in, self.fd_out = fd_in, fd_out
        self.echo, self.newline = echo, newline
        self._pending = b""
        self._after_cr = False  # a LF right after a CR belongs to the same line end

    def write(self, text: str) -> None:
        data = text.replace("\n", self.newline).encode()
        while data:
            data = data[os.write(self.fd_out, data) :]

    def _char(self) -> str | None:
        if not self._pending:
            self._pending = os.read(self.fd_in, 4096)
            if not self._pending:
                return None
        char, self._pending = self._pending[:1], self._pending[1:]
        return char.decode("latin-1")

    def _key(self) -> str | None:
        """The next key, a LF that follows a CR skipped."""
        while True:
            char = self._char()
            if char == "\n" and self._after_cr:
                self._after_cr = False
                continue
            self._after_cr = char == "\r"
            return char

    def _echo(self, text: str) -> None:
        if self.echo:
            self.write(text)

    def read_line(self) -> str | None:
        """One line as typed (None at the end of input)."""
        typed: list[str] = []
        while (key := self._key()) is not None:
            if key in ("\r", "\n"):
                self._echo("\n")
                return "".join(typed)
            if key in BACKSPACES:
                if typed:
                    typed.pop()
                    self._echo("\b \b")
            elif key == CTRL_U:
                self._echo("\b \b" * len(typed))
                typed.clear()
            elif key == CTRL_C:
                self._echo("^C\n")
                return ""
            elif key >= " ":
                typed.append(key)
                self._echo(key)
        return None

    def show(self, text: str, *, length: int, pager: str) -> bool:
        """Write ``text`` a screen at a time (``length`` lines, the last one the pager's; 0: no paging); False
        when the input ended while the pager waited."""
        lines = text.splitlines(keepends=True)
        if length <= 1 or len(lines) < length:
            self.write(text)
            return True
        shown, step = 0, length - 1
        while shown < len(lines):
            self.write("".join(lines[shown : shown + step]))
            shown = min(len(lines), shown + step)
            if shown == len(lines):
                break
            waiting = pager.format(percent=shown * 100 // len(lines))
            self.write(waiting)
            key = self._key()
            self.write("\r" + " " * len(waiting) + "\r")
            if key is None:
                return False
            if key == " ":
                step = length - 1
            elif key in ("\r", "\n"):
                step = 1
            else:
                break
        return True


def converse(terminal: Terminal, cli: PlayedCli, *, log: Path | None = None) -> None:
    """Prompt, line, answer, until the session ends (``exit``, or the end of input); every line typed is
    appended to ``log`` when given."""
    terminal.write(cli.banner())
    while True:
        terminal.write(cli.prompt())
        line = terminal.read_line()
        if line is None:
            return
        if log is not None:
            with log.open("a") as typed:
                typed.write(line + "\n")
        answer = cli.answer(line)
        length = cli.screen_length if answer.paged else 0
        if answer.text and not terminal.show(answer.text, length=length, pager=cli.pager):
            return
        if answer.leave:
            return


def played_cli(platform: str, *, hostname: str, user: str, vtysh: str, rows: int | None) -> PlayedCli:
    state = VtyshState(vtysh)
    if platform == "juniper_junos":
        return JunosCli(hostname=hostname, state=state, user=user, rows=rows)
    return IosCli(hostname=hostname, state=state)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m ospf_failover_lab.played", description=__doc__.splitlines()[0])
    parser.add_argument("--platform", choices=PLAYED_PLATFORMS, required=True)
    parser.add_argument("--hostname", required=True)
    parser.add_argument("--user", default="observer", help="the login name Junos's prompt shows")
    parser.add_argument("--vtysh", default="vtysh")
    parser.add_argument("--log", type=Path, default=None, help="append every line typed (or asked by exec) here")
    args = parser.parse_args(argv)
    interactive = os.isatty(0)
    rows = os.get_terminal_size(0).lines if interactive else None
    cli = played_cli(args.platform, hostname=args.hostname, user=args.user, vtysh=args.vtysh, rows=rows)
    command = os.environ.get("SSH_ORIGINAL_COMMAND")
    if command is not None:
        if args.log is not None:
            with args.log.open("a") as typed:
                typed.write(command + "\n")
        sys.stdout.write(cli.answer(command).text)
        return 0
    saved = termios.tcgetattr(0) if interactive else None
    try:
        if interactive:
            tty.setraw(0)
        converse(Terminal(0, 1, echo=interactive, newline="\r\n" if interactive else "\n"), cli, log=args.log)
    except OSError:
        pass  # the session went away (EIO on its terminal, EPIPE)
    finally:
        if saved is not None:
            with contextlib.suppress(termios.error):
                termios.tcsetattr(0, termios.TCSADRAIN, saved)
    return 0
