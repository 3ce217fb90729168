"""Run nornir_netmiko's own netmiko_send_command with a Nornir built by InitNornir over an inventory directory,
as an operator's script would: nothing of ospf-failover's session code involved. Prints one JSON line."""

from __future__ import annotations

import json
import sys

from nornir import InitNornir
from nornir_netmiko.tasks import netmiko_send_command


def main(inventory: str, host: str) -> int:
    nr = InitNornir(
        inventory={
            "plugin": "SimpleInventory",
            "options": {
                "host_file": f"{inventory}/hosts.yaml",
                "group_file": f"{inventory}/groups.yaml",
                "defaults_file": f"{inventory}/defaults.yaml",
            },
        },
        logging={"enabled": False},
    )
    result = nr.filter(name=host).run(task=netmiko_send_command, command_string="hostname", read_timeout=10)
    outcome = result[host][0]
    print(json.dumps({"failed": outcome.failed, "output": str(outcome.result)[-400:]}))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2]))
