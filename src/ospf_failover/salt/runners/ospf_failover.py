"""Salt runner ``ospf_failover``: check and backup over every site's minion, merged into one document.

    salt-run ospf_failover.check                     # every failover group, on the minions that serve them
    salt-run ospf_failover.check tgt='site-a*' strict=True
    salt-run ospf_failover.check fogs=customer1,customer7 timeout=60
    salt-run ospf_failover.backup

The master config names the whole inventory: ``ospf_failover: {inventory: DIR, timeout: 300}``. The merged
document has the shape of ``check --json`` (``fogs``, ``hosts``, ``summary``) plus ``minions`` (who answered)
and ``retcode``, which salt-run exits with: 0 all passed, 1 a group failed (a silent minion's groups fail on
``reachable``), 2 bad input or inventory.
"""

from __future__ import annotations

from typing import Any

from ospf_failover.salt import fanout

# Salt's loader sets these when it loads the module (the module's name is its file's: ospf_failover).
__opts__: dict[str, Any] = {}


def check(
    tgt: str | None = None, fogs: Any = None, strict: bool = False, timeout: float | None = None
) -> dict[str, Any]:
    """Check every failover group (or ``fogs``) on the minions that serve them (``tgt``: globs of minion IDs)."""
    return fanout.run_check(__opts__, tgt=tgt, fogs=fogs, strict=strict, timeout=timeout)


def backup(tgt: str | None = None, fogs: Any = None, timeout: float | None = None) -> dict[str, Any]:
    """Back up every minion's hosts into its own git repository; the merged document names each commit."""
    return fanout.run_backup(__opts__, tgt=tgt, fogs=fogs, timeout=timeout)
