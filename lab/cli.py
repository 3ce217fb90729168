"""``ospf-failover lab ...``: build, inspect, enter, fail over and remove the rehearsal lab.

lab up [--customers N] [--router-pairs M] [--vlans] [--dir .lab] [--timers fast|default]
       [--nic-style link|address|mixed] [--observer-platforms gw1=cisco_ios,...] [--unprivileged] [--timeout S]
       [--prefix ofl-]
lab down [--dir .lab]
lab status [--dir .lab] [--json]
lab exec [--dir .lab] HOST -- CMD [ARG...]
lab failover [--dir .lab] FOG [--to NODE]
lab clpstat [--dir .lab] (--busy N | --garbage | --normal)
lab cut [--dir .lab] HOST                          lab restore [--dir .lab] HOST
lab host-key [--dir .lab] HOST (--change | --restore)
lab daemon [--dir .lab] HOST {zebra,ospfd,sshd} (--stop | --start)
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from typing import Any

from rich.console import Console
from rich.table import Table

from ospf_failover.errors import EXIT_BAD_INPUT, EXIT_OK

from . import daemons, frr, nic_style, played
from .lab import Lab, teardown
from .topology import MAX_CUSTOMERS, MAX_SUBINTERFACES, MAX_TRUNK_CUSTOMERS, MAX_VM_NICS, NAMESPACE_PREFIX

DEFAULT_DIR = ".lab"
PLAIN_WIDTH = 1000  # stdout that is no terminal is read by programs and tests: its lines are never wrapped


def _progress(line: str) -> None:
    print(line, file=sys.stderr, flush=True)


def _up(args: argparse.Namespace) -> int:
    lab = Lab.up(
        args.dir,
        customers=args.customers,
        router_pairs=args.router_pairs,
        timers=args.timers,
        nic_style=args.nic_style,
        observer_platforms=args.observer_platforms,
        unprivileged=args.unprivileged,
        vlans=args.vlans,
        timeout=args.timeout,
        prefix=args.prefix,
        progress=_progress,
    )
    print(f"lab up in {lab.directory}: inventory {lab.inventory_dir}")
    return EXIT_OK


def _down(args: argparse.Namespace) -> int:
    print(teardown(args.dir, progress=_progress, orphans=args.orphans))
    return EXIT_OK


def _status(args: argparse.Namespace) -> int:
    lab = Lab.attach(args.dir)
    status = lab.status()
    if args.json:
        print(json.dumps(status, indent=2))
        return EXIT_OK
    console = _stdout_console()
    pairs = status.get("router_pairs") or status["customers"]
    shared = pairs != status["customers"]  # shared pairs: which routers and NIC serve each FOG is shown too
    console.print(
        f"lab in {status['directory']}: {status['customers']} customer(s)"
        f"{f' on {pairs} router pair(s)' if shared else ''}, timers {status['timers']}, "
        f"NIC style {status['nic_style']}",
        soft_wrap=True,
    )
    hosts = _table(("HOST", 10), ("ROLE", 9), ("NAMESPACE", 14), ("MGMT", 16), last="DAEMONS (PID; - = not running)")
    for name, host in status["hosts"].items():
        daemons = " ".join(f"{d}:{pid or '-'}" for d, pid in host["daemons"].items())
        holder = "" if host["anchor"] else "  [namespace holder gone]"
        hosts.add_row(name, host["role"], host["namespace"], host["mgmt_address"] or "", f"{daemons}{holder}")
    console.print(hosts)
    console.print()
    pair_columns = (("ROUTERS", 9), ("NIC", 4)) if shared else ()
    fogs = _table(
        ("FOG", 12),
        ("VM NETWORK", 14),
        *pair_columns,
        ("CLUSTER", 8),
        ("VM SITE", 8),
        last="ROUTE VIA (gw1 / gw2)",
    )
    for fog, info in status["fogs"].items():
        via = " / ".join(_routers(found) for found in info["route_via"].values())
        pair = ("/".join(info["routers"]), info.get("nic", "")) if shared else ()
        fogs.add_row(fog, info["vm_network"], *pair, info["cluster_node"] or "None", info["vm_site"] or "-", via)
    console.print(fogs)
    clpstat = status["clpstat"]
    if clpstat["mode"] != "normal":
        console.print(
            f"\nclpstat stand-in: {clpstat['mode']} ({clpstat['busy_remaining']} busy answer(s) left)", soft_wrap=True
        )
    return EXIT_OK


def _stdout_console() -> Console:
    """Styles on a terminal, fitted to its width; elsewhere plain text whose lines are never wrapped."""
    is_terminal = sys.stdout.isatty()
    return Console(
        file=sys.stdout,
        force_terminal=is_terminal,
        width=None if is_terminal else PLAIN_WIDTH,
        markup=False,  # cells are data: "[namespace holder gone]" is text, not a style
        highlight=False,
        emoji=False,
    )


def _table(*aligned: tuple[str, int], last: str) -> Table:
    """A borderless table, one blank between columns: ``aligned`` (heading, minimum width) columns, then ``last``.

    The aligned columns hold names and addresses and never wrap; on a narrow terminal the last column folds onto
    more lines, so no cell is ever cut short.
    """
    table = Table(box=None, padding=(0, 1, 0, 0), pad_edge=False, header_style="bold")
    for heading, min_width in aligned:
        table.add_column(heading, min_width=min_width, no_wrap=True)
    table.add_column(last, overflow="fold")
    return table


def _routers(found: Any) -> str:
    if isinstance(found, list):
        return "+".join(found) if found else "no route"
    return str(found)


def _exec(args: argparse.Namespace) -> int:
    command = list(args.command)
    if command and command[0] == "--":
        command = command[1:]
    if not command:
        print("ospf-failover lab exec: no command given (lab exec HOST -- CMD ...)", file=sys.stderr)
        return EXIT_BAD_INPUT
    lab = Lab.attach(args.dir)
    argv = lab.exec_argv(args.host, command, workdir=os.getcwd())
    sys.stdout.flush()
    os.execvpe(argv[0], argv, lab.environment())  # the command's own output and exit status, nothing else


def _failover(args: argparse.Namespace) -> int:
    lab = Lab.attach(args.dir)
    print(f"lab: failing {args.fog} over{f' to {args.to}' if args.to else ''}", file=sys.stderr, flush=True)
    result = lab.failover(args.fog, args.to, capture=False)
    if result.stop is None:
        print(f"lab: stop.sh not run: {result.source or 'no node'} is not reachable", file=sys.stderr)
    else:
        print(f"lab: stop.sh on {result.source} exited {result.stop.returncode}", file=sys.stderr)
    print(f"lab: start.sh on {result.target} exited {result.returncode}", file=sys.stderr)
    return result.returncode


def _clpstat(args: argparse.Namespace) -> int:
    lab = Lab.attach(args.dir)
    lab.set_clpstat(busy=args.busy or 0, garbage=args.garbage)
    state = lab.cluster.read()["clpstat"]
    print(f"clpstat stand-in: {state['mode']}" + (f" ({state['busy_remaining']} times)" if args.busy else ""))
    return EXIT_OK


def _cut(args: argparse.Namespace) -> int:
    lab = Lab.attach(args.dir)
    host = lab.checked_host(args.host)
    already = lab.is_cut_off(host)
    lab.cut_off(host)
    print(f"{host}: cut off{' already' if already else ''}: every packet in or out dropped but loopback")
    return EXIT_OK


def _restore(args: argparse.Namespace) -> int:
    lab = Lab.attach(args.dir)
    host = lab.checked_host(args.host)
    was = lab.is_cut_off(host)
    lab.restore(host)
    print(f"{host}: {'restored: its networks reach it again' if was else 'was not cut off'}")
    return EXIT_OK


def _host_key(args: argparse.Namespace) -> int:
    lab = Lab.attach(args.dir)
    host = lab.checked_host(args.host)
    if args.change:
        lab.change_host_key(host)
        print(f"{host}: sshd serves a new host key, not the one in {lab.known_hosts}")
    else:
        lab.restore_host_key(host)
        print(f"{host}: sshd serves its own host key, the one in {lab.known_hosts}")
    return EXIT_OK


def _daemon(args: argparse.Namespace) -> int:
    lab = Lab.attach(args.dir)
    host = lab.checked_host(args.host)
    before = lab.daemon_pid(host, args.daemon) if args.daemon in daemons.host_daemons(lab, host) else None
    if args.stop:
        lab.stop_daemon(host, args.daemon)
        print(f"{host}: {args.daemon} " + (f"stopped (was PID {before})" if before else "was not running"))
    else:
        pid = lab.start_daemon(host, args.daemon)
        print(f"{host}: {args.daemon} " + ("running already" if pid == before else "started") + f", PID {pid}")
    return EXIT_OK


def _customers(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None
    if not 1 <= value <= MAX_TRUNK_CUSTOMERS:
        raise argparse.ArgumentTypeError(
            f"must be between 1 and {MAX_TRUNK_CUSTOMERS} (the lab's address plan; beyond {MAX_CUSTOMERS} on trunks)"
        )
    return value


def _observer_platforms(text: str) -> dict[str, str]:
    try:
        return played.parse_observer_platforms(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def _count(text: str) -> int:
    try:
        return int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None


def register(subparsers: argparse._SubParsersAction[Any], *, summary: str) -> None:
    """Add the lab subcommands (``summary``: the line ``ospf-failover --help`` shows for ``lab``)."""
    lab = subparsers.add_parser(
        "lab",
        help=summary,
        description="Build and drive the rehearsal lab. Only namespaces named ofl-* are ever touched.",
    )
    commands = lab.add_subparsers(dest="lab_command", metavar="LAB_COMMAND", parser_class=type(lab))
    commands.required = True

    def with_dir(parser: argparse.ArgumentParser) -> argparse.ArgumentParser:
        parser.add_argument("--dir", default=DEFAULT_DIR, help=f"lab directory (default: {DEFAULT_DIR})")
        return parser

    up = with_dir(commands.add_parser("up", help="build the lab and wait until OSPF has converged"))
    up.add_argument(
        "--customers",
        type=_customers,
        default=1,
        help=f"customers (1..{MAX_TRUNK_CUSTOMERS}, default 1; more than {MAX_CUSTOMERS} need --router-pairs and are "
        "carried on trunks, as with --vlans)",
    )
    up.add_argument(
        "--router-pairs",
        type=_count,
        default=None,
        metavar="M",
        help="router pairs sharing the customers' failover groups, a divisor of --customers: each pair serves "
        f"customers/M of them, one per NIC of its routers (eth1, eth2, ...; at most {MAX_VM_NICS}); default: one "
        "pair per customer",
    )
    up.add_argument(
        "--vlans",
        action="store_true",
        help="each router has one trunk NIC (eth1) and one subinterface of it per failover group of its pair "
        f"(eth1.101, eth1.102, ...; at most {MAX_SUBINTERFACES}), VMs on one hypervisor per pair; always so beyond "
        f"{MAX_CUSTOMERS} customers (docs/lab.md)",
    )
    up.add_argument(
        "--timers", choices=frr.TIMER_CHOICES, default="fast", help="OSPF timers: fast (default) or FRR's defaults"
    )
    up.add_argument(
        "--nic-style",
        choices=nic_style.NIC_STYLES,
        default="link",
        help="how routers release their VM-side NIC: link (ip link set down, default), address (NetworkManager's "
        "way: the address goes, the link stays up), mixed (site A link, site B address)",
    )
    up.add_argument(
        "--observer-platforms",
        type=_observer_platforms,
        default=None,
        metavar="OBSERVER=PLATFORM,...",
        help=f"observers whose SSH logins play a vendor's CLI ({', '.join(played.PLAYED_PLATFORMS)}), answering "
        "from their real FRR state, e.g. gw1=cisco_ios,gw2=juniper_junos; the inventory names their platform",
    )
    up.add_argument(
        "--unprivileged",
        action="store_true",
        help="the inventory logs in as an ordinary user, who runs what needs root through the sudo rules the package "
        "ships (docs/privileges.md); root cannot log in",
    )
    up.add_argument("--timeout", type=float, default=None, help="seconds to wait for convergence (default: by size)")
    up.add_argument(
        "--prefix",
        default=NAMESPACE_PREFIX,
        help=f"namespace name prefix, starting with {NAMESPACE_PREFIX} (default {NAMESPACE_PREFIX}): a second lab "
        "beside the first needs its own, e.g. ofl-t-",
    )
    up.set_defaults(handler=_up)

    down = with_dir(commands.add_parser("down", help="remove the lab (safe to repeat)"))
    down.add_argument(
        "--orphans",
        action="store_true",
        help="with no lab state in --dir: also remove leftover ofl- namespaces that no running lab owns",
    )
    down.set_defaults(handler=_down)

    status = with_dir(commands.add_parser("status", help="hosts, daemons and which router carries each VM network"))
    status.add_argument("--json", action="store_true", help="machine-readable output")
    status.set_defaults(handler=_status)

    run = with_dir(commands.add_parser("exec", help="run a command inside a lab host (lab exec HOST -- CMD ...)"))
    run.add_argument("host", help="lab host: vr1, gw1, node-a, client-a, vm1, ...")
    run.add_argument("command", nargs=argparse.REMAINDER, help="the command and its arguments, after --")
    run.set_defaults(handler=_exec)

    failover = with_dir(
        commands.add_parser("failover", help="play ECX: stop.sh on the source, move the VM, start.sh on the target")
    )
    failover.add_argument("fog", help="failover group, e.g. customer1")
    failover.add_argument("--to", metavar="NODE", default=None, help="target node (default: the other node)")
    failover.set_defaults(handler=_failover)

    clpstat = with_dir(commands.add_parser("clpstat", help="make the nodes' clpstat stand-in misbehave, or not"))
    mode = clpstat.add_mutually_exclusive_group(required=True)
    mode.add_argument("--busy", type=int, metavar="N", help="answer busy (exit 9) the next N times")
    mode.add_argument("--garbage", action="store_true", help="print a display that is not a status display")
    mode.add_argument("--normal", action="store_true", help="answer normally again")
    clpstat.set_defaults(handler=_clpstat)

    host_help = "lab host: vr1, gw1, node-a, client-a, vm1, ..."
    cut = with_dir(
        commands.add_parser(
            "cut",
            help="cut a host off its networks (lab restore HOST undoes it)",
            description="Cut HOST off every network: an nftables table inside the host's own namespace drops every "
            "packet in and out but loopback. SSH to it times out; its OSPF neighbours drop it after their dead "
            "interval. Safe to repeat. Exit 2 for a host that is not one of the lab's.",
        )
    )
    cut.add_argument("host", metavar="HOST", help=host_help)
    cut.set_defaults(handler=_cut)

    restore = with_dir(
        commands.add_parser(
            "restore",
            help="undo lab cut: the host's networks reach it again",
            description="Remove the table of lab cut from HOST's namespace (nothing to do when it is not cut off).",
        )
    )
    restore.add_argument("host", metavar="HOST", help=host_help)
    restore.set_defaults(handler=_restore)

    host_key = with_dir(
        commands.add_parser(
            "host-key",
            help="make a host's sshd serve a key that known_hosts does not have, or its own again",
            description="--change restarts HOST's sshd with a new host key that the inventory's known_hosts does "
            "not have (the tool must refuse to talk to it); --restore restarts it with its own key again. Hosts "
            "with sshd: routers, gw1/gw2, node-a/node-b.",
        )
    )
    host_key.add_argument("host", metavar="HOST", help="lab host running sshd: vr1, gw1, node-a, ...")
    key_mode = host_key.add_mutually_exclusive_group(required=True)
    key_mode.add_argument("--change", action="store_true", help="serve a new host key")
    key_mode.add_argument("--restore", action="store_true", help="serve the host's own key again")
    host_key.set_defaults(handler=_host_key)

    daemon = with_dir(
        commands.add_parser(
            "daemon",
            help="stop or start a host's zebra, ospfd or sshd",
            description="Stop (SIGTERM, SIGKILL after 3 s, by PID) or start again one of HOST's daemons: zebra "
            "and ospfd on routers and gw1/gw2, sshd on those and on node-a/node-b. Starting waits until the daemon "
            "is ready (sshd listening). Both are safe to repeat.",
        )
    )
    daemon.add_argument("host", metavar="HOST", help="lab host: vr1, gw1, node-a, ...")
    daemon.add_argument(
        "daemon", metavar="DAEMON", choices=daemons.DAEMON_NAMES, help=f"one of {', '.join(daemons.DAEMON_NAMES)}"
    )
    daemon_mode = daemon.add_mutually_exclusive_group(required=True)
    daemon_mode.add_argument("--stop", action="store_true", help="stop it")
    daemon_mode.add_argument("--start", action="store_true", help="start it again")
    daemon.set_defaults(handler=_daemon)
