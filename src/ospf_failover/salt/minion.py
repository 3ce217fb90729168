"""What the execution module runs on a minion: the project's own command over the minion's slice.

The command runs as a child process (``python -m ospf_failover``), bounded by a timeout, so Salt's process never
hosts Nornir's threads or logging and the document is exactly the one ``check --json`` / ``backup --json``
prints; the child's exit code is kept in it as ``retcode``. Without a document (bad inventory, timeout) the result
is ``{"error": ONE_LINE, "retcode": CODE}``.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

from ospf_failover.errors import EXIT_BAD_INPUT, EXIT_FAILED, InputError

DEFAULT_TIMEOUT = 300.0  # seconds one check or backup may take on a minion
CONFIG_KEY = "ospf_failover"  # minion config or pillar: ospf_failover: {inventory: DIR, backup_dir: DIR, ...}


def setting(config: Mapping[str, Any] | None, key: str) -> Any:
    """One key of the minion's ``ospf_failover`` settings (None when not set)."""
    return (config or {}).get(key) if isinstance(config, Mapping) else None


def fogs_for(fogs: Any, minion: str) -> list[str]:
    """The groups to run for: a list (or comma-separated text) as a person passes it, or, from the runner, a
    mapping minion -> list, of which this minion takes its own."""
    if isinstance(fogs, Mapping):
        fogs = fogs.get(minion) or []
    if fogs is None or fogs == "":
        return []
    if isinstance(fogs, str):
        return [name.strip() for name in fogs.split(",") if name.strip()]
    return [str(name) for name in fogs]


def run_command(argv: Sequence[str], *, inventory: str | None, timeout: float) -> dict[str, Any]:
    """``ospf-failover --inventory INVENTORY ARGV...``: its JSON document with ``retcode``, or an error."""
    if not inventory:
        return {
            "error": f"set {CONFIG_KEY}:inventory (the slice's directory) in the minion config or pillar",
            "retcode": EXIT_BAD_INPUT,
        }
    command = [sys.executable, "-m", "ospf_failover", "--inventory", str(inventory), *argv]
    try:
        done = subprocess.run(
            command, capture_output=True, text=True, timeout=timeout, check=False, stdin=subprocess.DEVNULL
        )
    except subprocess.TimeoutExpired:
        return {"error": f"ospf-failover {argv[0]} did not finish within {timeout:g} s", "retcode": EXIT_FAILED}
    except OSError as exc:
        return {"error": f"cannot run {command[0]}: {exc.strerror or exc}", "retcode": EXIT_FAILED}
    try:
        document = json.loads(done.stdout)
    except ValueError:
        document = None
    if not isinstance(document, dict):
        lines = [line for line in done.stderr.splitlines() if line.strip()]
        why = lines[-1] if lines else f"exited {done.returncode} without a document"
        return {"error": why, "retcode": done.returncode or EXIT_FAILED}
    document["retcode"] = done.returncode
    return document


def check_argv(fogs: Sequence[str], *, strict: bool) -> list[str]:
    return ["check", *fogs, *(["--strict"] if strict else []), "--json"]


def backup_argv(fogs: Sequence[str], *, directory: str | Path) -> list[str]:
    return ["backup", *(fogs or ["--all"]), "--dir", str(directory), "--json"]


def timeout_of(config: Mapping[str, Any] | None, given: float | None) -> float:
    value = given if given is not None else setting(config, "timeout")
    if value is None:
        return DEFAULT_TIMEOUT
    try:
        seconds = float(value)
    except (TypeError, ValueError):
        raise InputError(f"timeout={value!r} is not a number of seconds") from None
    if not 0 < seconds <= 3600:
        raise InputError(f"timeout={value}: give seconds between 0 and 3600")
    return seconds


DEFAULT_SLICES = "salt://ospf-failover"


def replace_slice(inventory: str | None, fetch: Callable[[str], Any], *, source: str) -> dict[str, Any]:
    """Fetch a slice into a staging directory beside ``inventory`` (``fetch(staging)`` leaves it in
    ``staging/<last part of source>``), then put it in the place of the old one."""
    if not inventory:
        return {"error": f"set {CONFIG_KEY}:inventory in the minion config or pillar", "retcode": EXIT_BAD_INPUT}
    target = Path(inventory)
    staging = target.with_name(f".{target.name}.new")
    old = target.with_name(f".{target.name}.old")
    for leftover in (staging, old):
        shutil.rmtree(leftover, ignore_errors=True)
    staging.mkdir(parents=True)
    fetch(str(staging))
    fetched = staging / source.rstrip("/").rsplit("/", 1)[-1]
    if not (fetched / "hosts.yaml").is_file():
        shutil.rmtree(staging, ignore_errors=True)
        return {
            "error": f"{source} holds no slice (hosts.yaml): write the slices on the master",
            "retcode": EXIT_BAD_INPUT,
        }
    if target.exists():
        target.rename(old)
    fetched.rename(target)
    shutil.rmtree(staging, ignore_errors=True)
    shutil.rmtree(old, ignore_errors=True)
    files = sorted(p.name for p in target.iterdir())
    return {"inventory": str(target), "files": files, "retcode": 0}
