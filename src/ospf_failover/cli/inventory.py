"""``ospf-failover inventory validate``: check an inventory without connecting to anything, and say what each
role's login needs; ``inventory sudoers HOST``: the sudo rules of an unprivileged login on one host."""

from __future__ import annotations

import argparse
import json
from typing import Any

from ospf_failover.errors import EXIT_OK, InventoryError
from ospf_failover.inventory import Fleet, load_inventory
from ospf_failover.privileges import ROOT, host_privileges, login_user, render_sudoers, template_notes


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
    sudoers = commands.add_parser(
        "sudoers",
        help="print the sudo rules of HOST's login user",
        description="Print the sudo rules HOST's login user needs, rendered from the inventory with the template "
        "the package ships: each command its templates give to sudo -n, by absolute path and exact arguments "
        "(vtysh: show commands only). Install it as /etc/sudoers.d/ospf-failover (root, mode 0440). Nothing is "
        "connected to. Exit codes: 0 printed, 2 unknown host, a root login or a command without an absolute path.",
    )
    sudoers.add_argument("host", metavar="HOST", help="a host of the inventory")
    sudoers.set_defaults(handler=run_sudoers)


def run_sudoers(args: argparse.Namespace) -> int:
    print(render_sudoers(load_inventory(args.inventory), args.host), end="")
    return EXIT_OK


ROLES = {"router": "routers", "observer": "observers", "cluster_node": "cluster nodes"}
NEEDS_ROOT = ("nic_down", "nic_up", "announce_gateway", "clpstat")  # nothing but root can do these
KEYS = {
    "router": ("nic_down", "nic_up", "announce_gateway", "vtysh", "read_file"),
    "observer": ("vtysh", "read_file"),
    "cluster_node": ("clpstat",),
}  # the templates each role runs


def privileges(fleet: Fleet) -> tuple[dict[str, Any], list[str]]:
    """Per host, its login user and what it runs through sudo; and notes on templates that cannot work so."""
    hosts: dict[str, Any] = {}
    notes: list[str] = []
    for name, host in sorted(fleet.hosts.items()):
        user = login_user(fleet, name)
        runs = host_privileges(fleet, name)
        hosts[name] = {"role": host.role, "user": user, "sudo": [{"key": p.key, "command": p.command} for p in runs]}
        for key in KEYS[host.role]:
            template = getattr(host, key, None)
            if not template:
                continue
            notes += [f"{name}: {note}" for note in template_notes(key, template)]
            if user != ROOT and key in NEEDS_ROOT and not any(p.key == key for p in runs):
                notes.append(f"{name}: {key} {template!r} needs root and the login user {user} is not: give sudo -n")
    return hosts, notes


def needs_line(hosts: dict[str, Any]) -> str:
    """What each role's login runs through sudo, in one line."""
    users = sorted({entry["user"] for entry in hosts.values()})
    parts = []
    for role, label in ROLES.items():
        keys = sorted({run["key"] for entry in hosts.values() if entry["role"] == role for run in entry["sudo"]})
        if any(entry["role"] == role for entry in hosts.values()):
            parts.append(f"{label}: {', '.join(keys) or 'nothing'}")
    if users == [ROOT]:
        return "login user root on every host: nothing needs sudo (docs/privileges.md sets up an unprivileged login)"
    return (
        f"login user {', '.join(users)}; through sudo -n, {'; '.join(parts)} "
        "(each host's rules: ospf-failover inventory sudoers HOST)"
    )


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
    summary["privileges"], summary["notes"] = privileges(fleet)
    if args.json:
        print(json.dumps(summary, indent=2))
    else:
        print(
            f"inventory {fleet.directory} is valid: {len(fleet.fogs)} failover group(s), "
            f"{len(summary['routers'])} router(s), {len(summary['cluster_nodes'])} cluster node(s), "
            f"{len(summary['observers'])} observer(s)"
        )
        print(needs_line(summary["privileges"]))
        for note in summary["notes"]:
            print(f"note: {note}")
    return EXIT_OK
