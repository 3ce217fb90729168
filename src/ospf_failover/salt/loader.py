"""The ``salt.loader`` entry point: where Salt's loader finds this package's execution module and runner."""

from __future__ import annotations

from pathlib import Path

HERE = Path(__file__).parent


def loader_dirs() -> dict[str, list[str]]:
    """Salt's loader calls this for every kind of module it loads; the keys are the kinds we provide."""
    return {"modules": [str(HERE / "modules")], "runners": [str(HERE / "runners")]}
