"""``ospf-failover inventory validate``: check an inventory without connecting to anything."""

from __future__ import annotations

import argparse
import json
from typing import Any

from ospf_failover.errors import EXIT_OK, InventoryError
from ospf_failover.inventory import load_inventory


def register(subparsers: argparse._SubParsersAction[Any]) -> None:
    parser = subparsers.add_parser("inventory", help="inspect the inventory", description="Inspect the inventory.")
    commands = parser.add_subparsers(dest="inventory_command", metavar="ACTION")
    commands.required = True
    validate = commands.add_parser(
        "validate",
        help="check the inventory and print every problem found",
        description="Load the inventory (--inventory DIR) and print every problem found, each with its file, "
        "its key and what to do. Nothing is connected to. Exit codes: 0 valid, 2 invalid.",
    )
    validate.add_argument("--json", action="store_true", help="print one JSON document on stdout")
    validate.set_defaults(handler=run_validate)


def run_validate(args: argparse.Namespace) -> int:
    try:
        fleet = load_inventory(args.inventory)
    except InventoryError as exc:
        if args.json:
            problems = [{"file": p.file, "key": p.key, "message": p.message} for p in exc.problems]
            print(json.dumps({"valid": False, "inventory": args.inventory, "problems": problems}, indent=2))
        raise  # the command line prints each problem on stderr and exits 2, as for every command
    summary: dict[str, Any] = {
        "valid": True,
        "inventory": str(fleet.directory),
        "routers": sorted(h.name for h in fleet.hosts.values() if h.role == "router"),
        "cluster_nodes": sorted(h.name for h in fleet.hosts.values() if h.role == "cluster_node"),
        "observers": sorted(h.name for h in fleet.hosts.values() if h.role == "observer"),
        "failover_groups": sorted(fleet.fogs),
    }
    if args.json:
        print(json.dumps(summary, indent=2))
    else:
        print(
            f"inventory {fleet.directory} is valid: {len(fleet.fogs)} failover group(s), "
            f"{len(summary['routers'])} router(s), {len(summary['cluster_nodes'])} cluster node(s), "
            f"{len(summary['observers'])} observer(s)"
        )
    return EXIT_OK
