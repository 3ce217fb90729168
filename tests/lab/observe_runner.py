"""Read every router and observer of an inventory as ``check`` does (``runbooks.check.observe``), in this process,
and print as JSON which hosts were read and which sessions were still open when the reads were done.

The lab tests run it inside a lab host: ``observe_runner.py INVENTORY``.
"""

from __future__ import annotations

import json
import sys

from ospf_failover.inventory import load_inventory
from ospf_failover.nornir_setup import init_nornir
from ospf_failover.runbooks.check.observe import observe
from ospf_failover.runbooks.check.plan import plan_check


def main() -> int:
    fleet = load_inventory(sys.argv[1])
    plan = plan_check(fleet, [])
    nr = init_nornir(fleet)
    try:
        seen = observe(nr, fleet, plan)
        still_open = sorted(host.name for host in nr.inventory.hosts.values() if host.connections)
    finally:
        nr.close_connections(on_good=True, on_failed=True)
    print(json.dumps({"read": sorted(seen.states), "errors": seen.errors, "open_after_reads": still_open}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
