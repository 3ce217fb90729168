"""The ``ospf-failover`` command line.

Each subcommand lives in its own module and adds itself with ``register(subparsers)``, setting ``handler`` to a
function that takes the parsed arguments and returns the exit code. Errors of the project's own tree become a
one-line message and their exit code; a traceback is shown only with ``--debug``.

Exit codes shared by every subcommand: 0 ok, 1 failed, 2 bad input or inventory; 3 is the switch's
"switched but not verified in time".
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
import threading
from collections.abc import Sequence
from typing import Any, NoReturn

from ospf_failover import __version__
from ospf_failover.errors import EXIT_BAD_INPUT

from .failure import exit_for
from .leaving import leave
from .startup import for_the_script

DEFAULT_INVENTORY = "inventory"
INVENTORY_ENV = "OSPF_FAILOVER_INVENTORY"


class _Parser(argparse.ArgumentParser):
    """argparse exits 2 on a usage error, which is our 'bad input' code too: keep it, but one line only.

    No abbreviated options (``--inv``): the command is found before parsing (see :func:`command_of`).
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("allow_abbrev", False)
        super().__init__(*args, **kwargs)

    def error(self, message: str) -> None:  # type: ignore[override]
        self.exit(EXIT_BAD_INPUT, f"{self.prog}: error: {message}\n")


LAB_HELP = "the rehearsal lab (network namespaces with FRR routers, sshd and a clpstat stand-in; needs root)"


def command_of(argv: Sequence[str]) -> str | None:
    """The subcommand named on a command line (the first word that is not a global option or its value)."""
    words = iter(argv)
    for word in words:
        if word == "--inventory":
            next(words, None)
        elif not word.startswith("-"):
            return word
    return None


def build_parser(argv: Sequence[str] | None = None) -> argparse.ArgumentParser:
    """The whole command line. The lab's commands are loaded only for ``lab ...``: the commands that run against
    real routers never import the rehearsal lab."""
    from . import runbooks

    parser = _Parser(
        prog="ospf-failover",
        description="Move a VM's gateway between OSPF virtual routers when EXPRESSCLUSTER X fails the VM over.",
        epilog="Exit codes: 0 ok, 1 failed, 2 bad input or inventory, 3 switched but not verified in time.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    parser.add_argument(
        "--inventory",
        metavar="DIR",
        default=os.environ.get(INVENTORY_ENV, DEFAULT_INVENTORY),
        help=f"inventory directory (default: ${INVENTORY_ENV} or ./{DEFAULT_INVENTORY})",
    )
    parser.add_argument("--debug", action="store_true", help="show tracebacks of errors")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    subparsers.required = True
    command = command_of(sys.argv[1:] if argv is None else argv)
    runbooks.register(subparsers)
    if command != "switch":  # a switch parses its own line only: it may be one of many at once (rendezvous)
        from . import backup, inventory, parse, slices

        for module in (backup, inventory, parse, slices):
            module.register(subparsers)
    if command == "lab":
        from ospf_failover_lab import cli as lab_cli

        lab_cli.register(subparsers, summary=LAB_HELP)
    else:
        subparsers.add_parser("lab", help=LAB_HELP, add_help=False)  # listed in --help; loaded when asked for
    return parser


def quiet_libraries(*, debug: bool) -> None:
    """Keep the libraries' own reports out of the output: a failed host is one line in the runbook's report.

    Nornir logs every failed task with its traceback, and nothing configures logging in a command line run, so
    Python's last-resort handler would print those tracebacks on stderr (paramiko's transport errors too). A
    handler on the root logger ends that; ``--debug`` shows warnings and errors with their tracebacks instead. An
    exception escaping a thread is one line too.
    """
    root = logging.getLogger()
    if debug:
        logging.basicConfig(level=logging.WARNING, format="%(name)s: %(levelname)s: %(message)s")
        return
    root.addHandler(logging.NullHandler())

    def one_line(hook: threading.ExceptHookArgs) -> None:
        name = hook.thread.name if hook.thread is not None else "a thread"
        print(f"ospf-failover: internal error in {name}: {hook.exc_type.__name__}: {hook.exc_value}", file=sys.stderr)

    threading.excepthook = one_line


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser(argv)
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # --help, --version, usage errors: argparse has printed what it had to say
        return exc.code if isinstance(exc.code, int) else EXIT_BAD_INPUT
    quiet_libraries(debug=args.debug)
    try:
        code: int = args.handler(args)
    except (Exception, KeyboardInterrupt) as exc:  # a defect too: one line, the traceback only with --debug
        return exit_for(exc, inventory=args.inventory, debug=args.debug)
    return code


def script() -> NoReturn:
    """The ``ospf-failover`` command: :func:`main`, then out without Python's finalization (:mod:`.leaving`)."""
    for_the_script()
    leave(main())


if __name__ == "__main__":
    script()
