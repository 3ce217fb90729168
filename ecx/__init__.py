"""ECX's exec resource scripts (start.sh, stop.sh, genw.sh), shipped with the package for copying onto cluster nodes."""

from __future__ import annotations

from pathlib import Path

SCRIPTS = Path(__file__).resolve().parent
