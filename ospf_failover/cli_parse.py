"""``ospf-failover parse ...``: placeholder until the parsers land."""

from __future__ import annotations

import argparse
from typing import Any


def register(subparsers: argparse._SubParsersAction[Any]) -> None:
    """Add the parse subcommand."""
