"""``ospf-failover lab ...``: placeholder until the lab lands."""

from __future__ import annotations

import argparse
from typing import Any


def register(subparsers: argparse._SubParsersAction[Any]) -> None:
    """Add the lab subcommands."""
