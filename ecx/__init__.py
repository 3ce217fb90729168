"""ECX's exec resource scripts (start.sh, stop.sh, genw.sh), shipped with the package for copying onto cluster nodes,
and the template of the sudo rules of an unprivileged login (sudoers: see ``ospf_failover.privileges``)."""

from __future__ import annotations

from pathlib import Path

SCRIPTS = Path(__file__).resolve().parent
