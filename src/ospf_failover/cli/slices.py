"""``ospf-failover salt-slices``: one inventory slice per Salt minion, for the master's file server."""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from ospf_failover.errors import EXIT_OK

DEFAULT_MINION_DIR = "/var/lib/ospf-failover/inventory"


def register(subparsers: argparse._SubParsersAction[Any]) -> None:
    parser = subparsers.add_parser(
        "salt-slices",
        help="cut the inventory into one slice per Salt minion (the minion key of each failover group)",
        description="Load the whole inventory (--inventory DIR) and write, into OUT/MINION/, each minion's "
        "SimpleInventory: its failover groups with their routers, cluster nodes and observers, the groups they "
        "inherit from, defaults with the SSH key and known_hosts paths as they are on the minion, and the "
        "known_hosts lines of its hosts. Each slice is loaded back before it counts. Put OUT in the master's "
        "file_roots (e.g. /srv/salt/ospf-failover) and run `salt '*' ospf_failover.fetch_slice`. "
        "{minion} in a path is replaced by the minion's ID.",
        epilog="Exit codes: 0 written, 2 bad input or inventory (a failover group that names no minion included).",
    )
    parser.add_argument("--out", required=True, metavar="DIR", help="where to write the slices (one folder each)")
    parser.add_argument(
        "--minion-dir",
        default=DEFAULT_MINION_DIR,
        metavar="DIR",
        help=f"the slice's directory on the minion, for its known_hosts path (default {DEFAULT_MINION_DIR})",
    )
    parser.add_argument(
        "--key-file", metavar="PATH", help="the SSH private key's path on the minion (default: the inventory's)"
    )
    parser.add_argument(
        "--known-hosts", metavar="PATH", help="known_hosts' path on the minion (default: MINION_DIR/known_hosts)"
    )
    parser.add_argument("--json", action="store_true", help="one JSON document on stdout: each minion's groups")
    parser.set_defaults(handler=run_slices)


def run_slices(args: argparse.Namespace) -> int:
    from ospf_failover.inventory import load_inventory
    from ospf_failover.salt.slices import SlicePaths, write_slices

    fleet = load_inventory(args.inventory)
    key_file = args.key_file or str(fleet.key_file)
    known_hosts = args.known_hosts or f"{args.minion_dir.rstrip('/')}/known_hosts"
    written = write_slices(fleet, args.out, SlicePaths(key_file=key_file, known_hosts=known_hosts))
    if args.json:
        print(json.dumps({"out": str(Path(args.out).absolute()), "minions": {m: list(f) for m, f in written.items()}}))
        return EXIT_OK
    for minion, fogs in written.items():
        print(f"{args.out.rstrip('/')}/{minion}: {len(fogs)} failover group(s): {', '.join(fogs)}")
    return EXIT_OK
