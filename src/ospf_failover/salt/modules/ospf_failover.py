"""Salt execution module ``ospf_failover``: check and backup on this minion, over its slice of the inventory.

    salt 'site-*' ospf_failover.check
    salt site-a ospf_failover.check fogs=customer1,customer2 strict=True
    salt site-a ospf_failover.backup
    salt '*' ospf_failover.fetch_slice

Settings, in the minion config or pillar, under ``ospf_failover``: ``inventory`` (the slice's directory),
``backup_dir`` (the git repository backups are committed in, on this minion), ``timeout`` (seconds a run may take,
default 300), ``slices`` (where the master's file server holds the slices, default ``salt://ospf-failover``).
Each function returns the document the command prints with ``--json``, with its exit code as ``retcode`` (which
is also the job's retcode). ``switch`` and ``release`` are not here: ECX runs them on the cluster node.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ospf_failover.errors import EXIT_FAILED, OspfFailoverError
from ospf_failover.salt import minion as runs

# Salt's loader sets these when it loads the module (the module's name is its file's: ospf_failover).
__opts__: dict[str, Any] = {}
__salt__: dict[str, Any] = {}
__context__: dict[str, Any] = {}


def _settings() -> Any:
    return __salt__["config.get"](runs.CONFIG_KEY, {})


def _finish(result: dict[str, Any]) -> dict[str, Any]:
    __context__["retcode"] = result.get("retcode", 1)
    return result


def _guarded(work: Callable[[], dict[str, Any]]) -> dict[str, Any]:
    """``work()``, or its error as ``{"error": ONE_LINE, "retcode": CODE}`` (never a traceback in Salt's answer)."""
    try:
        return _finish(work())
    except OspfFailoverError as exc:
        return _finish({"error": str(exc), "retcode": exc.exit_code})
    except (OSError, ValueError, TypeError) as exc:
        return _finish({"error": f"{type(exc).__name__}: {exc}", "retcode": EXIT_FAILED})


def check(fogs: Any = None, strict: bool = False, timeout: float | None = None) -> dict[str, Any]:
    """``ospf-failover check --json`` over this minion's slice (``fogs``: some of its groups; default all)."""

    def work() -> dict[str, Any]:
        config = _settings()
        argv = runs.check_argv(runs.fogs_for(fogs, __opts__["id"]), strict=bool(strict))
        inventory = runs.setting(config, "inventory")
        return runs.run_command(argv, inventory=inventory, timeout=runs.timeout_of(config, timeout))

    return _guarded(work)


def backup(fogs: Any = None, timeout: float | None = None) -> dict[str, Any]:
    """``ospf-failover backup --json`` over this minion's slice, committed in its ``backup_dir`` repository."""

    def work() -> dict[str, Any]:
        config = _settings()
        directory = runs.setting(config, "backup_dir")
        if not directory:
            return {"error": f"set {runs.CONFIG_KEY}:backup_dir in the minion config or pillar", "retcode": 2}
        argv = runs.backup_argv(runs.fogs_for(fogs, __opts__["id"]), directory=directory)
        inventory = runs.setting(config, "inventory")
        return runs.run_command(argv, inventory=inventory, timeout=runs.timeout_of(config, timeout))

    return _guarded(work)


def fetch_slice(source: str | None = None) -> dict[str, Any]:
    """Copy this minion's slice from the master's file server (``SOURCE/MINION_ID/``) into its ``inventory``."""

    def work() -> dict[str, Any]:
        config = _settings()
        base = source or runs.setting(config, "slices") or runs.DEFAULT_SLICES
        url = f"{str(base).rstrip('/')}/{__opts__['id']}"

        def fetch(staging: str) -> Any:
            return __salt__["cp.get_dir"](url, staging)

        return runs.replace_slice(runs.setting(config, "inventory"), fetch, source=url)

    return _guarded(work)
