"""Command-line entry points of the runbooks."""

from __future__ import annotations

import argparse
from typing import Any


def register(subparsers: argparse._SubParsersAction[Any]) -> None:
    """Add the runbook subcommands (none yet)."""
