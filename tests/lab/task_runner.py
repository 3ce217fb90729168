"""Run one Nornir task against one inventory host and print its outcome as JSON.

The lab tests run this inside a lab namespace (a cluster node), because lab hosts are reachable only from
there: ``task_runner.py INVENTORY HOST[,HOST...] TASK '{"kwarg": ...}' [--dry-run]``.
"""

from __future__ import annotations

import json
import sys
import time
from typing import Any

from ospf_failover import tasks
from ospf_failover.inventory import load_inventory
from ospf_failover.nornir_setup import init_nornir, run_on


def main() -> int:
    inventory, host, name, raw_kwargs = sys.argv[1:5]
    dry_run = "--dry-run" in sys.argv[5:]
    kwargs: dict[str, Any] = json.loads(raw_kwargs)
    if "nics" in kwargs and kwargs["nics"] and isinstance(kwargs["nics"][0], dict):
        kwargs["nics"] = [tasks.router_state.NicProbe(**probe) for probe in kwargs["nics"]]
    nr = init_nornir(load_inventory(inventory), dry_run=dry_run)
    start = time.monotonic()
    hosts = host.split(",")  # several hosts: one run in parallel, the first host's outcome is reported
    try:
        outcome = run_on(nr, hosts, getattr(tasks, name), **kwargs)[hosts[0]]
    finally:
        nr.close_connections(on_good=True, on_failed=True)
    seconds = time.monotonic() - start
    if outcome.ok and outcome.result is not None:
        report = {
            "ok": True,
            "result": outcome.result.result,
            "changed": outcome.result.changed,
            "diff": outcome.result.diff,
            "seconds": seconds,
        }
    else:
        error = outcome.error
        report = {
            "ok": False,
            "error_type": type(error).__name__,
            "error_types": [cls.__name__ for cls in type(error).__mro__],
            "error": str(error),
            "seconds": seconds,
        }
    print(json.dumps(report))
    return 0


if __name__ == "__main__":
    sys.exit(main())
