"""``python -m ospf_failover``: the command line, as the ``ospf-failover`` script runs it."""

from __future__ import annotations

from ospf_failover.cli.command_line import script

script()
