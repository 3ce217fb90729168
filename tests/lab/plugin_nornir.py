"""An operator's own script over the inventory and session plugins: InitNornir with OspfFailoverInventory, then
each host's ``ospf_failover`` connection runs a batch. Nothing of the tool's runbooks or tasks is involved.
Prints one JSON line: the hosts' views and, per host, the batch's outputs or the error with its data."""

from __future__ import annotations

import json
import sys
from typing import Any

from nornir import InitNornir
from nornir.core.task import Result, Task

from ospf_failover.errors import HostKeyError
from ospf_failover.inventory import ValidatedHost

COMMANDS = ["hostname", "false", "echo to-stderr >&2"]


def batch(task: Task) -> Result:
    session = task.host.get_connection("ospf_failover", task.nornir.config)
    outputs = session.run_batch(COMMANDS, timeout=10)
    return Result(host=task.host, result=[[o.output, o.exit_status] for o in outputs])


def outcome(multi: Any) -> dict[str, Any]:
    first = multi[0]
    if first.exception is None:
        return {"ok": True, "outputs": first.result}
    error = first.exception
    found: dict[str, Any] = {"ok": False, "error_type": type(error).__name__, "error": str(error)}
    if isinstance(error, HostKeyError):
        found.update(offered=error.offered_fingerprint, known=error.known_fingerprint)
    return found


def main(inventory: str) -> int:
    nr = InitNornir(
        inventory={"plugin": "OspfFailoverInventory", "options": {"inventory": inventory}},
        logging={"enabled": False},
    )
    views = {
        name: host.view.role if isinstance(host, ValidatedHost) else None for name, host in nr.inventory.hosts.items()
    }
    try:
        results = nr.run(task=batch, on_failed=True)
    finally:
        nr.close_connections(on_good=True, on_failed=True)
    hosts = {name: outcome(multi) for name, multi in results.items()}
    print(json.dumps({"views": views, "hosts": hosts}))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
