"""What every runbook command does before its runbook: load the inventory, and turn the arguments into options."""

from __future__ import annotations

import argparse
import json
from dataclasses import fields
from typing import TYPE_CHECKING, Any, TextIO, TypeVar

from ospf_failover.errors import OspfFailoverError

if TYPE_CHECKING:
    from ospf_failover.inventory import Fleet

T = TypeVar("T")


def load_for(
    args: argparse.Namespace,
    runbook: str,
    *,
    fog: str | None = None,
    broken_groups: bool = False,
    stdout: TextIO | None = None,
) -> Fleet:
    """The inventory (with ``fog``, only what that failover group uses: a problem elsewhere is not this
    command's; with ``broken_groups``, groups with problems of their own set aside for the runbook to report);
    with --json, a refusal still prints its one JSON document (on ``stdout``: the command's, this process's by
    default) before the error is raised."""
    from ospf_failover.inventory import load_inventory

    try:
        return load_inventory(args.inventory, fog=fog, broken_groups=broken_groups)
    except OspfFailoverError as exc:
        if args.json:
            problems = [str(p) for p in getattr(exc, "problems", [])]
            document = {
                "runbook": runbook,
                "fog": getattr(args, "fog", None),
                "verdict": "refused, nothing touched",
                "exit_code": exc.exit_code,
                "error": str(exc),
                "problems": problems,
            }
            print(json.dumps(document, indent=2), file=stdout)
        raise


def options_from(args: argparse.Namespace, options: type[T], **fixed: Any) -> T:
    """A runbook's options from its command line: each field from the argument of the same name (``--json``
    gives ``as_json``), fields the command does not have keep their defaults."""
    given = {**vars(args), "as_json": args.json}
    names = {f.name for f in fields(options)}  # type: ignore[arg-type]
    return options(**{**{name: given[name] for name in names if name in given}, **fixed})
