"""Run the switch runbook inside this process, then list this process's SSH connections still open.

The lab tests run it inside a cluster node's namespace: ``switch_in_process.py INVENTORY FOG NODE TIMEOUT``.
It prints one JSON document: the exit code and the established connections to port 22 this process still
holds after the run (there must be none: sessions are closed at the end, those of failed hosts included).
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import subprocess
import sys

from ospf_failover.inventory import load_inventory
from ospf_failover.runbooks.switch.run import SwitchOptions, run_switch


def main() -> int:
    inventory, fog, node, timeout = sys.argv[1:5]
    steps = io.StringIO()
    with contextlib.redirect_stdout(steps):
        code = run_switch(load_inventory(inventory), SwitchOptions(fog=fog, node=node, timeout=float(timeout)))
    listed = subprocess.run(
        ["ss", "-Htnp", "state", "established", "( dport = :22 )"],
        capture_output=True,
        text=True,
        timeout=10,
        check=True,
    ).stdout
    mine = [line for line in listed.splitlines() if f"pid={os.getpid()}," in line]
    print(json.dumps({"exit_code": code, "open_ssh": mine, "steps": steps.getvalue()}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
