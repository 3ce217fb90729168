"""How a command's error becomes its one-line message and its exit code (a traceback only with ``--debug``)."""

from __future__ import annotations

import sys
import traceback
from typing import TextIO

from ospf_failover.errors import EXIT_FAILED, InventoryError, OspfFailoverError


def exit_for(error: BaseException, *, inventory: str, debug: bool, stderr: TextIO | None = None) -> int:
    """Say ``error`` on ``stderr`` (default: this process's) the way the command line does, and return its exit
    code: an invalid inventory is one line per problem and a last line; the project's other errors one line; a
    defect one line naming it."""
    err = stderr or sys.stderr
    if isinstance(error, InventoryError):
        for problem in error.problems:
            print(f"ospf-failover: {problem}", file=err)
        print(f"ospf-failover: inventory {inventory} is invalid ({len(error.problems)} problem(s))", file=err)
        return error.exit_code
    if isinstance(error, OspfFailoverError):
        if debug:
            traceback.print_exception(error, file=err)
        print(f"ospf-failover: error: {error}", file=err)
        return error.exit_code
    if isinstance(error, KeyboardInterrupt):
        print("ospf-failover: interrupted", file=err)
        return 130
    if debug:
        traceback.print_exception(error, file=err)
    print(f"ospf-failover: internal error: {type(error).__name__}: {error} (run with --debug)", file=err)
    return EXIT_FAILED
